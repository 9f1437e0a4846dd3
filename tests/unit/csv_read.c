/*
 * csv_read.c: tests of lib/csv_read.c through uimp_reader_open(), on
 * small files written to a temporary folder.
 */
#include <iconv.h>
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
dump_enc(const char *p, int delimiter, const char *encoding, struct buf *b,
    struct uimp_err *e)
{
	struct uimp_read_opts o = { UIMP_FORMAT_CSV, NULL, 0, NULL, 0 };
	struct uimp_reader *r;
	const struct uimp_row *row;
	const struct uimp_cell *c;
	char num[32];
	size_t i, k;
	int rc;

	o.delimiter = delimiter;
	o.encoding = encoding;
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

/* dump_enc() of a file in UTF-8 or with a byte order mark. */
static int
dump(const char *p, int delimiter, struct buf *b, struct uimp_err *e)
{
	return dump_enc(p, delimiter, NULL, b, e);
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
	    "0xE9 at byte 12 of the file): save the file as CSV UTF-8, or "
	    "give --encoding (e.g. --encoding windows-1251)");
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
	fails("a NUL byte says how to read UTF-16 without a BOM",
	    "h\0\n\0", 1, "(UTF-16 without a BOM?); give --encoding "
	    "UTF-16LE, or save it as CSV UTF-8");

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
	struct uimp_read_opts o = { UIMP_FORMAT_CSV, NULL, 0, NULL, 0 };
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

	struct uimp_read_opts o = { .same_thread = 1 };

	put("progress.csv", s, sizeof(s) - 1);
	if (uimp_reader_open(&r, path, &o, &e) != UIMP_OK) {
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

/* s (UTF-8, NUL-terminated) converted to the encoding to, into out. */
static void
encode(const char *to, const char *s, struct buf *out)
{
	char *in = (char *)s, *o;
	size_t inleft = strlen(s), outleft;
	iconv_t cd;

	buf_reset(out);
	if (buf_grow(out, inleft * 4 + 16) != UIMP_OK ||
	    (cd = iconv_open(to, "UTF-8")) == (iconv_t)-1) {
		perror(to);
		exit(2);
	}
	o = out->s;
	outleft = out->cap;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1) {
		perror("iconv");
		exit(2);
	}
	out->len = out->cap - outleft;
	iconv_close(cd);
}

/*
 * Read s converted to the encoding to (a leading U+FEFF becomes its BOM)
 * as a CSV file with --encoding given (NULL: none); compare the dump
 * with want.
 */
static void
check_enc(const char *desc, const char *to, const char *s,
    const char *given, const char *want)
{
	struct buf raw = BUF_INIT, b = BUF_INIT;
	struct uimp_err e;
	int rc;

	encode(to, s, &raw);
	rc = dump_enc(put("enc.csv", raw.s, raw.len), 0, given, &b, &e);
	if (rc != UIMP_OK)
		printf("# %s: %s: %s\n", uimp_strstatus(rc), e.where, e.msg);
	is(rc == UIMP_OK ? b.s : "(failed)", want, "%s", desc);
	buf_release(&raw);
	buf_release(&b);
}

/* Read n bytes of s with --encoding given; compare the dump with want. */
static void
check_raw(const char *desc, const char *s, size_t n, const char *given,
    const char *want)
{
	struct buf b = BUF_INIT;
	struct uimp_err e;
	int rc;

	rc = dump_enc(put("raw.csv", s, n), 0, given, &b, &e);
	if (rc != UIMP_OK)
		printf("# %s: %s: %s\n", uimp_strstatus(rc), e.where, e.msg);
	is(rc == UIMP_OK ? b.s : "(failed)", want, "%s", desc);
	buf_release(&b);
}

#define RAW(desc, lit, given, want)					\
	check_raw(desc, lit, sizeof(lit) - 1, given, want)

/* The message of a bad cell in the file at p read with --encoding given. */
static void
check_bad_text(const char *desc, const char *p, const char *given,
    const char *want)
{
	struct uimp_read_opts o = { UIMP_FORMAT_CSV, NULL, 0, NULL, 0 };
	struct uimp_reader *r;
	struct uimp_err e;

	o.encoding = given;
	if (uimp_reader_open(&r, p, &o, &e) != UIMP_OK) {
		ok(0, "%s: %s", desc, e.msg);
		return;
	}
	is(uimp_reader_bad_text(r), want, "%s", desc);
	uimp_reader_close(r);
}

#define BOM	"\xef\xbb\xbf"
#define NAMES	"username\temail\r\n\xd1\x8e\xd0\xbb\xd1\x8f\tjul@x.io\r\n" \
	"\xe7\x8e\x8b\xe8\x8a\xb3\tw@x.io\r\nJos\xc3\xa9\tj@x.io\r\n"
#define NAMES_DUMP	"1:[username][email] " \
	"2:[\\xd1\\x8e\\xd0\\xbb\\xd1\\x8f][jul@x.io] " \
	"3:[\\xe7\\x8e\\x8b\\xe8\\x8a\\xb3][w@x.io] 4:[Jos\\xc3\\xa9][j@x.io]"

/* Files in other encodings: found by a BOM, or given by --encoding. */
static void
test_encodings(void)
{
	struct buf b = BUF_INIT;
	struct uimp_err e;
	char where[300];
	int rc;

	check_enc("UTF-16LE with a BOM (\"Unicode text\"): tabs found",
	    "UTF-16LE", BOM NAMES, NULL, NAMES_DUMP);
	check_enc("UTF-16BE with a BOM", "UTF-16BE", BOM NAMES, NULL,
	    NAMES_DUMP);
	check_enc("UTF-32LE with a BOM", "UTF-32LE", BOM NAMES, NULL,
	    NAMES_DUMP);
	check_enc("UTF-32BE with a BOM", "UTF-32BE", BOM NAMES, NULL,
	    NAMES_DUMP);
	check_enc("a UTF-16 BOM wins over --encoding", "UTF-16LE", BOM NAMES,
	    "windows-1251", NAMES_DUMP);
	check_enc("UTF-16LE given, no BOM", "UTF-16LE", NAMES, "UTF-16LE",
	    NAMES_DUMP);
	check_enc("windows-1251 with ; and CR LF", "WINDOWS-1251",
	    "\xd0\xb8\xd0\xbc\xd1\x8f;\xd0\xbf\xd0\xbe\xd1\x87\xd1\x82\xd0\xb0"
	    "\r\n\xd0\xae\xd0\xbb\xd1\x8f;\"a;b\"\r\n", "windows-1251",
	    "1:[\\xd0\\xb8\\xd0\\xbc\\xd1\\x8f][\\xd0\\xbf\\xd0\\xbe\\xd1\\x87"
	    "\\xd1\\x82\\xd0\\xb0] 2:[\\xd0\\xae\\xd0\\xbb\\xd1\\x8f][a;b]");
	check_enc("KOI8-R", "KOI8-R", "\xd0\xae\xd0\xbb\xd1\x8f,x\n",
	    "koi8-r", "1:[\\xd0\\xae\\xd0\\xbb\\xd1\\x8f][x]");
	check_enc("Shift_JIS: a trail byte that is a backslash", "SHIFT_JIS",
	    "\xe8\xa1\xa8,\xe3\x82\xbd\n", "SHIFT_JIS",
	    "1:[\\xe8\\xa1\\xa8][\\xe3\\x82\\xbd]");
	check_enc("ISO-2022-JP: a stateful encoding", "ISO-2022-JP",
	    "\xe6\x97\xa5\xe6\x9c\xac,x\n\xe8\xaa\x9e", "ISO-2022-JP",
	    "1:[\\xe6\\x97\\xa5\\xe6\\x9c\\xac][x] 2:[\\xe8\\xaa\\x9e]");
	RAW("a UTF-8 BOM wins over --encoding", "\xef\xbb\xbf\xd0\xae,x\n",
	    "windows-1251", "1:[\\xd0\\xae][x]");
	RAW("--encoding UTF-8 reads as without it", "h\n\xd0\xae,\xff\n",
	    "utf-8", "1:[h] 2:[\\xd0\\xae][\\xff]!u");
	RAW("a UTF-16 file of a BOM only has no rows", "\xff\xfe", NULL, "");
	RAW("nor one with a BOM given as UTF-16", "\xfe\xff", "UTF-16", "");

	/* what the encoding does not hold: the cell, never dropped */
	RAW("a byte windows-1251 leaves undefined flags its cell",
	    "a;b\r\nx\x98y;\xdd\r\nz;w\r\n", "windows-1251",
	    "1:[a][b] 2:[x\\xffy]!u[\\xd0\\xad] 3:[z][w]");
	RAW("UTF-16: a lone surrogate flags its cell, the next read",
	    "\xff\xfe" "h\0\t\0i\0\t\0j\0\n\0"
	    "a\0\t\0\x00\xd8" "b\0\t\0c\0\n\0d\0", NULL,
	    "1:[h][i][j] 2:[a][\\xffb]!u[c] 3:[d]");
	RAW("UTF-16: an odd byte at the end flags the last cell",
	    "\xff\xfe" "a\0\t\0b\0\n\0c\0d", NULL,
	    "1:[a][b] 2:[c\\xff]!u");
	RAW("UTF-32: a code point past U+10FFFF",
	    "\xff\xfe\0\0" "h\0\0\0\n\0\0\0"
	    "a\0\0\0\0\0\x11\0\n\0\0\0", NULL, "1:[h] 2:[a\\xff]!u");
	put("cp.csv", "a\n", 2);
	check_bad_text("a bad cell's message names the encoding", path,
	    "WINDOWS-1251", "not valid WINDOWS-1251: bytes that are no "
	    "character in it; give the file's own encoding with --encoding, "
	    "or save it as CSV UTF-8");
	put("bom.csv", "\xff\xfe" "a\0", 4);
	check_bad_text("and the encoding of a BOM", path, NULL,
	    "not valid UTF-16: bytes that are no character in it; save the "
	    "file as CSV UTF-8");
	put("utf8.csv", "a\n", 2);
	check_bad_text("UTF-8: how to fix it", path, NULL,
	    "not valid UTF-8: save the file as UTF-8, or give --encoding "
	    "(e.g. --encoding windows-1251)");

	/* failures */
	memset(&e, 0, sizeof(e));
	rc = dump_enc(put("u.csv", "a\n", 2), 0, "NO-SUCH-ENCODING", &b, &e);
	ok(rc == UIMP_EINVAL && strstr(e.msg, "unknown encoding "
	    "'NO-SUCH-ENCODING'") != NULL, "an unknown encoding: UIMP_EINVAL "
	    "(%s)", e.msg);
	put("u.csv", "\xff\xfe" "a\0", 4);
	rc = dump_enc(path, 0, "NO-SUCH-ENCODING", &b, &e);
	ok(rc == UIMP_EINVAL, "also where a BOM would win");
	memset(&e, 0, sizeof(e));
	rc = dump_enc(put("h.csv", "a\x98;b\r\n", 6), 0, "cp1251", &b, &e);
	snprintf(where, sizeof(where), "%s/h.csv:1", dir);
	ok(rc == UIMP_EINPUT && strcmp(e.where, where) == 0 &&
	    strcmp(e.msg, "the header is not valid cp1251: give the file's "
	    "own encoding with --encoding, or save it as CSV UTF-8") == 0,
	    "a header not valid in the encoding stops the reading (%s: %s)",
	    e.where, e.msg);
	memset(&e, 0, sizeof(e));
	rc = dump_enc(put("n.csv", "\xff\xfe" "h\0\n\0a\0\0\0", 10), 0, NULL,
	    &b, &e);
	snprintf(where, sizeof(where), "%s/n.csv:2", dir);
	ok(rc == UIMP_EINPUT && strcmp(e.where, where) == 0 &&
	    strstr(e.msg, "a NUL character (U+0000): not a text file in "
	    "UTF-16") != NULL, "U+0000 stops the reading (%s: %s)", e.where,
	    e.msg);
	buf_release(&b);
}

/*
 * Sequences cut by the 64 KiB blocks, on both sides of the conversion:
 * every cell read whole, every row where it is in the file.  The header's
 * last cell ends in a wide character placed across the first block's end.
 */
static void
test_encoding_blocks(void)
{
	static const struct {
		const char	*to;
		const char	*given;	/* NULL: a BOM says it */
		const char	*wide;
		size_t		 at;	/* characters before wide */
	} t[] = {
		/* the BOM's 2 bytes, then 2 * 32766: a pair at 65534 */
		{ "UTF-16LE", NULL, "\xf0\x9f\x98\x80", 32766 },
		/* one byte of 2 at 65535, two of 4 at 65534 */
		{ "SHIFT_JIS", "SHIFT_JIS", "\xe6\x97\xa5", 65535 },
		{ "GB18030", "GB18030", "\xf0\x9f\x98\x80", 65534 },
		/* a block holds whole units: the long field below */
		{ "UTF-32BE", "UTF-32BE", "\xf0\x9f\x98\x80", 100 }
	};
	struct uimp_read_opts o = { UIMP_FORMAT_CSV, NULL, 0, NULL, 0 };
	struct uimp_reader *r;
	const struct uimp_row *row;
	struct uimp_err e;
	struct buf s = BUF_INIT, raw = BUF_INIT, last = BUF_INIT;
	unsigned long long done, total;
	unsigned long n, bad;
	size_t i, k, cols;
	char line[128];
	int rc, whole, shown;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&s);
		if (t[i].given == NULL)
			buf_adds(&s, "\xef\xbb\xbf");
		/* "h," then cells of up to 30000 p's */
		buf_adds(&s, "h,");
		buf_reset(&last);
		buf_adds(&last, "");
		for (k = 2; k < t[i].at; k++)
			if (last.len == 30000) {
				buf_addc(&s, ',');
				buf_reset(&last);
				buf_adds(&last, "");
			} else {
				buf_addc(&s, 'p');
				buf_addc(&last, 'p');
			}
		buf_adds(&s, t[i].wide);
		buf_adds(&last, t[i].wide);
		buf_adds(&s, "\r\n");
		cols = 2 + (t[i].at - 2) / 30001;
		/* rows of 1 to 4 bytes a character in UTF-8 */
		for (n = 2; s.len < 400000; n++) {
			snprintf(line, sizeof(line), "%s%lu,\xe3\x81\x82"
			    "\xe6\x97\xa5%s%s\r\n", n % 3 ? "x" : "", n,
			    n % 7 ? "" : "\xd0\xae", n % 7 ? "" : t[i].wide);
			buf_adds(&s, line);
		}
		/* and a field longer than a block, over many lines */
		buf_adds(&s, "\"");
		for (k = 0; k < 16000; k++) {
			buf_adds(&s, t[i].wide);
			buf_adds(&s, "\n");
		}
		buf_adds(&s, "\",end\r\n");
		encode(t[i].to, s.s, &raw);
		put("blocks.csv", raw.s, raw.len);
		o.encoding = t[i].given;
		if ((rc = uimp_reader_open(&r, path, &o, &e)) != UIMP_OK) {
			ok(0, "%s: open: %s", t[i].to, e.msg);
			continue;
		}
		n = 0;
		bad = 0;
		whole = 0;
		shown = 0;
		while ((rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK &&
		    row) {
			n++;
			if (row->num != n) {
				printf("# %s: row %lu is at line %lu\n",
				    t[i].to, n, row->num);
				bad++;
			}
			if (n == 1) {
				whole = row->ncells == cols &&
				    strcmp(row->cells[cols - 1].text,
				    last.s) == 0 && !row->cells[cols - 1].flags;
				continue;
			}
			if (row->ncells == 2 && strcmp(row->cells[1].text,
			    "end") == 0) {
				if (row->cells[0].len != 16000 *
				    (strlen(t[i].wide) + 1) ||
				    row->cells[0].flags)
					bad++;
				continue;
			}
			snprintf(line, sizeof(line), "%s%lu", n % 3 ? "x" :
			    "", n);
			if (row->ncells != 2 ||
			    strcmp(row->cells[0].text, line) != 0 ||
			    (row->cells[0].flags | row->cells[1].flags))
				bad++;
			snprintf(line, sizeof(line), "\xe3\x81\x82\xe6\x97\xa5"
			    "%s%s", n % 7 ? "" : "\xd0\xae", n % 7 ? "" :
			    t[i].wide);
			if (row->ncells < 2 ||
			    strcmp(row->cells[1].text, line) != 0)
				bad++;
			if (bad && !shown++)
				printf("# %s: row %lu (line %lu): %s\n",
				    t[i].to, n, row->num, row->ncells ?
				    row->cells[0].text : "");
		}
		ok(whole, "%s: a character across the first block's end",
		    t[i].to);
		ok(rc == UIMP_OK && bad == 0 && n > 10000,
		    "%s: %lu rows in %zu bytes, each whole and numbered "
		    "(%lu wrong)", t[i].to, n, raw.len, bad);
		uimp_reader_progress(r, &done, &total);
		ok(done == total && total == raw.len,
		    "%s: progress counts the file's bytes (%llu of %llu)",
		    t[i].to, done, total);
		uimp_reader_close(r);
	}
	buf_release(&s);
	buf_release(&raw);
	buf_release(&last);
}

/*
 * Random records (quoted and not, delimiters and doubled quotes in
 * quotes, CR, LF and CR LF, two- and three-byte characters, fields up to
 * 40,000 bytes, over many 64 KiB blocks) read the same taking runs of
 * plain bytes at once as byte by byte.
 */
static void
test_runs(void)
{
	static const char *const bits[] = {
		"a", "plain text ", "\xc3\xa9", "\xe2\x82\xac", ",", "\"\"",
		"\n", "\r\n", "\r", "x;y", "'", " "
	};
	struct buf s = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT;
	struct uimp_err e;
	const char *b;
	unsigned long seed = 12345;
	size_t f, k, len;
	int rc1, rc2, quoted, rec;

	buf_adds(&s, "a,b,c\n");
	for (rec = 0; rec < 3000; rec++) {
		for (f = 0; f < 3; f++) {
			seed = seed * 6364136223846793005UL + 1;
			quoted = (seed >> 33) % 3 == 0;
			len = (seed >> 40) % 97 == 0 ? 40000 :
			    (seed >> 20) % 40;
			if (f > 0)
				buf_addc(&s, ',');
			if (quoted)
				buf_addc(&s, '"');
			for (k = 0; k < len; k++) {
				seed = seed * 6364136223846793005UL + 1;
				b = bits[(seed >> 35) %
				    (sizeof(bits) / sizeof(bits[0]))];
				if (!quoted && strpbrk(b, ",\"\r\n") != NULL)
					b = "q";
				buf_adds(&s, b);
			}
			if (quoted)
				buf_addc(&s, '"');
		}
		buf_adds(&s, (seed >> 50) % 2 ? "\r\n" : "\n");
	}
	put("runs.csv", s.s, s.len);
	csv_byte_by_byte = 0;
	rc1 = dump(path, 0, &fast, &e);
	csv_byte_by_byte = 1;
	rc2 = dump(path, 0, &slow, &e);
	csv_byte_by_byte = 0;
	ok(s.len > 4 * 65536, "the file spans %zu blocks", s.len / 65536 + 1);
	ok(rc1 == UIMP_OK && rc2 == UIMP_OK && fast.len == slow.len &&
	    memcmp(fast.s, slow.s, fast.len) == 0,
	    "runs at once read as byte by byte (%zu bytes of dump)", fast.len);
	buf_release(&s);
	buf_release(&fast);
	buf_release(&slow);
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
	test_encodings();
	test_encoding_blocks();
	test_runs();
	/* leave nothing behind */
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "remove %s", dir);
	return done_testing();
}
