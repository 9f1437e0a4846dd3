#!/bin/sh
# import --invite and --sendmail: a welcome message per new user with a
# generated password, in a maildir outbox or through a fake sendmail;
# read back by Python's email module.
cd "${0%/*}" && . ../lib.sh && plan 35
PY=/usr/bin/python3

# parse DIR: "address|display name|subject|password" per message, sorted,
# with the password read from the body's "Password: " line
cat > parse.py <<'EOF'
import email, email.policy, os, re, sys
d = sys.argv[1]
r = []
for n in os.listdir(d):
    m = email.message_from_bytes(open(os.path.join(d, n), 'rb').read(),
        policy=email.policy.default)
    assert len(m['to'].addresses) == 1 and 'bcc' not in m and 'cc' not in m
    a = m['to'].addresses[0]
    pw = re.search(r'Password: (\S+)', m.get_content())
    r.append('%s|%s|%s|%s' % (a.addr_spec, a.display_name, m['subject'],
        pw.group(1) if pw else ''))
print('\n'.join(sorted(r)))
EOF

new_store db
printf 'username,email,first_name,last_name,password\n%s\n' \
	'ann,ann@example.com,Ann,Lee,AnnPass77' > old.csv
check_exit 0 "a user who exists already" userimp import -d db old.csv

printf 'username,email,first_name,last_name,password\n%s\n%s\n%s\n' \
	'gus,gus@example.com,Gus,Hay,' \
	'jm,jm@example.de,Jürgen,Müller,' \
	'ann,,,Lea,' > gen.csv
check_exit 0 "import --generate-passwords --credentials --invite" \
	userimp import -d db --generate-passwords --credentials c.csv \
	--invite box gen.csv
check_same "one message per new user in new/" "$(ls box/new | wc -l)" 2
check_same "none left in tmp/" "$(ls box/tmp | wc -l)" 0
check_same "the outbox is 0700" "$(stat -c %a box box/tmp box/new box/cur)" \
"700
700
700
700"
check_same "each message is 0600" "$(stat -c %a box/new/* | sort -u)" 600
check "maildir names: time.MusecPpidQn.host" \
	sh -c 'ls box/new | grep -Eqv "^[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\..+$" && exit 1; exit 0'
$PY parse.py box/new > parsed 2> parse.err
check "Python's email module parses them" test -s parsed
check_same "to each new user, with the password of the credentials file" \
	"$(cat parsed)" \
"gus@example.com|Gus Hay|Your new account|$(grep '^gus,' c.csv | tr -d '\r' | cut -d, -f3)
jm@example.de|Jürgen Müller|Your new account|$(grep '^jm,' c.csv | tr -d '\r' | cut -d, -f3)"
check "the non-ASCII name is RFC 2047 encoded" \
	grep -lq '^To: =?UTF-8?B?' box/new/*
check "lines end in CRLF" sh -c \
	'for f in box/new/*; do [ "$(grep -c "$(printf "\r")\$" "$f")" = "$(wc -l < "$f")" ] || exit 1; done'
pw=$(grep '^gus,' c.csv | tr -d '\r' | cut -d, -f3)
for f in out err; do
	check_nogrep "the password is not on std$f" "$pw" $f
done
sql db .dump > dump.sql
check_nogrep "nor in the store" "$pw" dump.sql

# a template, with the sender set in the store
check_exit 0 "invite.from" userimp config -d db invite.from it@example.com
printf '%s\n' 'Subject: Welcome, {first_name}' 'Reply-To: help@example.com' \
	'' 'Dear {first_name} {last_name},' '' \
	'your login is {username}, your password {password}.' > t.txt
printf 'username,email,first_name,last_name\n%s\n' \
	'ida,ida@example.com,Ида,Li' > t.csv
check_exit 0 "--invite-template" userimp import -d db --generate-passwords \
	--invite box2 --invite-template t.txt t.csv
check_same "the subject and body come from the template" \
	"$($PY -c 'import email, email.policy, glob
f = glob.glob("box2/new/*")[0]
m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
print(m["from"], m["reply-to"], m["subject"], m.get_content().split("\n")[0].strip(), sep="|")')" \
	"it@example.com|help@example.com|Welcome, Ида|Dear Ида Li,"

# a bad template stops the run before anything is written
printf 'Hello {frist_name}\n' > bad.txt
printf 'username,email,first_name,last_name\n%s\n' \
	'kai,kai@example.com,Kai,Lo' > bad.csv
check_exit 2 "an unknown placeholder is a usage error" \
	userimp import -d db --generate-passwords --invite box3 \
	--invite-template bad.txt bad.csv
check_grep -F "naming the file and line" \
	"bad.txt:1: unknown placeholder '{frist_name}'" err
check_same "and no user was made" \
	"$(sql db "select count(*) from users where username = 'kai'")" 0

# an aborted run leaves no message
printf 'username,email,first_name,last_name\n%s\n%s\n' \
	'lee,lee@example.com,Lee,Ma' 'moe,bad-address,Moe,Ng' > abort.csv
check_exit 1 "a run with a bad row aborts" userimp import -d db \
	--generate-passwords --invite box4 abort.csv
check_same "and leaves no message, in tmp/ or new/" \
	"$(find box4 -type f | wc -l)" 0

# sendmail: a fake that keeps each message, one that refuses
mkdir sent
cat > sm <<EOF
#!/bin/sh
echo "\$*" >> "$PWD/sm.args"
for f in /proc/\$\$/fd/*; do readlink "\$f"; done >> "$PWD/sm.fds"
cat > "$PWD/sent/msg.\$\$"
EOF
chmod +x sm
check_exit 0 "invite.sendmail" userimp config -d db invite.sendmail "$PWD/sm"
printf 'username,email,first_name,last_name\n%s\n%s\n' \
	'ned,ned@example.com,Ned,Oz' 'ola,ola@example.com,Ola,Pi' > sm.csv
mkdir tmpdir
TMPDIR=$PWD/tmpdir check_exit 0 "--sendmail" userimp import -d db \
	--generate-passwords --credentials c5.csv --sendmail sm.csv
check_same "sendmail ran once a message, as sendmail -t -i" \
	"$(cat sm.args)" "-t -i
-t -i"
$PY parse.py sent > parsed2 2> parse.err
check_same "each message to its user, with the password" "$(cat parsed2)" \
"ned@example.com|Ned Oz|Your new account|$(grep '^ned,' c5.csv | tr -d '\r' | cut -d, -f3)
ola@example.com|Ola Pi|Your new account|$(grep '^ola,' c5.csv | tr -d '\r' | cut -d, -f3)"
check_same "the private folder is gone" "$(ls tmpdir | wc -l)" 0
check_nogrep "sendmail gets no descriptor of the store" "$PWD/db" sm.fds
check_nogrep "nor of the run's unnamed files" "(deleted)" sm.fds

printf '#!/bin/sh\ncat > /dev/null\nexit 75\n' > sm
printf 'username,email,first_name,last_name\n%s\n' \
	'pat,pat@example.com,Pat,Qi' > sm2.csv
userimp import -d db --generate-passwords --credentials c6.csv \
	--invite box6 --sendmail sm2.csv > out 2> err
check "a sendmail that refuses fails the run" test $? -ne 0
check_grep -F "naming the address and the status" \
	"pat@example.com: '$PWD/sm' did not take the welcome message (exit status 75)" err
check_same "the user was made all the same" \
	"$(sql db "select count(*) from users where username = 'pat'")" 1
check_same "and the message waits in new/" "$(ls box6/new | wc -l)" 1
check_grep "the summary says what was written, with its job" \
	'sm2.csv: 1 row: 1 inserted.*\(job [0-9]+\)' err
check_same "exit status 5, after the summary" "$(tail -1 err | cut -c1-15)" \
	"userimp-import:"
test_done
