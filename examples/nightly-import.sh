#!/bin/sh
# nightly-import.sh: a cron job that imports the HR export every night.
#   15 2 * * *  /usr/local/share/userimp/nightly-import.sh /srv/hr/users.xlsx
# The export lists every member of staff, so users missing from it are
# blocked (--block-missing); a run that would block or change more than
# 5% of the users is refused whole (--max-changes 5%): a truncated export
# must not disable the company.  Rows with faults are skipped, kept in the
# job record and written to an errors file to hand back to HR.  One run at
# a time (flock); every line goes to a log with a timestamp; a store that
# stays locked is tried again later; a run that fails mails its log.
#
# Environment: USERIMP_DB (the store), USERIMP_LOGDIR (log, lock and
# errors files; default /var/log/userimp), MAILTO (default root),
# USERIMP_RETRY_SLEEP (seconds between tries, default 300).
# Exit status: userimp's (userimp(1) EXIT STATUS); 4 also when another
# run holds the lock.
set -u
file=${1:?usage: nightly-import.sh FILE}
export USERIMP_DB=${USERIMP_DB:-/var/lib/userimp/userimp.db}
logdir=${USERIMP_LOGDIR:-/var/log/userimp}
mailto=${MAILTO:-root}
pause=${USERIMP_RETRY_SLEEP:-300}
log=$logdir/nightly-import.log
errors=$logdir/rejected-$(date -u +%Y%m%dT%H%M%SZ).xlsx

mkdir -p "$logdir" || exit 5
run=$(mktemp) || exit 5		# this run's lines, for the mail
out=$(mktemp) || exit 5
trap 'rm -f "$run" "$out"' EXIT

# say LINE...: one line to the log and to this run's lines, timestamped
say() {
	printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" |
	    tee -a "$run" >> "$log"
}

# Mail this run's lines to $mailto, or say why not (cron mails stderr).
report() {
	subject="userimp nightly import of $file failed (exit $1)"
	if command -v mail > /dev/null 2>&1; then
		mail -s "$subject" "$mailto" < "$run" &&
		    say "mailed this log to $mailto" && return
		say "mail(1) failed: read $log"
	else
		say "no mail(1) here to send this to $mailto: read $log"
	fi
	echo "$subject: see $log" >&2
}

# One run at a time: the lock lasts as long as descriptor 9 stays open.
exec 9>> "$logdir/nightly-import.lock"
if ! flock -n 9; then
	say "another import holds $logdir/nightly-import.lock: not run"
	report 4
	exit 4
fi

say "importing $file into $USERIMP_DB"
status=4
for try in 1 2 3; do
	userimp import --on-error skip --block-missing --max-changes 5% \
	    --errors "$errors" --wait 60 "$file" > "$out" 2>&1
	status=$?
	while IFS= read -r line; do
		say "$line"
	done < "$out"
	[ "$status" = 4 ] || break
	if [ "$try" -lt 3 ]; then
		say "the store is locked or unavailable: again in $pause s"
		sleep "$pause"
	fi
done

case $status in
0)
	rm -f "$errors"
	say "done"
	exit 0 ;;
1)
	# rejected rows, or a run refused whole (then the file has none)
	if grep -q ' [1-9][0-9]* rejected' "$out"; then
		say "the rejected rows, with the reasons, are in $errors"
	else
		rm -f "$errors"
	fi ;;
esac
say "failed: exit $status (userimp(1) EXIT STATUS)"
report "$status"
exit "$status"
