#!/bin/sh
# hostile-limits.sh: every file of the hostile corpus (tests/hostile.tsv)
# imported once into a fresh store with the normal build, timed with
# /usr/bin/time: fails, naming the file, when one takes 5 s or more, or
# 200 MiB of RSS or more, or does not exit as the manifest says.  Then the
# cap on standard input: 2 GiB and a byte of zeros, refused (its time is
# shown, not bounded: the 2 GiB must be read).  Not part of make check.
#   sh tests/hostile-limits.sh
#   HOSTILE_DIR   scratch folder (default build/hostile)
#   HOSTILE_STDIN 0 to skip the 2 GiB of standard input
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${USERIMP_BUILD:-$top/build}
corpus=${USERIMP_CORPUS:-$top/../shared/corpus/xlsx}
dir=${HOSTILE_DIR:-$build/hostile}
PATH=$build:$PATH
USERIMP_EXEC_PATH=$build
LC_ALL=C.UTF-8
export PATH USERIMP_EXEC_PATH LC_ALL
unset USERIMP_DB

max_s=5
max_kib=$((200 * 1024))
rm -rf "$dir"
mkdir -p "$dir/gen" || exit 1
/usr/bin/python3 "$top/tests/mkhostile.py" "$dir/gen" || exit 1

# run NAME WANT CMD...: one timed import into a fresh store
run() {
	name=$1 want=$2
	shift 2
	rm -f "$dir/db"
	userimp config -q -d "$dir/db" argon2.m_cost 64 &&
	userimp config -q -d "$dir/db" argon2.t_cost 1 || exit 1
	/usr/bin/time -f '%e %M' -o "$dir/time" "$@" >/dev/null 2>"$dir/err"
	st=$?
	set -- $(tail -1 "$dir/time")
	secs=$1 kib=$2
	verdict=ok
	if [ "$st" != "$want" ]; then
		verdict="FAIL: exit $st, want $want"
	elif [ "$name" != "stdin over 2 GiB" ] && awk -v s="$secs" \
	    -v m="$max_s" 'BEGIN { exit !(s >= m) }'; then
		verdict="FAIL: $max_s s or more"
	elif [ "$kib" -ge "$max_kib" ]; then
		verdict="FAIL: 200 MiB or more"
	fi
	printf '%-52s %4s %7s s %8s MiB  %s\n' "$name" "$st" "$secs" \
	    "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')" "$verdict"
	case $verdict in
	ok) ;;
	*)	failed="$failed $name"
		sed 's/^/    stderr: /' "$dir/err" | head -3 ;;
	esac
	if [ "$name" != "stdin over 2 GiB" ] &&
	    awk -v s="$secs" -v w="$worst_s" 'BEGIN { exit !(s > w) }'; then
		worst_s=$secs worst_s_name=$name
	fi
	[ "$kib" -gt "$worst_kib" ] && worst_kib=$kib worst_kib_name=$name
}

failed=
worst_s=0 worst_s_name=
worst_kib=0 worst_kib_name=
printf '%-52s %4s %9s %12s  %s\n' file exit wall "peak RSS" verdict
while IFS='	' read -r file want msg; do
	case $file in
	'#'*|'') continue ;;
	corpus:*) path=$corpus/${file#corpus:} ;;
	*) path=$dir/gen/$file ;;
	esac
	run "$file" "$want" userimp import -d "$dir/db" "$path" < /dev/null
done < "$top/tests/hostile.tsv"
if [ "${HOSTILE_STDIN:-1}" != 0 ]; then
	# a pipe, so that nothing of it lands on disk here
	run "stdin over 2 GiB" 3 sh -c "head -c $(((2 << 30) + 1)) /dev/zero |
	    userimp import -d '$dir/db' -"
	grep -q 'larger than 2 GiB' "$dir/err" ||
	    failed="$failed stdin-message"
fi
echo "worst time: $worst_s s ($worst_s_name); worst RSS:" \
    "$(awk -v k="$worst_kib" 'BEGIN { printf "%.1f", k / 1024 }') MiB" \
    "($worst_kib_name)"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all within $max_s s and 200 MiB"
