#!/bin/sh
# Many new users at once: the email and phone indexes are made again after
# the inserts; the store ends as a store made row by row would.
cd "${0%/*}" && . ../lib.sh && plan 18

# users FILE FROM TO: new users FROM..TO as CSV, the password a PHC string
# (the load is tested, not hashing)
phc=$(/usr/bin/python3 -c 'import argon2; print(argon2.PasswordHasher(
    time_cost=1, memory_cost=64, parallelism=1).hash("Passw0rd1"))')
users() {
	awk -v a="$2" -v b="$3" -v phc="$phc" 'BEGIN {
		print "username,email,password,first_name,last_name,mobile_phone"
		for (i = a; i <= b; i++)
			printf "bulk%d,Bulk%d@Example.com,\"%s\",B,U%d,+7900%07d\n",
			    i, i, phc, i, i
	}' > "$1"
}

new_store db
new_store ref
users big.csv 1 12000
check_exit 0 "12,000 new users in one run" userimp import -q -d db big.csv
check_same "all of them" "$(sql db 'select count(*) from users')" 12000
# a store written row by row
printf 'username,email,password,first_name,last_name\nx,x@example.com,"%s",X,Y\n' \
	"$phc" > one.csv
userimp import -q -d ref one.csv
check_same "the same indexes as a store written row by row" \
	"$(sql db "select sql from sqlite_master where tbl_name = 'users'
	    order by name")" \
	"$(sql ref "select sql from sqlite_master where tbl_name = 'users'
	    order by name")"
check_same "the indexes hold every row" \
	"$(sql db 'pragma integrity_check')" ok
sql db "explain query plan select id from users where lower(email) =
    'bulk7@example.com'" > plan
check_grep -F "found through the email index" "users_email" plan
check_same "a change recorded for each new user, in row order" \
	"$(sql db "select count(*), min(user_id), max(user_id),
	    sum(c.username = u.username) from job_changes c join users u
	    on u.id = c.user_id where c.job_id = 1 and c.action = 'insert'
	    order by c.id")" "12000|1|12000|12000"

# a row whose email a stored user has, in another case: rejected alone
users more.csv 12001 24000
sed -i 's/^bulk23000,Bulk23000@Example.com,/bulk23000,BULK5@example.COM,/' \
	more.csv
check_exit 1 "a taken email rejects the run" userimp import -q -d db more.csv
check_same "nothing of it written" "$(sql db 'select count(*) from users')" \
	12000
check_same "the indexes are there after the rollback" \
	"$(sql db "select count(*) from sqlite_master where name in
	    ('users_email', 'users_mobile_phone')")" 2
check_exit 1 "--on-error skip: the others land" \
	userimp import -q -d db --on-error skip more.csv
check_same "11,999 more" "$(sql db 'select count(*) from users')" 23999
check_same "bulk23000 is not there" \
	"$(sql db "select count(*) from users where username = 'bulk23000'")" 0
check_same "and the indexes still hold" "$(sql db 'pragma integrity_check')" ok

# enough users that SQLite sorts each index in several runs, in helper
# threads (db_bulk_indexes)
new_store many
users many.csv 100001 180000
check_exit 0 "80,000 new users in one run" userimp import -q -d many many.csv
check_same "their indexes hold every row" "$(sql many 'pragma integrity_check')" ok
check_same "every email and phone found through its index" \
	"$(sql many "select (select count(*) from users indexed by users_email
	    where lower(email) >= 'bulk'), (select count(*) from users
	    indexed by users_mobile_phone where mobile_phone >= '+')")" \
	"80000|80000"

# revert takes the whole load away
job=$(sql db 'select max(id) from jobs')
check_exit 0 "jobs revert of the second load" userimp jobs -d db revert "$job"
check_same "the first load's users are left" \
	"$(sql db 'select count(*) from users')" 12000
test_done
