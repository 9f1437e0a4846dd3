/*
 * csv_read.c: tests of lib/csv_read.c through uimp_reader_open(), on
 * small files written to a temporary folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char dir[] = "/tmp/userimp-csv.XXXXXX";
static char path[256];

/* Write n bytes of s to a file NAME in the temporary folder. */
static const char *
put(const char *name, const char *s, size_t n)
{
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(s, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
	return path;
}

/* Append c to the dump, escaped. */
static void
dump_char(struct buf *b, unsigned char c)
{
	char hex[5];

	switch (c) {
	case '\n': buf_adds(b, "\\n"); break;
	case '\r': buf_adds(b, "\\r"); break;
	case '\t': buf_adds(b, "\\t"); break;
	case '\\': buf_adds(b, "\\\\"); break;
	default:
		if (c < 0x20 || c >= 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			buf_adds(b, hex);
		} else
			buf_addc(b, c);
	}
}

/*
 * Read the whole table at p as "NUM:[cell][cell] NUM:..."; a cell flagged
 * bad UTF-8 gets "!u", too long "!l".  Returns the status of the read; the
 * rows read before a failure are in the dump.
 */
static int
dump(const char *p, int delimiter, struct buf *b, struct uimp_err *e)
{
	struct uimp_read_opts o = { UIMP_FORMAT_CSV, NULL, 0 };
	struct uimp_reader *r;
	const struct uimp_row *row;
	const struct uimp_cell *c;
	char num[32];
	size_t i, k;
	int rc;

	o.delimiter = delimiter;
	buf_reset(b);
	buf_adds(b, "");
	if ((rc = uimp_reader_open(&r, p, &o, e)) != UIMP_OK)
		return rc;
	while ((rc = uimp_reader_next_row(r, &row, e)) == UIMP_OK &&
	    row != NULL) {
		snprintf(num, sizeof(num), "%s%lu:", b->len ? " " : "",
		    row->num);
		buf_adds(b, num);
		for (i = 0; i < row->ncells; i++) {
			c = &row->cells[i];
			buf_addc(b, '[');
			for (k = 0; k < c->len; k++)
				dump_char(b, (unsigned char)c->text[k]);
			buf_addc(b, ']');
			if (c->flags & UIMP_CELL_BAD_UTF8)
				buf_adds(b, "!u");
			if (c->flags & UIMP_CELL_TOO_LONG)
				buf_adds(b, "!l");
			if ((c->len == 0) != (c->type == UIMP_CELL_EMPTY) ||
			    c->text[c->len] != '\0')
				buf_adds(b, "!BADCELL");
		}
	}
	uimp_reader_close(r);
	return rc;
}

/* Read s as a CSV file and compare the dump with want. */
static void
check(const char *desc, const char *s, size_t n, int delimiter,
    const char *want)
{
	struct buf b = BUF_INIT;
	struct uimp_err e;
	int rc;

	rc = dump(put("t.csv", s, n), delimiter, &b, &e);
	if (rc != UIMP_OK)
		printf("# %s: %s: %s\n", uimp_strstatus(rc), e.where, e.msg);
	is(rc == UIMP_OK ? b.s : "(failed)", want, "%s", desc);
	buf_release(&b);
}

#define CHECK(desc, lit, want) check(desc, lit, sizeof(lit) - 1, 0, want)

/*
 * Reading s (n bytes) fails with UIMP_EINPUT at line (0: the file, when it
 * is opened), with a message holding what.
 */
static void
fails_n(const char *desc, const char *s, size_t n, unsigned long line,
    const char *what)
{
	struct buf b = BUF_INIT;
	struct uimp_err e;
	char where[300];
	int rc;

	memset(&e, 0, sizeof(e));
	rc = dump(put("f.csv", s, n), 0, &b, &e);
	if (line)
		snprintf(where, sizeof(where), "%s/f.csv:%lu", dir, line);
	else
		snprintf(where, sizeof(where), "%s/f.csv", dir);
	if (!ok(rc == UIMP_EINPUT && strcmp(e.where, where) == 0 &&
	    strstr(e.msg, what) != NULL, "%s", desc))
		printf("#   got: %d %s: %s\n", rc, e.where, e.msg);
	buf_release(&b);
}

#define fails(desc, lit, line, what)					\
	fails_n(desc, lit, sizeof(lit) - 1, line, what)

static void
test_basics(void)
{
	CHECK("comma", "username,email\njs,js@x.io\n",
	    "1:[username][email] 2:[js][js@x.io]");
	CHECK("BOM stripped", "\xef\xbb\xbfusername,email\r\njs,js@x.io\r\n",
	    "1:[username][email] 2:[js][js@x.io]");
	CHECK("BOM and ;", "\xef\xbb\xbf" "a;b\n1;2\n", "1:[a][b] 2:[1][2]");
	CHECK("semicolon", "a;b;c\n1;2;3\n", "1:[a][b][c] 2:[1][2][3]");
	CHECK("tab", "a\tb\n1\t2\n", "1:[a][b] 2:[1][2]");
	CHECK("most wins", "name;note,x;y\n1;2,3;4\n",
	    "1:[name][note,x][y] 2:[1][2,3][4]");
	CHECK("tab beats comma", "a\tb,c\td\n", "1:[a][b,c][d]");
	CHECK("tie is comma", "a;b,c\n", "1:[a;b][c]");
	CHECK("none is comma", "abc\n", "1:[abc]");
	CHECK("quoted delimiters do not count", "\"a;b;c\",d\n",
	    "1:[a;b;c][d]");
	CHECK("the header line decides", "a,b\n1;2;3;4\n",
	    "1:[a][b] 2:[1;2;3;4]");
	CHECK("blank lines before the header", "\n\r\na;b\n",
	    "1: 2: 3:[a][b]");
	check("a given delimiter", "a,b;c\n", 6, ';', "1:[a,b][c]");
	check("a given tab", "a,b\tc\n", 6, '\t', "1:[a,b][c]");
}

static void
test_lines(void)
{
	CHECK("CRLF, LF and lone CR", "a\r\nb\nc\rd",
	    "1:[a] 2:[b] 3:[c] 4:[d]");
	CHECK("no final line break", "a,b", "1:[a][b]");
	CHECK("quoted newline and row numbers",
	    "h1,h2\n\"multi\nline\",x\nnext,y\n",
	    "1:[h1][h2] 2:[multi\\nline][x] 4:[next][y]");
	CHECK("quoted CRLF kept", "\"a\r\nb\",c\r\nd,e\r\n",
	    "1:[a\\r\\nb][c] 3:[d][e]");
	CHECK("quoted lone CR counts a line", "\"a\rb\rc\",x\ny\n",
	    "1:[a\\rb\\rc][x] 4:[y]");
	CHECK("blank lines are empty rows", "a\n\nb\n\n",
	    "1:[a] 2: 3:[b] 4:");
	CHECK("blank CRLF lines", "a\r\n\r\nb\r\n", "1:[a] 2: 3:[b]");
	CHECK("a line of spaces is a cell", "a\n \n", "1:[a] 2:[ ]");
	CHECK("empty fields", ",,\n", "1:[][][]");
	CHECK("trailing delimiter", "a,b,\n", "1:[a][b][]");
	CHECK("empty file", "", "");
	CHECK("BOM only", "\xef\xbb\xbf", "");
	CHECK("header only", "username,email\n", "1:[username][email]");
	CHECK("header only, no line break", "username,email",
	    "1:[username][email]");
}

static void
test_quotes(void)
{
	CHECK("doubled quotes", "\"say \"\"hi\"\"\",\"\"\n",
	    "1:[say \"hi\"][]");
	CHECK("a quoted delimiter", "\"a,b\",c\n", "1:[a,b][c]");
	CHECK("quotes inside an unquoted field", "ab\"c\"d,e\n",
	    "1:[ab\"c\"d][e]");
	CHECK("text after a closing quote", "\"ab\"cd,e\n", "1:[abcd][e]");
	CHECK("a quoted field at the end", "a,\"b\"", "1:[a][b]");
	CHECK("formula guard, also before ' and one of = + - @",
	    "'=SUM(A1),'+1,'-x,'@y,\"'\tz\",\"'\rw\",'abc,''=x,',\"'=1\"\n",
	    "1:[=SUM(A1)][+1][-x][@y][\\tz][\\rw]['abc]['=x]['][=1]");
}

static void
test_faults(void)
{
	struct buf b = BUF_INIT;
	struct uimp_err e;
	char where[300], *big;
	size_t i, n;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = dump(put("open.csv", "a,b\nc,\"open\nmore\n", 17), 0, &b, &e);
	snprintf(where, sizeof(where), "%s/open.csv:2", dir);
	ok(rc == UIMP_EINPUT, "unterminated quote: UIMP_EINPUT");
	is(e.where, where, "unterminated quote: the line it started on");
	ok(strncmp(e.msg, "unterminated quoted field: ", 27) == 0,
	    "unterminated quote: message (%s)", e.msg);
	is(b.s, "1:[a][b]", "the rows before it were read");

	rc = dump(put("open2.csv", "x\n\n\"", 4), 0, &b, &e);
	snprintf(where, sizeof(where), "%s/open2.csv:3", dir);
	ok(rc == UIMP_EINPUT, "a lone quote at the end");
	is(e.where, where, "a lone quote: line 3");

	CHECK("invalid UTF-8 flagged, bytes kept",
	    "h1,h2,h3\nok,bad\xff,\xc3\xa9\n",
	    "1:[h1][h2][h3] 2:[ok][bad\\xff]!u[\\xc3\\xa9]");
	fails("a header that is not UTF-8 stops the reading", "\n,\nok,b\xc3"
	    "\xa9" "d,c\xe9,d\n", 3, "the header is not valid UTF-8 (byte "
	    "0xE9 at byte 12 of the file)");
	fails("a sequence cut at the field's end", "a\xe2\x82,b\n", 1,
	    "(byte 0xE2 at byte 1 of the file)");
	fails("an overlong form", "ab,\xc0\xaf\n", 1,
	    "(byte 0xC0 at byte 3 of the file)");
	fails("a surrogate", "\xed\xa0\x80\n", 1,
	    "(byte 0xED at byte 0 of the file)");
	fails("after a BOM, offsets count it", "\xef\xbb\xbf\xff\n", 1,
	    "(byte 0xFF at byte 3 of the file)");
	fails("a NUL byte stops the reading", "h\na\0b,c\n", 2,
	    "a NUL byte at byte 3: not a text file");
	fails("a NUL in quotes too", "h\n\"\0\"\n", 2, "a NUL byte at byte 3");
	fails("UTF-16 with a BOM", "\xff\xfeh\0\n\0", 0,
	    "UTF-16 text (it starts with a UTF-16 byte order mark)");

	/* over-long fields: cut at UIMP_CELL_MAX characters, then skipped */
	n = 40000;
	if ((big = malloc(n * 2 + 64)) == NULL)
		exit(2);
	memset(big, 'x', n);
	memcpy(big + n, ",next\n", 6);
	rc = dump(put("long.csv", big, n + 6), 0, &b, &e);
	ok(rc == UIMP_OK && b.len == strlen("1:[]!l[next]") + UIMP_CELL_MAX &&
	    strcmp(b.s + b.len - 9, "]!l[next]") == 0,
	    "a 40000-character field is cut to 32767 and flagged");
	memset(big, 'x', UIMP_CELL_MAX);
	memcpy(big + UIMP_CELL_MAX, "\n", 1);
	rc = dump(put("max.csv", big, UIMP_CELL_MAX + 1), 0, &b, &e);
	ok(rc == UIMP_OK && b.len == strlen("1:[]") + UIMP_CELL_MAX,
	    "exactly 32767 characters are not flagged");
	big[0] = '"';
	for (i = 0; i < UIMP_CELL_MAX + 1; i++)
		memcpy(big + 1 + 2 * i, "\xc3\xa9", 2);
	memcpy(big + 1 + 2 * i, "\"\n", 2);
	rc = dump(put("long2.csv", big, 1 + 2 * i + 2), 0, &b, &e);
	ok(rc == UIMP_OK && b.len == strlen("1:[]!l") +
	    UIMP_CELL_MAX * strlen("\\xc3\\xa9") &&
	    strcmp(b.s + b.len - 3, "]!l") == 0,
	    "32768 two-byte characters: cut at a character, not bad UTF-8");
	free(big);

	/* columns */
	n = UIMP_COLS_MAX + 1;
	if ((big = malloc(2 * n + 1)) == NULL)
		exit(2);
	for (i = 0; i < n; i++)
		memcpy(big + 2 * i, "a,", 2);
	big[2 * (n - 1) - 1] = '\n';
	rc = dump(put("cols.csv", big, 2 * (n - 1)), 0, &b, &e);
	ok(rc == UIMP_OK && b.len == strlen("1:") + 3 * UIMP_COLS_MAX,
	    "16384 fields are read");
	big[2 * (n - 1) - 1] = ',';
	big[2 * n - 1] = '\n';
	rc = dump(put("cols2.csv", big, 2 * n), 0, &b, &e);
	snprintf(where, sizeof(where), "%s/cols2.csv:1", dir);
	ok(rc == UIMP_EINPUT && strcmp(e.where, where) == 0,
	    "16385 fields stop the reading (%s: %s)", e.where, e.msg);
	free(big);

	/* a record over 64 MiB: 1100 fields of 32767 two-byte characters */
	n = 1100 * (2 * UIMP_CELL_MAX + 1) + 8;
	if ((big = malloc(n)) == NULL)
		exit(2);
	memcpy(big, "h\n", 2);
	for (i = 2; i + 1 < n; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	for (i = 1; i < 1100; i++)
		big[2 + i * (2 * UIMP_CELL_MAX + 1)] = ',';
	big[n - 1] = '\n';
	fails_n("a record over 64 MiB stops the reading", big, n, 2,
	    "a record longer than 64 MiB: refused");
	free(big);
	unlink(path);

	buf_release(&b);
}

static void
test_stream(void)
{
	struct uimp_read_opts o = { UIMP_FORMAT_CSV, NULL, 0 };
	struct uimp_reader *r;
	const struct uimp_row *row;
	struct uimp_err e;
	struct buf s = BUF_INIT;
	char line[64], hex[65];
	unsigned long rows = 0, last = 0, bad = 0;
	size_t qstart, qlen;
	int rc, found = 0;

	/*
	 * A CR LF split over the first two 64 KiB read blocks; a quoted
	 * field across the next two, with its own CR LF split over them.
	 */
	while (s.len < 65535 - 20) {
		snprintf(line, sizeof(line), "r%lu,v\n", rows++);
		buf_adds(&s, line);
	}
	while (s.len < 65535)
		buf_addc(&s, 'z');
	buf_adds(&s, "\r\n");
	rows++;
	while (s.len < 131071 - 60) {
		snprintf(line, sizeof(line), "r%lu,v\n", rows++);
		buf_adds(&s, line);
	}
	qstart = s.len + 1;
	buf_adds(&s, "\"q\n");
	while (s.len < 131071)
		buf_addc(&s, 'y');
	buf_adds(&s, "\r\nyy");
	qlen = s.len - qstart;
	buf_adds(&s, "\",end\r\nlast\n");
	put("blocks.csv", s.s, s.len);
	rc = uimp_reader_open(&r, path, &o, &e);
	ok(rc == UIMP_OK, "open blocks.csv");
	if (rc != UIMP_OK)
		return;
	while ((rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK && row) {
		if (row->num != ++last)
			bad++;
		last = row->num;
		if (row->ncells == 2 && strcmp(row->cells[1].text, "end") == 0)
			found = row->num == rows + 1 &&
			    row->cells[0].len == qlen &&
			    memcmp(row->cells[0].text, s.s + qstart, qlen) == 0;
	}
	ok(found, "the quoted field across blocks");
	ok(rc == UIMP_OK && bad == 1 && last == rows + 4,
	    "rows numbered across blocks (last %lu)", last);
	ok(uimp_reader_sheet(r) == NULL, "no sheet name for CSV");
	ok(uimp_reader_sha256(r, hex) == UIMP_OK && strlen(hex) == 64,
	    "a digest");
	uimp_reader_close(r);
	buf_release(&s);

	/* many rows: the same memory for each */
	buf_reset(&s);
	for (rows = 0; rows < 200000; rows++) {
		snprintf(line, sizeof(line), "user%lu,user%lu@example.com\n",
		    rows, rows);
		buf_adds(&s, line);
	}
	put("many.csv", s.s, s.len);
	buf_release(&s);
	rc = uimp_reader_open(&r, path, &o, &e);
	last = 0;
	bad = 0;
	while (rc == UIMP_OK &&
	    (rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK && row) {
		if (row->num != last + 1 || row->ncells != 2)
			bad++;
		last = row->num;
	}
	ok(rc == UIMP_OK && last == 200000 && bad == 0, "200000 rows");
	uimp_reader_close(r);

	/* after a failure, the failure again */
	put("again.csv", "\"x", 2);
	rc = uimp_reader_open(&r, path, &o, &e);
	if (rc == UIMP_OK) {
		rc = uimp_reader_next_row(r, &row, &e);
		ok(rc == UIMP_EINPUT && row == NULL, "first call fails");
		memset(&e, 0, sizeof(e));
		rc = uimp_reader_next_row(r, &row, &e);
		ok(rc == UIMP_EINPUT && row == NULL &&
		    strncmp(e.msg, "unterminated quoted field", 25) == 0,
		    "and so does the next");
		uimp_reader_close(r);
	}

	o.delimiter = '"';
	rc = uimp_reader_open(&r, path, &o, &e);
	ok(rc == UIMP_EINVAL && r == NULL, "a quote is no delimiter");
}

/* uimp_reader_progress(): the bytes consumed, up to the file's size. */
static void
test_progress(void)
{
	static const char s[] = "\xef\xbb\xbf" "a,b\r\n1,2\r\n3,4\r\n";
	struct uimp_reader *r;
	const struct uimp_row *row;
	struct uimp_err e;
	unsigned long long done, total, last = 0;
	int rc, grew = 1;

	put("progress.csv", s, sizeof(s) - 1);
	if (uimp_reader_open(&r, path, NULL, &e) != UIMP_OK) {
		ok(0, "progress: open: %s", e.msg);
		return;
	}
	uimp_reader_progress(r, &done, &total);
	ok(done == 0 && total == sizeof(s) - 1,
	    "progress: 0 of the file's %zu bytes at first", sizeof(s) - 1);
	while ((rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK && row) {
		uimp_reader_progress(r, &done, &total);
		grew &= done > last;
		last = done;
	}
	ok(grew, "progress: each row moves it on");
	uimp_reader_progress(r, &done, &total);
	ok(rc == UIMP_OK && done == total, "progress: all at the end");
	uimp_reader_close(r);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_basics();
	test_lines();
	test_quotes();
	test_faults();
	test_stream();
	test_progress();
	/* leave nothing behind */
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "remove %s", dir);
	return done_testing();
}
