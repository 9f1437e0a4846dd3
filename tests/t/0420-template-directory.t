#!/bin/sh
# The directory's columns in the template and the export: a column per
# group type with its groups as a list validation (literal, or a range of
# the hidden sheet Lists when long or when a name holds ',' or '"'), the
# labels named in a note, custom fields validated by type; the export
# with each user's groups, labels and values, read back and imported
# again unchanged; --columns with the store's names.
cd "${0%/*}" && . ../lib.sh && plan 44

fields='Username*,Password*,Email*,First Name*,Last Name*,Company,Title,'\
'Department,About Me,Whatsapp,Work Phone,Mobile Phone,Fax,Website,Address,'\
'Is Manager,Manager Email,Status,Must Change Password,Contact No'
dir='Region,City,Role,Position,Team,Appointment,Labels,shoe,born,remote,nick'

# py FILE SCRIPT: run SCRIPT with wb loaded from FILE, ws its sheet Users,
# heads its header row, col(h) the letter of a column, dv(h) the
# validations of a column (a list), rows2(h) its sqref from row 2 down
py() {
	/usr/bin/python3 -c '
import sys, openpyxl
from openpyxl.utils import get_column_letter
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Users"]
heads = [c.value for c in ws[1]]
def col(h):
	return get_column_letter(heads.index(h) + 1)
def rows2(h):
	return col(h) + "2:" + col(h) + "1048576"
def dv(h):
	return [d for d in ws.data_validations.dataValidation
	    if str(d.sqref) == rows2(h)]
def note(h):
	return ws[col(h) + "1"].comment.text
'"$2" "$1"
}

# libxlsxwriter 1.1.4 copies a range validation's formula twice and frees
# one copy (worksheet_data_validation_range()): make sanitize would count
# that leak of the library against the template
printf 'leak:lxw_strdup\n' > lsan.supp
LSAN_OPTIONS=suppressions=$PWD/lsan.supp
export LSAN_OPTIONS

new_store db
userimp groups -q -d db add region North South West 2>/dev/null
userimp groups -q -d db add city 'Quote "Q"' Paris 'Saint-Denis, Nord' \
	2>/dev/null
# 500 teams: t000 .. t499, added out of order
userimp groups -q -d db add team $(seq -f 't%03g' 499 -1 0) 2>/dev/null
# 64 names of 3 characters: 255 with the commas, the most a literal takes;
# 65: a range
userimp groups -q -d db add position $(seq -f 'p%02g' 0 63) 2>/dev/null
userimp groups -q -d db add appointment $(seq -f 'a%02g' 0 64) 2>/dev/null
userimp labels -q -d db add vip beta Alpha 2>/dev/null
userimp labels -q -d db add $(seq -f 'zz-label-%02g' 1 60) 2>/dev/null
userimp fields -q -d db add shoe --type number 2>/dev/null
userimp fields -q -d db add born --type date 2>/dev/null
userimp fields -q -d db add remote --type bool 2>/dev/null
userimp fields -q -d db add nick --type text 2>/dev/null
check_same "the store has the groups, labels and fields" \
	"$(sql db "select (select count(*) from groups), (select count(*)
	from labels), (select count(*) from custom_fields)")" "635|63|4"

# the template
check_exit 0 "userimp template -d db" userimp template -d db -o t.xlsx
check_same "sheets Users, Instructions and a hidden Lists" \
	"$(py t.xlsx 'print(" ".join(n + ":" + wb[n].sheet_state
	for n in wb.sheetnames))')" \
	"Users:visible Instructions:visible Lists:hidden"
check_same "the fields, then a column per group type, Labels, the fields" \
	"$(py t.xlsx 'print(",".join(heads))')" "$fields,$dir"
check_same "3 groups: a literal list, in name order, a warning (--create-groups)" \
	"$(py t.xlsx 'for d in dv("Region"):
	print(d.type, d.formula1, d.errorStyle, d.showErrorMessage)')" \
	'list "North,South,West" warning True'
check_same "500 groups: a range of the hidden sheet" \
	"$(py t.xlsx 'for d in dv("Team"): print(d.type, d.formula1)')" \
	'list Lists!$B$1:$B$500'
check "whose cells hold exactly the 500 names, in name order" py t.xlsx '
ls = wb["Lists"]
got = [c.value for c in ls["B"]]
assert got == ["t%03d" % i for i in range(500)], got[:3] + got[-3:]'
check_same "names with ',' and '\"': a range too, holding them as they are" \
	"$(py t.xlsx 'd = dv("City")[0]
print(d.formula1)
print("|".join(str(c.value) for c in wb["Lists"]["A"][:4]))')" \
	'Lists!$A$1:$A$3
Paris|Quote "Q"|Saint-Denis, Nord|None'
check_same "no list for a type without groups" \
	"$(py t.xlsx 'print(len(dv("Role")))')" "0"
check_same "255 characters: a literal list; 256 and more: a range" \
	"$(py t.xlsx 'print(len(dv("Position")[0].formula1) - 2)
print(dv("Appointment")[0].formula1)
print(",".join(c.value for c in wb["Lists"]["C"][:65]))')" \
	"255
Lists!\$C\$1:\$C\$65
$(seq -s, -f 'a%02g' 0 64)"
check_same "the group notes say the type and the count" \
	"$(py t.xlsx 'print(note("Region").split(":")[0])
print("3 in the list" in note("Region"), "500 in the list" in note("Team"))
print("Example: North" in note("Region"), "none exists yet" in note("Role"))')" \
	"the name of a group of type region
True True
True True"
check "labels: no list, the labels by name in the note, cut with ..." \
	py t.xlsx '
assert dv("Labels") == []
n = note("Labels")
assert "separated by " in n and ": Alpha, beta, vip, zz-label-01," in n, n
assert ", ..." in n and "zz-label-60" not in n and len(n) < 450, n
assert "Example: Alpha:beta" in n, n'
check_same "custom fields: 0/1 list, a decimal, a date; none on text" \
	"$(py t.xlsx 'for h in ("remote", "shoe", "born", "nick"):
	print(h, [(d.type, d.formula1, d.formula2) for d in dv(h)])')" \
	"remote [('list', '\"0,1\"', None)]
shoe [('decimal', '-1000000000000000', '1000000000000000')]
born [('date', '1', '2958465')]
nick []"
check_same "column formats: text on groups, labels and text, a day on dates" \
	"$(py t.xlsx 'print(" ".join(ws.column_dimensions[col(h)].number_format
	for h in ("Region", "Team", "Labels", "nick", "born", "shoe")))')" \
	"@ @ @ @ yyyy-mm-dd General"
check "each custom field's note gives its type's rule" py t.xlsx '
assert "numbers" in note("shoe") and "Example: 42" in note("shoe")
assert "YYYY-MM-DD" in note("born") and "0 or 1" in note("remote")
assert "2000 characters" in note("nick")'
check "an Instructions row per column, its rule the note's" py t.xlsx '
ins = wb["Instructions"]
rows = {r[0]: r for r in ins.iter_rows(min_row=2, values_only=True)}
assert ins.max_row == len(heads) + 1, ins.max_row
for h in heads:
	assert rows[h][2] in note(h), h
assert rows["Region"][1:] == ("no", rows["Region"][2], "North"), rows["Region"]'
check_exit 0 "--json" userimp template -d db --json
check "lists the same columns with the same rules" py t.xlsx '
import json
cols = json.load(open("out"))
ins = wb["Instructions"]
got = [(c["column"], c["rule"], c["example"] or None) for c in cols]
want = [r[0:1] + r[2:4] for r in ins.iter_rows(min_row=2, values_only=True)]
assert got == want, [(g, w) for g, w in zip(got, want) if g != w][:3]
assert [c["field"] for c in cols][20:] == ["region", "city", "role",
    "position", "team", "appointment", "labels", "shoe", "born", "remote",
    "nick"], cols[20:]'
check_exit 0 "the CSV template" userimp template -d db --format csv
check_same "has the same header" "$(tr -d '\r' < out)" "$fields,$dir"
check_exit 0 "LibreOffice converts the template to CSV" soffice \
	-env:UserInstallation=file://$PWD/lo --headless --convert-to csv \
	--outdir lo-out t.xlsx
check_same "its first line is the header row" \
	"$(head -n 1 lo-out/t.csv | tr -d '\r')" "$fields,$dir"

# the template filled in and imported
check "a template filled by openpyxl" py t.xlsx '
import datetime
def put(row, h, v):
	ws[col(h) + str(row)] = v
for r, (u, reg, team, lab, shoe, born, remote) in enumerate([
    ("ann", "north", "t123", "vip:Alpha", 1.5, datetime.date(2024, 2, 29), 1),
    ("bob", "West", "t499", "", "007", None, 0)], start=2):
	put(r, "Username*", u)
	put(r, "Password*", "Secret2024x")
	put(r, "Email*", u + "@example.com")
	put(r, "First Name*", u.title())
	put(r, "Last Name*", "Lee")
	put(r, "Region", reg)
	put(r, "Team", team)
	put(r, "Labels", lab or None)
	put(r, "shoe", shoe)
	put(r, "born", born)
	put(r, "remote", remote)
ws[col("City") + "2"] = "Quote \"Q\""
# a string cell, not a formula (openpyxl would take "=..." for one)
ws[col("nick") + "3"] = "=not a formula"
ws[col("nick") + "3"].data_type = "s"
wb.save("filled.xlsx")'
check_exit 0 "imports" userimp import -d db filled.xlsx
check_same "with the groups, labels and values in the store" \
	"$(sql db "select u.username, g.name from user_groups ug
	join users u on u.id = ug.user_id join groups g on g.id = ug.group_id
	order by u.username, g.type_id
	; select u.username, group_concat(l.name, ':') from users u
	join (select * from user_labels order by label_id) ul on ul.user_id = u.id
	join labels l on l.id = ul.label_id group by u.username
	; select u.username, f.name, v.value from user_values v
	join users u on u.id = v.user_id join custom_fields f on f.id = v.field_id
	order by u.username, f.id")" \
	"ann|North
ann|Quote \"Q\"
ann|t123
bob|West
bob|t499
ann|vip:Alpha
ann|shoe|1.5
ann|born|2024-02-29
ann|remote|1
bob|shoe|007
bob|remote|0
bob|nick|=not a formula"

# the export
check_exit 0 "export to CSV" userimp export -d db -o e.csv
check_same "the directory's columns after the fields, before Created At" \
	"$(head -n 1 e.csv | tr -d '\r')" \
	"$(echo "$fields" | sed 's/Password\*,//'),$dir,Created At,Updated At"
check_same "each user's group names, labels in name order, values as stored" \
	"$(tail -n +2 e.csv | tr -d '\r' | cut -d, -f20-30)" \
	"North,\"Quote \"\"Q\"\"\",,,t123,,Alpha:vip,1.5,2024-02-29,1,
West,,,,t499,,,007,,0,'=not a formula"
check_exit 0 "export to xlsx" userimp export -d db -o e.xlsx
check_same "read back: numbers and flags as numbers unless their text differs" \
	"$(py e.xlsx 'for r in range(2, 4):
	print([ws[col(h) + str(r)].value for h in ("City", "Labels", "shoe",
	    "born", "remote", "nick")])')" \
	"['Quote \"Q\"', 'Alpha:vip', 1.5, datetime.datetime(2024, 2, 29, 0, 0), 1, None]
[None, None, '007', None, 0, '=not a formula']"
check "the date cell shows as YYYY-MM-DD" py e.xlsx '
c = ws[col("born") + "2"]
assert c.number_format == "yyyy-mm-dd", c.number_format'
check_exit 0 "export to JSON" userimp export -d db -o e.json
check_same "keys by the type's and field's names, numbers as numbers" \
	"$(/usr/bin/python3 -c 'import json
for u in json.load(open("e.json")):
	print(u["region"], u["team"], u["labels"], repr(u["shoe"]),
	    u["born"], u["remote"], u["role"])')" \
	"North t123 Alpha:vip 1.5 2024-02-29 1 None
West t499 None '007' None 0 None"
check_exit 0 "CSV export piped into import" \
	sh -c 'userimp export -d db | userimp import -d db -'
check_grep -F "changes nothing" "-: 2 rows: 0 inserted, 0 updated, 2 unchanged" err
check_exit 0 "xlsx export piped into import" \
	sh -c 'userimp export -d db --format xlsx | userimp import -d db -'
check_grep -F "changes nothing either" "-: 2 rows: 0 inserted, 0 updated, 2 unchanged" err

# --columns
check_exit 0 "--columns with a group type, labels and a field, any case" \
	userimp export -d db --columns 'username, Team,labels,SHOE,region'
check_same "those, in that order" "$(tr -d '\r' < out)" \
	"Username*,Team,Labels,shoe,Region
ann,t123,Alpha:vip,1.5,North
bob,t499,,007,West"
check_exit 2 "a type misspelt" userimp export -d db --columns username,regoin
check_grep -F "names the nearest" \
	"--columns: no column 'regoin' (did you mean 'region'?)" err
check_exit 2 "a type twice" userimp export -d db --columns region,Region
check_exit 0 "a missing store has the seeded types" \
	userimp export -d nothere.db --columns username,appointment,labels
check_same "as columns of no user" "$(tr -d '\r' < out)" \
	"Username*,Appointment,Labels"
test_done
