#!/bin/sh
# import --key email: users found by their email, as the CSV exports of
# help-desk systems have them; a new user's username is their email when
# the file has no username column.
cd "${0%/*}" && . ../lib.sh && plan 28

new_store db
printf '%s\n' 'email,first_name,last_name,password,active' \
	'ann@example.com,Ann,Lee,AnnPass11,true' \
	'bob@example.com,Bob,Ray,BobPass22,false' > desk.csv
check_exit 3 "without --key email the file has no key column" \
	userimp import -d db desk.csv
check_grep "and says so" 'no username column' err
check_exit 0 "--key email imports it" userimp import -d db --key email desk.csv
check_same "each username is the email; active true/false is the status" \
	"$(sql db 'select username, email, status from users order by id')" \
"ann@example.com|ann@example.com|active
bob@example.com|bob@example.com|blocked"
printf '%s\n' 'Email,First Name' 'BOB@EXAMPLE.COM,Robert' > upd.csv
check_exit 0 "an update row finds the user by email, in any case" \
	userimp import -d db --key email upd.csv
check_grep "it updates, inserts nothing" '1 row: 0 inserted, 1 updated' err
check_same "the name changed, the username did not" \
	"$(sql db "select username, first_name from users where id = 2")" \
	"bob@example.com|Robert"
check_exit 0 "check --key email says the same" \
	userimp check -d db --key email upd.csv
check_grep "unchanged now" '0 to update, 1 unchanged' err

printf '%s\n' 'email,first_name,last_name,password' \
	'cid+tag@example.com,Cid,Moe,CidPass33' > plus.csv
check_exit 1 "an email that cannot be a username" \
	userimp import -d db --key email plus.csv
check_grep "is rejected, saying to add a username column" \
	'plus.csv:2:email: .*needs_username|add a username column' err
check_exit 0 "--json gives the code" \
	sh -c 'userimp check -d db --key email --json plus.csv > j.json;
	    test $? -eq 1'
check_grep "needs_username" '"code": "needs_username"' j.json

printf '%s\n' 'username,email,first_name,last_name,password' \
	'cid,cid+tag@example.com,Cid,Moe,CidPass33' \
	'other,bob@example.com,,,' \
	'ann@example.com,ANN@example.com,Annie,,' > named.csv
check_exit 1 "with a username column" \
	userimp import -d db --key email --on-error skip named.csv
check_grep "a username that is not the user's own is refused" \
	"named.csv:3:username: the user with this email is 'bob@example.com': import never changes a username" err
check_same "the new user has the username of the column" \
	"$(sql db "select username from users where email like 'cid%'")" cid
check_same "the row naming the user's own username updates" \
	"$(sql db "select first_name from users where id = 1")" Annie

printf '%s\n' 'username,email,first_name,last_name,password' \
	'cid,dan@example.com,Dan,Orr,DanPass44' > taken.csv
check_exit 1 "a new user's username another user has" \
	userimp import -d db --key email taken.csv
check_grep "is taken, naming the user and email" \
	"the username is user 'cid''s already, whose email is 'cid\+tag@example.com'" err

printf '%s\n' 'email,first_name,last_name,password' \
	'cid@example.com,Cid,Two,CidPass77' > derived.csv
userimp user -q -d db show cid > /dev/null
sql db "update users set username = 'cid@example.com' where username = 'cid'"
check_exit 1 "a username taken from the email that another user has" \
	userimp import -d db --key email derived.csv
check_grep "is taken, saying it came from the email" \
	"derived.csv:2:email: the username \(the email\) is user 'cid@example.com''s already" err
printf '%s\n' 'email,first_name,last_name,password' \
	'eve@example.com,Eve,Fox,EvePass55' \
	'EVE@example.com,Eve,Fox,EvePass55' > dup.csv
check_exit 1 "the same email twice" userimp import -d db --key email dup.csv
check_grep "is a duplicate key naming the first row" \
	'dup.csv:3:email: duplicate key: row 2 has this email already' err
printf '%s\n' 'username,email,first_name,last_name,password' \
	'fay,fay@example.com,Fay,Gil,FayPass66' \
	'FAY,fay2@example.com,Fay,Gil,FayPass66' > dupname.csv
check_exit 1 "one username for two emails in a file" \
	userimp import -d db --key email dupname.csv
check_grep "is taken by the earlier row" \
	'dupname.csv:3:username: already used by row 2' err

check_exit 2 "--key something else is a usage error" \
	userimp import -d db --key id desk.csv
printf 'username,first_name\nann,A\n' > noemail.csv
check_exit 3 "--key email and no email column" \
	userimp import -d db --key email noemail.csv
check_grep "says so" 'no email column' err
test_done
