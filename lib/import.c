/*
 * import.c: import and check: read the table, validate every row against
 * the rules and the store, hash the passwords, then write in one
 * transaction with the job record.
 */
#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "internal.h"

#define BATCH		256	/* rows hashed together */
#define BULK_MIN	10000	/* new users that make a bulk load */
#define COMMIT_CACHE	8192	/* KiB of SQLite page cache for the commit,
				 * whatever the number of rows: memory stays
				 * flat, and a bulk load is no faster with
				 * more */
#define JOB_CELLS_MAX	(64UL << 20)	/* bytes of rejected cells a job keeps */
#define SPOOL_BUF	(64UL << 10)	/* the spool's stdio buffer */
#define GEN_MAX		1100	/* a generated password's buffer: the
				 * policy's longest, 1024, and its NUL */

enum action { ACT_REJECT = 0, ACT_INSERT, ACT_UPDATE, ACT_UNCHANGED };

struct col {
	char	*header;	/* as the file spells it, trimmed */
	int	 field;		/* enum uimp_field, or -1: not imported */
	int	 active;	/* the "active" column of status */
	int	 blank;		/* no header: every cell must be empty */
	int	 errors;	/* the Error column of an --errors file */
	int	 x;		/* a directory column: index in c->xcols, or
				 * -1 */
};

/* A directory column: a group type, labels, a custom field. */
struct xcol {
	int	 kind;		/* enum xkind */
	size_t	 idx;		/* into c->types or c->dfields */
	int	 col;		/* its column */
};

#define XNONE	((size_t)-1)	/* no value in a directory column */

/* One row's values after the rules, and what is to become of it. */
struct rec {
	unsigned long	 row;
	unsigned long	 present;	/* fields with a column */
	unsigned long	 filled;	/* fields with a non-empty cell */
	unsigned long	 bad;		/* fields whose cell was rejected */
	const char	*v[UIMP_F_COUNT];
	struct buf	 mem;
	char		*pw;		/* plaintext to hash, or NULL */
	size_t		 pwlen;
	char		*hash;		/* PHC string to store, or NULL */
	char		*gen;		/* a generated password, kept for
					 * --credentials and --invite */
	size_t		 genlen;
	int		 action;
	int		 flags;		/* enum rec_flags */
	size_t		*xoff;		/* directory values in mem, or XNONE */
	size_t		 nx;
	unsigned	 xfilled;	/* directory cells filled */
};

enum rec_flags {
	REC_DERIVED	= 1 << 0,	/* --key email: the username is the
					 * email, no column gave one */
	REC_NO_USERNAME	= 1 << 1,	/* --key email: no column gave one,
					 * and the email cannot be one */
	REC_HASH_GIVEN	= 1 << 2,	/* the password cell is a PHC string,
					 * in r->hash */
	REC_PW_PLAIN	= 1 << 3	/* the password cell is plaintext */
};

/*
 * A good row that names a manager by email: checked once the whole file
 * is read, since a row may name a manager whose row comes later.
 */
struct mref {
	unsigned long	 row;
	char		*email;		/* the row's user's, folded */
	char		*mgr;		/* the manager's, folded; NULL: the
					 * row takes it away (--empty clear) */
	char		*old;		/* the email the store has, when the
					 * row changes it, folded */
	int		 action;	/* ACT_INSERT or ACT_UPDATE */
	int		 instore;	/* a user of the store has mgr */
	int		 bad;		/* rejected once the file was read */
	int		 gen;		/* counted in generated */
	int		 kept;		/* counted in passwords_kept */
	int		 state;		/* cycle search: 0, 1 on the path,
					 * 2 done */
	char		*msg;		/* why it was rejected */
};

/*
 * What became of a row as it was read, for uniq_finish(): rejected, or
 * its action and whether its password was generated or kept.
 */
enum fate {
	FATE_BAD	= 1 << 0,
	FATE_GEN	= 1 << 1,
	FATE_KEPT	= 1 << 2,
	FATE_ACT	= 3		/* the action, shifted left so much */
};

struct ctx {
	const struct uimp_import_opts	*o;
	const char			*file;
	uimp_finding_fn			 fn;
	void				*arg;
	struct uimp_summary		*sum;
	struct uimp_db			*db;
	int				 check;	/* check or dry run */

	struct col			*cols;
	size_t				 ncols;
	int				 colof[UIMP_F_COUNT];
	int				 key;	/* the key field */
	int				 can_create;
	unsigned long			 header_row;

	struct uimp_policy		 pol;
	struct uimp_cost		 cost;
	unsigned long			 locked;
	char				*defaults[UIMP_F_COUNT]; /* of new users
						 * (settings new_user.*) */

	struct uniq			*uniq;	/* the key, usernames, emails
						 * and phones of the rows */
	int				 fate;	/* of the row read (enum fate) */
	struct uniq_late		*lates;	/* repeats found once the file
						 * was read, in row order */
	size_t				 nlates, latecur;
	FILE				*held;	/* rows read past the memory
						 * for repeats (hold_row()) */
	unsigned char			 heldkey[32]; /* their cells are
						 * encrypted with it */
	struct buf			 heldbuf; /* a held row */
	size_t				 repeat_at; /* the end of the row's
						 * messages of repeats, in
						 * c->rowmsg */
	FILE				*spool;	/* valid rows */
	FILE				*log;	/* findings and rejected rows */
	struct rec			 batch[BATCH];
	size_t				 nbatch;
	struct user			 stored;
	struct user			 other;	/* a user a value belongs to */

	struct dir_type			*types;	/* the store's group types */
	size_t				 ntypes;
	struct dir_field		*dfields; /* its custom fields */
	size_t				 ndfields;
	struct xcol			*xcols;	/* the file's directory columns */
	size_t				 nx;
	char				**xstored; /* a user's, as load_extras()
						 * gives them */
	struct keyset			 groups; /* lookups: type and name to
						 * id, UINT32_MAX: none */

	struct mref			*mrefs;	/* rows naming a manager */
	size_t				 nmrefs, capmrefs, mcursor;
	struct keyset			 bademails; /* of rejected rows */
	struct keyset			 moved;	/* stored emails that good rows
						 * change */
	FILE				*mgrs;	/* managers to set at the
						 * commit: id, row, email */
	struct buf			 tmp;
	char				 now[21];
	int				 row_bad;
	int				 stop;
	unsigned			 reads;	/* lookups in the read
						 * transaction, 0: none open */
	int				 version; /* the store's data_version
						 * when planning began */
	int				 planned; /* version is set */
	int				 empty;	/* the store had no user at this
						 * batch's read: nothing to look
						 * up */
	unsigned long			 cells_kept; /* bytes in the job's rows */
	int				 cells_full; /* no more cells kept */
	int				 plans_hold; /* nobody wrote since */
	int				 committed; /* the store has the run */

	char				*spoolbuf; /* c->spool's stdio buffer */
	unsigned char			 genkey[32]; /* generated passwords
						 * are spooled encrypted
						 * with it */
	struct uimp_reader		*rd;
	struct table_out		*errors; /* --errors */
	const char			**ecells; /* a row of it */
	size_t				*elens;
	struct buf			 rowmsg;  /* the messages of ... */
	unsigned long			 rowmsg_row; /* ... this row */
	struct table_out		*creds;	/* --credentials */
	struct invite			*invite; /* --invite, --sendmail */
	unsigned long			 nokey;	/* rows without a readable
						 * key (--block-missing) */
	unsigned long			 spooled; /* rows to write */
	unsigned long			 users;	/* in the store before */
	unsigned long			 to_insert; /* rows planned as new */
	unsigned long			 to_update; /* ... as changes */
	struct uimp_progress		 prog;
};

/* small helpers */

static int	rec_extras(struct ctx *, struct rec *, struct uimp_err *);
static int	holding(const struct ctx *);

static int
nomem(struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

static void
fold(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

static void
col_letters(size_t i, char out[8])
{
	char tmp[8];
	int n = 0, k = 0;

	i++;
	while (i > 0 && n < 7) {
		tmp[n++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	while (n > 0)
		out[k++] = tmp[--n];
	out[k] = '\0';
}

/* findings */

/* Keep a finding for the job record. */
static int
log_finding(struct ctx *c, const struct uimp_finding *f)
{
	if (c->log == NULL)
		return UIMP_OK;
	/* F row sev code \0 column \0 field \0 message \0 */
	fprintf(c->log, "F%lu %d %s%c%s%c%s%c%s%c", f->row, f->severity,
	    f->code, 0, f->column ? f->column : "", 0,
	    f->field ? f->field : "", 0, f->message, 0);
	return ferror(c->log) ? UIMP_EINTERNAL : UIMP_OK;
}

/* Keep a message of row for its Error cell (--errors). */
static void
row_message(struct ctx *c, unsigned long row, const char *column,
    const char *msg)
{
	if (c->rowmsg_row != row) {
		buf_reset(&c->rowmsg);
		c->rowmsg_row = row;
	}
	/* out of memory: the cell is shorter, the run goes on */
	if (c->rowmsg.len > 0)
		(void)buf_adds(&c->rowmsg, "; ");
	if (column && *column) {
		(void)buf_adds(&c->rowmsg, column);
		(void)buf_adds(&c->rowmsg, ": ");
	}
	(void)buf_adds(&c->rowmsg, msg);
}

/* Tell the progress callback where the run is. */
static void
progress(struct ctx *c, int phase)
{
	if (c->o->progress == NULL)
		return;
	c->prog.phase = phase;
	c->prog.rows = c->sum->rows;
	if (c->rd)
		uimp_reader_progress(c->rd, &c->prog.done, &c->prog.total);
	c->o->progress(&c->prog, c->o->progress_arg);
}

/*
 * Report a finding on row (0: the file) and column index col (-1: none),
 * keep it for the job record; an error marks the row rejected.
 */
static int
report(struct ctx *c, unsigned long row, int col, int sev, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
report(struct ctx *c, unsigned long row, int col, int sev, const char *code,
    const char *fmt, ...)
{
	struct uimp_finding f;
	char msg[512];
	va_list ap;
	int field;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memset(&f, 0, sizeof(f));
	f.file = c->file;
	f.row = row;
	f.severity = sev;
	f.code = code;
	f.message = msg;
	if (col >= 0 && (size_t)col < c->ncols) {
		f.column = c->cols[col].header;
		field = c->cols[col].field;
		f.field = field >= 0 ? uimp_field_info(field)->name : NULL;
	}
	if (sev == UIMP_SEV_ERROR)
		c->row_bad = 1;
	else if (sev == UIMP_SEV_WARNING)
		c->sum->warnings++;
	if (sev == UIMP_SEV_ERROR && row > 0 && c->errors)
		row_message(c, row, f.column, msg);
	if (c->fn && c->fn(&f, c->arg) != 0)
		c->stop = 1;
	return sev == UIMP_SEV_INFO ? UIMP_OK : log_finding(c, &f);
}

/*
 * Keep the cells in c->tmp (a JSON object) of rejected row num for the job
 * record while they fit in JOB_CELLS_MAX bytes in all, so that a small
 * file of huge rejected cells cannot fill the disk; rows past that are
 * kept as {}, with their findings.
 */
static int
log_cells(struct ctx *c, unsigned long num, int fits)
{
	if (!fits || c->cells_full ||
	    c->cells_kept + c->tmp.len > JOB_CELLS_MAX) {
		if (!c->cells_full)
			report(c, 0, -1, UIMP_SEV_WARNING, "cells_not_kept",
			    "the job keeps the cells of rejected rows up to "
			    "%lu MiB; from row %lu on it keeps only their "
			    "findings", JOB_CELLS_MAX >> 20, num);
		c->cells_full = 1;
		buf_reset(&c->tmp);
		if (buf_adds(&c->tmp, "{}"))
			return UIMP_ENOMEM;
	} else
		c->cells_kept += c->tmp.len;
	fprintf(c->log, "R%lu %zu%c", num, c->tmp.len, 0);
	fwrite(c->tmp.s, 1, c->tmp.len, c->log);
	return ferror(c->log) ? UIMP_EINTERNAL : UIMP_OK;
}

/* Keep a rejected row's cells (passwords left out) for the job record. */
static int
log_row(struct ctx *c, const struct uimp_row *r)
{
	const struct uimp_cell *cell;
	size_t i, size;
	int first = 1;

	if (c->log == NULL)
		return UIMP_OK;
	buf_reset(&c->tmp);
	/* past the budget, spare the work of quoting what is not kept */
	for (i = 0, size = 0; i < r->ncells; i++)
		size += r->cells[i].len;
	if (c->cells_kept + size > JOB_CELLS_MAX)
		return log_cells(c, r->num, 0);
	if (buf_addc(&c->tmp, '{'))
		return UIMP_ENOMEM;
	for (i = 0; i < c->ncols; i++) {
		if (c->cols[i].blank || c->cols[i].errors ||
		    c->cols[i].field == UIMP_F_PASSWORD)
			continue;
		cell = i < r->ncells ? &r->cells[i] : NULL;
		if (!first && buf_addc(&c->tmp, ','))
			return UIMP_ENOMEM;
		first = 0;
		if (buf_add_json(&c->tmp, c->cols[i].header,
		    strlen(c->cols[i].header)) || buf_addc(&c->tmp, ':') ||
		    buf_add_json(&c->tmp, cell ? cell->text : "",
		    cell ? cell->len : 0))
			return UIMP_ENOMEM;
	}
	if (buf_addc(&c->tmp, '}'))
		return UIMP_ENOMEM;
	return log_cells(c, r->num, 1);
}

/* --errors: the rejected rows as they were, with their messages */

/*
 * Write the row in c->ecells/c->elens (n cells) to the errors file, with
 * the Error cell: the messages of row, or note when there are none.
 */
static int
errors_write(struct ctx *c, size_t n, unsigned long row, const char *note,
    struct uimp_err *e)
{
	const char *msg = note;

	if (c->rowmsg_row == row && c->rowmsg.len > 0)
		msg = c->rowmsg.s;
	c->ecells[n] = msg;
	c->elens[n] = msg ? strlen(msg) : 0;
	return table_row(c->errors, c->ecells, c->elens, n + 1, e);
}

/*
 * The header row of the errors file: the file's columns, then Error;
 * also the cells a row of it is put together in.
 */
static int
errors_header(struct ctx *c, struct uimp_err *e)
{
	size_t i, n = 0;

	if (c->errors == NULL)
		return UIMP_OK;
	if ((c->ecells = calloc(c->ncols + 1, sizeof(*c->ecells))) == NULL ||
	    (c->elens = calloc(c->ncols + 1, sizeof(*c->elens))) == NULL)
		return nomem(e);
	for (i = 0; i < c->ncols; i++) {
		if (c->cols[i].errors)
			continue;
		c->ecells[n] = c->cols[i].header;
		c->elens[n++] = strlen(c->cols[i].header);
	}
	c->ecells[n] = "Error";
	c->elens[n] = 5;
	return table_row(c->errors, c->ecells, c->elens, n + 1, e);
}

/* A row rejected while reading: its cells as the file holds them. */
static int
errors_row(struct ctx *c, const struct uimp_row *r, struct uimp_err *e)
{
	size_t i, n = 0;

	if (c->errors == NULL)
		return UIMP_OK;
	for (i = 0; i < c->ncols; i++) {
		if (c->cols[i].errors)
			continue;
		c->ecells[n] = i < r->ncells ? r->cells[i].text : NULL;
		c->elens[n++] = i < r->ncells ? r->cells[i].len : 0;
	}
	return errors_write(c, n, r->num, NULL, e);
}

/*
 * A row rejected at the commit, from its checked values: a password cell
 * that gave a PHC string is written as it was; one of plaintext, hashed
 * by then, is left out and the Error cell says so.
 */
static int
errors_values(struct ctx *c, const struct rec *r, struct uimp_err *e)
{
	size_t i, n = 0;
	int f;

	if (c->errors == NULL)
		return UIMP_OK;
	for (i = 0; i < c->ncols; i++) {
		if (c->cols[i].errors)
			continue;
		f = c->cols[i].field;
		c->ecells[n] = f >= 0 && f != UIMP_F_PASSWORD ? r->v[f] :
		    f == UIMP_F_PASSWORD && (r->flags & REC_HASH_GIVEN) ?
		    r->hash : NULL;
		c->elens[n] = c->ecells[n] ? strlen(c->ecells[n]) : 0;
		n++;
	}
	if (c->rowmsg_row == r->row && (r->flags & REC_PW_PLAIN))
		(void)buf_adds(&c->rowmsg, "; the password was hashed "
		    "already and is not kept: enter it again");
	return errors_write(c, n, r->row, NULL, e);
}

/* The header row */

/* "did you mean 'email'?", or where the columns are listed */
static void
did_you_mean(const char *header, char *out, size_t outsz)
{
	const char *near = uimp_field_nearest(header);

	if (near)
		snprintf(out, outsz, "did you mean '%s'?", near);
	else
		snprintf(out, outsz, "userimp-fields(5) lists the columns");
}

static int
map_header(struct ctx *c, const char *h, int *active)
{
	char a[256], b[256];
	size_t i;

	*active = 0;
	uimp_header_normalize(h, a, sizeof(a));
	for (i = 0; i < c->o->nmaps; i++) {
		uimp_header_normalize(c->o->maps[i].header, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return uimp_field_lookup(c->o->maps[i].field, active);
	}
	return uimp_field_lookup(h, active);
}

/* Whether header h names the Error column that --errors adds. */
static int
is_errors_column(const char *h)
{
	char n[16];

	uimp_header_normalize(h, n, sizeof(n));
	return strcmp(n, "error") == 0;
}

/* The job's columns: the headers in the file's order, as JSON. */
static int
columns_json(struct ctx *c, struct buf *out)
{
	size_t i;
	int first = 1;

	buf_reset(out);
	if (buf_addc(out, '['))
		return UIMP_ENOMEM;
	for (i = 0; i < c->ncols; i++) {
		if (c->cols[i].blank || c->cols[i].errors)
			continue;
		if ((!first && buf_addc(out, ',')) ||
		    buf_add_json(out, c->cols[i].header,
		    strlen(c->cols[i].header)))
			return UIMP_ENOMEM;
		first = 0;
	}
	return buf_addc(out, ']') ? UIMP_ENOMEM : UIMP_OK;
}

/*
 * Directory columns: a group type's (a group by name), <type>_id (by id),
 * labels, labels_id and custom fields.  Their checked values live in the
 * row's mem at r->xoff[x], in a form compared with what the store has: a
 * group's id (or "+name", a group --create-groups makes at the commit),
 * label ids in ascending order joined by ':', a custom value as stored.
 */

enum xkind { XK_GROUP = 0, XK_GROUP_ID, XK_LABELS, XK_LABEL_IDS, XK_FIELD };

/* Whether a header, normalized, names a directory column: into *xc. */
static int
lookup_extra(struct ctx *c, const char *header, struct xcol *xc)
{
	char h[256], n[256];
	size_t i, len;
	int pass;

	uimp_header_normalize(header, h, sizeof(h));
	len = strlen(h);
	xc->idx = 0;
	if (strcmp(h, "labels") == 0 || strcmp(h, "label") == 0) {
		xc->kind = XK_LABELS;
		return 1;
	}
	if (strcmp(h, "labelsid") == 0 || strcmp(h, "labelids") == 0) {
		xc->kind = XK_LABEL_IDS;
		return 1;
	}
	for (i = 0; i < c->ndfields; i++) {
		uimp_header_normalize(c->dfields[i].name, n, sizeof(n));
		if (strcmp(h, n) == 0) {
			xc->kind = XK_FIELD;
			xc->idx = i;
			return 1;
		}
	}
	/* "Appointments" for the type appointment, on a second pass */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->ntypes; i++) {
			uimp_header_normalize(c->types[i].name, n, sizeof(n));
			if (strcmp(h, n) == 0 || (pass == 1 && len > 1 &&
			    h[len - 1] == 's' && strlen(n) == len - 1 &&
			    strncmp(h, n, len - 1) == 0)) {
				xc->kind = XK_GROUP;
				xc->idx = i;
				return 1;
			}
			/* "Company Group": the type company, which a
			 * built-in field names too */
			if (pass == 0 && len == strlen(n) + 5 &&
			    strncmp(h, n, len - 5) == 0 &&
			    strcmp(h + len - 5, "group") == 0) {
				xc->kind = XK_GROUP;
				xc->idx = i;
				return 1;
			}
			if (pass == 0 && len == strlen(n) + 2 &&
			    strncmp(h, n, len - 2) == 0 &&
			    strcmp(h + len - 2, "id") == 0) {
				xc->kind = XK_GROUP_ID;
				xc->idx = i;
				return 1;
			}
		}
	return 0;
}

/* The name a directory column gives for messages: "region", "labels". */
static const char *
xname(const struct ctx *c, const struct xcol *xc)
{
	switch (xc->kind) {
	case XK_GROUP:
	case XK_GROUP_ID:
		return c->types[xc->idx].name;
	case XK_FIELD:
		return c->dfields[xc->idx].name;
	case XK_LABELS:
		return "labels";
	}
	return "labels_id";
}

/* s[0..n) trimmed of white space: *n shrinks, the start is returned. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' ||
	    *s == '\n'))
		s++, (*n)--;
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' ||
	    s[*n - 1] == '\r' || s[*n - 1] == '\n'))
		(*n)--;
	return s;
}

/* A whole number of s[0..n) into *v (1 to 2^53): 0, else -1. */
static int
whole(const char *s, size_t n, long long *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 15)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v > 0 ? 0 : -1;
}

/*
 * The group of type t named name, through a cache of the run's lookups:
 * *gid 0 when there is none.
 */
static int
group_lookup(struct ctx *c, const struct dir_type *t, const char *name,
    long long *gid, struct uimp_err *e)
{
	unsigned long hit, first;
	int rc;

	buf_reset(&c->tmp);
	if (buf_addf(&c->tmp, "%lld\x1f%s", t->id, name))
		return nomem(e);
	fold(c->tmp.s);
	if ((hit = keyset_has(&c->groups, c->tmp.s)) != 0) {
		*gid = hit == UINT32_MAX ? 0 : (long long)hit;
		return UIMP_OK;
	}
	if ((rc = db_group_find(c->db, t->id, name, gid, e)) != UIMP_OK)
		return rc;
	/* an id past the cache's 32 bits is looked up every time */
	if (*gid < UINT32_MAX && keyset_add(&c->groups, c->tmp.s,
	    *gid ? (unsigned long)*gid : UINT32_MAX, &first))
		return nomem(e);
	return UIMP_OK;
}

/* Sort ids and drop repeats; returns how many are left. */
static size_t
ids_sort(long long *ids, size_t n)
{
	size_t i, j, k;
	long long t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	for (i = k = 0; i < n; i++)
		if (k == 0 || ids[k - 1] != ids[i])
			ids[k++] = ids[i];
	return k;
}

/* ids joined by ':' into out (c->tmp's successor: a buf). */
static int
ids_join(struct buf *out, const long long *ids, size_t n)
{
	size_t i;

	buf_reset(out);
	if (buf_adds(out, ""))
		return UIMP_ENOMEM;
	for (i = 0; i < n; i++)
		if (buf_addf(out, i ? ":%lld" : "%lld", ids[i]))
			return UIMP_ENOMEM;
	return UIMP_OK;
}

/*
 * The labels of a cell, by name (byid 0) or id, as ascending ids joined
 * by ':' into c->tmp; a name or id that is no label is reported on the
 * row (*bad set).
 */
static int
check_labels(struct ctx *c, unsigned long row, int col, const char *s,
    size_t n, int byid, int *bad, struct uimp_err *e)
{
	long long *ids = NULL, id;
	const char *p, *end = s + n, *t;
	char name[DIR_NAME_MAX * 4 + 1], q[64];
	size_t cnt = 0, cap = 0, len;
	int rc = UIMP_OK, found;
	void *nids;

	*bad = 0;
	for (p = s; p <= end && rc == UIMP_OK; p = t + 1) {
		for (t = p; t < end && *t != ':'; t++)
			;
		len = (size_t)(t - p);
		p = trim(p, &len);
		if (len == 0)
			continue;
		quote(q, sizeof(q), p, len);
		if (byid) {
			if (whole(p, len, &id) != 0) {
				report(c, row, col, UIMP_SEV_ERROR, "format",
				    "%s is not a label id: expected whole "
				    "numbers separated by ':'", q);
				*bad = 1;
				continue;
			}
			if ((rc = db_label_by_id(c->db, id, &found, e)))
				break;
		} else {
			if (len >= sizeof(name)) {
				report(c, row, col, UIMP_SEV_ERROR, "too_long",
				    "a label name longer than %d characters",
				    DIR_NAME_MAX);
				*bad = 1;
				continue;
			}
			memcpy(name, p, len);
			name[len] = '\0';
			if ((rc = db_label_find(c->db, name, &id, e)))
				break;
			found = id != 0;
		}
		if (!found) {
			report(c, row, col, UIMP_SEV_ERROR, "no_such_label",
			    "no such label %s%s (userimp labels add NAME)",
			    byid ? "id " : "", q);
			*bad = 1;
			continue;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nids = realloc(ids, cap * sizeof(*ids))) == NULL) {
				rc = nomem(e);
				break;
			}
			ids = nids;
		}
		ids[cnt++] = id;
	}
	if (rc == UIMP_OK && !*bad && ids_join(&c->tmp, ids,
	    ids_sort(ids, cnt)) != UIMP_OK)
		rc = nomem(e);
	free(ids);
	return rc;
}

/* Whether y-m-d is a day of the calendar. */
static int
real_day(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/*
 * A custom field's value s[0..n) (trimmed, not empty) by its type into
 * c->tmp; else a finding on the row (*bad set).
 */
static int
check_custom(struct ctx *c, unsigned long row, int col,
    const struct dir_field *f, const char *s, size_t n, int *bad,
    struct uimp_err *e)
{
	char q[64], low[8];
	size_t i, digits = 0, dots = 0;
	int y, m, d, k;

	*bad = 0;
	quote(q, sizeof(q), s, n);
	buf_reset(&c->tmp);
	switch (f->type) {
	case DIR_NUMBER:
		i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
		for (; i < n; i++) {
			if (s[i] == '.')
				dots++;
			else if (s[i] >= '0' && s[i] <= '9')
				digits++;
			else
				break;
		}
		/* an exponent, as a number cell of 1E+15 or more reads */
		if (i + 1 < n && digits > 0 && (s[i] == 'E' || s[i] == 'e')) {
			k = (int)i++;
			if (s[i] == '+' || s[i] == '-')
				i++;
			for (y = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				y++;
			if (y == 0 || y > 3)
				i = (size_t)k;
		}
		if (i < n || digits == 0 || dots > 1 || digits > 30 ||
		    s[i - 1] == '.') {
			*bad = 1;
			return report(c, row, col, UIMP_SEV_ERROR, "format",
			    "%s is not a number: expected digits with an "
			    "optional - and one decimal point", q);
		}
		if (buf_add(&c->tmp, s + (s[0] == '+'), n - (s[0] == '+')) ||
		    buf_addc(&c->tmp, '\0'))
			return nomem(e);
		c->tmp.len--;
		return UIMP_OK;
	case DIR_DATE:
		/* a date cell reads YYYY-MM-DD, maybe with midnight */
		if ((n == 10 || (n == 19 && (s[10] == ' ' || s[10] == 'T') &&
		    strncmp(s + 11, "00:00:00", 8) == 0)) &&
		    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &k) == 3 &&
		    k == 10 && real_day(y, m, d)) {
			if (buf_addf(&c->tmp, "%04d-%02d-%02d", y, m, d))
				return nomem(e);
			return UIMP_OK;
		}
		*bad = 1;
		return report(c, row, col, UIMP_SEV_ERROR, "format", "%s is not "
		    "a date: expected a date cell or YYYY-MM-DD", q);
	case DIR_BOOL:
		for (i = 0; i < n && i < sizeof(low) - 1; i++)
			low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ?
			    s[i] - 'A' + 'a' : s[i]);
		low[i] = '\0';
		if (n < sizeof(low) && (strcmp(low, "1") == 0 ||
		    strcmp(low, "true") == 0 || strcmp(low, "yes") == 0))
			return buf_adds(&c->tmp, "1") ? nomem(e) : UIMP_OK;
		if (n < sizeof(low) && (strcmp(low, "0") == 0 ||
		    strcmp(low, "false") == 0 || strcmp(low, "no") == 0))
			return buf_adds(&c->tmp, "0") ? nomem(e) : UIMP_OK;
		*bad = 1;
		return report(c, row, col, UIMP_SEV_ERROR, "format", "%s is not "
		    "a flag: expected 0 or 1 (also true/false, yes/no)", q);
	}
	/* text */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*bad = 1;
			return report(c, row, col, UIMP_SEV_ERROR, "control",
			    "a control character at byte %zu", i + 1);
		}
	if (uimp_utf8_len(s, n, NULL) > 2000) {
		*bad = 1;
		return report(c, row, col, UIMP_SEV_ERROR, "too_long",
		    "longer than 2000 characters");
	}
	if (buf_add(&c->tmp, s, n) || buf_addc(&c->tmp, '\0'))
		return nomem(e);
	c->tmp.len--;
	return UIMP_OK;
}

/*
 * Check the cell s[0..n) of directory column x on row into r->mem,
 * r->xoff[x]; a bad value is reported (the row is then rejected).
 */
static int
check_extra(struct ctx *c, struct rec *r, size_t x, int col, const char *s,
    size_t n, struct uimp_err *e)
{
	const struct xcol *xc = &c->xcols[x];
	const struct dir_type *t = &c->types[xc->idx];
	char name[DIR_NAME_MAX * 4 + 1], msg[256], q[64];
	long long id;
	int rc, bad = 0, found;

	s = trim(s, &n);
	if (n == 0)
		return UIMP_OK;
	r->xfilled++;
	quote(q, sizeof(q), s, n);
	switch (xc->kind) {
	case XK_GROUP:
		if (n >= sizeof(name) || dir_name_check(UIMP_DIR_GROUP, s, n,
		    name, sizeof(name), msg, sizeof(msg)) != 0) {
			bad = 1;
			report(c, r->row, col, UIMP_SEV_ERROR, "format",
			    "%s is not a group name: %s", q, n >= sizeof(name) ?
			    "too long" : msg);
			break;
		}
		if ((rc = group_lookup(c, t, name, &id, e)) != UIMP_OK)
			return rc;
		buf_reset(&c->tmp);
		if (id)
			rc = buf_addf(&c->tmp, "%lld", id);
		else if (c->o->flags & UIMP_IMPORT_CREATE_GROUPS)
			rc = buf_addf(&c->tmp, "+%s", name);
		else {
			bad = 1;
			report(c, r->row, col, UIMP_SEV_ERROR, "no_such_group",
			    "no such group: %s %s (userimp groups add %s "
			    "NAME, or --create-groups)", t->name, q, t->name);
			break;
		}
		if (rc)
			return nomem(e);
		break;
	case XK_GROUP_ID:
		if (whole(s, n, &id) != 0) {
			bad = 1;
			report(c, r->row, col, UIMP_SEV_ERROR, "format",
			    "%s is not a group id: expected a whole number", q);
			break;
		}
		if ((rc = db_group_by_id(c->db, t->id, id, &found, e)))
			return rc;
		if (!found) {
			bad = 1;
			report(c, r->row, col, UIMP_SEV_ERROR, "no_such_group",
			    "no such group: %s with id %lld", t->name, id);
			break;
		}
		buf_reset(&c->tmp);
		if (buf_addf(&c->tmp, "%lld", id))
			return nomem(e);
		break;
	case XK_LABELS:
	case XK_LABEL_IDS:
		if ((rc = check_labels(c, r->row, col, s, n,
		    xc->kind == XK_LABEL_IDS, &bad, e)) != UIMP_OK)
			return rc;
		/* ":" alone names no label: an empty cell */
		if (!bad && c->tmp.len == 0) {
			r->xfilled--;
			return UIMP_OK;
		}
		break;
	case XK_FIELD:
		if ((rc = check_custom(c, r->row, col, &c->dfields[xc->idx], s,
		    n, &bad, e)) != UIMP_OK)
			return rc;
		break;
	}
	if (bad)
		return UIMP_OK;
	r->xoff[x] = r->mem.len;
	if (buf_add(&r->mem, c->tmp.s, c->tmp.len) ||
	    buf_addc(&r->mem, '\0'))
		return nomem(e);
	return UIMP_OK;
}

/* The value of directory column x in r, or NULL. */
static const char *
xval(const struct rec *r, size_t x)
{
	return r->xoff[x] == XNONE ? NULL : r->mem.s + r->xoff[x];
}

/*
 * What the store has for user id in each directory column, in the form
 * of xval(), into c->xstored (one malloc'd string or NULL each).
 */
static int
load_extras(struct ctx *c, long long id, struct uimp_err *e)
{
	long long *gids = NULL, *ids = NULL;
	char **vals = NULL;
	size_t x, n = 0;
	int rc = UIMP_OK;
	struct buf b = BUF_INIT;

	for (x = 0; x < c->nx; x++) {
		free(c->xstored[x]);
		c->xstored[x] = NULL;
	}
	if ((gids = calloc(c->ntypes + 1, sizeof(*gids))) == NULL ||
	    (vals = calloc(c->ndfields + 1, sizeof(*vals))) == NULL) {
		rc = nomem(e);
		goto out;
	}
	if ((c->ntypes && (rc = db_user_groups(c->db, id, c->types,
	    c->ntypes, gids, e)) != UIMP_OK) ||
	    (rc = db_user_labels(c->db, id, &ids, &n, e)) != UIMP_OK ||
	    (c->ndfields && (rc = db_user_values(c->db, id, c->dfields,
	    c->ndfields, vals, e)) != UIMP_OK))
		goto out;
	for (x = 0; x < c->nx; x++) {
		buf_reset(&b);
		switch (c->xcols[x].kind) {
		case XK_GROUP:
		case XK_GROUP_ID:
			if (gids[c->xcols[x].idx] == 0)
				continue;
			if (buf_addf(&b, "%lld", gids[c->xcols[x].idx]))
				rc = nomem(e);
			break;
		case XK_LABELS:
		case XK_LABEL_IDS:
			if (n == 0)
				continue;
			if (ids_join(&b, ids, n))
				rc = nomem(e);
			break;
		case XK_FIELD:
			if (vals[c->xcols[x].idx] == NULL)
				continue;
			if (buf_adds(&b, vals[c->xcols[x].idx]))
				rc = nomem(e);
			break;
		}
		if (rc != UIMP_OK)
			break;
		if ((c->xstored[x] = strdup(b.s)) == NULL) {
			rc = nomem(e);
			break;
		}
	}
out:
	if (vals)
		for (x = 0; x < c->ndfields; x++)
			free(vals[x]);
	free(vals);
	free(gids);
	free(ids);
	buf_release(&b);
	return rc;
}

/*
 * Whether r changes a directory column of the stored user (c->xstored):
 * a filled cell that differs, or under --empty clear an empty cell where
 * the store has a value.
 */
static int
extras_change(const struct ctx *c, const struct rec *r)
{
	const char *v;
	size_t x;

	for (x = 0; x < c->nx; x++) {
		v = xval(r, x);
		if (v && (c->xstored[x] == NULL || strcmp(v, c->xstored[x])))
			return 1;
		if (v == NULL && c->xstored[x] &&
		    (c->o->flags & UIMP_IMPORT_EMPTY_CLEAR))
			return 1;
	}
	return 0;
}

/*
 * Write the directory columns of user id (the row's user, just inserted
 * or updated): groups (made first under --create-groups), labels, custom
 * values; an empty cell clears under --empty clear, on an update.
 */
static int
write_extras(struct ctx *c, const struct rec *r, long long id, int update,
    struct uimp_err *e)
{
	const struct xcol *xc;
	const char *v, *p;
	long long gid, *ids = NULL;
	size_t x, n, i;
	int rc = UIMP_OK, clear;

	for (x = 0; x < c->nx && rc == UIMP_OK; x++) {
		xc = &c->xcols[x];
		v = xval(r, x);
		clear = v == NULL && update &&
		    (c->o->flags & UIMP_IMPORT_EMPTY_CLEAR);
		if (v == NULL && !clear)
			continue;
		switch (xc->kind) {
		case XK_GROUP:
		case XK_GROUP_ID:
			gid = 0;
			if (v && *v == '+') {
				/* --create-groups: an earlier row may have */
				if ((rc = db_group_find(c->db,
				    c->types[xc->idx].id, v + 1, &gid, e)))
					break;
				if (gid == 0 && (rc = db_group_create(c->db,
				    c->types[xc->idx].id, v + 1, &gid, e)))
					break;
			} else if (v)
				gid = strtoll(v, NULL, 10);
			rc = db_user_group_set(c->db, id, c->types[xc->idx].id,
			    gid, e);
			break;
		case XK_LABELS:
		case XK_LABEL_IDS:
			n = 0;
			if (v)
				for (p = v, n = *v ? 1 : 0; *p; p++)
					n += *p == ':';
			free(ids);
			if ((ids = calloc(n + 1, sizeof(*ids))) == NULL) {
				rc = nomem(e);
				break;
			}
			for (p = v, i = 0; i < n; i++) {
				ids[i] = strtoll(p, (char **)&p, 10);
				p += *p == ':';
			}
			rc = db_user_labels_set(c->db, id, ids, n, e);
			break;
		case XK_FIELD:
			rc = db_user_value_set(c->db, id,
			    c->dfields[xc->idx].id, v, e);
			break;
		}
	}
	free(ids);
	return rc;
}

/* Once the header is read: room for the directory values of a row. */
static int
setup_extras(struct ctx *c, struct uimp_err *e)
{
	size_t i;
	int rc;

	if (c->nx == 0)
		return UIMP_OK;
	if ((c->xstored = calloc(c->nx, sizeof(*c->xstored))) == NULL)
		return nomem(e);
	for (i = 0; i < BATCH; i++)
		if ((rc = rec_extras(c, &c->batch[i], e)) != UIMP_OK)
			return rc;
	return UIMP_OK;
}

/* What a directory column sets: 0 a group, 1 the labels, 2 a value. */
static int
xtarget(const struct xcol *xc)
{
	return xc->kind <= XK_GROUP_ID ? 0 : xc->kind <= XK_LABEL_IDS ? 1 : 2;
}

/*
 * Add directory column xc at column col: -1, or the column that has it
 * already, or -2 when out of memory (e set).
 */
static int
add_xcol(struct ctx *c, const struct xcol *xc, int col, struct uimp_err *e)
{
	struct xcol *nx;
	size_t x;

	/* a type's group by name and by id, or labels and labels_id, are
	 * one thing twice */
	for (x = 0; x < c->nx; x++)
		if (xtarget(&c->xcols[x]) == xtarget(xc) &&
		    c->xcols[x].idx == xc->idx)
			return c->xcols[x].col;
	if ((nx = realloc(c->xcols, (c->nx + 1) * sizeof(*nx))) == NULL) {
		nomem(e);
		return -2;
	}
	c->xcols = nx;
	c->xcols[c->nx] = *xc;
	c->xcols[c->nx].col = col;
	c->cols[col].x = (int)c->nx++;
	return -1;
}

static int
read_header(struct ctx *c, const struct uimp_row *r, struct uimp_err *e)
{
	const struct uimp_cell *cell;
	const char *s;
	char letters[8], hint[128];
	size_t i, len;
	struct xcol xc;
	int f, other, rc, problems = 0;

	c->header_row = r->num;
	c->ncols = r->ncells;
	if ((c->cols = calloc(c->ncols ? c->ncols : 1, sizeof(*c->cols))) ==
	    NULL)
		return nomem(e);
	for (f = 0; f < UIMP_F_COUNT; f++)
		c->colof[f] = -1;
	for (i = 0; i < c->ncols; i++) {
		cell = &r->cells[i];
		len = cell->len;
		s = trim(cell->text, &len);
		if ((c->cols[i].header = strndup(s, len)) == NULL)
			return nomem(e);
		c->cols[i].x = -1;
		c->cols[i].field = -1;
		if (len == 0) {
			c->cols[i].blank = 1;
			continue;
		}
		f = map_header(c, c->cols[i].header, &c->cols[i].active);
		c->cols[i].x = -1;
		if (f < 0 && lookup_extra(c, c->cols[i].header, &xc)) {
			if ((other = add_xcol(c, &xc, (int)i, e)) < -1)
				return UIMP_ENOMEM;
			if (other >= 0) {
				col_letters((size_t)other, letters);
				report(c, r->num, (int)i, UIMP_SEV_ERROR,
				    "duplicate_column", "a second column for "
				    "%s: '%s' is in column %s already",
				    xname(c, &xc), c->cols[other].header,
				    letters);
				problems++;
			}
			continue;
		}
		if (f < 0 && is_errors_column(c->cols[i].header)) {
			/* the messages of an --errors file, fixed and
			 * imported again: not data */
			c->cols[i].errors = 1;
			continue;
		}
		if (f < 0) {
			did_you_mean(c->cols[i].header, hint, sizeof(hint));
			if (c->o->flags & UIMP_IMPORT_IGNORE_UNKNOWN)
				report(c, r->num, (int)i, UIMP_SEV_WARNING,
				    "unknown_column", "unknown column, "
				    "ignored; %s", hint);
			else {
				report(c, r->num, (int)i, UIMP_SEV_ERROR,
				    "unknown_column", "unknown column; %s "
				    "(--map maps a header to a field, "
				    "--ignore-unknown skips it)", hint);
				problems++;
			}
			continue;
		}
		if ((other = c->colof[f]) >= 0) {
			col_letters((size_t)other, letters);
			report(c, r->num, (int)i, UIMP_SEV_ERROR,
			    "duplicate_column", "a second column for %s: "
			    "'%s' is in column %s already",
			    uimp_field_info(f)->name, c->cols[other].header,
			    letters);
			problems++;
			continue;
		}
		c->cols[i].field = f;
		c->colof[f] = (int)i;
		if (uimp_field_info(f)->flags & UIMP_FIELD_EXPORT_ONLY)
			report(c, r->num, (int)i, UIMP_SEV_WARNING,
			    "ignored_column", "%s is set by the store; the "
			    "column is ignored", uimp_field_info(f)->name);
	}
	c->row_bad = 0;
	if (problems)
		return uimp_err_set(e, UIMP_EINPUT, 0, c->file, "the header "
		    "row (row %lu) has %d problem%s", r->num, problems,
		    problems == 1 ? "" : "s");
	if (c->colof[c->key] < 0)
		return uimp_err_set(e, UIMP_EINPUT, 0, c->file, "no %s "
		    "column: the key that finds each user", 
		    uimp_field_info(c->key)->name);
	c->can_create = (c->colof[UIMP_F_PASSWORD] >= 0 ||
	    (c->o->flags & UIMP_IMPORT_GENERATE)) &&
	    c->colof[UIMP_F_EMAIL] >= 0 && c->colof[UIMP_F_FIRST_NAME] >= 0 &&
	    c->colof[UIMP_F_LAST_NAME] >= 0;
	if ((rc = setup_extras(c, e)) != UIMP_OK)
		return rc;
	return errors_header(c, e);
}

/* Rows */

static void
rec_reset(struct rec *r)
{
	size_t i;

	if (r->pw) {
		explicit_bzero(r->pw, r->pwlen);
		free(r->pw);
	}
	free(r->hash);
	if (r->gen) {
		explicit_bzero(r->gen, r->genlen);
		free(r->gen);
	}
	r->gen = NULL;
	r->genlen = 0;
	buf_reset(&r->mem);
	r->row = 0;
	r->present = r->filled = r->bad = 0;
	memset(r->v, 0, sizeof(r->v));
	r->pw = r->hash = NULL;
	r->pwlen = 0;
	r->action = ACT_REJECT;
	r->flags = 0;
	r->xfilled = 0;
	for (i = 0; i < r->nx; i++)
		r->xoff[i] = XNONE;
}

static void
rec_release(struct rec *r)
{
	rec_reset(r);
	buf_release(&r->mem);
	free(r->xoff);
	r->xoff = NULL;
	r->nx = 0;
}

/* Room in r for the file's directory columns. */
static int
rec_extras(struct ctx *c, struct rec *r, struct uimp_err *e)
{
	size_t i;

	if (r->nx == c->nx)
		return UIMP_OK;
	free(r->xoff);
	if ((r->xoff = calloc(c->nx + 1, sizeof(*r->xoff))) == NULL)
		return nomem(e);
	r->nx = c->nx;
	for (i = 0; i < r->nx; i++)
		r->xoff[i] = XNONE;
	return UIMP_OK;
}

static const char *
default_of(int f)
{
	switch (f) {
	case UIMP_F_IS_MANAGER:
	case UIMP_F_MUST_CHANGE_PASSWORD:
		return "0";
	case UIMP_F_STATUS:
		return "active";
	case UIMP_F_CONTACT_NO:
		return "10000";
	}
	return NULL;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Decide what to do with a valid row against the stored user st (NULL:
 * none), reporting what stops it; into out goes the user to write.
 * Returns a store failure, else 0 with r->action set.
 */
static int
plan(struct ctx *c, struct rec *r, const struct user *st, struct user *out,
    struct uimp_err *e)
{
	const struct uimp_field_info *fi;
	const char *nv, *key = r->v[c->key];
	char who[128], q[64];
	unsigned long bit, missing = 0, acts = (r->filled | r->bad) &
	    ~((r->flags & REC_DERIVED) ? 1UL << UIMP_F_USERNAME : 0);
	int f, rc, changed = 0, haspw, found;

	r->action = ACT_REJECT;
	memset(out->v, 0, sizeof(out->v));
	haspw = r->filled >> UIMP_F_PASSWORD & 1;
	/* the key is quoted for a message only when there is one */
	if (st == NULL) {
		out->id = 0;
		if (c->o->mode == UIMP_MODE_UPDATE) {
			quote(q, sizeof(q), key, strlen(key));
			return report(c, r->row, c->colof[c->key],
			    UIMP_SEV_ERROR, "not_found", "no user %s to "
			    "update (--mode update)", q);
		}
		if (!c->can_create) {
			quote(q, sizeof(q), key, strlen(key));
			return report(c, r->row, -1, UIMP_SEV_ERROR,
			    "needs_create", "no user %s: a new user needs "
			    "the columns %semail, first_name and last_name, "
			    "which this file lacks", q, (c->o->flags &
			    UIMP_IMPORT_GENERATE) ? "" : "password, ");
		}
		if (r->flags & REC_NO_USERNAME) {
			quote(q, sizeof(q), key, strlen(key));
			report(c, r->row, c->colof[UIMP_F_EMAIL],
			    UIMP_SEV_ERROR, "needs_username", "no user %s: "
			    "a new user's username is their email when the "
			    "file has no username column, and this email "
			    "does not fit the username rule (A-Z a-z 0-9 / "
			    "\\ _ . - @, at most 50): add a username column",
			    q);
			missing |= 1UL << UIMP_F_USERNAME;
		}
		for (f = 0; f < UIMP_F_COUNT; f++) {
			fi = uimp_field_info(f);
			if (f == UIMP_F_USERNAME &&
			    (r->flags & REC_NO_USERNAME))
				continue;
			if ((fi->flags & UIMP_FIELD_REQUIRED) &&
			    !((r->filled | r->bad) >> f & 1) &&
			    !(f == UIMP_F_PASSWORD &&
			    (c->o->flags & UIMP_IMPORT_GENERATE))) {
				report(c, r->row, c->colof[f], UIMP_SEV_ERROR,
				    "empty", "empty required field: a new "
				    "user needs %s", fi->name);
				missing |= 1UL << f;
			}
			out->v[f] = r->v[f];
		}
		if (missing)
			return UIMP_OK;
		r->action = ACT_INSERT;
	} else {
		out->id = st->id;
		/* under --empty clear an empty optional cell is an update */
		if (c->o->flags & UIMP_IMPORT_EMPTY_CLEAR)
			for (f = 0; f < UIMP_F_COUNT; f++)
				if (!(uimp_field_info(f)->flags &
				    (UIMP_FIELD_REQUIRED |
				    UIMP_FIELD_EXPORT_ONLY)))
					acts |= r->present & 1UL << f;
		if (c->o->mode == UIMP_MODE_INSERT) {
			quote(q, sizeof(q), key, strlen(key));
			return report(c, r->row, c->colof[c->key],
			    UIMP_SEV_ERROR, "exists", "user %s exists "
			    "already (--mode insert)", q);
		}
		if ((acts & ~(1UL << c->key)) == 0 && r->xfilled == 0 &&
		    !(c->nx > 0 && (c->o->flags & UIMP_IMPORT_EMPTY_CLEAR)))
			return report(c, r->row, -1, UIMP_SEV_ERROR,
			    "nothing_to_update", "nothing to update: every "
			    "cell but the key is empty");
		memcpy(out->v, st->v, sizeof(out->v));
		for (f = 0; f < UIMP_F_COUNT; f++) {
			bit = 1UL << f;
			fi = uimp_field_info(f);
			if (f == c->key || f == UIMP_F_PASSWORD ||
			    (fi->flags & UIMP_FIELD_EXPORT_ONLY) ||
			    !(r->present & bit))
				continue;
			/* the username is never changed (--key email) */
			if (f == UIMP_F_USERNAME) {
				if (r->v[f] && strcasecmp(r->v[f],
				    st->v[f]) != 0)
					report(c, r->row, c->colof[f],
					    UIMP_SEV_ERROR, "username_fixed",
					    "the user with this email is "
					    "'%s': import never changes a "
					    "username", st->v[f]);
				continue;
			}
			if (r->filled & bit)
				nv = r->v[f];
			else if ((c->o->flags & UIMP_IMPORT_EMPTY_CLEAR) &&
			    !(fi->flags & UIMP_FIELD_REQUIRED) &&
			    f != UIMP_F_USERNAME)
				nv = default_of(f);
			else
				continue;
			if (f == UIMP_F_MANAGER_EMAIL ? (nv && st->v[f] ?
			    strcasecmp(nv, st->v[f]) == 0 : nv == st->v[f]) :
			    same(nv, st->v[f]))
				continue;
			if (c->locked & bit) {
				report(c, r->row, c->colof[f], UIMP_SEV_ERROR,
				    "locked", "%s is locked (setting "
				    "import.locked_fields): import does not "
				    "change it on existing users", fi->name);
				continue;
			}
			out->v[f] = nv;
			changed = 1;
		}
		if (haspw && (c->o->flags & UIMP_IMPORT_UPDATE_PASSWORDS)) {
			if (c->locked & 1UL << UIMP_F_PASSWORD)
				report(c, r->row, c->colof[UIMP_F_PASSWORD],
				    UIMP_SEV_ERROR, "locked", "password is "
				    "locked (setting import.locked_fields): "
				    "import does not change it on existing "
				    "users");
			changed = 1;
		}
		if (c->nx > 0) {
			if ((rc = load_extras(c, st->id, e)) != UIMP_OK)
				return rc;
			changed |= extras_change(c, r);
		}
		if (c->row_bad)
			return UIMP_OK;
		r->action = changed ? ACT_UPDATE : ACT_UNCHANGED;
	}
	out->has_password = haspw;
	if (r->action != ACT_UNCHANGED && r->v[UIMP_F_MANAGER_EMAIL] &&
	    out->v[UIMP_F_EMAIL] && strcasecmp(out->v[UIMP_F_EMAIL],
	    r->v[UIMP_F_MANAGER_EMAIL]) == 0)
		report(c, r->row, c->colof[UIMP_F_MANAGER_EMAIL],
		    UIMP_SEV_ERROR, "manager_self", "a user cannot be their "
		    "own manager");
	/* uniqueness against the other users in the store */
	if (r->action == ACT_INSERT && c->key != UIMP_F_USERNAME &&
	    out->v[UIMP_F_USERNAME] && !c->empty) {
		if ((rc = db_user_find(c->db, out->v[UIMP_F_USERNAME], 0,
		    &c->other, &found, e)) != UIMP_OK)
			return rc;
		if (found)
			report(c, r->row, c->colof[UIMP_F_USERNAME] >= 0 ?
			    c->colof[UIMP_F_USERNAME] : c->colof[c->key],
			    UIMP_SEV_ERROR, "taken", "the username%s is "
			    "user '%s''s already, whose email is '%s'",
			    c->colof[UIMP_F_USERNAME] >= 0 ? "" :
			    " (the email)", c->other.v[UIMP_F_USERNAME],
			    c->other.v[UIMP_F_EMAIL]);
	}
	if (r->action != ACT_UNCHANGED && out->v[UIMP_F_EMAIL] && !c->empty &&
	    (st == NULL || !same(out->v[UIMP_F_EMAIL], st->v[UIMP_F_EMAIL]))) {
		if ((rc = db_email_owner(c->db, out->v[UIMP_F_EMAIL], out->id,
		    who, sizeof(who), e)) != UIMP_OK)
			return rc;
		if (*who)
			report(c, r->row, c->colof[UIMP_F_EMAIL],
			    UIMP_SEV_ERROR, "taken", "already used by user "
			    "'%s'", who);
	}
	if (r->action != ACT_UNCHANGED && out->v[UIMP_F_MOBILE_PHONE] &&
	    !c->empty && (st == NULL || !same(out->v[UIMP_F_MOBILE_PHONE],
	    st->v[UIMP_F_MOBILE_PHONE]))) {
		if ((rc = db_phone_owner(c->db, out->v[UIMP_F_MOBILE_PHONE],
		    out->id, who, sizeof(who), e)) != UIMP_OK)
			return rc;
		if (*who)
			report(c, r->row, c->colof[UIMP_F_MOBILE_PHONE],
			    UIMP_SEV_ERROR, "taken", "already used by user "
			    "'%s'", who);
	}
	if (c->row_bad)
		r->action = ACT_REJECT;
	return UIMP_OK;
}

/* Count what becomes of a good row, and tell it (-v). */
static void
count(struct ctx *c, const struct rec *r)
{
	static const char *const code[] = {
		[ACT_INSERT] = "insert", [ACT_UPDATE] = "update",
		[ACT_UNCHANGED] = "unchanged"
	}, *const done[] = {
		[ACT_INSERT] = "inserted", [ACT_UPDATE] = "updated",
		[ACT_UNCHANGED] = "unchanged:"
	}, *const todo[] = {
		[ACT_INSERT] = "to insert:", [ACT_UPDATE] = "to update:",
		[ACT_UNCHANGED] = "unchanged:"
	};
	char q[64];

	if (r->action == ACT_INSERT)
		c->sum->inserted++;
	else if (r->action == ACT_UPDATE)
		c->sum->updated++;
	else
		c->sum->unchanged++;
	if (!(c->o->flags & UIMP_IMPORT_VERBOSE))
		return;
	quote(q, sizeof(q), r->v[c->key], strlen(r->v[c->key]));
	report(c, r->row, -1, UIMP_SEV_INFO, code[r->action], "%s %s",
	    c->check ? todo[r->action] : done[r->action], q);
}

/*
 * --key email and no username column: a new user's username is their
 * email (off[] as check_cells() has them) when it fits the username
 * rule; else the row is marked to be rejected if it makes a user.
 */
static int
derive_username(struct ctx *c, struct rec *r, size_t *off,
    struct uimp_err *e)
{
	struct uimp_verdict v;
	const char *email = r->mem.s + off[UIMP_F_EMAIL];
	size_t n = strlen(email);

	if (buf_grow(&c->tmp, n + 8))
		return nomem(e);
	if (uimp_field_check(UIMP_F_USERNAME, 0, email, n, &c->pol,
	    c->tmp.s, c->tmp.cap, &v) != 0) {
		r->flags |= REC_NO_USERNAME;
		return UIMP_OK;
	}
	off[UIMP_F_USERNAME] = r->mem.len;
	if (buf_add(&r->mem, c->tmp.s, strlen(c->tmp.s) + 1))
		return nomem(e);
	r->filled |= 1UL << UIMP_F_USERNAME;
	r->flags |= REC_DERIVED;
	return UIMP_OK;
}

/* A directory column's cell: the faults any cell may have, then its rule. */
static int
check_extra_cell(struct ctx *c, struct rec *r, size_t i,
    const struct uimp_cell *cell, struct uimp_err *e)
{
	if (cell->type == UIMP_CELL_ERROR)
		return report(c, r->row, (int)i, UIMP_SEV_ERROR, "error_cell",
		    "the cell holds the error value %s: enter a value",
		    cell->text);
	if (cell->flags & UIMP_CELL_BAD_UTF8)
		return report(c, r->row, (int)i, UIMP_SEV_ERROR, "utf8", "%s",
		    c->rd ? uimp_reader_bad_text(c->rd) : "not valid UTF-8");
	if (cell->flags & UIMP_CELL_TOO_LONG)
		return report(c, r->row, (int)i, UIMP_SEV_ERROR, "too_long",
		    "longer than %d characters", UIMP_CELL_MAX);
	return check_extra(c, r, (size_t)c->cols[i].x, (int)i, cell->text,
	    cell->len, e);
}

/* Validate the cells of row r into c->batch[c->nbatch]. */
static int
check_cells(struct ctx *c, const struct uimp_row *row, struct rec *r,
    struct uimp_err *e)
{
	static const struct uimp_cell empty = { UIMP_CELL_EMPTY, 0, "", 0 };
	const struct uimp_cell *cell;
	struct uimp_verdict v;
	size_t off[UIMP_F_COUNT], i, need;
	char letters[8];
	int f, rc;

	r->row = row->num;
	for (i = 0; i < row->ncells; i++) {
		cell = &row->cells[i];
		if (cell->type == UIMP_CELL_EMPTY && cell->len == 0)
			continue;
		if (i >= c->ncols || c->cols[i].blank) {
			col_letters(i, letters);
			return uimp_err_set(e, UIMP_EINPUT, 0, c->file,
			    "row %lu: a value in column %s, which has no "
			    "header", row->num, letters);
		}
	}
	for (i = 0; i < c->ncols; i++) {
		f = c->cols[i].field;
		if (f < 0 && c->cols[i].x >= 0) {
			cell = i < row->ncells ? &row->cells[i] : &empty;
			if ((rc = check_extra_cell(c, r, i, cell, e)))
				return rc;
			continue;
		}
		if (f < 0 || (uimp_field_info(f)->flags &
		    UIMP_FIELD_EXPORT_ONLY))
			continue;
		r->present |= 1UL << f;
		r->bad |= 1UL << f;	/* until the cell passes */
		cell = i < row->ncells ? &row->cells[i] : &empty;
		if (cell->type == UIMP_CELL_ERROR) {
			report(c, row->num, (int)i, UIMP_SEV_ERROR,
			    "error_cell", "the cell holds the error value "
			    "%s: enter a value", cell->text);
			continue;
		}
		if (cell->flags & UIMP_CELL_NO_CACHE)
			report(c, row->num, (int)i, UIMP_SEV_WARNING,
			    "no_cache", "a formula with no saved value reads "
			    "as empty; open and save the file in a "
			    "spreadsheet program");
		if (cell->flags & UIMP_CELL_BAD_UTF8) {
			report(c, row->num, (int)i, UIMP_SEV_ERROR, "utf8",
			    "%s", uimp_reader_bad_text(c->rd));
			continue;
		}
		if (cell->flags & UIMP_CELL_TOO_LONG) {
			report(c, row->num, (int)i, UIMP_SEV_ERROR,
			    "too_long", "longer than %d characters",
			    UIMP_CELL_MAX);
			continue;
		}
		need = cell->len + 8;	/* "0" in an active column: "blocked" */
		if (buf_grow(&c->tmp, need))
			return nomem(e);
		if (uimp_field_check(f, c->cols[i].active, cell->text,
		    cell->len, &c->pol, c->tmp.s, c->tmp.cap, &v) != 0) {
			report(c, row->num, (int)i, UIMP_SEV_ERROR, v.code,
			    "%s", v.msg);
			continue;
		}
		r->bad &= ~(1UL << f);
		if (c->tmp.s[0] == '\0')
			continue;
		if (f == UIMP_F_PASSWORD) {
			/* the plaintext goes to its own buffer, wiped later */
			r->pwlen = strlen(c->tmp.s);
			if (uimp_is_hash(c->tmp.s) == 1)
				r->hash = strdup(c->tmp.s);
			else if ((r->pw = malloc(r->pwlen + 1)) != NULL)
				memcpy(r->pw, c->tmp.s, r->pwlen + 1);
			explicit_bzero(c->tmp.s, r->pwlen);
			if (r->pw == NULL && r->hash == NULL)
				return nomem(e);
			if (r->hash) {
				r->pwlen = 0;
				r->flags |= REC_HASH_GIVEN;
			} else
				r->flags |= REC_PW_PLAIN;
			r->filled |= 1UL << f;
			continue;
		}
		off[f] = r->mem.len;
		if (buf_add(&r->mem, c->tmp.s, strlen(c->tmp.s) + 1))
			return nomem(e);
		r->filled |= 1UL << f;
	}
	if (c->key == UIMP_F_EMAIL && c->colof[UIMP_F_USERNAME] < 0 &&
	    (r->filled >> UIMP_F_EMAIL & 1) &&
	    (rc = derive_username(c, r, off, e)) != UIMP_OK)
		return rc;
	for (f = 0; f < UIMP_F_COUNT; f++)
		if (f != UIMP_F_PASSWORD)
			r->v[f] = (r->filled >> f & 1) ? r->mem.s + off[f] :
			    NULL;
	r->v[UIMP_F_PASSWORD] = NULL;
	return UIMP_OK;
}

/* The finding of row, which repeats kind's value of row first. */
static void
repeat_message(const struct ctx *c, int kind, unsigned long first,
    char *msg, size_t size, const char **code)
{
	if (kind == c->key) {
		*code = "duplicate";
		snprintf(msg, size, "duplicate key: row %lu has this %s "
		    "already", first, uimp_field_info(kind)->name);
	} else {
		*code = "taken";
		snprintf(msg, size, "already used by row %lu", first);
	}
}

/*
 * Check values that must be unique within the file: the key, and the
 * username, email and phone.  A repeat c->uniq cannot tell now is found
 * once the file is read (find_repeats()).
 */
static int
check_unique(struct ctx *c, struct rec *r, struct uimp_err *e)
{
	static const int uniq[] = {
		UIMP_F_USERNAME, UIMP_F_EMAIL, UIMP_F_MOBILE_PHONE
	};
	const char *code;
	char msg[128];
	unsigned long first;
	size_t i;
	int f, rc;

	for (i = 0; i < 4; i++) {
		f = i == 0 ? c->key : uniq[i - 1];
		if (i > 0 && f == c->key)
			continue;
		if (r->v[f] == NULL)
			continue;
		buf_reset(&c->tmp);
		if (buf_adds(&c->tmp, r->v[f]))
			return nomem(e);
		fold(c->tmp.s);
		if ((rc = uniq_add(c->uniq, f, c->tmp.s, r->row, &first, e)))
			return rc;
		if (first == 0)
			continue;
		repeat_message(c, f, first, msg, sizeof(msg), &code);
		report(c, r->row, c->colof[f], UIMP_SEV_ERROR, code, "%s", msg);
	}
	return UIMP_OK;
}

/* Plan a row, with c->row_bad telling only this plan's errors. */
static int
plan_row(struct ctx *c, struct rec *r, const struct user *st,
    struct user *out, struct uimp_err *e)
{
	int before = c->row_bad, rc;

	c->row_bad = 0;
	rc = plan(c, r, st, out, e);
	if (c->row_bad)
		r->action = ACT_REJECT;
	c->row_bad |= before;
	return rc;
}

/* the spool of valid rows, in the order of the file */

struct spooled {
	unsigned long	row, present, filled;
	int		action, flags;
	unsigned	xfilled;
	size_t		memlen, hashlen, genlen;
	size_t		off[UIMP_F_COUNT];
};

/*
 * A generated password goes to the spool, a file on disk, encrypted with
 * the run's key (ChaCha20, the row number as the nonce); the key never
 * leaves memory.  spool_unseal() decrypts it in place.
 */
/*
 * out = in XOR the ChaCha20 stream of key with row (64 bits) as the nonce:
 * seals and unseals alike.  A key never seals two things of one row.
 */
static void
row_xor(const unsigned char key[32], uint64_t row, void *out,
    const void *in, size_t n)
{
	unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };

	memcpy(nonce, &row, sizeof(row) < sizeof(nonce) ? sizeof(row) :
	    sizeof(nonce));
	crypto_stream_chacha20_xor(out, in, n, nonce, key);
}

static int
spool_secret(struct ctx *c, const struct rec *r, FILE *f)
{
	unsigned char sealed[GEN_MAX];
	int rc;

	if (r->genlen > sizeof(sealed))
		UIMP_BUG("a generated password longer than %zu", sizeof(sealed));
	row_xor(c->genkey, r->row, sealed, r->gen, r->genlen);
	rc = fwrite(sealed, r->genlen, 1, f) == 1 ? 0 : -1;
	explicit_bzero(sealed, sizeof(sealed));
	return rc;
}

static void
spool_unseal(struct ctx *c, struct rec *r)
{
	row_xor(c->genkey, r->row, r->gen, r->gen, r->genlen);
}

static int
spool_write(struct ctx *c, const struct rec *r, struct uimp_err *e)
{
	struct spooled h;
	int f;

	memset(&h, 0, sizeof(h));
	h.row = r->row;
	h.present = r->present;
	h.filled = r->filled;
	h.action = r->action;
	h.flags = r->flags;
	h.xfilled = r->xfilled;
	h.memlen = r->mem.len;
	h.hashlen = r->hash ? strlen(r->hash) : 0;
	h.genlen = r->gen ? r->genlen : 0;
	for (f = 0; f < UIMP_F_COUNT; f++)
		h.off[f] = r->v[f] ? (size_t)(r->v[f] - r->mem.s) : 0;
	if (fwrite(&h, sizeof(h), 1, c->spool) != 1 ||
	    (h.memlen && fwrite(r->mem.s, h.memlen, 1, c->spool) != 1) ||
	    (h.hashlen && fwrite(r->hash, h.hashlen, 1, c->spool) != 1) ||
	    (h.genlen && spool_secret(c, r, c->spool) != 0) ||
	    (c->nx && fwrite(r->xoff, sizeof(*r->xoff), c->nx, c->spool) !=
	    c->nx))
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL,
		    "cannot write a temporary file");
	c->spooled++;
	return UIMP_OK;
}

/* Read the next spooled row into r; *more is 0 at the end. */
static int
spool_read(struct ctx *c, struct rec *r, int *more, struct uimp_err *e)
{
	struct spooled h;
	int f;

	rec_reset(r);
	*more = 0;
	if (fread(&h, sizeof(h), 1, c->spool) != 1)
		return ferror(c->spool) ? uimp_err_set(e, UIMP_EINTERNAL,
		    errno, NULL, "cannot read a temporary file") : UIMP_OK;
	if (buf_grow(&r->mem, h.memlen) ||
	    (h.hashlen && (r->hash = malloc(h.hashlen + 1)) == NULL) ||
	    (h.genlen && (r->gen = malloc(h.genlen + 1)) == NULL))
		return nomem(e);
	if ((h.memlen && fread(r->mem.s, h.memlen, 1, c->spool) != 1) ||
	    (h.hashlen && fread(r->hash, h.hashlen, 1, c->spool) != 1) ||
	    (h.genlen && fread(r->gen, h.genlen, 1, c->spool) != 1) ||
	    (c->nx && fread(r->xoff, sizeof(*r->xoff), c->nx, c->spool) !=
	    c->nx))
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	r->mem.len = h.memlen;
	if (r->hash)
		r->hash[h.hashlen] = '\0';
	r->row = h.row;
	if (r->gen) {
		r->gen[h.genlen] = '\0';
		r->genlen = h.genlen;
		spool_unseal(c, r);
	}
	r->row = h.row;
	r->present = h.present;
	r->filled = h.filled;
	r->action = h.action;
	r->flags = h.flags;
	r->xfilled = h.xfilled;
	for (f = 0; f < UIMP_F_COUNT; f++)
		r->v[f] = (f != UIMP_F_PASSWORD && (r->filled >> f & 1)) ?
		    r->mem.s + h.off[f] : NULL;
	*more = 1;
	return UIMP_OK;
}

/* Whether rows are still worth hashing and keeping for the commit. */
static int
keeping(const struct ctx *c)
{
	if (c->check || c->stop)
		return 0;
	return c->sum->rejected == 0 || (c->o->flags & UIMP_IMPORT_SKIP);
}

static void
end_read(struct ctx *c)
{
	db_read_end(c->db);
	c->reads = 0;
}

/* Hash the batch's passwords and move its rows to the spool. */
static int
flush(struct ctx *c, struct uimp_err *e)
{
	struct uimp_hash_job jobs[BATCH];
	size_t i, n = 0, len = uimp_hash_len(&c->cost);
	int rc = UIMP_OK;

	end_read(c);
	if (keeping(c)) {
		for (i = 0; i < c->nbatch; i++) {
			if (c->batch[i].pw == NULL)
				continue;
			if ((c->batch[i].hash = malloc(len)) == NULL) {
				rc = nomem(e);
				goto out;
			}
			jobs[n].pw = c->batch[i].pw;
			jobs[n].len = c->batch[i].pwlen;
			jobs[n].out = c->batch[i].hash;
			jobs[n].outsz = len;
			n++;
		}
		if (n > 0) {
			progress(c, UIMP_PHASE_HASH);
			if ((rc = uimp_hash_many(&c->cost, jobs, n,
			    c->o->threads, e)) != UIMP_OK)
				goto out;
			c->prog.hashed += n;
			progress(c, UIMP_PHASE_HASH);
		}
		for (i = 0; i < c->nbatch; i++)
			if ((rc = spool_write(c, &c->batch[i], e)) != UIMP_OK)
				goto out;
	}
out:
	for (i = 0; i < c->nbatch; i++)
		rec_reset(&c->batch[i]);
	c->nbatch = 0;
	return rc;
}

static int
blank_row(const struct uimp_row *row)
{
	size_t i;

	for (i = 0; i < row->ncells; i++)
		if (row->cells[i].len > 0 ||
		    row->cells[i].type == UIMP_CELL_ERROR)
			return 0;
	return 1;
}

/* managers: checked once the file is read */

/* The row of the file that holds email (folded), or 0. */
static unsigned long
file_email(const struct ctx *c, const char *email)
{
	return uniq_has(c->uniq, UIMP_F_EMAIL, email);
}

/*
 * A rejected row's email, which no manager cell may then name: when the
 * row holds it (not a later row that repeats it, rejected for that).
 */
static int
mark_bad_email(struct ctx *c, const struct rec *r, struct uimp_err *e)
{
	unsigned long first;

	if (r->v[UIMP_F_EMAIL] == NULL || c->colof[UIMP_F_MANAGER_EMAIL] < 0)
		return UIMP_OK;
	buf_reset(&c->tmp);
	if (buf_adds(&c->tmp, r->v[UIMP_F_EMAIL]))
		return nomem(e);
	fold(c->tmp.s);
	if (file_email(c, c->tmp.s) != r->row)
		return UIMP_OK;
	if (keyset_add(&c->bademails, c->tmp.s, r->row, &first))
		return nomem(e);
	return UIMP_OK;
}

/* Keep a good row's manager reference for resolve_managers(). */
/* A good row that changes a stored email: the store's is gone then. */
static int
note_moved(struct ctx *c, const struct rec *r, const struct user *st,
    struct uimp_err *e)
{
	unsigned long first;

	if (st == NULL || c->colof[UIMP_F_MANAGER_EMAIL] < 0 ||
	    r->v[UIMP_F_EMAIL] == NULL || st->v[UIMP_F_EMAIL] == NULL ||
	    strcasecmp(r->v[UIMP_F_EMAIL], st->v[UIMP_F_EMAIL]) == 0 ||
	    (r->action != ACT_UPDATE))
		return UIMP_OK;
	buf_reset(&c->tmp);
	if (buf_adds(&c->tmp, st->v[UIMP_F_EMAIL]))
		return nomem(e);
	fold(c->tmp.s);
	return keyset_add(&c->moved, c->tmp.s, r->row, &first) ? nomem(e) :
	    UIMP_OK;
}

static int
add_mref(struct ctx *c, const struct rec *r, const struct user *out,
    const struct user *st, int gen, int kept, struct uimp_err *e)
{
	const char *mgr = r->v[UIMP_F_MANAGER_EMAIL];
	struct mref *m, *nm;
	char who[128] = "";
	size_t ncap;
	int rc;

	if (out->v[UIMP_F_EMAIL] == NULL)
		return UIMP_OK;
	if (c->nmrefs == c->capmrefs) {
		ncap = c->capmrefs ? c->capmrefs * 2 : 64;
		if ((nm = realloc(c->mrefs, ncap * sizeof(*nm))) == NULL)
			return nomem(e);
		c->mrefs = nm;
		c->capmrefs = ncap;
	}
	if (mgr && !c->empty && (rc = db_email_owner(c->db, mgr, -1, who,
	    sizeof(who), e)) != UIMP_OK)
		return rc;
	m = &c->mrefs[c->nmrefs];
	memset(m, 0, sizeof(*m));
	m->row = r->row;
	m->action = r->action;
	m->gen = gen;
	m->kept = kept;
	m->instore = *who != '\0';
	if ((m->email = strdup(out->v[UIMP_F_EMAIL])) == NULL ||
	    (mgr && (m->mgr = strdup(mgr)) == NULL) ||
	    (st && st->v[UIMP_F_EMAIL] && strcasecmp(st->v[UIMP_F_EMAIL],
	    out->v[UIMP_F_EMAIL]) != 0 &&
	    (m->old = strdup(st->v[UIMP_F_EMAIL])) == NULL)) {
		free(m->email);
		free(m->mgr);
		return nomem(e);
	}
	fold(m->email);
	if (m->mgr)
		fold(m->mgr);
	if (m->old)
		fold(m->old);
	c->nmrefs++;
	return UIMP_OK;
}

/*
 * Reject the row of m now that the file is read: its finding, its email
 * no longer good, and (check) the counts.
 */
static int
late_reject(struct ctx *c, struct mref *m, const char *code,
    const char *msg, struct uimp_err *e)
{
	unsigned long first;

	report(c, m->row, c->colof[UIMP_F_MANAGER_EMAIL], UIMP_SEV_ERROR,
	    code, "%s", msg);
	m->bad = 1;
	if ((m->msg = strdup(msg)) == NULL ||
	    keyset_add(&c->bademails, m->email, m->row, &first))
		return nomem(e);
	/*
	 * Counted now, whether or not the row reaches the commit: import
	 * counts its rows there (check has counted them already).
	 */
	if (c->check && m->action == ACT_INSERT)
		c->sum->inserted--;
	else if (c->check)
		c->sum->updated--;
	c->sum->rejected++;
	c->sum->generated -= m->gen;
	c->sum->passwords_kept -= m->kept;
	return UIMP_OK;
}

/*
 * Follow the managers from row start: in the file (map: email to index
 * + 1), else in the store.  A walk that comes back to a row on its path
 * is a circle: each of its rows is rejected.
 */
static int
walk_managers(struct ctx *c, const struct keyset *map, size_t start,
    size_t *path, size_t *hops, int *changed, struct uimp_err *e)
{
	char next[256], up[256], msg[512];
	size_t n = 0, i, j, k, steps;
	unsigned long hit;
	int rc;

	for (i = start;;) {
		c->mrefs[i].state = 1;
		path[n++] = i;
		hops[n - 1] = 0;
		if (c->mrefs[i].mgr == NULL)	/* no manager: the chain ends */
			break;
		snprintf(next, sizeof(next), "%s", c->mrefs[i].mgr);
		/* a manager outside the file: their managers in the store */
		for (steps = 0; (hit = keyset_has(map, next)) == 0 &&
		    steps < 1000; steps++) {
			if ((rc = db_manager_of(c->db, next, up,
			    sizeof(up), e)) != UIMP_OK)
				return rc;
			if (*up == '\0')
				break;
			fold(up);
			memcpy(next, up, sizeof(next));
		}
		hops[n - 1] = steps;
		if (hit == 0)
			break;
		j = hit - 1;
		if (c->mrefs[j].bad || c->mrefs[j].state == 2)
			break;
		if (c->mrefs[j].state == 1) {
			for (k = 0; path[k] != j; k++)
				;
			snprintf(msg, sizeof(msg), "the managers go round "
			    "in a circle:");
			for (i = k; i < n; i++) {
				snprintf(msg + strlen(msg), sizeof(msg) -
				    strlen(msg), " %s ->",
				    c->mrefs[path[i]].email);
				/* through users of the store */
				if (hops[i] > 0)
					snprintf(msg + strlen(msg),
					    sizeof(msg) - strlen(msg),
					    " %s%s ->", c->mrefs[path[i]].mgr,
					    hops[i] > 1 ? " -> ..." : "");
			}
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			    " %s", c->mrefs[j].email);
			for (i = k; i < n; i++)
				if ((rc = late_reject(c, &c->mrefs[path[i]],
				    "manager_cycle", msg, e)) != UIMP_OK)
					return rc;
			*changed = 1;
			break;
		}
		i = j;
	}
	for (i = 0; i < n; i++)
		c->mrefs[path[i]].state = 2;
	return UIMP_OK;
}

/*
 * Once the file is read: every manager a good row names must be a user
 * of the store or of a good row, and managers may not go round in a
 * circle.  A row rejected here may leave others without their manager:
 * until nothing changes.
 */
static int
resolve_managers(struct ctx *c, struct uimp_err *e)
{
	struct keyset map;
	struct mref *m;
	char q[64], msg[256];
	size_t i, *path;
	unsigned long first, at;
	int rc = UIMP_OK, changed;

	if (c->nmrefs == 0)
		return UIMP_OK;
	if ((path = calloc(2 * c->nmrefs, sizeof(*path))) == NULL)
		return nomem(e);
	memset(&map, 0, sizeof(map));
	do {
		changed = 0;
		for (i = 0; i < c->nmrefs && rc == UIMP_OK; i++) {
			m = &c->mrefs[i];
			if (m->bad || m->mgr == NULL)
				continue;
			quote(q, sizeof(q), m->mgr, strlen(m->mgr));
			if (m->old && strcmp(m->old, m->mgr) == 0) {
				rc = late_reject(c, m, "manager_self", "a user "
				    "cannot be their own manager (the email the "
				    "row changes)", e);
				changed = 1;
				continue;
			}
			/* a user of the store whose email a row changes is
			 * no longer found by it */
			if ((m->instore && !keyset_has(&c->moved, m->mgr)) ||
			    (file_email(c, m->mgr) &&
			    !keyset_has(&c->bademails, m->mgr)))
				continue;
			if ((at = file_email(c, m->mgr)) != 0)
				snprintf(msg, sizeof(msg), "the manager %s is "
				    "the user of row %lu, which was rejected",
				    q, at);
			else
				snprintf(msg, sizeof(msg), "no user has the "
				    "email %s: a manager must be a user of the "
				    "store or of a row of this file", q);
			rc = late_reject(c, m, "no_manager", msg, e);
			changed = 1;
		}
		keyset_release(&map);
		for (i = 0; i < c->nmrefs && rc == UIMP_OK; i++) {
			c->mrefs[i].state = 0;
			if (!c->mrefs[i].bad && (keyset_add(&map,
			    c->mrefs[i].email, i + 1, &first) ||
			    (c->mrefs[i].old && keyset_add(&map,
			    c->mrefs[i].old, i + 1, &first))))
				rc = nomem(e);
		}
		for (i = 0; i < c->nmrefs && rc == UIMP_OK; i++)
			if (!c->mrefs[i].bad && c->mrefs[i].state == 0)
				rc = walk_managers(c, &map, i, path,
				    path + c->nmrefs, &changed, e);
	} while (changed && rc == UIMP_OK);
	keyset_release(&map);
	free(path);
	return rc;
}

/* A row the managers' check rejected: at the commit, it is not written. */
static const struct mref *
late_rejected(struct ctx *c, unsigned long row)
{
	while (c->mcursor < c->nmrefs && c->mrefs[c->mcursor].row < row)
		c->mcursor++;
	if (c->mcursor < c->nmrefs && c->mrefs[c->mcursor].row == row &&
	    c->mrefs[c->mcursor].bad)
		return &c->mrefs[c->mcursor];
	return NULL;
}

/*
 * Once every row is written: set the managers the rows name (a manager's
 * row may come after their staff's), or clear them (--empty clear).
 */
static int
apply_managers(struct ctx *c, struct uimp_err *e)
{
	char email[256], q[64];
	long long id;
	unsigned long row;
	int rc, found, n;

	if (c->mgrs == NULL)
		return UIMP_OK;
	if (fflush(c->mgrs) != 0 || fseek(c->mgrs, 0, SEEK_SET) != 0)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	while ((n = fscanf(c->mgrs, "%lld %lu %255s", &id, &row, email)) ==
	    3) {
		if ((rc = db_user_set_manager(c->db, id, strcmp(email, "-") ?
		    email : NULL, c->now, &found, e)) != UIMP_OK)
			return rc;
		if (found)
			continue;
		/* the manager's row was refused at the commit */
		quote(q, sizeof(q), email, strlen(email));
		report(c, row, c->colof[UIMP_F_MANAGER_EMAIL],
		    UIMP_SEV_WARNING, "manager_not_set", "the manager is not "
		    "set: no user has the email %s (its row was refused at "
		    "the commit)", q);
	}
	if (n != EOF || ferror(c->mgrs))
		return uimp_err_set(e, UIMP_EINTERNAL, 0, NULL, "cannot read a "
		    "temporary file");
	return UIMP_OK;
}

/* A new password for a new user: hashed with the others, kept in r->gen. */
static int
generate(struct ctx *c, struct rec *r, struct uimp_err *e)
{
	char pw[GEN_MAX];
	int rc;

	if ((rc = uimp_password_generate(&c->pol, pw, sizeof(pw), e)))
		return rc;
	r->pwlen = r->genlen = strlen(pw);
	if ((r->pw = malloc(r->pwlen + 1)) == NULL ||
	    (r->gen = malloc(r->genlen + 1)) == NULL) {
		explicit_bzero(pw, sizeof(pw));
		return nomem(e);
	}
	memcpy(r->pw, pw, r->pwlen + 1);
	memcpy(r->gen, pw, r->genlen + 1);
	explicit_bzero(pw, sizeof(pw));
	return UIMP_OK;
}

static int
take_row(struct ctx *c, const struct uimp_row *row, struct uimp_err *e)
{
	struct rec *r = &c->batch[c->nbatch];
	struct user out;
	int rc, found = 0, haspw, gen, kept;

	if (blank_row(row))
		return UIMP_OK;
	c->sum->rows++;
	c->row_bad = 0;
	rec_reset(r);
	memset(&out, 0, sizeof(out));
	if ((rc = check_cells(c, row, r, e)) != UIMP_OK)
		return rc;
	if (r->v[c->key] == NULL && !(r->bad >> c->key & 1))
		report(c, row->num, c->colof[c->key], UIMP_SEV_ERROR, "empty",
		    "empty required field: the %s finds the user",
		    uimp_field_info(c->key)->name);
	if (r->v[c->key] == NULL)
		c->nokey++;
	if ((rc = check_unique(c, r, e)) != UIMP_OK)
		return rc;
	c->repeat_at = c->rowmsg_row == row->num ? c->rowmsg.len : 0;
	if (r->v[c->key] != NULL) {
		/*
		 * Lookups share one read transaction for a batch of rows; it
		 * ends before hashing, so no writer waits on the hashes.  A
		 * store with no user then has nothing to look up; should
		 * another process add users before the commit, the commit
		 * sees the version change and plans again.
		 */
		if (c->reads == 0 && ((rc = db_read_begin(c->db, e)) !=
		    UIMP_OK || (rc = db_users_empty(c->db, &c->empty, e)) !=
		    UIMP_OK))
			return rc;
		if (!c->planned && (rc = db_data_version(c->db, &c->version,
		    e)) != UIMP_OK)
			return rc;
		c->planned = 1;
		if (++c->reads == BATCH)
			end_read(c);
		if (!c->empty && (rc = db_user_find(c->db, r->v[c->key],
		    c->key == UIMP_F_EMAIL, &c->stored, &found, e)))
			return rc;
		if ((rc = plan_row(c, r, found ? &c->stored : NULL, &out, e)))
			return rc;
	}
	if (c->row_bad) {
		c->sum->rejected++;
		if ((rc = mark_bad_email(c, r, e)) != UIMP_OK)
			return rc;
		rec_reset(r);
		/* a held row is told once the repeats are found */
		if (holding(c))
			return UIMP_OK;
		if ((rc = errors_row(c, row, e)) != UIMP_OK)
			return rc;
		return log_row(c, row);
	}
	haspw = r->filled >> UIMP_F_PASSWORD & 1;
	gen = r->action == ACT_INSERT && !haspw &&
	    (c->o->flags & UIMP_IMPORT_GENERATE);
	kept = found && haspw && !(c->o->flags & UIMP_IMPORT_UPDATE_PASSWORDS);
	if ((rc = note_moved(c, r, found ? &c->stored : NULL, e)) != UIMP_OK)
		return rc;
	if ((r->v[UIMP_F_MANAGER_EMAIL] || (r->action == ACT_UPDATE &&
	    c->colof[UIMP_F_MANAGER_EMAIL] >= 0 &&
	    (c->o->flags & UIMP_IMPORT_EMPTY_CLEAR))) &&
	    (r->action == ACT_INSERT || r->action == ACT_UPDATE) &&
	    (rc = add_mref(c, r, &out, found ? &c->stored : NULL, gen, kept,
	    e)))
		return rc;
	if (gen) {
		c->sum->generated++;
		if (keeping(c) && (rc = generate(c, r, e)) != UIMP_OK)
			return rc;
	}
	if (kept)
		c->sum->passwords_kept++;
	c->fate = r->action << FATE_ACT | (gen ? FATE_GEN : 0) |
	    (kept ? FATE_KEPT : 0);
	if (r->action == ACT_INSERT)
		c->to_insert++;
	else if (r->action == ACT_UPDATE)
		c->to_update++;
	if (c->check)
		count(c, r);
	/* hash only what will be stored */
	if (r->pw && !(r->action == ACT_INSERT || (r->action == ACT_UPDATE &&
	    (c->o->flags & UIMP_IMPORT_UPDATE_PASSWORDS)))) {
		explicit_bzero(r->pw, r->pwlen);
		free(r->pw);
		r->pw = NULL;
	}
	if (!keeping(c)) {
		rec_reset(r);
		return UIMP_OK;
	}
	if (++c->nbatch == BATCH)
		return flush(c, e);
	return UIMP_OK;
}

/*
 * Whether the rows are held (hold_row()): once values went past the memory
 * for repeats, a row may yet be rejected once the file is read, and the
 * errors file and the job record want its cells as they were read.
 */
static int
holding(const struct ctx *c)
{
	return c->uniq && uniq_spilled(c->uniq) && (c->errors || c->log);
}

/* Append n (at most UINT32_MAX) as 4 bytes, then n bytes at p and a NUL. */
static void
hold_add(struct buf *b, const void *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	memcpy(b->s + b->len, &len, sizeof(len));
	if (n > 0)
		memcpy(b->s + b->len + sizeof(len), p, n);
	b->s[b->len + sizeof(len) + n] = '\0';
	b->len += sizeof(len) + n + 1;
}

/*
 * Keep a row in c->held: its number and size, then, encrypted with the
 * run's own key and the row number as the nonce (a password cell is
 * among them), whether it was rejected as it was read, where its
 * messages of repeats end, its cells and its messages.  Once the file is
 * read, tell_held() writes the rejected ones.
 */
static int
hold_row(struct ctx *c, const struct uimp_row *row, int bad,
    struct uimp_err *e)
{
	uint64_t num = row->num;
	uint32_t len;
	size_t i, size, msglen;
	int rc;

	if (c->held == NULL) {
		if ((rc = temp_file(&c->held, e)) != UIMP_OK)
			return rc;
		if (sodium_init() < 0)
			return uimp_err_set(e, UIMP_EINTERNAL, 0, NULL,
			    "cannot start libsodium");
		randombytes_buf(c->heldkey, sizeof(c->heldkey));
	}
	msglen = bad && c->rowmsg_row == row->num ? c->rowmsg.len : 0;
	size = 1 + 3 * sizeof(len) + msglen + 1;
	for (i = 0; i < row->ncells; i++) {
		if (row->cells[i].len > UINT32_MAX)
			return nomem(e);
		size += sizeof(len) + row->cells[i].len + 1;
	}
	buf_reset(&c->heldbuf);
	if (size > UINT32_MAX || buf_grow_secret(&c->heldbuf, size))
		return nomem(e);
	c->heldbuf.s[c->heldbuf.len++] = (char)bad;
	len = (uint32_t)(msglen ? c->repeat_at : 0);
	memcpy(c->heldbuf.s + c->heldbuf.len, &len, sizeof(len));
	c->heldbuf.len += sizeof(len);
	len = (uint32_t)row->ncells;
	memcpy(c->heldbuf.s + c->heldbuf.len, &len, sizeof(len));
	c->heldbuf.len += sizeof(len);
	for (i = 0; i < row->ncells; i++)
		hold_add(&c->heldbuf, row->cells[i].text, row->cells[i].len);
	hold_add(&c->heldbuf, c->rowmsg.s, msglen);
	row_xor(c->heldkey, num, c->heldbuf.s, c->heldbuf.s, c->heldbuf.len);
	len = (uint32_t)c->heldbuf.len;
	if (fwrite(&num, sizeof(num), 1, c->held) != 1 ||
	    fwrite(&len, sizeof(len), 1, c->held) != 1 ||
	    fwrite(c->heldbuf.s, len, 1, c->held) != 1)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "write a temporary file");
	return UIMP_OK;
}

/* Read one row of the file after its header. */
static int
process_row(struct ctx *c, const struct uimp_row *row, struct uimp_err *e)
{
	int rc;

	if (blank_row(row))
		return UIMP_OK;
	c->fate = FATE_BAD;
	if ((rc = take_row(c, row, e)) != UIMP_OK ||
	    (rc = uniq_row_end(c->uniq, c->fate, e)) != UIMP_OK)
		return rc;
	return holding(c) ? hold_row(c, row, c->fate & FATE_BAD, e) : UIMP_OK;
}

/*
 * Once the file is read: the repeats c->uniq found among the values past
 * its budget, told in the order of their rows, and kept in c->lates.  A
 * row good until then is rejected now: commit_rows() skips it, and its
 * counts are taken back as late_reject() takes them.
 */
static int
find_repeats(struct ctx *c, struct uimp_err *e)
{
	const struct uniq_late *u;
	const char *code;
	char msg[128];
	size_t i;
	int rc, act;

	if (c->uniq == NULL || !uniq_spilled(c->uniq))
		return UIMP_OK;
	if ((rc = uniq_finish(c->uniq, &c->lates, &c->nlates, e)) != UIMP_OK)
		return rc;
	for (i = 0; i < c->nlates; i++) {
		u = &c->lates[i];
		repeat_message(c, u->kind, u->first, msg, sizeof(msg), &code);
		report(c, u->row, c->colof[u->kind], UIMP_SEV_ERROR, code,
		    "%s", msg);
		/* counted as it was read; a row is counted once */
		if ((u->fate & FATE_BAD) || (i > 0 && u[-1].row == u->row))
			continue;
		act = u->fate >> FATE_ACT;
		c->sum->rejected++;
		if (c->check && act == ACT_INSERT)
			c->sum->inserted--;
		else if (c->check && act == ACT_UPDATE)
			c->sum->updated--;
		else if (c->check)
			c->sum->unchanged--;
		if (act == ACT_INSERT)
			c->to_insert--;
		else if (act == ACT_UPDATE)
			c->to_update--;
		c->sum->generated -= !!(u->fate & FATE_GEN);
		c->sum->passwords_kept -= !!(u->fate & FATE_KEPT);
	}
	return UIMP_OK;
}

/*
 * Take 4 bytes of length, then so many bytes and a NUL, from *p (end:
 * the row's); 0, or -1 when the bytes are not there.
 */
static int
held_take(const char **p, const char *end, const char **s, uint32_t *len)
{
	if ((size_t)(end - *p) < sizeof(*len))
		return -1;
	memcpy(len, *p, sizeof(*len));
	*p += sizeof(*len);
	if ((size_t)(end - *p) <= *len || (*p)[*len] != '\0')
		return -1;
	*s = *p;
	*p += *len + 1;
	return 0;
}

/*
 * Write held row num (its bytes decrypted in c->heldbuf) to the errors
 * file and the job record, with its messages as a row read in memory has
 * them: its repeats' from *l on go after those of the repeats found as it
 * was read, before those of its plan.  0, -1 when the bytes are not a
 * held row, or a status.
 */
static int
tell_row(struct ctx *c, uint64_t num, const struct uniq_late **l,
    const struct uniq_late *end, struct uimp_cell **cells, size_t *cap,
    struct uimp_err *e)
{
	const char *p = c->heldbuf.s, *pend = c->heldbuf.s + c->heldbuf.len;
	const char *msg, *code, *rest;
	struct uimp_cell *nc;
	struct uimp_row row;
	char text[128];
	uint32_t at, n, i, len;
	int bad, rc;

	if (c->heldbuf.len < 1 + 2 * sizeof(n))
		return -1;
	bad = *p++;
	memcpy(&at, p, sizeof(at));
	p += sizeof(at);
	memcpy(&n, p, sizeof(n));
	p += sizeof(n);
	if (n > (size_t)(pend - p) / (sizeof(len) + 1))
		return -1;
	if (n > *cap) {
		if ((nc = realloc(*cells, n * sizeof(*nc))) == NULL)
			return nomem(e);
		*cells = nc;
		*cap = n;
	}
	for (i = 0; i < n; i++) {
		memset(&(*cells)[i], 0, sizeof((*cells)[i]));
		if (held_take(&p, pend, &(*cells)[i].text, &len) != 0)
			return -1;
		(*cells)[i].len = len;
	}
	if (held_take(&p, pend, &msg, &len) != 0 || p != pend || at > len)
		return -1;
	buf_reset(&c->rowmsg);
	c->rowmsg_row = num;
	if (bad)
		(void)buf_add(&c->rowmsg, msg, at);
	for (; *l < end && (*l)->row == num; (*l)++) {
		repeat_message(c, (*l)->kind, (*l)->first, text, sizeof(text),
		    &code);
		row_message(c, num, c->colof[(*l)->kind] >= 0 ?
		    c->cols[c->colof[(*l)->kind]].header : NULL, text);
	}
	/* out of memory: the cell is shorter, as row_message() has it */
	rest = msg + at;
	if (strncmp(rest, "; ", 2) == 0)
		rest += 2;
	if (bad && *rest != '\0') {
		if (c->rowmsg.len > 0)
			(void)buf_adds(&c->rowmsg, "; ");
		(void)buf_adds(&c->rowmsg, rest);
	}
	row.num = num;
	row.ncells = n;
	row.cells = *cells;
	if ((rc = errors_row(c, &row, e)) != UIMP_OK)
		return rc;
	if ((rc = log_row(c, &row)) != UIMP_OK)
		return uimp_err_set(e, rc, errno, NULL, "%s",
		    uimp_strstatus(rc));
	return UIMP_OK;
}

/*
 * Once the repeats are found: the held rows that were rejected, as they
 * were read or for a repeat, go to the errors file and the job record,
 * with every message of theirs, in the order of the file.
 */
static int
tell_held(struct ctx *c, struct uimp_err *e)
{
	const struct uniq_late *l = c->lates;
	const struct uniq_late *end = l ? l + c->nlates : NULL;
	struct uimp_cell *cells = NULL;
	uint64_t num;
	uint32_t len;
	size_t cap = 0;
	size_t got;
	int rc = UIMP_OK;

	if (c->held == NULL)
		return UIMP_OK;
	if (fflush(c->held) != 0 || fseek(c->held, 0, SEEK_SET) != 0)
		goto bad;
	while (rc == UIMP_OK) {
		if ((got = fread(&num, 1, sizeof(num), c->held)) == 0 &&
		    feof(c->held))
			break;
		if (got != sizeof(num))
			goto bad;
		buf_reset(&c->heldbuf);
		if (fread(&len, sizeof(len), 1, c->held) != 1 ||
		    buf_grow_secret(&c->heldbuf, len) ||
		    fread(c->heldbuf.s, 1, len, c->held) != len)
			goto bad;
		c->heldbuf.len = len;
		while (l < end && l->row < num)
			l++;
		row_xor(c->heldkey, num, c->heldbuf.s, c->heldbuf.s, len);
		/* rejected as it was read, or for a repeat */
		if (c->heldbuf.s[0] || (l < end && l->row == num))
			rc = tell_row(c, num, &l, end, &cells, &cap, e);
		explicit_bzero(c->heldbuf.s, c->heldbuf.len);
		if (rc < 0)
			goto bad;
	}
	if (rc == UIMP_OK && ferror(c->held))
		goto bad;
	free(cells);
	buf_wipe(&c->heldbuf);
	return rc;
bad:
	free(cells);
	buf_wipe(&c->heldbuf);
	return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot read a "
	    "temporary file");
}

/* the commit */

/*
 * A new user's generated password goes to the credentials file and the
 * welcome message, then is wiped.
 */
static int
deliver(struct ctx *c, struct rec *r, const struct user *u,
    struct uimp_err *e)
{
	const char *cells[3];
	size_t lens[3], i;
	int rc = UIMP_OK;

	cells[0] = u->v[UIMP_F_USERNAME];
	cells[1] = u->v[UIMP_F_EMAIL];
	cells[2] = r->gen;
	for (i = 0; i < 3; i++)
		lens[i] = cells[i] ? strlen(cells[i]) : 0;
	if (c->creds)
		rc = table_row(c->creds, cells, lens, 3, e);
	if (rc == UIMP_OK && c->invite)
		rc = invite_add(c->invite, u->v[UIMP_F_USERNAME],
		    u->v[UIMP_F_EMAIL], u->v[UIMP_F_FIRST_NAME],
		    u->v[UIMP_F_LAST_NAME], r->gen, e);
	explicit_bzero(r->gen, r->genlen);
	/* not a rejected row: a failure to write the secret stops the run */
	if (rc == UIMP_EINVAL)
		rc = UIMP_EWRITE;
	return rc;
}

/* A generated password that no new user will get: wiped, not counted. */
static void
drop_generated(struct ctx *c, struct rec *r)
{
	explicit_bzero(r->gen, r->genlen);
	free(r->gen);
	free(r->hash);
	r->gen = r->hash = NULL;
	r->genlen = 0;
	c->sum->generated--;
}

/*
 * A row written whose manager is to be set (or, --empty clear, cleared)
 * once every row is: id, row and email ("-": none) into c->mgrs.
 */
static int
note_manager(struct ctx *c, const struct rec *r, long long id,
    struct uimp_err *e)
{
	const char *m = r->v[UIMP_F_MANAGER_EMAIL];
	const char *was = r->action == ACT_UPDATE ?
	    c->stored.v[UIMP_F_MANAGER_EMAIL] : NULL;
	int rc;

	if (c->colof[UIMP_F_MANAGER_EMAIL] < 0)
		return UIMP_OK;
	if (m == NULL && !(r->action == ACT_UPDATE && was != NULL &&
	    (c->o->flags & UIMP_IMPORT_EMPTY_CLEAR)))
		return UIMP_OK;
	if (m && was && strcasecmp(m, was) == 0)
		return UIMP_OK;
	if (c->mgrs == NULL && (rc = temp_file(&c->mgrs, e)) != UIMP_OK)
		return rc;
	fprintf(c->mgrs, "%lld %lu %s\n", id, r->row, m ? m : "-");
	return ferror(c->mgrs) ? uimp_err_set(e, UIMP_EINTERNAL, errno, NULL,
	    "cannot write a temporary file") : UIMP_OK;
}

/* Write one spooled row inside the transaction. */
static int
commit_row(struct ctx *c, struct rec *r, struct uimp_err *e)
{
	struct user out;
	struct uimp_err we, e2;
	const char *hash;
	long long id;
	int f, sp;
	int rc, found, haspw = r->filled >> UIMP_F_PASSWORD & 1;

	memset(&out, 0, sizeof(out));
	/* a generated password is for a new user only: see below */
	if (r->hash && r->gen == NULL)
		r->filled |= 1UL << UIMP_F_PASSWORD;
	c->row_bad = 0;
	/*
	 * When no other process wrote since the rows were planned, the plan
	 * of a new or an unchanged user stands: no need to look again.
	 */
	if (c->plans_hold && (r->action == ACT_UNCHANGED ||
	    (r->action == ACT_INSERT && r->hash != NULL))) {
		memcpy(out.v, r->v, sizeof(out.v));
		if (r->gen)
			r->filled |= 1UL << UIMP_F_PASSWORD;
		goto write;
	}
	if ((rc = db_user_find(c->db, r->v[c->key], c->key == UIMP_F_EMAIL,
	    &c->stored, &found, e)) != UIMP_OK)
		return rc;
	if ((rc = plan_row(c, r, found ? &c->stored : NULL, &out, e)))
		return rc;
	/*
	 * Another process created the user meanwhile: the row updates it,
	 * and the password made for a new user is dropped, never set.
	 */
	if (r->gen && r->action == ACT_INSERT)
		r->filled |= 1UL << UIMP_F_PASSWORD;
	else if (r->gen)
		drop_generated(c, r);
	if (!c->row_bad && haspw && r->hash == NULL &&
	    (r->action == ACT_INSERT || (r->action == ACT_UPDATE &&
	    (c->o->flags & UIMP_IMPORT_UPDATE_PASSWORDS))))
		report(c, r->row, c->colof[c->key], UIMP_SEV_ERROR, "changed",
		    "the user was removed by another process during the "
		    "import: import the row again");
	if (c->row_bad)
		return UIMP_OK;
write:
	hash = (r->action == ACT_INSERT || (c->o->flags &
	    UIMP_IMPORT_UPDATE_PASSWORDS)) ? r->hash : NULL;
	/* --must-change: a new user's own cell says otherwise */
	if (r->action == ACT_INSERT && (c->o->flags & UIMP_IMPORT_MUST_CHANGE) &&
	    out.v[UIMP_F_MUST_CHANGE_PASSWORD] == NULL)
		out.v[UIMP_F_MUST_CHANGE_PASSWORD] = "1";
	/* the store's defaults for what a new user's row leaves empty */
	for (f = 0; r->action == ACT_INSERT && f < UIMP_F_COUNT; f++)
		if (out.v[f] == NULL && c->defaults[f])
			out.v[f] = c->defaults[f];
	/*
	 * A row with directory columns writes in several statements: a
	 * savepoint undoes them all when one is refused (a group another
	 * process removed meanwhile).
	 */
	sp = c->nx > 0 && (r->action == ACT_INSERT ||
	    r->action == ACT_UPDATE);
	if (sp && (rc = db_savepoint(c->db, e)) != UIMP_OK)
		return rc;
	if (r->action == ACT_INSERT)
		/* its job_changes row comes with the others' (commit_run) */
		rc = db_user_insert(c->db, &out, hash, c->now, &id, &we);
	else if (r->action == ACT_UPDATE) {
		/* the row as it was, for jobs revert, then the change */
		rc = db_job_change(c->db, c->sum->job, out.id, CH_UPDATE,
		    c->now, &we);
		if (rc == UIMP_OK &&
		    (rc = db_user_update(c->db, &out, hash, c->now, &we)) ==
		    UIMP_EINVAL && db_job_change_undo(c->db, &e2) != UIMP_OK) {
			*e = e2;
			return e2.status;
		}
	} else
		rc = UIMP_OK;
	if (rc == UIMP_OK && sp &&
	    (rc = write_extras(c, r, r->action == ACT_INSERT ? id : out.id,
	    r->action == ACT_UPDATE, &we)) == UIMP_EINVAL) {
		if ((rc = db_savepoint_end(c->db, 1, e)) != UIMP_OK)
			return rc;
		return report(c, r->row, -1, UIMP_SEV_ERROR, "changed",
		    "the store refused the row's groups, labels or values, "
		    "changed by another process during the import (%s): "
		    "import the row again", we.msg);
	}
	if (rc == UIMP_OK && sp) {
		rc = db_savepoint_end(c->db, 0, &we);
		sp = 0;
	}
	if (rc == UIMP_OK && r->action == ACT_INSERT && r->gen)
		rc = deliver(c, r, &out, &we);
	if (rc == UIMP_OK && (r->action == ACT_INSERT ||
	    r->action == ACT_UPDATE))
		rc = note_manager(c, r, r->action == ACT_INSERT ? id : out.id,
		    &we);
	if (rc == UIMP_EINVAL) {
		/* a unique index saw what the checks could not */
		if (sp && (rc = db_savepoint_end(c->db, 1, e)) != UIMP_OK)
			return rc;
		return report(c, r->row, -1, UIMP_SEV_ERROR, "taken",
		    "the store refused the row: %s", we.msg);
	}
	if (rc != UIMP_OK) {
		*e = we;
		return rc;
	}
	count(c, r);
	return UIMP_OK;
}

/* Keep the cells of a row rejected at the commit, from its values. */
static int
log_values(struct ctx *c, const struct rec *r)
{
	int f, first = 1;

	buf_reset(&c->tmp);
	if (buf_addc(&c->tmp, '{'))
		return UIMP_ENOMEM;
	for (f = 0; f < UIMP_F_COUNT; f++) {
		if (c->colof[f] < 0 || f == UIMP_F_PASSWORD)
			continue;
		if ((!first && buf_addc(&c->tmp, ',')) ||
		    buf_adds(&c->tmp, "") ||
		    buf_add_json(&c->tmp, c->cols[c->colof[f]].header,
		    strlen(c->cols[c->colof[f]].header)) ||
		    buf_addc(&c->tmp, ':') ||
		    buf_add_json(&c->tmp, r->v[f] ? r->v[f] : "",
		    r->v[f] ? strlen(r->v[f]) : 0))
			return UIMP_ENOMEM;
		first = 0;
	}
	if (buf_addc(&c->tmp, '}'))
		return UIMP_ENOMEM;
	return log_cells(c, r->row, 1);
}

/*
 * Whether row was rejected once the file was read: LATE_REPEAT for a
 * repeat (its row was told then), LATE_MANAGER for a manager, whose
 * messages are then in c->rowmsg.
 */
enum { LATE_REPEAT = 1, LATE_MANAGER };

static int
late_row(struct ctx *c, unsigned long row)
{
	const struct mref *m;

	while (c->latecur < c->nlates && c->lates[c->latecur].row < row)
		c->latecur++;
	if (c->latecur < c->nlates && c->lates[c->latecur].row == row)
		return LATE_REPEAT;
	if ((m = late_rejected(c, row)) == NULL)
		return 0;
	buf_reset(&c->rowmsg);
	c->rowmsg_row = 0;
	row_message(c, row, c->cols[c->colof[UIMP_F_MANAGER_EMAIL]].header,
	    m->msg);
	return LATE_MANAGER;
}

/* Write every spooled row; a rejection under abort stops with *aborted. */
static int
commit_rows(struct ctx *c, int *aborted, struct uimp_err *e)
{
	struct rec r;
	int rc, more, late;

	memset(&r, 0, sizeof(r));
	*aborted = 0;
	if ((rc = rec_extras(c, &r, e)) != UIMP_OK)
		return rc;
	if (fflush(c->spool) != 0 || fseek(c->spool, 0, SEEK_SET) != 0)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	c->prog.to_write = c->spooled;
	for (;;) {
		if ((rc = spool_read(c, &r, &more, e)) != UIMP_OK || !more)
			break;
		/* a late rejection's finding was told once the file was read */
		if ((late = late_row(c, r.row)) != 0)
			c->row_bad = 1;
		else if ((rc = commit_row(c, &r, e)) != UIMP_OK)
			break;
		if (++c->prog.written % 4096 == 0)
			progress(c, UIMP_PHASE_WRITE);
		if (!c->row_bad)
			continue;
		if (!late)
			c->sum->rejected++;
		if (r.gen) {
			drop_generated(c, &r);
			/* a late rejection took it off the count already */
			c->sum->generated += late != 0;
		}
		/* a repeat's row went to the errors file and the job then */
		if (late != LATE_REPEAT &&
		    (rc = errors_values(c, &r, e)) != UIMP_OK)
			break;
		if (late != LATE_REPEAT && (rc = log_values(c, &r)) != UIMP_OK) {
			rc = uimp_err_set(e, rc, errno, NULL, "%s",
			    uimp_strstatus(rc));
			break;
		}
		if (!(c->o->flags & UIMP_IMPORT_SKIP)) {
			*aborted = 1;
			break;
		}
	}
	rec_release(&r);
	return rc;
}

/* Read one NUL-terminated string from the log into b. */
static int
log_str(FILE *f, struct buf *b)
{
	int ch;

	buf_reset(b);
	if (buf_grow(b, 0) != UIMP_OK)
		return -1;
	b->s[0] = '\0';
	while ((ch = getc(f)) != EOF && ch != 0)
		if (buf_addc(b, ch))
			return -1;
	return ch == EOF ? -1 : 0;
}

/* Copy the log of findings and rejected rows into job id. */
static int
write_log(struct ctx *c, long long id, struct uimp_err *e)
{
	struct buf s[4] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	struct uimp_finding f;
	unsigned long row;
	size_t len;
	int kind, sev, rc = UIMP_OK, i;

	if (fflush(c->log) != 0 || fseek(c->log, 0, SEEK_SET) != 0)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	while ((kind = getc(c->log)) != EOF) {
		if (kind == 'F') {
			if (fscanf(c->log, "%lu %d ", &row, &sev) != 2)
				break;
			/* the space after %d ate nothing of the code */
			for (i = 0; i < 4; i++)
				if (log_str(c->log, &s[i]) != 0)
					break;
			if (i < 4)
				break;
			memset(&f, 0, sizeof(f));
			f.row = row;
			f.severity = sev;
			f.code = s[0].s;
			f.column = *s[1].s ? s[1].s : NULL;
			f.field = *s[2].s ? s[2].s : NULL;
			f.message = s[3].s;
			rc = db_job_finding(c->db, id, &f, e);
		} else if (kind == 'R') {
			if (fscanf(c->log, "%lu %zu", &row, &len) != 2 ||
			    getc(c->log) != 0)
				break;
			buf_reset(&s[0]);
			if (buf_grow(&s[0], len)) {
				rc = nomem(e);
				break;
			}
			if (len && fread(s[0].s, len, 1, c->log) != 1)
				break;
			s[0].len = len;
			rc = db_job_row(c->db, id, row, s[0].s, len, e);
		} else
			break;
		if (rc != UIMP_OK)
			break;
	}
	if (rc == UIMP_OK && (kind != EOF || ferror(c->log)))
		rc = uimp_err_set(e, UIMP_EINTERNAL, 0, NULL, "cannot read a "
		    "temporary file");
	for (i = 0; i < 4; i++)
		buf_release(&s[i]);
	return rc;
}

static const char *
mode_name(int mode)
{
	return mode == UIMP_MODE_INSERT ? "insert" :
	    mode == UIMP_MODE_UPDATE ? "update" : "upsert";
}

/*
 * Write the job record (inside the caller's transaction): inserted as
 * "running" when the write begins, so that the changes can name it, and
 * finished with outcome at the end, with the findings and rejected rows.
 */
static int
record_job(struct ctx *c, const char *outcome, const char *sha,
    const char *sheet, struct uimp_err *e)
{
	struct passwd *pw = getpwuid(geteuid());
	char host[256], done[21];
	struct buf cols = BUF_INIT;
	struct job j;
	int rc;

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "");
	host[sizeof(host) - 1] = '\0';
	utc_now(done);
	if (c->cols && columns_json(c, &cols) != UIMP_OK) {
		buf_release(&cols);
		return nomem(e);
	}
	memset(&j, 0, sizeof(j));
	j.started_at = c->now;
	j.finished_at = done;
	j.user = pw ? pw->pw_name : NULL;
	j.host = host;
	j.command = "import";
	j.options = c->o->options_text;
	j.file = c->file;
	j.sha256 = sha;
	j.sheet = sheet;
	j.mode = mode_name(c->o->mode);
	j.outcome = outcome;
	j.columns = c->cols ? cols.s : NULL;
	j.sum = c->sum;
	if (c->sum->job == 0)
		rc = db_job_insert(c->db, &j, &c->sum->job, e);
	else
		rc = db_job_finish(c->db, c->sum->job, &j, e);
	buf_release(&cols);
	if (rc != UIMP_OK || strcmp(outcome, "running") == 0)
		return rc;
	return write_log(c, c->sum->job, e);
}

/* Block each active user the file does not name (--block-missing). */
struct missing {
	struct ctx	*c;
	long long	*ids;
	size_t		 n, cap;
	struct uimp_err	*e;
};

static int
id_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Keep id, of a user the file does not name. */
static int
add_missing(long long id, void *arg)
{
	struct missing *m = arg;
	long long *nids;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		if ((nids = realloc(m->ids, m->cap * sizeof(*nids))) == NULL)
			return UIMP_ENOMEM;
		m->ids = nids;
	}
	m->ids[m->n++] = id;
	return UIMP_OK;
}

static int
find_missing(const struct user *u, void *arg)
{
	struct missing *m = arg;
	struct ctx *c = m->c;
	const char *key = u->v[c->key];
	int rc, found;

	if (key == NULL)
		return UIMP_OK;
	buf_reset(&c->tmp);
	if (buf_adds(&c->tmp, key))
		return nomem(m->e);
	fold(c->tmp.s);
	if ((rc = uniq_probe(c->uniq, c->key, c->tmp.s, u->id, &found,
	    m->e)) != UIMP_OK)
		return rc;
	return found == 0 && add_missing(u->id, m) != UIMP_OK ? nomem(m->e) :
	    UIMP_OK;
}

/*
 * The active users of the store the file does not name are blocked
 * (write) or counted; every row's key must be known, else a row the
 * rules rejected could block its user.
 */
static int
block_missing(struct ctx *c, int write, struct uimp_err *e)
{
	struct user_filter flt = { "active", NULL, NULL };
	struct missing m = { c, NULL, 0, 0, e };
	size_t i;
	int rc;

	if (c->nokey > 0) {
		report(c, 0, -1, UIMP_SEV_ERROR, "block_missing",
		    "--block-missing: %lu row%s no readable %s, so no user "
		    "is blocked: fix %s and import again", c->nokey,
		    c->nokey == 1 ? " has" : "s have",
		    uimp_field_info(c->key)->name,
		    c->nokey == 1 ? "it" : "them");
		return uimp_err_set(e, UIMP_EREFUSED, 0, c->file, "--block-"
		    "missing needs the key of every row");
	}
	/* the keys the file's memory does not hold are looked for after */
	if ((rc = db_users_each(c->db, &flt, 0, find_missing, &m, e)) ==
	    UIMP_OK && (rc = uniq_probe_end(c->uniq, add_missing, &m, e)) ==
	    UIMP_OK && m.n > 0)
		qsort(m.ids, m.n, sizeof(*m.ids), id_cmp);
	for (i = 0; rc == UIMP_OK && i < m.n; i++) {
		if (write && ((rc = db_job_change(c->db, c->sum->job,
		    m.ids[i], CH_UPDATE, c->now, e)) != UIMP_OK ||
		    (rc = db_user_block(c->db, m.ids[i], c->now, e)) !=
		    UIMP_OK))
			break;
		c->sum->blocked++;
	}
	free(m.ids);
	return rc;
}

/*
 * --max-changes: refuse the run (a finding and UIMP_EREFUSED) when it
 * would update or block more of the store's users than allowed.
 */
static int
over_limit(struct ctx *c, struct uimp_err *e)
{
	unsigned long n = c->sum->updated + c->sum->blocked;
	double pct = c->users ? 100.0 * (double)n / (double)c->users : 0;
	char limit[32];

	if (c->o->max_changes < 0)
		return UIMP_OK;
	if (c->o->max_percent) {
		/* an empty store has nothing to lose */
		if (c->users == 0 || pct <= (double)c->o->max_changes)
			return UIMP_OK;
		snprintf(limit, sizeof(limit), "%ld%%", c->o->max_changes);
	} else {
		if (n <= (unsigned long)c->o->max_changes)
			return UIMP_OK;
		snprintf(limit, sizeof(limit), "%ld", c->o->max_changes);
	}
	report(c, 0, -1, UIMP_SEV_ERROR, "max_changes", "--max-changes %s: "
	    "the run would update %lu and block %lu of the %lu users in the "
	    "store (%.1f%%); %s", limit, c->sum->updated, c->sum->blocked,
	    c->users, pct, c->check ? "import would refuse it" :
	    "refused, no user changed");
	return uimp_err_set(e, UIMP_EREFUSED, 0, c->file, "%s by "
	    "--max-changes %s", c->check ? "import would be refused" :
	    "no user changed: refused", limit);
}

/*
 * Make a reading failure name the file first: "users.xlsx", with the part
 * and line ("xl/worksheets/sheet1.xml:40") moved into the message.
 */
static void
name_file(const char *file, struct uimp_err *e)
{
	char msg[sizeof(e->where) + sizeof(e->msg) + 2];
	size_t n = strlen(file);

	/* "users.csv" and "users.csv:12" name it already */
	if (strncmp(e->where, file, n) == 0 &&
	    (e->where[n] == '\0' || e->where[n] == ':'))
		return;
	if (*e->where) {
		snprintf(msg, sizeof(msg), "%s: %s", e->where, e->msg);
		n = strlen(msg) < sizeof(e->msg) ? strlen(msg) :
		    sizeof(e->msg) - 1;
		memcpy(e->msg, msg, n);
		e->msg[n] = '\0';
	}
	snprintf(e->where, sizeof(e->where), "%s", file);
}

/* Keep the failure that stopped the reading as the job's finding. */
static void
log_failure(struct ctx *c, const struct uimp_err *e)
{
	struct uimp_finding f;
	char msg[512];

	if (strcmp(e->where, c->file) == 0 || *e->where == '\0')
		snprintf(msg, sizeof(msg), "%s", e->msg);
	else
		snprintf(msg, sizeof(msg), "%s: %s", e->where, e->msg);
	memset(&f, 0, sizeof(f));
	f.file = c->file;
	f.severity = UIMP_SEV_ERROR;
	f.code = "unreadable";
	f.message = msg;
	log_finding(c, &f);
}

/* The settings new_user.*: what a new user gets for an empty cell. */
static int
load_defaults(struct ctx *c, struct uimp_err *e)
{
	static const struct { int f; const char *key; } d[] = {
		{ UIMP_F_STATUS, "new_user.status" },
		{ UIMP_F_IS_MANAGER, "new_user.is_manager" },
		{ UIMP_F_MUST_CHANGE_PASSWORD, "new_user.must_change_password" },
		{ UIMP_F_CONTACT_NO, "new_user.contact_no" }
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if ((rc = uimp_db_setting_get(c->db, d[i].key,
		    &c->defaults[d[i].f], e)) != UIMP_OK)
			return rc;
	return UIMP_OK;
}

/* Give the spool a buffer of our own, wiped when the run ends. */
static int
spool_buffer(struct ctx *c, struct uimp_err *e)
{
	if (sodium_init() < 0)
		return uimp_err_set(e, UIMP_EINTERNAL, 0, NULL, "cannot "
		    "start libsodium");
	randombytes_buf(c->genkey, sizeof(c->genkey));
	if ((c->spoolbuf = malloc(SPOOL_BUF)) == NULL)
		return nomem(e);
	if (setvbuf(c->spool, c->spoolbuf, _IOFBF, SPOOL_BUF) != 0)
		return uimp_err_set(e, UIMP_EINTERNAL, 0, NULL, "cannot set "
		    "a temporary file's buffer");
	return UIMP_OK;
}

/*
 * The set of the values the rows must not repeat, in as much memory as
 * the setting import.key_memory gives (KiB): past it, a repeat is found
 * once the file is read.  All are kept when the managers are checked:
 * they look emails up once the file is read.
 */
static int
open_uniq(struct ctx *c, struct uimp_err *e)
{
	size_t budget = SIZE_MAX;
	long kib;
	int rc;

	if (c->colof[UIMP_F_MANAGER_EMAIL] < 0) {
		if ((rc = db_setting_long(c->db, "import.key_memory", &kib,
		    e)) != UIMP_OK)
			return rc;
		budget = (unsigned long)kib > SIZE_MAX / 1024 ? SIZE_MAX :
		    (size_t)kib * 1024;
	}
	return uniq_open(&c->uniq, budget, e);
}

/* Read the file to its end; *failed gets a reading failure's status. */
static int
read_rows(struct ctx *c, struct uimp_reader *rd, struct uimp_err *e)
{
	const struct uimp_row *row;
	int rc, have_header = 0;

	for (;;) {
		if ((rc = uimp_reader_next_row(rd, &row, e)) != UIMP_OK)
			return rc;
		if (row == NULL)
			break;
		if (!have_header) {
			if (blank_row(row))
				continue;
			if ((rc = read_header(c, row, e)) != UIMP_OK ||
			    (rc = open_uniq(c, e)) != UIMP_OK)
				return rc;
			have_header = 1;
			continue;
		}
		if ((rc = process_row(c, row, e)) != UIMP_OK)
			return rc;
		if (c->stop)
			break;
		if (c->sum->rows % 256 == 1)
			progress(c, UIMP_PHASE_READ);
	}
	if (!have_header)
		return uimp_err_set(e, UIMP_EINPUT, 0, c->file, "no header "
		    "row: the %s is empty", uimp_reader_sheet(rd) ? "sheet" :
		    "file");
	return c->nbatch ? flush(c, e) : UIMP_OK;
}

static void
ctx_release(struct ctx *c)
{
	size_t i;

	for (i = 0; i < BATCH; i++)
		rec_release(&c->batch[i]);
	for (i = 0; i < c->ncols; i++)
		free(c->cols[i].header);
	free(c->cols);
	uniq_close(c->uniq);
	free(c->lates);
	if (c->held)
		fclose(c->held);
	buf_wipe(&c->heldbuf);
	sodium_memzero(c->heldkey, sizeof(c->heldkey));
	keyset_release(&c->bademails);
	keyset_release(&c->moved);
	keyset_release(&c->groups);
	for (i = 0; i < UIMP_F_COUNT; i++)
		free(c->defaults[i]);
	for (i = 0; c->xstored && i < c->nx; i++)
		free(c->xstored[i]);
	free(c->xstored);
	free(c->xcols);
	dir_free_types(c->types, c->ntypes);
	dir_free_fields(c->dfields, c->ndfields);
	for (i = 0; i < c->nmrefs; i++) {
		free(c->mrefs[i].email);
		free(c->mrefs[i].mgr);
		free(c->mrefs[i].old);
		free(c->mrefs[i].msg);
	}
	free(c->mrefs);
	if (c->mgrs)
		fclose(c->mgrs);
	user_release(&c->stored);
	user_release(&c->other);
	buf_release(&c->tmp);
	buf_release(&c->rowmsg);
	free(c->ecells);
	free(c->elens);
	if (c->spool)
		fclose(c->spool);
	if (c->spoolbuf) {
		explicit_bzero(c->spoolbuf, SPOOL_BUF);
		free(c->spoolbuf);
	}
	explicit_bzero(c->genkey, sizeof(c->genkey));
	if (c->log)
		fclose(c->log);
}

/*
 * Open the files the run writes besides the store, before any work, so
 * that a bad path fails at once: --errors (replaced), --credentials (never
 * overwritten), the welcome messages.  check and --dry-run write only
 * --errors.
 */
static int
open_outputs(struct ctx *c, struct uimp_err *e)
{
	static const char *const head[] = { "username", "email", "password" };
	static const size_t lens[] = { 8, 5, 8 };
	const struct uimp_import_opts *o = c->o;
	char *from = NULL, *sendmail = NULL;
	struct stat sb;
	int rc;

	if (o->errors_path && (rc = table_open(&c->errors, o->errors_path, 1,
	    1, e)) != UIMP_OK)
		return rc;
	if (c->check)
		return UIMP_OK;
	if (o->credentials && lstat(o->credentials, &sb) == 0 &&
	    !S_ISDIR(sb.st_mode))
		return uimp_err_set(e, UIMP_EINVAL, 0, o->credentials,
		    "exists: credentials are never written over a file; name "
		    "a new one");
	if (o->credentials && ((rc = table_open(&c->creds, o->credentials, 1,
	    0, e)) != UIMP_OK || (rc = table_row(c->creds, head, lens, 3,
	    e)) != UIMP_OK))
		return rc;
	if (o->invite_dir == NULL && !(o->flags & UIMP_IMPORT_SENDMAIL))
		return UIMP_OK;
	if ((rc = uimp_db_setting_get(c->db, "invite.from", &from, e)) ==
	    UIMP_OK && (rc = uimp_db_setting_get(c->db, "invite.sendmail",
	    &sendmail, e)) == UIMP_OK)
		rc = invite_open(&c->invite, o->invite_dir,
		    o->invite_template, from && *from ? from : NULL,
		    (o->flags & UIMP_IMPORT_SENDMAIL) ? sendmail : NULL, e);
	free(from);
	free(sendmail);
	return rc;
}

/* Drop what the run would have delivered: nothing of it was stored. */
static void
drop_deliveries(struct ctx *c)
{
	if (c->creds)
		table_abort(c->creds);
	if (c->invite)
		invite_abort(c->invite);
	c->creds = NULL;
	c->invite = NULL;
}

/*
 * Undo the rows of a run that ends aborted or refused and start again on
 * an empty transaction that keeps only the record of the run.
 */
static int
restart(struct ctx *c, struct uimp_err *e)
{
	db_rollback(c->db);
	drop_deliveries(c);
	c->sum->inserted = c->sum->updated = c->sum->unchanged = 0;
	c->sum->blocked = c->sum->generated = 0;
	c->sum->job = 0;
	c->sum->aborted = 1;
	return db_begin(c->db, e);
}

/*
 * The store's part of a run whose rows were read: write them, block the
 * missing users, hold to --max-changes, record the job, and commit,
 * with the credentials file named just before the commit (removed if the
 * commit fails).  Returns UIMP_EREFUSED (after recording) when the run
 * was refused.
 */
static int
commit_run(struct ctx *c, const char *sha, const char *sheet,
    struct uimp_err *e)
{
	const struct uimp_import_opts *o = c->o;
	struct uimp_err why;
	unsigned long sent;
	long long maxid;	/* the largest user id before the rows */
	int rc, version, aborted = 0, refused = 0, bulk;

	memset(&why, 0, sizeof(why));
	c->empty = 0;	/* from now on every look-up is made */
	if ((rc = db_cache(c->db, COMMIT_CACHE, e)) != UIMP_OK ||
	    (rc = db_begin(c->db, e)) != UIMP_OK)
		return rc;
	if (c->planned) {
		if ((rc = db_data_version(c->db, &version, e)) != UIMP_OK)
			return rc;
		c->plans_hold = version == c->version;
	}
	if ((rc = record_job(c, "running", sha, sheet, e)) != UIMP_OK ||
	    (rc = db_user_count(c->db, &c->users, e)) != UIMP_OK)
		return rc;
	/*
	 * Many new users and no changes, planned against the store as it
	 * still is: the email and phone indexes are made again once, after
	 * the inserts (which look nothing up), not kept at every row.
	 */
	bulk = keeping(c) && c->plans_hold && c->to_update == 0 &&
	    c->to_insert >= BULK_MIN && c->to_insert >= c->users;
	if (bulk && (rc = db_bulk_indexes(c->db, 1, e)) != UIMP_OK)
		return rc;
	if ((rc = db_max_user_id(c->db, &maxid, e)) != UIMP_OK)
		return rc;
	if (keeping(c) && ((rc = commit_rows(c, &aborted, e)) != UIMP_OK ||
	    (rc = db_job_inserts(c->db, c->sum->job, maxid, c->now, e)) !=
	    UIMP_OK))
		return rc;
	if ((c->sum->rejected > 0 && !(o->flags & UIMP_IMPORT_SKIP)) ||
	    c->stop)
		aborted = 1;
	/*
	 * An aborted run rolls back, indexes and all (restart()).  SQLite
	 * sorts an index in as much memory as the page cache may hold, on
	 * top of the cache, in each of its three threads (db_bulk_indexes()):
	 * the cache and each sort get a sixth, so that making the indexes
	 * stays within the commit's room; the whole cache comes back after.
	 */
	if (bulk && !aborted && ((rc = db_cache(c->db, COMMIT_CACHE / 6,
	    e)) != UIMP_OK || (rc = db_bulk_indexes(c->db, 0, e)) != UIMP_OK ||
	    (rc = db_cache(c->db, COMMIT_CACHE, e)) != UIMP_OK))
		return rc;
	if (!aborted && (rc = apply_managers(c, e)) != UIMP_OK)
		return rc;
	if (!aborted && (o->flags & UIMP_IMPORT_BLOCK_MISSING)) {
		rc = block_missing(c, 1, &why);
		if (rc == UIMP_EREFUSED)
			refused = 1;
		else if (rc != UIMP_OK) {
			*e = why;
			return rc;
		}
	}
	if (!aborted && !refused && over_limit(c, &why) != UIMP_OK)
		refused = 1;
	if ((aborted || refused) && (rc = restart(c, e)) != UIMP_OK)
		return rc;
	c->sum->refused = refused;
	progress(c, UIMP_PHASE_DONE);
	if ((rc = record_job(c, refused ? "refused" : aborted ? "aborted" :
	    c->sum->rejected ? "partial" : "ok", sha, sheet, e)) != UIMP_OK)
		return rc;
	if (c->creds) {
		rc = table_commit(c->creds, e);
		c->creds = NULL;
		if (rc != UIMP_OK)
			return rc;
	}
	if ((rc = db_commit(c->db, e)) != UIMP_OK) {
		if (o->credentials && !aborted && !refused)
			unlink(o->credentials);
		return rc;
	}
	c->committed = 1;
	if (refused) {
		*e = why;
		return UIMP_EREFUSED;
	}
	if (c->invite) {
		rc = invite_commit(c->invite, &sent, e);
		c->invite = NULL;
	}
	return rc;
}

int
uimp_import(const char *dbpath, int wait_s, const char *path,
    const struct uimp_import_opts *o, uimp_finding_fn fn, void *arg,
    struct uimp_summary *sum, struct uimp_err *e)
{
	struct uimp_reader *rd = NULL;
	struct ctx c;
	struct uimp_err re, scratch;
	char sha[65] = "", hint[128], *sheetcopy = NULL;
	const char *sheet;
	size_t i;
	int rc, rrc, active;

	memset(&c, 0, sizeof(c));
	memset(sum, 0, sizeof(*sum));
	c.o = o;
	c.file = path;
	c.fn = fn;
	c.arg = arg;
	c.sum = sum;
	c.key = o->key;
	if (c.key != UIMP_F_USERNAME && c.key != UIMP_F_EMAIL)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "the key is the "
		    "username or the email");
	c.check = !!(o->flags & (UIMP_IMPORT_CHECK | UIMP_IMPORT_DRY_RUN));
	utc_now(c.now);
	for (i = 0; i < o->nmaps; i++)
		if (uimp_field_lookup(o->maps[i].field, &active) < 0) {
			did_you_mean(o->maps[i].field, hint, sizeof(hint));
			return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--map "
			    "'%s=%s': no field '%s' (%s)", o->maps[i].header,
			    o->maps[i].field, o->maps[i].field, hint);
		}
	if ((rc = uimp_db_open(&c.db, dbpath, c.check ? UIMP_DB_READONLY :
	    UIMP_DB_CREATE, wait_s, e)) != UIMP_OK)
		return rc;
	if ((rc = uimp_db_policy(c.db, &c.pol, &c.cost, e)) != UIMP_OK ||
	    (rc = db_locked_fields(c.db, &c.locked, e)) != UIMP_OK ||
	    (rc = load_defaults(&c, e)) != UIMP_OK ||
	    (rc = db_dir_types(c.db, &c.types, &c.ntypes, e)) != UIMP_OK ||
	    (rc = db_dir_fields(c.db, &c.dfields, &c.ndfields, e)) != UIMP_OK ||
	    (rc = open_outputs(&c, e)) != UIMP_OK)
		goto out;
	/*
	 * The spool's buffer is ours, to be wiped: generated passwords pass
	 * through it.
	 */
	if (!c.check && ((rc = temp_file(&c.spool, e)) != UIMP_OK ||
	    (rc = spool_buffer(&c, e)) != UIMP_OK ||
	    (rc = temp_file(&c.log, e)) != UIMP_OK))
		goto out;
	if ((rc = uimp_reader_open(&rd, path, &o->read, e)) == UIMP_OK) {
		c.rd = rd;
		rc = read_rows(&c, rd, e);
	}
	end_read(&c);
	if (rc == UIMP_OK && (rc = find_repeats(&c, e)) == UIMP_OK)
		rc = tell_held(&c, e);
	else if ((rc == UIMP_EXLSX || rc == UIMP_EINPUT || rc == UIMP_EIO) &&
	    find_repeats(&c, &scratch) == UIMP_OK)
		/* the failed job keeps what was found, and the held rows */
		(void)tell_held(&c, &scratch);
	if (rc == UIMP_OK)
		rc = resolve_managers(&c, e);
	/* the digest is read on a thread of its own: it may fail apart */
	if (rd && uimp_reader_sha256(rd, sha) != UIMP_OK && rc == UIMP_OK)
		rc = uimp_err_set(e, UIMP_EIO, errno, path, "cannot read");
	if (rd && uimp_reader_sheet(rd) &&
	    (sheetcopy = strdup(uimp_reader_sheet(rd))) == NULL && rc == UIMP_OK)
		rc = nomem(e);
	sheet = sheetcopy;
	/*
	 * What the commit does not need goes before it: the reader (an xlsx
	 * file's shared strings) and the sets that found repeats in the file,
	 * and the file's keys unless --block-missing asks for them.  The
	 * commit's page cache has the room.
	 */
	uimp_reader_close(rd);
	rd = c.rd = NULL;
	if (!(o->flags & UIMP_IMPORT_BLOCK_MISSING)) {
		uniq_close(c.uniq);	/* the managers are resolved */
		c.uniq = NULL;
	} else if (c.uniq && rc == UIMP_OK)
		rc = uniq_keep(c.uniq, c.key, e);
	malloc_trim(0);	/* the reading thread's heap too */
	if (rc == UIMP_EXLSX || rc == UIMP_EINPUT || rc == UIMP_EIO)
		name_file(path, e);
	if (c.check) {
		if (rc == UIMP_OK && (o->flags & UIMP_IMPORT_BLOCK_MISSING) &&
		    (rc = db_user_count(c.db, &c.users, e)) == UIMP_OK &&
		    (rc = block_missing(&c, 0, e)) == UIMP_OK)
			rc = over_limit(&c, e);
		else if (rc == UIMP_OK && o->max_changes >= 0 &&
		    (rc = db_user_count(c.db, &c.users, e)) == UIMP_OK)
			rc = over_limit(&c, e);
		progress(&c, UIMP_PHASE_DONE);
		goto out;
	}
	if (rc == UIMP_EXLSX || rc == UIMP_EINPUT || rc == UIMP_EIO) {
		/* keep a record of the failed run, then report the failure */
		rrc = rc;
		re = *e;
		log_failure(&c, &re);
		memset(sum, 0, sizeof(*sum));
		progress(&c, UIMP_PHASE_DONE);
		if ((rc = db_begin(c.db, e)) == UIMP_OK &&
		    (rc = record_job(&c, "failed", *sha ? sha : NULL, sheet,
		    e)) == UIMP_OK)
			rc = db_commit(c.db, e);
		db_rollback(c.db);
		if (rc == UIMP_OK) {
			*e = re;
			rc = rrc;
		}
		goto out;
	}
	if (rc == UIMP_OK)
		rc = commit_run(&c, *sha ? sha : NULL, sheet, e);
out:
	if (c.db)
		db_rollback(c.db);
	drop_deliveries(&c);
	if (c.errors) {
		/* the rejected rows of a run that read its file */
		if (rc == UIMP_OK || rc == UIMP_EREFUSED)
			rrc = table_commit(c.errors, rc == UIMP_OK ? e : &re);
		else
			table_abort(c.errors);
		c.errors = NULL;
		if (rc == UIMP_OK)
			rc = rrc;
	}
	/* a job that was committed is there, whatever failed after it */
	if (rc != UIMP_OK && rc != UIMP_EREFUSED && !c.committed)
		sum->job = 0;
	uimp_reader_close(rd);
	free(sheetcopy);
	ctx_release(&c);
	uimp_db_close(c.db);
	return rc;
}
