#!/bin/sh
# The EXAMPLES of the manual pages run: every "$ " command of each page,
# in a folder of its own holding the files they name, exits 0.  Network
# commands are left out; /var/lib paths become the folder's store.
cd "${0%/*}" && . ../lib.sh
pages="userimp.1 userimp-import.1 userimp-check.1 userimp-config.1
    userimp-template.1 userimp-export.1 userimp-jobs.1 userimp-user.1
    userimp-groups.1 userimp-labels.1 userimp-fields.1"
plan 22

# The commands of page $1's EXAMPLES, one a line, continuations joined.
examples() {
	awk '
	/^\.Sh / { on = ($2 == "EXAMPLES"); next }
	!on { next }
	cont { line = line " " $0 }
	!cont && /^\$ / { line = substr($0, 3) }
	!cont && !/^\$ / { next }
	{
		cont = sub(/ *\\e$/, "", line)
		if (!cont) print line
	}' "$TOP/man/$1" | sed 's/\\(aq/'"'"'/g; s/\\e/\\/g' |
	    grep -v -e curl -e '^export ' |
	    sed 's|/var/lib/userimp/users.db|userimp.db|g'
}

# The files the examples of page $1 name.  The pages of template and export
# write users.xlsx and users.csv, and export's have the example users to
# write.
fixtures() {
	case $1 in
	userimp-template.1|userimp-export.1) ;;
	*)
		cp "$TOP"/examples/users.xlsx users.xlsx
		cp "$TOP"/examples/users.csv users.csv
		;;
	esac
	cp "$TOP"/examples/users.csv new.csv
	printf 'username,title\nivan.petrov,Chief Engineer\n' > changes.csv
	printf 'Login,Password,E-Mail Address,First Name,Last Name\n%s\n' \
	    'newbie,Sekret123,newbie@example.com,New,Bie' > export.csv
	printf 'Username\tPassword\nivan.petrov\tNewPass2025\n' |
	    mkxlsx resets.xlsx
	new_store userimp.db
	case $1 in
	userimp-export.1|userimp-jobs.1|userimp-user.1)
		userimp import -q "$TOP"/examples/users.xlsx
		;;
	esac
}

for page in $pages; do
	mkdir "$page" && (
		cd "$page" || exit 1
		fixtures "$page"
		examples "$page" > commands
		[ -s commands ] || { echo "no examples" > failed; exit 1; }
		while IFS= read -r cmd; do
			sh -c "$cmd" > /dev/null 2> err || echo "$cmd" >> failed
		done < commands
	)
	check "man/$page: its examples were found" test -s "$page/commands"
	check_same "man/$page: every example exits 0" \
	    "$(cat "$page/failed" 2>/dev/null)" ""
done
test_done
