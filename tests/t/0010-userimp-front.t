#!/bin/sh
# The front command: help, version, dispatch, unknown commands.
cd "${0%/*}" && . ../lib.sh && plan 11

check_exit 0 "--help exits 0" userimp --help
check_grep "--help lists import" '^ +import ' out
check_exit 0 "--version exits 0" userimp --version
check_grep "--version prints the version" '^userimp [0-9]+\.[0-9]+' out
check_exit 2 "an unknown command exits 2" userimp frobnicate
check_grep -F "an unknown command is named" \
	"userimp: 'frobnicate' is not a userimp command; see 'userimp --help'" err
check_exit 2 "a command name outside [a-z] exits 2" userimp ../bin/sh
check_exit 2 "no command exits 2" userimp
check_exit 0 "userimp config runs userimp-config" userimp config -d none.db
check_exit 0 "userimp-import --help works on its own" userimp-import --help
check_exit 2 "an unknown option exits 2" userimp import --frob x.csv
test_done
