#!/bin/sh
# nightly-import.sh: a cron job that imports the HR export every night.
#   15 2 * * *  /usr/local/share/userimp/nightly-import.sh /srv/hr/users.xlsx
# Rows with faults are skipped and kept in the job record; a store that is
# busy is retried later; anything else mails cron's owner.
set -u
file=${1:?usage: nightly-import.sh FILE}
export USERIMP_DB=${USERIMP_DB:-/var/lib/userimp/userimp.db}
for try in 1 2 3; do
	userimp import -q --on-error skip --wait 60 "$file"
	status=$?
	case $status in
	0) exit 0 ;;
	1) echo "some rows of $file were rejected: see the job record" >&2
	   exit 1 ;;
	4) sleep 300 ;;		# store locked or unavailable: try again
	*) exit $status ;;
	esac
done
exit $status
