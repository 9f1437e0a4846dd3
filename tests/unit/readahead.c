/*
 * readahead.c: tests of lib/readahead.c: the rows a reading thread hands
 * over are the rows the format gives in the caller's thread, across many
 * blocks, with wide rows and long cells, a failure after rows, and a close
 * before the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char dir[] = "/tmp/userimp-ra.XXXXXX";
static char path[256];

/* The file NAME in the temporary folder, written from b. */
static const char *
put(const char *name, const struct buf *b)
{
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(b->s, 1, b->len, fp) != b->len || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
	return path;
}

/*
 * Every row of the file through both ways of reading, as one text each:
 * row numbers, cell types, flags and bytes; the status of the end.
 */
static int
dump(const char *p, int same_thread, struct buf *out, unsigned long *rows,
    struct uimp_err *e)
{
	struct uimp_read_opts o = { .same_thread = same_thread };
	struct uimp_reader *r;
	const struct uimp_row *row;
	size_t i;
	int rc;

	*rows = 0;
	buf_reset(out);
	if ((rc = uimp_reader_open(&r, p, &o, e)) != UIMP_OK)
		return rc;
	while ((rc = uimp_reader_next_row(r, &row, e)) == UIMP_OK && row) {
		(*rows)++;
		buf_addf(out, "%lu:%zu", row->num, row->ncells);
		for (i = 0; i < row->ncells; i++) {
			buf_addf(out, "|%d,%d,%zu,", row->cells[i].type,
			    row->cells[i].flags, row->cells[i].len);
			buf_add(out, row->cells[i].text, row->cells[i].len);
			if (row->cells[i].text[row->cells[i].len] != '\0')
				buf_adds(out, "<no NUL>");
		}
		buf_addc(out, '\n');
	}
	/* the end stays the end */
	if (rc == UIMP_OK && (uimp_reader_next_row(r, &row, e) != UIMP_OK ||
	    row != NULL))
		buf_adds(out, "<rows after the end>");
	uimp_reader_close(r);
	return rc;
}

static void
same_rows(const char *name, const struct buf *file, int want_rc,
    unsigned long want_rows)
{
	struct buf a, b;
	struct uimp_err ea, eb;
	unsigned long na, nb;
	int ra, rb;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	put(name, file);
	ra = dump(path, 1, &a, &na, &ea);
	rb = dump(path, 0, &b, &nb, &eb);
	ok(ra == want_rc && rb == want_rc && na == want_rows &&
	    nb == want_rows, "%s: %lu rows and status %d both ways (got %lu "
	    "and %lu, status %d and %d)", name, want_rows, want_rc, na, nb,
	    ra, rb);
	ok(a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0),
	    "%s: the thread hands over the same rows, cells and flags", name);
	is(eb.msg, ea.msg, "%s: the same message", name);
	is(eb.where, ea.where, "%s: at the same place", name);
	buf_release(&a);
	buf_release(&b);
}

int
main(void)
{
	struct buf f;
	struct uimp_reader *r;
	const struct uimp_row *row;
	struct uimp_err e;
	unsigned long i, n;
	size_t k;
	int rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	memset(&f, 0, sizeof(f));

	/* many blocks of short rows, a bad byte, an empty row, gaps */
	buf_adds(&f, "username,email,note\n");
	for (i = 0; i < 5000; i++)
		buf_addf(&f, "user%lu,u%lu@example.com,%s\n", i, i,
		    i % 777 == 0 ? "caf\xe9" : i % 501 == 0 ? "" : "ok");
	buf_adds(&f, "\n\"quoted\nline\",x,\n");
	same_rows("short.csv", &f, UIMP_OK, 5003);

	/* rows over a block's text: long cells, and one wide row */
	buf_reset(&f);
	buf_adds(&f, "a,b\n");
	for (i = 0; i < 40; i++) {
		buf_addf(&f, "%lu,", i);
		for (k = 0; k < 30000; k++)
			buf_addc(&f, (char)('a' + (i + k) % 26));
		buf_addc(&f, '\n');
	}
	for (k = 0; k < 16000; k++)
		buf_adds(&f, k ? ",v" : "v");
	buf_addc(&f, '\n');
	same_rows("long.csv", &f, UIMP_OK, 42);

	/* rows past a block's text alone: each opens a block of its own */
	buf_reset(&f);
	buf_adds(&f, "a,b\n");
	for (i = 0; i < 3000; i++) {
		buf_addf(&f, "%lu,", i);
		for (k = 0; k < (i % 1000 == 500 ? 600000 : 5); k++)
			buf_addc(&f, (char)('a' + k % 26));
		buf_addc(&f, '\n');
	}
	same_rows("huge.csv", &f, UIMP_OK, 3001);

	/* a failure after rows: the rows first, then the failure */
	buf_reset(&f);
	buf_adds(&f, "a,b\n");
	for (i = 0; i < 3000; i++)
		buf_addf(&f, "%lu,x\n", i);
	buf_adds(&f, "\"open,quote\n");
	same_rows("unterminated.csv", &f, UIMP_EINPUT, 3001);

	/* a sheet of empty rows: no cells at all */
	buf_reset(&f);
	for (i = 0; i < 1500; i++)
		buf_adds(&f, "\n");
	buf_adds(&f, "x\n");
	same_rows("blank.csv", &f, UIMP_OK, 1501);

	/* no rows at all */
	buf_reset(&f);
	same_rows("empty.csv", &f, UIMP_OK, 0);

	/* a close before the end stops the thread, with blocks in flight */
	buf_reset(&f);
	for (i = 0; i < 20000; i++)
		buf_addf(&f, "%lu,y\n", i);
	put("close.csv", &f);
	rc = uimp_reader_open(&r, path, NULL, &e);
	for (n = 0; rc == UIMP_OK && n < 10; n++)
		rc = uimp_reader_next_row(r, &row, &e);
	ok(rc == UIMP_OK && row && row->num == 10,
	    "close: row 10 read, the thread ahead");
	if (r)
		uimp_reader_close(r);
	ok(1, "close: the thread stopped and was joined");

	buf_release(&f);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "remove %s", dir);
	return done_testing();
}
