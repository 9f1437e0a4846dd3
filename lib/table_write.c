/*
 * table_write.c: a table of text cells (the rejected rows of an import or
 * of a job) written as CSV or as xlsx, whole or not at all.  Cells may
 * hold passwords: every copy made here is wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include <xlsxwriter.h>

#include "internal.h"

#define LAST_ROW	1048575		/* row 1048576, from 0 */
#define FLUSH_AT	65536		/* CSV bytes kept before a write */
#define WIDTH_MIN	12.0		/* column widths, in characters */
#define WIDTH_MAX	50.0
#define CELL_CHARS	32767		/* characters a sheet cell holds */

struct table_out {
	int		 xlsx;
	int		 to_stdout;	/* "-": CSV on standard output */
	int		 replace;
	int		 failed;	/* a row failed: commit writes nothing */
	struct uimp_err	 err;		/* what failed */
	char		*path;		/* as given, for messages */
	struct atomic	 a;
	unsigned long	 rows;		/* rows written, header included */
	struct buf	 line;		/* CSV waiting to be written */
	/* xlsx */
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*text;		/* "@" on every cell */
	lxw_format	*head;		/* bold text: the header */
	struct buf	 cell;		/* a cell NUL-terminated */
};

/* Out of memory, said about path. */
static int
nomem(struct uimp_err *e, const char *path)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, path, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

/* Whether path ends in .xlsx, any case. */
static int
is_xlsx(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/*
 * The bytes of s[0..n) that hold at most CELL_CHARS characters, cut
 * between two UTF-8 characters: a long Error cell is cut, not refused.
 */
static size_t
cell_cut(const char *s, size_t n)
{
	size_t i, chars = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 &&
		    ++chars > CELL_CHARS)
			return i;
	return n;
}

/* Write all n bytes of p to fd; 0 or -1 with errno set. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write the CSV kept in t->line and wipe it. */
static int
csv_flush(struct table_out *t, struct uimp_err *e)
{
	int fd = t->to_stdout ? STDOUT_FILENO : t->a.fd;
	int rc = UIMP_OK;

	if (t->line.len > 0 && write_all(fd, t->line.s, t->line.len) == -1)
		rc = uimp_err_set(e, UIMP_EWRITE, errno, t->path,
		    "cannot write");
	if (t->line.s != NULL)
		explicit_bzero(t->line.s, t->line.len);
	buf_reset(&t->line);
	return rc;
}

/*
 * Add the CSV field s[0..n) to b: quoted when it holds , " CR or LF, with
 * a ' first when a spreadsheet would run it as a formula (as export does;
 * the CSV reader takes it away again).
 */
static int
csv_field(struct buf *b, const char *s, size_t n)
{
	char head[3] = { 0, 0, 0 };
	size_t i;
	int quote = 0;

	for (i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n';
	memcpy(head, s, n < 2 ? n : 2);
	if (quote && buf_addc(b, '"'))
		return UIMP_ENOMEM;
	if ((formula_like(head) || (head[0] == '\'' &&
	    formula_like(head + 1))) && buf_addc(b, '\''))
		return UIMP_ENOMEM;
	for (i = 0; i < n; i++)
		if ((s[i] == '"' && buf_addc(b, '"')) || buf_addc(b, s[i]))
			return UIMP_ENOMEM;
	if (quote && buf_addc(b, '"'))
		return UIMP_ENOMEM;
	return UIMP_OK;
}

/* One CSV record with CRLF, written out once enough is kept. */
static int
csv_row(struct table_out *t, const char *const *cells, const size_t *lens,
    size_t n, struct uimp_err *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((i > 0 && buf_addc(&t->line, ',')) ||
		    csv_field(&t->line, cells[i] ? cells[i] : "",
		    cells[i] ? lens[i] : 0))
			return nomem(e, t->path);
	if (buf_add(&t->line, "\r\n", 2))
		return nomem(e, t->path);
	if (t->line.len >= FLUSH_AT)
		return csv_flush(t, e);
	return UIMP_OK;
}

/* The workbook: constant memory, sheet Users, its two formats. */
static int
xlsx_start(struct table_out *t, struct uimp_err *e)
{
	lxw_workbook_options opt;
	lxw_doc_properties props;
	const char *sde, *p;
	lxw_error rc;

	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = getenv("TMPDIR");
	if (opt.tmpdir != NULL && opt.tmpdir[0] == '\0')
		opt.tmpdir = NULL;
	/* libxlsxwriter writes to a name: the temporary file's own */
	if ((t->wb = workbook_new_opt(t->a.tmp, &opt)) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, t->path,
		    "cannot start the workbook: out of memory");
	sde = getenv("SOURCE_DATE_EPOCH");
	for (p = sde; p != NULL && *p >= '0' && *p <= '9'; p++)
		;
	if (sde != NULL && sde[0] != '\0' && *p == '\0') {
		memset(&props, 0, sizeof(props));
		props.created = (time_t)strtoull(sde, NULL, 10);
		if ((rc = workbook_set_properties(t->wb, &props)) !=
		    LXW_NO_ERROR)
			return xlsx_fail(e, t->path, rc,
			    "cannot set the document properties");
	}
	if ((t->text = workbook_add_format(t->wb)) == NULL ||
	    (t->head = workbook_add_format(t->wb)) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, t->path,
		    "cannot add a cell format: out of memory");
	/* Excel's own Text format, the built-in 49 ("@") */
	format_set_num_format_index(t->text, 49);
	format_set_num_format_index(t->head, 49);
	format_set_bold(t->head);
	format_set_bottom(t->head, LXW_BORDER_THIN);
	/* the name import reads first, so that the file imports again */
	if ((t->ws = workbook_add_worksheet(t->wb, "Users")) == NULL)
		return uimp_err_set(e, UIMP_EWRITE, 0, t->path, "cannot add "
		    "the sheet Users: out of memory or no temporary file in "
		    "$TMPDIR");
	return UIMP_OK;
}

/*
 * The header row: first the columns (text format, a width from the
 * header), as constant-memory mode asks, then the bold frozen cells.
 */
static int
xlsx_columns(struct table_out *t, const size_t *lens, size_t n,
    struct uimp_err *e)
{
	lxw_error rc;
	double w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = lens != NULL ? (double)lens[i] * 1.15 + 3 : WIDTH_MIN;
		w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		if ((rc = worksheet_set_column_opt(t->ws, (lxw_col_t)i,
		    (lxw_col_t)i, w, t->text, NULL)) != LXW_NO_ERROR)
			return xlsx_fail(e, t->path, rc, "cannot set a column");
	}
	worksheet_freeze_panes(t->ws, 1, 0);
	return UIMP_OK;
}

/*
 * One sheet row: string cells only, whatever they hold, in the text
 * format (the header's bold); empty cells are left out.  Each copy made
 * to end a cell with a NUL is wiped once libxlsxwriter has it.
 */
static int
xlsx_row(struct table_out *t, const char *const *cells, const size_t *lens,
    size_t n, struct uimp_err *e)
{
	char what[64];
	lxw_error rc;
	size_t i;
	int status;

	if (t->rows > LAST_ROW)
		return uimp_err_set(e, UIMP_EWRITE, 0, t->path, "more than "
		    "%lu rows: past the sheet's last row",
		    (unsigned long)LAST_ROW);
	if (n > LXW_COL_MAX)
		return uimp_err_set(e, UIMP_EWRITE, 0, t->path, "%zu "
		    "columns: past the sheet's last column", n);
	if (t->rows == 0 && (status = xlsx_columns(t, lens, n, e)) != 0)
		return status;
	for (i = 0; i < n; i++) {
		if (cells[i] == NULL || lens[i] == 0)
			continue;
		buf_reset(&t->cell);
		if (buf_add(&t->cell, cells[i], cell_cut(cells[i], lens[i])))
			return nomem(e, t->path);
		/* a string cell, never a formula or a number */
		rc = worksheet_write_string(t->ws, (lxw_row_t)t->rows,
		    (lxw_col_t)i, t->cell.s, t->rows == 0 ? t->head : t->text);
		explicit_bzero(t->cell.s, t->cell.len);
		if (rc != LXW_NO_ERROR) {
			snprintf(what, sizeof(what), "cannot write row %lu, "
			    "column %zu", t->rows + 1, i + 1);
			return xlsx_fail(e, t->path, rc, what);
		}
	}
	return UIMP_OK;
}

/* Free t and what it holds, wiping the buffers. */
static void
table_free(struct table_out *t)
{
	buf_wipe(&t->line);
	buf_wipe(&t->cell);
	free(t->path);
	free(t);
}

int
table_open(struct table_out **out, const char *path, int secret,
    int replace, struct uimp_err *e)
{
	struct table_out *t;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return nomem(e, path);
	t->a.fd = -1;
	t->replace = replace;
	t->to_stdout = strcmp(path, "-") == 0;
	t->xlsx = !t->to_stdout && is_xlsx(path);
	if ((t->path = strdup(path)) == NULL) {
		free(t);
		return nomem(e, path);
	}
	if (t->to_stdout) {
		*out = t;
		return UIMP_OK;
	}
	if ((rc = atomic_open(&t->a, path, secret, replace, e)) != UIMP_OK) {
		table_free(t);
		return rc;
	}
	if (t->xlsx && (rc = xlsx_start(t, e)) != UIMP_OK) {
		table_abort(t);
		return rc;
	}
	*out = t;
	return UIMP_OK;
}

int
table_row(struct table_out *t, const char *const *cells, const size_t *lens,
    size_t n, struct uimp_err *e)
{
	if (t->failed) {
		if (e != NULL)
			*e = t->err;
		return t->failed;
	}
	if (t->xlsx)
		t->failed = xlsx_row(t, cells, lens, n, &t->err);
	else
		t->failed = csv_row(t, cells, lens, n, &t->err);
	if (t->failed) {
		if (e != NULL)
			*e = t->err;
		return t->failed;
	}
	t->rows++;
	return UIMP_OK;
}

int
table_commit(struct table_out *t, struct uimp_err *e)
{
	lxw_error lrc;
	int rc;

	if ((rc = t->failed) != UIMP_OK) {
		if (e != NULL)
			*e = t->err;
		table_abort(t);
		return rc;
	}
	if (t->xlsx) {
		lrc = workbook_close(t->wb);
		t->wb = NULL;
		if (lrc != LXW_NO_ERROR)
			rc = xlsx_fail(e, t->path, lrc,
			    "cannot write the workbook");
	} else
		rc = csv_flush(t, e);
	if (rc != UIMP_OK) {
		table_abort(t);
		return rc;
	}
	if (!t->to_stdout)
		rc = t->replace ? atomic_commit(&t->a, e) :
		    atomic_commit_new(&t->a, e);
	table_free(t);
	return rc;
}

void
table_abort(struct table_out *t)
{
	if (t == NULL)
		return;
	if (t->wb != NULL)
		lxw_workbook_free(t->wb);
	t->wb = NULL;
	if (t->a.tmp != NULL)
		atomic_abort(&t->a);
	table_free(t);
}
