/*
 * userimp.h: the public interface of libuserimp, the core that every
 * userimp-<cmd> binary links.  Sections follow the source files.
 */
#ifndef USERIMP_H
#define USERIMP_H

#include <stddef.h>
#include <stdint.h>

#define UIMP_VERSION "0.1.0"

/* status.c */

/*
 * Every function that can fail returns 0 (UIMP_OK) or one of these.
 * Rejected rows are not failures: they reach the caller as findings.
 */
enum uimp_status {
	UIMP_OK = 0,
	UIMP_ENOMEM,	/* out of memory */
	UIMP_EIO,	/* the input file cannot be opened or read */
	UIMP_EXLSX,	/* the input is not a readable xlsx package */
	UIMP_EINPUT,	/* the input is not a usable table (headers, CSV) */
	UIMP_EDB,	/* the store cannot be opened, read or written */
	UIMP_EBUSY,	/* the store stayed locked past the wait */
	UIMP_EHASH,	/* password hashing failed */
	UIMP_EINVAL,	/* a bad argument or setting from the caller */
	UIMP_EWRITE,	/* the output file cannot be written */
	UIMP_EINTERNAL,	/* a bug or an impossible state */
	UIMP_ENOENT,	/* no such user or job */
	UIMP_EREFUSED	/* the run would do what the caller forbade
			 * (--max-changes) or undo what changed since
			 * (jobs revert): nothing was changed */
};

/*
 * Details of a failure, filled by the function that failed when the caller
 * passes one.  where: a location ("users.xlsx", "users.xlsx:12:Email",
 * "xl/worksheets/sheet1.xml:40", "users.db"); msg: lowercase, no final
 * period.  sys_errno is the errno that explains it, or 0.
 */
struct uimp_err {
	int	status;
	int	sys_errno;
	char	where[128];
	char	msg[256];
};

/* The text for a status ("out of memory"); never NULL, static. */
const char	*uimp_strstatus(int status);

/*
 * Fill e (if not NULL) and return status: the one way lib/ reports.
 * where may be NULL.
 */
int	uimp_err_set(struct uimp_err *e, int status, int sys_errno,
	    const char *where, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/*
 * Print "FILE:LINE: BUG: msg" to stderr and abort: for programmer errors
 * only.
 */
#define UIMP_BUG(...) uimp_bug(__FILE__, __LINE__, __VA_ARGS__)
void	uimp_bug(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4), noreturn));

/* util.c */

/*
 * The JSON string literal (quotes included) for s[0..n), with bytes that
 * are not UTF-8 replaced by U+FFFD.  A new string, free()d by the caller;
 * NULL when out of memory.
 */
char	*uimp_json_quote(const char *s, size_t n);

/* read.c, xlsx_read.c, csv_read.c: tables from spreadsheets */

/* What a cell held, as far as it matters to validation. */
enum uimp_cell_type {
	UIMP_CELL_EMPTY = 0,	/* no value (also a formula with no cache) */
	UIMP_CELL_TEXT,		/* a string (every CSV cell) */
	UIMP_CELL_NUMBER,	/* a number, text as a spreadsheet shows it */
	UIMP_CELL_BOOL,		/* text "1" or "0" */
	UIMP_CELL_DATE,		/* ISO 8601 text */
	UIMP_CELL_ERROR		/* an error value; text is its code "#N/A" */
};

enum uimp_cell_flags {
	UIMP_CELL_NO_CACHE = 1 << 0,	/* formula without a cached value */
	UIMP_CELL_BAD_UTF8 = 1 << 1,	/* bytes that are not UTF-8 */
	UIMP_CELL_TOO_LONG = 1 << 2	/* over UIMP_CELL_MAX; text is cut */
};

#define UIMP_CELL_MAX	32767	/* characters in a cell, Excel's own limit */
#define UIMP_COLS_MAX	16384	/* columns in a sheet (XFD) */

/*
 * One cell: text is NUL-terminated, len bytes, never NULL ("" when empty).
 * Borrowed: valid until the next uimp_reader_next_row() or close.
 */
struct uimp_cell {
	int		 type;		/* enum uimp_cell_type */
	int		 flags;		/* enum uimp_cell_flags */
	const char	*text;
	size_t		 len;
};

/*
 * One row: num is the row number as the sheet shows it (for CSV, the line
 * on which the record starts), cells[i] is column i (0 is A); gaps are
 * UIMP_CELL_EMPTY cells.  ncells may be 0 for an empty row.  Borrowed like
 * its cells.
 */
struct uimp_row {
	unsigned long		 num;
	size_t			 ncells;
	const struct uimp_cell	*cells;
};

enum uimp_format {
	UIMP_FORMAT_AUTO = 0,	/* from the name, else sniffed from bytes */
	UIMP_FORMAT_XLSX,
	UIMP_FORMAT_CSV
};

struct uimp_read_opts {
	int		 format;	/* enum uimp_format */
	const char	*sheet;		/* xlsx: name, or all digits for a
					 * 1-based position; NULL: the first
					 * visible sheet */
	int		 delimiter;	/* CSV: ',' ';' '\t', or 0 to find it
					 * from the header line */
	const char	*encoding;	/* CSV: the file's character encoding,
					 * any name iconv_open(3) knows; NULL:
					 * UTF-8.  A byte order mark (UTF-8,
					 * UTF-16, UTF-32) wins over it.  Not
					 * for xlsx (UIMP_EINVAL) */
	int		 same_thread;	/* read in the caller's thread: rows
					 * come straight from the format, with
					 * progress after each; else a reading
					 * thread runs ahead of the caller */
};

struct uimp_reader;

/*
 * Open the table in the file at path ("-" is stdin, spooled to a temporary
 * file first).  opts may be NULL for defaults.  The format comes from
 * opts->format, else from the name's ending (.xlsx .xlsm: xlsx; .csv .tsv
 * .txt: CSV), else from the bytes (a zip is xlsx).  Files that are .xls,
 * .xlsb, .ods or encrypted workbooks fail with UIMP_EXLSX and a message
 * that names what they are.  On success *out is a reader owned by the
 * caller, to be closed with uimp_reader_close().  On failure *out is NULL
 * and e says why: UIMP_EIO (cannot open), UIMP_EXLSX (not a readable
 * workbook, no such sheet), UIMP_EINPUT (not a readable CSV), UIMP_EINVAL
 * (an encoding iconv does not know, or one given for an xlsx file),
 * UIMP_ENOMEM.
 */
int	uimp_reader_open(struct uimp_reader **out, const char *path,
	    const struct uimp_read_opts *opts, struct uimp_err *e);

/*
 * What a cell flagged UIMP_CELL_BAD_UTF8 holds and how to fix it, as the
 * message of its finding: "not valid UTF-8: save the file as UTF-8, or
 * give --encoding ..." for CSV read as UTF-8, "not valid windows-1251:
 * ..." for CSV converted from the encoding of opts->encoding or of a byte
 * order mark.  Borrowed: it lives as long as r.
 */
const char	*uimp_reader_bad_text(const struct uimp_reader *r);

/*
 * Read the next row into *row (borrowed, see struct uimp_row); at the end
 * of the table *row is NULL and 0 is returned.  A failure that stops the
 * reading (corrupt zip or XML, unterminated CSV quote, a container limit)
 * returns UIMP_EXLSX or UIMP_EINPUT with e->where naming the place.  Faults
 * inside one cell are flags on the cell, not failures.
 */
int	uimp_reader_next_row(struct uimp_reader *r,
	    const struct uimp_row **row, struct uimp_err *e);

/*
 * The name of the sheet being read (xlsx) or NULL (CSV); borrowed.
 */
const char	*uimp_reader_sheet(const struct uimp_reader *r);

/*
 * The SHA-256 of the file's bytes as 64 lowercase hex digits in hex[65],
 * complete once the reader reached the end of the table (for xlsx: at
 * open).  Returns 0, or UIMP_EIO if the bytes could not all be read.
 */
int	uimp_reader_sha256(struct uimp_reader *r, char hex[65]);

/*
 * How far the reading is, for a progress bar: *done gets the bytes of the
 * table consumed so far and *total the bytes in all, or 0 when unknown.
 * xlsx counts the sheet part's bytes as inflated (total from the zip
 * directory), CSV the file's bytes (stdin: its copy's).  Cheap enough to
 * call after every row: no system call.  Returns 0.
 */
int	uimp_reader_progress(const struct uimp_reader *r,
	    unsigned long long *done, unsigned long long *total);

/*
 * Close the reader and free it; NULL does nothing.  Returns 0 (a reader
 * only reads: there is nothing to flush).
 */
int	uimp_reader_close(struct uimp_reader *r);

/* rules.c: columns and field rules (userimp-fields(5)) */

enum uimp_field {
	UIMP_F_USERNAME = 0,
	UIMP_F_PASSWORD,
	UIMP_F_EMAIL,
	UIMP_F_FIRST_NAME,
	UIMP_F_LAST_NAME,
	UIMP_F_COMPANY,
	UIMP_F_TITLE,
	UIMP_F_DEPARTMENT,
	UIMP_F_ABOUT_ME,
	UIMP_F_WHATSAPP,
	UIMP_F_WORK_PHONE,
	UIMP_F_MOBILE_PHONE,
	UIMP_F_FAX,
	UIMP_F_WEBSITE,
	UIMP_F_ADDRESS,
	UIMP_F_IS_MANAGER,
	UIMP_F_MANAGER_EMAIL,	/* stored as users.manager_id */
	UIMP_F_STATUS,
	UIMP_F_MUST_CHANGE_PASSWORD,
	UIMP_F_CONTACT_NO,
	UIMP_F_CREATED_AT,	/* export only: ignored on import */
	UIMP_F_UPDATED_AT,	/* export only: ignored on import */
	UIMP_F_COUNT
};

enum uimp_field_flags {
	UIMP_FIELD_REQUIRED	= 1 << 0,	/* required to create a user */
	UIMP_FIELD_UNIQUE	= 1 << 1,	/* unique among users */
	UIMP_FIELD_MULTILINE	= 1 << 2,	/* line breaks and tabs allowed */
	UIMP_FIELD_EXPORT_ONLY	= 1 << 3,	/* ignored on import */
	UIMP_FIELD_INTEGER	= 1 << 4	/* stored as an INTEGER column */
};

/*
 * A field as the rules table describes it; static, never freed.  name is
 * the canonical header and the users column; aliases is NULL-terminated;
 * maxlen counts characters (0: the rule says); rule and example are text
 * for people (template, man page).
 */
struct uimp_field_info {
	const char		*name;
	const char *const	*aliases;
	int			 flags;		/* enum uimp_field_flags */
	size_t			 maxlen;
	const char		*rule;
	const char		*example;
};

/* The description of field f (0 <= f < UIMP_F_COUNT); never NULL. */
const struct uimp_field_info	*uimp_field_info(int f);

/*
 * Normalize a header for comparison: drop spaces, '_', '-', '.' and a
 * trailing '*', fold ASCII case.  Writes at most outsz bytes, NUL included.
 */
void	uimp_header_normalize(const char *in, char *out, size_t outsz);

/*
 * The field a header names, by name or alias, or -1 when none does.  A
 * header "active" returns UIMP_F_STATUS and sets *active (if not NULL) to
 * 1: its cells are true/false rather than active/blocked.
 */
int	uimp_field_lookup(const char *header, int *active);

/*
 * The canonical name of the known column nearest to header (for "did you
 * mean"), or NULL when none is near enough to be a likely typo; static.
 */
const char	*uimp_field_nearest(const char *header);

/*
 * The header the template and export write for field f: its name with
 * '_' as a space and each word capitalized, and a trailing '*' on the
 * fields a new user needs ("First Name*").  At most outsz bytes.
 */
void	uimp_field_header(int f, char *out, size_t outsz);

/*
 * The rule of field f for people, as the template's notes and
 * Instructions show it; the password's comes from pol (NULL: the
 * defaults).  At most outsz bytes.
 */
struct uimp_policy;
void	uimp_field_rule(int f, const struct uimp_policy *pol, char *out,
	    size_t outsz);

/*
 * The values an enumerated field takes, as export writes them (static,
 * NULL-terminated: "0", "1" for flags; "active", "blocked" for status),
 * or NULL for a field that is not enumerated.
 */
const char *const	*uimp_field_values(int f);

/* The password policy, from the store's settings. */
struct uimp_policy {
	int	min_len;	/* characters, default 8 */
	int	max_len;	/* characters, default 100 */
	int	need_letter;	/* default 1 */
	int	need_digit;	/* default 1 */
	int	allow_space;	/* default 0 */
};

/* The defaults above. */
void	uimp_policy_init(struct uimp_policy *p);

/*
 * A finding from a rule: code is a stable identifier (userimp-import(1)
 * FINDINGS), msg a sentence for people, lowercase, naming what is allowed.
 */
struct uimp_verdict {
	const char	*code;		/* static; NULL when the value is good */
	char		 msg[256];
};

/*
 * Check the cell text in[0..len) for field f (active: the column was
 * "active", see uimp_field_lookup()) and write the value to store into
 * out (outsz bytes, NUL-terminated; len + 1 bytes, and at least 8 for
 * status, are enough):
 * trimmed text, "0"/"1" for flags, "active"/"blocked" for status, a
 * normalized phone, the digits of contact_no.  An empty cell (after
 * trimming) is good here and gives "": whether it may be empty is the
 * caller's matter.  Passwords are neither trimmed nor changed; an argon2id
 * PHC string passes when uimp_phc_check() accepts it.  Returns 0 when the
 * value is good, else 1 with v->code and v->msg set.  Never quotes a
 * password into v->msg.
 */
int	uimp_field_check(int f, int active, const char *in, size_t len,
	    const struct uimp_policy *pol, char *out, size_t outsz,
	    struct uimp_verdict *v);

/*
 * Whether s looks like a password hash (PHC "$id$..." or crypt(3) form)
 * rather than a password: 1 for argon2id PHC, -1 for another hash format,
 * 0 for a plain password.
 */
int	uimp_is_hash(const char *s);

/*
 * Check an argon2id PHC string ($argon2id$v=19$m=..,t=..,p=..$salt$hash):
 * version 19, 8 <= m <= 1048576 KiB (1 GiB), 1 <= t <= 64, 1 <= p <= 64,
 * base64 salt of 8-64 bytes and hash of 16-64 bytes.  Returns 0 when good,
 * else 1 with v set (code "hash").
 */
int	uimp_phc_check(const char *s, struct uimp_verdict *v);

/*
 * Validate s as UTF-8; returns the number of characters, or -1 when
 * invalid (*bad, if not NULL, gets the offset of the first bad byte).
 */
long	uimp_utf8_len(const char *s, size_t len, size_t *bad);

/* passwd.c: argon2id hashing */

struct uimp_cost {
	uint32_t	t_cost;		/* iterations, default 2 */
	uint32_t	m_cost;		/* KiB, default 19456 */
	uint32_t	lanes;		/* parallelism, default 1 */
};

/* OWASP's minimum: t=2, m=19456 KiB, p=1. */
void	uimp_cost_init(struct uimp_cost *c);

/*
 * Whether c is below OWASP's table (m=19456,t=2 / m=12288,t=3 /
 * m=9216,t=4 / m=7168,t=5 / m=47104,t=1): 1 if weaker, else 0.
 */
int	uimp_cost_weak(const struct uimp_cost *c);

/*
 * The length of the encoded hash uimp_hash() writes, NUL included.
 */
size_t	uimp_hash_len(const struct uimp_cost *c);

/*
 * Hash the password pw[0..len) with argon2id at cost c and a new 16-byte
 * salt from getrandom(2), writing the PHC string to out (outsz bytes, at
 * least uimp_hash_len()).  Does not wipe pw: the caller does, on every
 * path.  Returns 0, UIMP_EHASH (e says libargon2's reason) or UIMP_EIO
 * (no randomness).
 */
int	uimp_hash(const struct uimp_cost *c, const char *pw, size_t len,
	    char *out, size_t outsz, struct uimp_err *e);

/*
 * One password to hash: pw (len bytes) is wiped by uimp_hash_many() with
 * explicit_bzero() whatever happens; out (outsz bytes) gets the PHC string.
 */
struct uimp_hash_job {
	char	*pw;
	size_t	 len;
	char	*out;
	size_t	 outsz;
};

/*
 * Hash n jobs on nthreads threads (0: all online CPUs), each hash with
 * c->lanes lanes.  Every job's pw is wiped before return, also on failure.
 * Returns 0 or the first failure's status with e set.
 */
int	uimp_hash_many(const struct uimp_cost *c, struct uimp_hash_job *jobs,
	    size_t n, int nthreads, struct uimp_err *e);

#define UIMP_GEN_LEN	20	/* characters of a generated password */

/*
 * A new random password into out (outsz bytes, NUL-terminated): 20
 * characters (more when pol's minimum asks, fewer only when its maximum
 * does, never fewer than 16) of A-Z a-z 0-9, drawn from getrandom()
 * without modulo bias, with at least one letter and one digit, so that
 * pol accepts it.  The caller wipes out.  Returns 0, or UIMP_EINVAL when
 * pol allows no such password (maximum under 16), UIMP_EINTERNAL when the
 * system gives no random bytes.
 */
int	uimp_password_generate(const struct uimp_policy *pol, char *out,
	    size_t outsz, struct uimp_err *e);

/* db.c: the store (userimp-store(5)) */

struct uimp_db;

enum uimp_db_flags {
	UIMP_DB_READONLY = 1 << 0,	/* never write, never create */
	UIMP_DB_CREATE	 = 1 << 1	/* create the file (0600) if missing */
};

/*
 * Open the store at path with wait_s seconds of busy timeout.  Read-only:
 * a missing file opens as an empty store (nothing is created), an older
 * schema is read as it is when it can be.  Else the file is created mode
 * 0600 when UIMP_DB_CREATE is set and the schema is migrated forward.  On
 * success *out is owned by the caller and closed with uimp_db_close().
 * Fails with UIMP_EDB (e says why) or UIMP_EBUSY (still locked after the
 * wait).
 */
int	uimp_db_open(struct uimp_db **out, const char *path, int flags,
	    int wait_s, struct uimp_err *e);

/*
 * Close the store; NULL does nothing.  Returns 0 or UIMP_EDB.
 */
int	uimp_db_close(struct uimp_db *db);

/* The schema version this library writes. */
#define UIMP_DB_SCHEMA	4

/*
 * Read the setting key into *value (a new string, free()d by the caller;
 * the default when not set).  Unknown keys fail with UIMP_EINVAL.
 */
int	uimp_db_setting_get(struct uimp_db *db, const char *key, char **value,
	    struct uimp_err *e);

/*
 * Set the setting key to value after checking it (UIMP_EINVAL with a
 * message that says what is allowed).  *warning (if not NULL) gets a
 * static text to show the user, or NULL.
 */
int	uimp_db_setting_set(struct uimp_db *db, const char *key,
	    const char *value, const char **warning, struct uimp_err *e);

/*
 * Walk every known setting, in order: fn(key, value, description, arg);
 * value is the current one (borrowed for the call).  fn returns non-zero
 * to stop.
 */
typedef int	(*uimp_setting_fn)(const char *key, const char *value,
	    const char *description, void *arg);
int	uimp_db_settings_each(struct uimp_db *db, uimp_setting_fn fn,
	    void *arg, struct uimp_err *e);

/* Read the password policy, cost and locked fields from the settings. */
int	uimp_db_policy(struct uimp_db *db, struct uimp_policy *pol,
	    struct uimp_cost *cost, struct uimp_err *e);

/* import.c: import and check */

enum uimp_mode {
	UIMP_MODE_UPSERT = 0,
	UIMP_MODE_INSERT,
	UIMP_MODE_UPDATE
};

enum uimp_import_flags {
	UIMP_IMPORT_DRY_RUN		= 1 << 0,	/* validate, hash nothing,
							 * write nothing */
	UIMP_IMPORT_CHECK		= 1 << 1,	/* as DRY_RUN: userimp check */
	UIMP_IMPORT_SKIP		= 1 << 2,	/* --on-error skip */
	UIMP_IMPORT_IGNORE_UNKNOWN	= 1 << 3,
	UIMP_IMPORT_EMPTY_CLEAR		= 1 << 4,
	UIMP_IMPORT_UPDATE_PASSWORDS	= 1 << 5,
	UIMP_IMPORT_VERBOSE		= 1 << 6,	/* info findings too */
	UIMP_IMPORT_GENERATE		= 1 << 7,	/* --generate-passwords */
	UIMP_IMPORT_MUST_CHANGE		= 1 << 8,	/* --must-change */
	UIMP_IMPORT_BLOCK_MISSING	= 1 << 9,	/* --block-missing */
	UIMP_IMPORT_SENDMAIL		= 1 << 10,	/* --sendmail */
	UIMP_IMPORT_CREATE_GROUPS	= 1 << 11	/* --create-groups */
};

/* What an import has done so far, for a progress bar. */
enum uimp_phase {
	UIMP_PHASE_READ = 0,	/* reading and checking rows */
	UIMP_PHASE_HASH,	/* hashing a batch of passwords */
	UIMP_PHASE_WRITE,	/* writing the rows to the store */
	UIMP_PHASE_DONE		/* finished: clear the bar */
};

struct uimp_progress {
	int			 phase;		/* enum uimp_phase */
	unsigned long		 rows;		/* data rows read so far */
	unsigned long long	 done, total;	/* bytes of the table read and
						 * in all; total 0: unknown */
	unsigned long		 hashed;	/* passwords hashed so far */
	unsigned long		 written;	/* rows written (WRITE) */
	unsigned long		 to_write;	/* rows to write (WRITE) */
};

/*
 * Called now and then (every few hundred rows, each hashed batch), never
 * with findings pending; must not write to stdout.
 */
typedef void	(*uimp_progress_fn)(const struct uimp_progress *p, void *arg);

/* One --map HEADER=field. */
struct uimp_map {
	const char	*header;
	const char	*field;
};

struct uimp_import_opts {
	int			 mode;		/* enum uimp_mode */
	int			 key;		/* the field that finds a user:
						 * UIMP_F_USERNAME (0) or
						 * UIMP_F_EMAIL (--key email) */
	int			 flags;		/* enum uimp_import_flags */
	int			 threads;	/* hashing threads, 0: all CPUs */
	const struct uimp_map	*maps;
	size_t			 nmaps;
	struct uimp_read_opts	 read;
	const char		*options_text;	/* for the job record */
	const char		*errors_path;	/* --errors: rejected rows */
	const char		*credentials;	/* --credentials: new users'
						 * generated passwords (CSV) */
	const char		*invite_dir;	/* --invite: maildir outbox */
	const char		*invite_template; /* --invite-template */
	long			 max_changes;	/* --max-changes, -1: none */
	int			 max_percent;	/* max_changes is a percent */
	uimp_progress_fn	 progress;
	void			*progress_arg;
};

enum uimp_severity {
	UIMP_SEV_ERROR = 0,
	UIMP_SEV_WARNING,
	UIMP_SEV_INFO		/* what became of a good row: code "insert",
				 * "update" or "unchanged"; only with
				 * UIMP_IMPORT_VERBOSE, never kept in the job
				 * record */
};

/*
 * A problem found in the file.  row 0: the whole file; column NULL: the
 * whole row.  column is the header as the file spells it, field the
 * canonical field name (or NULL).  All strings are borrowed for the call.
 */
struct uimp_finding {
	const char	*file;
	unsigned long	 row;
	const char	*column;
	const char	*field;
	int		 severity;	/* enum uimp_severity */
	const char	*code;
	const char	*message;
};

/*
 * Called for each finding, as soon as it is found; returns 0 to go on,
 * non-zero to stop reading (the run then ends as aborted: nothing written).
 */
typedef int	(*uimp_finding_fn)(const struct uimp_finding *f, void *arg);

struct uimp_summary {
	unsigned long	rows;		/* data rows read (blank ones aside) */
	unsigned long	inserted;
	unsigned long	updated;
	unsigned long	unchanged;
	unsigned long	rejected;
	unsigned long	passwords_kept;	/* password cells left alone */
	unsigned long	blocked;	/* users blocked by --block-missing */
	unsigned long	generated;	/* passwords generated for new users */
	unsigned long	removed;	/* users removed (jobs revert, user) */
	unsigned long	warnings;
	long long	job;		/* job id, or 0 when none recorded */
	int		aborted;	/* 1: nothing written (abort on error) */
	int		refused;	/* 1: and the run was refused
					 * (--max-changes, --block-missing) */
};

/*
 * Import (or with UIMP_IMPORT_CHECK / _DRY_RUN, check) the table at path
 * into the store at dbpath, opened with wait_s seconds of busy timeout.
 * Findings go to fn as they are found; *sum gets the counts.  Rejected rows
 * are findings, not failures: the return is 0 when the run could be
 * completed (whatever it rejected), else a status with e set: UIMP_EIO,
 * UIMP_EXLSX, UIMP_EINPUT (the file or its header row), UIMP_EDB,
 * UIMP_EBUSY (the store), UIMP_EHASH, UIMP_ENOMEM.  With the default
 * --on-error abort, one rejected row leaves every user as it was.
 */
int	uimp_import(const char *dbpath, int wait_s, const char *path,
	    const struct uimp_import_opts *o, uimp_finding_fn fn, void *arg,
	    struct uimp_summary *sum, struct uimp_err *e);

/* db.c: the record of imports (userimp-jobs(1)) */

/* A recorded import; strings borrowed for the call, NULL when unknown. */
struct uimp_job {
	long long		 id;
	const char		*started_at, *finished_at;
	const char		*user, *host, *options;
	const char		*file, *sha256, *sheet, *mode;
	const char		*outcome;	/* ok, partial, aborted, failed */
	const char		*command;	/* import, revert, user */
	long long		 reverted_by;	/* the job that undid it, or 0 */
	struct uimp_summary	 sum;
};

typedef int	(*uimp_job_fn)(const struct uimp_job *j, void *arg);

/*
 * Call fn for the jobs of the store at dbpath (read-only; a missing store
 * has none), newest first: every one when id is 0 (at most limit, 0: no
 * limit), else job id only.  fn returns non-zero to stop.  *found (if not
 * NULL) gets how many were visited.  Returns 0 or a store failure.
 */
int	uimp_jobs_each(const char *dbpath, int wait_s, long long id,
	    unsigned long limit, uimp_job_fn fn, void *arg,
	    unsigned long *found, struct uimp_err *e);

/*
 * Call fn for the findings kept with job id, in row order (file is the
 * job's file).  Returns 0 or a store failure.
 */
int	uimp_job_findings(const char *dbpath, int wait_s, long long id,
	    uimp_finding_fn fn, void *arg, struct uimp_err *e);

/*
 * Undo job id in the store at dbpath (opened with wait_s seconds of busy
 * timeout), in one transaction recorded as a job of its own (command
 * "revert", options_text its options): the users job id created are
 * removed, those it changed or blocked get back every column as it was
 * (updated_at set to now), those it removed come back.  fn gets a
 * finding (row 0, code "changed_since") for each of those users changed
 * after the job, by a later job or by another program; then nothing is
 * changed and the return is UIMP_EREFUSED, unless force.  Also
 * UIMP_EREFUSED when job id was reverted already (e says by which job);
 * UIMP_ENOENT when there is no such job or it changed no user.  *sum:
 * inserted = users brought back, updated = users restored, removed =
 * users removed, job = the revert's own job id.
 */
int	uimp_job_revert(const char *dbpath, int wait_s, long long id,
	    int force, const char *options_text, uimp_finding_fn fn,
	    void *arg, struct uimp_summary *sum, struct uimp_err *e);

/* export.c: export and the import template */

enum uimp_export_format {
	UIMP_EXPORT_CSV = 0,
	UIMP_EXPORT_XLSX,
	UIMP_EXPORT_JSON,	/* one array of objects */
	UIMP_EXPORT_JSONL	/* one object a line */
};

enum uimp_export_flags {
	UIMP_EXPORT_HASHES	= 1 << 0,	/* a password column of PHC
						 * strings; the file is 0600 */
	UIMP_EXPORT_BOM		= 1 << 1,	/* CSV: a UTF-8 byte order mark */
	UIMP_EXPORT_FORCE	= 1 << 2	/* replace an existing file */
};

struct uimp_export_opts {
	int		 format;	/* enum uimp_export_format */
	int		 flags;		/* enum uimp_export_flags */
	const int	*fields;	/* the columns in order; NULL: the
					 * default ones (uimp_export_fields)
					 * with the directory's before
					 * created_at */
	size_t		 nfields;
	const char	*columns;	/* not NULL: the columns by name
					 * instead, comma-separated: fields
					 * (names or aliases), group types,
					 * labels, custom fields */
	const char	*status;	/* only users with this status */
	const char	*since;		/* only users updated at or after this
					 * YYYY-MM-DD[THH:MM:SS[Z]] */
	const char	*match;		/* only users whose username or email
					 * matches this glob (* ?), any case */
};

/*
 * The default columns of an export into fields (room for UIMP_F_COUNT):
 * every field in the template's order, the password only with hashes,
 * then created_at and updated_at.  Returns how many.
 */
size_t	uimp_export_fields(int *fields, int hashes);

/*
 * Write the users of the store at dbpath (opened read-only with wait_s
 * seconds of busy timeout; a missing store has no users) to path ("-":
 * standard output) in o->format, atomically: a temporary file beside path,
 * renamed over it at the end.  An existing path fails with UIMP_EINVAL
 * unless UIMP_EXPORT_FORCE.  *count gets the number of users written.
 * CSV values starting with = + - @ tab or CR (or ' and one of those) get
 * a leading ' so that a spreadsheet does not run them.  The directory's
 * columns hold each user's group of the type by name, the labels' names
 * joined by ':' in name order, the custom values as stored.  Returns 0 or
 * a status with e set: UIMP_EINVAL (a bad option or date, an unknown
 * column), UIMP_EIO (the output), UIMP_EDB, UIMP_EBUSY, UIMP_ENOMEM.
 */
int	uimp_export(const char *dbpath, int wait_s, const char *path,
	    const struct uimp_export_opts *o, unsigned long *count,
	    struct uimp_err *e);

/*
 * Write the import template to path ("-": standard output) as format
 * (UIMP_EXPORT_XLSX or UIMP_EXPORT_CSV, the header line only), with the
 * password rule of the store at dbpath (read-only; missing: the defaults),
 * and after the fields a column for each of its group types, Labels and
 * each custom field, with the store's groups as list validations (a long
 * list as a range of the hidden sheet Lists) and its labels in the note.
 * force as UIMP_EXPORT_FORCE.  Returns 0 or a status with e set.
 */
int	uimp_template(const char *dbpath, int wait_s, const char *path,
	    int format, int force, struct uimp_err *e);

/* A column of the import template; strings borrowed for the call. */
struct uimp_column {
	const char	*header;	/* as the template heads it */
	const char	*name;		/* the field's, the group type's or the
					 * custom field's name, or "labels" */
	int		 required;	/* a new user needs it */
	const char	*rule;		/* as its Instructions row has it */
	const char	*example;	/* "" when there is none */
};

typedef int	(*uimp_column_fn)(const struct uimp_column *c, void *arg);

/*
 * Call fn for each column of the template that uimp_template() writes
 * from the store at dbpath (read-only; missing: the defaults, the seeded
 * group types), in order; fn returns non-zero to stop.  Returns 0 or a
 * status with e set (UIMP_EDB, UIMP_EBUSY, UIMP_ENOMEM).
 */
int	uimp_template_columns(const char *dbpath, int wait_s, uimp_column_fn fn,
	    void *arg, struct uimp_err *e);

/* job_errors.c and db.c: jobs errors and prune (userimp-jobs(1)) */

/*
 * Write the rejected rows of job id, from the store at dbpath (read-only,
 * wait_s seconds of busy timeout), to path ("-": CSV on standard output;
 * a name ending in .xlsx: an xlsx file, sheet Users; else CSV), written
 * whole or not at all.  The header is the job's columns in the file's
 * order, then Error; each row has its kept cells, the password column
 * empty (passwords are never kept), and in Error every error message of
 * the row ("Column: message", joined by "; ") with a note that the
 * password must be entered again, or that the row's cells were not kept.
 * The file is mode 0600 when the job's file had a password column, else
 * 0666 less the umask.  An existing path fails with UIMP_EINVAL unless
 * force.  *count gets the rows written (the header aside).  Returns 0,
 * UIMP_ENOENT (no job id), UIMP_EINVAL, UIMP_EWRITE, UIMP_EDB,
 * UIMP_EBUSY or UIMP_ENOMEM, with e set.
 */
int	uimp_job_errors(const char *dbpath, int wait_s, long long id,
	    const char *path, int force, unsigned long *count,
	    struct uimp_err *e);

/*
 * Remove from the store at dbpath the jobs that finished more than days
 * days ago (days < 0: whatever their age), except the keep newest (keep
 * < 0: none kept for that), with their findings, rows and changes; at
 * least one of days and keep is >= 0.  With dry_run nothing is removed
 * (the store is opened read-only).  A missing store has no jobs.
 * *removed gets how many jobs were (or would be) removed.  Returns 0,
 * UIMP_EDB or UIMP_EBUSY.  The file does not shrink: VACUUM does that.
 */
int	uimp_jobs_prune(const char *dbpath, int wait_s, long days, long keep,
	    int dry_run, unsigned long *removed, struct uimp_err *e);

/* db.c: one user at a time (userimp-user) */

/*
 * A user as the store holds it: v[f] is field f's text (integers as
 * digits; NULL when not set), with created_at and updated_at; never the
 * password hash (v[UIMP_F_PASSWORD] is NULL, has_password says whether
 * one is set).  manager is the username of the user's manager, or NULL.
 * Borrowed for the call.
 */
struct uimp_user {
	long long	 id;
	int		 has_password;
	const char	*v[UIMP_F_COUNT];
	const char	*manager;
};

typedef int	(*uimp_user_fn)(const struct uimp_user *u, void *arg);

/*
 * Call fn with the user name names in the store at dbpath (read-only; a
 * missing store has no users): the user with that username (any case),
 * else, when name holds '@', the user with that email (any case).
 * Returns 0, UIMP_ENOENT ("no such user 'name'") or a store failure.
 */
int	uimp_user_show(const char *dbpath, int wait_s, const char *name,
	    uimp_user_fn fn, void *arg, struct uimp_err *e);

enum uimp_user_action {
	UIMP_USER_DISABLE = 0,	/* status blocked */
	UIMP_USER_ENABLE,	/* status active */
	UIMP_USER_REMOVE,	/* delete the user */
	UIMP_USER_PASSWD	/* set the password hash */
};

struct uimp_user_change {
	int		 action;	/* enum uimp_user_action */
	const char	*hash;		/* PASSWD: an argon2id PHC string */
	int		 must_change;	/* PASSWD: set must_change_password */
	const char	*options_text;	/* for the job record; no password */
};

/*
 * Apply c to the user name names (as uimp_user_show() finds it) in the
 * store at dbpath, opened with wait_s seconds of busy timeout: in one
 * transaction, the change, updated_at set to now, and a job of its own
 * (command "user") with the user as it was, so that uimp_job_revert()
 * undoes it.  fn (may be NULL) gets the user as it was, inside the
 * transaction.  A user already as asked (disable a blocked user) is left
 * alone and no job is recorded.  *sum: updated or removed 1 and job, or
 * all 0 when nothing changed.  Returns 0, UIMP_ENOENT (no such user),
 * UIMP_EREFUSED (remove: other users name the user as their manager; e
 * names one), UIMP_EINVAL (hash is not an argon2id PHC string), or a store
 * failure (UIMP_EDB, UIMP_EBUSY).
 */
int	uimp_user_change(const char *dbpath, int wait_s, const char *name,
	    const struct uimp_user_change *c, uimp_user_fn fn, void *arg,
	    struct uimp_summary *sum, struct uimp_err *e);

/* db.c, dir.c: groups, labels and custom fields (userimp-groups ...) */

enum uimp_dir_kind {
	UIMP_DIR_TYPE = 0,	/* a group type: region, city, ... */
	UIMP_DIR_GROUP,		/* a group of a type */
	UIMP_DIR_LABEL,
	UIMP_DIR_FIELD		/* a custom field */
};

/* One entry of the directory; strings borrowed for the call. */
struct uimp_dir_entry {
	int		 kind;		/* enum uimp_dir_kind */
	long long	 id;
	const char	*name;
	const char	*type;		/* group: its type's name; field: text,
					 * number, date or bool; else NULL */
	long long	 type_id;	/* group: its type's id; else 0 */
	unsigned long	 groups;	/* type: how many groups it has */
	unsigned long	 users;		/* users in it (type: in any of its
					 * groups; field: with a value) */
	int		 builtin;	/* type: one of the six seeded ones */
};

/* Called for each entry; returns non-zero to stop. */
typedef int	(*uimp_dir_fn)(const struct uimp_dir_entry *d, void *arg);

/*
 * Call fn for every entry of kind in the store at dbpath (read-only; a
 * missing store has the seeded group types and nothing else): types and
 * fields in the order they were made, groups by type then name, labels
 * by name.  type (groups only, may be NULL) keeps the groups of that type
 * (any ASCII case).  Returns 0, UIMP_ENOENT (no such type) or a store
 * failure.
 */
int	uimp_dir_list(const char *dbpath, int wait_s, int kind,
	    const char *type, uimp_dir_fn fn, void *arg, struct uimp_err *e);

enum uimp_dir_action {
	UIMP_DIR_ADD = 0,
	UIMP_DIR_RENAME,
	UIMP_DIR_REMOVE
};

struct uimp_dir_change {
	int			 action;	/* enum uimp_dir_action */
	int			 kind;		/* enum uimp_dir_kind */
	const char		*type;		/* GROUP: the type's name;
						 * FIELD ADD: text, number,
						 * date or bool */
	const char *const	*names;		/* ADD: n new names; RENAME:
						 * old, new; REMOVE: one */
	size_t			 n;
	int			 force;		/* REMOVE: even when in use */
};

/*
 * Apply c to the store at dbpath (created when missing for ADD; wait_s
 * seconds of busy timeout) in one transaction: all of it or nothing.  fn
 * (may be NULL) gets each entry as it is after the change (REMOVE: as it
 * was, users the ones taken out), before the commit.  A removal is
 * refused (UIMP_EREFUSED) while users are in the group or label, or have
 * a value of the field, or the type has groups, unless force, which
 * takes them out (and removes the type's groups).  Returns 0,
 * UIMP_EINVAL (a name that breaks its rule or is a built-in column's, an
 * unknown field type), UIMP_EREFUSED (the name is taken; in use),
 * UIMP_ENOENT (no such type, group, label or field), or a store failure
 * (UIMP_EDB, UIMP_EBUSY), with e set.
 */
int	uimp_dir_change(const char *dbpath, int wait_s,
	    const struct uimp_dir_change *c, uimp_dir_fn fn, void *arg,
	    struct uimp_err *e);

/*
 * Create the groups listed in the table at path (read as uimp_reader_open()
 * reads, with ro) in the store at dbpath: a header row with the columns
 * type and name (compared as import compares headers), then a group a
 * row.  Each bad row (no such type, a bad name, a bad cell) is a finding
 * to fn (which returns non-zero to stop); then nothing is written.
 * Otherwise the new groups are created in one transaction; those there
 * already (in any case) count as unchanged.  *sum: rows, inserted,
 * unchanged, rejected.  Returns 0 when the file could be read through
 * (whatever it rejected), else UIMP_EIO, UIMP_EXLSX, UIMP_EINPUT (also a
 * missing or unknown column), UIMP_EDB, UIMP_EBUSY, UIMP_ENOMEM.
 */
int	uimp_groups_import(const char *dbpath, int wait_s, const char *path,
	    const struct uimp_read_opts *ro, uimp_finding_fn fn, void *arg,
	    struct uimp_summary *sum, struct uimp_err *e);

#endif
