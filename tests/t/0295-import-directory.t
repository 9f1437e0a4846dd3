#!/bin/sh
# Group-type, labels and custom-field columns: a user's groups, labels
# and custom values, checked against the store's directory; and the files
# of two systems admins migrate from, an LMS export and a help-desk CSV.
cd "${0%/*}" && . ../lib.sh && plan 52
PY=/usr/bin/python3

new_store db
userimp groups -q -d db add region North South
userimp groups -q -d db add city Paris
userimp labels -q -d db add vip Remote
userimp fields -q -d db add Badge --type number
userimp fields -q -d db add Hired --type date
userimp fields -q -d db add Onsite --type bool
userimp fields -q -d db add Nickname --type text
grp() { sql db "select u.username, t.name, g.name from user_groups ug
	join users u on u.id = ug.user_id join groups g on g.id = ug.group_id
	join group_types t on t.id = ug.type_id order by u.id, t.id"; }
lab() { sql db "select u.username, group_concat(l.name, ':') from
	(select * from user_labels order by label_id) ul
	join users u on u.id = ul.user_id join labels l on l.id = ul.label_id
	group by u.id order by u.id"; }
val() { sql db "select u.username, f.name, v.value from user_values v
	join users u on u.id = v.user_id join custom_fields f on f.id = v.field_id
	order by u.id, f.id"; }

$PY - <<'EOF2'
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Username", "Password", "Email", "First Name", "Last Name",
    "Region", "City", "Labels", "Badge", "Hired", "Onsite", "Nickname"])
ws.append(["ann", "AnnPass11", "ann@example.com", "Ann", "Lee", "north",
    "PARIS", "vip:Remote", 42, datetime.date(2024, 1, 31), True, "Annie"])
ws.append(["bob", "BobPass22", "bob@example.com", "Bob", "Ray", "South",
    None, "Remote", 7.5, "2023-12-01", "no", None])
wb.save("team.xlsx")
EOF2
check_exit 0 "an xlsx with group, label and custom columns (openpyxl)" \
	userimp import -d db team.xlsx
check_same "each user is in the groups named, in any case" "$(grp)" \
"ann|region|North
ann|city|Paris
bob|region|South"
check_same "labels by name, case as written" "$(lab)" "ann|vip:Remote
bob|Remote"
check_same "custom values by type: a number, a date cell, a flag, text" \
	"$(val)" \
"ann|Badge|42
ann|Hired|2024-01-31
ann|Onsite|1
ann|Nickname|Annie
bob|Badge|7.5
bob|Hired|2023-12-01
bob|Onsite|0"
check_exit 0 "the same file again" userimp import -d db team.xlsx
check_grep "changes nothing" '2 rows: 0 inserted, 0 updated, 2 unchanged' err

printf '%s\n' 'username,region,labels,badge' 'bob,north,vip,8' > move.csv
check_exit 0 "an update row of directory columns only" \
	userimp import -d db move.csv
check_grep "updates" '1 row: 0 inserted, 1 updated' err
check_same "bob's group, labels (all replaced) and value" \
	"$(grp | grep ^bob; lab | grep ^bob; val | grep '^bob|Badge')" \
"bob|region|North
bob|vip
bob|Badge|8"
job=$(sql db 'select max(id) from jobs')
printf '%s\n' 'username,region,labels,badge,city' 'bob,,,,' 'ann,,,,' > clear.csv
check_exit 1 "empty directory cells alone: nothing to update" \
	userimp import -d db clear.csv
check_exit 0 "--empty clear clears them" \
	userimp import -d db --empty clear clear.csv
check_same "bob has no region, labels, badge now; ann no city" \
	"$(grp; lab; val | grep Badge)" ""
check_exit 0 "jobs revert of the move (with --force: cleared since)" \
	userimp jobs -d db revert --force "$job"
check_same "puts bob back in South, with his label and badge" \
	"$(grp | grep ^bob; lab | grep ^bob; val | grep '^bob|Badge')" \
"bob|region|South
bob|Remote
bob|Badge|7.5"

# what is wrong, cell by cell
printf '%s\n' 'username,email,first_name,last_name,password,region,labels,badge,hired,onsite' \
	'cid,cid@example.com,Cid,Moe,CidPass33,Nowhere,vip:VIP,12a,2024-02-30,maybe' \
	> bad.csv
check_exit 1 "bad directory cells" userimp import -d db bad.csv
check_grep -F "a group that does not exist: one line naming the type and value" \
	"bad.csv:2:region: no such group: region 'Nowhere' (userimp groups add region NAME, or --create-groups)" err
check_grep -F "a label in another case is no label" \
	"bad.csv:2:labels: no such label 'VIP' (userimp labels add NAME)" err
check_grep -F "a number" "bad.csv:2:badge: '12a' is not a number" err
check_grep -F "a date that is no day" "bad.csv:2:hired: '2024-02-30' is not a date" err
check_grep -F "a flag" "bad.csv:2:onsite: 'maybe' is not a flag" err
check_exit 1 "--create-groups, the other cells still bad" \
	userimp import -d db --create-groups bad.csv
printf '%s\n' 'username,email,first_name,last_name,password,region' \
	'cid,cid@example.com,Cid,Moe,CidPass33,Nowhere' > newgroup.csv
check_exit 1 "check: the group is missing" userimp check -d db newgroup.csv
check_exit 0 "check --create-groups: the row would land" \
	userimp check -d db --create-groups newgroup.csv
check_exit 0 "import --create-groups creates the group" \
	userimp import -d db --create-groups newgroup.csv
check_same "and puts the user in it" "$(grp | grep ^cid)" "cid|region|Nowhere"
printf 'username,region,region_id\ncid,North,1\n' > twice.csv
check_exit 3 "a type's column twice (by name and by id)" \
	userimp import -d db twice.csv
check_grep "is a header problem" 'a second column for region' err

# an LMS export: its headers, phones as +7, 7 and 8, managers, every type
userimp groups -q -d db add city Moscow
userimp groups -q -d db add role Teacher Student
userimp groups -q -d db add position Head
userimp groups -q -d db add team Math
userimp groups -q -d db add appointment Tutor
$PY - <<'EOF2'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Login", "Password", "Email", "First Name", "Last Name",
    "The user is a manager", "User status",
    "The user needs to change the password", "Email of the manager",
    "Region", "City", "Role", "Position", "Team", "Appointments",
    "Mobile phone"])
ws.append(["ivan", "Ivan2024x", "ivan@school.ru", "Иван", "Петров", "yes",
    "active", "true", None, "North", "Moscow", "Teacher", "Head", "Math",
    "Tutor", "+7 916 123-45-67"])
ws.append(["olga", "Olga2024x", "olga@school.ru", "Ольга", "Смирнова", "no",
    "blocked", "false", "ivan@school.ru", "North", "Moscow", "Student",
    None, "Math", None, "79161234568"])
ws.append(["petr", "Petr2024x", "petr@school.ru", "Пётр", "Иванов", "0",
    "active", "1", "olga@school.ru", "South", None, "Student", None, None,
    None, "8 (916) 123-45-69"])
for r in range(2, 5):
    ws.cell(row=r, column=16).number_format = "@"
wb.save("lms.xlsx")
EOF2
check_exit 0 "an LMS export imports" userimp import -d db lms.xlsx
check_same "its users with their flags, status, managers and phones" \
	"$(sql db "select u.username, u.is_manager, u.status,
	    u.must_change_password, coalesce(m.username, '-'), u.mobile_phone
	    from users u left join users m on m.id = u.manager_id
	    where u.email like '%school.ru' order by u.id")" \
"ivan|1|active|1|-|+79161234567
olga|0|blocked|0|ivan|79161234568
petr|0|active|1|olga|89161234569"
check_same "and every group type" "$(grp | grep -E '^(ivan|olga|petr)')" \
"ivan|region|North
ivan|city|Moscow
ivan|role|Teacher
ivan|position|Head
ivan|team|Math
ivan|appointment|Tutor
olga|region|North
olga|city|Moscow
olga|role|Student
olga|team|Math
petr|region|South
petr|role|Student"

# a help-desk CSV keyed by email: company_id (a type company), labels,
# labels_id, active true/false and custom fields
userimp groups -q -d db add-type company
userimp groups -q -d db add company Acme Globex
acme=$(userimp groups -d db --json --type company | $PY -c 'import json, sys
print([g["id"] for g in json.load(sys.stdin) if g["name"] == "Acme"][0])')
remote=$(sql db "select id from labels where name = 'Remote'")
printf '%s\n' 'email,first_name,last_name,password,active,company_id,labels,labels_id,badge,nickname' \
	"ken@desk.example,Ken,Ito,KenPass99,true,$acme,vip,$remote,100,Kenny" \
	"lia@desk.example,Lia,Wu,LiaPass98,false,$acme,,,," > desk.csv
check_exit 3 "labels and labels_id both: one thing twice" \
	userimp import -d db --key email desk.csv
cut -d, -f1-7,9,10 desk.csv > desk2.csv
check_exit 0 "a help-desk CSV with --key email" \
	userimp import -d db --key email desk2.csv
check_same "users by email, status from active, their company by id" \
	"$(sql db "select username, status from users where email like
	    '%desk.example' order by id"; grp | grep desk)" \
"ken@desk.example|active
lia@desk.example|blocked
ken@desk.example|company|Acme
lia@desk.example|company|Acme"
check_same "labels and custom values" \
	"$(lab | grep desk; val | grep desk)" \
"ken@desk.example|vip
ken@desk.example|Badge|100
ken@desk.example|Nickname|Kenny"
cut -d, -f1,8 desk.csv | head -n 2 > desk3.csv
check_exit 0 "labels_id by id" userimp import -d db --key email desk3.csv
check_same "replaces ken's labels" "$(lab | grep desk)" \
	"ken@desk.example|Remote"
printf 'email,labels_id\nken@desk.example,999\n' > badid.csv
check_exit 1 "a label id that is no label" \
	userimp import -d db --key email badid.csv
check_grep -F "is rejected" "no such label id '999'" err
# export shows what the three systems' files brought
check_exit 0 "export of the LMS and help-desk users" \
	userimp export -d db --match '*@*.example*' -o - \
	--columns 'username,manager_email,region,company group,labels,badge'
check_same "with their managers, groups, labels and values" \
	"$(tr -d '\r' < out | grep -E '^(Username|ken|lia)')" \
"Username*,Manager Email,Region,Company Group,Labels,Badge
ken@desk.example,,,Acme,Remote,100
lia@desk.example,,,Acme,,"
check_exit 0 "the whole store exported" userimp export -d db -o all.csv
check_grep "a type named as a built-in field is its own column" \
	'Company,.*,Company Group,' all.csv
check_exit 0 "imports again" userimp import -d db all.csv
check_grep "unchanged, every row" ' 0 inserted, 0 updated, [0-9]+ unchanged, 0 rejected' err
check_exit 0 "export of the LMS users" \
	userimp export -d db --match '*@school.ru' -o - \
	--columns username,manager_email,region,city,role,position,team,appointment
check_same "each with every group type and the manager's email" \
	"$(tr -d '\r' < out)" \
"Username*,Manager Email,Region,City,Role,Position,Team,Appointment
ivan,,North,Moscow,Teacher,Head,Math,Tutor
olga,ivan@school.ru,North,Moscow,Student,,Math,
petr,olga@school.ru,South,,Student,,,"
# settings: defaults for new users, fields locked against updates
check_exit 2 "new_user.status takes active or blocked" \
	userimp config -d db new_user.status asleep
check_grep -F "and says so" "expected active or blocked" err
userimp config -q -d db new_user.status blocked
userimp config -q -d db new_user.contact_no 500
userimp config -q -d db new_user.must_change_password 1
printf '%s\n' 'username,email,first_name,last_name,password,status' \
	'nia,nia@example.com,Nia,Oh,NiaPass77,' \
	'oto,oto@example.com,Oto,Pe,OtoPass88,active' > new.csv
check_exit 0 "new users with empty cells" userimp import -d db new.csv
check_same "take the store's defaults; a filled cell wins" \
	"$(sql db "select username, status, contact_no, must_change_password
	    from users where username in ('nia', 'oto') order by id")" \
"nia|blocked|500|1
oto|active|500|1"
userimp config -q -d db import.locked_fields work_phone,fax
printf '%s\n' 'username,work_phone,title' 'nia,+1 555 0100,Cook' > locked.csv
check_exit 1 "a locked field changed by an update row" \
	userimp import -d db locked.csv
check_grep -F "rejects the row, saying which field is locked" \
	"locked.csv:2:work_phone: work_phone is locked (setting import.locked_fields)" err
test_done
