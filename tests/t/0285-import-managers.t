#!/bin/sh
# manager_email: each user's manager, an existing user or a row of the
# same file (forward too), never the row's own user, never a circle.
cd "${0%/*}" && . ../lib.sh && plan 49

new_store db
mgr() { sql db "select u.username || '>' || coalesce(m.username, '-')
	from users u left join users m on m.id = u.manager_id order by u.id"; }
H='username,email,first_name,last_name,password,manager_email'
printf '%s\n' "$H" \
	'ann,ann@example.com,Ann,Lee,AnnPass11,BOSS@example.com' \
	'boss,boss@example.com,Bo,Ss,BossPass22,' \
	'cat,cat@example.com,Cat,Ray,CatPass33,ann@example.com' > team.csv
check_exit 0 "a manager named by a later row of the file" \
	userimp import -d db team.csv
check_same "every manager is set, in any case of the email" "$(mgr)" \
"ann>boss
boss>-
cat>ann"
check_exit 0 "export shows each manager's email" \
	userimp export -d db --columns username,first_name,manager_email \
	-o m.csv
check_same "as the store has it" "$(tr -d '\r' < m.csv)" \
"Username*,First Name*,Manager Email
ann,Ann,boss@example.com
boss,Bo,
cat,Cat,ann@example.com"
check_exit 0 "the export imports back" userimp import -d db m.csv
check_grep "unchanged" '3 rows: 0 inserted, 0 updated, 3 unchanged' err

printf '%s\n' "$H" 'self,self@example.com,Sel,F,SelfPass44,SELF@example.com' \
	> self.csv
check_exit 1 "a user as their own manager" userimp import -d db self.csv
check_grep -F "is rejected" \
	"self.csv:2:manager_email: a user cannot be their own manager" err
printf '%s\n' "$H" 'dan,dan@example.com,Dan,Orr,DanPass55,nobody@example.com' \
	> nobody.csv
check_exit 1 "a manager who is nobody" userimp import -d db nobody.csv
check_grep -F "is rejected, naming the email" \
	"nobody.csv:2:manager_email: no user has the email 'nobody@example.com'" err
check_same "and nothing was written" \
	"$(sql db "select count(*) from users where username = 'dan'")" 0

printf '%s\n' "$H" \
	'cy1,cy1@example.com,Cy,One,CyPass111,cy2@example.com' \
	'cy2,cy2@example.com,Cy,Two,CyPass222,cy3@example.com' \
	'cy3,cy3@example.com,Cy,Three,CyPass333,cy1@example.com' \
	'dep,dep@example.com,De,Pend,DepPass44,cy2@example.com' \
	'ok1,ok1@example.com,Ok,One,OkPass111,ann@example.com' > circle.csv
check_exit 1 "check: managers that go round in a circle" \
	userimp check -d db circle.csv
check_grep -F "each row of the circle is rejected, the circle shown" \
	"circle.csv:3:manager_email: the managers go round in a circle: cy1@example.com -> cy2@example.com -> cy3@example.com -> cy1@example.com" err
check_grep -F "a row whose manager's row was rejected is rejected too" \
	"circle.csv:5:manager_email: the manager 'cy2@example.com' is the user of row 3, which was rejected" err
check_grep "check counts them" \
	'5 rows: 1 to insert, 0 to update, 0 unchanged, 4 rejected' err
check_exit 1 "import --on-error skip --errors" \
	userimp import -d db --on-error skip --errors bad.csv circle.csv
check_same "only the good row lands" \
	"$(sql db "select username from users where username in
	    ('cy1','cy2','cy3','dep','ok1')")" ok1
check_same "the errors file has the four rows" "$(sed 1d bad.csv | cut -d, -f1 |
    tr '\n' ' ')" "cy1 cy2 cy3 dep "
check_grep "with the column and message in Error" \
	'^dep,.*,Manager_Email: the manager .cy2@example.com. is the user of row 3|^dep,.*manager_email: the manager' bad.csv

# a circle through a user of the store
printf '%s\n' 'username,manager_email' 'ann,cat@example.com' > loop.csv
check_exit 1 "ann's manager set to cat, whose manager is ann in the store" \
	userimp import -d db loop.csv
check_grep -F "is a circle" \
	"loop.csv:2:manager_email: the managers go round in a circle: ann@example.com -> cat@example.com -> ann@example.com" err
check_same "ann's manager is as it was" "$(mgr | grep '^ann')" "ann>boss"

# updates: change, clear, and revert
printf '%s\n' 'username,manager_email' 'cat,boss@example.com' > move.csv
check_exit 0 "an update moves cat to boss" userimp import -d db move.csv
check_grep "one update" '1 row: 0 inserted, 1 updated' err
job=$(sql db 'select max(id) from jobs')
printf '%s\n' 'username,manager_email,title' 'cat,,Chef' > clear.csv
check_exit 0 "an empty cell leaves the manager" userimp import -d db clear.csv
check_same "cat's manager is boss still" "$(mgr | grep '^cat')" "cat>boss"
check_exit 0 "--empty clear clears it" \
	userimp import -d db --empty clear clear.csv
check_same "cat has no manager now" "$(mgr | grep '^cat')" "cat>-"
check_exit 0 "jobs revert of the move" sh -c "
	userimp jobs -d db revert --force $job"
check_same "puts ann back as cat's manager" "$(mgr | grep '^cat')" "cat>ann"

printf '%s\n' 'Login,Email of the manager' 'ok1,boss@example.com' > lms.csv
check_exit 0 "the LMS header 'Email of the manager'" userimp import -d db lms.csv
check_same "sets the manager" "$(mgr | grep '^ok1')" "ok1>boss"
check_exit 0 "user show" userimp user -d db show ok1
check_grep "names the manager's email" '^manager_email +boss@example.com$' out
check_grep "and its times where they belong" \
	'^updated_at +[0-9]{4}-[0-9]{2}-[0-9]{2}T' out

# --key email: a manager named by a later row, a repeated email
printf '%s\n' 'email,first_name,last_name,password,manager_email' \
	'staff@k.example,Sta,Ff,StaffPass1,boss@k.example' \
	'boss@k.example,Bo,Ss,BossPass1,' > k1.csv
check_exit 0 "--key email: a forward reference resolves" \
	userimp import -d db --key email k1.csv
printf '%s\n' "$H" \
	'carol,carol@d.example,Ca,Rol,CarolPass1,m@d.example' \
	'mike,m@d.example,Mi,Ke,MikePass1,' \
	'dup,m@d.example,Du,Pe,DupePass1,' > d1.csv
check_exit 1 "a later row repeating the manager's email" \
	userimp import -d db --on-error skip d1.csv
check_nogrep "does not reject the staff of the good row" "carol" err
check_same "carol gets mike" "$(mgr | grep '^carol')" "carol>mike"
printf '%s\n' "$H" 'x1,not-an-email,X,One,XonePass1,' \
	'x2,x2@d.example,X,Two,XtwoPass1,nobody@d.example' > l1.csv
check_exit 1 "a bad row, then a row whose manager is nobody" \
	userimp import -d db --errors l1-err.csv l1.csv
check_grep "both are counted as rejected" '2 rows: .* 2 rejected' err
# emails that rows change: the store's email is gone, a circle through it
new_store mv
printf '%s\n' "$H" 'a,a@old.example,A,A,APass1234,' \
	'b,b@x.example,B,B,BPass1234,a@old.example' > seed.csv
userimp import -q -d mv seed.csv
cp mv mv2
printf 'username,email,manager_email\na,a@new.example,b@x.example\n' > c2.csv
check_exit 1 "a circle through the email a row changes" \
	userimp import -d mv c2.csv
check_grep -F "is found" \
	"c2.csv:2:manager_email: the managers go round in a circle: a@new.example -> b@x.example -> a@new.example" err
printf '%s\n' "$H" 'c,c@x.example,C,C,CPass1234,b@x.example' \
	'b,b@new.example,,,,' > c3.csv
check_exit 1 "a manager named by the email another row changes" \
	userimp import -d mv2 c3.csv
check_grep -F "is nobody then" \
	"c3.csv:2:manager_email: no user has the email 'b@x.example'" err
printf 'username,email,manager_email\nb,b@new.example,b@x.example\n' > c4.csv
check_exit 1 "a row naming its own old email" userimp import -d mv2 c4.csv
check_grep -F "names itself" "c4.csv:2:manager_email: a user cannot be their own manager" err
printf 'username,manager_email\na,b@x.example\nb,\n' > f1.csv
check_exit 0 "--empty clear: a row that takes its manager away" \
	userimp check -d mv2 --empty clear f1.csv
check_grep "breaks the circle the store had" '2 to update, 0 unchanged, 0 rejected' err
test_done
