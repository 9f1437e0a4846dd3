#!/bin/sh
# Import of CSV files in other encodings: Windows-1251 with ';' (a
# Russian-locale spreadsheet's CSV) through --encoding, UTF-16 "Unicode
# text" found by its BOM; each lands as its UTF-8 twin does.  Then what
# goes wrong: unknown names, bytes the encoding does not hold, odd and
# empty UTF-16 files, a huge UTF-16 line, --encoding on xlsx, stdin.
cd "${0%/*}" && . ../lib.sh && plan 45

cols='username, email, first_name, last_name, title'
users() {
	sql "$1" "select $cols from users order by username"
}
for db in u8 cp lo u16 u16in all8; do
	new_store $db.db
done

# the twins: no value holds a comma, so ',' becomes ';' or a tab as is
cat > cyr.csv <<'EOF'
Username,Password,Email,First Name,Last Name,Title
ivan,Sekret111,ivan@example.com,Иван,Петров,Инженер
yulia,Sekret222,yulia@example.com,Юлия,Щукина-Ёлкина,"Глава ""отдела"""
EOF
cat > all.csv <<'EOF'
Username,Password,Email,First Name,Last Name,Title
ivan,Sekret111,ivan@example.com,Иван,Петров,Инженер
yulia,Sekret222,yulia@example.com,Юлия,Щукина-Ёлкина,"Глава ""отдела"""
wang,Sekret333,wang@example.com,芳,王,工程师
jose,Sekret444,jose@example.com,José,Núñez,Señor
francois,Sekret555,francois@example.com,François,Müller-Ørsted,Chef d'équipe
EOF
sed 's/,/;/g; s/$/\r/' cyr.csv | iconv -f UTF-8 -t WINDOWS-1251 > cyr-1251.csv
{ printf '\357\273\277'; sed 's/,/\t/g; s/$/\r/' all.csv; } |
	iconv -f UTF-8 -t UTF-16LE > all-16.txt
check_same "the twins are what they should be: 1251 bytes, a UTF-16LE BOM" \
	"$(od -An -tx1 -N4 all-16.txt; head -c 10 cyr-1251.csv; echo
	grep -c "$(printf '\310\342\340\355;')" cyr-1251.csv
	grep -c "$(printf '\r')\$" cyr-1251.csv)" \
	" ff fe 55 00
Username;P
1
3"

check_exit 0 "the UTF-8 Cyrillic file imports" userimp import -d u8.db cyr.csv
check_same "as written" "$(users u8.db)" \
"ivan|ivan@example.com|Иван|Петров|Инженер
yulia|yulia@example.com|Юлия|Щукина-Ёлкина|Глава \"отдела\""
check_exit 0 "its Windows-1251 twin with ; and CR LF imports with --encoding" \
	userimp import -d cp.db --encoding windows-1251 cyr-1251.csv
check_grep -F "all its rows" "cyr-1251.csv: 2 rows: 2 inserted" err
check_same "to the same users" "$(users cp.db)" "$(users u8.db)"
check_exit 0 "check takes --encoding too" \
	userimp check -d cp.db --encoding CP1251 cyr-1251.csv
check_grep -F "and finds the rows unchanged" "2 unchanged, 0 rejected" err

# LibreOffice's own Windows-1251 CSV: every text quoted, LF
if command -v soffice >/dev/null 2>&1 &&
    soffice -env:UserInstallation=file://$PWD/lo --headless \
    --infilter='CSV:44,34,76,1' \
    --convert-to 'csv:Text - txt - csv (StarCalc):59,34,34,1' \
    --outdir lo-out cyr.csv >/dev/null 2>&1 && [ -s lo-out/cyr.csv ]; then
	check_same "LibreOffice wrote Windows-1251 with ;" \
		"$(head -c 12 lo-out/cyr.csv)$(iconv -f WINDOWS-1251 -t UTF-8 lo-out/cyr.csv | grep -c '"Щукина-Ёлкина";')" \
		'"Username";"1'
	check_exit 0 "LibreOffice's Windows-1251 CSV imports with --encoding" \
		userimp import -d lo.db --encoding WINDOWS-1251 lo-out/cyr.csv
	check_same "to the same users" "$(users lo.db)" "$(users u8.db)"
else
	pass "# SKIP no LibreOffice"
	pass "# SKIP no LibreOffice"
	pass "# SKIP no LibreOffice"
fi

check_exit 0 "the UTF-8 file of all scripts imports" \
	userimp import -d all8.db all.csv
check_same "as written" "$(users all8.db)" \
"francois|francois@example.com|François|Müller-Ørsted|Chef d'équipe
ivan|ivan@example.com|Иван|Петров|Инженер
jose|jose@example.com|José|Núñez|Señor
wang|wang@example.com|芳|王|工程师
yulia|yulia@example.com|Юлия|Щукина-Ёлкина|Глава \"отдела\""
check_exit 0 "its UTF-16 twin (\"Unicode text\": BOM, tabs) imports as is" \
	userimp import -d u16.db all-16.txt
check_same "to the same users" "$(users u16.db)" "$(users all8.db)"
check_exit 0 "UTF-16 on standard input" \
	sh -c 'userimp import -d u16in.db - < all-16.txt'
check_grep -F "all its rows" "-: 5 rows: 5 inserted" err
check_same "the same users again" "$(users u16in.db)" "$(users all8.db)"

# names iconv does not know; --encoding where it has no place
check_exit 2 "an unknown encoding is a usage error" \
	userimp import -d none.db --encoding KLINGON-8 all.csv
check_grep -F "naming it" "--encoding 'KLINGON-8': expected an encoding iconv knows" err
check "and no store is made" test ! -e none.db
check_exit 2 "an empty name is none either (check)" userimp check -d u8.db --encoding '' cyr.csv
tab=$(printf '\t')
mkxlsx book.xlsx <<EOF
Username${tab}Title
ivan${tab}Boss
EOF
check_exit 2 "--encoding with an xlsx file is a usage error" \
	userimp import -d u8.db --encoding windows-1251 book.xlsx
check_grep -F "saying why" "book.xlsx: --encoding windows-1251 is for CSV files: an xlsx workbook is always Unicode" err
check_exit 2 "also when xlsx comes on stdin" \
	sh -c 'userimp import -d u8.db --encoding cp1251 - < book.xlsx'
check_same "nothing changed" "$(users u8.db)" "$(users cp.db)"

# a byte Windows-1251 leaves undefined (0x98), on the line after a
# quoted line break: its row rejected, at the file's own line
{
	printf 'Username;Password;Email;First Name;Last Name;Address\r\n'
	printf 'olga;Sekret666;olga@example.com;Ольга;Орлова;"ул. Ленина\r\nдом 1"\r\n' |
		iconv -f UTF-8 -t WINDOWS-1251
	printf 'petr;Sekret777;petr@example.com;П' | iconv -f UTF-8 -t WINDOWS-1251
	printf '\230'
	printf 'тр;Сидоров;\r\n' | iconv -f UTF-8 -t WINDOWS-1251
} > bad-1251.csv
check_exit 1 "a byte not valid in the encoding rejects its row" \
	userimp import -d cp.db --encoding windows-1251 bad-1251.csv
check_grep "naming the row (line 4), the column and the encoding" \
	"^bad-1251.csv:4:First Name: not valid windows-1251: .*--encoding" err
check_same "no user written under abort" \
	"$(sql cp.db "select count(*) from users where username in ('olga', 'petr')")" 0
check_exit 1 "with --on-error skip the good row lands" \
	userimp import -d cp.db --on-error skip --encoding windows-1251 bad-1251.csv
check_same "converted" \
	"$(sql cp.db "select first_name, last_name from users where username in ('olga', 'petr')")" \
	'Ольга|Орлова'
check_exit 1 "without --encoding its cells are not UTF-8" \
	userimp check -d cp.db bad-1251.csv
check_grep -F "and the message says how to fix that" \
	"bad-1251.csv:2:First Name: not valid UTF-8: save the file as UTF-8, or give --encoding (e.g. --encoding windows-1251)" err

# UTF-16 gone wrong: an odd byte at the end, a BOM only, no BOM
head -c -4 all-16.txt > odd.txt
printf 'x' >> odd.txt
check_exit 1 "UTF-16 with an odd byte at the end rejects the last row" \
	userimp check -d u16.db odd.txt
check_grep -F "naming its last cell" "odd.txt:6:Title: not valid UTF-16: " err
check_grep -F "the other rows are fine" "4 unchanged, 1 rejected" err
printf '\377\376' > empty.txt
check_exit 3 "a UTF-16 file of a BOM only has no header row" \
	userimp import -d u16.db empty.txt
check_grep -F "saying so" "empty.txt: no header row" err
tail -c +3 all-16.txt > nobom.txt
check_exit 3 "UTF-16 without its BOM needs --encoding" \
	userimp check -d u16.db nobom.txt
check_grep -F "which the message names" "give --encoding UTF-16LE" err
check_exit 0 "and reads with it" \
	userimp check -d u16.db --encoding UTF-16LE nobom.txt

# lines longer than the 64 KiB blocks: over the cell limit, over the
# field's (about_me: 2000 characters)
long() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}
{
	printf '\357\273\277Username\tPassword\tEmail\tFirst Name\tLast Name\tAbout me\r\n'
	printf 'big\tSekret888\tbig@example.com\tБольшой\tРяд\t%s\r\n' "$(long 40000 Ж)"
	printf 'long\tSekret999\tlong@example.com\tДлинный\tРяд\t%s\r\n' "$(long 30000 Ж)"
	printf 'after\tSekret000\tafter@example.com\tПосле\tНих\t\r\n'
} | iconv -f UTF-8 -t UTF-16LE > huge.txt
check_exit 1 "a huge UTF-16 line: the cell over 32767 characters is rejected" \
	userimp import -d u16.db --on-error skip huge.txt
check_grep -F "at its row" "huge.txt:2:About me: longer than 32767 characters" err
check_grep -F "the next long line read whole, at its row" \
	"huge.txt:3:About me: longer than 2000 characters (30000)" err
check_same "the row after them lands" \
	"$(sql u16.db "select username, last_name from users where username in ('big', 'long', 'after')")" \
	"after|Них"

test_done
