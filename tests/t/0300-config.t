#!/bin/sh
# userimp config: show, get and set settings, each checked.
cd "${0%/*}" && . ../lib.sh && plan 34

check_exit 0 "config on a missing store shows the defaults" userimp config -d db
check_same "every setting with its default" "$(cat out)" \
"password.min_length=8
password.max_length=100
password.require_letter=1
password.require_digit=1
password.allow_space=0
argon2.t_cost=2
argon2.m_cost=19456
argon2.parallelism=1
import.locked_fields=
import.key_memory=8192
new_user.status=active
new_user.is_manager=0
new_user.must_change_password=0
new_user.contact_no=10000
invite.from=
invite.sendmail=/usr/sbin/sendmail"
check "and creates no store" test ! -e db
check_exit 0 "set a setting" userimp config -d db password.min_length 12
check_same "the store is created 0600" "$(stat -c %a db)" 600
check_exit 0 "get it" userimp config -d db password.min_length
check_same "it reads back" "$(cat out)" 12
check_exit 2 "an unknown key is a usage error" userimp config -d db password.colour
check_grep -F "naming it" "password.colour: no such setting" err
check_exit 2 "a value out of range" userimp config -d db argon2.t_cost 0
check_grep -F "saying what is allowed" "expected a whole number from 1 to 64" err
check_exit 2 "a value that is no number" userimp config -d db argon2.m_cost lots
check_exit 2 "min_length above max_length is refused" \
	userimp config -d db password.min_length 200
check_grep -F "saying why" "must not exceed password.max_length" err
check_same "and nothing changed" "$(userimp config -d db password.min_length)" 12
check_exit 0 "a cost below OWASP's minimum is taken" userimp config -d db argon2.m_cost 1024
check_grep -F "with a warning" "warning: the argon2id cost is below OWASP's minimum" err
check_exit 2 "locked fields must be fields" userimp config -d db import.locked_fields email,shoe
check_exit 0 "locked fields" userimp config -d db import.locked_fields email,last_name
check_exit 2 "the sender must be an address" userimp config -d db invite.from it-desk
check_grep -F "saying what is allowed" "invite.from: expected an email address" err
check_exit 0 "a sender address" userimp config -d db invite.from it@example.com
check_exit 0 "the default sender again" userimp config -d db invite.from ''
check_exit 2 "sendmail must be an absolute path" userimp config -d db invite.sendmail sendmail
check_grep -F "saying what is allowed" "invite.sendmail: expected an absolute path" err
check_exit 0 "a sendmail path" userimp config -d db invite.sendmail /usr/lib/sendmail
check_same "it reads back" "$(userimp config -d db invite.sendmail)" /usr/lib/sendmail
check_exit 0 "--json" userimp config -d db --json
check "is one JSON object" /usr/bin/python3 -c '
import json
d = json.load(open("out"))
assert d["password.min_length"] == "12" and d["import.locked_fields"] == "email,last_name", d'
check_exit 0 "-v describes each setting" userimp config -d db -v
check_grep -F "with its meaning" "argon2.m_cost=1024	# argon2id memory in KiB" out

# the policy applies to imports
printf '%s\n' 'Username,Password,Email,First Name,Last Name' \
	'ann,Short1pass,ann@example.com,Ann,Lee' > ann.csv
check_exit 1 "a password under the new minimum is rejected" \
	userimp check -d db ann.csv
check_exit 0 "--json when setting a value" \
	userimp config -d db --json argon2.t_cost 1
check_same "one object with the warning, nothing on stderr" \
	"$(/usr/bin/python3 -c 'import json; d = json.load(open("out"))
print(d["key"], d["value"], "OWASP" in d["warning"])'; cat err)" \
	"argon2.t_cost 1 True"
test_done
