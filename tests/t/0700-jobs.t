#!/bin/sh
# userimp jobs: the list of recorded imports, one job with its findings.
cd "${0%/*}" && . ../lib.sh && plan 17

check_exit 0 "a store that does not exist has no jobs" userimp jobs -d none.db
check_same "and prints only the heading" "$(wc -l < out)" 1
check "and creates no store" test ! -e none.db
new_store db
printf 'Username,Password,Email,First Name,Last Name\n%s\n' \
	'ann,Sekret111,ann@example.com,Ann,Lee' > ann.csv
printf 'Username,Email\n%s\n%s\n' 'ann,bad' 'zed,zed@example.com' > bad.csv
userimp import -q -d db ann.csv
userimp import -q -d db bad.csv 2>/dev/null
check_exit 0 "list" userimp jobs -d db
check_same "newest first, with outcome, counts and file" \
	"$(tail -n +2 out | awk '{ print $1, $3, $4, $5, $6, $7, $8, $9 }')" \
	"2 aborted 2 0 0 0 2 bad.csv
1 ok 1 1 0 0 0 ann.csv"
check_exit 0 "--limit 1 -q" userimp jobs -d db --limit 1 -q
check_same "one line, no heading" "$(awk '{ print $1 }' out)" 2
check_exit 0 "show 2" userimp jobs -d db show 2
check_grep "the job's outcome" '^outcome +aborted$' out
check_grep "its counts" '^rows +2: 0 inserted, 0 updated, 0 unchanged, 2 rejected' out
check_grep -F "its findings as import printed them" \
	"bad.csv:2:Email: 'bad' is not an email address" out
check_grep -F "the whole-row ones too" "bad.csv:3: no user 'zed'" out
check_exit 0 "--json show 2" userimp jobs -d db --json show 2
check "is one JSON object with the findings" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d["job"] == 2 and d["outcome"] == "aborted", d
assert d["summary"]["rejected"] == 2
assert [f["row"] for f in d["findings"]] == [2, 3], d["findings"]
assert d["findings"][0]["column"] == "Email" and d["findings"][0]["code"] == "format"'
check_exit 0 "--json list" userimp jobs -d db --json
check "is an array, newest first" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert [j["job"] for j in d] == [2, 1] and d[1]["file"] == "ann.csv"'
check_exit 1 "a job that does not exist exits 1" userimp jobs -d db show 9
test_done
