#!/bin/sh
# import for operations: --errors files, generated passwords with
# --credentials and --must-change, --block-missing with --max-changes,
# and the record of what each run changed.
cd "${0%/*}" && . ../lib.sh
plan 89
PY=/usr/bin/python3

new_store db

# --errors FILE: the rejected rows as they were, plus Error

$PY - <<'EOF'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Users"
ws.append(["Username", "Password", "Email", "First Name", "Last Name",
    "Mobile Phone", "Title"])
ws.append(["ann", "FirstPass1", "ann@example.com", "Ann", "Lee",
    "+44 20 7946 0001", "Clerk"])
ws.append(["bob", "BobPass22", "bob(at)example.com", "Bob", "Ray",
    "020 7946 0002", "Cook"])
ws.append(["cid", "xQ7", "cid@example.com", "Cid", "Moe", "", "007"])
ws.append(["dee", "DeePass33", "dee@example.com", "Dee", "Orr", "", ""])
ws.cell(row=4, column=7).number_format = "@"
wb.save("mixed.xlsx")
EOF
check_exit 1 "good and bad rows, --on-error skip --errors bad.xlsx" \
	userimp import -d db --on-error skip --errors bad.xlsx mixed.xlsx
check_grep "the summary counts them" \
	'4 rows: 2 inserted, 0 updated, 0 unchanged, 2 rejected' err
check_same "the errors file is 0600: it carries passwords" \
	"$(stat -c %a bad.xlsx)" 600
$PY - > bad.txt <<'EOF'
import openpyxl
ws = openpyxl.load_workbook("bad.xlsx").active
for row in ws.iter_rows(values_only=True):
    print("|".join("" if v is None else str(v) for v in row))
EOF
check_same "openpyxl reads the header and the Error column" \
	"$(sed -n 1p bad.txt)" \
	"Username|Password|Email|First Name|Last Name|Mobile Phone|Title|Error"
check_same "exactly the bad rows, their cells as they were" \
	"$(cut -d'|' -f1-7 bad.txt | sed 1d)" \
"bob|BobPass22|bob(at)example.com|Bob|Ray|020 7946 0002|Cook
cid|xQ7|cid@example.com|Cid|Moe||007"
check_grep "Error names the column and what is wrong" \
	'^bob\|.*\|Email: .*not an email address' bad.txt
check_grep "Error of a password cell says what the policy wants" \
	'^cid\|.*\|Password: .*8' bad.txt
cut -d'|' -f8 bad.txt > errcol.txt
check_nogrep "the Error column never quotes a password" xQ7 errcol.txt
$PY - <<'EOF'
import openpyxl
wb = openpyxl.load_workbook("bad.xlsx")
ws = wb.active
for row in ws.iter_rows(min_row=2):
    if row[0].value == "bob":
        row[2].value = "bob@example.com"
    if row[0].value == "cid":
        row[1].value = "LongerPass7"
wb.save("fixed.xlsx")
EOF
check_exit 0 "the file fixed by openpyxl imports as it is (Error ignored)" \
	userimp import -d db fixed.xlsx
check_grep "all of its rows land" '2 rows: 2 inserted, 0 updated' err
check_same "the fixed cells are stored, the text kept" \
	"$(sql db "select username, email, mobile_phone, title from users
	    order by username")" \
"ann|ann@example.com|+442079460001|Clerk
bob|bob@example.com|02079460002|Cook
cid|cid@example.com||007
dee|dee@example.com||"

printf 'username,password,email,first_name,last_name\n%s\n%s\n' \
	'eve,EvePass44,eve@example.com,Eve,Fox' \
	'fay,FayPass55,not-an-email,Fay,Gil' > two.csv
check_exit 1 "--errors under --on-error abort" \
	userimp import -d db --errors bad.csv two.csv
check_same "the CSV errors file has the rejected row (abort: none written)" \
	"$(cat bad.csv | tr -d '\r')" \
"username,password,email,first_name,last_name,Error
fay,FayPass55,not-an-email,Fay,Gil,email: 'not-an-email' is not an email address: expected local@domain.tld with one @"
check_same "and no user was written" \
	"$(sql db "select count(*) from users where username in ('eve','fay')")" 0
check_exit 0 "a run with nothing rejected" \
	userimp import -d db --errors clean.csv fixed.xlsx
check_same "writes the header alone" "$(tr -d '\r' < clean.csv)" \
	"Username,Password,Email,First Name,Last Name,Mobile Phone,Title,Error"
check_exit 0 "--errors replaces the file of the last run" \
	userimp import -d db --errors bad.csv fixed.xlsx
check_same "which holds no row now" "$(wc -l < bad.csv)" 1
check_exit 1 "check --errors writes the same file" \
	userimp check -d db --errors checked.csv two.csv
check_grep "check's errors file" '^fay,FayPass55,not-an-email' checked.csv
check_exit 5 "an errors file in a missing folder fails before any work" \
	userimp import -d db --errors no/such/dir/e.csv two.csv
check_same "and the run left no job" "$(sql db "select count(*) from jobs
    where file = 'two.csv'")" 1
check_exit 2 "--errors with an empty name is a usage error" \
	userimp import -d db --errors '' two.csv
check_exit 2 "--errors - (the standard output) is refused: passwords" \
	userimp import -d db --errors - two.csv
check_exit 2 "--errors naming the input file is refused" \
	userimp import -d db --errors two.csv two.csv
check_exit 2 "also through another path to it" \
	userimp import -d db --errors ./two.csv two.csv
check_exit 2 "--errors naming a directory" \
	userimp import -d db --errors . two.csv
check_grep "says so" 'is a directory' err
check_exit 2 "--errors and --credentials naming one file" \
	userimp import -d db --errors same.csv --generate-passwords \
	--credentials same.csv two.csv
check_exit 2 "--credentials -" \
	userimp import -d db --generate-passwords --credentials - two.csv
check_same "the input is as it was" "$(sed -n 3p two.csv)" \
	'fay,FayPass55,not-an-email,Fay,Gil'

# generated passwords

printf 'username,email,first_name,last_name,password\n%s\n%s\n%s\n' \
	'gus,gus@example.com,Gus,Hay,' \
	'hal,hal@example.com,Hal,Ivy,HalPass66' \
	'ann,,,,AnnPass77' > gen.csv
check_exit 2 "--generate-passwords alone would lose them" \
	userimp import -d db --generate-passwords gen.csv
check_grep "and says where they could go" 'needs --credentials' err
check_exit 2 "--credentials without --generate-passwords" \
	userimp import -d db --credentials c.csv gen.csv
check_exit 2 "--invite-template without --invite" \
	userimp import -d db --generate-passwords --credentials c.csv \
	--invite-template t.txt gen.csv
check_exit 2 "check refuses --credentials: it writes nothing" \
	userimp check -d db --generate-passwords --credentials c.csv gen.csv
check_exit 0 "check --generate-passwords counts them" \
	userimp check -d db --generate-passwords gen.csv
check_grep "one to be generated" '1 password to be generated' err
check_exit 0 "--dry-run --generate-passwords needs no file" \
	userimp import -d db --dry-run --generate-passwords gen.csv
check "and writes none" test ! -e c.csv
check_exit 0 "import --generate-passwords --credentials --must-change" \
	userimp import -d db --generate-passwords --credentials c.csv \
	--must-change gen.csv
check_grep "the summary counts the generated password" \
	'2 inserted, 0 updated, 1 unchanged, 0 rejected, 1 password left alone, 1 password generated' err
check_same "the credentials file is 0600" "$(stat -c %a c.csv)" 600
check_same "it names the user with a generated password, only" \
	"$(tr -d '\r' < c.csv | cut -d, -f1,2)" \
"username,email
gus,gus@example.com"
pw=$(tr -d '\r' < c.csv | sed -n 2p | cut -d, -f3)
check "a generated password: 20 letters and digits, both kinds" \
	sh -c "printf '%s' '$pw' | grep -Eq '^[A-Za-z0-9]{20}$' &&
	    printf '%s' '$pw' | grep -q '[0-9]' &&
	    printf '%s' '$pw' | grep -q '[A-Za-z]'"
sql db "select password_hash from users where username = 'gus'" > gus.hash
check "it verifies against the stored hash (python3-argon2)" \
	$PY -c 'import sys, argon2
argon2.PasswordHasher().verify(open("gus.hash").read().strip(), sys.argv[1])' \
	"$pw"
check_same "--must-change marks the new users, not the others" \
	"$(sql db "select username, must_change_password from users
	    where username in ('ann','gus','hal') order by username")" \
"ann|0
gus|1
hal|1"
for f in out err; do
	check_nogrep "the password is not on std$f" "$pw" $f
done
sql db .dump > dump.sql
check_nogrep "nor anywhere in the store but its hash" "$pw" dump.sql
check_exit 2 "an existing credentials file is never overwritten" \
	userimp import -d db --generate-passwords --credentials c.csv gen.csv
check_grep "and the message says so" 'c.csv.*exist' err
check_same "the file is as it was" "$(tr -d '\r' < c.csv | sed -n 2p |
    cut -d, -f3)" "$pw"
printf 'username,email,first_name,last_name,password\n%s\n%s\n' \
	'ida,ida@example.com,Ida,Jay,' \
	'jon,jon@example.com,Jon,,' > gen2.csv
check_exit 1 "a run that aborts" \
	userimp import -d db --generate-passwords --credentials c2.csv gen2.csv
check "leaves no credentials file" test ! -e c2.csv
check_same "and no user" \
	"$(sql db "select count(*) from users where username = 'ida'")" 0
(umask 000 && userimp import -q -d db --on-error skip \
	--generate-passwords --credentials c3.csv gen2.csv 2>/dev/null)
check_same "under umask 000 the credentials file is still 0600" \
	"$(stat -c %a c3.csv)" 600
check_same "the job counts the generated passwords" \
	"$(sql db "select generated from jobs order by id desc limit 1")" 1

# --block-missing and --max-changes

new_store sync
{
	echo 'username,password,email,first_name,last_name,title'
	for i in $(seq 10 29); do
		echo "u$i,Passw0rd$i,u$i@example.com,F$i,L$i,T"
	done
} > full.csv
head -n 11 full.csv > half.csv
userimp import -q -d sync full.csv
sql sync 'select * from users order by id' > before.txt
check_exit 1 "--block-missing --max-changes 10% on half the users" \
	userimp import -d sync --block-missing --max-changes 10% half.csv
check_grep "says why: how many it would block, of how many" \
	'would update 0 and block 10 of the 20 users in the store \(50\.0%\)' err
check_grep "and that nothing changed" 'refused, no user changed' err
check_grep "the summary line says refused" '; refused, no user written' err
userimp import -d sync --json --block-missing --max-changes 10% half.csv \
	> refused.json 2>/dev/null
check_same "--json: aborted and refused, exit 1 in the error" \
	"$(/usr/bin/python3 -c 'import json; d = json.load(open("refused.json"))
print(d["summary"]["aborted"], d["summary"]["refused"], d["error"]["exit"])')" \
	"True True 1"
sql sync 'select * from users order by id' > after.txt
check "no user changed" cmp -s before.txt after.txt
check_same "the refusal is recorded in the job" \
	"$(sql sync "select outcome, inserted, blocked from jobs
	    order by id desc limit 1")" "refused|0|0"
check_grep "with its reason" 'max_changes' \
	"$(sql sync "select code from job_findings" > codes; echo codes)"
check_exit 1 "check says the same without writing" \
	userimp check -d sync --block-missing --max-changes 10% half.csv
check_grep "check's words" 'import would be refused' err
check_exit 0 "check --block-missing counts the users it would block" \
	userimp check -d sync --block-missing half.csv
check_grep "10 to be blocked" '10 to be blocked' err
check_exit 0 "on the full file nothing is blocked" \
	userimp import -d sync --block-missing --max-changes 10% full.csv
sed '/^u1[3-4],/d' full.csv > most.csv
check_exit 0 "a file missing 2 of 20 users, --max-changes 10%" \
	userimp import -d sync --block-missing --max-changes 10% most.csv
check_same "blocks exactly the missing" \
	"$(sql sync "select username from users where status = 'blocked'")" \
"u13
u14"
check_grep "the summary counts them" '2 blocked' err
check_exit 1 "--max-changes 1 (a number) refuses 2 changes" \
	userimp import -d sync --max-changes 1 --mode update \
	--block-missing half.csv
check_exit 0 "--max-changes counts updates too: 1 is enough for one" \
	sh -c 'sed "s/^u10,\(.*\),T$/u10,\1,Boss/" full.csv > one.csv &&
	    userimp import -d sync --max-changes 1 one.csv'
printf 'username,title\n,Boss\nu10,Boss\n' > nokey.csv
check_exit 1 "--block-missing when a row has no key: refused" \
	userimp import -d sync --on-error skip --block-missing nokey.csv
check_grep "it says which rows and why" '1 row has no readable username' err
check_same "nobody was blocked" \
	"$(sql sync "select count(*) from users where status = 'blocked'")" 2
for v in -1 10x 101% '' %; do
	check_exit 2 "--max-changes '$v' is a usage error" \
		userimp import -d sync --max-changes "$v" full.csv
done

# the record of what a run changed (for jobs revert)

job=$(sql sync "select max(id) from jobs where outcome = 'ok'")
check_same "an update records the row as it was" \
	"$(sql sync "select action, json_extract(before, '$.title')
	    from job_changes where job_id = $job")" "update|T"
first=$(sql sync "select min(id) from jobs")
check_same "an insert records each new user" \
	"$(sql sync "select count(*) from job_changes
	    where job_id = $first and action = 'insert'")" 20
check_same "a block records the user as it was (active)" \
	"$(sql sync "select json_extract(before, '$.status') from job_changes
	    c join users u on u.id = c.user_id where u.username = 'u13'
	    and action = 'update'")" \
	active

# a policy that asks for long passwords gets them
new_store long
userimp config -q -d long password.max_length 1024
userimp config -q -d long password.min_length 1000
printf 'username,email,first_name,last_name\nzz,zz@example.com,Zed,Zee\n' \
	> zz.csv
check_exit 0 "--generate-passwords under a 1000-character minimum" \
	userimp import -d long --generate-passwords --credentials zz-cred.csv \
	zz.csv
check_same "the password has 1000 characters" \
	"$(sed -n 2p zz-cred.csv | cut -d, -f3 | tr -d '\r\n' | wc -c)" 1000
test_done
