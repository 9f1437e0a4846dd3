#!/bin/sh
# Import options and header handling: --mode, --map, --ignore-unknown,
# unknown, repeated and blank headers, pre-hashed passwords, --json, -q,
# locked fields.
cd "${0%/*}" && . ../lib.sh && plan 47

new_store db
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,FirstPass1,ann@example.com,Ann,Lee' > ann.csv
check_exit 0 "create ann" userimp import -d db ann.csv

printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,FirstPass1,ann@example.com,Ann,Lee' \
	'bob,FirstPass2,bob@example.com,Bob,Ray' > two.csv
check_exit 1 "--mode insert rejects an existing key" \
	userimp import -d db --mode insert two.csv
check_grep -F "and says so" "two.csv:2:Username: user 'ann' exists already (--mode insert)" err
check_exit 1 "--mode update rejects an unknown key" \
	userimp import -d db --mode update two.csv
check_grep -F "and says so" "two.csv:3:Username: no user 'bob' to update (--mode update)" err
check_same "neither wrote a user" "$(sql db 'select count(*) from users')" 1
check_exit 2 "--mode with a bad value is a usage error" \
	userimp import -d db --mode merge two.csv
check_grep -F "naming what is allowed" "upsert, insert or update" err
check_exit 2 "--on-error with a bad value" userimp import -d db --on-error x two.csv
check_exit 2 "-j 0 is a usage error" userimp import -d db -j 0 two.csv
check_exit 2 "no file is a usage error" userimp import -d db
check_exit 2 "two files are a usage error" userimp import -d db a.csv b.csv

printf '%s\n' 'Login,Password,E-Mail Address,Given Name,Surname' \
	'cy,FirstPass3,cy@example.com,Cy,Fox' > mapped.csv
check_exit 3 "an unknown header is exit 3" userimp import -d db mapped.csv
check_grep -F "naming the header and the nearest column" \
	"mapped.csv:1:E-Mail Address: unknown column; did you mean 'email'?" err
check_exit 0 "--map maps it" \
	userimp import -d db --map 'e-mail address=email' mapped.csv
check_same "the mapped user landed" \
	"$(sql db "select username, email, first_name, last_name from users where username = 'cy'")" \
	"cy|cy@example.com|Cy|Fox"
check_exit 2 "--map to no field is a usage error" \
	userimp import -d db --map 'E-Mail Address=mailbox' mapped.csv
check_grep -F "naming the field" "no field 'mailbox'" err

printf '%s\n' 'Username,Password,Email,First Name,Last Name,Shoe Size' \
	'dee,FirstPass4,dee@example.com,Dee,Poe,42' > extra.csv
check_exit 3 "an extra column is exit 3" userimp import -d db extra.csv
check_exit 0 "--ignore-unknown makes it a warning" \
	userimp import -d db --ignore-unknown extra.csv
check_grep -F "the warning names the column" \
	"extra.csv:1:Shoe Size: warning: unknown column, ignored" err

printf '%s\n' 'Username,Email,E-mail' 'ann,a@example.com,b@example.com' > rep.csv
check_exit 3 "two columns for one field are exit 3" userimp import -d db rep.csv
check_grep -F "naming both" "rep.csv:1:E-mail: a second column for email: 'Email' is in column B already" err
printf '%s\n' 'Username,Status,Active' 'ann,active,true' > sa.csv
check_exit 3 "status and active together are exit 3" userimp import -d db sa.csv
printf '%s\n' 'Email,First Name' 'a@example.com,A' > nokey.csv
check_exit 3 "no key column is exit 3" userimp import -d db nokey.csv
check_grep -F "and says which" "no username column" err
printf '%s\n' 'Username,,First Name' 'ann,,Anna' > blank.csv
check_exit 0 "an empty column without a header is skipped" \
	userimp import -d db blank.csv
printf '%s\n' 'Username,,First Name' 'ann,x,Anna' > blank2.csv
check_exit 3 "a value under a blank header is exit 3" \
	userimp import -d db blank2.csv
check_grep -F "naming the row and column" "blank2.csv: row 2: a value in column B, which has no header" err
: > empty.csv
check_exit 3 "an empty file is exit 3" userimp import -d db empty.csv
printf 'Username,Password,Email,First Name,Last Name\r\n' > header.csv
check_exit 0 "a header-only file imports 0 rows" userimp import -d db header.csv
check_grep -F "0 rows" "header.csv: 0 rows: 0 inserted" err

# pre-hashed passwords
phc=$(/usr/bin/python3 -c 'import argon2; print(argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("PreHashed1"))')
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	"eve,\"$phc\",eve@example.com,Eve,Orr" > phc.csv
check_exit 0 "an argon2id PHC string is taken as hashed" userimp import -d db phc.csv
check_same "and stored as it is" \
	"$(sql db "select password_hash from users where username = 'eve'")" "$phc"
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'fay,$2y$10$abcdefghijklmnopqrstuuJ8cT6sVhP5l0kQ5XfY3zXQ0h1xYyW2,fay@example.com,Fay,Orr' > bcrypt.csv
check_exit 1 "a bcrypt hash is a rejected cell" userimp import -d db bcrypt.csv
check_grep "the message names the password column" '^bcrypt.csv:2:Password: ' err
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'gus,"$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY",gus@example.com,Gus,Orr' > big.csv
check_exit 1 "a PHC string asking for 4 GiB is rejected" userimp import -d db big.csv

# --json and -q
check_exit 1 "--json on a file with a fault" userimp import -d db --json bcrypt.csv
check "--json prints one JSON document" /usr/bin/python3 -c '
import json, sys
d = json.load(open("out"))
assert d["file"] == "bcrypt.csv"
assert d["summary"]["rows"] == 1 and d["summary"]["rejected"] == 1
f = d["findings"][0]
assert f["row"] == 2 and f["column"] == "Password" and f["severity"] == "error"
assert f["field"] == "password" and f["code"]
assert isinstance(d["job"], int)
'
check_exit 0 "-q prints nothing on success" userimp import -q -d db header.csv
check_same "nothing at all" "$(cat out err)" ""

# -v tells what became of each row
printf '%s\n' 'Username,First Name' 'ann,Annabel' 'cy,Cy' > verbose.csv
check_exit 0 "-v on an update" userimp import -v -d db verbose.csv
check_same "-v: one line a row" "$(grep -v rows: err)" "verbose.csv:2: updated 'ann'
verbose.csv:3: unchanged: 'cy'"
check_exit 0 "check -v" userimp check -v -d db verbose.csv
check_grep -F "check -v says what import would do" "verbose.csv:2: unchanged: 'ann'" err

# locked fields
userimp config -q -d db import.locked_fields email,last_name
printf '%s\n' 'Username,Last Name' 'ann,Changed' > locked.csv
check_exit 1 "a locked field is refused on update" userimp import -d db locked.csv
check_grep -F "naming the setting" "locked.csv:2:Last Name: last_name is locked (setting import.locked_fields)" err
test_done
