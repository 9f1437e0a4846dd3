#!/bin/sh
# bench.sh: userimp's benchmark (make bench), beside the floors and a peer
# measured in the same run, on files from ../shared/bench's generator.
#   BENCH_DIR  scratch folder (default build/bench)
#   BENCH_N    row counts (default "100000 1000000")
#   BENCH_PEER the openpyxl loader too: "all", or "small" (default: only
#              for counts under 1000000; it takes minutes there)
# Prints one line a run: name, rows, wall seconds, peak RSS in MiB, and the
# ratio of openpyxl's wall time to this run's where both ran.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kit=${BENCH_KIT:-$top/../shared/bench}
dir=${BENCH_DIR:-$top/build/bench}
build=${USERIMP_BUILD:-$top/build}
counts=${BENCH_N:-100000 1000000}
peer=${BENCH_PEER:-small}
mkdir -p "$dir/bin" "$dir/db"
dir=$(cd "$dir" && pwd)
make -s -C "$kit" OUT="$dir/bin" >&2 || exit 1

# the passwords as PHC strings of a cheap cost: the import is measured, not
# argon2id (bench.sh hash measures that)
phc=$(/usr/bin/python3 -c 'import argon2; print(argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("Bench2026x"))')

# run NAME N CMD...: one timed run; prints the line and keeps the wall time
run() {
	name=$1 n=$2
	shift 2
	/usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>"$dir/err"
	st=$?
	set -- $(tail -1 "$dir/time")
	wall=$1 rss=$(( $2 / 1024 ))
	ratio=
	case $name in
	import*|check|floor*) ;;
	*) peerwall_now= ;;
	esac
	[ -n "${peerwall:-}" ] && [ "${peerwall_now-x}" = x ] && ratio=$(awk -v p="$peerwall" -v w="$wall" \
	    'BEGIN { if (w > 0) printf "%.1fx", p / w }')
	[ $st -le 1 ] || ratio="FAILED (exit $st)"
	unset peerwall_now
	printf '%-22s %8s %9s s %7s MiB  %s\n' "$name" "$n" "$wall" "$rss" \
	    "$ratio"
}

# verify DB N: a fast wrong answer must show: N users, every one with an
# email and a hash, and the digest of a few columns, for comparing runs
verify() {
	set -- "$1" "$2" "$(sqlite3 "$1" 'select count(*), count(email),
	    count(password_hash) from users')"
	if [ "$3" != "$2|$2|$2" ]; then
		echo "verify $1: expected $2 users with email and hash, got $3"
		exit 1
	fi
	printf '%-22s %8s %s\n' verify "$2" "$(sqlite3 "$1" "select username,
	    email, first_name, last_name, mobile_phone, is_manager, status from
	    users order by username" | sha256sum | cut -c1-16)"
}

# argon2id per hash at the default cost, libargon2 against libsodium
for lib in libargon2 sodium; do
	arg=
	[ $lib = sodium ] && arg=sodium
	"$dir/bin/argon2_bench" $arg 2 19456 1 "${BENCH_HASHES:-50}" |
	    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^ms_per_hash=/)
		printf "%-22s %8s %9s ms a hash (m=19456 KiB, t=2, p=1)\n",
		    "argon2id-" $1, "", substr($i, 13) }'
done

printf '%-22s %8s %11s %11s  %s\n' run rows wall "peak RSS" "openpyxl/run"
for n in $counts; do
	x=$dir/users-$n-phc.xlsx xi=$dir/users-$n-phc-inline.xlsx
	[ -f "$x" ] || "$dir/bin/gen_users" -H "$phc" "$n" "$dir/users-$n-phc" >&2
	[ -f "$xi" ] || "$dir/bin/gen_users" -c -H "$phc" "$n" \
	    "$dir/users-$n-phc-inline" >&2
	peerwall=
	if [ "$peer" = all ] || [ "$n" -lt 1000000 ]; then
		rm -f "$dir/db/peer.db"
		run openpyxl "$n" /usr/bin/python3 "$kit/load_openpyxl.py" "$x" \
		    "$dir/db/peer.db"
		peerwall=$wall
	fi
	run floor-count "$n" "$dir/bin/xlsx_count" "$x"
	run floor-gather "$n" "$dir/bin/xlsx_count" -v "$x"
	rm -f "$dir/db/u.db"
	run import-fresh "$n" "$build/userimp-import" -q -d "$dir/db/u.db" "$x"
	verify "$dir/db/u.db" "$n"
	run import-unchanged "$n" "$build/userimp-import" -q -d "$dir/db/u.db" "$x"
	run check "$n" "$build/userimp-check" -q -d "$dir/db/u.db" "$x"
	rm -f "$dir/db/i.db"
	run import-inline "$n" "$build/userimp-import" -q -d "$dir/db/i.db" "$xi"
	for f in xlsx csv json; do
		rm -f "$dir/out.$f"
		run "export-$f" "$n" "$build/userimp-export" -q -d "$dir/db/u.db" \
		    -o "$dir/out.$f"
	done
done
