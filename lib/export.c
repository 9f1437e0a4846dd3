/*
 * export.c: users out of the store as CSV, JSON or xlsx, and the import
 * template, each written whole or not at all.
 */
#define _GNU_SOURCE	/* mkostemp */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Where the output goes: a file written atomically, or standard output. */
struct out {
	int		 format;
	int		 to_stdout;
	struct atomic	 a;		/* a file */
	char		*path;		/* xlsx: the file libxlsxwriter writes */
	char		*spool;		/* xlsx to stdout: a temporary file */
	FILE		*f;		/* CSV and JSON */
	struct xlsx_out	*x;
	const int	*fields;
	size_t		 nfields;
	unsigned long	 rows;
	struct buf	 line;
};

static int
nomem(struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

size_t
uimp_export_fields(int *fields, int hashes)
{
	size_t n = 0;
	int f;

	for (f = 0; f < UIMP_F_COUNT; f++)
		if (f != UIMP_F_PASSWORD || hashes)
			fields[n++] = f;
	return n;
}

/* Open the output at path ("-": stdout); secret: mode 0600. */
static int
out_open(struct out *o, const char *path, int format, int secret, int force,
    struct uimp_err *e)
{
	const char *dir;
	int fd, rc;

	memset(o, 0, sizeof(*o));
	o->a.fd = -1;
	o->format = format;
	o->to_stdout = strcmp(path, "-") == 0;
	if (o->to_stdout && format == UIMP_EXPORT_XLSX) {
		if (isatty(STDOUT_FILENO))
			return uimp_err_set(e, UIMP_EINVAL, 0, "-", "an xlsx "
			    "file is not for a terminal: name a file with -o, "
			    "or pipe the output");
		/* libxlsxwriter 1.1.4 writes only to a named file */
		if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
			dir = "/tmp";
		if ((o->spool = malloc(strlen(dir) + 32)) == NULL)
			return nomem(e);
		sprintf(o->spool, "%s/userimp-out.XXXXXX", dir);
		if ((fd = mkostemp(o->spool, O_CLOEXEC)) == -1) {
			free(o->spool);
			o->spool = NULL;
			return uimp_err_set(e, UIMP_EWRITE, errno, dir, "cannot "
			    "create a temporary file");
		}
		close(fd);
		o->path = o->spool;
		return UIMP_OK;
	}
	if (o->to_stdout) {
		o->f = stdout;
		return UIMP_OK;
	}
	if ((rc = atomic_open(&o->a, path, secret, force, e)) != UIMP_OK)
		return rc;
	if (format == UIMP_EXPORT_XLSX) {
		o->path = o->a.tmp;
		return UIMP_OK;
	}
	if ((fd = fcntl(o->a.fd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (o->f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		atomic_abort(&o->a);
		return uimp_err_set(e, UIMP_EWRITE, errno, path, "cannot write");
	}
	return UIMP_OK;
}

/* Copy the spooled xlsx file to standard output. */
static int
copy_out(const char *path, struct uimp_err *e)
{
	char buf[1 << 16];
	ssize_t n, w, off;
	int fd, rc = UIMP_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return uimp_err_set(e, UIMP_EWRITE, errno, path, "cannot read");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(STDOUT_FILENO, buf + off,
			    (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				rc = uimp_err_set(e, UIMP_EWRITE, errno, "-",
				    "cannot write the standard output");
				goto out;
			}
	if (n < 0)
		rc = uimp_err_set(e, UIMP_EWRITE, errno, path, "cannot read");
out:
	close(fd);
	return rc;
}

/* Finish the output: everything written, or nothing. */
static int
out_close(struct out *o, const char *path, struct uimp_err *e)
{
	int rc = UIMP_OK;

	if (o->f) {
		if (fflush(o->f) != 0 || ferror(o->f))
			rc = uimp_err_set(e, UIMP_EWRITE, errno, path,
			    "cannot write");
		if (o->f != stdout && fclose(o->f) != 0 && rc == UIMP_OK)
			rc = uimp_err_set(e, UIMP_EWRITE, errno, path,
			    "cannot write");
		o->f = NULL;
	}
	if (rc == UIMP_OK && o->spool)
		rc = copy_out(o->spool, e);
	if (o->spool) {
		unlink(o->spool);
		free(o->spool);
		o->spool = NULL;
	}
	if (o->a.tmp) {
		if (rc == UIMP_OK)
			rc = atomic_commit(&o->a, e);
		else
			atomic_abort(&o->a);
	}
	buf_release(&o->line);
	return rc;
}

static void
out_abort(struct out *o)
{
	if (o->x)
		xlsx_export_close(o->x, NULL);
	o->x = NULL;
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->spool) {
		unlink(o->spool);
		free(o->spool);
		o->spool = NULL;
	}
	if (o->a.tmp)
		atomic_abort(&o->a);
	buf_release(&o->line);
}

/* CSV */

static int
csv_add(struct buf *b, const char *v)
{
	const char *s;
	int quote = strpbrk(v, ",\"\r\n") != NULL;

	if (quote && buf_addc(b, '"'))
		return UIMP_ENOMEM;
	/* import takes one leading ' away again */
	if ((formula_like(v) || (v[0] == '\'' && formula_like(v + 1))) &&
	    buf_addc(b, '\''))
		return UIMP_ENOMEM;
	for (s = v; *s; s++) {
		if (*s == '"' && buf_addc(b, '"'))
			return UIMP_ENOMEM;
		if (buf_addc(b, *s))
			return UIMP_ENOMEM;
	}
	if (quote && buf_addc(b, '"'))
		return UIMP_ENOMEM;
	return UIMP_OK;
}

/* Write one CSV record of values (NULL: empty) with CRLF. */
static int
csv_record(struct out *o, const char *const *v, struct uimp_err *e)
{
	size_t i;

	buf_reset(&o->line);
	for (i = 0; i < o->nfields; i++)
		if ((i > 0 && buf_addc(&o->line, ',')) ||
		    csv_add(&o->line, v[i] ? v[i] : ""))
			return nomem(e);
	if (buf_add(&o->line, "\r\n", 2))
		return nomem(e);
	if (fwrite(o->line.s, 1, o->line.len, o->f) != o->line.len)
		return uimp_err_set(e, UIMP_EWRITE, errno, NULL, "cannot write");
	return UIMP_OK;
}

static int
csv_header(struct out *o, struct uimp_err *e)
{
	char h[UIMP_F_COUNT][64];
	const char *v[UIMP_F_COUNT];
	size_t i;

	for (i = 0; i < o->nfields; i++) {
		uimp_field_header(o->fields[i], h[i], sizeof(h[i]));
		v[i] = h[i];
	}
	return csv_record(o, v, e);
}

/* JSON */

static int
json_object(struct out *o, const struct user *u, struct uimp_err *e)
{
	const char *v, *name;
	size_t i;
	int f;

	buf_reset(&o->line);
	if (o->format == UIMP_EXPORT_JSON &&
	    buf_adds(&o->line, o->rows ? ",\n  " : "\n  "))
		return nomem(e);
	if (buf_addc(&o->line, '{'))
		return nomem(e);
	for (i = 0; i < o->nfields; i++) {
		f = o->fields[i];
		v = u->v[f];
		name = uimp_field_info(f)->name;
		if ((i > 0 && buf_adds(&o->line, ", ")) ||
		    buf_add_json(&o->line, name, strlen(name)) ||
		    buf_adds(&o->line, ": "))
			return nomem(e);
		if (v == NULL ? buf_adds(&o->line, "null") :
		    (uimp_field_info(f)->flags & UIMP_FIELD_INTEGER) ?
		    buf_adds(&o->line, v) : buf_add_json(&o->line, v,
		    strlen(v)))
			return nomem(e);
	}
	if (buf_addc(&o->line, '}') || (o->format == UIMP_EXPORT_JSONL &&
	    buf_addc(&o->line, '\n')))
		return nomem(e);
	if (fwrite(o->line.s, 1, o->line.len, o->f) != o->line.len)
		return uimp_err_set(e, UIMP_EWRITE, errno, NULL, "cannot write");
	return UIMP_OK;
}

/* export */

struct each {
	struct out	*o;
	struct uimp_err	*e;
};

static int
write_user(const struct user *u, void *arg)
{
	struct each *ea = arg;
	struct out *o = ea->o;
	const char *v[UIMP_F_COUNT];
	size_t i;
	int rc;

	switch (o->format) {
	case UIMP_EXPORT_CSV:
		for (i = 0; i < o->nfields; i++)
			v[i] = u->v[o->fields[i]];
		rc = csv_record(o, v, ea->e);
		break;
	case UIMP_EXPORT_XLSX:
		rc = xlsx_export_row(o->x, u, ea->e);
		break;
	default:
		rc = json_object(o, u, ea->e);
	}
	if (rc == UIMP_OK)
		o->rows++;
	return rc;
}

/* Check a --since date: YYYY-MM-DD, optionally THH:MM:SS and Z. */
static int
check_since(const char *s, struct uimp_err *e)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i, n = strlen(s);
	int month, day;

	if (n != 10 && n != 19 && n != 20)
		goto bad;
	for (i = 0; i < n; i++)
		if (form[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != form[i])
			goto bad;
	month = atoi(s + 5);
	day = atoi(s + 8);
	if (month < 1 || month > 12 || day < 1 || day > 31 ||
	    (n > 10 && (atoi(s + 11) > 23 || atoi(s + 14) > 59 ||
	    atoi(s + 17) > 59)))
		goto bad;
	return UIMP_OK;
bad:
	return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--since '%s': expected "
	    "a time as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or "
	    "YYYY-MM-DDTHH:MM:SSZ (UTC)", s);
}

static int
check_opts(const struct uimp_export_opts *eo, const int *fields, size_t n,
    struct uimp_err *e)
{
	size_t i;

	if ((eo->flags & UIMP_EXPORT_BOM) && eo->format != UIMP_EXPORT_CSV)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--bom is for "
		    "CSV only");
	if (eo->status && strcmp(eo->status, "active") != 0 &&
	    strcmp(eo->status, "blocked") != 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--status '%s': "
		    "expected active or blocked", eo->status);
	if (eo->since && check_since(eo->since, e) != UIMP_OK)
		return UIMP_EINVAL;
	if (n == 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "no columns to "
		    "export");
	for (i = 0; i < n; i++) {
		if (fields[i] < 0 || fields[i] >= UIMP_F_COUNT)
			return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "no "
			    "field %d", fields[i]);
		if (fields[i] == UIMP_F_PASSWORD &&
		    !(eo->flags & UIMP_EXPORT_HASHES))
			return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "the "
			    "password column holds hashes: it needs "
			    "--with-hashes");
	}
	return UIMP_OK;
}

int
uimp_export(const char *dbpath, int wait_s, const char *path,
    const struct uimp_export_opts *eo, unsigned long *count,
    struct uimp_err *e)
{
	struct uimp_db *db = NULL;
	struct user_filter flt;
	struct each ea;
	struct out o;
	int fields[UIMP_F_COUNT];
	const int *cols = eo->fields;
	size_t n = eo->nfields;
	int rc, hashes = !!(eo->flags & UIMP_EXPORT_HASHES);

	*count = 0;
	if (cols == NULL) {
		n = uimp_export_fields(fields, hashes);
		cols = fields;
	}
	if ((rc = check_opts(eo, cols, n, e)) != UIMP_OK)
		return rc;
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	if ((rc = out_open(&o, path, eo->format, hashes,
	    !!(eo->flags & UIMP_EXPORT_FORCE), e)) != UIMP_OK)
		goto out;
	o.fields = cols;
	o.nfields = n;
	if (eo->format == UIMP_EXPORT_XLSX)
		rc = xlsx_export_open(&o.x, o.path, cols, n, e);
	else if (eo->format == UIMP_EXPORT_CSV) {
		if ((eo->flags & UIMP_EXPORT_BOM) &&
		    fwrite("\xef\xbb\xbf", 1, 3, o.f) != 3)
			rc = uimp_err_set(e, UIMP_EWRITE, errno, path,
			    "cannot write");
		if (rc == UIMP_OK)
			rc = csv_header(&o, e);
	} else if (eo->format == UIMP_EXPORT_JSON && fputs("[", o.f) < 0)
		rc = uimp_err_set(e, UIMP_EWRITE, errno, path, "cannot write");
	if (rc != UIMP_OK)
		goto fail;
	memset(&flt, 0, sizeof(flt));
	flt.status = eo->status;
	flt.since = eo->since;
	flt.match = eo->match;
	ea.o = &o;
	ea.e = e;
	if ((rc = db_users_each(db, &flt, hashes, write_user, &ea, e)))
		goto fail;
	if (eo->format == UIMP_EXPORT_JSON && fputs(o.rows ? "\n]\n" : "]\n",
	    o.f) < 0) {
		rc = uimp_err_set(e, UIMP_EWRITE, errno, path, "cannot write");
		goto fail;
	}
	if (o.x) {
		rc = xlsx_export_close(o.x, e);
		o.x = NULL;
		if (rc != UIMP_OK)
			goto fail;
	}
	if ((rc = out_close(&o, path, e)) == UIMP_OK)
		*count = o.rows;
	goto out;
fail:
	if (e && *e->where == '\0')
		snprintf(e->where, sizeof(e->where), "%s", path);
	out_abort(&o);
out:
	uimp_db_close(db);
	return rc;
}

int
uimp_template(const char *dbpath, int wait_s, const char *path, int format,
    int force, struct uimp_err *e)
{
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_db *db = NULL;
	struct out o;
	int fields[UIMP_F_COUNT], f, rc;
	size_t n = 0;

	if (format != UIMP_EXPORT_XLSX && format != UIMP_EXPORT_CSV)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "a template is "
		    "xlsx or CSV");
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	rc = uimp_db_policy(db, &pol, &cost, e);
	uimp_db_close(db);
	if (rc != UIMP_OK)
		return rc;
	for (f = 0; f < UIMP_F_COUNT; f++)
		if (!(uimp_field_info(f)->flags & UIMP_FIELD_EXPORT_ONLY))
			fields[n++] = f;
	if ((rc = out_open(&o, path, format, 0, force, e)) != UIMP_OK)
		return rc;
	o.fields = fields;
	o.nfields = n;
	if (format == UIMP_EXPORT_XLSX)
		rc = xlsx_template_write(o.path, &pol, e);
	else
		rc = csv_header(&o, e);
	if (rc != UIMP_OK) {
		out_abort(&o);
		return rc;
	}
	return out_close(&o, path, e);
}
