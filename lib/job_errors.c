/*
 * job_errors.c: the rejected rows of a job written back from its record
 * (userimp jobs errors), in the columns of the file it read, with an
 * Error column, so that they can be fixed and imported again.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NOTE_PASSWORD	"the password is not kept in the job record: " \
			"enter it again"
#define NOTE_NOT_KEPT	"the cells of this row were not kept"

struct errs {
	long long	  id;
	const char	**col;		/* the headers */
	size_t		  ncols;
	struct buf	  extra;	/* headers found in the rows (no
					 * columns recorded), NUL after each */
	int		  recorded;	/* the job has its columns */
	unsigned char	 *seen;		/* col[i] is a key of a kept row */
	unsigned char	 *password;	/* col[i] held passwords */
	size_t		 *nth;		/* col[i] is the nth of its header */
	int		  any_kept;	/* a row had its cells kept */
	int		  has_password;
	struct table_out *out;
	const char	**cells;	/* ncols + 1 */
	size_t		 *lens;
	struct buf	  msg;		/* the Error cell */
	unsigned long	  count;
	struct uimp_err	 *e;
};

/* Out of memory. */
static int
nomem(struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

/*
 * The index of the cell of r that column i holds: the nth key equal to
 * its header, as duplicate headers are kept in order; -1 if none.
 */
static long
cell_of(const struct errs *x, const struct job_row *r, size_t i)
{
	size_t k, n = 0;

	for (k = 0; k < r->ncells; k++)
		if (strcmp(r->key[k], x->col[i]) == 0 && n++ == x->nth[i])
			return (long)k;
	return -1;
}

/* Add header h (a key of a row) to the columns when the job has none. */
static int
add_column(struct errs *x, const char *h)
{
	const char *s = x->extra.s;
	size_t i;

	for (i = 0; i < x->ncols; i++, s += strlen(s) + 1)
		if (strcmp(s, h) == 0)
			return UIMP_OK;
	if (buf_add(&x->extra, h, strlen(h) + 1))
		return UIMP_ENOMEM;
	x->ncols++;
	return UIMP_OK;
}

/* Pass one: which headers the kept rows hold. */
static int
scan_row(const struct job_row *r, void *arg)
{
	struct errs *x = arg;
	size_t i, k;

	if (!x->recorded) {
		/* the cells' keys, then the columns findings name (the
		 * password's): the best an older record tells */
		for (k = 0; k < r->ncells; k++)
			if (add_column(x, r->key[k]) != UIMP_OK)
				return nomem(x->e);
		for (k = 0; k < r->nerrs; k++)
			if (r->column[k] != NULL &&
			    add_column(x, r->column[k]) != UIMP_OK)
				return nomem(x->e);
		return UIMP_OK;
	}
	if (!r->kept)
		return UIMP_OK;
	x->any_kept = 1;
	for (i = 0; i < x->ncols; i++)
		if (!x->seen[i] && cell_of(x, r, i) >= 0)
			x->seen[i] = 1;
	return UIMP_OK;
}

/* Append s to the Error cell, after "; " unless it is the first. */
static int
msg_add(struct buf *b, const char *column, const char *s)
{
	if ((b->len > 0 && buf_adds(b, "; ")) ||
	    (column != NULL && (buf_adds(b, column) || buf_adds(b, ": "))) ||
	    buf_adds(b, s))
		return UIMP_ENOMEM;
	return UIMP_OK;
}

/* Pass two: write the row. */
static int
write_row(const struct job_row *r, void *arg)
{
	struct errs *x = arg;
	size_t i;
	long k;

	buf_reset(&x->msg);
	for (i = 0; i < r->nerrs; i++)
		if (msg_add(&x->msg, r->column[i], r->message[i]))
			return nomem(x->e);
	if (!r->kept ? msg_add(&x->msg, NULL, NOTE_NOT_KEPT) :
	    x->has_password ? msg_add(&x->msg, NULL, NOTE_PASSWORD) : 0)
		return nomem(x->e);
	for (i = 0; i < x->ncols; i++) {
		x->cells[i] = NULL;
		x->lens[i] = 0;
		if (!r->kept || x->password[i] || (k = cell_of(x, r, i)) < 0)
			continue;
		x->cells[i] = r->text[k];
		x->lens[i] = r->len[k];
	}
	x->cells[x->ncols] = x->msg.s;
	x->lens[x->ncols] = x->msg.len;
	x->count++;
	return table_row(x->out, x->cells, x->lens, x->ncols + 1, x->e);
}

/*
 * After the columns are known: the arrays, each column's occurrence of
 * its header, and which columns held passwords.  A column is the
 * password's when its header names the field, or (--map) when no kept
 * row has it: import keeps every other column's cells.
 */
static int
columns_ready(struct errs *x, const struct buf *mem)
{
	const char *s;
	size_t i, j, n = x->ncols;

	if ((x->col = calloc(n + 1, sizeof(*x->col))) == NULL ||
	    (x->cells = calloc(n + 1, sizeof(*x->cells))) == NULL ||
	    (x->lens = calloc(n + 1, sizeof(*x->lens))) == NULL ||
	    (x->seen = calloc(n + 1, 1)) == NULL ||
	    (x->password = calloc(n + 1, 1)) == NULL ||
	    (x->nth = calloc(n + 1, sizeof(*x->nth))) == NULL)
		return nomem(x->e);
	s = x->recorded ? mem->s : x->extra.s;
	for (i = 0; i < n; i++) {
		x->col[i] = s;
		s += strlen(s) + 1;
		for (j = 0; j < i; j++)
			if (strcmp(x->col[j], x->col[i]) == 0)
				x->nth[i]++;
		x->password[i] = uimp_field_lookup(x->col[i], NULL) ==
		    UIMP_F_PASSWORD;
	}
	return UIMP_OK;
}

int
uimp_job_errors(const char *dbpath, int wait_s, long long id,
    const char *path, int force, unsigned long *count, struct uimp_err *e)
{
	struct uimp_db *db = NULL;
	struct buf mem = BUF_INIT;
	struct errs x;
	size_t i, n;
	int rc;

	*count = 0;
	memset(&x, 0, sizeof(x));
	x.id = id;
	x.e = e;
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	/* both passes see the same record */
	if ((rc = db_read_begin(db, e)) != UIMP_OK)
		goto out;
	if ((rc = db_job_columns(db, id, &mem, &n, &x.recorded, e)))
		goto out;
	x.ncols = n;
	if (x.recorded) {
		if ((rc = columns_ready(&x, &mem)) != UIMP_OK ||
		    (rc = db_job_rows_each(db, id, scan_row, &x, e)))
			goto out;
	} else {
		x.ncols = 0;
		if ((rc = db_job_rows_each(db, id, scan_row, &x, e)) ||
		    (rc = columns_ready(&x, &mem)) != UIMP_OK)
			goto out;
	}
	for (i = 0; i < x.ncols; i++) {
		if (x.recorded && x.any_kept && !x.seen[i])
			x.password[i] = 1;
		if (x.password[i])
			x.has_password = 1;
	}
	if ((rc = table_open(&x.out, path, x.has_password, force, e)))
		goto out;
	for (i = 0; i < x.ncols; i++) {
		x.cells[i] = x.col[i];
		x.lens[i] = strlen(x.col[i]);
	}
	x.cells[x.ncols] = "Error";
	x.lens[x.ncols] = 5;
	if ((rc = table_row(x.out, x.cells, x.lens, x.ncols + 1, e)) ||
	    (rc = db_job_rows_each(db, id, write_row, &x, e)))
		goto out;
	rc = table_commit(x.out, e);
	x.out = NULL;
	if (rc == UIMP_OK)
		*count = x.count;
out:
	if (x.out != NULL)
		table_abort(x.out);
	if (db != NULL) {
		db_read_end(db);
		uimp_db_close(db);
	}
	buf_wipe(&x.msg);
	buf_release(&x.extra);
	buf_release(&mem);
	free(x.col);
	free(x.cells);
	free(x.lens);
	free(x.seen);
	free(x.password);
	free(x.nth);
	return rc;
}
