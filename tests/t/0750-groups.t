#!/bin/sh
# userimp groups: group types and their groups, listed, added, renamed,
# removed, imported from a file; names checked; the store's schema 4.
cd "${0%/*}" && . ../lib.sh && plan 160

# in_group USER: the names of the groups USER is in, by type id
in_group() {
	sql db "select group_concat(g.name, ',') from (select g.name from
	    user_groups ug join groups g on g.id = ug.group_id join users u
	    on u.id = ug.user_id where u.username = '$1' order by
	    ug.type_id) g"
}

# --- a store that is not there
check_exit 0 "list on no store" userimp groups -d db
check_same "prints no group" "$(cat out)" ""
check_exit 0 "list --json on no store" userimp groups -d db --json list
check_same "an empty array" "$(cat out)" "[]"
check_exit 0 "types on no store" userimp groups -d db types
check_same "the six seeded types" "$(cut -f 2 out | tr '\n' ' ')" \
	"region city role position team appointment "
check_exit 0 "list --type region on no store" \
	userimp groups -d db list --type region
check_exit 1 "list --type of no such type" \
	userimp groups -d db list --type planet
check_grep -F "says so" "userimp-groups: no such group type 'planet'" err
check_exit 1 "remove on no store: no such group" \
	userimp groups -d db remove region North
check_grep -F "names the group and type" \
	"no such group 'North' of type 'region'" err
check_exit 1 "rename on no store" userimp groups -d db rename region A B
check "and nothing created the store" test ! -e db

# --- usage
check_exit 2 "an unknown subcommand" userimp groups -d db frob
check_grep -F "named" "'frob' is not a subcommand" err
check_exit 2 "add without a name" userimp groups -d db add region
check_exit 2 "rename with two names" userimp groups -d db rename region A
check_exit 2 "remove with three names" userimp groups -d db remove region A B
check_exit 2 "types takes no operand" userimp groups -d db types x
check_exit 2 "--type with add" userimp groups -d db --type region add region A
check_exit 2 "--force with add" userimp groups -d db --force add region A
check_exit 2 "import without a file" userimp groups -d db import
check_exit 2 "--wait not a number" userimp groups -d db --wait x
check_exit 0 "--help" userimp groups --help
check_grep "usage on stdout" '^usage: userimp groups' out
check_exit 0 "--version" userimp groups --version
check "still no store" test ! -e db

# --- add
new_store db
printf 'Username,Password,Email,First Name,Last Name\n%s\n%s\n%s\n' \
	'alice,Sekret111,alice@example.com,Alice,Lee' \
	'bob,Sekret222,bob@example.com,Bob,Ray' \
	'carol,Sekret333,carol@example.com,Carol,Kim' > users.csv
userimp import -q -d db users.csv
check_same "the store is at schema version 4" \
	"$(sql db 'pragma user_version')" 4
check_exit 0 "add two regions" userimp groups -d db add region North South
check_grep -F "one line each" \
	"userimp-groups: added group 'North' of type 'region' (id 1)" err
check_grep -F "the second" "added group 'South' of type 'region' (id 2)" err
check_exit 0 "add, trimmed, type in any case" \
	userimp groups -d db -q add REGION "  East  "
check_same "-q: nothing on stderr" "$(cat err)" ""
check_same "stored trimmed" \
	"$(sql db "select name from groups where id = 3")" East
check_exit 1 "a group that exists, in another case" \
	userimp groups -d db add region West nOrTh
check_grep -F "names the existing one" \
	"group 'North' of type 'region' exists already" err
check_same "and nothing was added, West neither" \
	"$(sql db 'select count(*) from groups')" 3
check_exit 1 "the same name twice in one add" \
	userimp groups -d db add city Leeds leeds
check_same "nothing added" "$(sql db 'select count(*) from groups')" 3
check_exit 0 "the same name under another type" \
	userimp groups -d db -q add city North
check_exit 1 "no such type" userimp groups -d db add planet Mars
check_grep -F "says so" "no such group type 'planet'" err
check_exit 2 "an empty name" userimp groups -d db add region "  "
check_grep -F "says what is allowed" "expected 1-100 characters" err
check_exit 2 "a control character" \
	userimp groups -d db add region "$(printf 'a\001b')"
check_grep -F "says so" "control characters are not allowed" err
long=$(printf '%0101d' 0)
check_exit 2 "101 characters" userimp groups -d db add region "$long"
check_exit 0 "100 characters, of any script" userimp groups -d db -q \
	add city "$(printf '%099d' 0)é"
check_exit 2 "not UTF-8" userimp groups -d db add region "$(printf 'a\377')"
check_grep -F "says so" "not valid UTF-8" err
check_exit 0 "add --json" userimp groups -d db --json add team Ops "Dev Ops"
check "one object with the groups added" json_ok '
assert d["action"] == "add" and d["kind"] == "group", d
e = d["entries"]
assert [x["name"] for x in e] == ["Ops", "Dev Ops"], e
assert all(x["type"] == "team" and x["type_id"] == 5 and x["users"] == 0
           for x in e), e'

# --- list
sql db "insert into user_groups select u.id, 1, 1 from users u
	where username in ('alice', 'bob');
	insert into user_groups select id, 5, (select id from groups
	where name = 'Ops') from users where username = 'alice'"
check_exit 0 "list --type region" userimp groups -d db list --type Region
check_same "id, type, name, users; by name" "$(cat out)" "3	region	East	0
1	region	North	2
2	region	South	0"
check_exit 0 "list --json" userimp groups -d db --json
check "an array of every group" json_ok '
assert len(d) == 7, d
n = [x for x in d if x["name"] == "North" and x["type"] == "region"][0]
assert n == {"id": 1, "name": "North", "type": "region", "type_id": 1,
             "users": 2}, n'
check_exit 0 "types" userimp groups -d db types
check_same "id, name, groups, users" "$(head -n 1 out)" "1	region	3	2"
check_exit 0 "types --json" userimp groups -d db types --json
check "an array of the types" json_ok '
assert [x["name"] for x in d][:6] == ["region", "city", "role",
    "position", "team", "appointment"], d
assert all(x["builtin"] for x in d), d
assert d[4]["groups"] == 2 and d[4]["users"] == 1, d[4]'

# --- rename
check_exit 0 "rename a group" userimp groups -d db rename region north \
	"North East"
check_grep -F "says so" \
	"renamed group 'North East' of type 'region' (was 'north')" err
check_same "its users stay" "$(in_group alice)" "North East,Ops"
check_exit 0 "a change of case alone" \
	userimp groups -d db -q rename region "north east" "NORTH EAST"
check_same "is a rename" "$(sql db 'select name from groups where id = 1')" \
	"NORTH EAST"
check_exit 1 "rename onto another group" \
	userimp groups -d db rename region "NORTH EAST" south
check_grep -F "names it" "group 'South' of type 'region' exists already" err
check_exit 1 "rename a group that is not there" \
	userimp groups -d db rename region Nowhere X
check_exit 2 "rename to a bad name" \
	userimp groups -d db rename region South ""
check_exit 0 "rename --json" \
	userimp groups -d db --json rename region "NORTH EAST" North
check "the group as it is now" json_ok '
e = d["entries"]
assert d["action"] == "rename" and len(e) == 1, d
assert e[0]["name"] == "North" and e[0]["users"] == 2, e'

# --- remove
check_exit 1 "remove a group with users" userimp groups -d db remove region North
check_grep -F "says how many and how" \
	"group 'North' has 2 users (--force takes them out)" err
check_same "they are still in it" "$(in_group bob)" North
check_exit 1 "remove a group that is not there" \
	userimp groups -d db remove region Nowhere
check_exit 0 "remove --force" userimp groups -d db --json remove --force region north
check_grep -F "says who was taken out" \
	"removed group 'North' of type 'region'; 2 users taken out" err
check "the object has the users taken out" json_ok '
e = d["entries"][0]
assert d["action"] == "remove" and e["name"] == "North", d
assert e["users"] == 2, e'
check_same "bob is in no group now" "$(in_group bob)" ""
check_same "alice keeps her team" "$(in_group alice)" Ops
check_same "the users themselves stay" \
	"$(sql db 'select count(*) from users')" 3
check_exit 0 "remove an empty group" userimp groups -d db -q remove region east

# --- types: add-type, remove-type
check_exit 0 "add-type" userimp groups -d db add-type "cost center" Project
check_grep -F "says so" "added group type 'cost center' (id 7)" err
check_exit 0 "a type named as the free-text field company" \
	userimp groups -d db -q add-type company
for n in email login "First Name" active e-mail created_at; do
	check_exit 2 "a built-in column: $n" userimp groups -d db add-type "$n"
done
check_grep -F "names the column" "is the built-in column 'created_at'" err
check_exit 2 "Company with another spelling" \
	userimp groups -d db add-type com_pany
for n in labels Labels_ID company_id "office id" "x-Id" "a.id"; do
	check_exit 2 "taken or _id: $n" userimp groups -d db add-type "$n"
done
check_grep -F "says why" "must not end in '_id'" err
for n in "" "a/b" "___" "$(printf '%051d' 0)" "café"; do
	check_exit 2 "a bad type name: '$n'" userimp groups -d db add-type "$n"
done
check_exit 1 "a type that exists, in any case" \
	userimp groups -d db add-type REGION
check_grep -F "says so" "group type 'region' exists already" err
check_exit 1 "the same column spelt otherwise" \
	userimp groups -d db add-type Cost_Center
check_grep -F "names the one there" "group type 'cost center' exists already" err
check_exit 1 "the _id column of a type" userimp groups -d db add-type projectid
check_grep -F "says so" "it is the column of group type 'Project' by id" err
userimp fields -q -d db add badge --type text
check_exit 1 "a custom field's name" userimp groups -d db add-type Badge
check_grep -F "names the field" "custom field 'badge' has that column" err
userimp fields -q -d db add tagid --type text
check_exit 1 "a type whose _id column is a field" \
	userimp groups -d db add-type tag
check_grep -F "says so" "its column by id is custom field 'tagid'" err
check_exit 1 "add-type is all or nothing" \
	userimp groups -d db add-type Site region
check_same "Site was not added" \
	"$(sql db "select count(*) from group_types where name = 'Site'")" 0
check_exit 1 "remove-type with groups" userimp groups -d db remove-type team
check_grep -F "says how" "group type 'team' has 2 groups (--force removes them and takes their users out)" err
check_exit 1 "remove-type of no such type" \
	userimp groups -d db remove-type planet
check_exit 0 "remove-type an empty type" \
	userimp groups -d db -q remove-type Project
check_exit 0 "remove-type --force" \
	userimp groups -d db --json remove-type --force TEAM
check_grep -F "says what went" \
	"removed group type 'team' with its 2 groups; 1 user taken out" err
check "the object tells the groups and users" json_ok '
e = d["entries"][0]
assert d["kind"] == "group_type" and e["name"] == "team", d
assert e["groups"] == 2 and e["users"] == 1, e'
check_same "its groups and memberships are gone" \
	"$(sql db 'select count(*) from groups where type_id = 5;
	    select count(*) from user_groups where type_id = 5')" "0
0"

# --- import
printf 'Type*,Name\nregion,West\ncity,Leeds\nREGION,west\nregion,South\n\n' \
	> groups.csv
check_exit 0 "import a CSV" userimp groups -d db import groups.csv
check_grep -F "counts them" \
	"groups.csv: 4 rows: 2 added, 2 unchanged, 0 rejected" err
check_same "the groups are there" \
	"$(sql db "select name from groups where name in ('West', 'Leeds') order by 1")" \
	"Leeds
West"
check_exit 0 "again: all unchanged" userimp groups -d db --json import groups.csv
check "--json: the summary" json_ok '
assert d["file"] == "groups.csv" and d["findings"] == [], d
assert d["summary"] == {"rows": 4, "inserted": 0, "unchanged": 4,
                        "rejected": 0}, d'
tsv groups.xlsx <<'TSV'
Group Type	Group
role	Chef
position	Head
TSV
check_exit 0 "import an xlsx file" userimp groups -d db -q import groups.xlsx
check_same "its groups are there" \
	"$(sql db "select count(*) from groups where name in ('Chef', 'Head')")" 2
printf 'name,type\nNorth,region\nX,planet\n,city\nok,\nbad\001,city\nNew,city\n' \
	> bad.csv
n=$(sql db 'select count(*) from groups')
check_exit 1 "bad rows: exit 1" userimp groups -d db import bad.csv
check_grep -F "no such type, by row and column" \
	"bad.csv:3:type: no such group type 'planet'; 'userimp groups add-type' adds one" err
check_grep -F "an empty name" "bad.csv:4:name: empty required field" err
check_grep -F "an empty type" "bad.csv:5:type: empty required field" err
check_grep -F "a bad name" "bad.csv:6:name: control characters are not allowed" err
check_grep -F "the counts" "bad.csv: 6 rows: 0 added, 0 unchanged, 4 rejected; nothing written" err
check_same "and nothing was written, not even the good rows" \
	"$(sql db 'select count(*) from groups')" "$n"
check_exit 1 "bad rows --json" userimp groups -d db --json import bad.csv
check "the findings as import prints them" json_ok '
f = d["findings"]
assert len(f) == 4 and d["summary"]["rejected"] == 4, d
assert f[0]["row"] == 3 and f[0]["column"] == "type", f[0]
assert f[0]["code"] == "no_such_group_type", f[0]
assert f[1]["code"] == "empty" and f[1]["field"] == "name", f[1]'
printf 'type\nregion\n' > nocol.csv
check_exit 3 "no name column: exit 3" userimp groups -d db import nocol.csv
check_grep -F "says which" "nocol.csv: no column 'name'" err
printf 'type,name,color\nregion,X,red\n' > extra.csv
check_exit 3 "an unknown column" userimp groups -d db import extra.csv
check_grep -F "names it" "unknown column 'color'" err
printf 'type,name,Type\n' > twice.csv
check_exit 3 "a repeated column" userimp groups -d db import twice.csv
check_exit 3 "a file that is not there" userimp groups -d db import none.csv

# --- a locked store
hold_lock db 5 IMMEDIATE
check_exit 4 "add on a locked store, --wait 0: exit 4" \
	userimp groups -d db --wait 0 add region Locked
check_grep -F "says so" "locked by another process" err
check_exit 4 "import on a locked store" \
	userimp groups -d db --wait 0 import groups.csv
check_exit 0 "list still reads" userimp groups -d db --wait 0 types
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

# --- an older store moves to schema 4 by itself, its data kept
sqlite3 v1.db < "$TESTS/fixtures/store-v1.sql"
check_exit 0 "types read a version 1 store" userimp groups -d v1.db types
check_same "as the seeded ones" "$(wc -l < out | tr -d ' ')" 6
check_same "leaving it at version 1" "$(sql v1.db 'pragma user_version')" 1
check_exit 0 "add to a version 1 store" userimp groups -d v1.db -q add city Oslo
check_same "it is version 4 now" "$(sql v1.db 'pragma user_version')" 4
check_same "its user and job are kept" \
	"$(sql v1.db 'select username from users; select file from jobs')" \
	"old
old.csv"
check_same "the group is there" "$(sql v1.db 'select type_id, name from groups')" \
	"2|Oslo"
check_same "integrity ok" "$(sql v1.db 'pragma integrity_check')" ok
check_same "foreign keys ok" "$(sql v1.db 'pragma foreign_key_check')" ""
test_done
