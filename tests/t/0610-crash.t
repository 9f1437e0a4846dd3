#!/bin/sh
# Crash safety: SIGKILL at 50 points of imports and exports leaves the
# store whole (integrity ok, the users as before or as after) and no
# partial output file; a full disk during an import is exit 4 and leaves
# the store as it was.
cd "${0%/*}" && . ../lib.sh && plan 9

new_store db
phc=$(/usr/bin/python3 -c 'import argon2; print(argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("Crash2026x"))')
awk -v phc="$phc" 'BEGIN {
	print "Username,Password,Email,First Name,Last Name,Title";
	for (i = 0; i < 20000; i++)
		printf "u%d,\"%s\",u%d@example.com,First,Last,Title %d\n",
		    i, phc, i, i }' > many.csv
awk 'BEGIN { print "Username,Title";
	for (i = 0; i < 20000; i++) printf "u%d,Changed %d\n", i, i }' > change.csv
printf 'Username,Password,Email,First Name,Last Name\n%s\n' \
	'seed,Sekret111,seed@example.com,Seed,User' > seed.csv
check_exit 0 "seed the store" userimp import -d db seed.csv

# how long a whole run takes, to spread the kills over it
ms() { date +%s%3N; }
cp db full.db
t0=$(ms); userimp import -q -d full.db many.csv; t1=$(ms)
span=$(( t1 - t0 ))
check "an uninterrupted import takes a measurable time (${span} ms)" \
	test "$span" -gt 50

digest() { sql "$1" 'select username, email, title from users order by id' |
	sha256sum; }
state_a=$(digest db)		# before
state_b=$(digest full.db)	# after many.csv
cp db before.db
bad=0 kills=0 i=0
while [ $i -lt 30 ]; do
	# delays spread over 0 .. 1.2 x the run, a different one each time
	delay=$(( span * (i * 37 % 30 + 1) / 25 ))
	userimp import -q -d db many.csv >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v d=$delay 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	# sqlite3 rolls back what a killed writer left in the journal
	now=$(digest db)
	[ "$(sql db 'pragma integrity_check')" = ok ] ||
		{ bad=1; echo "# import kill $i: integrity"; }
	if [ "$now" = "$state_b" ]; then
		cp before.db db	# it went through: start again
	elif [ "$now" != "$state_a" ]; then
		bad=1
		echo "# import kill $i after ${delay} ms: neither before nor after"
	fi
	i=$((i + 1))
done
check "30 import runs killed at spread points: integrity ok, before or after ($kills killed)" \
	test $bad = 0

# updates too: the same users, a changed title
userimp import -q -d db many.csv
state_a=$(digest db)
cp db before.db
cp db upd.db && userimp import -q -d upd.db change.csv && state_b=$(digest upd.db)
bad=0 i=0
while [ $i -lt 10 ]; do
	delay=$(( span * (i * 7 % 10 + 1) / 8 ))
	userimp import -q -d db change.csv >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v d=$delay 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	now=$(digest db)
	[ "$(sql db 'pragma integrity_check')" = ok ] || bad=1
	if [ "$now" = "$state_b" ]; then
		cp before.db db
	elif [ "$now" != "$state_a" ]; then
		bad=1
		echo "# update kill $i after ${delay} ms: neither before nor after"
	fi
	i=$((i + 1))
done
check "10 update runs killed: integrity ok, before or after" test $bad = 0

# exports: the destination is whole or absent, and nothing else is left
t0=$(ms); userimp export -q -d db -o whole.xlsx; t1=$(ms)
xspan=$(( t1 - t0 ))
rm -rf out && mkdir out
bad=0 i=0
while [ $i -lt 10 ]; do
	delay=$(( xspan * (i * 3 % 10 + 1) / 8 ))
	fmt=xlsx
	[ $((i % 2)) = 0 ] && fmt=csv
	userimp export -q -d db -o out/users.$fmt --force >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v d=$delay 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	for f in out/*; do
		case $f in
		out/users.csv)
			[ "$(wc -l < "$f")" = 20002 ] || { bad=1; echo "# partial $f"; } ;;
		out/users.xlsx)
			/usr/bin/python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).testzip()' "$f" 2>/dev/null ||
			    { bad=1; echo "# partial $f"; } ;;
		out/\*) ;;
		*) bad=1; echo "# left behind: $f" ;;
		esac
	done
	i=$((i + 1))
done
check "10 export runs killed: no partial output, nothing left behind" test $bad = 0
check_same "the store is whole after it all" "$(sql db 'pragma integrity_check')" ok

# a full disk: the store on a 1 MiB tmpfs
if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
	new_store small/db && userimp import -q -d small/db seed.csv
	before=$(digest small/db)
	userimp import -d small/db many.csv > out.txt 2> err.txt
	st=$?
	check_same "an import that fills the disk is exit 4" "$st" 4
	check_grep "and says the store cannot be written" \
		'small/db: .*(full|disk|write)' err.txt
	check_same "the store is as it was" \
		"$(digest small/db; sql small/db 'pragma integrity_check')" \
		"$before
ok"
	umount small
else
	echo "ok 7 # skip mounting a tmpfs needs root"
	echo "ok 8 # skip mounting a tmpfs needs root"
	echo "ok 9 # skip mounting a tmpfs needs root"
	test_n=$((test_n + 3))
fi
test_done
