#!/bin/sh
# Another process writes between the planning of an import and its commit:
# the commit plans again against what is there then.
cd "${0%/*}" && . ../lib.sh && plan 6

new_store db
printf 'Username,Password,Email,First Name,Last Name\n%s\n' \
	'seed,Sekret111,seed@example.com,Seed,User' > seed.csv
userimp import -q -d db seed.csv
# a writer that holds the write lock for 3 s, then commits user zz
/usr/bin/python3 - <<'PY' &
import sqlite3, time
c = sqlite3.connect("db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("""INSERT INTO users (username, email, first_name, last_name,
    created_at, updated_at) VALUES ('zz', 'zz@other.example', 'Zed', 'Other',
    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')""")
open("ready", "w").close()
time.sleep(3)
c.execute("COMMIT")
PY
writer=$!
while [ ! -e ready ]; do sleep 0.1; done
printf 'Username,Password,Email,First Name,Last Name\n%s\n%s\n' \
	'zz,Sekret222,zz@example.com,Zed,Mine' \
	'yy,Sekret333,yy@example.com,Why,Mine' > two.csv
# zz is not there yet when the rows are planned; it is at the commit
check_exit 0 "the import waits for the writer and finishes" \
	userimp import -d db --wait 20 -v two.csv
wait $writer
check_grep -F "zz, which the other process created, is updated, not inserted" \
	"two.csv:2: updated 'zz'" err
check_grep -F "yy is inserted" "two.csv:3: inserted 'yy'" err
check_same "zz holds the other process's email changed by the file" \
	"$(sql db "select email, last_name from users where username = 'zz'")" \
	"zz@example.com|Mine"
check_same "zz's password was left alone (no --update-passwords)" \
	"$(sql db "select coalesce(password_hash, 'none') from users where username = 'zz'")" none
check_same "three users, integrity ok" \
	"$(sql db 'select count(*) from users'; sql db 'pragma integrity_check')" "3
ok"
test_done
