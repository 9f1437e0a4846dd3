#!/bin/sh
# Updates: a filled cell changes a field, an empty one keeps it; re-runs
# change nothing; passwords of existing users stay unless asked.
cd "${0%/*}" && . ../lib.sh && plan 24

new_store db
printf '%s\n' \
	'Username,Password,Email,First Name,Last Name,Company,Title' \
	'ann,FirstPass1,ann@example.com,Ann,Lee,Acme,Engineer' \
	'ben,FirstPass2,ben@example.com,Ben,Ray,Acme,Manager' \
	'cat,FirstPass3,cat@example.com,Cat,Day,Beta,' > create.csv
check_exit 0 "create three users" userimp import -d db create.csv
sql db 'select username, password_hash from users order by id' > hashes.before
sql db 'select id, username, email, first_name, last_name, company, title, updated_at from users order by id' > users.before

printf '%s\n' 'username,first_name' 'ann,Annie' 'ben,Ben' 'CAT,Catherine' > names.csv
sleep 1
check_exit 0 "an update file with username and first_name" \
	userimp import -d db names.csv
check_grep -F "the summary counts 2 updated, 1 unchanged" \
	"names.csv: 3 rows: 0 inserted, 2 updated, 1 unchanged, 0 rejected (job 2)" err
check_same "first_name changed, nothing else" \
	"$(sql db 'select username, email, first_name, last_name, company, title from users order by id')" \
	"ann|ann@example.com|Annie|Lee|Acme|Engineer
ben|ben@example.com|Ben|Ray|Acme|Manager
cat|cat@example.com|Catherine|Day|Beta|"
check_same "the unchanged user keeps its updated_at" \
	"$(sql db "select updated_at from users where username = 'ben'")" \
	"$(sed -n 2p users.before | cut -d'|' -f8)"
check "a changed user gets a new updated_at" test \
	"$(sql db "select updated_at from users where username = 'ann'")" \
	!= "$(sed -n 1p users.before | cut -d'|' -f8)"
cp db db.copy
check_exit 0 "the same file again" userimp import -d db names.csv
check_grep -F "a re-run reports every row unchanged" \
	"names.csv: 3 rows: 0 inserted, 0 updated, 3 unchanged, 0 rejected (job 3)" err
check_same "a re-run changes no user" \
	"$(sql db 'select * from users order by id')" \
	"$(sql db.copy 'select * from users order by id')"

printf '%s\n' 'Username,Password' 'ann,OtherPass9' 'ben,OtherPass8' > pw.csv
check_exit 0 "passwords for existing users, without --update-passwords" \
	userimp import -d db pw.csv
check_grep -F "the password cells left alone are counted" \
	"pw.csv: 2 rows: 0 inserted, 0 updated, 2 unchanged, 0 rejected, 2 passwords left alone (job 4)" err
check_same "no password changed" \
	"$(sql db 'select username, password_hash from users order by id')" \
	"$(cat hashes.before)"
check_exit 0 "with --update-passwords" \
	userimp import -d db --update-passwords pw.csv
check_grep -F "the passwords are updated" \
	"pw.csv: 2 rows: 0 inserted, 2 updated, 0 unchanged, 0 rejected (job 5)" err
check "ann's hash changed" test \
	"$(sql db "select password_hash from users where username = 'ann'")" \
	!= "$(sed -n 1p hashes.before | cut -d'|' -f2)"
check_same "cat's hash did not" \
	"$(sql db "select password_hash from users where username = 'cat'")" \
	"$(sed -n 3p hashes.before | cut -d'|' -f2)"

printf '%s\n' 'username,first_name' 'nobody,New' > unknown.csv
check_exit 1 "an update file naming an unknown user" \
	userimp import -d db unknown.csv
check_grep -F "says a new user needs the create columns" \
	"unknown.csv:2: no user 'nobody': a new user needs the columns password, email, first_name and last_name" err
printf '%s\n' 'username,first_name,company' 'ann,,' > nothing.csv
check_exit 1 "a row with only the key" userimp import -d db nothing.csv
check_grep -F "is nothing to update" "nothing.csv:2: nothing to update" err

printf '%s\n' 'username,company,title' 'ann,,' > clear.csv
check_exit 0 "--empty clear clears optional fields" \
	userimp import -d db --empty clear clear.csv
check_same "company and title cleared" \
	"$(sql db "select coalesce(company, 'NULL'), coalesce(title, 'NULL') from users where username = 'ann'")" \
	"NULL|NULL"
printf '%s\n' 'username,first_name' 'ann,' > clearreq.csv
check_exit 1 "--empty clear never clears a required field" \
	userimp import -d db --empty clear clearreq.csv
check_same "first_name kept" \
	"$(sql db "select first_name from users where username = 'ann'")" "Annie"
test_done
