#!/bin/sh
# userimp user: show, disable, enable, remove one user, set a password
# (stdin, terminal, generated); each change a job; no password leaks.
cd "${0%/*}" && . ../lib.sh && plan 107

# verify HASH PASSWORD: whether python3-argon2 accepts PASSWORD for HASH
verify() {
	/usr/bin/python3 -c '
import sys, argon2
try:
    argon2.PasswordHasher().verify(sys.argv[1], sys.argv[2])
except Exception as e:
    print("#", e)
    sys.exit(1)' "$1" "$2"
}

# hash_of USER: the stored password hash
hash_of() {
	sql db "select password_hash from users where username = '$1'"
}

# job_tables: every job table of the store, as SQL text
job_tables() {
	sqlite3 db '.dump jobs job_changes job_findings job_rows'
}

# on_tty OUT PW1 PW2 CMD...: run CMD on a new terminal, answer its two
# prompts with PW1 and PW2; what the terminal showed goes to OUT, the exit
# status is CMD's
on_tty() {
	/usr/bin/python3 - "$@" <<'PY'
import os, pty, signal, sys
out, pw1, pw2 = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
signal.alarm(30)
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[4], sys.argv[4:])
got = b""
def expect(s):
    global got
    while s not in got:
        got += os.read(fd, 1024)
expect(b"New password for ")
os.write(fd, pw1 + b"\n")
expect(b"Again: ")
os.write(fd, pw2 + b"\n")
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    got += d
_, st = os.waitpid(pid, 0)
open(out, "wb").write(got)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}

# locked SECONDS: hold the store's write lock for SECONDS in the background
# (its pid in $locker), once it has it
locked() {
	rm -f ready
	/usr/bin/python3 - "$1" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect("db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open("ready", "w").close()
time.sleep(float(sys.argv[1]))
c.execute("ROLLBACK")
PY
	locker=$!
	while [ ! -e ready ]; do sleep 0.1; done
}

# --- show
check_exit 1 "show on a store that is not there: no such user" \
	userimp user -d db show alice
check_grep -F "says so" "userimp-user: no such user 'alice'" err
check "and creates no store" test ! -e db
new_store db
printf 'Username,Password,Email,First Name,Last Name,Title\n%s\n%s\n%s\n%s\n' \
	'alice,Sekret111,alice@example.com,Alice,Lee,Engineer' \
	'bob,Sekret222,bob@example.com,Bob,Ray,' \
	'carol,Sekret333,carol@example.com,Carol,Kim,' \
	'dave,Sekret444,dave@example.com,Dave,Fox,' > users.csv
userimp import -q -d db users.csv
check_exit 0 "show alice" userimp user -d db show alice
check_grep "her username" '^username +alice$' out
check_grep "her email" '^email +alice@example.com$' out
check_grep "her title" '^title +Engineer$' out
check_grep "an empty field: its name alone" '^company$' out
check_grep "whether a password is set" '^password +set$' out
check_nogrep "never the hash" 'argon2' out
check_same "nothing on stderr" "$(cat err)" ""
check_exit 0 "show by email, in any case" userimp user -d db show ALICE@Example.COM
check_grep "finds alice" '^username +alice$' out
check_exit 0 "show --json" userimp user -d db --json show Alice
check "one object, no hash, numbers as numbers" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d["username"] == "alice" and d["email"] == "alice@example.com", d
assert d["password_set"] is True and "password_hash" not in d, d
assert "password" not in d and d["company"] is None, d
assert d["is_manager"] == 0 and d["contact_no"] == 10000, d
assert d["status"] == "active" and d["manager"] is None, d'
check_exit 1 "show nobody: exit 1" userimp user -d db show nobody
check_grep -F "no such user, named" "userimp-user: no such user 'nobody'" err
check_exit 1 "an email that is nobody's" userimp user -d db show x@example.com

# --- usage
check_exit 2 "no subcommand" userimp user -d db
check_exit 2 "an unknown subcommand" userimp user -d db frobnicate alice
check_grep -F "named" "'frobnicate' is not a subcommand" err
check_exit 2 "--generate without --credentials" \
	userimp user -d db passwd --generate alice
check_exit 2 "--credentials without --generate" \
	userimp user -d db passwd --credentials c.csv alice
check_exit 2 "--must-change with disable" \
	userimp user -d db disable --must-change alice
check "--help prints the usage" sh -c \
	'userimp user --help | grep -q "^usage: userimp user"'

# --- disable, enable, remove
check_exit 0 "disable alice" userimp user -d db disable alice
check_same "says so with the job" "$(cat err)" \
	"userimp-user: alice: disabled (job 2)"
check_same "she is blocked" \
	"$(sql db "select status from users where username = 'alice'")" blocked
check_same "the job record" \
	"$(sql db 'select command, options, outcome, mode, file from jobs where id = 2')" \
	"user|disable alice|ok||"
check_same "with her as she was" \
	"$(sql db "select user_id, action, json_extract(before, '$.status') from job_changes where job_id = 2")" \
	"1|update|active"
check_exit 0 "disable her again" userimp user -d db disable alice
check_grep -F "nothing to do" "alice: blocked already; nothing changed" err
check_same "no job recorded" "$(sql db 'select max(id) from jobs')" 2
check_exit 0 "enable --json, by another case" userimp user -d db --json enable ALICE
check "one object naming the job" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d == {"user": "alice", "action": "enable", "job": 3, "changed": True}, d'
check_same "she is active" \
	"$(sql db "select status from users where username = 'alice'")" active
check_exit 0 "disable -q" userimp user -d db -q disable dave
check_same "prints nothing" "$(cat out err)" ""
check_exit 0 "remove carol" userimp user -d db remove carol
check_grep -F "says so" "userimp-user: carol: removed (job 5)" err
check_same "she is gone" \
	"$(sql db "select count(*) from users where username = 'carol'")" 0
check_same "her row is kept in the job" \
	"$(sql db "select action, json_extract(before, '$.username') from job_changes where job_id = 5")" \
	"remove|carol"
check_exit 1 "remove nobody" userimp user -d db remove nobody
check_grep -F "no such user" "no such user 'nobody'" err
sql db "update users set manager_id = (select id from users where username = 'alice') where username = 'bob'"
check_exit 1 "remove a manager: refused" userimp user -d db remove alice
check_grep -F "naming who names them" \
	"cannot remove user 'alice': user 'bob' names them as manager" err
check_same "she stays" \
	"$(sql db "select count(*) from users where username = 'alice'")" 1
check_exit 0 "show names bob's manager" userimp user -d db show bob
check_grep "manager line" '^manager +alice$' out
sql db "update users set manager_id = null"

# --- passwd from stdin
old=$(hash_of bob)
check_exit 0 "passwd from a pipe" sh -c \
	'printf "NewPass123\n" | userimp user -d db passwd bob'
check_grep -F "says so" "userimp-user: bob: password set (job 6)" err
check_nogrep "asks nothing: stdin is no terminal" "password for" err
check "the new hash verifies" verify "$(hash_of bob)" NewPass123
check "the old one does not" test "$(hash_of bob)" != "$old"
check_same "must_change_password left alone" \
	"$(sql db "select must_change_password from users where username = 'bob'")" 0
check_exit 0 "passwd --must-change, no newline at the end" sh -c \
	'printf "Other4567" | userimp user -d db passwd --must-change bob'
check "that verifies" verify "$(hash_of bob)" Other4567
check_same "must_change_password set" \
	"$(sql db "select must_change_password from users where username = 'bob'")" 1
old=$(hash_of bob)
check_exit 1 "a password the policy refuses" sh -c \
	'printf "short1\n" | userimp user -d db passwd bob'
check_grep "says why" "^userimp-user: bob: password: .*8" err
check_nogrep "without the password" short1 err
check_same "the hash is the same" "$(hash_of bob)" "$old"
check_exit 1 "white space is a character of the password" sh -c \
	'printf "Spaced 1234\n" | userimp user -d db passwd bob'
check_exit 2 "stdin no terminal, empty: no password" \
	userimp user -d db passwd bob
check_grep -F "says so" "no password on the standard input" err
check_same "the hash is the same" "$(hash_of bob)" "$old"
check_exit 1 "passwd for nobody" sh -c \
	'printf "NewPass123\n" | userimp user -d db passwd nobody'
phc=$(hash_of alice)
check_exit 0 "an argon2id hash on stdin is stored as it is" sh -c \
	"printf '%s\n' '$phc' | userimp user -d db passwd bob"
check_same "bob has alice's hash" "$(hash_of bob)" "$phc"
check_exit 1 "another hash format is refused" sh -c \
	'printf "\$2y\$10\$abcdefghijklmnopqrstuv\n" | userimp user -d db passwd bob'

# --- passwd on a terminal
check_exit 0 "passwd on a terminal" \
	on_tty tty.out TtyPass123 TtyPass123 userimp user -d db passwd alice
check_grep -F "asks for it" "New password for alice: " tty.out
check_nogrep "without echo" TtyPass123 tty.out
check "it verifies" verify "$(hash_of alice)" TtyPass123
old=$(hash_of alice)
check_exit 1 "two passwords that differ" \
	on_tty tty.out TtyPass123 TtyPass124 userimp user -d db passwd alice
check_grep -F "says so" "the two passwords differ" tty.out
check_same "nothing changed" "$(hash_of alice)" "$old"

# --- passwd --generate
check_exit 0 "passwd --generate --credentials --must-change" \
	userimp user -d db --json passwd --generate --credentials creds.csv \
	--must-change dave
check_same "the credentials file is 0600" "$(stat -c %a creds.csv)" 600
check_same "with a header and the user" "$(cut -d, -f1,2 creds.csv)" \
	"username,email
dave,dave@example.com"
pw=$(sed -n '2s/.*,//p' creds.csv)
check "a password of 20 letters and digits" \
	sh -c "printf '%s' '$pw' | grep -qxE '[A-Za-z0-9]{20}'"
check "it verifies" verify "$(hash_of dave)" "$pw"
check_same "must_change_password set" \
	"$(sql db "select must_change_password from users where username = 'dave'")" 1
check "--json: one object" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d["user"] == "dave" and d["action"] == "passwd", d
assert d["generated"] is True and d["credentials"] == "creds.csv", d
assert d["must_change"] is True and d["changed"] is True, d'
check_nogrep "not on stdout" "$pw" out
check_nogrep "not on stderr" "$pw" err
job_tables > jobs.sql
check_nogrep "not in the job tables" "$pw" jobs.sql
check "nor the typed ones" sh -c \
	'! grep -qE "NewPass123|Other4567|TtyPass123|short1" jobs.sql'
check_same "the job's options hold no password" \
	"$(sql db 'select options from jobs order by id desc limit 1')" \
	"passwd dave --generate --credentials creds.csv --must-change"
cp creds.csv creds.before
old=$(hash_of dave)
check_exit 2 "an existing credentials file is never overwritten" \
	userimp user -d db passwd --generate --credentials creds.csv dave
check_grep -F "says so" "creds.csv: exists" err
check "the file is as it was" cmp -s creds.csv creds.before
check_same "the hash is the same" "$(hash_of dave)" "$old"
ln -s target.csv link.csv
check_exit 2 "nor written through a symbolic link" \
	userimp user -d db passwd --generate --credentials link.csv dave
check "whose target is not made" test ! -e target.csv
check_exit 1 "--generate for nobody makes no file" \
	userimp user -d db passwd --generate --credentials none.csv nobody
check "none.csv is not there" test ! -e none.csv

# --- a locked store
locked 6
old=$(hash_of dave)
check_exit 4 "--wait 0 on a locked store: exit 4" \
	userimp user -d db --wait 0 disable bob
check_same "bob is as he was" \
	"$(sql db "select status from users where username = 'bob'")" active
check_exit 4 "passwd --generate on a locked store: exit 4" \
	userimp user -d db --wait 0 passwd --generate --credentials late.csv dave
check "the credentials file made before is removed" test ! -e late.csv
check_same "the hash is the same" "$(hash_of dave)" "$old"
check_exit 0 "show still reads a locked store" \
	userimp user -d db --wait 0 show bob
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

# --- revert of a user job
if userimp jobs --help 2>&1 | grep -q revert; then
	userimp user -q -d db disable bob
	job=$(sql db 'select max(id) from jobs')
	check_exit 0 "jobs revert of a disable" userimp jobs -d db revert "$job"
	check_same "bob is active again" \
		"$(sql db "select status from users where username = 'bob'")" \
		active
	check_exit 0 "jobs revert of the remove" userimp jobs -d db revert 5
	check_same "carol is back, as she was" \
		"$(sql db "select id, email, first_name from users where username = 'carol'")" \
		"3|carol@example.com|Carol"
else
	for t in 1 2 3 4; do
		pass "jobs revert # SKIP userimp jobs has no revert yet"
	done
fi
test_done
