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
	char		*fbuf;		/* its buffer, when a named file */
	struct xlsx_out	*x;
	const int	*fields;	/* codes from UIMP_F_COUNT: dc[] */
	size_t		 nfields;
	const struct dircol *dc;
	unsigned long	 rows;
	struct buf	 line;
};

/*
 * The directory's columns, from the store: one for each group type, one
 * for the labels, one for each custom field, in that order, in dc.
 */
struct dir {
	struct dir_type		*types;
	size_t			 ntypes;
	struct dir_field	*fields;
	size_t			 nfields;
	struct dircol		*dc;
	size_t			 ndc;
};

/* The index in dc of the labels' column. */
#define DC_LABELS_AT(d)	((d)->ntypes)

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

/* the directory's columns */

#define LABELS_NOTE_MAX	300	/* bytes of label names a note lists */
#define HEADER_SZ	128	/* bytes of a header, NUL included */
#define OUT_BUF		(64UL << 10)	/* a named file's stdio buffer */

/* Free what d holds. */
static void
dir_release(struct dir *d)
{
	size_t i;

	for (i = 0; d->dc && i < d->ndc; i++) {
		free(d->dc[i].name);
		free(d->dc[i].header);
		free(d->dc[i].rule);
		free(d->dc[i].example);
		dir_free_names(d->dc[i].list, d->dc[i].nlist);
	}
	free(d->dc);
	dir_free_types(d->types, d->ntypes);
	dir_free_fields(d->fields, d->nfields);
	memset(d, 0, sizeof(*d));
}

/*
 * A group type's header as the template writes headers: '_' as a space
 * and each word capitalized ("cost_center": "Cost Center").
 */
static char *
type_header(const char *name)
{
	char *h, *p;
	int start = 1;

	if ((h = strdup(name)) == NULL)
		return NULL;
	for (p = h; *p; p++) {
		if (*p == '_')
			*p = ' ';
		if (start && *p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		start = *p == ' ';
	}
	return h;
}

/*
 * The column of a group type: its name, or "<name> group" when a built-in
 * field has the name (company), which import reads the same way.
 */
static char *
group_column(const char *type)
{
	char *s;
	int active;

	if (uimp_field_lookup(type, &active) < 0)
		return strdup(type);
	if ((s = malloc(strlen(type) + 7)) != NULL)
		sprintf(s, "%s group", type);
	return s;
}

/* The rule and example of the custom field f, for the template. */
static int
field_rule(const struct dir_field *f, struct dircol *c)
{
	static const char *const rule[] = {
		[DIR_TEXT] = "a custom field of text: at most 2000 "
		    "characters, no control characters",
		[DIR_NUMBER] = "a custom field of numbers: digits with an "
		    "optional - and one decimal point, such as 42 or -3.5",
		[DIR_DATE] = "a custom field of dates: a date cell or "
		    "YYYY-MM-DD",
		[DIR_BOOL] = "a custom field of flags: 0 or 1 (also "
		    "true/false, yes/no)"
	};
	static const char *const example[] = {
		[DIR_TEXT] = "", [DIR_NUMBER] = "42",
		[DIR_DATE] = "2024-05-31", [DIR_BOOL] = "1"
	};
	int t = f->type >= DIR_TEXT && f->type <= DIR_BOOL ? f->type :
	    DIR_TEXT;

	if ((c->rule = strdup(rule[t])) == NULL ||
	    (c->example = strdup(example[t])) == NULL)
		return UIMP_ENOMEM;
	return UIMP_OK;
}

/* The rule and example of group type t's column, its groups in c->list. */
static int
group_rule(const struct dir_type *t, struct dircol *c)
{
	struct buf b = BUF_INIT;

	if (c->nlist > 0 ? buf_addf(&b, "the name of a group of type %s: "
	    "one of the %zu in the list (any case); another name is rejected "
	    "unless import runs with --create-groups", t->name, c->nlist) :
	    buf_addf(&b, "the name of a group of type %s; none exists yet: "
	    "'userimp groups add %s NAME' makes one, or import "
	    "--create-groups", t->name, t->name))
		goto oom;
	c->rule = b.s;
	if ((c->example = strdup(c->nlist > 0 ? c->list[0] : "")) == NULL)
		return UIMP_ENOMEM;
	return UIMP_OK;
oom:
	buf_release(&b);
	return UIMP_ENOMEM;
}

/*
 * The rule and example of the labels' column: the existing labels named
 * in the rule, cut with "..." past LABELS_NOTE_MAX bytes.
 */
static int
labels_rule(char **names, size_t n, struct dircol *c)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (buf_adds(&b, "label names separated by ':', case-sensitive, "
	    "each an existing label"))
		goto oom;
	if (n == 0 && buf_adds(&b, "; none exists yet: 'userimp labels add "
	    "NAME' makes one"))
		goto oom;
	for (i = 0; i < n; i++) {
		if (b.len + strlen(names[i]) > LABELS_NOTE_MAX) {
			if (buf_adds(&b, ", ..."))
				goto oom;
			break;
		}
		if (buf_adds(&b, i ? ", " : ": ") || buf_adds(&b, names[i]))
			goto oom;
	}
	c->rule = b.s;
	b = (struct buf)BUF_INIT;
	if (buf_adds(&b, "") || (n > 0 && buf_adds(&b, names[0])) ||
	    (n > 1 && (buf_addc(&b, ':') || buf_adds(&b, names[1]))))
		goto oom;
	c->example = b.s;
	return UIMP_OK;
oom:
	buf_release(&b);
	return UIMP_ENOMEM;
}

/*
 * Read the directory's columns from db into d: names and headers, and for
 * the template (tmpl) the rules, examples and each type's groups.
 */
static int
dir_load(struct uimp_db *db, int tmpl, struct dir *d, struct uimp_err *e)
{
	struct dircol *c;
	char **labels = NULL;
	size_t i, nlabels = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = db_dir_types(db, &d->types, &d->ntypes, e)) != UIMP_OK ||
	    (rc = db_dir_fields(db, &d->fields, &d->nfields, e)) != UIMP_OK)
		goto fail;
	d->ndc = d->ntypes + 1 + d->nfields;
	if ((d->dc = calloc(d->ndc, sizeof(*d->dc))) == NULL)
		goto oom;
	for (i = 0; i < d->ntypes; i++) {
		c = &d->dc[i];
		c->kind = DC_GROUP;
		if ((c->name = group_column(d->types[i].name)) == NULL ||
		    (c->header = type_header(c->name)) == NULL)
			goto oom;
		if (!tmpl)
			continue;
		if ((rc = db_dir_names(db, UIMP_DIR_GROUP, d->types[i].id,
		    &c->list, &c->nlist, e)) != UIMP_OK)
			goto fail;
		if (group_rule(&d->types[i], c) != UIMP_OK)
			goto oom;
	}
	c = &d->dc[DC_LABELS_AT(d)];
	c->kind = DC_LABELS;
	if ((c->name = strdup("labels")) == NULL ||
	    (c->header = strdup("Labels")) == NULL)
		goto oom;
	if (tmpl) {
		if ((rc = db_dir_names(db, UIMP_DIR_LABEL, 0, &labels,
		    &nlabels, e)) != UIMP_OK)
			goto fail;
		if (labels_rule(labels, nlabels, c) != UIMP_OK)
			goto oom;
	}
	for (i = 0; i < d->nfields; i++) {
		c = &d->dc[d->ntypes + 1 + i];
		c->kind = DC_FIELD;
		c->type = d->fields[i].type;
		if ((c->name = strdup(d->fields[i].name)) == NULL ||
		    (c->header = strdup(d->fields[i].name)) == NULL ||
		    (tmpl && field_rule(&d->fields[i], c) != UIMP_OK))
			goto oom;
	}
	dir_free_names(labels, nlabels);
	return UIMP_OK;
oom:
	rc = nomem(e);
fail:
	dir_free_names(labels, nlabels);
	dir_release(d);
	return rc;
}

/* The header of column code f (a field, or dc[f - UIMP_F_COUNT]). */
static void
col_header(const struct out *o, int f, char *h, size_t hsz)
{
	if (f >= UIMP_F_COUNT)
		snprintf(h, hsz, "%s", o->dc[f - UIMP_F_COUNT].header);
	else
		uimp_field_header(f, h, hsz);
}

/*
 * The name of the column nearest to tok, for "did you mean": a field's
 * (uimp_field_nearest()) or the directory's, within 2 edits; or NULL.
 */
static const char *
nearest(const char *tok, const struct dir *d)
{
	const char *best = uimp_field_nearest(tok);
	char t[256], k[256];
	size_t i;
	int dist, bestd = 3;

	uimp_header_normalize(tok, t, sizeof(t));
	if (best != NULL) {
		uimp_header_normalize(best, k, sizeof(k));
		bestd = edit_distance(t, k);
	}
	for (i = 0; i < d->ndc; i++) {
		uimp_header_normalize(d->dc[i].name, k, sizeof(k));
		if ((dist = edit_distance(t, k)) < bestd) {
			bestd = dist;
			best = d->dc[i].name;
		}
	}
	return best;
}

/*
 * Resolve the comma-separated column names of list (fields by name or
 * alias, then the directory's names, compared as import compares
 * headers) into *fields (n codes, a new array freed by the caller).
 */
static int
parse_columns(const char *list, const struct dir *d, int **fields,
    size_t *n, struct uimp_err *e)
{
	char *copy, *tok, *save, *end, h[256], k[256];
	const char *near;
	size_t i, cap = 0;
	int f, rc = UIMP_OK, *nf;

	*fields = NULL;
	*n = 0;
	if ((copy = strdup(list)) == NULL)
		return nomem(e);
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		for (end = tok + strlen(tok); end > tok && end[-1] == ' ';)
			*--end = '\0';
		if ((f = uimp_field_lookup(tok, NULL)) < 0) {
			uimp_header_normalize(tok, h, sizeof(h));
			for (i = 0; i < d->ndc && f < 0; i++) {
				uimp_header_normalize(d->dc[i].name, k,
				    sizeof(k));
				if (*h && strcmp(h, k) == 0)
					f = UIMP_F_COUNT + (int)i;
			}
		}
		if (f < 0) {
			near = nearest(tok, d);
			rc = near ? uimp_err_set(e, UIMP_EINVAL, 0, NULL,
			    "--columns: no column '%s' (did you mean '%s'?)",
			    tok, near) : uimp_err_set(e, UIMP_EINVAL, 0, NULL,
			    "--columns: no column '%s': userimp-fields(5) "
			    "lists the fields, 'userimp groups types', "
			    "'userimp fields' the store's", tok);
			goto out;
		}
		for (i = 0; i < *n; i++)
			if ((*fields)[i] == f) {
				rc = uimp_err_set(e, UIMP_EINVAL, 0, NULL,
				    "--columns: '%s' twice", tok);
				goto out;
			}
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((nf = reallocarray(*fields, cap,
			    sizeof(*nf))) == NULL) {
				rc = nomem(e);
				goto out;
			}
			*fields = nf;
		}
		(*fields)[(*n)++] = f;
	}
	if (*n == 0)
		rc = uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--columns: no "
		    "column named");
out:
	free(copy);
	if (rc != UIMP_OK) {
		free(*fields);
		*fields = NULL;
		*n = 0;
	}
	return rc;
}

/*
 * The default columns: the fields of uimp_export_fields(), with the
 * directory's before created_at; *fields a new array.
 */
static int
default_columns(const struct dir *d, int hashes, int **fields, size_t *n,
    struct uimp_err *e)
{
	int base[UIMP_F_COUNT];
	size_t i, k, nb;

	nb = uimp_export_fields(base, hashes);
	if ((*fields = calloc(nb + d->ndc, sizeof(**fields))) == NULL)
		return nomem(e);
	for (i = k = 0; i < nb; i++) {
		if (base[i] == UIMP_F_CREATED_AT)
			for (; k < d->ndc; k++)
				(*fields)[i + k] = UIMP_F_COUNT + (int)k;
		(*fields)[i + k] = base[i];
	}
	for (; k < d->ndc; k++)
		(*fields)[i + k] = UIMP_F_COUNT + (int)k;
	*n = nb + d->ndc;
	return UIMP_OK;
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
	/* a write(2) each 64 KiB, not each 4 KiB; stdio's buffer if none */
	if ((o->fbuf = malloc(OUT_BUF)) != NULL &&
	    setvbuf(o->f, o->fbuf, _IOFBF, OUT_BUF) != 0) {
		free(o->fbuf);
		o->fbuf = NULL;
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
	free(o->fbuf);
	o->fbuf = NULL;
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
	free(o->fbuf);
	o->fbuf = NULL;
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

/*
 * Add value v to line b as a CSV field, after a comma unless it is the
 * first (first != 0): quoted when it holds a comma, a quote or a line
 * break, each quote doubled; a leading ' before what a spreadsheet would
 * take for a formula (import takes one away again).  One scan finds the
 * length and whether to quote; the room is made once.
 */
static int
csv_add(struct buf *b, const char *v, int first)
{
	size_t n = strcspn(v, ",\"\r\n"), len = n;
	int quote = v[n] != '\0';
	const char *s, *q;
	char *p;

	if (quote)
		len += strlen(v + n);
	/* at most: a comma, the quotes, a ', every byte a doubled quote */
	if (buf_grow(b, 2 * len + 4))
		return UIMP_ENOMEM;
	p = b->s + b->len;
	if (!first)
		*p++ = ',';
	if (quote)
		*p++ = '"';
	if (formula_like(v) || (v[0] == '\'' && formula_like(v + 1)))
		*p++ = '\'';
	if (!quote) {
		memcpy(p, v, len);
		p += len;
	} else {
		/* runs of the value, a quote doubled at the end of each */
		for (s = v; (q = strchr(s, '"')) != NULL; s = q + 1) {
			memcpy(p, s, (size_t)(q - s) + 1);
			p += q - s + 1;
			*p++ = '"';
		}
		len = strlen(s);
		memcpy(p, s, len);
		p += len;
		*p++ = '"';
	}
	*p = '\0';
	b->len = (size_t)(p - b->s);
	return UIMP_OK;
}

/* Write one CSV record of values (NULL: empty) with CRLF. */
static int
csv_record(struct out *o, const char *const *v, struct uimp_err *e)
{
	size_t i;

	buf_reset(&o->line);
	for (i = 0; i < o->nfields; i++)
		if (csv_add(&o->line, v[i] ? v[i] : "", i == 0))
			return nomem(e);
	if (buf_add(&o->line, "\r\n", 2))
		return nomem(e);
	if (fwrite(o->line.s, 1, o->line.len, o->f) != o->line.len)
		return uimp_err_set(e, UIMP_EWRITE, errno, NULL, "cannot write");
	return UIMP_OK;
}

/* The header row: each column's header as the template writes it. */
static int
csv_header(struct out *o, struct uimp_err *e)
{
	const char **v;
	char *h;
	size_t i;
	int rc;

	if ((v = calloc(o->nfields ? o->nfields : 1, sizeof(*v))) == NULL ||
	    (h = calloc(o->nfields ? o->nfields : 1, HEADER_SZ)) == NULL) {
		free(v);
		return nomem(e);
	}
	for (i = 0; i < o->nfields; i++) {
		col_header(o, o->fields[i], h + i * HEADER_SZ, HEADER_SZ);
		v[i] = h + i * HEADER_SZ;
	}
	rc = csv_record(o, v, e);
	free(h);
	free(v);
	return rc;
}

/* JSON */

/* Whether s is a number as JSON writes one: -?(0|[1-9]d*)(.d+)? */
static int
json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		s += strspn(s, "0123456789");
	else
		return 0;
	if (*s == '.') {
		if (!(s[1] >= '0' && s[1] <= '9'))
			return 0;
		s += 1 + strspn(s + 1, "0123456789");
	}
	return *s == '\0';
}

/*
 * One user as a JSON object: fields by name, the directory's columns by
 * the type's, "labels" or the custom field's name (dv[i] for dc[i]);
 * integers, custom numbers and flags as JSON numbers.
 */
static int
json_object(struct out *o, const struct user *u, const char *const *dv,
    struct uimp_err *e)
{
	const struct dircol *c;
	const char *v, *name;
	size_t i;
	int f, num;

	buf_reset(&o->line);
	if (o->format == UIMP_EXPORT_JSON &&
	    buf_adds(&o->line, o->rows ? ",\n  " : "\n  "))
		return nomem(e);
	if (buf_addc(&o->line, '{'))
		return nomem(e);
	for (i = 0; i < o->nfields; i++) {
		f = o->fields[i];
		if (f >= UIMP_F_COUNT) {
			c = &o->dc[f - UIMP_F_COUNT];
			v = dv[f - UIMP_F_COUNT];
			name = c->name;
			num = c->kind == DC_FIELD && (c->type == DIR_NUMBER ||
			    c->type == DIR_BOOL) && v && json_number(v);
		} else {
			v = u->v[f];
			name = uimp_field_info(f)->name;
			num = uimp_field_info(f)->flags & UIMP_FIELD_INTEGER;
		}
		if ((i > 0 && buf_adds(&o->line, ", ")) ||
		    buf_add_json(&o->line, name, strlen(name)) ||
		    buf_adds(&o->line, ": "))
			return nomem(e);
		if (v == NULL ? buf_adds(&o->line, "null") : num ?
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

/* What writing each user needs: the directory's lookups and values. */
struct each {
	struct out		*o;
	struct uimp_err		*e;
	struct uimp_db		*db;
	const struct dir	*d;
	struct dir_lookup	*look;
	int			 groups, labels, values;	/* wanted */
	const char		**v;		/* a CSV record, nfields */
	const char		**dv;		/* dc's values, d->ndc */
	char			**gnames;	/* d->ntypes */
	char			**vals;		/* d->nfields */
	struct buf		 lab;
};

/* Free the values of the last user. */
static void
each_clear(struct each *ea)
{
	size_t i;

	for (i = 0; ea->gnames && i < ea->d->ntypes; i++) {
		free(ea->gnames[i]);
		ea->gnames[i] = NULL;
	}
	for (i = 0; ea->vals && i < ea->d->nfields; i++) {
		free(ea->vals[i]);
		ea->vals[i] = NULL;
	}
}

/*
 * Look up user u's groups, labels and custom values, those the columns
 * want, into ea->dv: three indexed queries a user at most.
 */
static int
each_dir(struct each *ea, const struct user *u)
{
	const struct dir *d = ea->d;
	size_t i;
	int rc;

	if (ea->groups && (rc = db_user_group_names(ea->look, u->id,
	    d->types, d->ntypes, ea->gnames, ea->e)) != UIMP_OK)
		return rc;
	if (ea->labels && (rc = db_user_label_names(ea->look, u->id,
	    &ea->lab, ea->e)) != UIMP_OK)
		return rc;
	if (ea->values && (rc = db_user_values(ea->db, u->id, d->fields,
	    d->nfields, ea->vals, ea->e)) != UIMP_OK)
		return rc;
	for (i = 0; i < d->ntypes; i++)
		ea->dv[i] = ea->gnames[i];
	ea->dv[DC_LABELS_AT(d)] = ea->labels && ea->lab.len > 0 ?
	    ea->lab.s : NULL;
	for (i = 0; i < d->nfields; i++)
		ea->dv[d->ntypes + 1 + i] = ea->vals[i];
	return UIMP_OK;
}

/* Write user u in the output's format: db_users_each()'s callback. */
static int
write_user(const struct user *u, void *arg)
{
	struct each *ea = arg;
	struct out *o = ea->o;
	size_t i;
	int rc, f;

	if ((rc = each_dir(ea, u)) != UIMP_OK)
		goto out;
	switch (o->format) {
	case UIMP_EXPORT_CSV:
		for (i = 0; i < o->nfields; i++) {
			f = o->fields[i];
			ea->v[i] = f >= UIMP_F_COUNT ?
			    ea->dv[f - UIMP_F_COUNT] : u->v[f];
		}
		rc = csv_record(o, ea->v, ea->e);
		break;
	case UIMP_EXPORT_XLSX:
		rc = xlsx_export_row(o->x, u, ea->dv, ea->e);
		break;
	default:
		rc = json_object(o, u, ea->dv, ea->e);
	}
	if (rc == UIMP_OK)
		o->rows++;
out:
	each_clear(ea);
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

/* The options other than the columns. */
static int
check_opts(const struct uimp_export_opts *eo, struct uimp_err *e)
{
	if ((eo->flags & UIMP_EXPORT_BOM) && eo->format != UIMP_EXPORT_CSV)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--bom is for "
		    "CSV only");
	if (eo->status && strcmp(eo->status, "active") != 0 &&
	    strcmp(eo->status, "blocked") != 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--status '%s': "
		    "expected active or blocked", eo->status);
	if (eo->since && check_since(eo->since, e) != UIMP_OK)
		return UIMP_EINVAL;
	return UIMP_OK;
}

/* The columns fields[0..n): fields, or ndc columns of the directory. */
static int
check_columns(const struct uimp_export_opts *eo, const int *fields, size_t n,
    size_t ndc, struct uimp_err *e)
{
	size_t i;

	if (n == 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "no columns to "
		    "export");
	for (i = 0; i < n; i++) {
		if (fields[i] < 0 || (size_t)fields[i] >= UIMP_F_COUNT + ndc)
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

/*
 * Get ea ready for the users: the lookups and room for the values of
 * the directory's columns among o's, only those the columns want.
 */
static int
each_init(struct each *ea, struct uimp_db *db, struct out *o,
    const struct dir *d, struct uimp_err *e)
{
	size_t i, k;
	int rc, g = 1, l = 1, v = 1;

	memset(ea, 0, sizeof(*ea));
	ea->o = o;
	ea->e = e;
	ea->db = db;
	ea->d = d;
	for (i = 0; i < o->nfields; i++) {
		if (o->fields[i] < UIMP_F_COUNT)
			continue;
		k = (size_t)(o->fields[i] - UIMP_F_COUNT);
		if (k < d->ntypes)
			ea->groups = 1;
		else if (k == DC_LABELS_AT(d))
			ea->labels = 1;
		else
			ea->values = 1;
	}
	/* a store whose users have none of them asks nothing of each user */
	if ((ea->groups || ea->labels || ea->values) &&
	    (rc = db_dir_used(db, &g, &l, &v, e)) != UIMP_OK)
		return rc;
	ea->groups &= g;
	ea->labels &= l;
	ea->values &= v;
	if ((ea->v = calloc(o->nfields + 1, sizeof(*ea->v))) == NULL ||
	    (ea->dv = calloc(d->ndc + 1, sizeof(*ea->dv))) == NULL ||
	    (ea->gnames = calloc(d->ntypes + 1, sizeof(*ea->gnames))) ==
	    NULL ||
	    (ea->vals = calloc(d->nfields + 1, sizeof(*ea->vals))) == NULL)
		return nomem(e);
	if ((ea->groups || ea->labels) &&
	    (rc = db_dir_lookup_new(db, &ea->look, e)) != UIMP_OK)
		return rc;
	return UIMP_OK;
}

/* Free what each_init() made. */
static void
each_release(struct each *ea)
{
	if (ea->d)
		each_clear(ea);
	db_dir_lookup_free(ea->look);
	buf_release(&ea->lab);
	free(ea->v);
	free(ea->dv);
	free(ea->gnames);
	free(ea->vals);
	memset(ea, 0, sizeof(*ea));
}

int
uimp_export(const char *dbpath, int wait_s, const char *path,
    const struct uimp_export_opts *eo, unsigned long *count,
    struct uimp_err *e)
{
	struct uimp_db *db = NULL;
	struct user_filter flt;
	struct each ea;
	struct dir d;
	struct out o;
	int *fields = NULL;
	const int *cols = eo->fields;
	size_t n = eo->nfields;
	int rc, hashes = !!(eo->flags & UIMP_EXPORT_HASHES);

	*count = 0;
	memset(&d, 0, sizeof(d));
	memset(&ea, 0, sizeof(ea));
	if ((rc = check_opts(eo, e)) != UIMP_OK)
		return rc;
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	/* one snapshot: the directory's names, then the users */
	if ((rc = db_read_begin(db, e)) != UIMP_OK ||
	    (rc = dir_load(db, 0, &d, e)) != UIMP_OK)
		goto out;
	if (eo->columns != NULL)
		rc = parse_columns(eo->columns, &d, &fields, &n, e);
	else if (cols == NULL)
		rc = default_columns(&d, hashes, &fields, &n, e);
	if (rc != UIMP_OK)
		goto out;
	if (fields != NULL)
		cols = fields;
	if ((rc = check_columns(eo, cols, n, d.ndc, e)) != UIMP_OK)
		goto out;
	if ((rc = out_open(&o, path, eo->format, hashes,
	    !!(eo->flags & UIMP_EXPORT_FORCE), e)) != UIMP_OK)
		goto out;
	o.fields = cols;
	o.nfields = n;
	o.dc = d.dc;
	if ((rc = each_init(&ea, db, &o, &d, e)) != UIMP_OK)
		goto fail;
	if (eo->format == UIMP_EXPORT_XLSX)
		rc = xlsx_export_open(&o.x, o.path, cols, n, d.dc, e);
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
	each_release(&ea);
	dir_release(&d);
	free(fields);
	db_read_end(db);
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
	struct dir d;
	struct out o;
	int *fields = NULL, f, rc;
	size_t i, n = 0;

	memset(&d, 0, sizeof(d));
	if (format != UIMP_EXPORT_XLSX && format != UIMP_EXPORT_CSV)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "a template is "
		    "xlsx or CSV");
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	if ((rc = uimp_db_policy(db, &pol, &cost, e)) == UIMP_OK &&
	    (rc = db_read_begin(db, e)) == UIMP_OK) {
		/* the groups of each type as one snapshot */
		rc = dir_load(db, format == UIMP_EXPORT_XLSX, &d, e);
		db_read_end(db);
	}
	uimp_db_close(db);
	if (rc != UIMP_OK)
		return rc;
	if ((fields = calloc(UIMP_F_COUNT + d.ndc, sizeof(*fields))) == NULL) {
		rc = nomem(e);
		goto out;
	}
	for (f = 0; f < UIMP_F_COUNT; f++)
		if (!(uimp_field_info(f)->flags & UIMP_FIELD_EXPORT_ONLY))
			fields[n++] = f;
	for (i = 0; i < d.ndc; i++)
		fields[n++] = UIMP_F_COUNT + (int)i;
	if ((rc = out_open(&o, path, format, 0, force, e)) != UIMP_OK)
		goto out;
	o.fields = fields;
	o.nfields = n;
	o.dc = d.dc;
	if (format == UIMP_EXPORT_XLSX)
		rc = xlsx_template_write(o.path, &pol, d.dc, d.ndc, e);
	else
		rc = csv_header(&o, e);
	if (rc != UIMP_OK) {
		out_abort(&o);
		goto out;
	}
	rc = out_close(&o, path, e);
out:
	dir_release(&d);
	free(fields);
	return rc;
}

int
uimp_template_columns(const char *dbpath, int wait_s, uimp_column_fn fn,
    void *arg, struct uimp_err *e)
{
	const struct uimp_field_info *fi;
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_column c;
	struct uimp_db *db = NULL;
	struct dir d;
	char h[HEADER_SZ], rule[1024];
	size_t i;
	int f, rc;

	memset(&d, 0, sizeof(d));
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	if ((rc = uimp_db_policy(db, &pol, &cost, e)) == UIMP_OK &&
	    (rc = db_read_begin(db, e)) == UIMP_OK) {
		rc = dir_load(db, 1, &d, e);
		db_read_end(db);
	}
	uimp_db_close(db);
	if (rc != UIMP_OK)
		return rc;
	for (f = 0; f < UIMP_F_COUNT; f++) {
		fi = uimp_field_info(f);
		if (fi->flags & UIMP_FIELD_EXPORT_ONLY)
			continue;
		uimp_field_header(f, h, sizeof(h));
		uimp_field_rule(f, &pol, rule, sizeof(rule));
		c.header = h;
		c.name = fi->name;
		c.required = !!(fi->flags & UIMP_FIELD_REQUIRED);
		c.rule = rule;
		c.example = fi->example;
		if (fn(&c, arg) != 0)
			goto out;
	}
	for (i = 0; i < d.ndc; i++) {
		c.header = d.dc[i].header;
		c.name = d.dc[i].name;
		c.required = 0;
		c.rule = d.dc[i].rule;
		c.example = d.dc[i].example;
		if (fn(&c, arg) != 0)
			break;
	}
out:
	dir_release(&d);
	return UIMP_OK;
}
