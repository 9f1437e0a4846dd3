#!/bin/sh
# Import from xlsx: typed cells (numbers, booleans, dates, formulas,
# errors), --sheet, stdin, and files that are no workbooks.
cd "${0%/*}" && . ../lib.sh && plan 47

new_store db
tab=$(printf '\t')
mkxlsx typed.xlsx <<EOF
Username${tab}Password${tab}Email${tab}First Name${tab}Last Name${tab}Mobile Phone${tab}Is Manager${tab}Contact No${tab}Work Phone${tab}Title
num1${tab}Sekret111${tab}num1@example.com${tab}Num${tab}One${tab}#n:79161234567${tab}#b:1${tab}#n:42${tab}#F:00000000:1234567${tab}#d:2024-03-01
num2${tab}Sekret222${tab}num2@example.com${tab}Num${tab}Two${tab}#n:79161234568${tab}#b:0${tab}#n:10000${tab}+1 (555) 010-9999${tab}#n:3.25
EOF
check_exit 0 "typed cells import" userimp import -d db typed.xlsx
check_same "numbers as exact digits, booleans as 0/1, dates as ISO" \
	"$(sql db 'select username, mobile_phone, is_manager, contact_no, work_phone, title from users order by id')" \
	"num1|79161234567|1|42|01234567|2024-03-01
num2|79161234568|0|10000|+15550109999|3.25"

mkxlsx -i inline.xlsx <<EOF
Username${tab}Password${tab}Email${tab}First Name${tab}Last Name${tab}Title
inl${tab}Sekret333${tab}inl@example.com${tab}  Padded  ${tab}Name${tab}a <b> & "c"
EOF
check_exit 0 "inline strings import" userimp import -d db inline.xlsx
check_same "text trimmed, markup characters kept" \
	"$(sql db "select first_name, title from users where username = 'inl'")" \
	'Padded|a <b> & "c"'

mkxlsx bad.xlsx <<EOF
Username${tab}Password${tab}Email${tab}First Name${tab}Last Name${tab}Contact No
err1${tab}Sekret444${tab}err1@example.com${tab}Err${tab}One${tab}#n:0
err2${tab}Sekret555${tab}err2@example.com${tab}Err${tab}Two${tab}#n:2.5
err3${tab}Sekret666${tab}err3@example.com${tab}Err${tab}Three${tab}#n:7
EOF
check_exit 1 "faulty typed cells are rejected rows" userimp import -d db bad.xlsx
check_grep -F "a fractional contact_no" "bad.xlsx:3:Contact No: " err
check_grep -F "the rows are the sheet's row numbers" "bad.xlsx: 3 rows:" err

/usr/bin/python3 - <<'PY'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Notes"
ws.append(["just", "notes"])
ws2 = wb.create_sheet("People")
ws2.append(["Username", "Password", "Email", "First Name", "Last Name", "Title"])
ws2.append(["sh1", "Sekret777", "sh1@example.com", "Sheet", "Two", "=NA()"])
ws3 = wb.create_sheet("Users")
ws3.append(["Username", "Password", "Email", "First Name", "Last Name"])
ws3.append(["sh3", "Sekret888", "sh3@example.com", "Sheet", "Three"])
wb.save("sheets.xlsx")
PY
check_exit 3 "the first sheet, not a user table, is exit 3" \
	userimp import -d db sheets.xlsx
check_grep -F "naming the unknown column" "sheets.xlsx:1:just: unknown column" err
check_exit 0 "--sheet by name" userimp import -d db --sheet Users sheets.xlsx
check_exit 0 "--sheet by position" userimp import -d db --sheet 3 sheets.xlsx
check_grep -F "again: unchanged" "0 inserted, 0 updated, 1 unchanged" err
check_exit 3 "--sheet naming no sheet is exit 3" \
	userimp import -d db --sheet Nope sheets.xlsx
check_grep -F "and names the sheets there are" "Users" err
check_exit 0 "a formula with no cached value is empty, with a warning" \
	userimp import -d db --sheet People sheets.xlsx
check_grep "the warning names the cell" '^sheets.xlsx:2:Title: warning: a formula with no saved value' err

# LibreOffice recalculates and caches the error value
soffice -env:UserInstallation=file://$PWD/lo --headless --convert-to xlsx \
	--outdir lo-out sheets.xlsx >/dev/null 2>&1
check_exit 1 "an error cell (#N/A) is a rejected cell" \
	userimp import -d db --sheet People lo-out/sheets.xlsx
check_grep -F "naming the error" "sheets.xlsx:2:Title: the cell holds the error value #N/A" err

# standard input: the format is sniffed
check_exit 0 "xlsx on stdin" sh -c 'userimp import -d db - < inline.xlsx'
check_grep -F "stdin is named -" "-: 1 row: 0 inserted, 0 updated, 1 unchanged" err
mkdir tmp
check_exit 0 "stdin leaves no copy behind" \
	sh -c 'TMPDIR=$PWD/tmp userimp import -d db - < inline.xlsx && [ -z "$(ls tmp)" ]'
printf 'Username,Title\ninl,Boss\n' > t.csv
check_exit 0 "CSV on stdin" sh -c 'userimp import -d db - < t.csv'
check_same "updated from stdin" \
	"$(sql db "select title from users where username = 'inl'")" Boss

# a pipe given by name (a FIFO, bash's <(...)) is copied like stdin
mkfifo pipe.xlsx
(cat inline.xlsx > pipe.xlsx &)
check_exit 0 "xlsx through a named pipe" \
	timeout 30 userimp import -d db pipe.xlsx
check_grep -F "read whole" "pipe.xlsx: 1 row: 0 inserted, 1 updated" err
printf 'Username,Title\ninl,Chief\n' > t2.csv
mkfifo pipe.csv
(cat t2.csv > pipe.csv &)
check_exit 0 "CSV through a named pipe" timeout 30 userimp import -d db pipe.csv
check_same "updated from the pipe" \
	"$(sql db "select title from users where username = 'inl'")" Chief
check_same "the job has the digest of the bytes that came through" \
	"$(sql db 'select sha256 from jobs order by id desc limit 1')" \
	"$(sha256sum < t2.csv | cut -c1-64)"
# no room for the copy: the message says which input it was for
TMPDIR=$PWD/nowhere check_exit 5 "stdin without a temporary folder" \
	sh -c 'userimp check -d db - < t2.csv'
check_grep -F "names standard input" \
	"cannot create a temporary file for standard input" err
mkfifo pipe2.csv
(cat t2.csv > pipe2.csv &)
TMPDIR=$PWD/nowhere check_exit 5 "a named pipe without a temporary folder" \
	timeout 30 userimp check -d db pipe2.csv
check_grep -F "names the pipe" "cannot create a temporary file for the pipe" \
	err
check_same "a named file's digest too" \
	"$(userimp import -q -d db t2.csv; sql db 'select sha256 from jobs
	    order by id desc limit 1')" "$(sha256sum < t2.csv | cut -c1-64)"

# files that are no workbooks
printf 'PK\003\004garbage' > fake.xlsx
check_exit 3 "a truncated zip is exit 3" userimp import -d db fake.xlsx
printf 'hello' > text.xlsx
check_exit 3 "text named .xlsx is exit 3" userimp import -d db text.xlsx
printf '\320\317\021\340\241\261\032\341rest' > old.xls
check_exit 3 "an OLE2 file is exit 3" userimp import -d db old.xls
check_grep -F "naming .xls and encryption" "a .xls workbook (Excel 97-2003) or an encrypted workbook" err
(mkdir odsdir && cd odsdir &&
	printf 'application/vnd.oasis.opendocument.spreadsheet' > mimetype &&
	zip -q -X ../sheet.ods mimetype && printf '<x/>' > content.xml &&
	zip -q ../sheet.ods content.xml)
check_exit 3 "an ODS file is exit 3" userimp import -d db sheet.ods
check_grep "naming ODS" '[Oo][Dd][Ss]|OpenDocument' err
check_exit 3 "a missing file is exit 3" userimp import -d db nothere.xlsx
check_grep -F "naming it" "nothere.xlsx: cannot open: No such file or directory" err
check_same "the store holds only the good users" \
	"$(sql db 'select count(*) from users')" 5

# rows whose numbers go back up the sheet (openpyxl's file, renumbered)
/usr/bin/python3 - <<'PY'
import re, zipfile
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.append(["username", "email", "first_name", "last_name", "password"])
ws.append(["ron", "ron@example.com", "Ron", "R", "RonPass77"])
ws.append(["RON", "ron2@example.com", "Ron", "S", "RonPass77"])
wb.save("order.xlsx")
for name, to in (("down.xlsx", "2"), ("back.xlsx", "1")):
    zin = zipfile.ZipFile("order.xlsx")
    zout = zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED)
    for it in zin.infolist():
        d = zin.read(it.filename)
        if it.filename == "xl/worksheets/sheet1.xml":
            d = re.sub(rb'(<row r=")3"', rb'\g<1>' + to.encode() + b'"', d)
            d = re.sub(rb'(<c r="[A-Z]+)3"', rb'\g<1>' + to.encode() + b'"', d)
        zout.writestr(it, d)
    zout.close()
PY
check_exit 3 "a row numbered as the one before it is refused" \
	userimp import -d db down.xlsx
check_grep -F "saying where" \
	'down.xlsx: xl/worksheets/sheet1.xml:1: row 2 after row 2: rows must go down the sheet' err
check_exit 3 "so is a row numbered before it" userimp import -d db back.xlsx
check_grep -F "row 1 after row 2" 'row 1 after row 2: rows must go down' err
check_same "nothing written" "$(sql db 'select count(*) from users')" 5
test_done
