/*
 * xlsx_read.c: unit tests of lib/xlsx_read.c through uimp_reader_open():
 * the tier-V values of the corpus (SOURCES.md), its hostile files, files
 * built here with minizip for each limit, and files from tests/mkxlsx.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <minizip/zip.h>

#include "internal.h"
#include "tap.h"

#define TX	UIMP_CELL_TEXT
#define NU	UIMP_CELL_NUMBER
#define BO	UIMP_CELL_BOOL
#define DA	UIMP_CELL_DATE
#define ER	UIMP_CELL_ERROR
#define EM	UIMP_CELL_EMPTY

static const char *corpus = "../shared/corpus/xlsx";
static int have_corpus;
static char tmpdir[64];

/* What one cell read as. */
struct got {
	int		 status;
	int		 type;
	int		 flags;
	size_t		 len;
	const char	*ptr;
	char		 text[600];
	char		 msg[400];
};

static void
skip(const char *why)
{
	tap_n++;
	printf("ok %d # skip %s\n", tap_n, why);
}

/* The corpus file name, as a path (one of four static buffers). */
static const char *
C(const char *name)
{
	static char out[4][1024];
	static int k;
	char *o = out[k++ % 4];

	snprintf(o, sizeof(out[0]), "%s/%s", corpus, name);
	return o;
}

static const char *
T(const char *name)
{
	static char out[4][1024];
	static int k;
	char *o = out[k++ % 4];

	snprintf(o, sizeof(out[0]), "%s/%s", tmpdir, name);
	return o;
}

/* "B7" to column 1, row 7. */
static void
parse_ref(const char *ref, size_t *col, unsigned long *row)
{
	*col = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++)
		*col = *col * 26 + (size_t)(*ref - 'A' + 1);
	*col -= 1;
	*row = strtoul(ref, NULL, 10);
}

/* Read cell ref of sheet (NULL: the default one) in the file at path. */
static void
get(const char *path, const char *sheet, const char *ref, struct got *g)
{
	struct uimp_read_opts o = { UIMP_FORMAT_XLSX, NULL, 0, NULL, 0 };
	struct uimp_reader *r;
	struct uimp_err e;
	const struct uimp_row *row;
	unsigned long want;
	size_t col;

	memset(g, 0, sizeof(*g));
	memset(&e, 0, sizeof(e));
	o.sheet = sheet;
	parse_ref(ref, &col, &want);
	if ((g->status = uimp_reader_open(&r, path, &o, &e)) != UIMP_OK) {
		snprintf(g->msg, sizeof(g->msg), "%s: %s", e.where, e.msg);
		return;
	}
	while ((g->status = uimp_reader_next_row(r, &row, &e)) == UIMP_OK &&
	    row != NULL) {
		if (row->num != want)
			continue;
		if (col < row->ncells) {
			g->type = row->cells[col].type;
			g->flags = row->cells[col].flags;
			g->len = row->cells[col].len;
			g->ptr = row->cells[col].text;
			snprintf(g->text, sizeof(g->text), "%s",
			    row->cells[col].text);
		}
		break;
	}
	if (g->status)
		snprintf(g->msg, sizeof(g->msg), "%s: %s", e.where, e.msg);
	uimp_reader_close(r);
}

static void
check(int line, const char *path, const char *sheet, const char *ref,
    int type, const char *want)
{
	struct got g;

	get(path, sheet, ref, &g);
	if (!tap_ok(g.status == 0 && g.type == type &&
	    strcmp(g.text, want) == 0, __FILE__, line, "%s %s!%s = %d '%s'",
	    strrchr(path, '/') + 1, sheet ? sheet : "(default)", ref, type,
	    tap_vis(want)))
		printf("#   got: %d '%s' (status %d %s)\n", g.type,
		    tap_vis(g.text), g.status, g.msg);
}

#define CELL(f, s, r, t, x) do {					\
	if (have_corpus)						\
		check(__LINE__, C(f), s, r, t, x);			\
	else								\
		skip("no corpus");					\
} while (0)
#define TCELL(p, s, r, t, x) check(__LINE__, p, s, r, t, x)

/*
 * Open path on sheet and read it all: returns the status; *nrows gets
 * the rows with cells, *last the last row number, name the sheet's name,
 * msg "where: msg" on failure.
 */
static int
readall(const char *path, const char *sheet, size_t *nrows,
    unsigned long *last, char *name, char *msg)
{
	struct uimp_read_opts o = { UIMP_FORMAT_XLSX, NULL, 0, NULL, 0 };
	struct uimp_reader *r;
	struct uimp_err e;
	const struct uimp_row *row;
	int rc;

	memset(&e, 0, sizeof(e));
	*nrows = 0;
	*last = 0;
	name[0] = msg[0] = '\0';
	o.sheet = sheet;
	if ((rc = uimp_reader_open(&r, path, &o, &e)) != UIMP_OK) {
		sprintf(msg, "%.127s: %.255s", e.where, e.msg);
		return rc;
	}
	snprintf(name, 128, "%s", uimp_reader_sheet(r));
	while ((rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK && row) {
		if (row->ncells == 0)
			continue;
		(*nrows)++;
		*last = row->num;
	}
	if (rc)
		sprintf(msg, "%.127s: %.255s", e.where, e.msg);
	uimp_reader_close(r);
	return rc;
}

/* The file at path fails (open or read) with UIMP_EXLSX saying what. */
static void
fails(int line, const char *path, const char *sheet, const char *what)
{
	char name[128], msg[400];
	size_t n;
	unsigned long last;
	int rc;

	rc = readall(path, sheet, &n, &last, name, msg);
	if (!tap_ok(rc == UIMP_EXLSX && strstr(msg, what) != NULL, __FILE__,
	    line, "%s fails: %s", strrchr(path, '/') + 1, what))
		printf("#   got: status %d '%s'\n", rc, msg);
}

#define FAILS(p, s, w) fails(__LINE__, p, s, w)

static void
rows(int line, const char *path, const char *sheet, const char *wname,
    size_t wrows, unsigned long wlast)
{
	char name[128], msg[400];
	size_t n;
	unsigned long last;
	int rc;

	rc = readall(path, sheet, &n, &last, name, msg);
	if (!tap_ok(rc == 0 && strcmp(name, wname) == 0 && n == wrows &&
	    last == wlast, __FILE__, line, "%s: sheet '%s', %zu rows to %lu",
	    strrchr(path, '/') + 1, wname, wrows, wlast))
		printf("#   got: status %d '%s' sheet '%s' %zu rows to %lu\n",
		    rc, msg, name, n, last);
}

#define ROWS(f, s, name, n, last) do {					\
	if (have_corpus)						\
		rows(__LINE__, C(f), s, name, n, last);			\
	else								\
		skip("no corpus");					\
} while (0)

/* Files made here. */

struct part {
	const char	*name;
	const char	*data;
	size_t		 len;		/* 0: strlen(data) */
	int		 badcrc;	/* 1: stored with a wrong CRC; 2: stored
					 * saying it is raw_usize bytes */
};

static size_t raw_usize;

static int
mkzip(const char *path, const struct part *p, size_t n)
{
	zipFile zf;
	size_t i, len;
	int rc = 0;

	if ((zf = zipOpen64(path, APPEND_STATUS_CREATE)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		len = p[i].len ? p[i].len : strlen(p[i].data);
		if (p[i].badcrc) {
			rc |= zipOpenNewFileInZip2(zf, p[i].name, NULL, NULL, 0,
			    NULL, 0, NULL, 0, 0, 1);
			rc |= zipWriteInFileInZip(zf, p[i].data, (unsigned)len);
			rc |= zipCloseFileInZipRaw(zf, p[i].badcrc == 2 ?
			    raw_usize : len, p[i].badcrc == 2 ? crc32(0,
			    (const Bytef *)p[i].data, (uInt)len) : 0x12345678);
		} else {
			rc |= zipOpenNewFileInZip(zf, p[i].name, NULL, NULL, 0,
			    NULL, 0, NULL, Z_DEFLATED, Z_BEST_COMPRESSION);
			rc |= zipWriteInFileInZip(zf, p[i].data, (unsigned)len);
			rc |= zipCloseFileInZip(zf);
		}
	}
	rc |= zipClose(zf, NULL);
	return rc;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/" \
	"relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"

static const char rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\""
    NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char wbrels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"" NS_PKG "\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/styles\" "
    "Target=\"/xl/styles.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" NS_REL "/worksheet\" "
    "Target=\"./worksheets/../worksheets/sheet2.xml\"/>"
    "</Relationships>";

/*
 * Write a workbook to path: sheets "S1" (sheetdata inside <sheetData>)
 * and "Second" (one cell "two"), sst and styles when not NULL; wbpr is
 * put into workbook.xml.  prefix goes before every part name.
 */
static int
mkbook(const char *path, const char *sheetdata, const char *sst,
    const char *styles, const char *wbpr, const char *prefix)
{
	struct part p[7];
	char names[7][64], *wb, *ws, *sstx = NULL, *stx = NULL;
	size_t n = 0, i;
	int rc;

	wb = malloc(1024);
	ws = malloc(strlen(sheetdata) + 512);
	sprintf(wb, "<?xml version=\"1.0\"?>\n<workbook xmlns=\"" NS_MAIN
	    "\" xmlns:r=\"" NS_REL "\">%s<sheets><sheet name=\"S1\" "
	    "sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Second\" "
	    "sheetId=\"2\" r:id=\"rId4\"/></sheets></workbook>",
	    wbpr ? wbpr : "");
	sprintf(ws, "<?xml version=\"1.0\"?>\n<worksheet xmlns=\"" NS_MAIN
	    "\"><sheetData>%s</sheetData></worksheet>", sheetdata);
	p[n++] = (struct part){ "_rels/.rels", rels_xml, 0, 0 };
	p[n++] = (struct part){ "xl/_rels/workbook.xml.rels", wbrels_xml, 0,
	    0 };
	p[n++] = (struct part){ "xl/workbook.xml", wb, 0, 0 };
	p[n++] = (struct part){ "xl/worksheets/sheet1.xml", ws, 0, 0 };
	p[n++] = (struct part){ "xl/worksheets/sheet2.xml",
	    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
	    "<c r=\"A1\" t=\"inlineStr\"><is><t>two</t></is></c></row>"
	    "</sheetData></worksheet>", 0, 0 };
	if (sst) {
		sstx = malloc(strlen(sst) + 256);
		sprintf(sstx, "<sst xmlns=\"" NS_MAIN "\">%s</sst>", sst);
		p[n++] = (struct part){ "xl/sharedStrings.xml", sstx, 0, 0 };
	}
	if (styles) {
		stx = malloc(strlen(styles) + 256);
		sprintf(stx, "<styleSheet xmlns=\"" NS_MAIN "\">%s"
		    "</styleSheet>", styles);
		p[n++] = (struct part){ "xl/styles.xml", stx, 0, 0 };
	}
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%s%s", prefix, p[i].name);
		p[i].name = names[i];
	}
	rc = mkzip(path, p, n);
	free(wb);
	free(ws);
	free(sstx);
	free(stx);
	return rc;
}

static void
test_corpus_text(void)
{
	CELL("calamine/issues.xlsx", "datatypes", "A1", NU, "1");
	CELL("calamine/issues.xlsx", "datatypes", "A2", NU, "1.5");
	CELL("calamine/issues.xlsx", "datatypes", "A3", TX, "ab");
	CELL("calamine/issues.xlsx", "datatypes", "A4", BO, "0");
	CELL("calamine/issues.xlsx", "datatypes", "A5", TX, "test");
	CELL("calamine/issues.xlsx", "datatypes", "A6", DA, "2016-10-20");
	CELL("calamine/issues.xlsx", NULL, "A6", DA, "2016-10-20");
	CELL("calamine/issues.xlsx", "issue2", "A1", NU, "1");
	CELL("calamine/issues.xlsx", "issue2", "B1", TX, "a");
	CELL("calamine/issues.xlsx", "issue2", "A2", NU, "2");
	CELL("calamine/issues.xlsx", "issue2", "B2", TX, "b");
	CELL("calamine/issues.xlsx", "issue2", "A3", NU, "3");
	CELL("calamine/issues.xlsx", "issue2", "B3", TX, "c");
	CELL("calamine/issues.xlsx", "3", "B3", TX, "c");
	CELL("calamine/issues.xlsx", "ISSUE2", "B3", TX, "c");
	CELL("calamine/issues.xlsx", "issue5", "A1", NU, "0.5");
	CELL("calamine/issues.xlsx", "issue6", "A1", NU, "1");
	CELL("calamine/issues.xlsx", "issue6", "A2", NU, "2");
	CELL("calamine/issues.xlsx", "issue6", "A3", TX, "ab");
	CELL("calamine/issues.xlsx", "issue6", "A4", BO, "0");
	CELL("calamine/issues.xlsx", "issue6", "A6", EM, "");
	CELL("calamine/issues.xlsx", "spc_chrs", "A1", TX, "&");
	CELL("calamine/issues.xlsx", "spc_chrs", "A2", TX, "<");
	CELL("calamine/issues.xlsx", "spc_chrs", "A3", TX, ">");
	CELL("calamine/issues.xlsx", "spc_chrs", "A4", TX, "aaa ' aaa");
	CELL("calamine/issues.xlsx", "spc_chrs", "A5", TX, "\"");
	CELL("calamine/issues.xlsx", "spc_chrs", "A6", TX, "\xe2\x98\xba");
	CELL("calamine/issues.xlsx", "spc_chrs", "A7", TX, "\xd6\x8d");
	CELL("calamine/issues.xlsx", "spc_chrs", "A8", TX,
	    "\xc3\xa0\xc3\xa2\xc3\xa9\xc3\xaa\xc3\xa8\xc3\xa7\xc3\xb6\xc3\xaf"
	    "\xc3\xae\xc2\xab\xc2\xbb");

	CELL("calamine/richtext-namespaced.xlsx", "Sheet1", "A1", TX,
	    "inline string\nLine 2\nLine 3");
	CELL("calamine/richtext-namespaced.xlsx", "Sheet1", "B1", EM, "");
	CELL("calamine/richtext-namespaced.xlsx", "Sheet1", "G1", EM, "");
	CELL("calamine/richtext-namespaced.xlsx", "Sheet1", "H1", TX,
	    "shared string\nLine 2\nLine 3");
	CELL("calamine/rph.xlsx", "Sheet1", "A1", TX,
	    "\xe8\xaa\xb2\xe3\x81\x8d\xe3\x81\x8f\xe3\x80\x80\xe6\xaf\x9b"
	    "\xe3\x81\x93");
	CELL("calamine/has_x000D_.xlsx", "Sheet1", "A1", TX, "ABC\r\nDEF");

	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "A1", TX,
	    "trimmed value");
	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "B1", TX,
	    "value with tabs");
	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "C1", TX, " \t\n");
	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "D1", TX,
	    "clean text");
	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "A2", TX,
	    "line1\nline2");
	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "B2", TX,
	    "  line1\nline2  ");
	CELL("calamine/whitespace_trim.xlsx", "inlineStr", "A3", TX,
	    "\xe6\x97\xa5\xe6\x9c\x9f \xe6\x97\xb6\xe9\x97\xb4");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "A1", TX,
	    "trimmed value");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "B1", TX,
	    "  preserved value  ");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "C1", TX, "");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "D1", TX,
	    "clean text");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "A2", TX,
	    "line1\nline2");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "B2", TX,
	    "  line1\nline2  ");
	CELL("calamine/whitespace_trim.xlsx", "SharedStrings", "A3", TX,
	    "\xe6\x97\xa5\xe6\x9c\x9f \xe6\x97\xb6\xe9\x97\xb4");

	CELL("calamine/empty_shared_string.xlsx", "Sheet1", "A1", TX, "abc");
	CELL("calamine/empty_shared_string.xlsx", "Sheet1", "A2", TX, "");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "A1", TX, "Name");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "B1", TX, "City");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "C1", TX,
	    "Status");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "A2", TX,
	    "Alice");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "B2", EM, "");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "C2", TX,
	    "Active");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "A3", EM, "");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "B3", TX,
	    "Berlin");
	CELL("calamine/empty_shared_string_value.xlsx", NULL, "C3", EM, "");
	CELL("calamine/string-ref.xlsx", "1", "A1", TX, "col1");
	CELL("calamine/string-ref.xlsx", "1", "A2", TX,
	    "-8086931554011838357");
	CELL("calamine/string-ref.xlsx", "2", "A1", TX, "col1");
	CELL("calamine/string-ref.xlsx", "2", "A2", TX,
	    "-8086931554011838357");
	CELL("poi/InlineString.xlsx", NULL, "A1", TX,
	    "\xf0\x9f\x98\x9cmore text");
}

static void
test_corpus_numbers(void)
{
	const char *f = "poi/GeneralFormatTests.xlsx";

	CELL(f, "Tests", "C21", NU, "112300000000");
	CELL(f, "Tests", "C11", NU, "1.23456789");
	CELL(f, "Tests", "C13", NU, "1.2345678912");
	CELL(f, "Tests", "C27", NU, "0.000000001");
	CELL(f, "Tests", "C29", NU, "1.1E-10");
	CELL(f, "Tests", "C33", NU, "1.123451E-10");
	CELL(f, "Tests", "C61", NU, "-0.000000001");
	CELL(f, "Tests", "C70", TX, "hello");
	CELL(f, "Tests", "C72", BO, "1");
	CELL(f, "Tests", "C73", BO, "0");
	CELL(f, "Tests", "C69", EM, "");
	CELL(f, "Tests", "C71", EM, "");
	CELL(f, "Tests", "A21", TX, "1.123E+11");
	CELL(f, "Tests", "A13", TX, "1.234567891");
	CELL(f, "Tests", "A69", EM, "");
	CELL(f, "Tests", "B2", TX, "General");
	CELL(f, "2", "B73", TX, "General");
	CELL(f, NULL, "A1", TX, "Flag Name");

	f = "sheetjs/xlsx-stream-d-date-cell.xlsx";
	CELL(f, NULL, "A1", TX, "String");
	CELL(f, NULL, "B1", TX, "\xe3\x81\xa6\xe3\x81\x99\xe3\x81\xa8");
	CELL(f, NULL, "C1", TX, "&'\";<>");
	CELL(f, NULL, "D1", TX, "&amp;");
	CELL(f, NULL, "B2", NU, "1");
	CELL(f, NULL, "C2", NU, "2");
	CELL(f, NULL, "D2", NU, "-3");
	CELL(f, NULL, "B3", NU, "1.5");
	CELL(f, NULL, "C3", NU, "0.3");
	CELL(f, NULL, "D3", NU, "1.23456789E+22");
	CELL(f, NULL, "B4", BO, "1");
	CELL(f, NULL, "C4", BO, "0");
	CELL(f, NULL, "B5", DA, "2014-02-14");
	CELL(f, NULL, "B6", NU, "1.5");
	CELL(f, NULL, "B7", DA, "12:00:00");
	CELL(f, NULL, "B8", NU, "0.5");
	CELL(f, NULL, "B9", NU, "0.5");
	CELL(f, NULL, "B10", DA, "36:00:00");
	CELL(f, NULL, "B11", TX, "String1");
	CELL(f, NULL, "B12", TX, "cell with comment");
	CELL(f, NULL, "B13", TX, "cell with comment");
}

static void
test_corpus_dates(void)
{
	static const char *d1900[] = { "1900-01-01", "1900-01-11",
	    "1900-04-20", "1903-01-15", "1930-06-02" };
	static const char *d1904[] = { "1904-01-02", "1904-01-12",
	    "1904-04-21", "1907-01-16", "1934-06-03" };
	static const char *serial[] = { "1", "11", "111", "1111", "11111" };
	static const char *xw[] = { "1900-01-01", "1902-09-26", "1913-09-08",
	    "1927-05-18", "2173-10-14", "4637-11-26" };
	char ref[16];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(ref, sizeof(ref), "B%d", i + 1);
		CELL("sheetjs/1900.xlsx", NULL, ref, DA, d1900[i]);
		CELL("sheetjs/1904.xlsx", NULL, ref, DA, d1904[i]);
		snprintf(ref, sizeof(ref), "A%d", i + 1);
		CELL("sheetjs/1900.xlsx", NULL, ref, NU, serial[i]);
		CELL("sheetjs/1904.xlsx", NULL, ref, NU, serial[i]);
		/* Excel's own TEXT() results, cached */
		snprintf(ref, sizeof(ref), "C%d", i + 1);
		CELL("sheetjs/1900.xlsx", NULL, ref, TX, d1900[i]);
		CELL("sheetjs/1904.xlsx", NULL, ref, TX, d1904[i]);
	}
	for (i = 0; i < 6; i++) {
		snprintf(ref, sizeof(ref), "A%d", i + 1);
		CELL("libxlsxwriter/date_1904_01.xlsx", NULL, ref, DA, xw[i]);
	}
	CELL("calamine/date.xlsx", NULL, "A1", DA, "2021-01-01");
	CELL("calamine/date.xlsx", NULL, "A2", DA, "2021-01-02");
	CELL("calamine/date.xlsx", NULL, "A3", DA, "255:10:10");
	CELL("calamine/date.xlsx", NULL, "B1", NU, "15");
	CELL("calamine/date.xlsx", NULL, "B2", NU, "16");
	CELL("calamine/date.xlsx", NULL, "B3", NU, "17");
	CELL("calamine/date_1904.xlsx", NULL, "A1", DA, "2021-01-01");
	CELL("calamine/date_1904.xlsx", NULL, "A2", DA, "2021-01-02");
	CELL("calamine/date_1904.xlsx", NULL, "A3", DA, "255:10:10");
	CELL("calamine/date_1904.xlsx", NULL, "B3", NU, "17");
	CELL("calamine/date_iso.xlsx", "Sheet", "A1", DA, "2021-01-01");
	CELL("calamine/date_iso.xlsx", "Sheet", "A2", DA,
	    "2021-01-01T10:10:10");
	CELL("calamine/date_iso.xlsx", "Sheet", "A3", DA, "10:10:10");
	for (i = 0; i < 4; i++) {
		snprintf(ref, sizeof(ref), "A%d", i + 1);
		CELL("calamine/date_quoted_format.xlsx", NULL, ref, DA,
		    "2021-01-01");
	}
	CELL("poi/SimpleStrict.xlsx", "Sheet1", "A1", TX, "test");
	CELL("poi/SimpleStrict.xlsx", "Sheet1", "A2", TX, "test 2");
	CELL("poi/SimpleStrict.xlsx", "Sheet1", "C1", NU, "1");
	CELL("poi/SimpleStrict.xlsx", "Sheet1", "C6", NU, "6");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "A1", TX,
	    "This is sheet 2");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "A2", TX, "Stuff");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "A3", NU, "1");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "F3", NU, "6");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "A4", DA,
	    "1990-01-01");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "A7", NU, "10");
	CELL("poi/SimpleStrict.xlsx", "Sheet Number 2", "C7", NU, "3");
}

static void
test_corpus_errors(void)
{
	static const char *codes[] = { "#DIV/0!", "#NAME?", "#VALUE!",
	    "#NULL!", "#REF!", "#NUM!", "#N/A" };
	char ref[16];
	int i;

	for (i = 0; i < 7; i++) {
		snprintf(ref, sizeof(ref), "A%d", i + 1);
		CELL("calamine/errors.xlsx", "Feuil1", ref, ER, codes[i]);
	}
	ROWS("calamine/errors.xlsx", "Feuil2", "Feuil2", 0, 0);
	ROWS("calamine/errors.xlsx", "Feuil3", "Feuil3", 0, 0);
	CELL("poi/bug67784.xlsx", NULL, "A1", BO, "0");
	CELL("poi/bug67784.xlsx", NULL, "A2", BO, "1");
	CELL("poi/bug67784.xlsx", NULL, "A3", ER, "#DIV/0!");
	CELL("poi/bug67784.xlsx", NULL, "A4", ER, "#VALUE!");
	CELL("poi/bug67784.xlsx", NULL, "B4", TX, "this is some text");
	CELL("poi/bug67784.xlsx", NULL, "A5", ER, "#DIV/0!");
	CELL("poi/bug67784.xlsx", NULL, "A6", NU, "0");
	CELL("poi/bug67784.xlsx", NULL, "A7", ER, "#NAME?");
	CELL("poi/bug67784.xlsx", NULL, "A8", ER, "#VALUE!");
	CELL("poi/bug67784.xlsx", NULL, "A9", ER, "#VALUE!");
}

static void
test_corpus_package(void)
{
	const char *f;
	struct got g;

	ROWS("poi/59746_NoRowNums.xlsx", NULL, "Features", 71, 71);
	CELL("poi/59746_NoRowNums.xlsx", NULL, "A1", TX, "Checked");
	CELL("poi/59746_NoRowNums.xlsx", NULL, "C10", TX, "Checked");
	CELL("poi/59746_NoRowNums.xlsx", NULL, "I71", BO, "0");
	CELL("poi/56278.xlsx", NULL, "A1", TX, "Market Rates");
	CELL("poi/56278.xlsx", "1", "A2", TX,
	    "Indications as of 01/31/2014 at 08:38 AM");
	CELL("poi/56278.xlsx", "Market Rates", "B4", TX, "0.032500");
	ROWS("poi/58760.xlsx", NULL, "Sheet1", 0, 0);
	CELL("poi/noSharedStringTable.xlsx", NULL, "A1", DA, "2006-04-12");
	CELL("poi/noSharedStringTable.xlsx", NULL, "B1", NU, "123");
	f = "poi/MalformedSSTCount.xlsx";
	CELL(f, NULL, "A1", TX, "sdgf");
	CELL(f, NULL, "B1", TX, "fdsag");
	CELL(f, NULL, "C1", TX, "dsafv");
	CELL(f, NULL, "D1", TX, "asdf");
	CELL(f, NULL, "A2", TX, "asdc");
	CELL(f, NULL, "B2", TX, "sadc");
	CELL(f, NULL, "C2", TX, "asdfXZc");
	CELL(f, NULL, "D2", TX, "sadf");
	CELL(f, NULL, "A3", NU, "23");
	CELL(f, NULL, "B3", NU, "24");
	CELL(f, NULL, "C3", NU, "2");
	CELL(f, NULL, "D3", NU, "1");

	for (f = "poi/SampleSS.xlsx"; f; f = strcmp(f, "poi/SampleSS.xlsx") ?
	    NULL : "poi/SampleSS.strict.xlsx") {
		CELL(f, "First Sheet", "A1", TX, "Test spreadsheet");
		CELL(f, NULL, "A2", TX, "2nd row");
		CELL(f, NULL, "B2", TX, "2nd row 2nd column");
		CELL(f, NULL, "A4", TX, "This one is red");
		CELL(f, "Sheet Number 2", "A1", TX, "Start of 2nd sheet");
		CELL(f, "Sheet Number 2", "A2", TX, "Sheet 2 row 2");
		CELL(f, "Sheet Number 2", "A4", TX,
		    "I'm in bold blue, on a yellow background");
		CELL(f, "Sheet Number 2", "A6", TX, "cb=1");
		CELL(f, "Sheet Number 2", "B6", TX, "cb=10");
		CELL(f, "Sheet Number 2", "C6", TX, "cb=2");
		CELL(f, "Sheet Number 2", "D6", TX, "cb=sum");
		CELL(f, "Sheet Number 2", "A7", NU, "1");
		CELL(f, "Sheet Number 2", "B7", NU, "10");
		CELL(f, "Sheet Number 2", "C7", NU, "2");
		CELL(f, "Sheet Number 2", "D7", NU, "13");
		ROWS(f, "Sheet3", "Sheet3", 0, 0);
	}

	f = "calamine/issue_261.xlsx";
	ROWS(f, NULL, "Some Sheet", 55, 66);
	CELL(f, NULL, "A1", TX, "String Value 32");
	CELL(f, NULL, "A5", EM, "");
	CELL(f, NULL, "G61", NU, "939");
	CELL(f, NULL, "A66", TX, "String Value 42");
	CELL(f, NULL, "D66", TX, "String Value 8");
	CELL(f, NULL, "B7", DA, "2023-03-15");
	CELL(f, NULL, "A11", DA, "2023-03-15");
	CELL(f, NULL, "A51", DA, "2023-03-15");

	CELL("calamine/minimal_package.xlsx", NULL, "A1", TX,
	    "ARREST BOOKINGS for 01/30/17");
	CELL("calamine/minimal_package.xlsx", NULL, "A2", TX, "  ");
	CELL("calamine/minimal_package.xlsx", "Sheet1", "A3", TX, "BKG_NUM");
	CELL("calamine/issue_419.xlsx", "Sheet1", "A1", TX, "Hello");
	CELL("calamine/issue_530.xlsx", NULL, "A1", TX,
	    "\xe6\x8a\xa5\xe8\xa1\xa8\xe5\xaf\xbc\xe5\x87\xba\xe4\xba\xba"
	    "\xef\xbc\x9a");
	CELL("calamine/issue_530.xlsx", NULL, "B1", TX,
	    "\xe4\xba\x8e\xe5\x9b\xbd\xe6\xa0\x8b");
	ROWS("calamine/issue_530.xlsx", "1",
	    "\xe5\x87\xba\xe5\x8b\xa4\xe5\x88\x86\xe7\xb1\xbb\xe7\xbb\x84"
	    "\xe7\xbb\x87\xe6\xb1\x87\xe6\x80\xbb\xe8\xa1\xa8", 5, 5);

	f = "calamine/nonstandard-xml-ns-prefix.xlsx";
	CELL(f, NULL, "A1", TX, "a");
	CELL(f, NULL, "B1", TX, "b");
	CELL(f, NULL, "A2", NU, "1");
	CELL(f, NULL, "B2", NU, "3");
	CELL(f, NULL, "A3", NU, "2");
	CELL(f, NULL, "B3", NU, "4");

	f = "calamine/any_sheets.xlsx";
	ROWS(f, NULL, "Visible", 4, 5);
	CELL(f, NULL, "A1", NU, "1");
	CELL(f, NULL, "B1", NU, "2");
	CELL(f, NULL, "A2", NU, "3");
	CELL(f, NULL, "B2", NU, "4");
	CELL(f, NULL, "A3", NU, "5");
	CELL(f, NULL, "B3", NU, "6");
	CELL(f, NULL, "A5", TX, "This workbook contains 4 sheets: Visible, "
	    "Hidden, VeryHidden and Chart");
	if (have_corpus) {
		ROWS(f, "2", "Hidden", 0, 0);
		ROWS(f, "veryhidden", "VeryHidden", 0, 0);
		FAILS(C(f), "Chart", "not a worksheet");
		FAILS(C(f), "4", "not a worksheet");
		FAILS(C(f), "5", "'Visible', 'Hidden', 'VeryHidden', 'Chart'");
		FAILS(C(f), "Nope", "no sheet 'Nope'");
	}

	f = "sheetjs/wtf_path.xlsx";
	ROWS(f, NULL, "SheetJS", 6, 6);
	CELL(f, NULL, "A1", NU, "1");
	CELL(f, NULL, "B1", NU, "2");
	CELL(f, NULL, "C1", NU, "3");
	CELL(f, NULL, "D1", EM, "");
	CELL(f, NULL, "E1", EM, "");
	CELL(f, NULL, "C2", EM, "");
	CELL(f, NULL, "A2", BO, "1");
	CELL(f, NULL, "B2", BO, "0");
	CELL(f, NULL, "D2", TX, "sheetjs");
	CELL(f, NULL, "A3", TX, "foo    bar");
	CELL(f, NULL, "B3", TX, "baz");
	CELL(f, NULL, "C3", DA, "2014-02-19");
	CELL(f, NULL, "D3", TX, "0.3");
	CELL(f, NULL, "A4", TX, "baz");
	CELL(f, NULL, "C4", TX, "\xe0\xaf\xae");
	CELL(f, NULL, "D4", NU, "3.14159");
	CELL(f, NULL, "A5", TX, "hidden");
	CELL(f, NULL, "A6", TX, "visible");
	CELL(f, "Hidden", "A1", TX, "H");
	CELL(f, "Hidden", "F1", TX, "n");
	CELL(f, "Hidden", "A2", NU, "1");
	CELL(f, "Hidden", "B2", BO, "1");
	CELL(f, "Hidden", "C2", NU, "3");
	CELL(f, "Hidden", "D2", TX, "a");
	CELL(f, "Hidden", "E2", EM, "");
	CELL(f, "Hidden", "F2", TX, "c");
	CELL(f, "2", "A3", NU, "2");
	CELL(f, "2", "B3", BO, "0");
	CELL(f, "2", "C3", BO, "1");
	CELL(f, "2", "D3", TX, "sh33t");
	CELL(f, "2", "F3", TX, "j5");
	if (have_corpus) {
		get(C(f), NULL, "D1", &g);
		ok(g.flags == UIMP_CELL_NO_CACHE,
		    "wtf_path D1: a formula without a cached value is flagged");
		get(C(f), NULL, "A1", &g);
		ok(g.flags == 0, "wtf_path A1: no flags");
	} else {
		skip("no corpus");
		skip("no corpus");
	}
	ROWS("openpyxl/nonstandard_workbook_name.xlsx", NULL, "Sheet1", 0, 0);
}

static void
test_corpus_hostile(void)
{
	struct uimp_reader *r;
	struct uimp_err e;
	const struct uimp_row *row;
	size_t n = 0, maxcells = 0;
	unsigned long last = 0;
	clock_t t0;
	int rc;

	if (!have_corpus) {
		skip("no corpus");
		return;
	}
	t0 = clock();
	/* its 200 KB of DTD sit in 505 bytes: refused before the DTD */
	FAILS(C("poi/poc-xmlbomb.xlsx"), NULL,
	    "zip entry 'xl/sharedStrings.xml' inflates past 100:1");
	ok(clock() - t0 < CLOCKS_PER_SEC, "poc-xmlbomb refused fast");
	FAILS(C("poi/duplicate-filename.xlsx"), NULL, "appears twice");
	FAILS(C("poi/duplicate-filename-case-insensitive.xlsx"), NULL,
	    "appears twice");

	/* 16384 value-less cells on the last rows: no cells, no growth */
	CELL("calamine/issue_174.xlsx", NULL, "A1", TX, "Your Ref #");
	CELL("calamine/issue_174.xlsx", NULL, "A2", NU, "123");
	CELL("calamine/issue_174.xlsx", NULL, "F2", NU, "1.5");
	CELL("calamine/issue_174.xlsx", NULL, "H2", NU, "1.201");
	memset(&e, 0, sizeof(e));
	rc = uimp_reader_open(&r, C("calamine/issue_174.xlsx"), NULL, &e);
	while (rc == 0 && (rc = uimp_reader_next_row(r, &row, &e)) == 0 &&
	    row) {
		if (row->ncells)
			n++;
		if (row->ncells > maxcells)
			maxcells = row->ncells;
		last = row->num;
	}
	if (rc == 0)
		uimp_reader_close(r);
	ok(rc == 0 && n == 2 && maxcells == 11 && last == 1048576,
	    "issue_174: rows 1-2 hold cells, read to row 1048576 (%zu rows, "
	    "%zu cells, last %lu)", n, maxcells, last);

	/*
	 * Its 1 MB shared string is cut at load, so no copy of it is made
	 * per cell; its rows are numbered from r="0", which is refused.
	 */
	FAILS(C("poi/poc-shared-strings.xlsx"), NULL,
	    "row number '0' out of range");
}

/* Workbooks made here, one per rule. */
static void
test_built(void)
{
	const char *p, *sst;
	char *big, *data;
	struct got g, g2;
	struct part parts[1002];
	char names[1002][32];
	size_t i, n;
	int rc;

	p = T("pad.xlsx");
	rc = mkbook(p, "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>123</v></c>"
	    "<c r=\"B1\" s=\"1\"><v>1.5</v></c><c r=\"C1\" s=\"2\">"
	    "<v>44197.5</v></c><c r=\"D1\" s=\"3\"><v>44197.5</v></c>"
	    "<c r=\"E1\" s=\"4\"><v>0.25</v></c><c r=\"F1\" s=\"5\">"
	    "<v>44197</v></c><c r=\"G1\" s=\"99\"><v>7</v></c>"
	    "<c r=\"H1\" t=\"d\" s=\"2\"><v>2021-01-01T10:00:00</v></c>"
	    "<c r=\"I1\" s=\"1\"><v>-0</v></c>"
	    "<c r=\"J1\" t=\"b\"><v>true</v></c>"
	    "<c r=\"K1\" t=\"n\"><v>not a number</v></c></row>", NULL,
	    "<numFmts><numFmt numFmtId=\"164\" formatCode=\"00000\"/>"
	    "<numFmt numFmtId=\"14\" formatCode=\"0.00\"/></numFmts>"
	    "<cellStyleXfs><xf numFmtId=\"22\"/></cellStyleXfs>"
	    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
	    "<xf numFmtId=\"22\"/><xf numFmtId=\"14\"/><xf numFmtId=\"21\"/>"
	    "<xf numFmtId=\"15\"/></cellXfs>"
	    "<dxfs><dxf><numFmt numFmtId=\"165\" formatCode=\"yyyy\"/></dxf>"
	    "</dxfs>", "<workbookPr date1904=\"false\"/>", "");
	ok(rc == 0, "pad.xlsx written");
	TCELL(p, NULL, "A1", NU, "00123");
	TCELL(p, NULL, "B1", NU, "1.5");
	TCELL(p, NULL, "C1", DA, "2021-01-01T12:00:00");
	TCELL(p, NULL, "D1", NU, "44197.5");
	TCELL(p, NULL, "E1", DA, "06:00:00");
	TCELL(p, NULL, "F1", DA, "2021-01-01");
	TCELL(p, NULL, "G1", NU, "7");
	TCELL(p, NULL, "H1", DA, "2021-01-01T10:00:00");
	TCELL(p, NULL, "I1", NU, "00000");
	TCELL(p, NULL, "J1", BO, "1");
	TCELL(p, NULL, "K1", TX, "not a number");
	TCELL(p, "Second", "A1", TX, "two");
	TCELL(p, "s1", "A1", NU, "00123");

	/* a leading '/' on every entry name: OPC names are relative */
	p = T("slash.xlsx");
	mkbook(p, "<row><c><v>1</v></c></row>", NULL, NULL, NULL, "/");
	FAILS(p, NULL, "zip entry '/_rels/.rels' has an absolute name");

	/* row and cell references, gaps, empty rows */
	p = T("refs.xlsx");
	mkbook(p, "<row><c><v>1</v></c><c r=\"C1\"><v>3</v></c><c><v>4</v>"
	    "</c><c r=\"F1\" s=\"0\"/></row><row/><row r=\"5\"><c r=\"b5\">"
	    "<v>5</v></c></row><row><c t=\"inlineStr\"><is><t>six</t></is>"
	    "</c></row><row r=\"1048576\"><c r=\"XFD1048576\"><v>9</v></c>"
	    "</row>", NULL, NULL, "<workbookPr date1904=\"1\"/>", "");
	TCELL(p, NULL, "A1", NU, "1");
	TCELL(p, NULL, "B1", EM, "");
	TCELL(p, NULL, "C1", NU, "3");
	TCELL(p, NULL, "D1", NU, "4");
	TCELL(p, NULL, "B5", NU, "5");
	TCELL(p, NULL, "A6", TX, "six");
	TCELL(p, NULL, "XFD1048576", NU, "9");
	{
		struct uimp_reader *r;
		struct uimp_err e;
		const struct uimp_row *row;
		char seen[64] = "";
		size_t k = 0;

		rc = uimp_reader_open(&r, p, NULL, &e);
		while (rc == 0 && (rc = uimp_reader_next_row(r, &row, &e)) ==
		    0 && row && k < sizeof(seen) - 16)
			k += (size_t)sprintf(seen + k, "%lu:%zu ", row->num,
			    row->ncells);
		if (r)
			uimp_reader_close(r);
		is(seen, "1:4 2:0 5:2 6:1 1048576:16384 ",
		    "row numbers and widths (trailing empty cells dropped)");
	}

	/* escapes, surrogates, too long cells, shared strings */
	p = T("text.xlsx");
	big = malloc(40000 * 2 + 1);
	for (i = 0; i < 40000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[80000] = '\0';
	data = malloc(200000);
	n = (size_t)sprintf(data, "<row r=\"1\">"
	    "<c t=\"inlineStr\"><is><t>_x005F_x000D_</t></is></c>"
	    "<c t=\"inlineStr\"><is><t>a_x0041_b_x000d_</t></is></c>"
	    "<c t=\"inlineStr\"><is><t>_xD83D__xDE1C_</t></is></c>"
	    "<c t=\"inlineStr\"><is><t>x_xD800_y</t></is></c>"
	    "<c t=\"inlineStr\"><is><t xml:space=\"preserve\"> a </t><r><t>"
	    " b </t></r><rPh><t>skip</t></rPh></is></c>"
	    "<c t=\"s\"><v>0</v></c><c t=\"s\"><v>0</v></c>"
	    "<c t=\"s\"><v>1</v></c>"
	    "<c t=\"str\"><f>A1</f><v>_x0041_ z</v></c>"
	    "<c t=\"inlineStr\"><is><t>");
	memset(data + n, 'a', 40000);
	n += 40000;
	sprintf(data + n, "</t></is></c></row>");
	sst = malloc(90000);
	sprintf((char *)sst, "<si><t>%s</t></si><si><r><t>x</t></r><r><t "
	    "xml:space=\"preserve\"> y</t></r></si>", big);
	mkbook(p, data, sst, NULL, NULL, "");
	TCELL(p, NULL, "A1", TX, "_x000D_");
	TCELL(p, NULL, "B1", TX, "aAb\r");
	TCELL(p, NULL, "C1", TX, "\xf0\x9f\x98\x9c");
	TCELL(p, NULL, "D1", TX, "x\xef\xbf\xbdy");
	get(p, NULL, "D1", &g);
	ok(g.flags == UIMP_CELL_BAD_UTF8, "a lone surrogate is flagged");
	get(p, NULL, "C1", &g);
	ok(g.flags == 0, "a surrogate pair is one character");
	TCELL(p, NULL, "E1", TX, " a b");
	TCELL(p, NULL, "H1", TX, "x y");
	TCELL(p, NULL, "I1", TX, "A z");
	get(p, NULL, "F1", &g);
	get(p, NULL, "G1", &g2);
	ok(g.len == 2 * UIMP_CELL_MAX && g.flags == UIMP_CELL_TOO_LONG &&
	    g2.len == g.len && g2.flags == g.flags,
	    "a long shared string is cut to %d characters (%zu bytes)",
	    UIMP_CELL_MAX, g.len);
	{
		struct uimp_reader *r;
		struct uimp_err e;
		const struct uimp_row *row;
		struct uimp_read_opts o = { .same_thread = 1 };

		rc = uimp_reader_open(&r, p, &o, &e);
		if (rc == 0)
			rc = uimp_reader_next_row(r, &row, &e);
		ok(rc == 0 && row && row->ncells == 10 &&
		    row->cells[5].text == row->cells[6].text,
		    "cells of one shared string share its text (no copies)");
		if (rc == 0)
			uimp_reader_close(r);
	}
	get(p, NULL, "J1", &g);
	ok(g.len == UIMP_CELL_MAX && g.flags == UIMP_CELL_TOO_LONG &&
	    strlen(g.text) == sizeof(g.text) - 1,
	    "a long inline string is cut to %d characters (%zu)",
	    UIMP_CELL_MAX, g.len);
	free(big);
	free(data);
	free((char *)sst);

	/* stopping errors inside the sheet */
	p = T("col.xlsx");
	mkbook(p, "<row><c r=\"XFE1\"><v>1</v></c></row>", NULL, NULL, NULL,
	    "");
	FAILS(p, NULL, "beyond column XFD");
	p = T("row.xlsx");
	mkbook(p, "<row r=\"1048577\"><c><v>1</v></c></row>", NULL, NULL,
	    NULL, "");
	FAILS(p, NULL, "row number '1048577' out of range");
	p = T("sst.xlsx");
	mkbook(p, "<row><c t=\"s\"><v>1</v></c></row>", "<si><t>a</t></si>",
	    NULL, NULL, "");
	FAILS(p, NULL, "xl/worksheets/sheet1.xml:2: shared string index '1' "
	    "out of range");
	p = T("xml.xlsx");
	mkbook(p, "<row><c><v>1</v></c></row>\n<row><c></row>", NULL, NULL,
	    NULL, "");
	FAILS(p, NULL, "xl/worksheets/sheet1.xml:3: mismatched tag");
	p = T("dtd.xlsx");
	{
		struct part dp[] = {
			{ "_rels/.rels", rels_xml, 0, 0 },
			{ "xl/_rels/workbook.xml.rels", wbrels_xml, 0, 0 },
			{ "xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN
			    "\" xmlns:r=\"" NS_REL "\"><sheets><sheet name="
			    "\"S1\" r:id=\"rId1\"/></sheets></workbook>", 0,
			    0 },
			{ "xl/worksheets/sheet1.xml", "<!DOCTYPE x [ <!ENTITY "
			    "a \"b\"> ]><worksheet/>", 0, 0 },
		};
		const char *wb;

		mkzip(p, dp, 4);
		FAILS(p, NULL, "a DTD in xl/worksheets/sheet1.xml: refused");
		/* namespace declarations on a <sheet>: not its name or id */
		wb = dp[2].data;
		dp[2].data = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\""
		    NS_REL "\"><sheets><sheet name=\"S1\" r:id=\"rId1\" "
		    "xmlns:id=\"urn:x\" xmlns:name=\"urn:y\"/></sheets>"
		    "</workbook>";
		dp[3].data = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\">"
		    "<v>1</v></c></row></sheetData></worksheet>";
		p = T("xmlnssheet.xlsx");
		mkzip(p, dp, 4);
		TCELL(p, "S1", "A1", NU, "1");
		dp[2].data = wb;
		/* a wrong CRC in the sheet */
		dp[3].data = "<worksheet><sheetData/></worksheet>";
		dp[3].badcrc = 1;
		p = T("crc.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "CRC mismatch");
		/* a sheet of 4 MB of spaces inflates far past 100:1 */
		n = 4 << 20;
		big = malloc(n + 64);
		memset(big, ' ', n);
		memcpy(big, "<worksheet>", 11);
		strcpy(big + n - 20, "</worksheet>");
		dp[3].data = big;
		dp[3].len = strlen(big);
		dp[3].badcrc = 0;
		p = T("bomb.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "inflates past 100:1");
		free(big);
		/* no workbook, XLSB, ODS, too many entries */
		p = T("nowb.xlsx");
		mkzip(p, dp, 1);
		FAILS(p, NULL, "not an xlsx file: no workbook part");
		p = T("ods.xlsx");
		dp[0] = (struct part){ "mimetype",
		    "application/vnd.oasis.opendocument.spreadsheet", 0, 0 };
		mkzip(p, dp, 1);
		FAILS(p, NULL, "(.ods)");
		p = T("xlsb.xlsx");
		dp[0] = (struct part){ "_rels/.rels", "<Relationships xmlns=\""
		    NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
		    "/officeDocument\" Target=\"xl/workbook.bin\"/>"
		    "</Relationships>", 0, 0 };
		dp[1] = (struct part){ "xl/workbook.bin", "\x83\x01", 0, 0 };
		mkzip(p, dp, 2);
		FAILS(p, NULL, "(.xlsb)");
	}
	p = T("many.xlsx");
	for (i = 0; i < 1001; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu.txt", i);
		parts[i] = (struct part){ names[i], "x", 0, 0 };
	}
	mkzip(p, parts, 1001);
	FAILS(p, NULL, "more than 1000 zip entries");
	p = T("notzip.xlsx");
	{
		FILE *fp = fopen(p, "w");

		if (fp) {
			fputs("Name,Email\n", fp);
			fclose(fp);
		}
	}
	FAILS(p, NULL, "not an xlsx file: not a zip archive");
}

/* n letters that deflate about 2:1, so that no ratio is passed */
static char *
noise(size_t n)
{
	char *s = malloc(n + 1);
	unsigned long x = 1;
	size_t i;

	if (s == NULL)
		exit(2);
	for (i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) & 0x7fffffff;
		s[i] = (char)('a' + (x >> 16) % 26);
	}
	s[n] = '\0';
	return s;
}

/* The limits of the XML and zip layers, one file each. */
static void
test_limits(void)
{
	const char *p;
	char *data, *big;
	struct got g;
	size_t i, n;
	FILE *fp;

	/* depth: worksheet and sheetData are 2 of the 256 levels */
	data = malloc(300 * 8 + 64);
	for (n = 0, i = 0; i < 254; i++)
		n += (size_t)sprintf(data + n, "<a>");
	for (i = 0; i < 254; i++)
		n += (size_t)sprintf(data + n, "</a>");
	sprintf(data + n, "<row><c><v>1</v></c></row>");
	p = T("depth256.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	TCELL(p, NULL, "A1", NU, "1");
	n = (size_t)sprintf(data, "<a>");
	for (i = 0; i < 254; i++)
		n += (size_t)sprintf(data + n, "<a>");
	for (i = 0; i < 255; i++)
		n += (size_t)sprintf(data + n, "</a>");
	p = T("depth257.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "xl/worksheets/sheet1.xml:2: elements nested deeper "
	    "than 256 levels: refused");
	free(data);

	/* names and values of 64 KiB, one tag of 1 MiB */
	big = noise(70 << 10);
	data = malloc(strlen(big) + 256);
	sprintf(data, "<%s/>", big);
	p = T("longname.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "an element name longer than 65536 bytes: refused");
	sprintf(data, "<a b=\"%s\"/>", big);
	p = T("longattr.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "an attribute name or value longer than 65536 bytes");
	big[60 << 10] = '\0';
	sprintf(data, "<a b=\"%s\"/><row><c><v>2</v></c></row>", big);
	p = T("attr60k.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	TCELL(p, NULL, "A1", NU, "2");
	/* a namespace declared on a cell is not one of its attributes */
	p = T("xmlnsattr.xlsx");
	mkbook(p, "<row r=\"1\"><c xmlns:r=\"urn:x\" xmlns:t=\"urn:y\" "
	    "r=\"C1\" t=\"inlineStr\"><is><t>v</t></is></c><c xmlns=\"" NS_MAIN
	    "\" r=\"D1\"><v>7</v></c></row>", NULL, NULL, NULL, "");
	TCELL(p, NULL, "C1", TX, "v");
	TCELL(p, NULL, "D1", NU, "7");
	free(big);
	free(data);
	big = noise(2 << 20);
	data = malloc(2 * strlen(big) + 256);
	sprintf(data, "<a b=\"%s\"/>", big);
	p = T("hugetag.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "xl/worksheets/sheet1.xml:2: a tag or comment longer "
	    "than 1048576 characters: refused");
	/* a tag of blanks, no quote in it, on line 6 */
	for (i = 0; i < 2 << 20; i++)
		big[i] = big[i] < 'n' ? ' ' : '\t';
	sprintf(data, "\n<a\nb='1\n'>x\ny</a><c %s/>", big);
	p = T("hugeblank.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "xl/worksheets/sheet1.xml:6: a tag or comment longer "
	    "than 1048576 characters: refused");
	/*
	 * Newlines in a long value: the line of the character over 1 MiB,
	 * big[1048571] (5 before it in the tag), and it and the one before
	 * are newlines, the one after too: a line counted one character
	 * short or long is told apart.
	 */
	free(big);
	big = noise(2 << 20);
	for (i = 7; i < 2 << 20; i += 8)
		big[i] = '\n';
	big[1048570] = big[1048571] = big[1048572] = '\n';
	sprintf(data, "<a b='%s'/>", big);
	p = T("hugelines.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "xl/worksheets/sheet1.xml:131075: a tag or comment "
	    "longer than 1048576 characters: refused");
	free(big);
	big = noise(2 << 20);
	/* what ends a tag elsewhere does not end a comment */
	for (i = 1; i < 40; i++)
		memcpy(big + i * 50000, "<>'\"?>", 6);
	sprintf(data, "<!--%s-->", big);
	p = T("hugecomment.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "a tag or comment longer than 1048576 characters");
	/* quotes in a comment or PI, text and CDATA: not a long tag */
	free(big);
	big = noise(1500000);
	sprintf(data, "<!-- it's a > b --><?pi a>'b?><row><c t=\"inlineStr\">"
	    "<is><t>%s</t></is></c><c t=\"inlineStr\"><is><t><![CDATA[%s]]>"
	    "</t></is></c></row>", big, big);
	p = T("longtext.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	get(p, NULL, "B1", &g);
	ok(g.status == 0 && g.flags == UIMP_CELL_TOO_LONG &&
	    g.len == UIMP_CELL_MAX, "1.5 MB of text and of CDATA are cells, "
	    "not tags (%d %s)", g.status, g.msg);
	free(big);
	free(data);

	/* <v> of a number: 1024 bytes */
	data = malloc(4096);
	big = malloc(2048);
	memset(big, '1', 1025);
	big[1025] = '\0';
	sprintf(data, "<row><c t=\"str\"><v>%s</v></c><c><v>%s</v></c>"
	    "</row>", big, big + 1);
	p = T("v1024.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	get(p, NULL, "B1", &g);
	ok(g.status == 0 && g.len > 0, "a <v> of 1024 bytes reads (%s)",
	    g.msg);
	sprintf(data, "<row><c><v>%s</v></c></row>", big);
	p = T("v1025.xlsx");
	mkbook(p, data, NULL, NULL, NULL, "");
	FAILS(p, NULL, "a value longer than 1024 bytes in a cell that is not "
	    "text: refused");
	sprintf(data, "<row><c t=\"s\"><v>%s</v></c></row>", big);
	p = T("s1025.xlsx");
	mkbook(p, data, "<si><t>a</t></si>", NULL, NULL, "");
	FAILS(p, NULL, "a value longer than 1024 bytes");
	free(data);
	free(big);

	/* encodings */
	{
		struct part dp[] = {
			{ "_rels/.rels", rels_xml, 0, 0 },
			{ "xl/_rels/workbook.xml.rels", wbrels_xml, 0, 0 },
			{ "xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN
			    "\" xmlns:r=\"" NS_REL "\"><sheets><sheet name="
			    "\"S1\" r:id=\"rId1\"/></sheets></workbook>", 0,
			    0 },
			{ "xl/worksheets/sheet1.xml", "<?xml version=\"1.0\" "
			    "encoding=\"ISO-8859-1\"?><worksheet/>", 0, 0 },
		};
		static const char u16[] = "\xff\xfe<\0w\0>\0<\0!\0-\0-\0"
		    "'\0-\0-\0>\0<\0r\0o\0w\0>\0<\0c\0>\0<\0v\0>\0"
		    "7\0<\0/\0v\0>\0<\0/\0c\0>\0<\0/\0r\0o\0w\0>\0"
		    "<\0/\0w\0>\0";

		p = T("latin1.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "xl/worksheets/sheet1.xml:1: the encoding "
		    "'ISO-8859-1' is refused: parts must be UTF-8 or UTF-16");
		dp[3].data = "<?xml version=\"1.0\" encoding=\"us-ascii\"?>"
		    "<worksheet><row><c><v>5</v></c></row></worksheet>";
		p = T("ascii.xlsx");
		mkzip(p, dp, 4);
		TCELL(p, NULL, "A1", NU, "5");
		dp[3].data = u16;
		dp[3].len = sizeof(u16) - 1;
		p = T("utf16.xlsx");
		mkzip(p, dp, 4);
		TCELL(p, NULL, "A1", NU, "7");

		/* the zip layer: sizes, names, truncation */
		dp[3] = (struct part){ "xl/worksheets/sheet1.xml",
		    "<worksheet><row><c><v>5</v></c></row></worksheet>", 0,
		    2 };
		raw_usize = strlen(dp[3].data) + 100;
		p = T("usize.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "zip entry 'xl/worksheets/sheet1.xml': 49 bytes "
		    "inflated, where its directory entry says 149");
		dp[3].badcrc = 0;
		p = T("trunc.xlsx");
		mkzip(p, dp, 4);
		if ((fp = fopen(p, "r+")) != NULL) {
			fseek(fp, 0, SEEK_END);
			n = (size_t)ftell(fp);
			fclose(fp);
			if (truncate(p, (off_t)(n / 2)) != 0)
				n = 0;
		}
		FAILS(p, NULL, "its central directory is missing or misplaced");
		dp[0] = (struct part){ "xl/../x.xml", "x", 0, 0 };
		p = T("dotdot.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "zip entry 'xl/../x.xml' has a '..' segment in "
		    "its name: refused");
		dp[0].name = "xl/a\tb.xml";
		p = T("ctl.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "has a control character in its name");
		big = noise(1025);
		dp[0].name = big;
		p = T("longentry.xlsx");
		mkzip(p, dp, 4);
		FAILS(p, NULL, "has a name longer than 1024 bytes: refused");
		big[1024] = '\0';
		p = T("entry1024.xlsx");
		mkzip(p, dp, 4);
		TCELL(p, NULL, "A1", NU, "5");
		free(big);
	}
}

/* Files from tests/mkxlsx, in both modes. */
static void
test_mkxlsx(void)
{
	const char *build, *p;
	char bin[1024], cmd[1200];
	FILE *fp;
	int mode, rc;

	if ((build = getenv("USERIMP_BUILD")) == NULL || *build == '\0')
		build = "build";
	snprintf(bin, sizeof(bin), "%s/tests/mkxlsx", build);
	if (access(bin, X_OK) != 0) {
		skip("tests/mkxlsx not built");
		return;
	}
	for (mode = 0; mode < 2; mode++) {
		p = T(mode ? "mk-inline.xlsx" : "mk.xlsx");
		snprintf(cmd, sizeof(cmd), "%s %s -s Users %s", bin,
		    mode ? "-i" : "", p);
		if ((fp = popen(cmd, "w")) == NULL) {
			skip("cannot run mkxlsx");
			continue;
		}
		fputs("username\tphone\tzip\tjoined\tmanager\tsum\tnote\t"
		    "skipped\tlast\n", fp);
		fputs("  alice \t#n:79161234567\t#F:00000:123\t#d:2021-03-04\t"
		    "#b:1\t#f:=1+1\tline\\none\\ttab\\\\\t#e:\t#n:1.25\n", fp);
		fputs("bob\t#n:7.9161234567E10\t#F:00000:-7\t"
		    "#d:2021-03-04T10:11:12\t#b:0\n", fp);
		rc = pclose(fp);
		ok(rc == 0, "mkxlsx %s wrote %s", mode ? "-i" : "",
		    strrchr(p, '/') + 1);
		TCELL(p, NULL, "A1", TX, "username");
		TCELL(p, "Users", "I1", TX, "last");
		TCELL(p, NULL, "A2", TX, "  alice ");
		TCELL(p, NULL, "B2", NU, "79161234567");
		TCELL(p, NULL, "C2", NU, "00123");
		TCELL(p, NULL, "D2", DA, "2021-03-04");
		TCELL(p, NULL, "E2", BO, "1");
		TCELL(p, NULL, "F2", NU, "0");
		TCELL(p, NULL, "G2", TX, "line\none\ttab\\");
		TCELL(p, NULL, "H2", EM, "");
		TCELL(p, NULL, "I2", NU, "1.25");
		TCELL(p, NULL, "B3", NU, "79161234567");
		TCELL(p, NULL, "C3", NU, "-00007");
		TCELL(p, NULL, "D3", DA, "2021-03-04T10:11:12");
		TCELL(p, NULL, "E3", BO, "0");
	}
}

/*
 * uimp_reader_progress(): the sheet part's bytes as inflated, out of its
 * size in the zip directory.
 */
static void
test_progress(void)
{
	struct uimp_reader *r;
	const struct uimp_row *row;
	struct uimp_err e;
	unsigned long long done, total, last = 0;
	const char *p = T("progress.xlsx");
	char *data;
	size_t i, n = 0;
	int rc, mid = 0, back = 0;

	data = malloc(5000 * 128);
	for (i = 1; i <= 5000; i++)
		n += (size_t)sprintf(data + n, "<row r=\"%zu\"><c r=\"A%zu\" "
		    "t=\"inlineStr\"><is><t>u%zu</t></is></c></row>", i, i, i);
	rc = mkbook(p, data, NULL, NULL, NULL, "");
	free(data);
	if (rc != 0 || uimp_reader_open(&r, p, NULL, &e) != UIMP_OK) {
		ok(0, "progress: open");
		return;
	}
	uimp_reader_progress(r, &done, &total);
	ok(done == 0 && total > n, "progress: 0 of the sheet's %llu bytes "
	    "at first", total);
	while ((rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK && row) {
		uimp_reader_progress(r, &done, &total);
		back |= done < last;
		mid |= done > 0 && done < total;
		last = done;
	}
	ok(mid && !back, "progress: it moves on with the rows");
	uimp_reader_progress(r, &done, &total);
	ok(rc == UIMP_OK && done == total, "progress: all at the end");
	uimp_reader_close(r);
}

int
main(void)
{
	const char *env;
	struct stat st;
	char cmd[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((env = getenv("USERIMP_CORPUS")) != NULL && *env)
		corpus = env;
	have_corpus = stat(C("SOURCES.md"), &st) == 0;
	/* CI lays shared/ beside the clone: a missing corpus is a failure */
	ok(have_corpus, "the corpus is at %s", corpus);
	if ((env = getenv("TMPDIR")) == NULL || *env == '\0' ||
	    strlen(env) > sizeof(tmpdir) - 20)
		env = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/xlsx_read.XXXXXX", env);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! cannot create a temporary folder\n");
		return 1;
	}
	if (!have_corpus)
		printf("# corpus not found at %s (set USERIMP_CORPUS)\n",
		    corpus);
	test_corpus_text();
	test_corpus_numbers();
	test_corpus_dates();
	test_corpus_errors();
	test_corpus_package();
	test_corpus_hostile();
	test_built();
	test_limits();
	test_mkxlsx();
	test_progress();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", tmpdir);
	return done_testing();
}
