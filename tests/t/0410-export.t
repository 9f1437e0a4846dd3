#!/bin/sh
# Export: the admin's round trip, hard values read back by other programs
# exactly, export | import changing nothing, hashes that move stores, and
# the options.
cd "${0%/*}" && . ../lib.sh && plan 58

new_store db
/usr/bin/python3 - <<'PY'
import csv
rows = [
    ["Username", "Password", "Email", "First Name", "Last Name", "Title",
     "About me", "Mobile Phone", "Work Phone", "Company", "Is Manager",
     "Status", "Contact No"],
    ["alex", "Sekret111", "alex@example.com", "Alex", "Smith",
     "=cmd|' /C calc'!A0", "first line\nsecond, with comma", "+7 916 123-45-67",
     "+791612345678901", "Acme <&> \"Quotes\"", "1", "active", "7"],
    ["ivan", "Sekret222", "ivan@example.ru", "Иван", "Петров", "+7 is lucky",
     "Люблю шахматы ♟ 😀", "", "", "-minus", "0", "blocked", ""],
    ["wang", "Sekret333", "wang@example.cn", "芳", "王", "'=quoted already",
     "@mention\ttab", "", "", "", "", "", "10000"],
]
with open("hard.csv", "w", newline="") as f:
    csv.writer(f).writerows(rows)
PY
check_exit 0 "import the hard values" userimp import -d db hard.csv
# import takes a CSV guard away: a stored ' and = comes from xlsx, or here
sql db "update users set title = '''=quoted already' where username = 'wang'"
sql db 'select username, email, first_name, last_name, title, about_me,
	mobile_phone, work_phone, company, is_manager, status, contact_no
	from users order by id' > stored

# done-when 2: the update flow of a real admin
check_exit 0 "export to xlsx" userimp export -d db -o users.xlsx
check_grep -F "says how many" "users.xlsx: 3 users exported" err
/usr/bin/python3 - <<'PY'
import openpyxl
wb = openpyxl.load_workbook("users.xlsx")
ws = wb["Users"]
head = [c.value for c in ws[1]]
col = head.index("First Name*") + 1
for row in ws.iter_rows(min_row=2):
    if row[col - 1].value == "Alex":
        row[col - 1].value = "Alexander"
wb.save("edited.xlsx")
PY
check_exit 0 "import the edited file" userimp import -d db edited.xlsx
check_grep -F "one row updated, every other unchanged" \
	"edited.xlsx: 3 rows: 0 inserted, 1 updated, 2 unchanged, 0 rejected (job 2)" err
check_same "Alex is Alexander, the username untouched" \
	"$(sql db "select username, first_name from users where email = 'alex@example.com'")" \
	"alex|Alexander"
sql db "update users set first_name = 'Alex' where username = 'alex'"

# done-when 3: CSV, xlsx and JSON read back exactly
check_exit 0 "export CSV" userimp export -d db -o users.csv
check_exit 0 "export JSON" userimp export -d db -o users.json
check_exit 0 "export xlsx" userimp export -d db -o users.xlsx --force
cat > readback.py <<'PY'
import csv, json, sys, openpyxl
cols = ["username", "email", "first_name", "last_name", "title", "about_me",
        "mobile_phone", "work_phone", "company", "is_manager", "status",
        "contact_no"]
def out(rows):
    for r in rows:
        print("|".join("" if r[c] is None else str(r[c]) for c in cols))
def canon(h):
    return h.rstrip("*").lower().replace(" ", "_")
which = sys.argv[1]
if which == "csv":
    def unguard(v):
        if len(v) > 1 and v[0] == "'" and (v[1] in "=+-@\t\r" or
                (v[1] == "'" and len(v) > 2 and v[2] in "=+-@\t\r")):
            return v[1:]
        return v
    with open("users.csv", newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        head = [canon(h) for h in next(rd)]
        out([{h: (unguard(v) if v != "" else None) for h, v in zip(head, r)}
             for r in rd])
elif which == "json":
    out(json.load(open("users.json", encoding="utf-8")))
else:
    ws = openpyxl.load_workbook("users.xlsx")["Users"]
    head = [canon(c.value) for c in ws[1]]
    out([{h: c.value for h, c in zip(head, r)} for r in ws.iter_rows(min_row=2)])
PY
for fmt in csv json xlsx; do
	check_same "$fmt reads back to the stored text" \
		"$(/usr/bin/python3 readback.py $fmt)" "$(cat stored)"
done
check "CSV guards the formula-like values with one '" \
	grep -qF ",'=cmd|' /C calc'!A0," users.csv
check "and a value that starts with ' and = gets a second one" \
	grep -qF "''=quoted already" users.csv
check "no formula element in the exported sheet" \
	sh -c '! unzip -p users.xlsx xl/worksheets/sheet1.xml | grep -q "<f>"'
check "created_at is a date cell" /usr/bin/python3 -c '
import openpyxl, datetime
ws = openpyxl.load_workbook("users.xlsx")["Users"]
head = [c.value for c in ws[1]]
v = ws.cell(row=2, column=head.index("Created At") + 1).value
assert isinstance(v, datetime.datetime), v'

# done-when 4: export | import changes nothing
check_exit 0 "CSV export piped into import" \
	sh -c 'userimp export -d db | userimp import -d db -'
check_grep -F "CSV: zero inserted, zero updated" "-: 3 rows: 0 inserted, 0 updated, 3 unchanged, 0 rejected" err
check_exit 0 "xlsx export piped into import" \
	sh -c 'userimp export -d db --format xlsx | userimp import -d db -'
check_grep -F "xlsx: zero inserted, zero updated" "-: 3 rows: 0 inserted, 0 updated, 3 unchanged, 0 rejected" err
check_exit 0 "JSON Lines export" userimp export -d db --format jsonl
check_same "one object a line" "$(wc -l < out)" 3
(umask 022 && userimp export -d db --with-hashes -o hashes.csv 2>/dev/null)
check_same "--with-hashes makes a 0600 file" "$(stat -c %a hashes.csv)" 600
check_grep -F "with a password column of PHC strings" '$argon2id$v=19$m=64,t=1,p=1$' hashes.csv
new_store empty.db
check_exit 0 "import the hashes into an empty store" userimp import -d empty.db hashes.csv
check_grep -F "every user inserted" "3 inserted" err
check "the passwords still verify" /usr/bin/python3 -c '
import argon2, sqlite3
ph = argon2.PasswordHasher()
db = sqlite3.connect("empty.db")
pw = {"alex": "Sekret111", "ivan": "Sekret222", "wang": "Sekret333"}
for u, h in db.execute("select username, password_hash from users"):
    assert ph.verify(h, pw[u]), u'
(umask 022 && userimp export -d db -o plain.csv 2>/dev/null)
check_same "a plain export takes the umask's mode" "$(stat -c %a plain.csv)" 644
check_nogrep "and holds no hash" 'argon2' plain.csv

# the options
check_exit 2 "an existing file is not replaced" userimp export -d db -o users.csv
check_grep -F "saying how" "users.csv: exists: --force overwrites it" err
check_exit 0 "--columns" userimp export -d db --columns username,email,title --format csv
check_same "only those, in that order" "$(head -1 out | tr -d '\r')" "Username*,Email*,Title"
check_exit 2 "--columns with no such field" userimp export -d db --columns username,shoe
check_exit 2 "the password column needs --with-hashes" \
	userimp export -d db --columns username,password
check_exit 0 "--status blocked" userimp export -d db --status blocked --columns username
check_same "only ivan" "$(tail -n +2 out | tr -d '\r')" ivan
check_exit 2 "--status with a bad value" userimp export -d db --status gone
check_exit 0 "--match on username or email, any case" \
	userimp export -d db --match '*@EXAMPLE.C?' --columns username
check_same "wang's .cn and alex's .com: only .cn matches ?" "$(tail -n +2 out | tr -d '\r')" wang
check_exit 0 "--since in the past" userimp export -d db --since 2000-01-01 --columns username
check_same "every user" "$(tail -n +2 out | wc -l)" 3
check_exit 0 "--since in the future" userimp export -d db --since 2999-01-01T00:00:00Z --columns username
check_same "no user" "$(tail -n +2 out | wc -l)" 0
check_exit 2 "--since that is no date" userimp export -d db --since yesterday -o never.csv
check_exit 2 "--since with month 13" userimp export -d db --since 2026-13-01
check_grep -F "saying the forms" "YYYY-MM-DDTHH:MM:SSZ (UTC)" err
check_exit 5 "an output folder that does not exist is exit 5" \
	userimp export -d db -o nodir/users.csv
check_grep -F "naming the file" "nodir/users.csv: cannot create a file beside it" err
check "and no file is left" test ! -e never.csv
check_exit 0 "--bom" userimp export -d db --bom --columns username
check_same "starts the CSV with a byte order mark" "$(head -c 3 out | od -An -tx1 | tr -d ' ')" efbbbf
check_exit 2 "--bom is for CSV" userimp export -d db --bom --format json
check_exit 2 "an unknown ending needs --format" userimp export -d db -o users.dat
check_exit 0 "a missing store exports no user" userimp export -d nothere.db --format json
check_same "an empty array" "$(cat out)" "[]"
check "and creates no store" test ! -e nothere.db
check_same "no temporary file was left behind" \
	"$(ls -a | grep -c '^\.userimp\.')" 0
test_done
