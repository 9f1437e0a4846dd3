#!/bin/sh
# Hostile input: a huge cell, bytes that are not UTF-8, an unterminated
# quote, a DTD, a zip bomb, duplicate parts: each a precise message, the
# right exit code, and no user written.
cd "${0%/*}" && . ../lib.sh && plan 21

new_store db
hdr='Username,Password,Email,First Name,Last Name,About me'
/usr/bin/python3 - "$hdr" <<'PY'
import sys
h = sys.argv[1]
with open("huge.csv", "w") as f:
    f.write(h + "\n")
    f.write("big,Sekret111,big@example.com,Big,Cell," + "x" * 40000 + "\n")
    f.write("ok1,Sekret222,ok1@example.com,Ok,One,fine\n")
with open("utf8.csv", "wb") as f:
    f.write(h.encode() + b"\n")
    f.write(b"bad,Sekret333,bad@example.com,B\xe9a,Bad,\n")
    f.write(b"ok2,Sekret444,ok2@example.com,Ok,Two,\n")
PY
check_exit 1 "a cell over 32767 characters is a rejected row" \
	userimp import -d db huge.csv
check_grep -F "naming row and column" "huge.csv:2:About me: longer than 32767 characters" err
check_exit 1 "a cell that is not UTF-8 is a rejected row" \
	userimp import -d db utf8.csv
check_grep -F "naming row and column" "utf8.csv:2:First Name: " err
check_grep -F "and saying what to do" "UTF-8" err
check_same "no user written under abort" "$(sql db 'select count(*) from users')" 0
check_exit 1 "with --on-error skip the good row lands" \
	userimp import -d db --on-error skip utf8.csv
check_same "only it" "$(sql db 'select username from users')" ok2
check_same "the job keeps the rejected row as valid JSON" \
	"$(sql db "select json_valid(cells) from job_rows where job_id = (select max(id) from jobs)")" 1

printf '%s\n' "$hdr" 'q1,Sekret555,q1@example.com,Quote,"Open,' 'q2,Sekret666,q2@example.com,Q,Two,' > quote.csv
check_exit 3 "an unterminated quote is exit 3" userimp import -d db quote.csv
check_grep -F "naming the line where the quote opened" "quote.csv:2: unterminated quoted field" err
check_same "a job records the failed run" \
	"$(sql db "select outcome from jobs order by id desc limit 1")" failed
sql db "select message from job_findings where job_id = (select max(id) from jobs)" > reason
check_grep -F "with the reason" "unterminated quoted field" reason

# a DTD in a part, an XML bomb
mkdir -p dtd/_rels dtd/xl/_rels dtd/xl/worksheets
cat > 'dtd/[Content_Types].xml' <<'X'
<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>
X
cat > dtd/_rels/.rels <<'X'
<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
X
cat > dtd/xl/workbook.xml <<'X'
<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>
X
cat > dtd/xl/_rels/workbook.xml.rels <<'X'
<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
X
cat > dtd/xl/worksheets/sheet1.xml <<'X'
<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>
X
(cd dtd && zip -q -r ../dtd.xlsx '[Content_Types].xml' _rels xl)
check_exit 3 "a DTD (external entity) is refused: exit 3" userimp import -d db dtd.xlsx
check_grep -F "naming the part" "xl/worksheets/sheet1.xml" err
check_nogrep "nothing of /etc/passwd is read" "root:" err
check_exit 3 "the billion-laughs file is refused" \
	timeout 20 userimp import -d db "$CORPUS/poi/poc-xmlbomb.xlsx"
check_exit 3 "duplicate part names are refused" \
	userimp import -d db "$CORPUS/poi/duplicate-filename.xlsx"
check_exit 3 "as are part names equal but for case" \
	userimp import -d db "$CORPUS/poi/duplicate-filename-case-insensitive.xlsx"
head -c 200000 /dev/zero | tr '\0' 'a' > bomb.txt
(mkdir -p bombdir && cd bombdir && for i in 1 2 3 4 5 6 7 8 9 10; do cat ../bomb.txt; done > big && zip -q -9 ../bomb.zip big)
check_exit 3 "a zip that is no workbook is exit 3" userimp import -d db bomb.zip
check_same "after all that: one user, integrity ok" \
	"$(sql db 'select count(*) from users'; sql db 'pragma integrity_check')" "1
ok"
test_done
