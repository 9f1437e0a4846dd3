#!/bin/sh
# Another process writes between the planning of an import and its commit:
# the commit plans again against what is there then.
cd "${0%/*}" && . ../lib.sh && plan 21

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
# two imports started at once on one store: one waits for the other
for f in a b; do
	{
		echo 'Username,Password,Email,First Name,Last Name'
		seq 1 3000 | sed "s/.*/$f&,Sekret&x,$f&@example.com,F,L/"
	} > $f.csv
done
userimp import -q -d db --wait 60 a.csv & a=$!
userimp import -q -d db --wait 60 b.csv & b=$!
wait $a; ra=$?
wait $b; rb=$?
check_same "two imports at once both finish" "$ra $rb" "0 0"
check_same "both wrote every user" \
	"$(sql db "select count(*) from users where username glob '[ab]*'")" \
	6000
check_same "each recorded its job" \
	"$(sql db "select file, outcome, inserted from jobs
	    where file in ('a.csv','b.csv') order by file")" \
"a.csv|ok|3000
b.csv|ok|3000"
# a writer holds the store: --wait 0 gives up at once, writing nothing
hold_lock db 3 IMMEDIATE
holder=$locker
sum_before=$(sha256sum db)
printf 'Username,Password,Email,First Name,Last Name\n%s\n' \
	'cc,Sekret444,cc@example.com,Cee,Mine' > cc.csv
check_exit 4 "with --wait 0 the second writer exits 4" \
	userimp import -d db --wait 0 cc.csv
check_grep -F "saying the store is locked" "locked" err
wait $holder
check_same "and wrote nothing, not even a job" "$(sha256sum db)" "$sum_before"
# a generated password is for a new user: when another process creates
# the user between the planning and the commit, it is dropped, not set
/usr/bin/python3 - <<'PY' &
import sqlite3, time
c = sqlite3.connect("db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("""INSERT INTO users (username, email, password_hash, first_name,
    last_name, created_at, updated_at) VALUES ('gg', 'gg@other.example',
    'theirs', 'Gee', 'Other', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')""")
open("ready2", "w").close()
time.sleep(3)
c.execute("COMMIT")
PY
writer=$!
while [ ! -e ready2 ]; do sleep 0.1; done
printf 'Username,Email,First Name,Last Name\n%s\n' \
	'gg,gg@example.com,Gee,Mine' > gg.csv
check_exit 0 "an import with --generate-passwords --update-passwords waits" \
	userimp import -d db --wait 20 --generate-passwords \
	--update-passwords --credentials gg-cred.csv gg.csv
wait $writer
check_same "the user the other process made keeps its password" \
	"$(sql db "select password_hash, last_name from users
	    where username = 'gg'")" "theirs|Mine"
check_same "the credentials file names nobody" "$(wc -l < gg-cred.csv)" 1
check_grep "and no password counts as generated" \
	'1 row: 0 inserted, 1 updated, 0 unchanged, 0 rejected \(job' err

# an empty store when the rows are planned (nothing looked up), users
# added by another process before the commit: the commit looks them up
new_store empty.db
userimp import -q -d empty.db /dev/null 2>/dev/null
/usr/bin/python3 - <<'PY' &
import sqlite3, time
c = sqlite3.connect("empty.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
for u, m in (("zz", "zz@other.example"), ("vv", "vv@other.example")):
    c.execute("""INSERT INTO users (username, email, first_name, last_name,
        created_at, updated_at) VALUES (?, ?, 'Their', 'User',
        '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')""", (u, m))
open("empty.ready", "w").close()
time.sleep(3)
c.execute("COMMIT")
PY
writer=$!
while [ ! -e empty.ready ]; do sleep 0.1; done
printf 'Username,Password,Email,First Name,Last Name\n%s\n%s\n%s\n' \
	'zz,Sekret222,zz@example.com,Zed,Mine' \
	'ww,Sekret555,VV@other.example,Dub,Mine' \
	'uu,Sekret666,uu@example.com,You,Mine' > three.csv
check_exit 1 "planned on an empty store, committed on a full one" \
	userimp import -d empty.db --wait 20 --on-error skip -v three.csv
wait $writer
check_grep -F "zz is found at the commit and updated" \
	"three.csv:2: updated 'zz'" err
check_grep -F "vv's email is found taken at the commit" \
	"three.csv:3:Email: already used by user 'vv'" err
check_grep -F "uu is inserted" "three.csv:4: inserted 'uu'" err
check_same "four users: zz with the file's email, vv, uu; integrity ok" \
	"$(sql empty.db "select group_concat(username || ' ' || email, ', ')
	    from (select * from users order by username)";
	   sql empty.db 'pragma integrity_check')" \
	"uu uu@example.com, vv vv@other.example, zz zz@example.com
ok"
test_done
