#!/bin/sh
# 0900-man-lint.t: the manual pages are clean mdoc(7), every command has a
# page, and every option a page's SYNOPSIS shows is one its --help shows.
cd "${0%/*}" && . ../lib.sh && plan 2

check_exit 0 "mandoc -Tlint -Wwarning is clean" \
	mandoc -Tlint -Wwarning "$TOP"/man/*.[157]

bs=$(printf '\b')

# The options in text on stdin, one a line: -x, -xy or --long, as they
# stand after the start of a line, a space, '[' or '|'.
options() {
	grep -oE -- '(^|[[ |])--?[A-Za-z][-A-Za-z]*' | sed 's/^[[ |]//' |
	    sort -u
}

# The options of the SYNOPSIS of page $1, rendered with overstrike removed.
synopsis_options() {
	mandoc -Tascii -Owidth=1000 "$1" | sed "s/.$bs//g" |
	    sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '/^[A-Z]/d' | options
}

pages_match() {
	status=0
	found=0
	for bin in "$BUILD"/userimp "$BUILD"/userimp-*; do
		name=${bin##*/}
		case $name in
		*.*) continue ;;
		esac
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		found=$((found + 1))
		page=$TOP/man/$name.1
		if [ ! -f "$page" ]; then
			echo "# $name has no page man/$name.1"
			status=1
			continue
		fi
		"$bin" --help > help.out 2>&1
		options < help.out > help.opts
		synopsis_options "$page" > page.opts
		if [ ! -s page.opts ]; then
			echo "# man/$name.1: no options found in its SYNOPSIS"
			status=1
		fi
		while read -r o; do
			if ! grep -qxF -- "$o" help.opts; then
				echo "# man/$name.1: SYNOPSIS shows $o," \
				    "'$name --help' does not"
				status=1
			fi
		done < page.opts
	done
	if [ "$found" = 0 ]; then
		echo "# no command binaries in $BUILD"
		status=1
	fi
	return $status
}

check "every command has a page, whose SYNOPSIS options --help shows" \
	pages_match

test_done
