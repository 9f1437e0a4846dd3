#!/bin/sh
# Files of the systems admins migrate from, with their own headers: a
# company-user template (written here by openpyxl as such a system hands
# it out).  The LMS and help-desk exports of issue 4 join when groups,
# labels, custom fields and managers do.
cd "${0%/*}" && . ../lib.sh && plan 7

new_store db
/usr/bin/python3 - <<'PY'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Username", "Password", "Email", "FirstName", "LastName",
    "Company", "Title", "Department", "About me", "WhatsApp No."])
ws.append(["jdoe", "Welcome2024", "jdoe@example.com", "John", "Doe",
    "Example Ltd", "Engineer", "R&D", "Likes\nclimbing", "+1 555 0100 123"])
ws.append(["asmith", "Welcome2025", "asmith@example.com", "Anna", "Smith",
    "Example Ltd", "Manager", "Sales", None, "7 916 123-45-67"])
for c in ("J2", "J3"):
    ws[c].number_format = "@"
wb.save("company.xlsx")
PY
check_exit 0 "a company-user template imports" userimp import -d db company.xlsx
check_grep "both users" '2 rows: 2 inserted' err
check_same "every column lands in its field" \
	"$(sql db "select username, email, first_name, last_name, company,
	    title, department, replace(coalesce(about_me, ''), char(10), '/'),
	    whatsapp from users order by id")" \
"jdoe|jdoe@example.com|John|Doe|Example Ltd|Engineer|R&D|Likes/climbing|+15550100123
asmith|asmith@example.com|Anna|Smith|Example Ltd|Manager|Sales||79161234567"
check_exit 0 "export names the columns as the template does" \
	userimp export -d db --columns username,about_me,whatsapp -o back.csv
cat > want.csv <<'CSV'
Username*,About Me,Whatsapp
jdoe,"Likes
climbing",'+15550100123
asmith,,79161234567
CSV
check_same "and the values come back" "$(tr -d '\r' < back.csv)" \
	"$(cat want.csv)"
check_exit 0 "the export (its + guarded by a ') imports back unchanged" \
	userimp import -d db back.csv
check_grep "as it was" '2 rows: 0 inserted, 0 updated, 2 unchanged' err
test_done
