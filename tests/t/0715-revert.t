#!/bin/sh
# userimp jobs revert: undo a job in one transaction, refused (naming the
# users) when they changed since unless --force; jobs made by userimp user
# and by import.
cd "${0%/*}" && . ../lib.sh && plan 63

# status_of USER: the user's status
status_of() {
	sql db "select status from users where username = '$1'"
}

# last_job: the newest job's id
last_job() {
	sql db 'select max(id) from jobs'
}

new_store db
printf 'Username,Password,Email,First Name,Last Name,Title\n%s\n%s\n%s\n%s\n' \
	'alice,Sekret111,alice@example.com,Alice,Lee,Engineer' \
	'bob,Sekret222,bob@example.com,Bob,Ray,Clerk' \
	'carol,Sekret333,carol@example.com,Carol,Kim,Chef' \
	'zed,Sekret999,zed@example.com,Zed,Last,' > users.csv
userimp import -q -d db users.csv

# --- disable, revert
userimp user -q -d db disable alice
check_same "alice is blocked by job 2" "$(status_of alice):$(last_job)" \
	blocked:2
check_exit 0 "revert job 2" userimp jobs -d db revert 2
check_same "alice is active again" "$(status_of alice)" active
check_same "the revert is job 3, of command revert" \
	"$(sql db 'select command, outcome, updated from jobs where id = 3')" \
	"revert|ok|1"
check_same "job 2 is marked reverted by job 3" \
	"$(sql db 'select reverted_by from jobs where id = 2')" 3
check_exit 0 "jobs show 2" userimp jobs -d db show 2
check_grep "says by which job" "reverted +by job 3" out
check_exit 1 "reverting job 2 again is refused" userimp jobs -d db revert 2
check_grep -F "saying by which job" "job 2 was reverted by job 3" err
check_same "and records nothing" "$(last_job)" 3
check_exit 0 "a revert is reverted in turn" userimp jobs -d db revert 3
check_same "alice is blocked again" "$(status_of alice)" blocked
check_same "job 2's changes are back: it is no longer marked reverted" \
	"$(sql db 'select coalesce(reverted_by, 0) from jobs where id = 2')" 0
check_exit 1 "reverting job 2 now is refused for the changes since" \
	userimp jobs -d db revert 2
check_grep -F "naming the later job" "changed since job 2 (by job 3)" err
userimp user -q -d db enable alice

# --- no such job, a job that changed nothing
check_exit 1 "no job 99" userimp jobs -d db revert 99
check_grep -F "says so" "no job 99" err
printf 'Username,Email\nbob,bad\n' > bad.csv
userimp import -q -d db bad.csv 2>/dev/null
job=$(last_job)
check_same "an aborted import: job $job" \
	"$(sql db "select outcome from jobs where id = $job")" aborted
check_exit 1 "a job that changed no user" userimp jobs -d db revert "$job"
check_grep -F "says so" "job $job changed no user" err
check_exit 1 "a store that is not there has no job" \
	userimp jobs -d none.db revert 1
check "and is not created" test ! -e none.db

# --- changed since: a later job, another program
userimp user -q -d db disable bob
a=$(last_job)
printf 'Other4567\n' | userimp user -q -d db passwd bob
b=$(last_job)
check_exit 1 "revert of a job whose user a later job changed" \
	userimp jobs -d db revert "$a"
check_grep -F "names the user and the later job" \
	"user 'bob' changed since job $a (by job $b)" err
check_grep -F "says how to go on" "--force" err
check_same "bob is left as he is" "$(status_of bob)" blocked
check_same "no job recorded" "$(last_job)" "$b"
check_exit 1 "--json: refused too" userimp jobs -d db --json revert "$a"
check "the document names the conflict" /usr/bin/python3 -c '
import json, sys
d = json.load(open("out"))
f = d["findings"]
assert len(f) == 1 and f[0]["code"] == "changed_since", d
assert f[0]["severity"] == "error" and "bob" in f[0]["message"], d
assert "revert_job" not in d, d'
check_exit 0 "--force reverts anyway" userimp jobs -d db revert --force "$a"
check_grep -F "with a warning" "warning: user 'bob' changed since job $a" err
check_same "bob is active, as before job $a" "$(status_of bob)" active
check_same "the warning is kept with the revert" \
	"$(sql db "select severity, code from job_findings where job_id = $(last_job)")" \
	"warning|changed_since"
userimp user -q -d db disable carol
c=$(last_job)
sql db "update users set title = 'Cook', updated_at = '2030-01-01T00:00:00Z' where username = 'carol'"
check_exit 1 "revert after another program changed the user" \
	userimp jobs -d db revert "$c"
check_grep -F "names the user" "user 'carol' changed since job $c" err
check_same "carol is as the other program left her" \
	"$(sql db "select status, title from users where username = 'carol'")" \
	"blocked|Cook"

# --- remove, passwd: back with the same id, hash and fields
before=$(sql db "select * from users where username = 'carol'")
userimp user -q -d db remove carol
r=$(last_job)
check_exit 0 "revert of a remove" userimp jobs -d db revert "$r"
check_grep -F "says what it did" "job $r reverted by job $(last_job): 0 removed, 0 restored, 1 brought back" err
check_same "carol is back: her id and every column but updated_at" \
	"$(sql db "select * from users where username = 'carol'" | cut -d'|' -f1-22)" \
	"$(printf '%s\n' "$before" | cut -d'|' -f1-22)"
old=$(sql db "select password_hash from users where username = 'alice'")
printf 'Changed123\n' | userimp user -q -d db passwd alice
p=$(last_job)
check_exit 0 "revert of a passwd" userimp jobs -d db revert "$p"
check_same "the old hash is back" \
	"$(sql db "select password_hash from users where username = 'alice'")" \
	"$old"

# --- constraints
userimp user -q -d db remove carol
r=$(last_job)
printf 'Username,Password,Email,First Name,Last Name\n%s\n' \
	'dora,Sekret444,CAROL@example.com,Dora,Day' > dora.csv
userimp import -q -d db dora.csv
check_exit 1 "revert refused: her email is another user's now" \
	userimp jobs -d db revert "$r"
check_grep -F "naming both" \
	"cannot restore user 'carol': user 'dora' now has the email it had" err
check_same "carol stays removed" \
	"$(sql db "select count(*) from users where username = 'carol'")" 0
d=$(last_job)
sql db "update users set manager_id = (select id from users where username = 'dora') where username = 'bob'"
check_exit 1 "revert of dora's import refused: bob names her as manager" \
	userimp jobs -d db revert "$d"
check_grep -F "naming both" \
	"cannot remove user 'dora': user 'bob' names them as manager" err
check_same "dora stays" \
	"$(sql db "select count(*) from users where username = 'dora'")" 1
sql db "update users set manager_id = null"

# --- import runs
check_exit 0 "revert of an insert run" userimp jobs -d db revert "$d"
check_same "removes the user it created" \
	"$(sql db "select count(*) from users where username = 'dora'")" 0
printf 'Username,Title,Last Name,Mobile Phone\n%s\n%s\n' \
	'alice,Boss,Leeds,+1 555 0100' 'bob,Manager,,' > update.csv
userimp import -q -d db update.csv
u=$(last_job)
check_same "an update run changed two users" \
	"$(sql db "select username, title, last_name, coalesce(mobile_phone, '') from users where username in ('alice', 'bob') order by 1")" \
	"alice|Boss|Leeds|+15550100
bob|Manager|Ray|"
check_exit 0 "revert of the update run" userimp jobs -d db revert "$u"
check_same "restores every changed field" \
	"$(sql db "select username, title, last_name, coalesce(mobile_phone, '') from users where username in ('alice', 'bob') order by 1")" \
	"alice|Engineer|Lee|
bob|Clerk|Ray|"

# --- groups, labels and custom values come back with the user
# dir_of USER: the user's group, labels and custom values, one line
dir_of() {
	sql db "select (select group_concat(g.name) from user_groups ug
	    join groups g on g.id = ug.group_id join users u on
	    u.id = ug.user_id where u.username = '$1') || '/' ||
	    coalesce((select group_concat(l.name, ':') from user_labels ul
	    join labels l on l.id = ul.label_id join users u on
	    u.id = ul.user_id where u.username = '$1'), '') || '/' ||
	    coalesce((select group_concat(v.value) from user_values v join
	    users u on u.id = v.user_id where u.username = '$1'), '')"
}
userimp groups -q -d db add region North South
userimp labels -q -d db add VIP Remote
userimp fields -q -d db add badge --type text
zid=$(sql db "select id from users where username = 'zed'")
sql db "insert into user_groups select $zid, type_id, id from groups
	where name = 'North';
	insert into user_labels select $zid, id from labels;
	insert into user_values select $zid, id, 'B-7' from custom_fields"
check_same "zed is in North, has both labels and a badge" \
	"$(dir_of zed)" "North/VIP:Remote/B-7"
userimp user -q -d db disable zed
d=$(last_job)
sql db "update user_groups set group_id = (select id from groups
	where name = 'South') where user_id = $zid;
	delete from user_labels where user_id = $zid and label_id = 1;
	update user_values set value = 'B-8' where user_id = $zid"
check_same "another program changes them" "$(dir_of zed)" "South/Remote/B-8"
check_exit 0 "revert the disable" userimp jobs -d db revert "$d"
check_same "his group, labels and value are as the job found them" \
	"$(dir_of zed)" "North/VIP:Remote/B-7"
userimp user -q -d db remove zed
r=$(last_job)
check_same "removing him drops his rows" \
	"$(sql db "select (select count(*) from user_groups where user_id = $zid) + (select count(*) from user_labels where user_id = $zid) + (select count(*) from user_values where user_id = $zid)")" 0
userimp labels -q -d db --force remove Remote
check_exit 0 "revert the remove, a label gone since" \
	userimp jobs -d db revert "$r"
check_same "he is back with his group, value and the label still there" \
	"$(dir_of zed)" "North/VIP/B-7"

# --- a locked store
n=$(last_job)
hold_lock db 6 IMMEDIATE
userimp user -q -d db --wait 0 disable alice 2>/dev/null
check_same "a locked store: userimp user exits 4" "$?" 4
check_exit 4 "jobs revert --wait 0 on a locked store: exit 4" \
	userimp jobs -d db --wait 0 revert "$u"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
check_same "nothing was written" "$(last_job)" "$n"
check_same "the store is sound" "$(sql db 'pragma integrity_check')" ok
test_done
