#!/bin/sh
# The store: created 0600, locked store exit 4, check and --dry-run leave
# it byte-identical, a killed import leaves it as it was.
cd "${0%/*}" && . ../lib.sh && plan 29

printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,FirstPass1,ann@example.com,Ann,Lee' > ann.csv
(umask 022 && new_store db)
check_same "the store is created 0600" "$(stat -c %a db)" 600
check_same "its schema version is set" "$(sql db 'pragma user_version')" 4
check_same "journal mode is the rollback journal" \
	"$(sql db 'pragma journal_mode')" delete
check_exit 0 "import into it" userimp import -d db ann.csv
chmod 640 db
check_exit 0 "import again" userimp import -d db ann.csv
check_same "a mode an admin gave the store is kept" "$(stat -c %a db)" 640

# check and --dry-run never change the file
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,FirstPass1,ann@example.com,Annie,Lee' \
	'bob,FirstPass2,bob@example.com,Bob,Ray' \
	'bad,x,bad,Bad,' > mix.csv
sum0=$(sha256sum db)
check_exit 1 "check on a file with a fault exits 1" userimp check -d db mix.csv
check_grep -F "check says what import would do" \
	"mix.csv: 3 rows: 1 to insert, 1 to update, 0 unchanged, 1 rejected, 1 password left alone (nothing written)" err
check_exit 1 "import --dry-run on the same file" userimp import -d db --dry-run mix.csv
check_grep -F "--dry-run says the same" \
	"mix.csv: 3 rows: 1 to insert, 1 to update, 0 unchanged, 1 rejected, 1 password left alone (nothing written)" err
check_same "the store is byte-identical" "$(sha256sum db)" "$sum0"
check_exit 0 "check on a store that does not exist" userimp check -d nothere.db ann.csv
check "and creates none" test ! -e nothere.db

# a locked store
hold_lock db 4 EXCLUSIVE
check_exit 4 "a store locked past --wait is exit 4" \
	userimp import -d db --wait 1 ann.csv
check_grep -F "and says it is locked" "locked" err
wait $locker
check_exit 0 "once free, import works" userimp import -d db --wait 1 ann.csv
printf 'not a database, just text\n' > text.db
check_exit 4 "a file that is not a store is exit 4" userimp import -d text.db ann.csv

# killed part-way, the store is as it was
userimp config -q -d kill.db argon2.m_cost 1024
userimp config -q -d kill.db argon2.t_cost 1
check_exit 0 "seed the store" userimp import -d kill.db ann.csv
awk 'BEGIN { print "Username,Password,Email,First Name,Last Name";
	for (i = 0; i < 3000; i++)
		printf "u%d,Password%d,u%d@example.com,First,Last\n", i, i, i }' > many.csv
before=$(sql kill.db 'select * from users')
bad=0
for delay in 0.05 0.2 0.5 0.8 1.2; do
	userimp import -d kill.db -j 2 many.csv >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ "$(sql kill.db 'pragma integrity_check')" = ok ] || bad=1
	now=$(sql kill.db 'select * from users')
	[ "$now" = "$before" ] || [ "$(sql kill.db 'select count(*) from users')" = 3001 ] || bad=1
	[ "$now" = "$before" ] || before=$now
done
check_same "after SIGKILLs: integrity ok and the users before or after" "$bad" 0
check_exit 0 "the import then runs to its end" userimp import -d kill.db -j 2 many.csv
check_same "with every user" "$(sql kill.db 'select count(*) from users')" 3001
check_same "integrity" "$(sql kill.db 'pragma integrity_check')" ok
# a store of schema version 1 moves to version 2 by itself, data kept
sqlite3 v1.db < "$TESTS/fixtures/store-v1.sql"
check_exit 0 "import into a version 1 store" userimp import -d v1.db ann.csv
check_same "it is version 4 now" "$(sql v1.db 'pragma user_version')" 4
check_same "its users are kept, the new one added" \
	"$(sql v1.db 'select username from users order by id')" "old
ann"
check_same "its old job is kept, the new one recorded with its changes" \
	"$(sql v1.db "select j.id, j.file, j.columns is not null,
	    count(c.id) from jobs j left join job_changes c on c.job_id = j.id
	    group by j.id order by j.id")" "1|old.csv|0|0
2|ann.csv|1|1"
check_same "integrity ok" "$(sql v1.db 'pragma integrity_check')" ok
sqlite3 v1b.db < "$TESTS/fixtures/store-v1.sql"
check_exit 0 "check reads a version 1 store" userimp check -d v1b.db ann.csv
check_same "without moving it" "$(sql v1b.db 'pragma user_version')" 1
test_done
