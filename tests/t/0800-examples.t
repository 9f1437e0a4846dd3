#!/bin/sh
# The examples: both user files import cleanly, the CI script seeds a
# store, the C program builds against the library and counts rows.
cd "${0%/*}" && . ../lib.sh && plan 9

cp "$TOP"/examples/users.csv "$TOP"/examples/ci-seed.sh .
check_exit 0 "ci-seed.sh seeds a store" sh ./ci-seed.sh seed.db
check "it leaves the JSON summary" /usr/bin/python3 -c '
import json
d = json.load(open("import.json"))
assert d["summary"]["inserted"] == 20, d["summary"]'
check_exit 0 "check on the example xlsx against the seeded store" \
	userimp check -d seed.db "$TOP"/examples/users.xlsx
check_grep -F "every row unchanged" "20 rows: 0 to insert, 0 to update, 20 unchanged, 0 rejected, 20 passwords left alone (nothing written)" err
check_exit 0 "count-rows.c builds against libuserimp.a" \
	cc -std=c99 ${USERIMP_LDFLAGS:-} -I"$TOP"/lib -o count-rows \
	"$TOP"/examples/count-rows.c \
	"$BUILD"/libuserimp.a $(pkg-config --libs expat minizip sqlite3 libargon2) \
	-lm -pthread
check_exit 0 "and runs" ./count-rows "$TOP"/examples/users.xlsx users.csv
check_same "counting the header and 20 users in each" "$(cat out)" \
	"$TOP/examples/users.xlsx	21
users.csv	21"
check_exit 0 "make demo" make -s -C "$TOP" BUILD="$BUILD" DEMO_DB="$PWD/demo.db" demo
check_grep -F "prints the summary line" \
	"examples/users.xlsx: 20 rows: 20 inserted, 0 updated, 0 unchanged, 0 rejected (job 1)" err
test_done
