#!/bin/sh
# userimp template as xlsx, read by openpyxl and LibreOffice: sheets,
# headers, notes, validations, text columns, frozen header, instructions,
# and the password rule from the store's policy.
cd "${0%/*}" && . ../lib.sh && plan 31

# the headers a template has, in order, and the required ones; then,
# without a store, the seeded group types and the labels
fields='Username*,Password*,Email*,First Name*,Last Name*,Company,Title,'\
'Department,About Me,Whatsapp,Work Phone,Mobile Phone,Fax,Website,Address,'\
'Is Manager,Manager Email,Status,Must Change Password,Contact No'
headers="$fields,Region,City,Role,Position,Team,Appointment,Labels"

# py SCRIPT: run SCRIPT with ws = sheet Users and ins = sheet
# Instructions of t.xlsx loaded, and col(header) the letter of a column
py() {
	/usr/bin/python3 -c '
import sys, openpyxl
from openpyxl.utils import get_column_letter
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Users"]
ins = wb["Instructions"]
heads = [c.value for c in ws[1]]
def col(h):
	return get_column_letter(heads.index(h) + 1)
required = ["Username*", "Password*", "Email*", "First Name*", "Last Name*"]
'"$2" "$1"
}

check_exit 0 "userimp template -o t.xlsx" userimp template -o t.xlsx
check "it is an xlsx file (zip)" unzip -tqq t.xlsx
check_same "sheets Users and Instructions" \
	"$(py t.xlsx 'print(" ".join(wb.sheetnames))')" "Users Instructions"
check_same "one header row of the canonical headers" \
	"$(py t.xlsx 'print(",".join(heads)); print(ws.max_row)')" "$headers
1"
check "* on exactly username, password, email, first_name, last_name" \
	py t.xlsx '
assert [h for h in heads if h.endswith("*")] == required, heads'
check "required headers bold on their own fill, the others bold" py t.xlsx '
req = {ws[col(h) + "1"].fill.fgColor.rgb for h in required}
opt = {ws[col(h) + "1"].fill.fgColor.rgb for h in heads if h not in required}
assert len(req) == 1 and len(opt) == 1 and req != opt, (req, opt)
assert all(c.font.b for c in ws[1])'
check "a note on every header cell, with its rule; the fields' an example" \
	py t.xlsx '
for c in ws[1]:
	assert c.comment is not None and len(c.comment.text) > 20, c
	assert heads.index(c.value) >= 20 or "Example: " in c.comment.text, c
assert "none exists yet" in ws[col("Region") + "1"].comment.text
assert "Example" not in ws[col("Region") + "1"].comment.text
assert "Example: jsmith@example.com" in ws[col("Email*") + "1"].comment.text'
check "list validations 0,1 and active,blocked, whole 1-10000" py t.xlsx '
got = {}
for dv in ws.data_validations.dataValidation:
	got[str(dv.sqref)] = (dv.type, dv.formula1, dv.formula2)
want = {}
for h in ("Is Manager", "Must Change Password"):
	want[col(h) + "2:" + col(h) + "1048576"] = ("list", "\"0,1\"", None)
want[col("Status") + "2:" + col("Status") + "1048576"] = \
	("list", "\"active,blocked\"", None)
want[col("Contact No") + "2:" + col("Contact No") + "1048576"] = \
	("whole", "1", "10000")
assert got == want, (got, want)'
check "the whole-number validation has an error message" py t.xlsx '
dv = [d for d in ws.data_validations.dataValidation if d.type == "whole"][0]
assert dv.showErrorMessage and "1 to 10000" in dv.error, dv.error'
# openpyxl shows a column format as column_dimensions[letter].number_format
# (the <col style=...> of the sheet); a cell below the header does not
# exist, so its number_format says General
check "text format @ on username, the phone, group and label columns" py t.xlsx '
for h in ("Username*", "Whatsapp", "Work Phone", "Mobile Phone", "Fax",
    "Region", "Appointment", "Labels"):
	assert ws.column_dimensions[col(h)].number_format == "@", h'
check "and not on the others" py t.xlsx '
for h in ("Email*", "Contact No", "About Me", "Status"):
	assert ws.column_dimensions[col(h)].number_format == "General", h'
check_same "frozen header row" "$(py t.xlsx 'print(ws.freeze_panes)')" A2
check "wider columns for email, about_me, address" py t.xlsx '
w = lambda h: ws.column_dimensions[col(h)].width
assert w("Email*") > w("Fax") and w("About Me") > w("Email*"), w
assert w("Address") > w("Email*")'
check_same "Instructions: a header row and one row per field" \
	"$(py t.xlsx 'print(",".join(c.value for c in ins[1]))
print(",".join(r[0] for r in ins.iter_rows(min_row=2, values_only=True)))')" \
	"Column,Required,Rule,Example
$headers"
check "yes on the required fields only, a rule each, the fields' an example" \
	py t.xlsx '
for r in ins.iter_rows(min_row=2, values_only=True):
	assert r[1] == ("yes" if r[0] in required else "no"), r
	assert r[2] and (r[3] or heads.index(r[0]) >= 20), r
assert ins.max_row == len(heads) + 1'
check "the Instructions rule is the header note" py t.xlsx '
rules = {r[0]: r[2] for r in ins.iter_rows(min_row=2, values_only=True)}
for c in ws[1]:
	assert rules[c.value] in c.comment.text, c.value'

check_exit 0 "LibreOffice converts it to CSV" soffice \
	-env:UserInstallation=file://$PWD/lo --headless --convert-to csv \
	--outdir lo-out t.xlsx
check_same "its first line is the header row" \
	"$(head -n 1 lo-out/t.csv | tr -d '\r')" "$headers"

check "a template filled by openpyxl" py t.xlsx '
ws.append(["00042", "Secret2024x", "a@example.com", "Ann", "Lee"] +
	[None] * (len(heads) - 5))
ws[col("Whatsapp") + "2"] = "0079161234567"
wb.save("filled.xlsx")'
check_exit 0 "passes userimp check" userimp check -d db filled.xlsx

check_exit 0 "a password policy in the store" \
	userimp config -q -d db password.min_length 12
check_exit 0 "userimp template -d db" userimp template -d db -o t2.xlsx
check "the password note says 12-100" py t2.xlsx '
assert "12-100 characters" in ws[col("Password*") + "1"].comment.text
assert "8-100" not in ws[col("Password*") + "1"].comment.text'
check "and so does its Instructions row" py t2.xlsx '
assert "12-100 characters" in ins["C3"].value, ins["C3"].value'

SOURCE_DATE_EPOCH=1700000000 userimp template -q -o t3.xlsx &&
	unzip -p t3.xlsx docProps/core.xml > core.xml
check_grep -F "SOURCE_DATE_EPOCH sets the created property" \
	'<dcterms:created xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z' \
	core.xml
# --json: the columns and their rules, for scripts
new_store j.db
userimp config -q -d j.db password.min_length 12
check_exit 0 "--json prints the columns" userimp template -d j.db --json
check_same "one JSON array, every column with its rule, the store's policy" \
	"$(/usr/bin/python3 -c 'import json, sys
d = json.load(open("out"))
print(len(d), d[0]["column"], d[0]["required"], d[5]["required"])
print([c["rule"] for c in d if c["field"] == "password"][0][:16])' )" \
	"27 Username* True False
12-100 character"
check "and writes no file" test ! -s err
check_exit 0 "--json -o writes the file as well" \
	userimp template -d j.db --json -o j.xlsx
check "the file is there" test -s j.xlsx
check_exit 2 "--json --format without -o is a usage error" \
	userimp template -d j.db --json --format csv
test_done
