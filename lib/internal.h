/*
 * internal.h: struct bodies and helpers shared inside lib/ only (and by
 * the unit tests in tests/unit/).
 */
#ifndef USERIMP_INTERNAL_H
#define USERIMP_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include "userimp.h"

/* util.c: a growable byte buffer, always NUL-terminated once used */

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Make room for n more bytes (and the NUL); 0 or UIMP_ENOMEM. */
int	buf_grow(struct buf *b, size_t n);
/* As buf_grow(), for a buffer that may hold a password: the old memory is
 * wiped before it is freed. */
int	buf_grow_secret(struct buf *b, size_t n);
int	buf_add(struct buf *b, const void *p, size_t n);
int	buf_addc(struct buf *b, int c);
int	buf_adds(struct buf *b, const char *s);
/* Append printf(3) output. */
int	buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory ("" afterwards). */
void	buf_reset(struct buf *b);
/* Free the memory; the buffer is empty and unused afterwards. */
void	buf_release(struct buf *b);
/* buf_release() after zeroing every byte: for buffers that held cells. */
void	buf_wipe(struct buf *b);
/* Append the JSON string literal for s[0..n), quotes included. */
int	buf_add_json(struct buf *b, const char *s, size_t n);

/*
 * Decode the UTF-8 character at s[0..n) into *cp; returns its length, or
 * 0 when the bytes there are not UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included).
 */
size_t	utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);

/*
 * Whether a spreadsheet would run s as a formula: it starts with = + - @,
 * a tab or a CR (SPEC §8).  CSV export guards such values with a ', which
 * the CSV reader takes away again.
 */
int	formula_like(const char *s);

#define QUOTE_MAX	40	/* characters of a value quoted in a message */

/*
 * Write s[0..n) to out as a message quotes a value (SPEC §5): in single
 * quotes, cut after QUOTE_MAX characters with "...".  s is valid UTF-8.
 */
void	quote(char *out, size_t outsz, const char *s, size_t n);

/* The time now as YYYY-MM-DDTHH:MM:SSZ in out[21]. */
void	utc_now(char out[21]);

/* sha256.c */

struct sha256 {
	uint32_t	h[8];
	uint64_t	nbytes;
	unsigned char	blk[64];
	size_t		nblk;
};

void	sha256_init(struct sha256 *c);
void	sha256_update(struct sha256 *c, const void *p, size_t n);
void	sha256_final(struct sha256 *c, unsigned char out[32]);
/* out[65]: lowercase hex */
void	sha256_hex(const unsigned char d[32], char out[65]);
/* Set: the portable code even where the CPU has SHA instructions (tests). */
extern int	sha256_portable;

/* read.c: the reader both formats share */

struct uimp_reader {
	/* set by the format's init */
	int		(*next)(struct uimp_reader *, const struct uimp_row **,
			    struct uimp_err *);
	void		(*release)(struct uimp_reader *);
	void		 *impl;
	const char	 *sheet;	/* xlsx: the sheet's name, owned by impl */
	unsigned long long done;	/* bytes of the table consumed */
	unsigned long long total;	/* in all, 0: unknown; both kept by
					 * the format as it reads */
	const char	 *bad_text;	/* uimp_reader_bad_text(), owned by
					 * impl; NULL: read.c's default */

	/* set by read.c */
	const char	 *display;	/* the name given by the user ("-") */
	char		 *spool;	/* the path the format opens: of the
					 * unlinked copy of stdin, or of the
					 * named file as first opened */
	int		  spool_fd;	/* its descriptor */
	char		  sha[65];
	int		  have_sha;
	unsigned long long size;	/* bytes of the file (or its copy) */
	struct readahead *ra;		/* the reading thread, or NULL */
	int		  digest_fd;	/* a named file's, while its digest
					 * thread runs; else -1 */
	pthread_t	  digest_tid;
	int		  digest_errno;	/* why the digest failed */
};

/*
 * readahead.c: run r->next on a thread of its own, rows handed over
 * through a bounded ring of blocks.  Without a thread (none could be
 * started) r->ra stays NULL and the caller reads in its own thread.
 */
int	readahead_start(struct uimp_reader *r, struct uimp_err *e);
int	readahead_next(struct uimp_reader *r, const struct uimp_row **row,
	    struct uimp_err *e);
unsigned long long readahead_done(const struct uimp_reader *r);
void	readahead_stop(struct uimp_reader *r);

/* xlsx_read.c: fill r for the xlsx package at path (a real file). */
int	xlsx_reader_init(struct uimp_reader *r, const char *path,
	    const char *display, const char *sheet, struct uimp_err *e);

/* Set: every byte through add_byte(), no runs at once (tests). */
extern int	csv_byte_by_byte;

/*
 * csv_read.c: fill r for the CSV file at path (a real file), in encoding
 * (NULL: UTF-8) unless it starts with a byte order mark.
 */
int	csv_reader_init(struct uimp_reader *r, const char *path,
	    const char *display, int delimiter, const char *encoding,
	    struct uimp_err *e);

/* numfmt.c: how a number cell reads as text (SPEC §7) */

enum numfmt_kind {
	NUMFMT_GENERAL = 0,	/* the number itself */
	NUMFMT_DATE,		/* YYYY-MM-DD */
	NUMFMT_DATETIME,	/* YYYY-MM-DDTHH:MM:SS */
	NUMFMT_TIME,		/* HH:MM:SS */
	NUMFMT_ELAPSED,		/* [h]:mm:ss, total hours */
	NUMFMT_ZEROPAD		/* whole numbers padded to a width */
};

/* Enough for any text the functions below write, NUL included. */
#define NUMFMT_BUFSZ	80
/* The widest zero padding applied (a longer code pads to this). */
#define NUMFMT_PAD_MAX	64

/* The kind of the built-in format id (ECMA-376 18.8.30; East Asian too). */
int	numfmt_builtin(unsigned id);

/*
 * The kind of the format code (first section): quoted text, \x, _x, *x
 * and [...] are skipped except the elapsed [h] [mm] [ss].  For
 * NUMFMT_ZEROPAD (a code of 0s only) *width gets the count of 0s.
 */
int	numfmt_classify(const char *code, int *width);

/*
 * Read the number text s[0..len) (XML xsd:double, spaces around allowed)
 * into *v whatever the locale; 0, or -1 when it is not a finite number.
 */
int	numfmt_parse(const char *s, size_t len, double *v);

/*
 * Write v as General shows it: whole numbers below 1e15 as exact digits,
 * else 15 significant digits without trailing zeros, plain from 1e-9 to
 * 1e15, else 1.23E+22 form; -0 is "0".
 */
void	numfmt_number(double v, char *out, size_t outsz);

/* Write whole v padded with 0s to width; -1 (nothing written) if not whole. */
int	numfmt_zeropad(double v, int width, char *out, size_t outsz);

/*
 * Write the date serial v in the 1900 (with its 1900-02-29) or 1904
 * system as kind (NUMFMT_DATE .. NUMFMT_ELAPSED) says, to the second.
 * Returns 0, or -1 when v is no date (negative, past 9999-12-31).
 */
int	numfmt_serial(double v, int date1904, int kind, char *out,
	    size_t outsz);

/*
 * Rewrite the ISO 8601 text s (a t="d" cell: date, date and time, or time;
 * a zone is dropped) as kind says; NUMFMT_GENERAL writes what s holds.
 * Returns 0, or -1 when s is not such a date.
 */
int	numfmt_iso(const char *s, int kind, char *out, size_t outsz);

/* rules.c internals shared with the unit tests */

/* Levenshtein distance of two ASCII strings, capped at 255. */
int	edit_distance(const char *a, const char *b);

/*
 * util.c: a temporary file in $TMPDIR (else /tmp), removed from its
 * directory at once: it goes when it is closed.
 */
int	temp_file(FILE **f, struct uimp_err *e);

/* keyset.c: a set of strings with the row that first held each */

/*
 * The strings one after another in an arena, and an open-addressing table
 * of 8-byte slots, so that a million strings cost their bytes and 16 MiB.
 */
struct kslot {
	uint32_t	 off;		/* offset + 1 into arena, 0: free */
	uint32_t	 row;
};

struct keyset {
	struct buf	 arena;
	struct kslot	*slot;
	size_t		 cap, n;
};

/*
 * Add key first seen at row; if it is there already, *first gets the row
 * that holds it and nothing is added.  The arena's offsets and the rows
 * are 32-bit: past 4 GiB of keys, or a row number past 4294967295, the
 * set says it is out of memory (UIMP_ENOMEM).
 */
int	keyset_add(struct keyset *k, const char *key, unsigned long row,
	    unsigned long *first);
/* The row that holds key in k, or 0. */
unsigned long keyset_has(const struct keyset *k, const char *key);
/* The memory k holds. */
size_t	keyset_bytes(const struct keyset *k);
/* The memory k would take at most while a key of len bytes is added. */
size_t	keyset_room(const struct keyset *k, size_t len);
void	keyset_release(struct keyset *k);

/*
 * keyset.c: the values a file must not repeat (of several kinds: a kind
 * is a number from 0 to 250), with the row that first held each.  While
 * they fit in a budget of memory they are kept there, and a repeat is
 * found when it is added.  Past the budget, a value the memory does not
 * hold is written to one of several temporary files once its row is read
 * (uniq_row_end(), which also keeps the row's "fate", a byte the caller
 * gives meaning); once the file is read, uniq_finish() finds the repeats
 * among those a temporary file at a time.
 */
struct uniq;

/* A repeat found by uniq_finish(). */
struct uniq_late {
	unsigned long	 row;		/* the row that repeats the value */
	unsigned long	 first;		/* the row that held it first */
	int		 kind;
	int		 fate;		/* as uniq_row_end() was given it */
};

/* budget: bytes; SIZE_MAX keeps every value in memory. */
int	uniq_open(struct uniq **u, size_t budget, struct uimp_err *e);
/*
 * Add value of kind at row (rows in increasing order).  *first: the row
 * that held it first when that is known now, else 0: the value is new,
 * or (uniq_spilled()) its repeat is for uniq_finish() to find.
 */
int	uniq_add(struct uniq *u, int kind, const char *value,
	    unsigned long row, unsigned long *first, struct uimp_err *e);
/* The row that holds value, or 0; complete only while !uniq_spilled(). */
unsigned long uniq_has(struct uniq *u, int kind, const char *value);
/* Forget the values of every other kind. */
int	uniq_keep(struct uniq *u, int kind, struct uimp_err *e);
/* The memory the values in memory take: at most the budget. */
size_t	uniq_bytes(const struct uniq *u);
/* Whether values went past the budget to the temporary files. */
int	uniq_spilled(const struct uniq *u);
/* The row whose values were added since the last call is read: fate. */
int	uniq_row_end(struct uniq *u, int fate, struct uimp_err *e);
/*
 * Once every row is read: the repeats among the values past the budget,
 * in the order of their rows (and kinds), in an array to free(3).
 */
int	uniq_finish(struct uniq *u, struct uniq_late **late, size_t *n,
	    struct uimp_err *e);
/*
 * Once every row is read, whether the file has value of kind (a value of
 * the store, whose id is given): *found is 1 or 0 when that is known now,
 * -1 when uniq_probe_end() is to tell.
 */
int	uniq_probe(struct uniq *u, int kind, const char *value, long long id,
	    int *found, struct uimp_err *e);
/*
 * Call missing(id, arg) for each value uniq_probe() left to it that the
 * file does not have, in no order; missing() returns non-zero when out of
 * memory.
 */
int	uniq_probe_end(struct uniq *u, int (*missing)(long long, void *),
	    void *arg, struct uimp_err *e);
void	uniq_close(struct uniq *u);
/* The size past which a temporary file is split (the unit tests lower it). */
extern size_t uniq_part_max;

/* util.c: files written whole or not at all */

/*
 * A file being written under a temporary name beside its destination, then
 * renamed over it: a killed writer leaves the old file or none.
 */
struct atomic {
	char	*dst;		/* the destination */
	char	*tmp;		/* a path to the temporary file (mode 0600
				 * until the commit) that writers may open */
	int	 fd;		/* open on it */
	int	 secret;	/* keep mode 0600: the file holds hashes */
	int	 unnamed;	/* made with O_TMPFILE: no name until commit */
};

/*
 * Create the temporary file for dst (mode 0600).  An existing dst fails
 * with UIMP_EINVAL ("exists: --force overwrites it") unless force.
 */
int	atomic_open(struct atomic *a, const char *dst, int secret, int force,
	    struct uimp_err *e);
/*
 * Flush and close the file, give it its mode (0600 if secret, else 0666
 * less the umask) and rename it to dst.  On failure (UIMP_EWRITE) the
 * temporary file is removed.
 */
int	atomic_commit(struct atomic *a, struct uimp_err *e);
/*
 * As atomic_commit(), but dst is never replaced: link(2) gives the name
 * only if no file has it (UIMP_EINVAL "exists now" else).
 */
int	atomic_commit_new(struct atomic *a, struct uimp_err *e);
/* Remove the temporary file and free a; nothing is written. */
void	atomic_abort(struct atomic *a);

/* xlsx_write.c: workbooks written with libxlsxwriter */

struct xlsx_out;
struct user;

/*
 * A libxlsxwriter error rc (an lxw_error) as UIMP_EWRITE (UIMP_ENOMEM when
 * it is one) for path, its text after what names the step.
 */
int	xlsx_fail(struct uimp_err *e, const char *path, int rc,
	    const char *what);

/*
 * A column the directory adds to the template and to an export: a group
 * type, the labels, a custom field.  An export names the column dc[i] by
 * the code UIMP_F_COUNT + i among its fields.
 */
enum dircol_kind { DC_GROUP = 0, DC_LABELS, DC_FIELD };

struct dircol {
	int		 kind;		/* enum dircol_kind */
	int		 type;		/* DC_FIELD: enum dir_field_type */
	char		*name;		/* the type's or field's, "labels" */
	char		*header;	/* as the sheet heads it */
	/* the template's only (NULL, 0 in an export) */
	char		*rule;		/* of the note and the Instructions */
	char		*example;	/* "" for none */
	char		**list;		/* DC_GROUP: the type's groups */
	size_t		 nlist;
};

/*
 * Write the import template to path (the file is replaced): sheet Users
 * with the headers of every importable field (uimp_field_header()), then
 * dc[0..ndc), a note with each column's rule, list validations on the
 * enumerated fields (uimp_field_values()) and on each group type's groups
 * (a long list, or one with ',' or '"' in a name, as a range of the
 * hidden sheet Lists), 0/1, decimal and date validations on the custom
 * fields by type, whole-number validation on contact_no, text format on
 * username, the phone, group, label and text columns, frozen header;
 * sheet Instructions with a row per column: column, required, rule,
 * example.  Rules come from uimp_field_rule() with pol.
 */
int	xlsx_template_write(const char *path, const struct uimp_policy *pol,
	    const struct dircol *dc, size_t ndc, struct uimp_err *e);

/*
 * Start an export to path in constant-memory mode: sheet Users, one header
 * row of fields[0..n) as the template writes them (a code from
 * UIMP_F_COUNT on: dc[code - UIMP_F_COUNT]; dc may be NULL when there is
 * none), the template's column formats.  *out is freed by
 * xlsx_export_close() whatever happens.
 */
int	xlsx_export_open(struct xlsx_out **out, const char *path,
	    const int *fields, size_t n, const struct dircol *dc,
	    struct uimp_err *e);

/*
 * Write one user: u->v[f] for each field, dv[i] for dc[i] (NULL: no
 * cell; dv may be NULL when no column is the directory's).  Flags and
 * contact_no are number cells, created_at and updated_at date cells
 * (u->v holds YYYY-MM-DDTHH:MM:SSZ); a custom number is a number cell
 * when it reads back as the same text, a date (YYYY-MM-DD) a date cell,
 * a bool a number cell; the rest strings, never formulas.
 */
int	xlsx_export_row(struct xlsx_out *x, const struct user *u,
	    const char *const *dv, struct uimp_err *e);

/* Finish the workbook and free x; 0 or UIMP_EIO with e set. */
int	xlsx_export_close(struct xlsx_out *x, struct uimp_err *e);

/* db.c internals for import.c: every SQL statement stays in db.c */

/*
 * A user as stored: v[f] is the field's text (integers as digits), NULL
 * for SQL NULL; v[UIMP_F_PASSWORD] is never loaded (has_password says
 * whether a hash is set).  The strings live in mem.
 */
struct user {
	long long	 id;
	int		 has_password;
	const char	*v[UIMP_F_COUNT];
	struct buf	 mem;
};

/* What a job record holds (userimp-store(5), table jobs). */
struct job {
	const char			*started_at, *finished_at;
	const char			*user, *host, *command, *options;
	const char			*file, *sha256, *sheet, *mode;
	const char			*outcome;
	const char			*columns;	/* JSON array */
	const struct uimp_summary	*sum;
};

/* What a job did to one user (table job_changes). */
enum change { CH_INSERT = 0, CH_UPDATE, CH_REMOVE };

const char	*db_path(const struct uimp_db *db);
void	user_release(struct user *u);
int	db_user_find(struct uimp_db *db, const char *key, int by_email,
	    struct user *u, int *found, struct uimp_err *e);
int	db_email_owner(struct uimp_db *db, const char *email, long long not_id,
	    char *name, size_t namesz, struct uimp_err *e);
int	db_phone_owner(struct uimp_db *db, const char *phone, long long not_id,
	    char *name, size_t namesz, struct uimp_err *e);
int	db_user_insert(struct uimp_db *db, const struct user *u,
	    const char *hash, const char *now, long long *id,
	    struct uimp_err *e);
int	db_user_update(struct uimp_db *db, const struct user *u,
	    const char *hash, const char *now, struct uimp_err *e);
int	db_user_count(struct uimp_db *db, unsigned long *n,
	    struct uimp_err *e);
/*
 * Set user id's manager to the user with email (NULL: none), updated
 * now; *found 0 (nothing written) when no user has that email.
 */
int	db_user_set_manager(struct uimp_db *db, long long id,
	    const char *email, const char *now, int *found,
	    struct uimp_err *e);
/* The email of the manager of the user with email, into out ("": none). */
int	db_manager_of(struct uimp_db *db, const char *email, char *out,
	    size_t outsz, struct uimp_err *e);
/* Set user id's status to blocked (--block-missing). */
int	db_user_block(struct uimp_db *db, long long id, const char *now,
	    struct uimp_err *e);
int	db_locked_fields(struct uimp_db *db, unsigned long *mask,
	    struct uimp_err *e);
/* A number setting's value, checked against its range. */
int	db_setting_long(struct uimp_db *db, const char *key, long *n,
	    struct uimp_err *e);
int	db_begin(struct uimp_db *db, struct uimp_err *e);
/*
 * A savepoint around one row's writes inside the transaction: ended with
 * its writes kept, or undone (undo).
 */
int	db_savepoint(struct uimp_db *db, struct uimp_err *e);
int	db_bulk_indexes(struct uimp_db *db, int drop, struct uimp_err *e);
int	db_cache(struct uimp_db *db, int kib, struct uimp_err *e);
int	db_users_empty(struct uimp_db *db, int *empty, struct uimp_err *e);
int	db_dir_used(struct uimp_db *db, int *groups, int *labels, int *values,
	    struct uimp_err *e);
int	db_max_user_id(struct uimp_db *db, long long *id, struct uimp_err *e);
int	db_job_inserts(struct uimp_db *db, long long job, long long after,
	    const char *updated_at, struct uimp_err *e);
int	db_savepoint_end(struct uimp_db *db, int undo, struct uimp_err *e);
int	db_commit(struct uimp_db *db, struct uimp_err *e);
void	db_rollback(struct uimp_db *db);
/*
 * A read transaction around many lookups: one shared lock for them all
 * rather than one a statement.  db_read_end() on a store not reading does
 * nothing.
 */
int	db_read_begin(struct uimp_db *db, struct uimp_err *e);
/*
 * A number that changes when another connection commits to the store
 * (PRAGMA data_version).
 */
int	db_data_version(struct uimp_db *db, int *v, struct uimp_err *e);
void	db_read_end(struct uimp_db *db);
/* Which users db_users_each() visits; NULL members: any. */
struct user_filter {
	const char	*status;	/* "active" or "blocked" */
	const char	*since;		/* updated_at at or after this ISO time */
	const char	*match;		/* glob (* ?) on username or email, any
					 * ASCII case */
};

/* Called for each user; returns 0 to go on, else a status that stops. */
typedef int	(*user_fn)(const struct user *u, void *arg);

/*
 * Visit the users flt selects, in id order, in one read snapshot, with
 * v[] holding every field, created_at and updated_at, and the password
 * hash in v[UIMP_F_PASSWORD] when hashes (else NULL).  Returns 0, a store
 * failure, or what fn returned.
 */
int	db_users_each(struct uimp_db *db, const struct user_filter *flt,
	    int hashes, user_fn fn, void *arg, struct uimp_err *e);
int	db_job_insert(struct uimp_db *db, const struct job *j, long long *id,
	    struct uimp_err *e);
/* Update job id, inserted earlier, with the record as it ends. */
int	db_job_finish(struct uimp_db *db, long long id, const struct job *j,
	    struct uimp_err *e);
/*
 * Record what job does to user user_id, inside the same transaction:
 * CH_INSERT after the user is created, CH_UPDATE and CH_REMOVE before the
 * user is changed (the row as it was is kept to be restored).  updated_at
 * is the user's updated_at as the job leaves it (NULL: removed).
 */
int	db_job_change(struct uimp_db *db, long long job, long long user_id,
	    int action, const char *updated_at, struct uimp_err *e);
/* Drop the change recorded last: the write it was for was refused. */
int	db_job_change_undo(struct uimp_db *db, struct uimp_err *e);
int	db_job_finding(struct uimp_db *db, long long job,
	    const struct uimp_finding *f, struct uimp_err *e);
int	db_job_row(struct uimp_db *db, long long job, unsigned long row,
	    const char *cells, size_t len, struct uimp_err *e);

/* table_write.c: a table of text cells written as CSV or xlsx */
struct table_out;
/*
 * Start writing a table to path: xlsx when the name ends in .xlsx (any
 * case), else CSV (UTF-8, CRLF, RFC 4180, the formula guard as export
 * does).  secret: the file gets mode 0600 (else 0666 less the umask).
 * replace: an existing path is replaced at commit; else UIMP_EINVAL
 * ("exists") now, and commit never overwrites one made meanwhile.
 * path "-": CSV on standard output, written as rows come.
 */
int	table_open(struct table_out **out, const char *path, int secret,
	    int replace, struct uimp_err *e);
/* Add a row of n cells (cells[i] of lens[i] bytes; NULL: empty); the first row is the header. */
int	table_row(struct table_out *t, const char *const *cells,
	    const size_t *lens, size_t n, struct uimp_err *e);
/* Finish the file and give it its name atomically; frees t. */
int	table_commit(struct table_out *t, struct uimp_err *e);
/* Drop the file; nothing is left behind; frees t. */
void	table_abort(struct table_out *t);

/* db.c: jobs errors and prune, for job_errors.c */

/*
 * The columns of job id as its file had them (jobs.columns): n headers
 * in mem, each NUL-terminated, one after the other.  *recorded is 0 when
 * the job kept no columns (an older store).  UIMP_ENOENT: no job id.
 */
int	db_job_columns(struct uimp_db *db, long long id, struct buf *mem,
	    size_t *n, int *recorded, struct uimp_err *e);

/*
 * A rejected row of a job: its kept cells (key[i] the header, text[i] of
 * len[i] bytes, in the order job_rows holds them; kept 0 and no cells
 * when they were not kept), and its error findings in order (column[i]
 * NULL: the whole row).  Borrowed for the call, wiped after it.
 */
struct job_row {
	unsigned long	 row;
	int		 kept;
	size_t		 ncells;
	const char	**key;
	const char	**text;
	size_t		*len;
	size_t		 nerrs;
	const char	**column;
	const char	**message;
};

/* Called for each row; returns 0 to go on, else a status (e set) that stops. */
typedef int	(*job_row_fn)(const struct job_row *r, void *arg);

/*
 * Visit the rejected rows of job id in row order: the rows of job_rows,
 * each with its error findings (those of the header and the file, which
 * are no rows, aside).  Returns 0, a store failure, or what fn returned.
 */
int	db_job_rows_each(struct uimp_db *db, long long id, job_row_fn fn,
	    void *arg, struct uimp_err *e);

/* db.c: groups, labels, custom fields */

/* A group type. */
struct dir_type { long long id; char *name; };
/* A custom field; type is an enum dir_field_type. */
struct dir_field { long long id; char *name; int type; };
enum dir_field_type { DIR_TEXT = 0, DIR_NUMBER, DIR_DATE, DIR_BOOL };

/*
 * Every group type / custom field, in the order they were made (id), each
 * with its name; *out is freed with dir_free_*() (NULL and *n 0 when there
 * are none).  A store older than schema 3, read as it is, has the six
 * seeded types (ids 1-6) and no fields.
 */
int	db_dir_types(struct uimp_db *db, struct dir_type **out, size_t *n,
	    struct uimp_err *e);
void	dir_free_types(struct dir_type *t, size_t n);
int	db_dir_fields(struct uimp_db *db, struct dir_field **out, size_t *n,
	    struct uimp_err *e);
void	dir_free_fields(struct dir_field *f, size_t n);
/*
 * The group of type_id named name (any ASCII case) or with id gid: *id 0
 * / *found 0 when there is none.
 */
int	db_group_find(struct uimp_db *db, long long type_id, const char *name,
	    long long *id, struct uimp_err *e);
int	db_group_by_id(struct uimp_db *db, long long type_id, long long gid,
	    int *found, struct uimp_err *e);
/*
 * Create the group name (as dir_name_check() leaves it) of type_id, in the
 * caller's transaction; *id gets its id.  UIMP_EINVAL with e set when the
 * name breaks the rule or the type has a group of that name.
 */
int	db_group_create(struct uimp_db *db, long long type_id, const char *name,
	    long long *id, struct uimp_err *e);
/*
 * A user's group of each type: gids[i] for types[i] (0: none), the types
 * as db_dir_types() gave them.
 */
int	db_user_groups(struct uimp_db *db, long long user_id,
	    const struct dir_type *types, size_t n, long long *gids,
	    struct uimp_err *e);
/*
 * Put user_id in group gid of type type_id (replacing the user's group of
 * that type), or in none of that type when gid is 0.  UIMP_EINVAL when
 * gid is no group of type_id.
 */
int	db_user_group_set(struct uimp_db *db, long long user_id,
	    long long type_id, long long gid, struct uimp_err *e);
/* Labels: by name (case-sensitive) or id; *id 0 / *found 0 when none. */
int	db_label_find(struct uimp_db *db, const char *name, long long *id,
	    struct uimp_err *e);
int	db_label_by_id(struct uimp_db *db, long long id, int *found,
	    struct uimp_err *e);
/*
 * A user's labels as ids in ascending order; *ids malloc'd (free()d by
 * the caller; NULL when *n is 0).  Set replaces them all (an id twice
 * counts once; an id that is no label is UIMP_EINVAL).
 */
int	db_user_labels(struct uimp_db *db, long long user_id, long long **ids,
	    size_t *n, struct uimp_err *e);
int	db_user_labels_set(struct uimp_db *db, long long user_id,
	    const long long *ids, size_t n, struct uimp_err *e);
/*
 * A user's custom values: vals[i] for fields[i], malloc'd strings (free()d
 * by the caller) or NULL when the user has none.  Set stores value as it
 * is (the caller checked it against the field's type); NULL removes it.
 */
int	db_user_values(struct uimp_db *db, long long user_id,
	    const struct dir_field *f, size_t n, char **vals,
	    struct uimp_err *e);
int	db_user_value_set(struct uimp_db *db, long long user_id,
	    long long field_id, const char *value, struct uimp_err *e);

/* dir.c: the names of group types, groups, labels and custom fields */

#define DIR_COLUMN_MAX	50	/* characters in a type or field name */
#define DIR_NAME_MAX	100	/* characters in a group or label name */

/*
 * Check the name in[0..len) of a kind of directory entry (enum
 * uimp_dir_kind) and write it trimmed to out (outsz bytes; len + 1 are
 * enough).  Group types and custom fields: 1-50 characters of ASCII
 * letters, digits, space, '_', '-', '.', not ending in "_id" (nor " id",
 * "-id", ".id").  Groups and labels: 1-100 characters of valid UTF-8
 * without control characters; a label without ':'.  Returns 0, or -1 with
 * msg (msgsz bytes, lowercase, saying what is allowed) set.
 */
int	dir_name_check(int kind, const char *in, size_t len, char *out,
	    size_t outsz, char *msg, size_t msgsz);

/*
 * Whether name (checked by dir_name_check()) may name a new group type
 * or custom field (kind) in db: UIMP_EINVAL when a built-in column takes
 * it (a field of userimp-fields(5) or an alias, labels, labels_id),
 * UIMP_EREFUSED when a group type or custom field has it already (as a
 * column: headers compare as uimp_header_normalize() leaves them, and a
 * type T also takes the column T_id), else 0.
 */
int	dir_name_free(struct uimp_db *db, int kind, const char *name,
	    struct uimp_err *e);

/* The enum dir_field_type named s ("text", "number", ...), or -1. */
int	dir_field_type(const char *s);
/* The name of the field type t; static. */
const char	*dir_field_type_name(int t);

/* db.c: the directory by name, for the template and export */

/*
 * The names of the groups of type type_id (kind UIMP_DIR_GROUP, in name
 * order, any case) or of every label (UIMP_DIR_LABEL, in name order):
 * *names a new array of *n strings, freed with dir_free_names() (NULL
 * and 0 when there are none; a store older than schema 3 has none).
 */
int	db_dir_names(struct uimp_db *db, int kind, long long type_id,
	    char ***names, size_t *n, struct uimp_err *e);
void	dir_free_names(char **names, size_t n);

/*
 * The lookups an export makes for each user, prepared once on db;
 * freed with db_dir_lookup_free() (NULL does nothing) before db closes.
 */
struct dir_lookup;
int	db_dir_lookup_new(struct uimp_db *db, struct dir_lookup **out,
	    struct uimp_err *e);
void	db_dir_lookup_free(struct dir_lookup *l);
/*
 * The name of user_id's group of each of types[0..n) into names[i], a
 * malloc'd string free()d by the caller, NULL when the user has none.
 */
int	db_user_group_names(struct dir_lookup *l, long long user_id,
	    const struct dir_type *types, size_t n, char **names,
	    struct uimp_err *e);
/* user_id's label names, in name order, joined by ':' into out (reset). */
int	db_user_label_names(struct dir_lookup *l, long long user_id,
	    struct buf *out, struct uimp_err *e);

/* invite.c: welcome messages for new users */

struct invite;
/*
 * Start writing welcome messages: into the maildir dir (tmp/, new/ and
 * cur/ made 0700 when missing) when dir is not NULL; piped each to
 * `SENDMAIL -t -i` after the commit when sendmail is set (with dir NULL
 * the messages wait in a private temporary directory).  tmpl: a template
 * file, NULL for the built-in text; from: the sender address (NULL: the
 * setting's default).  Checks the template now: an unknown {placeholder}
 * or a bad header line is UIMP_EINVAL naming the file and line.
 */
int	invite_open(struct invite **out, const char *dir, const char *tmpl,
	    const char *from, const char *sendmail, struct uimp_err *e);
/* Compose the message for one new user into tmp/ (not yet delivered). */
int	invite_add(struct invite *iv, const char *username,
	    const char *email, const char *first_name, const char *last_name,
	    const char *password, struct uimp_err *e);
/*
 * The store has committed: move each message from tmp/ to new/, and
 * pipe each to sendmail when asked.  *sent gets how many were delivered;
 * a sendmail failure is UIMP_EWRITE naming the address, after trying
 * every message.  Frees iv.
 */
int	invite_commit(struct invite *iv, unsigned long *sent,
	    struct uimp_err *e);
/* The store did not commit: remove the messages; frees iv. */
void	invite_abort(struct invite *iv);

#endif
