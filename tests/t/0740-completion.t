#!/bin/sh
# Bash completion (cmd/userimp.bash): commands from the exec path, each
# command's options and their values from its --help, table files,
# subcommands, settings; make install puts it where bash-completion looks.
cd "${0%/*}" && . ../lib.sh && plan 31

# comp WORD...: what the completion offers for the last WORD, sorted, on
# one line
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_userimp; printf "%s\n" "${COMPREPLY[@]}"' \
	    comp "$TOP/cmd/userimp.bash" "$@" | sort | tr '\n' ' ' |
	    sed 's/ $//'
}

check "bash reads the script" bash -n "$TOP/cmd/userimp.bash"
cmds=" $(comp userimp '') "
for c in import check config template export jobs; do
	case $cmds in
	*" $c "*) pass "the commands offer $c" ;;
	*) fail "the commands offer $c"; echo "# got:$cmds" ;;
	esac
done
check_same "a prefix picks one" "$(comp userimp ex)" "export"
check_same "front options" "$(comp userimp --)" "--help --version"
mkdir fake
cat > fake/userimp-groups <<'EOF'
#!/bin/sh
cat <<'USAGE'
usage: userimp groups [-q] [-d db] [--type region|city|team] [--json] list
       userimp groups [-d db] add | remove [--parent name|n] type name
USAGE
EOF
chmod +x fake/userimp-groups
touch fake/userimp-labels.o
check_same "commands are the programs in the exec path" \
	"$(USERIMP_EXEC_PATH=$PWD/fake comp userimp '')" "groups"
check_same "subcommands from the usage lines" \
	"$(USERIMP_EXEC_PATH=$PWD/fake comp userimp groups '')" \
	"add list remove"
check_same "values from the usage lines" \
	"$(USERIMP_EXEC_PATH=$PWD/fake comp userimp groups --type '')" \
	"city region team"

check_same "options from --help" "$(comp userimp import --m)" \
	"--map --max-changes --mode --must-change"
check_same "the shared long options" "$(comp userimp template --d)" "--db"
check_same "--mode values" "$(comp userimp import --mode '')" \
	"insert update upsert"
check_same "--mode=value, as bash splits it" \
	"$(comp userimp import --mode = in)" "insert"
check_same "--on-error values" "$(comp userimp import --on-error '')" \
	"abort skip"
check_same "--empty values" "$(comp userimp check --empty '')" "clear keep"
check_same "export --format values" "$(comp userimp export --format '')" \
	"csv json jsonl xlsx"
check_same "template --format values" \
	"$(comp userimp template --format '')" "csv xlsx"
check_same "placeholders are no values" "$(comp userimp import --sheet '')$(
	comp userimp import --max-changes '')" ""

mkdir sub
touch a.xlsx b.CSV c.tsv d.pdf e.txt
check_same "import: table files and folders" "$(comp userimp import '')" \
	"a.xlsx b.CSV c.tsv e.txt fake sub"
check_same "after an option with a value" \
	"$(comp userimp check --mode update a)" "a.xlsx"
check_same "one file only" "$(comp userimp import a.xlsx '')" ""
check_same "jobs subcommands" "$(comp userimp jobs s)" "show"

new_store db
check_same "config keys of the store -d names" \
	"$(comp userimp config -d db argon2.)" \
	"argon2.m_cost argon2.parallelism argon2.t_cost"
check_same "a key's value" "$(comp userimp config -d db argon2.m_cost '')" 64

check_exit 0 "make install" make -s -C "$TOP" BUILD="$BUILD" \
	DESTDIR="$PWD/inst" PREFIX=/usr install
check_grep -F "installs it with the exec path" "/usr/libexec/userimp}" \
	inst/usr/share/bash-completion/completions/userimp
check_exit 0 "make uninstall" make -s -C "$TOP" BUILD="$BUILD" \
	DESTDIR="$PWD/inst" PREFIX=/usr uninstall
check "removes it" test ! -e inst/usr/share/bash-completion/completions/userimp
test_done
