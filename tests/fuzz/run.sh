#!/bin/sh
# run.sh TARGET DIR SECONDS: run the libFuzzer binary DIR/fuzz-TARGET for
# SECONDS on a scratch copy (DIR/run-TARGET/) of tests/fuzz/corpus/TARGET
# and the past crashes, so that no new corpus file lands in the repository.
# An input that crashes, leaks, hangs or runs out of memory is copied to
# tests/fuzz/crashes/TARGET/ and the run fails.
set -u
t=$1 dir=$2 secs=$3
work=$dir/run-$t
rm -rf "$work"
mkdir -p "$work/corpus" "$work/found"
cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
if [ -d tests/fuzz/crashes/"$t" ]; then
	cp tests/fuzz/crashes/"$t"/* "$work/corpus/"
fi
dict=
[ -f tests/fuzz/"$t".dict ] && dict=-dict=tests/fuzz/$t.dict
echo "FUZZ $t for ${secs}s (log: $work/log)"
"$dir/fuzz-$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$work/found/" $dict "$work/corpus" >"$work/log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -z "$(ls "$work/found")" ]; then
	grep '^Done ' "$work/log" | sed "s/^/fuzz: $t: /"
	exit 0
fi
grep -A 30 '^==[0-9]*==\|runtime error' "$work/log" | head -n 40 >&2
mkdir -p tests/fuzz/crashes/"$t"
for f in "$work"/found/*; do
	[ -e "$f" ] || continue
	cp "$f" tests/fuzz/crashes/"$t"/
	echo "fuzz: $t: saved tests/fuzz/crashes/$t/${f##*/}" >&2
done
echo "fuzz: $t: failed (exit $rc), see $work/log" >&2
exit 1
