#!/bin/sh
# The values a file must not repeat (the key, usernames, emails, mobile
# phones) are found as the rows are read while they fit in the setting
# import.key_memory, and once the file is read past it: the same rows are
# rejected, with the same findings, counts, errors file and store.
cd "${0%/*}" && . ../lib.sh && plan 70

phc=$(/usr/bin/python3 -c 'import argon2; print(argon2.PasswordHasher(
    time_cost=1, memory_cost=64, parallelism=1).hash("Passw0rd1"))')

# stores MEM DISK: two new stores, DISK with no memory for the values
stores() {
	rm -f "$1" "$2"
	new_store "$1" && new_store "$2" &&
	userimp config -q -d "$2" import.key_memory 0
}

# summary: the --json summary in ./out, one line
summary() {
	/usr/bin/python3 -c 'import json
print(json.dumps(json.load(open("out"))["summary"], sort_keys=True))'
}

cat > rep.csv <<EOF
username,email,password,first_name,last_name,mobile_phone
ann,ann@example.com,"$phc",Ann,A,+79001110001
bob,bob@example.com,"$phc",Bob,B,+79001110002
ANN,ann2@example.com,"$phc",Ann,Two,
cy,BOB@Example.com,"$phc",Cy,C,+79001110001
dee,dee@example,"$phc",Dee,D,
dee,dee@example.com,"$phc",Dee,D,
eve,eve@example.com,"$phc",Eve,E,+79001110005
fay,fay@example,"$phc",Fay,F,+79001110005
EOF

stores mem disk
check_exit 1 "repeats in memory: the run is rejected" \
	userimp import -d mem --errors ab.mem.csv rep.csv
mv err err.mem
check_exit 1 "repeats past the memory: the run is rejected" \
	userimp import -d disk --errors ab.disk.csv rep.csv
mv err err.disk
check_same "nothing written either way" \
	"$(sql mem 'select count(*) from users')$(sql disk \
	'select count(*) from users')" 00
check_same "the same findings" "$(sort err.disk)" "$(sort err.mem)"
check_grep -F "a repeated key names the first row" \
	'rep.csv:4:username: duplicate key: row 2 has this username already' \
	err.disk
check_grep -F "a repeated email names the row that has it" \
	'rep.csv:5:email: already used by row 3' err.disk
check_grep -F "so does a repeated phone" \
	'rep.csv:5:mobile_phone: already used by row 2' err.disk
check_grep -F "a row rejected as it was read keeps its value" \
	'rep.csv:7:username: duplicate key: row 6 has this username already' \
	err.disk
check_grep -F "a rejected row repeats a value too" \
	'rep.csv:9:mobile_phone: already used by row 8' err.disk
check_same "under abort, the same errors file, in the order of the rows" \
	"$(cat ab.disk.csv)" "$(cat ab.mem.csv)"
check_same "and the same rows kept in the job" \
	"$(sql disk 'select row, cells from job_rows')" \
	"$(sql mem 'select row, cells from job_rows')"
check_same "in memory, the findings come in the order of the rows" \
	"$(grep -v ' rows: ' err.mem | cut -d: -f2 | tr '\n' ' ')" \
	"4 5 5 6 7 9 9 "
check_same "past it, the repeats come once the file is read, in row order" \
	"$(grep -v ' rows: ' err.disk | cut -d: -f2 | tr '\n' ' ')" \
	"6 9 4 5 5 7 9 "

stores mem disk
for s in mem disk; do
	userimp import -d $s --on-error skip --json --errors e.$s.csv \
	    rep.csv > out 2> err
	echo $? > rc.$s
	summary > sum.$s
done
check_same "--on-error skip: exit 1 either way" "$(cat rc.mem rc.disk)" "1
1"
check_same "the same counts" "$(cat sum.disk)" "$(cat sum.mem)"
check_grep -F "four rejected, three written" \
	'"inserted": 3, "passwords_kept": 0, "refused": false, "rejected": 5' \
	sum.disk
check_same "the same users written" \
	"$(sql disk 'select username, email, mobile_phone from users
	    order by id')" \
	"$(sql mem 'select username, email, mobile_phone from users
	    order by id')"
check_same "the first of each repeat is the one written" \
	"$(sql disk 'select username from users order by id' | tr '\n' ' ')" \
	"ann bob eve "
check_same "the same errors file, in the order of the rows" \
	"$(cat e.disk.csv)" "$(cat e.mem.csv)"
check_grep -F "a row rejected as it was read has its repeat's message too" \
	"fay,fay@example,\"$phc\",Fay,F,'+79001110005,\"email: 'fay@example' is not an email address: expected local@domain.tld, with a dot in the domain; mobile_phone: already used by row 8\"" \
	e.disk.csv
check_grep -F "a row rejected after the read keeps its password cell" \
	"ANN,ann2@example.com,\"$phc\",Ann,Two,,username: duplicate key" \
	e.disk.csv
check_grep -F "its Error cell has every repeat" \
	"email: already used by row 3; mobile_phone: already used by row 2" \
	e.disk.csv
check_same "the job keeps the same findings" \
	"$(sql disk 'select row, code from job_findings order by row, code')" \
	"$(sql mem 'select row, code from job_findings order by row, code')"
check_same "and the same rows" "$(sql disk 'select row, cells from job_rows')" \
	"$(sql mem 'select row, cells from job_rows')"

# check: the counts taken back from a row good until the repeats were found
stores mem disk
for s in mem disk; do
	userimp check -d $s --json rep.csv > out 2> err
	echo $? > rc.$s
	summary > sum.$s
done
check_same "check: exit 1 either way" "$(cat rc.mem rc.disk)" "1
1"
check_same "check: the same counts" "$(cat sum.disk)" "$(cat sum.mem)"
check_grep -F "check: three to insert" '"inserted": 3' sum.disk
for s in mem disk; do
	userimp check -d $s --errors ce.$s.csv rep.csv 2> /dev/null
	userimp import -d $s --dry-run --errors de.$s.csv rep.csv 2> /dev/null
done
check_same "check --errors: the same file" "$(cat ce.disk.csv)" \
	"$(cat ce.mem.csv)"
check_same "--dry-run --errors: the same file" "$(cat de.disk.csv)" \
	"$(cat de.mem.csv)"
check_grep -F "with the rows rejected after the read" 'ANN,ann2@example.com' \
	ce.disk.csv

# a row rejected after the read is written as it was read: its plaintext
# password, a phone as typed, a column that is not imported
printf '%s\n' 'username,email,password,first_name,last_name,mobile_phone,notes' \
	'gil,gil@example.com,Secret77x,Gil,G,,first' \
	'GIL,gil2@example.com,Secret88y,Gil,G,  8 (900) 111 00 02 ,second' \
	> plain.csv
for s in mem disk; do
	userimp import -d $s --on-error skip --ignore-unknown \
	    --errors pe.$s.csv plain.csv \
	    > /dev/null 2> err.$s
done
check_same "the same errors file" "$(cat pe.disk.csv)" "$(cat pe.mem.csv)"
check_grep -F "the cells as they were read" \
	'GIL,gil2@example.com,Secret88y,Gil,G,  8 (900) 111 00 02 ,second,' \
	pe.disk.csv
check_nogrep "the password is not on stderr" Secret88y err.disk
check_same "nor in the job" "$(sql disk "select count(*) from job_rows
	where cells like '%Secret88y%'")" 0

# a row's messages come in the order a row read in memory has them
stores mem disk
printf '%s\n' 'username,email,first_name,last_name,password' \
	'zed,zed@example.com,Zed,Z,ZedPass77' > zed.csv
printf '%s\n' 'username,email,first_name,last_name,password' \
	'a1,zed@example.com,A,A,Passw0rd1' 'a2,ZED@example.com,A,A,Passw0rd1' \
	'a3,a3@example,A,A,Passw0rd1' > order.csv
for s in mem disk; do
	userimp import -q -d $s zed.csv
	userimp import -d $s --errors oe.$s.csv order.csv 2> err.$s
done
check_same "a row with a repeat and a taken email: the same errors file" \
	"$(cat oe.disk.csv)" "$(cat oe.mem.csv)"
check_grep -F "the repeat first, then the store's" \
	"email: already used by row 2; email: already used by user 'zed'" \
	oe.disk.csv
# a file that cannot be read to its end keeps what it found
printf '%s\n' 'a4,a4@example.com,A,A,"Passw0rd1' >> order.csv
for s in mem disk; do
	userimp import -d $s order.csv 2> err.$s
	echo $? > rc.$s
done
check_same "a file cut short: exit 3 either way" "$(cat rc.mem rc.disk)" "3
3"
check_same "the same findings" "$(sort err.disk)" "$(sort err.mem)"
check_same "its job keeps the same rejected rows" \
	"$(sql disk 'select row, cells from job_rows where job_id =
	    (select max(id) from jobs)')" \
	"$(sql mem 'select row, cells from job_rows where job_id =
	    (select max(id) from jobs)')"

# --generate: a password made for a row rejected later is not counted
printf '%s\n' 'username,email,first_name,last_name' \
	'hal,hal@example.com,Hal,H' 'ivy,ivy@example.com,Ivy,I' \
	'HAL,hal2@example.com,Hal,Two' > gen.csv
stores mem disk
for s in mem disk; do
	userimp import -d $s --generate --on-error skip --json \
	    --credentials cred.$s.csv gen.csv > out 2> err
	summary > sum.$s
done
check_same "--generate: the same counts" "$(cat sum.disk)" "$(cat sum.mem)"
check_grep -F "two passwords generated" '"generated": 2' sum.disk
check_same "two in the credentials file" "$(sed 1d cred.disk.csv | cut -d, -f1 |
	tr '\n' ' ')" "hal ivy "

# passwords of existing users left alone: not counted for a rejected row
printf '%s\n' 'username,email,password,first_name,last_name' \
	"hal,hal@example.com,\"$phc\",Hal,Hh" \
	"HAL,hal@example.com,\"$phc\",Hal,Hhh" > kept.csv
for s in mem disk; do
	userimp import -d $s --on-error skip --json kept.csv > out 2> err
	summary > sum.$s
done
check_same "kept passwords: the same counts" "$(cat sum.disk)" \
	"$(cat sum.mem)"
check_grep -F "one password left alone, one row rejected" \
	'"passwords_kept": 1, "refused": false, "rejected": 1' sum.disk
check_same "the first row's change is written" \
	"$(sql disk "select last_name from users where username = 'hal'")" Hh

# --key email: the email is the key
printf '%s\n' 'email,first_name,last_name,password' \
	'jo@example.com,Jo,J,JoPass777' 'JO@example.com,Jo,K,JoPass777' > ke.csv
check_exit 1 "--key email: a repeated email" \
	userimp import -d disk --key email ke.csv
check_grep -F "is a duplicate key" \
	'ke.csv:3:email: duplicate key: row 2 has this email already' err

# an xlsx file
printf 'username\temail\tpassword\tfirst_name\tlast_name\n%s\n%s\n' \
	"kim	kim@example.com	$phc	Kim	K" \
	"Kim	kim2@example.com	$phc	Kim	L" | tsv rep.xlsx
check_exit 1 "an xlsx file past the memory" userimp import -d disk rep.xlsx
check_grep -F "has its repeat found" \
	'rep.xlsx:3:username: duplicate key: row 2 has this username already' err

# part in memory, part past it: a value of the first part repeated later is
# found at once, one of the second part once the file is read
awk -v phc="$phc" 'BEGIN {
	print "username,email,password,first_name,last_name"
	for (i = 1; i <= 3000; i++)
		printf "u%d,u%d@example.com,\"%s\",U,N\n", i, i, phc
	print "U5,other5@example.com,\"" phc "\",U,N"
	print "late,u2999@example.com,\"" phc "\",U,N"
	print "u3000,again@example.com,\"" phc "\",U,N"
}' > many.csv
stores mem part
userimp config -q -d part import.key_memory 16
check_exit 1 "3,003 rows, 16 KiB for the values" \
	userimp import -d part --on-error skip many.csv
mv err err.part
check_exit 1 "the same in memory" userimp import -d mem --on-error skip many.csv
check_same "the same findings" "$(grep -v ' rows: ' err.part | sort)" \
	"$(grep -v ' rows: ' err | sort)"
check_same "a repeat of a value in memory is found as it is read" \
	"$(sed -n 1p err.part)" \
	'many.csv:3002:username: duplicate key: row 6 has this username already'
check_same "the others once the file is read" "$(sed -n '2,3p' err.part)" \
	'many.csv:3003:email: already used by row 3000
many.csv:3004:username: duplicate key: row 3001 has this username already'
check_same "3,000 users" "$(sql part 'select count(*) from users')" 3000

# --block-missing: the users the file leaves out, whether their keys are
# among those in memory or past it
head -n 3001 many.csv | grep -v -e '^u7,' -e '^u2500,' > most.csv
check_exit 0 "--block-missing, part of the keys past the memory" \
	userimp import -q -d part --block-missing most.csv
check_same "blocks the two users the file leaves out" \
	"$(sql part "select username from users where status = 'blocked'
	    order by id" | tr '\n' ' ')" "u7 u2500 "
check_same "recorded in the order of their ids" \
	"$(sql part "select user_id from job_changes where job_id =
	    (select max(id) from jobs) order by id" | tr '\n' ' ')" "7 2500 "
userimp config -q -d part import.key_memory 0
sql part "update users set status = 'active'"
check_exit 0 "check, with no memory for the keys" \
	userimp check -q -d part --block-missing --json most.csv
check "counts the two" json_ok 'assert d["summary"]["blocked"] == 2'
head -n 3001 many.csv > all.csv
check_exit 0 "a file that names them all" \
	userimp check -q -d part --block-missing --json all.csv
check "blocks no one" json_ok 'assert d["summary"]["blocked"] == 0'

# where a later step looks the values up, they are all kept in memory
printf '%s\n' 'username,email,first_name,last_name,password,manager_email' \
	'lee,lee@example.com,Lee,L,LeePass77,' \
	'LEE,lee2@example.com,Lee,M,LeePass77,' \
	'max,max@example,Max,M,MaxPass77,lee@example.com' > mgr.csv
check_exit 1 "a manager column" userimp import -d disk mgr.csv
check_same "its repeats are found as the rows are read" \
	"$(grep -v ' rows: ' err | cut -d: -f2 | tr '\n' ' ')" "3 4 "
userimp import -q -d disk --on-error skip mgr.csv 2> /dev/null
printf '%s\n' 'username,email,first_name,last_name' 'lee,lee@example.com,Lee,L' \
	'LEE,lee@example.com,Lee,L' > bm.csv
check_exit 1 "--block-missing" \
	userimp import -d disk --on-error skip --block-missing bm.csv
check_same "blocks the users the file does not name" \
	"$(sql disk "select username, status from users where username in
	    ('hal', 'ivy', 'lee') order by username" | tr '\n' ' ')" \
	"hal|blocked ivy|blocked lee|active "

# the temporary files cannot be made
check_exit 5 "no room for the temporary files" \
	env TMPDIR=/nonexistent userimp check -d disk rep.csv
check_grep -F "says where" \
	'/nonexistent: cannot create a temporary file' err

check_exit 2 "import.key_memory is a number of KiB" \
	userimp config -d disk import.key_memory 4194305
check_grep -F "says what is allowed" 'from 0 to 4194304' err
test_done
