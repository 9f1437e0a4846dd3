#!/bin/sh
# Files and secrets: modes under any umask, outputs that are symlinks
# replaced rather than followed, no secret on a command line.
cd "${0%/*}" && . ../lib.sh && plan 12

printf 'Username,Password,Email,First Name,Last Name\n%s\n' \
	'ann,Sekret111,ann@example.com,Ann,Lee' > ann.csv
for m in 000 022 077; do
	(umask $m && new_store db$m && userimp import -q -d db$m ann.csv)
	check_same "umask $m: the store is created 0600" "$(stat -c %a db$m)" 600
done
(umask 000 && userimp export -q -d db022 --with-hashes -o hashes.csv)
check_same "umask 000: an export with hashes is 0600" "$(stat -c %a hashes.csv)" 600
(umask 000 && userimp export -q -d db022 -o plain.csv)
check_same "umask 000: a plain export follows the umask" "$(stat -c %a plain.csv)" 666
(umask 077 && userimp export -q -d db022 -o tight.csv)
check_same "umask 077: a plain export follows the umask" "$(stat -c %a tight.csv)" 600

# an output path that is a symlink: replaced, never written through
printf 'keep me\n' > target
ln -s target link.csv
check_exit 2 "a symlink counts as an existing file" userimp export -d db022 -o link.csv
check_exit 0 "with --force it is replaced" userimp export -d db022 -o link.csv --force
check_same "the file it pointed at is untouched" "$(cat target)" "keep me"
check "the path is now a regular file" test -f link.csv -a ! -L link.csv
ln -s target tlink.xlsx
check_exit 0 "the template too" userimp template -o tlink.xlsx --force
check_same "leaves what the link pointed at alone" "$(cat target)" "keep me"
test_done
