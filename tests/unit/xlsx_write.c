/*
 * xlsx_write.c: unit tests of lib/xlsx_write.c: a template and an export
 * written to a temporary folder, read back with the project's own reader,
 * and their sheet XML searched with minizip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <minizip/unzip.h>

#include "internal.h"
#include "tap.h"
#include "zip.h"

#define TX	UIMP_CELL_TEXT
#define NU	UIMP_CELL_NUMBER
#define DA	UIMP_CELL_DATE
#define EM	UIMP_CELL_EMPTY

static char tmpdir[64];

/* A path in the temporary folder (one of four static buffers). */
static const char *
T(const char *name)
{
	static char out[4][128];
	static int k;
	char *o = out[k++ % 4];

	snprintf(o, sizeof(out[0]), "%s/%s", tmpdir, name);
	return o;
}

/*
 * A sheet read whole: rows[r][c] is a copy of the cell's text ("" past
 * the row's end), types[r][c] its type.
 */
#define ROWS_MAX	32
#define COLS_MAX	UIMP_F_COUNT

struct sheet {
	int	 status;
	size_t	 nrows;
	size_t	 ncols[ROWS_MAX];
	char	*text[ROWS_MAX][COLS_MAX];
	int	 type[ROWS_MAX][COLS_MAX];
	char	 msg[400];
};

static void
sheet_read(struct sheet *s, const char *path, const char *name)
{
	struct uimp_read_opts ro = { UIMP_FORMAT_XLSX, NULL, 0, NULL, 0 };
	struct uimp_reader *r = NULL;
	const struct uimp_row *row;
	struct uimp_err e;
	size_t i;

	memset(s, 0, sizeof(*s));
	ro.sheet = name;
	if ((s->status = uimp_reader_open(&r, path, &ro, &e)) != 0)
		goto out;
	while ((s->status = uimp_reader_next_row(r, &row, &e)) == 0 &&
	    row != NULL && s->nrows < ROWS_MAX) {
		/* rows as the sheet numbers them: no gaps expected */
		if (row->num != s->nrows + 1) {
			snprintf(s->msg, sizeof(s->msg), "row %lu after %zu",
			    row->num, s->nrows);
			s->status = -1;
			goto out;
		}
		for (i = 0; i < row->ncells && i < COLS_MAX; i++) {
			s->text[s->nrows][i] = strdup(row->cells[i].text);
			s->type[s->nrows][i] = row->cells[i].type;
		}
		s->ncols[s->nrows++] = row->ncells;
	}
out:
	if (s->status > 0)
		snprintf(s->msg, sizeof(s->msg), "%s: %s", e.where, e.msg);
	uimp_reader_close(r);
}

static const char *
cell(const struct sheet *s, size_t r, size_t c)
{
	if (r >= s->nrows || c >= COLS_MAX || s->text[r][c] == NULL)
		return "";
	return s->text[r][c];
}

static int
cell_type(const struct sheet *s, size_t r, size_t c)
{
	if (r >= s->nrows || c >= COLS_MAX || s->text[r][c] == NULL)
		return EM;
	return s->type[r][c];
}

static void
sheet_free(struct sheet *s)
{
	size_t r, c;

	for (r = 0; r < ROWS_MAX; r++)
		for (c = 0; c < COLS_MAX; c++)
			free(s->text[r][c]);
}

/* Whether the XML has a formula element, <f> or <f ...>. */
static int
has_formula(const char *xml)
{
	return strstr(xml, "<f>") != NULL || strstr(xml, "<f ") != NULL;
}

/* The template's fields: every one but the export-only ones. */
static size_t
template_fields(int *fields)
{
	size_t n = 0;
	int f;

	for (f = 0; f < UIMP_F_COUNT; f++)
		if (!(uimp_field_info(f)->flags & UIMP_FIELD_EXPORT_ONLY))
			fields[n++] = f;
	return n;
}

static void
test_template(void)
{
	struct uimp_policy pol;
	struct uimp_err e;
	struct sheet s;
	int fields[UIMP_F_COUNT];
	char h[64], rule[512], *xml;
	size_t i, n, nreq = 0;
	int rc;

	n = template_fields(fields);
	ok(n == UIMP_F_COUNT - 2, "the template has %zu fields", n);
	uimp_policy_init(&pol);
	pol.min_len = 12;
	memset(&e, 0, sizeof(e));
	rc = xlsx_template_write(T("template.xlsx"), &pol, NULL, 0, &e);
	if (!ok(rc == 0, "xlsx_template_write() succeeds"))
		printf("# %s: %s\n", e.where, e.msg);

	sheet_read(&s, T("template.xlsx"), "Users");
	if (!ok(s.status == 0, "the sheet Users reads back"))
		printf("# %s\n", s.msg);
	ok(s.nrows == 1, "Users: the header row only (%zu rows)", s.nrows);
	ok(s.ncols[0] == n, "Users: %zu headers", s.ncols[0]);
	for (i = 0; i < n; i++) {
		uimp_field_header(fields[i], h, sizeof(h));
		is(cell(&s, 0, i), h, "Users header %zu is %s", i + 1, h);
		if (uimp_field_info(fields[i])->flags & UIMP_FIELD_REQUIRED)
			nreq++;
	}
	ok(nreq == 5, "five required fields");
	is(cell(&s, 0, 0), "Username*", "required headers end in *");
	is(cell(&s, 0, 5), "Company", "others do not");
	sheet_free(&s);

	sheet_read(&s, T("template.xlsx"), "Instructions");
	if (!ok(s.status == 0, "the sheet Instructions reads back"))
		printf("# %s\n", s.msg);
	ok(s.nrows == n + 1, "Instructions: a header and %zu rows (%zu)", n,
	    s.nrows);
	is(cell(&s, 0, 0), "Column", "Instructions A1");
	is(cell(&s, 0, 1), "Required", "Instructions B1");
	is(cell(&s, 0, 2), "Rule", "Instructions C1");
	is(cell(&s, 0, 3), "Example", "Instructions D1");
	for (i = 0; i < n; i++) {
		const struct uimp_field_info *fi = uimp_field_info(fields[i]);

		uimp_field_header(fields[i], h, sizeof(h));
		uimp_field_rule(fields[i], &pol, rule, sizeof(rule));
		is(cell(&s, i + 1, 0), h, "Instructions row %zu: column",
		    i + 2);
		is(cell(&s, i + 1, 1), fi->flags & UIMP_FIELD_REQUIRED ?
		    "yes" : "no", "Instructions row %zu: required", i + 2);
		is(cell(&s, i + 1, 2), rule, "Instructions row %zu: rule",
		    i + 2);
		is(cell(&s, i + 1, 3), fi->example,
		    "Instructions row %zu: example", i + 2);
	}
	ok(strstr(cell(&s, 2, 2), "12-100 characters") != NULL,
	    "the password rule follows the policy: %s", cell(&s, 2, 2));
	sheet_free(&s);

	xml = zip_part(T("template.xlsx"), "xl/worksheets/sheet1.xml");
	if (ok(xml != NULL, "template: sheet1.xml unzips")) {
		ok(!has_formula(xml), "template: no <f> in sheet1.xml");
		ok(strstr(xml, "<pane ySplit=\"1\" topLeftCell=\"A2\"") != NULL,
		    "template: frozen header row");
		ok(strstr(xml, "<formula1>\"0,1\"</formula1>") != NULL,
		    "template: a list validation 0,1");
		ok(strstr(xml, "sqref=\"R2:R1048576\"") != NULL &&
		    strstr(xml, "<formula1>\"active,blocked\"</formula1>") !=
		    NULL, "template: status list on R2:R1048576");
		ok(strstr(xml, "type=\"whole\"") != NULL &&
		    strstr(xml, "<formula1>1</formula1><formula2>10000"
		    "</formula2>") != NULL, "template: whole 1-10000");
	}
	free(xml);
	xml = zip_part(T("template.xlsx"), "xl/comments1.xml");
	if (ok(xml != NULL, "template: comments1.xml unzips"))
		ok(strstr(xml, "Example: jsmith@example.com") != NULL,
		    "template: a note gives the email's example");
	free(xml);
	xml = zip_part(T("template.xlsx"), "xl/styles.xml");
	ok(xml != NULL && strstr(xml, "formatCode=\"@\"") == NULL &&
	    strstr(xml, "numFmtId=\"49\"") != NULL,
	    "template: the built-in text format 49 (@) is used");
	free(xml);
	xml = zip_part(T("template.xlsx"), "docProps/core.xml");
	ok(xml != NULL && strstr(xml, "<dcterms:created xsi:type=\"dcterms:"
	    "W3CDTF\">2023-11-14T22:13:20Z</dcterms:created>") != NULL,
	    "template: created from SOURCE_DATE_EPOCH");
	free(xml);

	rc = xlsx_template_write(T("no/such/dir/t.xlsx"), NULL, NULL, 0, &e);
	ok(rc == UIMP_EWRITE, "a template in a missing folder fails: %d", rc);
	is(e.where, T("no/such/dir/t.xlsx"), "e->where is the path");
	ok(strstr(e.msg, "cannot write the workbook: error creating") != NULL,
	    "e->msg has libxlsxwriter's reason: %s", e.msg);
}

/* The columns of the export: every field. */
static const int efields[] = {
	UIMP_F_USERNAME, UIMP_F_PASSWORD, UIMP_F_EMAIL, UIMP_F_FIRST_NAME,
	UIMP_F_LAST_NAME, UIMP_F_COMPANY, UIMP_F_TITLE, UIMP_F_DEPARTMENT,
	UIMP_F_ABOUT_ME, UIMP_F_WHATSAPP, UIMP_F_WORK_PHONE,
	UIMP_F_MOBILE_PHONE, UIMP_F_FAX, UIMP_F_WEBSITE, UIMP_F_ADDRESS,
	UIMP_F_IS_MANAGER, UIMP_F_STATUS, UIMP_F_MUST_CHANGE_PASSWORD,
	UIMP_F_CONTACT_NO, UIMP_F_CREATED_AT, UIMP_F_UPDATED_AT
};
#define NE	(sizeof(efields) / sizeof(efields[0]))

#define HASH	"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

/* What each user holds, by field; NULL: no value. */
static const char *const users[3][UIMP_F_COUNT] = {
	{
		[UIMP_F_USERNAME] = "=cmd",
		[UIMP_F_PASSWORD] = HASH,
		[UIMP_F_EMAIL] = "cmd@example.com",
		[UIMP_F_FIRST_NAME] = "Иван",
		[UIMP_F_LAST_NAME] = "Петров-Водкин",
		[UIMP_F_COMPANY] = "=HYPERLINK(\"http://x\",\"y\")",
		[UIMP_F_TITLE] = "@SUM(A1)",
		[UIMP_F_DEPARTMENT] = "-1+2",
		[UIMP_F_ABOUT_ME] = "line one\nline two 😀",
		[UIMP_F_WHATSAPP] = "+79161234567",
		[UIMP_F_WORK_PHONE] = "0012345",
		[UIMP_F_MOBILE_PHONE] = "123456789012345",
		[UIMP_F_FAX] = "+15550100100",
		[UIMP_F_WEBSITE] = "https://example.com/~ivan",
		[UIMP_F_ADDRESS] = "Улица 1\nМосква",
		[UIMP_F_IS_MANAGER] = "1",
		[UIMP_F_STATUS] = "active",
		[UIMP_F_MUST_CHANGE_PASSWORD] = "0",
		[UIMP_F_CONTACT_NO] = "100",
		[UIMP_F_CREATED_AT] = "2024-01-31T09:30:00Z",
		[UIMP_F_UPDATED_AT] = "2024-02-29T16:05:59Z"
	},
	{
		[UIMP_F_USERNAME] = "+79161234567",
		[UIMP_F_EMAIL] = "plus@example.com",
		[UIMP_F_FIRST_NAME] = "Zoë 🙂",
		[UIMP_F_LAST_NAME] = "O'Brien",
		[UIMP_F_ABOUT_ME] = " spaced \t",
		[UIMP_F_IS_MANAGER] = "0",
		[UIMP_F_STATUS] = "blocked",
		[UIMP_F_MUST_CHANGE_PASSWORD] = "1",
		[UIMP_F_CONTACT_NO] = "10000",
		[UIMP_F_CREATED_AT] = "1999-12-31T23:59:59Z"
	},
	{
		[UIMP_F_USERNAME] = "00042",
		[UIMP_F_EMAIL] = "zero@example.com",
		[UIMP_F_FIRST_NAME] = "A",
		[UIMP_F_LAST_NAME] = "B",
		/* not the stored form: written as it is, a string */
		[UIMP_F_CREATED_AT] = "yesterday",
		[UIMP_F_UPDATED_AT] = "2024-13-01T00:00:00Z"
	}
};

/* The text a cell of field f holding v reads back as, and its type. */
static const char *
expect(int f, const char *v, int *type, char *buf, size_t bufsz)
{
	size_t n;

	if (v == NULL) {
		*type = EM;
		return "";
	}
	*type = TX;
	switch (f) {
	case UIMP_F_IS_MANAGER:
	case UIMP_F_MUST_CHANGE_PASSWORD:
	case UIMP_F_CONTACT_NO:
		*type = NU;
		break;
	case UIMP_F_CREATED_AT:
	case UIMP_F_UPDATED_AT:
		/* YYYY-MM-DDTHH:MM:SSZ with a real month: a date cell */
		n = strlen(v);
		if (n == 20 && v[19] == 'Z' &&
		    (v[5] - '0') * 10 + (v[6] - '0') <= 12) {
			*type = DA;
			snprintf(buf, bufsz, "%.19s", v);
			return buf;
		}
		break;
	}
	return v;
}

static void
test_export(void)
{
	struct xlsx_out *x = NULL;
	struct user u[3];
	struct uimp_err e;
	struct sheet s;
	char h[64], buf[32], *xml;
	const char *want;
	size_t i, k;
	int rc, f, type, good;

	memset(u, 0, sizeof(u));
	for (k = 0; k < 3; k++)
		for (f = 0; f < UIMP_F_COUNT; f++)
			u[k].v[f] = users[k][f];

	memset(&e, 0, sizeof(e));
	rc = xlsx_export_open(&x, T("export.xlsx"), efields, NE, NULL, &e);
	if (!ok(rc == 0 && x != NULL, "xlsx_export_open() succeeds"))
		printf("# %s: %s\n", e.where, e.msg);
	for (k = 0; k < 3 && rc == 0; k++) {
		rc = xlsx_export_row(x, &u[k], NULL, &e);
		if (!ok(rc == 0, "xlsx_export_row() %zu", k + 1))
			printf("# %s: %s\n", e.where, e.msg);
	}
	rc = xlsx_export_close(x, &e);
	if (!ok(rc == 0, "xlsx_export_close() succeeds"))
		printf("# %s: %s\n", e.where, e.msg);

	sheet_read(&s, T("export.xlsx"), "Users");
	if (!ok(s.status == 0, "the export reads back"))
		printf("# %s\n", s.msg);
	ok(s.nrows == 4, "a header and 3 rows (%zu)", s.nrows);
	for (i = 0; i < NE; i++) {
		uimp_field_header(efields[i], h, sizeof(h));
		is(cell(&s, 0, i), h, "export header %zu is %s", i + 1, h);
	}
	for (k = 0; k < 3; k++) {
		good = 1;
		for (i = 0; i < NE; i++) {
			f = efields[i];
			want = expect(f, users[k][f], &type, buf, sizeof(buf));
			if (strcmp(cell(&s, k + 1, i), want) != 0 ||
			    cell_type(&s, k + 1, i) != type) {
				printf("# row %zu %s: got '%s' (type %d), "
				    "want '%s' (type %d)\n", k + 2,
				    uimp_field_info(f)->name,
				    tap_vis(cell(&s, k + 1, i)),
				    cell_type(&s, k + 1, i), tap_vis(want), type);
				good = 0;
			}
		}
		ok(good, "export row %zu reads back cell for cell", k + 2);
	}
	is(cell(&s, 1, 0), "=cmd", "=cmd is text");
	is(cell(&s, 2, 0), "+79161234567", "+79161234567 is text");
	is(cell(&s, 3, 0), "00042", "leading zeros are kept");
	is(cell(&s, 1, 19), "2024-01-31T09:30:00", "created_at is a date");
	ok(cell_type(&s, 1, 19) == DA, "of type date");
	ok(cell_type(&s, 1, 18) == NU, "contact_no is a number");
	sheet_free(&s);

	xml = zip_part(T("export.xlsx"), "xl/worksheets/sheet1.xml");
	if (ok(xml != NULL, "export: sheet1.xml unzips")) {
		ok(!has_formula(xml), "export: no <f> in sheet1.xml");
		ok(strstr(xml, "<pane ySplit=\"1\" topLeftCell=\"A2\"") != NULL,
		    "export: frozen header row");
		ok(strstr(xml, "<col min=\"1\" max=\"2\"") != NULL ||
		    strstr(xml, "<col min=\"1\" max=\"1\"") != NULL,
		    "export: column formats");
	}
	free(xml);

	/* a folder that does not exist: the error comes at close */
	rc = xlsx_export_open(&x, T("no/such/dir/e.xlsx"), efields, NE,
	    NULL, &e);
	ok(rc == 0, "export open does not touch the path yet");
	if (rc == 0) {
		ok(xlsx_export_row(x, &u[0], NULL, &e) == 0, "a row");
		rc = xlsx_export_close(x, &e);
		ok(rc == UIMP_EWRITE, "close fails with UIMP_EWRITE: %d", rc);
		is(e.where, T("no/such/dir/e.xlsx"), "e->where is the path");
	}

	/* a cell over Excel's limit fails the row; close writes nothing */
	{
		static char big[UIMP_CELL_MAX + 2];
		struct user b;

		memset(big, 'x', sizeof(big) - 1);
		memset(&b, 0, sizeof(b));
		b.v[UIMP_F_USERNAME] = "big";
		b.v[UIMP_F_ABOUT_ME] = big;
		rc = xlsx_export_open(&x, T("big.xlsx"), efields, NE, NULL,
		    &e);
		ok(rc == 0, "export open for a long cell");
		if (rc == 0) {
			rc = xlsx_export_row(x, &b, NULL, &e);
			ok(rc == UIMP_EWRITE, "a cell over 32767 characters fails "
			    "with UIMP_EWRITE: %d", rc);
			ok(strstr(e.msg, "row 2, column About Me") != NULL &&
			    strstr(e.msg, "32,767") != NULL,
			    "the message names the cell: %s", e.msg);
			rc = xlsx_export_close(x, &e);
			ok(rc == UIMP_EWRITE, "close returns the failure: %d", rc);
			ok(access(T("big.xlsx"), F_OK) != 0,
			    "and writes no file");
		}
	}
	ok(xlsx_export_close(NULL, NULL) == 0, "close(NULL) does nothing");
}

int
main(void)
{
	const char *env;
	char cmd[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((env = getenv("TMPDIR")) == NULL || *env == '\0' ||
	    strlen(env) > sizeof(tmpdir) - 20)
		env = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/xlsx_write.XXXXXX", env);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! cannot create a temporary folder\n");
		return 1;
	}
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	test_template();
	test_export();
	if (tap_failed == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# cannot remove %s\n", tmpdir);
	} else
		printf("# files kept in %s\n", tmpdir);
	return done_testing();
}
