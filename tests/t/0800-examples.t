#!/bin/sh
# The examples: both user files import cleanly, the CI script seeds a
# store, the C program builds against the library and counts rows,
# ci-check.sh annotates findings, nightly-import.sh locks, logs and mails.
cd "${0%/*}" && . ../lib.sh && plan 26

cp "$TOP"/examples/users.csv "$TOP"/examples/ci-seed.sh .
check_exit 0 "ci-seed.sh seeds a store" sh ./ci-seed.sh seed.db
check "it leaves the JSON summary" /usr/bin/python3 -c '
import json
d = json.load(open("import.json"))
assert d["summary"]["inserted"] == 20, d["summary"]'
check_exit 0 "check on the example xlsx against the seeded store" \
	userimp check -d seed.db "$TOP"/examples/users.xlsx
check_grep -F "every row unchanged" "20 rows: 0 to insert, 0 to update, 20 unchanged, 0 rejected, 20 passwords left alone (nothing written)" err
check_exit 0 "count-rows.c builds against libuserimp.a" \
	cc -std=c99 ${USERIMP_LDFLAGS:-} -I"$TOP"/lib -o count-rows \
	"$TOP"/examples/count-rows.c \
	"$BUILD"/libuserimp.a $(pkg-config --libs expat minizip sqlite3 libargon2) \
	-lm -pthread
check_exit 0 "and runs" ./count-rows "$TOP"/examples/users.xlsx users.csv
check_same "counting the header and 20 users in each" "$(cat out)" \
	"$TOP/examples/users.xlsx	21
users.csv	21"
check_exit 0 "make demo" make -s -C "$TOP" BUILD="$BUILD" DEMO_DB="$PWD/demo.db" demo
check_grep -F "prints the summary line" \
	"examples/users.xlsx: 20 rows: 20 inserted, 0 updated, 0 unchanged, 0 rejected (job 1)" err

# ci-check.sh: findings as GitHub annotations, the job failed on errors
check_exit 0 "ci-check.sh passes the example file" \
	sh "$TOP"/examples/ci-check.sh users.csv
check_nogrep "with no annotation" "::" out
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,FirstPass1,ann@example.com,Ann,Lee' \
	'bob,FirstPass2,bob@x,Bob,Ray' > bad.csv
check_exit 1 "ci-check.sh fails a file with errors" \
	sh "$TOP"/examples/ci-check.sh bad.csv seed.db
check_grep -F "annotated on the file's line" \
	"::error file=bad.csv,line=3,title=Email::'bob@x' is not an email address" out
echo 'not a table' > junk.xlsx
check_exit 3 "ci-check.sh fails a file that is no table" \
	sh "$TOP"/examples/ci-check.sh junk.xlsx
check_grep -F "and annotates why" "::error file=junk.xlsx::not an xlsx file" out
check_grep -F "the workflow calls it" "ci-check.sh" \
	"$TOP"/examples/github-workflow.yml

# nightly-import.sh: lock, timestamped log, a refused run mailed
cp "$TOP"/examples/nightly-import.sh .
new_store night.db
awk 'BEGIN { print "Username,Password,Email,First Name,Last Name"
	for (i = 1; i <= 40; i++)
		printf "n%02d,Secret%02dx,n%02d@example.com,Ann,Lee\n", i, i, i
}' > staff.csv
head -21 staff.csv > half.csv
mkdir bin
printf '#!/bin/sh\necho "mail $*" >> mail.out\ncat >> mail.out\n' > bin/mail
chmod +x bin/mail
USERIMP_DB=night.db USERIMP_LOGDIR=logs USERIMP_RETRY_SLEEP=0
export USERIMP_DB USERIMP_LOGDIR USERIMP_RETRY_SLEEP
check_exit 0 "nightly-import.sh imports the full file" \
	sh ./nightly-import.sh staff.csv
check_grep "and logs it with a timestamp" \
	'^20[0-9-]{8}T[0-9:]{8}Z staff\.csv: 40 rows: 40 inserted' \
	logs/nightly-import.log
check_exit 1 "a file with half the users is refused" \
	env PATH="$PWD/bin:$PATH" sh ./nightly-import.sh half.csv
check_same "no user blocked" \
	"$(sql night.db "select count(*) from users where status = 'active'")" \
	40
check_grep -F "the log says why" "refused, no user changed" \
	logs/nightly-import.log
check_grep -F "and is mailed" \
	"mail -s userimp nightly import of half.csv failed (exit 1) root" mail.out
check_grep -F "with the log" "--max-changes 5%" mail.out
check_exit 4 "another run holding the lock: not run" \
	flock logs/nightly-import.lock sh ./nightly-import.sh staff.csv
check_grep -F "says so" \
	"another import holds logs/nightly-import.lock: not run" \
	logs/nightly-import.log
if command -v mail > /dev/null; then
	pass "no mail(1): says so # skip mail(1) is installed"
else
	check_grep -F "no mail(1): says so" \
	    "no mail(1) here to send this to root" logs/nightly-import.log
fi
unset USERIMP_DB
test_done
