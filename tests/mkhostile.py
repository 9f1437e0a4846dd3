#!/usr/bin/python3
"""mkhostile.py: write the hostile input corpus into the folder DIR.

    /usr/bin/python3 tests/mkhostile.py DIR

Files for every layer a reader of untrusted spreadsheets has: the zip
container (bombs, overlapping entries, lying sizes, bad CRCs, truncation,
odd names and methods), the XML of the parts (DTDs and entities, depth,
token sizes, encodings), the cells (references out of range, payloads) and
CSV (quotes, NUL bytes, encodings, widths).  What each must do is in
tests/hostile.tsv; tests/t/0600-hostile.t and tests/hostile-limits.sh run
them.  Only the standard library: the bombs are made here, at test time,
and never committed.
"""
import os
import struct
import sys
import zipfile
import zlib

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

HEADER = ["Username", "Password", "Email", "First Name", "Last Name",
          "Company", "About me"]


def user(name, first="Ann", company="", about=""):
    """A row that passes every rule, the username as given."""
    return [name, "Sekret123x", name.lower() + "@example.com", first, "Lee",
            company, about]


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def rows_xml(rows, start=1):
    out = []
    for n, row in enumerate(rows, start):
        cells = "".join(
            '<c r="%s%d" t="inlineStr"><is><t xml:space="preserve">%s</t>'
            '</is></c>' % (col(i), n, esc(v))
            for i, v in enumerate(row) if v != "")
        out.append('<row r="%d">%s</row>' % (n, cells))
    return "".join(out)


def sheet(rows=None, data=None, decl=DECL, doctype="", inner=""):
    """A worksheet: rows of text, or data put as is into <sheetData>."""
    if data is None:
        data = rows_xml(rows if rows is not None else [HEADER])
    return (decl + doctype + '<worksheet xmlns="%s">%s<sheetData>%s'
            '</sheetData></worksheet>' % (NS_MAIN, inner, data))


def package(sheet_xml, sst=None, workbook=None, rels=None):
    """The parts of a workbook of one sheet, name -> bytes, in zip order."""
    over = ('<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
            '/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml"/>')
    wbrels = ('<Relationship Id="rId1" Type="%s/worksheet" Target='
              '"worksheets/sheet1.xml"/>' % NS_REL)
    if sst is not None:
        wbrels += ('<Relationship Id="rId2" Type="%s/sharedStrings" '
                   'Target="sharedStrings.xml"/>' % NS_REL)
    parts = [
        ("[Content_Types].xml", DECL + '<Types xmlns="%s"><Default '
         'Extension="rels" ContentType="application/vnd.openxmlformats-'
         'package.relationships+xml"/><Default Extension="xml" ContentType='
         '"application/xml"/>%s</Types>' % (NS_CT, over)),
        ("_rels/.rels", rels if rels is not None else DECL +
         '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>'
         % (NS_PKG, NS_REL)),
        ("xl/workbook.xml", workbook if workbook is not None else DECL +
         '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Users" '
         'sheetId="1" r:id="rId1"/></sheets></workbook>' % (NS_MAIN, NS_REL)),
        ("xl/_rels/workbook.xml.rels", DECL + '<Relationships xmlns="%s">%s'
         '</Relationships>' % (NS_PKG, wbrels)),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ]
    if sst is not None:
        parts.append(("xl/sharedStrings.xml", sst))
    return [(n, d.encode() if isinstance(d, str) else d) for n, d in parts]


def write_zip(path, parts, stored=()):
    """An honest zip; parts named in stored are not compressed."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = (zipfile.ZIP_STORED if name in stored
                                  else zipfile.ZIP_DEFLATED)
            z.writestr(info, data)


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def raw_zip(path, entries, extra=(), cut=None):
    """A zip written field by field, to lie where asked.

    entries: dicts with name (bytes or str) and data, and optionally
    method (0 stored, 8 deflate, other: stored bytes under that number),
    flag, and overrides crc, csize, usize (both headers), lcsize (local
    header only), cname (the name in the central directory).  extra:
    (index, name) central entries that point at entry index's local
    header.  cut: keep only the first cut bytes of the file.
    """
    out = bytearray()
    central = []
    for e in entries:
        name = e["name"].encode() if isinstance(e["name"], str) else e["name"]
        data = e["data"].encode() if isinstance(e["data"], str) else e["data"]
        method = e.get("method", 8)
        body = deflate(data) if method == 8 else data
        crc = e.get("crc", zlib.crc32(data) & 0xffffffff)
        csize = e.get("csize", len(body))
        usize = e.get("usize", len(data))
        flag = e.get("flag", 0)
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, flag, method, 0,
                           0x5821, crc, e.get("lcsize", csize), usize,
                           len(name), 0) + name + body
        cname = e.get("cname", name)
        if isinstance(cname, str):
            cname = cname.encode()
        central.append((cname, flag, method, crc, csize, usize, off))
    for i, name in extra:
        c = central[i]
        central.append((name.encode(),) + c[1:])
    cd = bytearray()
    for name, flag, method, crc, csize, usize, off in central:
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, flag,
                          method, 0, 0x5821, crc, csize, usize, len(name), 0,
                          0, 0, 0, 0, off) + name
    cdoff = len(out)
    out += cd + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(central),
                            len(central), len(cd), cdoff, 0)
    if cut is not None:
        out = out[:cut]
    with open(path, "wb") as f:
        f.write(out)


def entries_of(parts, **over):
    """raw_zip entries for parts; over maps a part name to overrides."""
    out = []
    for name, data in parts:
        e = {"name": name, "data": data}
        e.update(over.get(name, {}))
        out.append(e)
    return out


def ole2(streams):
    """An OLE2 compound file header and a directory naming streams.

    Readers refuse it by its first 8 bytes; the directory is there so
    that the file looks like what Excel writes for an encrypted workbook.
    """
    head = bytearray(512)
    head[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", head, 24, 0x3e, 3, 0xfffe, 9, 6)
    struct.pack_into("<IIIII", head, 44, 1, 1, 0, 4096, 0xfffffffe)
    struct.pack_into("<I", head, 76, 0)
    for i in range(1, 109):
        struct.pack_into("<I", head, 76 + 4 * i, 0xffffffff)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xfffffffd, 0xfffffffe, 0xfffffffe)
    dirs = bytearray()
    for name in ["Root Entry"] + streams:
        n = (name + "\0").encode("utf-16-le")
        d = bytearray(128)
        d[0:len(n)] = n
        struct.pack_into("<HBB", d, 64, len(n), 5 if name == "Root Entry"
                         else 2, 1)
        struct.pack_into("<III", d, 68, 0xffffffff, 0xffffffff, 0xffffffff)
        dirs += d
    dirs += bytes(512 - len(dirs) % 512) if len(dirs) % 512 else b""
    return bytes(head + fat + dirs)


def csv_text(rows, sep=","):
    def q(v):
        if any(ch in v for ch in '",\r\n') or v[:1] in "=+-@":
            return '"' + v.replace('"', '""') + '"'
        return v
    return "".join(sep.join(q(v) for v in r) + "\r\n" for r in rows)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mkhostile.py DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def path(name):
        return os.path.join(out, name)

    def put(name, data):
        with open(path(name), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)

    ok = package(sheet([HEADER, user("fine")]))

    # -- the zip layer ------------------------------------------------
    # two central entries for one local entry (same offset, same length)
    raw_zip(path("zip-overlap.xlsx"), entries_of(ok),
            extra=[(4, "xl/worksheets/sheet2.xml")])
    # a stored entry whose data holds the next entry whole (Fifield's
    # overlapping bomb): the sheet's bytes are read twice
    first = entries_of(ok)[:4]
    inner = bytearray()
    body = deflate(ok[4][1])
    inner += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0x5821,
                         zlib.crc32(ok[4][1]) & 0xffffffff, len(body),
                         len(ok[4][1]), len(ok[4][0]), 0)
    inner += ok[4][0].encode() + body
    raw_zip(path("zip-overlap-quoted.xlsx"), first + [
        {"name": "xl/media/a.bin", "data": bytes(inner), "method": 0}],
        extra=[])
    # ... and the central entry of the quoted sheet: patch it in by hand
    with open(path("zip-overlap-quoted.xlsx"), "rb") as f:
        z = bytearray(f.read())
    cdoff = struct.unpack_from("<I", z, len(z) - 6)[0]
    nent = struct.unpack_from("<H", z, len(z) - 12)[0]
    pos = cdoff
    offs = []
    for _ in range(nent):
        nlen = struct.unpack_from("<H", z, pos + 28)[0]
        offs.append((struct.unpack_from("<I", z, pos + 42)[0],
                     z[pos + 46:pos + 46 + nlen]))
        pos += 46 + nlen
    media = offs[-1][0]
    qoff = media + 30 + len("xl/media/a.bin")
    name = ok[4][0].encode()
    cd = z[cdoff:pos] + struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0x5821,
        zlib.crc32(ok[4][1]) & 0xffffffff, len(body), len(ok[4][1]),
        len(name), 0, 0, 0, 0, 0, qoff) + name
    z = z[:cdoff] + cd + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0,
                                     nent + 1, nent + 1, len(cd), cdoff, 0)
    put("zip-overlap-quoted.xlsx", bytes(z))

    # 20 MB of spaces in the sheet: about 1000:1
    pad = b" " * (20 << 20)
    bomb = sheet([HEADER, user("bomb")]).encode()
    bomb = bomb.replace(b"<sheetData>", pad + b"<sheetData>", 1)
    bparts = package(sheet([HEADER]))
    bparts[4] = (bparts[4][0], bomb)
    write_zip(path("zip-ratio.xlsx"), bparts)
    # the same, under sizes that claim an honest 10:1
    raw_zip(path("zip-ratio-lying.xlsx"), entries_of(bparts, **{
        "xl/worksheets/sheet1.xml": {"usize": 10 * len(deflate(bomb))}}))
    # sizes that disagree: local and central, or the data and both
    raw_zip(path("zip-local-central.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"lcsize": 7}}))
    raw_zip(path("zip-size-long.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"usize": len(ok[4][1]) + 1000}}))
    raw_zip(path("zip-size-short.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"usize": len(ok[4][1]) - 10}}))
    raw_zip(path("zip-csize-past-end.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"csize": 1 << 30, "lcsize": 1 << 30}}))
    raw_zip(path("zip-badcrc.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"crc": 0x12345678}}))
    raw_zip(path("zip-badcrc-stored.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"crc": 0x12345678, "method": 0}}))
    # truncated: cut in the middle, or no central directory at all
    write_zip(path("zip-whole.tmp"), ok)
    with open(path("zip-whole.tmp"), "rb") as f:
        whole = f.read()
    os.unlink(path("zip-whole.tmp"))
    put("zip-cut-half.xlsx", whole[:len(whole) // 2])
    cdoff = struct.unpack_from("<I", whole, len(whole) - 6)[0]
    put("zip-no-central.xlsx", whole[:cdoff])
    # a hole in the middle: the directory no longer finds its entries
    put("zip-hole.xlsx", whole[:200] + whole[400:])
    put("zip-empty.xlsx", b"PK\x05\x06" + bytes(18))
    # methods: bzip2 (12), and an encrypted entry (flag bit 0)
    raw_zip(path("zip-method-bzip2.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"method": 12}}))
    raw_zip(path("zip-method-lzma.xlsx"), entries_of(ok, **{
        "xl/workbook.xml": {"method": 14}}))
    raw_zip(path("zip-encrypted-entry.xlsx"), entries_of(ok, **{
        "xl/worksheets/sheet1.xml": {"flag": 1}}))
    # names
    write_zip(path("zip-many.xlsx"), ok + [("f%d.txt" % i, b"x")
                                          for i in range(1001)])
    raw_zip(path("zip-dup.xlsx"), entries_of(ok + [ok[4]]))
    raw_zip(path("zip-dup-case.xlsx"), entries_of(
        ok + [("XL/Worksheets/Sheet1.XML", ok[4][1])]))
    raw_zip(path("zip-dup-slash.xlsx"), entries_of(
        ok + [("xl\\worksheets\\sheet1.xml", ok[4][1])]))
    raw_zip(path("zip-abs.xlsx"), entries_of(ok + [("/etc/passwd", b"x")]))
    raw_zip(path("zip-abs-drive.xlsx"), entries_of(
        ok + [("C:\\evil.xml", b"x")]))
    raw_zip(path("zip-dotdot.xlsx"), entries_of(
        ok + [("xl/../../evil.xml", b"x")]))
    raw_zip(path("zip-nul-name.xlsx"), entries_of(
        ok + [(b"xl/a\0.xml", b"x")]))
    raw_zip(path("zip-long-name.xlsx"), entries_of(
        ok + [("xl/" + "n" * 2000 + ".xml", b"x")]))
    raw_zip(path("zip-ctl-name.xlsx"), entries_of(
        ok + [("xl/a\nb.xml", b"x")]))

    # -- the XML layer ------------------------------------------------
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (
                  i - 1 if i > 1 else "")) * 10) for i in range(1, 10))
              + "]>\n")
    sst = (DECL + laughs + '<sst xmlns="%s" count="1" uniqueCount="1"><si>'
           '<t>&lol9;</t></si></sst>' % NS_MAIN)
    write_zip(path("xml-billion-laughs.xlsx"), package(
        sheet(data='<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), sst))
    # one entity of 100 KB referenced 10000 times: stored, so that the
    # ratio does not catch it first
    big = "".join(chr(0x41 + (i * 7919) % 26) for i in range(100000))
    quad = sheet([HEADER, user("quad", about="&q;" * 10000)],
                 doctype='<!DOCTYPE w [<!ENTITY q "%s">]>\n' % big)
    quad = quad.replace("&amp;q;", "&q;")
    write_zip(path("xml-quadratic.xlsx"), package(quad),
              stored=("xl/worksheets/sheet1.xml",))
    xxe = sheet([HEADER, user("xxe", about="&e;")],
                doctype='<!DOCTYPE w [<!ENTITY e SYSTEM '
                '"file:///etc/passwd">]>\n').replace("&amp;e;", "&e;")
    write_zip(path("xml-xxe.xlsx"), package(xxe))
    wb = (DECL + '<!DOCTYPE w [<!ENTITY % p SYSTEM "file:///etc/passwd"> '
          '%p;]>\n<workbook xmlns="' + NS_MAIN + '" xmlns:r="' + NS_REL +
          '"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/>'
          '</sheets></workbook>')
    write_zip(path("xml-xxe-param.xlsx"), package(sheet([HEADER]),
                                                  workbook=wb))
    xxe_sys = (DECL + '<!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/x.dtd">'
               '\n' + sheet([HEADER, user("dtdsys")], decl=""))
    write_zip(path("xml-doctype-system.xlsx"), package(xxe_sys))
    deep = "<extLst>" + "<a>" * 1000 + "</a>" * 1000 + "</extLst>"
    write_zip(path("xml-deep.xlsx"), package(
        sheet([HEADER, user("deep")], inner=deep)))
    rels = (DECL + '<Relationships xmlns="%s">' % NS_PKG + "<x>" * 300 +
            "</x>" * 300 + '<Relationship Id="rId1" Type="%s/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>' % NS_REL)
    write_zip(path("xml-deep-rels.xlsx"), package(sheet([HEADER]),
                                                  rels=rels))
    write_zip(path("xml-long-element.xlsx"), package(sheet(
        [HEADER, user("longel")], inner="<%s/>" % ("e" * (70 << 10)))))
    write_zip(path("xml-long-attribute.xlsx"), package(sheet(
        [HEADER, user("longat")], inner='<sheetPr codeName="%s"/>' % (
            "v" * (70 << 10)))))
    # past what expat would buffer whole: 2 MB in one tag, one comment
    noise = "".join(chr(0x61 + (i * 31) % 26) for i in range(2 << 20))
    write_zip(path("xml-huge-tag.xlsx"), package(sheet(
        [HEADER], inner='<sheetPr codeName="%s"/>' % noise)),
        stored=("xl/worksheets/sheet1.xml",))
    cm = "".join(noise[i:i + 1000] + "<>'\"" for i in range(0, len(noise),
                                                            1000))
    write_zip(path("xml-huge-comment.xlsx"), package(sheet(
        [HEADER], inner="<!--%s-->" % cm)),
        stored=("xl/worksheets/sheet1.xml",))
    latin = sheet([HEADER, user("latin", first="Jos\xe9")],
                  decl='<?xml version="1.0" encoding="ISO-8859-1"?>\n')
    write_zip(path("xml-latin1.xlsx"), package(latin.encode("latin-1")))
    sjis = sheet([HEADER, user("sjis", first="\u5c71\u7530")],
                 decl='<?xml version="1.0" encoding="Shift_JIS"?>\n')
    write_zip(path("xml-shift-jis.xlsx"), package(sjis.encode("shift_jis")))
    u16 = sheet([HEADER, user("utf16", first="Zo\xeb")],
                decl='<?xml version="1.0" encoding="UTF-16"?>\n')
    write_zip(path("xml-utf16.xlsx"), package(
        b"\xff\xfe" + u16.encode("utf-16-le")))
    write_zip(path("xml-big-number.xlsx"), package(sheet(
        data=rows_xml([HEADER]) + '<row r="2"><c r="A2"><v>%s</v></c></row>'
        % ("9" * 2000))))
    write_zip(path("xml-malformed.xlsx"), package(sheet(
        data=rows_xml([HEADER]) + '<row r="2"><c r="A2"></row>')))
    write_zip(path("xml-not-xml.xlsx"), package(b"\x00\x01garbage\xff"))

    # -- the cell layer -----------------------------------------------
    sst = (DECL + '<sst xmlns="%s"><si><t>Username</t></si></sst>' % NS_MAIN)
    write_zip(path("cell-sst-index.xlsx"), package(sheet(
        data='<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s">'
        '<v>5</v></c></row>'), sst))
    write_zip(path("cell-sst-negative.xlsx"), package(sheet(
        data='<row r="1"><c r="A1" t="s"><v>-1</v></c></row>'), sst))
    write_zip(path("cell-col-xfe.xlsx"), package(sheet(
        data=rows_xml([HEADER]) + '<row r="2"><c r="XFE2" t="inlineStr">'
        '<is><t>x</t></is></c></row>')))
    write_zip(path("cell-row-1048577.xlsx"), package(sheet(
        data=rows_xml([HEADER]) + '<row r="1048577"><c r="A1048577" '
        't="inlineStr"><is><t>x</t></is></c></row>')))
    write_zip(path("cell-row-0.xlsx"), package(sheet(
        data='<row r="0"><c r="A0" t="inlineStr"><is><t>x</t></is></c>'
        '</row>' + rows_xml([HEADER]))))
    write_zip(path("cell-too-long.xlsx"), package(sheet(
        [HEADER, user("longcell", about="x" * 40000)])))
    write_zip(path("cell-formula.xlsx"), package(sheet(
        data=rows_xml([HEADER, user("formula",
                                    company="=cmd|' /C calc'!A0")])
        + '<row r="3"><c r="A3" t="inlineStr"><is><t>formula2</t></is></c>'
        '<c r="B3" t="inlineStr"><is><t>Sekret123x</t></is></c>'
        '<c r="C3" t="inlineStr"><is><t>formula2@example.com</t></is></c>'
        '<c r="D3" t="inlineStr"><is><t>Ann</t></is></c>'
        '<c r="E3" t="inlineStr"><is><t>Lee</t></is></c>'
        '<c r="F3" t="str"><f>HYPERLINK("http://127.0.0.1:9/","x")</f>'
        '<v>=cmd|\' /C calc\'!A0</v></c></row>')))
    write_zip(path("cell-sql-name.xlsx"), package(sheet(
        [HEADER, user("sqlname", first="'; DROP TABLE users; --")])))
    write_zip(path("cell-sql-company.xlsx"), package(sheet(
        [HEADER, user("sqlco", company="'); DROP TABLE users; --")])))
    write_zip(path("cell-confusable.xlsx"), package(sheet(
        [HEADER, user("\u0430dmin")])))
    write_zip(path("cell-wide-row.xlsx"), package(sheet(
        data=rows_xml([HEADER]) + '<row r="2">' + "".join(
            '<c r="%s2"><v>1</v></c>' % col(i) for i in range(16384)) +
        '<c><v>1</v></c></row>')))

    # -- other formats --------------------------------------------------
    put("fmt-xls.xls", ole2(["Workbook"]) + bytes(1024))
    put("fmt-xls-named.xlsx", ole2(["Workbook"]) + bytes(1024))
    put("fmt-encrypted.xlsx", ole2(["EncryptionInfo", "EncryptedPackage"])
        + bytes(2048))
    put("fmt-csv-named.xlsx", csv_text([HEADER, user("renamed")]))
    put("fmt-empty.xlsx", b"")

    # -- CSV ------------------------------------------------------------
    put("csv-unterminated.csv", csv_text([HEADER]) +
        'open,Sekret123x,open@example.com,"Ann,Lee\r\n' +
        "x" * 100000 + "\r\n")
    put("csv-big-field.csv", csv_text([HEADER, user("bigfield",
                                                    about="y" * 1000000)]))
    put("csv-nul.csv", csv_text([HEADER]).encode() +
        b"nul,Sekret123x,nul@example.com,A\0nn,Lee,,\r\n")
    put("csv-bad-utf8-header.csv", b"Username,Password,Em\xe9il,First Name,"
        b"Last Name\r\n")
    put("csv-bad-utf8-cell.csv", csv_text([HEADER]).encode() +
        b"badu,Sekret123x,badu@example.com,Jos\xe9,Lee,,\r\n")
    put("csv-overlong-utf8.csv", b"Username,Pass\xc0\xafword\r\n")
    put("csv-utf16-bom.csv", b"\xff\xfe" + csv_text(
        [HEADER, user("u16")]).encode("utf-16-le"))
    put("csv-utf16-no-bom.csv", csv_text([HEADER, user("u16")])
        .encode("utf-16-le"))
    put("csv-20000-columns.csv", csv_text([HEADER + ["x%d" % i
                                                     for i in range(20000)]]))
    # 1100 fields of 32767 two-byte characters: over 64 MiB in one record
    field = "\xe9" * 32767
    put("csv-huge-record.csv", csv_text([HEADER]) +
        ",".join([field] * 1100) + "\r\n")
    put("csv-formula.csv", csv_text([HEADER, user(
        "csvformula", company="=cmd|' /C calc'!A0"), user(
        "csvformula2", company="@SUM(1+1)*cmd|' /C calc'!A0")]))
    put("csv-sql.csv", csv_text([HEADER, user(
        "csvsql", first="'; DROP TABLE users; --")]))
    put("csv-confusable.csv", csv_text([HEADER, user("\u0430dmin")]))
    put("csv-long-line.csv", csv_text([HEADER]) + "z" * (8 << 20) + "\r\n")


if __name__ == "__main__":
    main()
