#!/bin/sh
# userimp fields: custom fields listed, added with a type, removed; names
# that clash with built-in columns, group types or each other refused.
cd "${0%/*}" && . ../lib.sh && plan 59

# --- a store that is not there
check_exit 0 "list on no store" userimp fields -d db
check_same "prints nothing" "$(cat out)" ""
check_exit 0 "list --json on no store" userimp fields -d db --json
check_same "an empty array" "$(cat out)" "[]"
check_exit 1 "remove on no store" userimp fields -d db remove badge
check_grep -F "says so" "userimp-fields: no such custom field 'badge'" err
check "nothing created the store" test ! -e db

# --- usage
check_exit 2 "add without --type" userimp fields -d db add badge
check_grep -F "says what it needs" "add needs --type" err
check_exit 2 "--type with list" userimp fields -d db --type text list
check_exit 2 "an unknown --type" userimp fields -d db add badge --type string
check_grep -F "says what is allowed" \
	"--type 'string': expected text, number, date or bool" err
check_exit 2 "add with two names" userimp fields -d db add a b --type text
check_exit 2 "rename is not a subcommand" userimp fields -d db rename a b
check_exit 2 "--force with add" \
	userimp fields -d db --force add a --type text
check_exit 0 "--help" userimp fields --help
check_grep "usage" '^usage: userimp fields' out
check "still no store" test ! -e db

# --- add
new_store db
printf 'Username,Password,Email,First Name,Last Name\n%s\n%s\n' \
	'alice,Sekret111,alice@example.com,Alice,Lee' \
	'bob,Sekret222,bob@example.com,Bob,Ray' > users.csv
userimp import -q -d db users.csv
check_exit 0 "add a text field" userimp fields -d db add badge --type text
check_grep -F "says so" \
	"userimp-fields: added custom field 'badge' of type 'text' (id 1)" err
for t in number date bool; do
	check_exit 0 "add a $t field" userimp fields -d db -q add "f $t" --type $t
done
check_exit 1 "a field that exists, in another case" \
	userimp fields -d db add BADGE --type text
check_grep -F "says so" "custom field 'badge' exists already" err
check_exit 1 "the same column spelt otherwise" \
	userimp fields -d db add f_Number --type text
check_exit 1 "a group type's name" userimp fields -d db add Region --type text
check_grep -F "names the type" "group type 'region' has that column" err
check_exit 1 "a group type's _id column" \
	userimp fields -d db add cityid --type number
check_grep -F "says so" "the column of group type 'city' by id" err
for n in email Login "E-Mail" "first name" password status labels \
    "Labels ID" "updated at"; do
	check_exit 2 "a built-in column: $n" \
		userimp fields -d db add "$n" --type text
done
check_exit 2 "company: a group type may share it, a field not" \
	userimp fields -d db add company --type text
for n in "emp_id" "" "a+b" "$(printf '%051d' 0)"; do
	check_exit 2 "a bad name: '$n'" userimp fields -d db add "$n" --type text
done
check_exit 0 "50 characters" userimp fields -d db -q \
	add "$(printf 'x%049d' 0)" --type text
check_exit 0 "add --json" userimp fields -d db --json add "hire date" \
	--type date
check "one object" json_ok '
assert d["action"] == "add" and d["kind"] == "field", d
assert d["entries"] == [{"id": 6, "name": "hire date", "type": "date",
                         "users": 0}], d'

# --- list
sql db "insert into user_values select id, 1, 'B-' || id from users"
check_exit 0 "list" userimp fields -d db list
check_same "id, name, type, users; in the order made" "$(head -n 4 out)" \
	"1	badge	text	2
2	f number	number	0
3	f date	date	0
4	f bool	bool	0"
check_exit 0 "list --json" userimp fields -d db --json
check "an array of the fields" json_ok '
assert len(d) == 6 and d[0] == {"id": 1, "name": "badge", "type": "text",
                                "users": 2}, d'

# --- remove
check_exit 1 "remove a field users have values of" \
	userimp fields -d db remove Badge
check_grep -F "says how many and how" \
	"custom field 'badge' is set for 2 users (--force drops their values)" err
check_exit 0 "remove an unused field" userimp fields -d db -q remove "F BOOL"
check_exit 0 "remove --force" userimp fields -d db --json --force remove badge
check_grep -F "says so" "removed custom field 'badge'; 2 users lost their value" err
check "the object" json_ok '
assert d["action"] == "remove" and d["entries"][0]["users"] == 2, d'
check_same "the values are gone" "$(sql db 'select count(*) from user_values')" 0

# --- a locked store
hold_lock db 5 IMMEDIATE
check_exit 4 "add on a locked store, --wait 0: exit 4" \
	userimp fields -d db --wait 0 add x --type text
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
test_done
