#!/bin/sh
# userimp jobs errors, prune and revert: the rejected rows of a job written
# back as CSV or xlsx (no passwords, an Error column, modes, --force); old
# jobs dropped by age or count; revert's command line.
cd "${0%/*}" && . ../lib.sh && plan 84

umask 022
new_store db
printf '%s\r\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,Sekret111,ann@example.com,Ann,Lee' \
	'bob,Sekret222,bad,Bob,=Bee' \
	'007,Sekret333,zed@example.com,,Zed' \
	'dan,Sekret444,dan@example.com,Dan,Dee' > users.csv
check_exit 1 "an import with rejected rows" \
	userimp import -d db --on-error skip users.csv

# to stdout, as CSV
check_exit 0 "errors 1: CSV on stdout" userimp jobs -d db errors 1
check "the file's columns, then Error; cells kept, no password" \
	/usr/bin/python3 -c '
import csv
rows = list(csv.reader(open("out", newline="")))
assert rows == [
    ["Username", "Password", "Email", "First Name", "Last Name", "Error"],
    ["bob", "", "bad", "Bob", "\x27=Bee", "Email: \x27bad\x27 is not an "
     "email address: expected local@domain.tld with one @; Last Name: "
     "\x27=Bee\x27 holds \x27=\x27: a name takes letters, digits, space "
     "and \x27 - / \\ . only; the password is not kept in the job record: "
     "enter it again"],
    ["007", "", "zed@example.com", "", "Zed", "First Name: empty required "
     "field: a new user needs first_name; the password is not kept in the "
     "job record: enter it again"]], rows'
check_same "CRLF line ends" "$(grep -c "$(printf '\r')\$" out)" 3
check_grep -F "the count on stderr" "-: 2 rejected rows of job 1" err
check_nogrep "no password anywhere" Sekret out
check_exit 0 "-q: nothing on stderr" userimp jobs -q -d db errors 1 -o -
check_same "stderr empty" "$(cat err)" ""

# to a CSV file
check_exit 0 "errors 1 -o bad.csv" userimp jobs -d db errors 1 -o bad.csv
check_same "mode 0600: the job's file had passwords" \
	"$(stat -c %a bad.csv)" 600
check_same "the same rows as stdout" "$(userimp jobs -q -d db errors 1)" \
	"$(cat bad.csv)"
echo keep > kept.csv
check_exit 2 "an existing file is refused" \
	userimp jobs -d db errors 1 -o kept.csv
check_grep -F "saying it exists" "kept.csv: exists: --force overwrites it" err
check_same "and left alone" "$(cat kept.csv)" keep
check_exit 0 "--force replaces it" \
	userimp jobs -d db errors 1 -o kept.csv --force
check_same "with the rows" "$(head -c 9 kept.csv)" "Username,"
check "no temporary file left" test "$(ls -a | grep -c '^\.userimp')" = 0

# to xlsx, read back by openpyxl, fixed and imported again
check_exit 0 "errors 1 -o bad.xlsx" userimp jobs -d db errors 1 -o bad.xlsx
check_same "xlsx: mode 0600 too" "$(stat -c %a bad.xlsx)" 600
check "openpyxl: sheet Users, the rows, text cells, Error" /usr/bin/python3 -c '
import openpyxl
wb = openpyxl.load_workbook("bad.xlsx")
ws = wb["Users"]
rows = [list(r) for r in ws.iter_rows(values_only=True)]
assert rows[0] == ["Username", "Password", "Email", "First Name",
    "Last Name", "Error"], rows[0]
assert len(rows) == 3, rows
assert rows[1][:5] == ["bob", None, "bad", "Bob", "=Bee"], rows[1]
assert rows[2][0] == "007" and rows[2][3] is None, rows[2]
assert all(c.data_type == "s" for r in ws.iter_rows() for c in r
    if c.value is not None)
assert rows[1][5].startswith("Email: ") and \
    rows[1][5].endswith("enter it again"), rows[1][5]
assert ws.freeze_panes == "A2", ws.freeze_panes
assert ws["A1"].font.b'
check "openpyxl: fix the rows" /usr/bin/python3 -c '
import openpyxl
wb = openpyxl.load_workbook("bad.xlsx")
ws = wb["Users"]
ws["B2"] = "Sekret555"; ws["C2"] = "bob@example.com"; ws["E2"] = "Bee"
ws["B3"] = "Sekret666"; ws["D3"] = "Zoe"
wb.save("fixed.xlsx")'
check_exit 0 "the fixed file imports, Error column and all" \
	userimp import -d db fixed.xlsx
check_same "every user landed, 007 as text" \
	"$(sql db "select username from users order by username")" \
	"007
ann
bob
dan"

# a job whose file had no password column; rows not kept
printf 'Username,Email\nann,not-an-email\ndan,dan2@example.com\n' > upd.csv
check_exit 1 "an update with a rejected row" \
	userimp import -d db --mode update --on-error skip upd.csv
job=$(sql db "select max(id) from jobs")
check_exit 0 "errors of a file without passwords" \
	userimp jobs -d db errors "$job" -o upd-bad.csv
check_same "mode by the umask" "$(stat -c %a upd-bad.csv)" 644
check_same "no password note" "$(tr -d '\r' < upd-bad.csv)" \
	"Username,Email,Error
ann,not-an-email,Email: 'not-an-email' is not an email address: expected local@domain.tld with one @"
sql db "update job_rows set cells = '{}' where job_id = $job"
check_exit 0 "a row kept as {}" userimp jobs -d db errors "$job"
check_same "empty cells and a note" "$(tr -d '\r' < out | tail -n 1)" \
	",,Email: 'not-an-email' is not an email address: expected local@domain.tld with one @; the cells of this row were not kept"

# a password column named otherwise (--map)
printf 'Login,Kennwort,Email,First Name,Last Name\n%s\n' \
	'eve,short,eve@example.com,Eve,Ell' > map.csv
userimp import -q -d db --map Kennwort=password --on-error skip map.csv \
	2>/dev/null
job=$(sql db "select max(id) from jobs")
check_exit 0 "errors of a --map password column" \
	userimp jobs -d db errors "$job" -o map-bad.csv
check_same "found by its missing cells: mode 0600" \
	"$(stat -c %a map-bad.csv)" 600
check_grep -F "empty, with the note" \
	'eve,,eve@example.com,Eve,Ell,"Kennwort: ' map-bad.csv
check_grep -F "the note" "enter it again" map-bad.csv

# --json, mistakes
check_exit 0 "--json -o file" userimp jobs -d db --json errors 1 -o j.csv
check "one object: job, file, rows" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d == {"job": 1, "file": "j.csv", "rows": 2}, d'
check_exit 2 "--json with the rows on stdout is refused" \
	userimp jobs -d db --json errors 1
check_exit 1 "no such job: exit 1" userimp jobs -d db errors 99 -o x.csv
check_grep -F "saying so" "db: no job 99" err
check "and no file" test ! -e x.csv
check_exit 2 "not a job number" userimp jobs -d db errors x1
check_exit 2 "-o is for errors only" userimp jobs -d db -o x.csv show 1

# a store of schema 1, read as it is: no columns recorded, no new counts
new_store v1.db
userimp import -q -d v1.db --on-error skip users.csv 2>/dev/null
sql v1.db "alter table jobs drop column columns;
	alter table jobs drop column blocked;
	alter table jobs drop column generated;
	alter table jobs drop column reverted_by;
	drop table job_changes; pragma user_version = 1"
check_exit 0 "schema 1: the list" userimp jobs -d v1.db --json
check_exit 0 "schema 1: errors" userimp jobs -q -d v1.db errors 1
check_same "the columns from the kept cells" \
	"$(head -n 1 out | tr -d '\r')" \
	"Username,Email,First Name,Last Name,Error"
check_same "and the store is left at schema 1" \
	"$(sql v1.db "pragma user_version")" 1

# show and the list: the new counts
check_exit 0 "show 1" userimp jobs -d db show 1
check_grep "show: blocked and generated" \
	'^users +0 blocked, 0 passwords generated$' out
check_exit 0 "--json list" userimp jobs -d db --json
check "the list has command, reverted_by, blocked, generated" \
	/usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d[-1]["command"] == "import" and d[-1]["reverted_by"] is None, d[-1]
assert d[-1]["summary"]["blocked"] == 0 and "generated" in d[-1]["summary"]'

# prune
n=$(sql db "select count(*) from jobs")
sql db "update jobs set finished_at = '2020-01-0' || id || 'T00:00:00Z'
	where id <= 2"
check_exit 0 "prune --dry-run" \
	userimp jobs -d db prune --older-than 30 --dry-run
check_grep -F "says how many it would remove" \
	"db: 2 jobs would be removed (--dry-run)" err
check_same "and removes none" "$(sql db "select count(*) from jobs")" "$n"
check_exit 0 "prune --older-than 30 --json" \
	userimp jobs -d db prune --older-than 30 --json
check_same "prints the count as JSON" "$(cat out)" \
	'{"removed": 2, "dry_run": false}'
check_same "the old jobs are gone" \
	"$(sql db "select count(*) from jobs where id <= 2")" 0
check_same "with their findings and rows" \
	"$(sql db "select count(*) from job_findings where job_id <= 2
		union all select count(*) from job_rows where job_id <= 2")" \
	"0
0"
check_same "the newer ones stay" "$(sql db "select count(*) from jobs")" \
	$((n - 2))
sql db "update jobs set finished_at = '2020-02-01T00:00:00Z'"
check_exit 0 "prune --keep 2 --older-than 30" \
	userimp jobs -d db prune --keep 2 --older-than 30
check_grep -F "prints how many" "db: $((n - 4)) jobs removed" err
check_same "keeps the newest two whatever their age" \
	"$(sql db "select id from jobs")" "$((n - 1))
$n"
check_exit 0 "prune --keep 1" userimp jobs -d db prune --keep 1
check_grep -F "one job" "db: 1 job removed" err
check_same "keeps the newest only" "$(sql db "select id from jobs")" "$n"
check_exit 0 "a store that does not exist has nothing to prune" \
	userimp jobs -d none.db prune --keep 0
check "and is not created" test ! -e none.db
for days in x -1 1.5 "" " 3"; do
	check_exit 2 "--older-than '$days' is refused" \
		userimp jobs -d db prune --older-than "$days"
done
check_exit 2 "prune needs --older-than or --keep" userimp jobs -d db prune
check_exit 2 "--keep is for prune only" userimp jobs -d db --keep 1 show 1

# revert: the command line; refused when a user changed since
check_exit 2 "revert needs a job number" userimp jobs -d db revert
check_exit 2 "a job number, not a word" userimp jobs -d db revert one
check_exit 1 "revert of no such job exits 1" userimp jobs -d db revert 999
new_store rv.db
printf 'Username,Password,Email,First Name,Last Name\nrae,Sekret111,rae@example.com,Rae,Roe\n' > rae.csv
printf 'Username,Email\nrae,rae2@example.com\n' > rae2.csv
userimp import -q -d rv.db rae.csv
userimp import -q -d rv.db rae2.csv
check_exit 1 "a revert refused (the user changed since) exits 1" \
	userimp jobs -d rv.db revert 1
check_same "and changes nothing" \
	"$(sql rv.db "select email from users")" rae2@example.com
check_exit 0 "revert of the last job" userimp jobs -d rv.db revert 2
check_grep -F "its summary line" \
	"job 2 reverted by job 3: 0 removed, 1 restored, 0 brought back" err
check_exit 0 "the list" userimp jobs -d rv.db
check_grep "marks the reverted job" '^2 .* rae2\.csv +reverted by job 3$' out
check_grep "shows the revert by its command" '^3 .* \[revert\]$' out
check_exit 1 "a second revert is refused" userimp jobs -d rv.db --json revert 2
check "with one JSON object saying why" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d["job"] == 2 and d["error"]["exit"] == 1, d'
test_done
