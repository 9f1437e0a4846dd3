#!/bin/sh
# One fault per row: every fault reported by row and column, exit 1, no user
# written under --on-error abort; --on-error skip lands the good rows.
cd "${0%/*}" && . ../lib.sh && plan 30

new_store db
printf '%s\n' \
	'Username,Password,Email,First Name,Last Name,Contact No,Is Manager,Status,Mobile Phone' \
	'good1,Sekret111,good1@example.com,Good,One,5,1,active,+7 916 000-00-01' \
	'bademail,Sekret222,not-an-email,Bad,Email,,,,' \
	'waytoolongusernamewaytoolongusernamewaytoolongusern,Sekret333,long@example.com,Long,Name,,,,' \
	'shortpw,abc1,short@example.com,Short,Password,,,,' \
	'nolast,Sekret444,nolast@example.com,No,,,,,' \
	'range,Sekret555,range@example.com,Contact,Range,10001,,,' \
	'flag,Sekret666,flag@example.com,Flag,Two,,2,,' \
	'status,Sekret777,status@example.com,Status,Unknown,,,gone,' \
	'phone,Sekret888,phone@example.com,Phone,Short,,,,1234' \
	'caseemail,Sekret999,GOOD1@Example.com,Case,Email,,,,' \
	'GOOD1,Sekret000,other@example.com,Repeated,User,,,,' \
	'good2,Sekret121,good2@example.com,Good,Two,,0,blocked,' > faults.csv

check_exit 1 "a file with faults exits 1" userimp import -d db faults.csv
check_grep -F "bad email: row and column" "faults.csv:3:Email: " err
check_grep -F "long username: row and column" "faults.csv:4:Username: " err
check_grep "long username: says the limit" 'faults.csv:4:Username: .*50' err
check_grep -F "short password: row and column" "faults.csv:5:Password: " err
check_grep -F "missing last name: row and column" "faults.csv:6:Last Name: " err
check_grep -F "contact_no out of range" "faults.csv:7:Contact No: " err
check_grep -F "a flag of 2" "faults.csv:8:Is Manager: " err
check_grep -F "an unknown status" "faults.csv:9:Status: " err
check_grep -F "a phone of four digits" "faults.csv:10:Mobile Phone: " err
check_grep "an email repeated in other case names row 2" \
	'faults.csv:11:Email: .*row 2' err
check_grep "a repeated username names row 2" \
	'faults.csv:12:Username: .*row 2' err
check_same "one line per fault, and the summary" "$(wc -l < err)" 11
check_grep -F "the summary says aborted" \
	"faults.csv: 12 rows: 0 inserted, 0 updated, 0 unchanged, 10 rejected; aborted, no user written (job 1)" err
check_same "no user was written" "$(sql db 'select count(*) from users')" 0
check_same "the aborted job is recorded" \
	"$(sql db 'select outcome, rows, rejected from jobs')" "aborted|12|10"
check_same "its findings are kept" \
	"$(sql db 'select count(*) from job_findings where job_id = 1')" 10
check_nogrep "the short password is not in stderr" abc1 err

check_exit 1 "--on-error skip exits 1 too" \
	userimp import -d db --on-error skip faults.csv
check_grep -F "skip: the summary" \
	"faults.csv: 12 rows: 2 inserted, 0 updated, 0 unchanged, 10 rejected (job 2)" err
check_same "skip: the good rows landed" \
	"$(sql db 'select username, mobile_phone, is_manager, status, contact_no from users order by id')" \
	"good1|+79160000001|1|active|5
good2||0|blocked|10000"
check_same "skip: the job is partial" \
	"$(sql db 'select outcome, inserted, rejected from jobs where id = 2')" "partial|2|10"
check_same "skip: the rejected rows are in the job" \
	"$(sql db 'select group_concat(row) from (select row from job_rows where job_id = 2 order by row)')" \
	"3,4,5,6,7,8,9,10,11,12"
check_grep -F "skip: a rejected row keeps its cells" \
	'"Email":"not-an-email"' "$(sql db "select cells from job_rows where job_id = 2 and row = 3" > rows; echo rows)"
sql db 'select cells from job_rows' > cells
sql db 'select message from job_findings' > findings
for pw in Sekret222 Sekret333 abc1 Sekret444 Sekret000; do
	grep -qF "$pw" cells findings && echo "found $pw"
done > leaked
check_same "no password is kept in the job record" "$(cat leaked)" ""
check_nogrep "no password column in the job rows" '"Password":' cells
check "the store file holds no plaintext password" \
	sh -c '! grep -qaF Sekret111 db && ! grep -qaF Sekret121 db'
check_same "integrity" "$(sql db 'pragma integrity_check')" ok

# row numbers of CSV are the lines on which records start
new_store db2
printf 'Username,Password,Email,First Name,Last Name,About me\n%s\n%s\n' \
	'multi,Sekret111,multi@example.com,Multi,Line,"two' \
	'lines",' > multi.csv
printf '%s\n' 'bad,x,bad@example.com,Bad,Row,' >> multi.csv
check_exit 1 "a quoted line break keeps line numbers" \
	userimp import -d db2 multi.csv
check_grep -F "the record after a two-line record is line 4" \
	"multi.csv:4:Password: " err
test_done
