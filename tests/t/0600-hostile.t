#!/bin/sh
# The hostile corpus: tests/mkhostile.py writes it here, tests/hostile.tsv
# says what each file must do.  Each file goes into a fresh store, under a
# timeout that only catches hangs: the exit code, a fixed string on stderr,
# and a store with no user from a refused file and its integrity intact.
# Then the tier-R files of the corpus, stdin, and the payloads that import.
cd "${0%/*}" && . ../lib.sh

manifest=$TESTS/hostile.tsv
n=$(grep -vc '^#' "$manifest")
plan $((3 * n + 12))

/usr/bin/python3 "$TESTS/mkhostile.py" gen
check_same "the generator writes what the manifest lists" \
	"$(ls gen | sort)" \
	"$(grep -v '^#' "$manifest" | cut -f1 | grep -v '^corpus:' | sort)"

# store_state DB: users, the last job's outcome, integrity
store_state() {
	echo "$(sql "$1" 'select count(*) from users')" \
	    "$(sql "$1" 'select outcome from jobs order by id desc limit 1')" \
	    "$(sql "$1" 'pragma integrity_check')"
}

i=0
refused_users=0
exec 3< "$manifest"
while IFS='	' read -r file want msg <&3; do
	case $file in
	'#'*|'') continue ;;
	corpus:*) path=$CORPUS/${file#corpus:} ;;
	*) path=gen/$file ;;
	esac
	i=$((i + 1))
	db=db.$i
	new_store $db
	check_exit "$want" "$file: exit $want" \
		timeout 30 userimp import -d $db "$path" < /dev/null
	check_grep -F "$file: says why" "$msg" err
	cat err >> all.err
	state=$(store_state $db)
	case $want in
	3)	check_same "$file: no user, a failed job, integrity ok" \
		    "$state" "0 failed ok" ;;
	1)	check_same "$file: rejected, no user written, integrity ok" \
		    "$state" "0 aborted ok" ;;
	*)	check_same "$file: imported, integrity ok" \
		    "${state#* }" "ok ok" ;;
	esac
	[ "$want" = 0 ] || refused_users=$((refused_users + ${state%% *}))
done
exec 3<&-
check_same "no store holds a user from a refused file" "$refused_users" 0
check_nogrep "nothing of /etc/passwd came through an entity" "root:x:0" all.err

# payloads that are data: stored as text, never run, the table still there
in_store() {
	sql "db.$(grep -v '^#' "$manifest" | cut -f1 | grep -nx "$1" |
	    cut -d: -f1)" "$2"
}
by_name="select company from users order by username"
check_same "a formula in an xlsx cell is text" \
	"$(in_store cell-formula.xlsx "$by_name")" \
	"=cmd|' /C calc'!A0
=cmd|' /C calc'!A0"
check_same "so is a formula in a CSV cell" \
	"$(in_store csv-formula.csv "$by_name")" \
	"=cmd|' /C calc'!A0
@SUM(1+1)*cmd|' /C calc'!A0"
check_same "SQL in a cell is a value, and users is still a table" \
	"$(in_store cell-sql-company.xlsx "select company from users")" \
	"'); DROP TABLE users; --"
check_same "a rejected SQL name leaves the table there" \
	"$(in_store cell-sql-name.xlsx \
	    "select type from sqlite_master where name = 'users'")" \
	table
check_same "UTF-16 parts read" \
	"$(in_store xml-utf16.xlsx "select first_name from users")" "Zoë"

# standard input is spooled, then read under the same limits
new_store stdin.db
check_exit 3 "a zip bomb on stdin is exit 3" \
	timeout 30 userimp import -d stdin.db - < gen/zip-ratio.xlsx
check_grep -F "with the same message" "inflates past 100:1" err
check_exit 3 "an overlapping zip on stdin too" \
	timeout 30 userimp import -d stdin.db - < gen/zip-overlap.xlsx
check_same "no user from stdin" "$(sql stdin.db 'select count(*) from users')" 0
test_done
