#!/bin/sh
# userimp labels: list, add, rename, remove; case-sensitive names without
# ':'; a removal refused while users carry the label.
cd "${0%/*}" && . ../lib.sh && plan 55

# --- a store that is not there
check_exit 0 "list on no store" userimp labels -d db
check_same "prints nothing" "$(cat out)" ""
check_exit 0 "list --json on no store" userimp labels -d db --json list
check_same "an empty array" "$(cat out)" "[]"
check_exit 1 "remove on no store" userimp labels -d db remove VIP
check_grep -F "says so" "userimp-labels: no such label 'VIP'" err
check_exit 1 "rename on no store" userimp labels -d db rename VIP X
check "nothing created the store" test ! -e db

# --- usage
check_exit 2 "an unknown subcommand" userimp labels -d db tag VIP
check_exit 2 "add without a name" userimp labels -d db add
check_exit 2 "rename with one name" userimp labels -d db rename VIP
check_exit 2 "remove with two" userimp labels -d db remove A B
check_exit 2 "--force with add" userimp labels -d db --force add A
check_exit 2 "--type" userimp labels -d db --type x list
check_exit 0 "--help" userimp labels -h
check_grep "usage" '^usage: userimp labels' out
check "still no store" test ! -e db

# --- add
new_store db
printf 'Username,Password,Email,First Name,Last Name\n%s\n%s\n' \
	'alice,Sekret111,alice@example.com,Alice,Lee' \
	'bob,Sekret222,bob@example.com,Bob,Ray' > users.csv
userimp import -q -d db users.csv
check_exit 0 "add labels" userimp labels -d db add VIP " Remote "
check_grep -F "one line each" "userimp-labels: added label 'VIP' (id 1)" err
check_grep -F "trimmed" "added label 'Remote' (id 2)" err
check_exit 0 "names are case-sensitive" userimp labels -d db -q add vip
check_exit 1 "a label that exists" userimp labels -d db add New VIP
check_grep -F "says so" "label 'VIP' exists already" err
check_same "and New was not added either" \
	"$(sql db "select count(*) from labels where name = 'New'")" 0
check_exit 2 "a ':' in a name" userimp labels -d db add "a:b"
check_grep -F "says why" "':' is not allowed: it separates labels in a cell" err
check_exit 2 "an empty name" userimp labels -d db add ""
check_exit 2 "a control character" userimp labels -d db add "$(printf 'x\033')"
check_exit 2 "101 characters" userimp labels -d db add "$(printf '%0101d' 0)"
check_exit 0 "other scripts, commas" userimp labels -d db -q add "Отпуск, лето"
check_exit 0 "add --json" userimp labels -d db --json add "On leave"
check "one object" json_ok '
assert d["action"] == "add" and d["kind"] == "label", d
assert d["entries"] == [{"id": 5, "name": "On leave", "users": 0}], d'

# --- list
sql db "insert into user_labels select u.id, l.id from users u, labels l
	where l.name in ('VIP', 'Remote') and u.username = 'alice';
	insert into user_labels select u.id, 1 from users u
	where u.username = 'bob'"
check_exit 0 "list" userimp labels -d db list
check_same "id, name, users; by name" "$(cat out)" "5	On leave	0
2	Remote	1
1	VIP	2
3	vip	0
4	Отпуск, лето	0"
check_exit 0 "list --json" userimp labels -d db --json
check "an array of the labels" json_ok '
assert len(d) == 5, d
assert d[2] == {"id": 1, "name": "VIP", "users": 2}, d'

# --- rename
check_exit 0 "rename" userimp labels -d db rename Remote "Remote worker"
check_grep -F "says so" "renamed label 'Remote worker' (was 'Remote')" err
check_same "alice keeps it" "$(sql db "select l.name from user_labels ul
	join labels l on l.id = ul.label_id where ul.user_id = 1 and
	l.id = 2")" "Remote worker"
check_exit 1 "rename is case-sensitive: no label 'remote worker'" \
	userimp labels -d db rename "remote worker" X
check_grep -F "says so" "no such label 'remote worker'" err
check_exit 1 "rename onto another label" userimp labels -d db rename vip VIP
check_exit 2 "rename to a bad name" userimp labels -d db rename vip "a:b"
check_exit 0 "rename --json" userimp labels -d db --json rename vip VIP2
check "the label as it is now" json_ok '
assert d["entries"] == [{"id": 3, "name": "VIP2", "users": 0}], d'

# --- remove
check_exit 1 "remove a label users carry" userimp labels -d db remove VIP
check_grep -F "says how many and how" \
	"label 'VIP' has 2 users (--force takes them out)" err
check_exit 0 "remove an unused label" userimp labels -d db -q remove VIP2
check_exit 0 "remove --force" userimp labels -d db --json --force remove VIP
check_grep -F "says so" "removed label 'VIP'; 2 users taken out" err
check "the object" json_ok '
assert d["action"] == "remove" and d["entries"][0]["users"] == 2, d'
check_same "nobody carries it" \
	"$(sql db 'select count(*) from user_labels where label_id = 1')" 0
check_same "alice keeps her other label" \
	"$(sql db 'select count(*) from user_labels where user_id = 1')" 1

# --- a locked store
hold_lock db 5 IMMEDIATE
check_exit 4 "add on a locked store, --wait 0: exit 4" \
	userimp labels -d db --wait 0 add Locked
check_exit 4 "remove on a locked store" \
	userimp labels -d db --wait 0 remove "On leave"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
test_done
