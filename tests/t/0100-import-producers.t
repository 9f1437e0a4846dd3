#!/bin/sh
# 0100-import-producers: the same 20 users, written as xlsx by LibreOffice,
# openpyxl and SheetJS and as CSV with a BOM, import into the same stored
# users, equal to the rows written out below (SPEC.md §7: files from every
# producer "must all read the same"; a bug common to all of them fails
# too).  The stored hashes verify with python3-argon2 and carry the store's
# cost; no password is ever written anywhere but as a hash.  The committed
# examples/users.csv and examples/users.xlsx hold the same users.
cd "${0%/*}" && . ../lib.sh && plan 42

# The users, one JSON array a row: numbers and true/false become number
# and boolean cells in the xlsx files, TRUE/FALSE in the CSV; null is an
# empty cell.  Trimmed on import: the padded email, first name, company,
# title (a trailing U+00A0) and about me; a department of spaces is empty.
cat > users.json <<'EOF'
[
["Username*", "Password*", "Email*", "First Name*", "Last Name*", "Company", "Title", "Department", "About me",
	"Mobile Phone", "Work Phone", "Is Manager", "Status", "Must change password", "Contact No", "Website", "Address"],
["ivan.petrov", "Пароль2024x", "ivan.petrov@example.ru", "Иван", "Петров", "ООО «Ромашка»", "Главный инженер", "Разработка", "Люблю шахматы ♟ и походы",
	79161234567, "+7 (495) 123-45-67", true, "active", false, 1, "https://example.ru/~ivan", "ул. Тверская, д. 7\nМосква 125009"],
["wang.fang", "王芳Secret88", " wang.fang@example.cn ", "芳", "王", "北京科技有限公司", "产品经理", "产品部", "你好，世界！",
	"+86 138 0013 8000", "010 6552 9988", false, "Active", true, 2, "https://example.cn", null],
["jose.muller", "Jos3-Müller!", "jose.mueller@example.de", "José", "Müller", "Müller & Söhne GmbH", "Geschäftsführer", "Vertrieb", "Hablo español, Deutsch y português.",
	4915112345678, "+49 30 1234567", "TRUE", "active", "no", 3, "http://mueller-soehne.example.de", "Hauptstraße 5, 10115 Berlin"],
["zoe.saldana", "Zo3_is_here", "zoe@example.com", "Zoë", "Saldaña", "  Acme Corp  ", "Designer", "UX", "  Draws things 🎨  ",
	"+1 (555) 010-2030", null, "no", "active", "yes", 10, null, null],
["sean.obrien", "Sl4inte'Mhath", "sean.o'brien@example.ie", "Seán", "O'Brien", "O'Brien's Pub", "Owner", null, "It's a family business since 1921.",
	353861234567, null, true, "active", 0, 5, null, "12 O'Connell Street, Apt. 3\nDublin 1, Ireland"],
["amdarcy", "<Secret>9", "anne-marie.darcy@example.fr", "Anne-Marie", "d'Arcy", "Dupont \"Frères\" & Cie", "Responsable <Ventes>", "Ventes", null,
	"06 12 34 56 78", "01.23.45.67.89", 0, "blocked", 1, 20, "https://example.fr/equipe?x=1&y=2", null],
["n.papadopoulos", "Kal1mera!", "nikos@example.gr", "Νίκος", "Παπαδόπουλος", "Ελληνική Εταιρεία Α.Ε.", "Λογιστής", "Οικονομικά", null,
	"+30 691 234 5678", null, "yes", "active", "false", null, null, "Ερμού 10, Αθήνα"],
["CORP\\jdoe", "J0hnDoe#2024", "john.doe@corp.example.com", "John", "Doe", "Corp <Internal> & Co", "Sysadmin", "IT", "Line one\nLine two\twith a tab",
	null, "+1 212 555 0100", false, "active", false, 100, "https://corp.example.com:8443/people/jdoe", "1 Infinite Loop\nCupertino, CA 95014"],
["a.nakamura", "Sakura2024", "akira.nakamura@example.jp", "明", "中村", "株式会社サンプル", "エンジニア", "開発部", "よろしくお願いします 🙇",
	"090 1234 5678", null, 1, "active", 0, "42", null, "東京都千代田区丸の内1-1"],
["fatima.zahra", "Sahara2024z", "fatima@example.ma", "فاطمة", "الزهراء", "Maroc Telecom", "Chef de projet", "Réseaux", null,
	212612345678, "+212 522 123456", true, "active", true, 8, "https://example.ma", "12, Rue Hassan II\nCasablanca"],
["priya.sharma", "Pr1ya-Sharma", "priya.sharma@example.in", "Priya", "Sharma", "Sharma & Sons \"Ltd\"", "VP, Engineering", "Engineering", "Loves \"clean code\" & chai.",
	"+91 98765 43210", null, "1", "active", "0", 7, "https://priya.example.in/blog", null],
["bjorn.angstrom", "Sm0rgasbord", "bjorn@example.se", " Björn ", "Ångström", "Ångström AB", "Team Lead\u00a0", "R&D", null,
	"+46 70 123 45 67", "08-123 456 78", "False", "active", false, 11, null, "Drottninggatan 1\n111 51 Stockholm"],
["lukasz.w", "Zazolc-2024", "lukasz@example.pl", "Łukasz", "Wiśniewski", "Wiśniewski Sp. z o.o.", "Kierownik", "Logistyka", null,
	48501234567, null, null, "active", null, 12, null, null],
["mj.watson", "Sp1derman!", "mary.jane@example.com", "Mary Jane", "Watson", "Daily Bugle", "Photographer & Model", "Photo", "\"Face it, Tiger…\" — she said.",
	"555 0123", null, "0", "blocked", "yes", 13, "https://dailybugle.example.com/staff?id=13", null],
["d.ivanov-sidorov", "Qwerty123", "d.ivanov-sidorov@example.ru", "Дмитрий", "Иванов-Сидоров", null, null, null, null,
	null, null, false, "BLOCKED", false, null, null, null],
["renee.lefevre", "Ch4mpagne", "renee@example.fr", "Renée", "Lefèvre", "Café de Flore", "Sommelière", "Salle", "J'adore le café ☕",
	"+33 6 98 76 54 32", null, true, "active", false, 14, null, "172 Bd Saint-Germain, 75006 Paris"],
["minjun.kim", "Seoul2024!", "minjun.kim@example.kr", "민준", "김", "삼성", "연구원", "연구소", null,
	821012345678, "+82 2 1234 5678", null, "active", true, 15, null, "서울특별시 강남구\n테헤란로 152"],
["tom.oneil", "Gu1nness", "tom.oneil@example.com.au", "Tom", "O’Neil", "O’Neil & O’Neil", "Partner", null, null,
	null, "(07) 3123 4567", "true", "active", "no", 16, null, "Unit 4, 99 Queen St\nBrisbane QLD 4000\nAustralia"],
["svc_backup@corp", "Zx9$Long-P@ssw0rd-For-Service", "backup@corp.example.com", "Service", "Account", null, null, "   ", null,
	null, null, false, "blocked", false, 10000, null, null],
["ola.nordmann", "Fjord2024", "ola.nordmann@example.no", "Ola", "Nordmann", "Equinor ASA", "Geolog", "Leting", "Glad i fjell og fjorder 🏔️",
	4791234567, null, "YES", "active", 0, 9999, "https://example.no", "Karl Johans gate 1, 0154 Oslo"]
]
EOF

# What every producer's file must store: phones as + and digits (a number
# cell as its exact digits), flags as 0/1, status in lower case, an empty
# contact_no as 10000.  Line breaks are LF; CORP\jdoe's about_me holds a
# tab between "two" and "with".
Q='select username, email, first_name, last_name, company, title,
    department, about_me, mobile_phone, work_phone, is_manager, status,
    must_change_password, contact_no, website, address
    from users order by username'
cat > expected <<'EOF'
a.nakamura|akira.nakamura@example.jp|明|中村|株式会社サンプル|エンジニア|開発部|よろしくお願いします 🙇|09012345678||1|active|0|42||東京都千代田区丸の内1-1
amdarcy|anne-marie.darcy@example.fr|Anne-Marie|d'Arcy|Dupont "Frères" & Cie|Responsable <Ventes>|Ventes||0612345678|0123456789|0|blocked|1|20|https://example.fr/equipe?x=1&y=2|
bjorn.angstrom|bjorn@example.se|Björn|Ångström|Ångström AB|Team Lead|R&D||+46701234567|0812345678|0|active|0|11||Drottninggatan 1
111 51 Stockholm
CORP\jdoe|john.doe@corp.example.com|John|Doe|Corp <Internal> & Co|Sysadmin|IT|Line one
Line two	with a tab||+12125550100|0|active|0|100|https://corp.example.com:8443/people/jdoe|1 Infinite Loop
Cupertino, CA 95014
d.ivanov-sidorov|d.ivanov-sidorov@example.ru|Дмитрий|Иванов-Сидоров|||||||0|blocked|0|10000||
fatima.zahra|fatima@example.ma|فاطمة|الزهراء|Maroc Telecom|Chef de projet|Réseaux||212612345678|+212522123456|1|active|1|8|https://example.ma|12, Rue Hassan II
Casablanca
ivan.petrov|ivan.petrov@example.ru|Иван|Петров|ООО «Ромашка»|Главный инженер|Разработка|Люблю шахматы ♟ и походы|79161234567|+74951234567|1|active|0|1|https://example.ru/~ivan|ул. Тверская, д. 7
Москва 125009
jose.muller|jose.mueller@example.de|José|Müller|Müller & Söhne GmbH|Geschäftsführer|Vertrieb|Hablo español, Deutsch y português.|4915112345678|+49301234567|1|active|0|3|http://mueller-soehne.example.de|Hauptstraße 5, 10115 Berlin
lukasz.w|lukasz@example.pl|Łukasz|Wiśniewski|Wiśniewski Sp. z o.o.|Kierownik|Logistyka||48501234567||0|active|0|12||
minjun.kim|minjun.kim@example.kr|민준|김|삼성|연구원|연구소||821012345678|+82212345678|0|active|1|15||서울특별시 강남구
테헤란로 152
mj.watson|mary.jane@example.com|Mary Jane|Watson|Daily Bugle|Photographer & Model|Photo|"Face it, Tiger…" — she said.|5550123||0|blocked|1|13|https://dailybugle.example.com/staff?id=13|
n.papadopoulos|nikos@example.gr|Νίκος|Παπαδόπουλος|Ελληνική Εταιρεία Α.Ε.|Λογιστής|Οικονομικά||+306912345678||1|active|0|10000||Ερμού 10, Αθήνα
ola.nordmann|ola.nordmann@example.no|Ola|Nordmann|Equinor ASA|Geolog|Leting|Glad i fjell og fjorder 🏔️|4791234567||1|active|0|9999|https://example.no|Karl Johans gate 1, 0154 Oslo
priya.sharma|priya.sharma@example.in|Priya|Sharma|Sharma & Sons "Ltd"|VP, Engineering|Engineering|Loves "clean code" & chai.|+919876543210||1|active|0|7|https://priya.example.in/blog|
renee.lefevre|renee@example.fr|Renée|Lefèvre|Café de Flore|Sommelière|Salle|J'adore le café ☕|+33698765432||1|active|0|14||172 Bd Saint-Germain, 75006 Paris
sean.obrien|sean.o'brien@example.ie|Seán|O'Brien|O'Brien's Pub|Owner||It's a family business since 1921.|353861234567||1|active|0|5||12 O'Connell Street, Apt. 3
Dublin 1, Ireland
svc_backup@corp|backup@corp.example.com|Service|Account|||||||0|blocked|0|10000||
tom.oneil|tom.oneil@example.com.au|Tom|O’Neil|O’Neil & O’Neil|Partner||||0731234567|1|active|0|16||Unit 4, 99 Queen St
Brisbane QLD 4000
Australia
wang.fang|wang.fang@example.cn|芳|王|北京科技有限公司|产品经理|产品部|你好，世界！|+8613800138000|01065529988|0|active|1|2|https://example.cn|
zoe.saldana|zoe@example.com|Zoë|Saldaña|Acme Corp|Designer|UX|Draws things 🎨|+15550102030||0|active|1|10||
EOF

# users.csv: UTF-8 with a BOM and CRLF line ends, a line break inside a
# quoted cell as a bare LF, as Excel saves "CSV UTF-8"; openpyxl.xlsx with
# number, boolean and multi-line cells; pw.list: the passwords, one a line
check 'python3: openpyxl writes openpyxl.xlsx, csv writes users.csv' \
    /usr/bin/python3 - <<'EOF'
import csv, json, openpyxl
from openpyxl.styles import Alignment

rows = json.load(open('users.json', encoding='utf-8'))

def text(v):
    if v is None:
        return ''
    if isinstance(v, bool):
        return 'TRUE' if v else 'FALSE'
    return str(v)

with open('users.csv', 'w', encoding='utf-8-sig', newline='') as f:
    w = csv.writer(f, lineterminator='\r\n')
    for r in rows:
        w.writerow([text(v) for v in r])
wb = openpyxl.Workbook()
ws = wb.active
ws.title = 'Users'
for r in rows:
    ws.append(r)
for c in ws['Q']:
    c.alignment = Alignment(wrap_text=True)
wb.save('openpyxl.xlsx')
with open('pw.list', 'w', encoding='utf-8') as f:
    for r in rows[1:]:
        f.write(r[1] + '\n')
EOF

check 'users.csv starts with a BOM, has CRLF line ends and a bare LF' sh -c '
	[ "$(head -c 3 users.csv | od -An -tx1 | tr -d " ")" = efbbbf ] &&
	[ "$(head -n 1 users.csv | tail -c 2 | od -An -tx1 | tr -d " ")" = 0d0a ] &&
	grep -q "д\. 7\$" users.csv'

# The check that no password is written must be able to find one.
check 'the password grep finds all 20 passwords in users.csv' \
    test "$(LC_ALL=C grep -a -o -F -f pw.list users.csv | sort -u | wc -l)" -eq 20

check 'node: SheetJS writes sheetjs.xlsx' node - <<'EOF'
const fs = require('fs');
const XLSX = require('xlsx');
const rows = JSON.parse(fs.readFileSync('users.json', 'utf8'));
const wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'Users');
XLSX.writeFile(wb, 'sheetjs.xlsx');
EOF

# LibreOffice reads users.csv as UTF-8 (76) with , and ": 79161234567
# becomes a number cell, TRUE and FALSE boolean cells.
mkdir lo
check 'LibreOffice converts users.csv to lo/users.xlsx' sh -c '
	soffice -env:UserInstallation=file://$PWD/lo-profile --headless \
	    --convert-to xlsx --infilter=CSV:44,34,76,1 --outdir lo \
	    users.csv > lo.log 2>&1; test -s lo/users.xlsx'

# The files hold what this test is about: ivan.petrov's mobile phone (J2)
# as a number cell, his Is Manager (L2) as a boolean cell.
typed_cells() {
	unzip -p "$1" xl/worksheets/sheet1.xml > sheet.xml &&
	grep -qE '<c r="J2"( s="[0-9]+")?( t="n")?><v>79161234567</v></c>' \
	    sheet.xml &&
	grep -qE '<c r="L2"( s="[0-9]+")? t="b"><v>1</v></c>' sheet.xml
}
for f in openpyxl.xlsx sheetjs.xlsx lo/users.xlsx "$TOP/examples/users.xlsx"
do
	check "${f#"$TOP/"}: a number cell 79161234567 and a boolean cell" \
	    typed_cells "$f"
done

# verify.py DB: every user's hash is argon2id with the store's cost
# (new_store: m=64, t=1; p=1 by default) and verifies against the
# password in users.json with argon2-cffi (python3-argon2), outside userimp.
cat > verify.py <<'EOF'
import json, sqlite3, sys
from argon2 import PasswordHasher

rows = json.load(open('users.json', encoding='utf-8'))
pw = {r[0].strip().lower(): r[1] for r in rows[1:]}
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
bad = 0
n = 0
for user, h in db.execute('select username, password_hash from users'):
    n += 1
    if not (h or '').startswith('$argon2id$v=19$m=64,t=1,p=1$'):
        print('# %s: hash %r: not argon2id m=64,t=1,p=1' % (user, h))
        bad += 1
        continue
    try:
        PasswordHasher().verify(h, pw[user.lower()])
    except Exception as e:
        print('# %s: %s' % (user, e))
        bad += 1
if n != len(pw):
    print('# %d users, want %d' % (n, len(pw)))
    bad += 1
sys.exit(bad != 0)
EOF

# nopw NAME: no password in the store's file, in the import's stdout and
# stderr, or in the job tables
nopw() {
	sql "$1.db" 'select * from jobs; select * from job_rows;
	    select * from job_findings' > "$1.jobs" || return 1
	if LC_ALL=C grep -a -l -F -f pw.list "$1.db" "$1.out" "$1.err" \
	    "$1.jobs" > found; then
		sed 's/^/# a password in: /' found
		return 1
	fi
}

# producer NAME FILE: import FILE into a fresh store NAME.db
producer() {
	new_store "$1.db"
	check_exit 0 "$1: import exits 0" userimp import -d "$1.db" "$2"
	cp out "$1.out"
	cp err "$1.err"
	check_same "$1: stderr is the summary line" "$(cat err)" \
	    "$2: 20 rows: 20 inserted, 0 updated, 0 unchanged, 0 rejected (job 1)"
	check_same "$1: the stored users" "$(sql "$1.db" "$Q")" "$(cat expected)"
	check "$1: the hashes verify with argon2-cffi, cost m=64,t=1,p=1" \
	    /usr/bin/python3 verify.py "$1.db"
	check "$1: no password in the store, stdout, stderr, job tables" \
	    nopw "$1"
}

producer libreoffice lo/users.xlsx
producer openpyxl openpyxl.xlsx
producer sheetjs sheetjs.xlsx
producer csv users.csv
producer examples-xlsx "$TOP/examples/users.xlsx"
producer examples-csv "$TOP/examples/users.csv"

# A rejected row is kept in the job record, without its password.
cat > rej.csv <<'EOF'
Username*,Password*,Email*,First Name*,Last Name*
good.user,G00dPassw0rd,good@example.com,Good,User
bad.user,B4dRowSecret,not-an-email,Bad,User
EOF
printf '%s\n' G00dPassw0rd B4dRowSecret >> pw.list
new_store rej.db
check_exit 1 'a bad email: import exits 1' userimp import -d rej.db rej.csv
cp out rej.out
cp err rej.err
check_same 'the job record keeps the rejected row' \
    "$(sql rej.db "select row, cells like '%bad.user%' from job_rows")" '3|1'
check 'no password of rej.csv in the store, stdout, stderr, job tables' \
    nopw rej

test_done
