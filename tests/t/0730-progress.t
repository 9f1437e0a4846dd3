#!/bin/sh
# The progress bar and colour: drawn on a terminal (script(1) gives the
# command one), never when stderr is a pipe, nor with -q or --json;
# NO_COLOR honoured.  Nothing here depends on timing: the bar is drawn on
# the first call and on each new phase, throttled only in between.
cd "${0%/*}" && . ../lib.sh && plan 29

# on_tty OUT CMD: run the shell command CMD under script(1), so that its
# stdin, stdout and stderr are a terminal; what the terminal got goes
# to OUT, the exit status is CMD's
on_tty() {
	_out=$1
	shift
	TERM=xterm script -qfec "$*" /dev/null > "$_out" < /dev/null
}

# has FILE PERL-REGEX: whether the bytes of FILE match
has() {
	perl -0777 -ne 'BEGIN { $re = shift } exit(!/$re/)' "$2" "$1"
}

awk 'BEGIN {
	print "Username,Password,Email,First Name,Last Name"
	for (i = 1; i <= 5000; i++)
		printf "u%05d,Secret%05dx,u%05d@example.com,Ann,Lee\n", i, i, i
}' > big.csv
new_store db
new_store db2

on_tty tty.out "userimp import -d db big.csv"
check_same "import under a terminal exits 0" "$?" 0
check "the bar shows percent, bar and rows after a carriage return" \
	has tty.out '\rbig\.csv +\d+% \[[#.]{10}\] \d+ rows'
check "the hashing is shown" \
	has tty.out '\rbig\.csv [^\r]* rows .*hashing (\d+ )?passwords'
check "the commit is shown" has tty.out '\rbig\.csv +writing 4096/5000'
check "the bar is erased before the summary" \
	has tty.out '\r\033\[Kbig\.csv: 5000 rows: 5000 inserted'
check_same "the users landed" "$(sql db 'select count(*) from users')" 5000

check_exit 0 "piped, the import runs" userimp import -d db2 big.csv
check_grep -F "piped: the summary" "big.csv: 5000 rows: 5000 inserted" err
check_nogrep "piped: no escape sequence" "$(printf '\033')" err
check_nogrep "piped: no carriage return" "$(printf '\r')" err

on_tty tty.out "userimp check -d db big.csv"
check_same "check under a terminal exits 0" "$?" 0
check "check shows the bar too" \
	has tty.out '\rbig\.csv +\d+% \[[#.]+\] \d+ rows'

on_tty tty.out "userimp check -q -d db big.csv"
check "-q: no bar" eval '! has tty.out "rows|\033\\[K"'
on_tty tty.out "userimp check --json -d db big.csv"
check "--json: no bar" eval '! has tty.out "\033\\[K"'
check "--json: the document is whole" has tty.out '"summary"'
on_tty tty.out "userimp check --no-progress -d db big.csv"
check "--no-progress: no bar" eval '! has tty.out "\033\\[K"'
on_tty tty.out "TERM=dumb userimp check -d db big.csv"
check "TERM=dumb: no bar" eval '! has tty.out "\033\\[K"'
check_exit 0 "--progress forces the bar on a pipe" \
	userimp check --progress -d db big.csv
check "so it is there" has err '\rbig\.csv +\d+% \['

# stdin copied to a file counts its bytes the same
on_tty tty.out "userimp check -d db - < big.csv"
check "stdin: the bar has a percent" \
	has tty.out '\rstdin +\d+% \[[#.]+\] \d+ rows'

# xlsx: the bytes of the sheet part, as inflated
awk 'BEGIN { OFS = "\t"
	print "Username", "Password", "Email", "First Name", "Last Name"
	for (i = 1; i <= 3000; i++)
		print "x" i, "Secret" i "x", "x" i "@example.com", "Bo", "Yu"
}' | tsv big.xlsx
on_tty tty.out "userimp check -d db big.xlsx"
check_same "check of an xlsx under a terminal exits 0" "$?" 0
check "xlsx: the bar has a percent" \
	has tty.out '\rbig\.xlsx +\d+% \[[#.]{10}\] \d+ rows'

# colour in findings
printf '%s\n' 'Username,Password,Email,First Name,Last Name,Shoe Size' \
	'ann,short,ann@example.com,Ann,Lee,42' > bad.csv
on_tty tty.out "NO_COLOR=1 userimp check -d db --ignore-unknown bad.csv"
check_same "a bad file under a terminal exits 1" "$?" 1
check "NO_COLOR: the finding is there" \
	has tty.out 'bad\.csv:2:Password: '
check "NO_COLOR: no colour code" eval '! has tty.out "\033\\[[0-9;]*m"'
on_tty tty.out "NO_COLOR= userimp check -d db --ignore-unknown bad.csv"
check "an error's place in red" \
	has tty.out '\033\[1;31mbad\.csv:2:Password\033\[m: '
check "a warning in yellow" \
	has tty.out 'bad\.csv:1:Shoe Size: \033\[33mwarning\033\[m: unknown'
check_exit 1 "piped, the same check" \
	userimp check -d db --ignore-unknown bad.csv
check_nogrep "piped: no colour" "$(printf '\033')" err
test_done
