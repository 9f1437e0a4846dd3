#!/bin/sh
# deps.sh PKG...: install the Debian packages that are missing, and bring
# the installed ones up to the current point release (expat's security
# fixes come that way).  As root it runs apt-get; otherwise it names what
# is missing and fails.
# deps.sh --npm DIR PKG@VER...: install npm packages into DIR (tests only).
set -u
if [ "${1:-}" = --npm ]; then
	dir=$2; shift 2
	have=1
	for p in "$@"; do
		[ -d "$dir/node_modules/${p%@*}" ] || have=0
	done
	[ $have = 1 ] && exit 0
	# the machine's own Node.js often brings npm; else Debian's
	if ! command -v npm >/dev/null; then
		[ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y -qq nodejs npm >/dev/null
		command -v npm >/dev/null ||
			{ echo "deps.sh: npm is missing" >&2; exit 1; }
	fi
	mkdir -p "$dir"
	npm install --silent --no-audit --no-fund --prefix "$dir" "$@" >&2 ||
		{ echo "deps.sh: npm install $* failed" >&2; exit 1; }
	exit 0
fi
missing=
for p in "$@"; do
	st=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null)
	case $st in *" installed") ;; *) missing="$missing $p" ;; esac
done
if [ "$(id -u)" != 0 ]; then
	[ -z "$missing" ] && exit 0
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: run as root, or: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# One update per machine and day is enough to see point releases.
stamp=/var/lib/apt/lists/partial/.userimp-update
if [ -n "$missing" ] || [ -z "$(find "$stamp" -mtime -1 2>/dev/null)" ]; then
	apt-get update -qq >&2 || { echo "deps.sh: apt-get update failed" >&2; exit 1; }
	touch "$stamp" 2>/dev/null
fi
apt-get install -y -qq "$@" >/dev/null ||
	{ echo "deps.sh: apt-get install $* failed" >&2; exit 1; }
