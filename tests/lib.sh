# lib.sh: the shell test helpers, sourced by every tests/t/*.t:
#   cd "${0%/*}" && . ../lib.sh && plan N
# Each test works in its own trash.<name>/ folder, with build/ first in
# PATH and USERIMP_EXEC_PATH at build/.  Output is TAP, for prove.
set -u
TESTS=$(cd .. && pwd)
TOP=$(cd ../.. && pwd)
BUILD=${USERIMP_BUILD:-$TOP/build}
CORPUS=${USERIMP_CORPUS:-$TOP/../shared/corpus/xlsx}
PATH=$BUILD:$BUILD/tests:$PATH
USERIMP_EXEC_PATH=$BUILD
NODE_PATH=$BUILD/npm/node_modules
LC_ALL=C.UTF-8
export PATH USERIMP_EXEC_PATH NODE_PATH LC_ALL
unset USERIMP_DB
name=${0##*/}
name=${name%.t}
trash=$TESTS/t/trash.$name
rm -rf "$trash"
mkdir -p "$trash"
cd "$trash" || exit 1
test_n=0
test_failed=0

plan() {
	echo "1..$1"
}

pass() {
	test_n=$((test_n + 1))
	echo "ok $test_n - $1"
}

fail() {
	test_n=$((test_n + 1))
	test_failed=$((test_failed + 1))
	echo "not ok $test_n - $1"
}

# check DESC CMD...: passes when CMD succeeds
check() {
	_desc=$1
	shift
	if "$@"; then pass "$_desc"; else fail "$_desc"; fi
}

# check_same DESC GOT WANT: passes when the strings are equal
check_same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '%s\n' "$2" > got.$test_n
		printf '%s\n' "$3" > want.$test_n
		diff -u want.$test_n got.$test_n | sed 's/^/# /'
	fi
}

# check_exit N DESC CMD...: runs CMD with stdout in ./out and stderr in
# ./err (stdin from /dev/null unless redirected by the caller) and passes
# when it exits with N
# (its variables start with _ so that they leave the caller's alone)
check_exit() {
	_want=$1
	_desc=$2
	shift 2
	"$@" > out 2> err
	_got=$?
	if [ "$_got" = "$_want" ]; then
		pass "$_desc"
	else
		fail "$_desc (exit $_got, want $_want)"
		sed 's/^/# stderr: /' err | head -20
	fi
}

# check_grep DESC PATTERN FILE: passes when FILE has a line matching the
# extended regular expression PATTERN (fixed string with -F first)
check_grep() {
	_how=-qE
	if [ "$1" = -F ]; then
		_how=-qF
		shift
	fi
	if grep $_how -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		echo "# no line matching: $2"
		sed 's/^/# '"$3"': /' "$3" | head -20
	fi
}

# check_nogrep DESC PATTERN FILE: passes when no line has the fixed string
check_nogrep() {
	if grep -qF -- "$2" "$3"; then
		fail "$1"
		grep -nF -- "$2" "$3" | sed 's/^/# found: /' | head -5
	else
		pass "$1"
	fi
}

# new_store DB: a store with a cheap argon2id cost, so tests run fast
new_store() {
	userimp config -q -d "$1" argon2.m_cost 64 &&
	userimp config -q -d "$1" argon2.t_cost 1
}

# sql DB QUERY: run QUERY on DB, one row a line, fields split by |
sql() {
	sqlite3 -batch "$1" "$2"
}

# tsv: write a TSV here-document to an xlsx with mkxlsx: tsv FILE < TSV
tsv() {
	mkxlsx "$1"
}

# hold_lock DB SECONDS [IMMEDIATE|EXCLUSIVE]: another process takes DB's
# write lock and holds it SECONDS; returns once it is held, the holder's
# pid in $locker (wait for it, or let it end)
hold_lock() {
	rm -f "$1.held"
	/usr/bin/python3 - "$1" "$2" "${3:-IMMEDIATE}" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN " + sys.argv[3])
open(sys.argv[1] + ".held", "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
	locker=$!
	while [ ! -e "$1.held" ]; do sleep 0.1; done
	rm -f "$1.held"
}

# json_ok PY: run the python3 assertions PY on the JSON document in ./out
json_ok() {
	/usr/bin/python3 -c "import json
d = json.load(open('out'))
$1"
}

test_done() {
	if [ "$test_failed" = 0 ]; then
		cd "$TESTS/t" && rm -rf "$trash"
	fi
	exit $((test_failed != 0))
}
