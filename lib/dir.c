/*
 * dir.c: the rules for the names of group types, groups, labels and
 * custom fields, and the import of a list of groups from a file.  The SQL
 * stays in db.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const char *const field_types[] = {
	[DIR_TEXT] = "text", [DIR_NUMBER] = "number", [DIR_DATE] = "date",
	[DIR_BOOL] = "bool"
};

int
dir_field_type(const char *s)
{
	int t;

	for (t = DIR_TEXT; s && t <= DIR_BOOL; t++)
		if (strcmp(s, field_types[t]) == 0)
			return t;
	return -1;
}

const char *
dir_field_type_name(int t)
{
	return t >= DIR_TEXT && t <= DIR_BOOL ? field_types[t] : "text";
}

/* Whether c is white space that a name is trimmed of. */
static int
trim_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The name of a column: a group type or a custom field. */
static int
column_name_check(const char *s, size_t n, char *msg, size_t msgsz)
{
	static const char *const ends[] = { "_id", " id", "-id", ".id" };
	size_t i;
	int alnum = 0, c;

	if (n == 0 || n > DIR_COLUMN_MAX) {
		snprintf(msg, msgsz, "expected 1-%d characters",
		    DIR_COLUMN_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			alnum = 1;
		else if (c != ' ' && c != '_' && c != '-' && c != '.') {
			snprintf(msg, msgsz, "expected letters A-Z a-z, "
			    "digits, space, '_', '-' and '.' only");
			return -1;
		}
	}
	if (!alnum) {
		snprintf(msg, msgsz, "expected a letter or a digit");
		return -1;
	}
	for (i = 0; n >= 3 && i < sizeof(ends) / sizeof(ends[0]); i++)
		if (strncasecmp(s + n - 3, ends[i], 3) == 0) {
			snprintf(msg, msgsz, "must not end in '_id': a column "
			    "TYPE_id names the group of type TYPE by its id");
			return -1;
		}
	return 0;
}

/* The name of a group or a label. */
static int
entry_name_check(int kind, const char *s, size_t n, char *msg,
    size_t msgsz)
{
	unsigned long cp;
	size_t i, k;
	long chars = 0;

	for (i = 0; i < n; i += k, chars++) {
		if ((k = utf8_decode((const unsigned char *)s + i, n - i,
		    &cp)) == 0) {
			snprintf(msg, msgsz, "not valid UTF-8");
			return -1;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			snprintf(msg, msgsz, "control characters are not "
			    "allowed");
			return -1;
		}
		if (cp == ':' && kind == UIMP_DIR_LABEL) {
			snprintf(msg, msgsz, "':' is not allowed: it separates "
			    "labels in a cell");
			return -1;
		}
	}
	if (chars == 0 || chars > DIR_NAME_MAX) {
		snprintf(msg, msgsz, "expected 1-%d characters", DIR_NAME_MAX);
		return -1;
	}
	return 0;
}

int
dir_name_check(int kind, const char *in, size_t len, char *out,
    size_t outsz, char *msg, size_t msgsz)
{
	int rc;

	while (len > 0 && trim_space((unsigned char)*in)) {
		in++;
		len--;
	}
	while (len > 0 && trim_space((unsigned char)in[len - 1]))
		len--;
	if (kind == UIMP_DIR_TYPE || kind == UIMP_DIR_FIELD)
		rc = column_name_check(in, len, msg, msgsz);
	else
		rc = entry_name_check(kind, in, len, msg, msgsz);
	if (rc != 0)
		return rc;
	if (len >= outsz) {
		snprintf(msg, msgsz, "too long");
		return -1;
	}
	memcpy(out, in, len);
	out[len] = '\0';
	return 0;
}

/*
 * How a new column named norm (normalized) of kind clashes with the
 * existing entry name of kind other: 0 not, 1 the same column, 2 the
 * column TYPE_id of that type, 3 it is the new type's TYPE_id.
 */
static int
clash(const char *norm, int kind, const char *name, int other)
{
	char n[256];
	size_t a = strlen(norm), b;

	uimp_header_normalize(name, n, sizeof(n));
	b = strlen(n);
	if (strcmp(norm, n) == 0)
		return 1;
	if (other == UIMP_DIR_TYPE && a == b + 2 && strncmp(norm, n, b) == 0 &&
	    strcmp(norm + b, "id") == 0)
		return 2;
	if (kind == UIMP_DIR_TYPE && b == a + 2 && strncmp(n, norm, a) == 0 &&
	    strcmp(n + a, "id") == 0)
		return 3;
	return 0;
}

int
dir_name_free(struct uimp_db *db, int kind, const char *name,
    struct uimp_err *e)
{
	static const char *const what[] = {
		[UIMP_DIR_TYPE] = "group type",
		[UIMP_DIR_FIELD] = "custom field"
	};
	struct dir_type *t = NULL;
	struct dir_field *fl = NULL;
	const char *canon, *hit = NULL;
	char norm[256], q[64], h[64];
	size_t nt = 0, nf = 0, i;
	int f, rc, other = kind, how = 0;

	quote(q, sizeof(q), name, strlen(name));
	uimp_header_normalize(name, norm, sizeof(norm));
	if ((f = uimp_field_lookup(name, NULL)) >= 0) {
		canon = uimp_field_info(f)->name;
		/*
		 * A group type may share the name of a free-text field: the
		 * column keeps meaning the field, TYPE_id the group (a
		 * help-desk export's company_id).
		 */
		if (kind != UIMP_DIR_TYPE || (f != UIMP_F_COMPANY &&
		    f != UIMP_F_TITLE && f != UIMP_F_DEPARTMENT) ||
		    strcasecmp(name, canon) != 0)
			return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "%s name "
			    "%s is the built-in column '%s' "
			    "(userimp-fields(5))", what[kind], q, canon);
	}
	if (strcmp(norm, "labels") == 0 || strcmp(norm, "labelsid") == 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "%s name %s is "
		    "the built-in column of labels", what[kind], q);
	if ((rc = db_dir_types(db, &t, &nt, e)) != UIMP_OK)
		return rc;
	if ((rc = db_dir_fields(db, &fl, &nf, e)) != UIMP_OK)
		goto out;
	for (i = 0; i < nt && hit == NULL; i++)
		if ((how = clash(norm, kind, t[i].name, UIMP_DIR_TYPE))) {
			hit = t[i].name;
			other = UIMP_DIR_TYPE;
		}
	for (i = 0; i < nf && hit == NULL; i++)
		if ((how = clash(norm, kind, fl[i].name, UIMP_DIR_FIELD))) {
			hit = fl[i].name;
			other = UIMP_DIR_FIELD;
		}
	if (hit)
		quote(h, sizeof(h), hit, strlen(hit));
	if (how == 1 && other == kind)
		rc = uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "%s %s exists "
		    "already", what[kind], h);
	else if (how == 1)
		rc = uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "%s name %s is "
		    "taken: %s %s has that column", what[kind], q,
		    what[other], h);
	else if (how == 2)
		rc = uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "%s name %s is "
		    "taken: it is the column of group type %s by id",
		    what[kind], q, h);
	else if (how == 3)
		rc = uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "%s name %s is "
		    "taken: its column by id is %s %s's", what[kind], q,
		    what[other], h);
out:
	dir_free_types(t, nt);
	dir_free_fields(fl, nf);
	return rc;
}

/* groups import */

/* A good row of the file: a group to make unless it is there. */
struct grow {
	long long	 tid;
	unsigned long	 row;
	char		*name;
};

struct gimp {
	const char		*file;
	uimp_finding_fn		 fn;
	void			*arg;
	int			 stop;
	struct dir_type		*types;
	size_t			 ntypes;
	struct grow		*rows;
	size_t			 nrows, cap;
	const char		*hdr[2];	/* type, name as spelt */
	size_t			 col[2];
};

/* Report one bad cell of row r. */
static void
gfinding(struct gimp *g, unsigned long row, int which, const char *code,
    const char *msg)
{
	struct uimp_finding f;

	memset(&f, 0, sizeof(f));
	f.file = g->file;
	f.row = row;
	f.column = g->hdr[which];
	f.field = which ? "name" : "type";
	f.severity = UIMP_SEV_ERROR;
	f.code = code;
	f.message = msg;
	if (g->fn && !g->stop)
		g->stop = g->fn(&f, g->arg);
}

/*
 * Find the columns type and name in the header row r; UIMP_EINPUT
 * naming the file when one is missing, repeated or unknown.
 */
static int
gheader(struct gimp *g, const struct uimp_row *r, struct uimp_err *e)
{
	static const char *const names[2][3] = {
		{ "type", "grouptype", NULL }, { "name", "group", "groupname" }
	};
	char h[256];
	size_t i;
	int which, k, seen[2] = { 0, 0 };

	for (i = 0; i < r->ncells; i++) {
		uimp_header_normalize(r->cells[i].text, h, sizeof(h));
		if (h[0] == '\0')
			continue;
		which = -1;
		for (k = 0; k < 3 && which < 0; k++) {
			if (names[0][k] && strcmp(h, names[0][k]) == 0)
				which = 0;
			else if (names[1][k] && strcmp(h, names[1][k]) == 0)
				which = 1;
		}
		if (which < 0)
			return uimp_err_set(e, UIMP_EINPUT, 0, g->file,
			    "unknown column '%.40s': expected type and name",
			    r->cells[i].text);
		if (seen[which]++)
			return uimp_err_set(e, UIMP_EINPUT, 0, g->file,
			    "column '%.40s' repeated", r->cells[i].text);
		g->hdr[which] = strdup(r->cells[i].text);
		if (g->hdr[which] == NULL)
			return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
			    uimp_strstatus(UIMP_ENOMEM));
		g->col[which] = i;
	}
	for (k = 0; k < 2; k++)
		if (!seen[k])
			return uimp_err_set(e, UIMP_EINPUT, 0, g->file, "no "
			    "column '%s': the file needs the columns type and "
			    "name", k ? "name" : "type");
	return UIMP_OK;
}

/* Check data row r; a good one joins g->rows.  Returns 0 or UIMP_ENOMEM. */
static int
grow_add(struct gimp *g, const struct uimp_row *r, unsigned long *bad)
{
	static const struct uimp_cell none = { UIMP_CELL_EMPTY, 0, "", 0 };
	const struct uimp_cell *c[2];
	struct grow *p;
	char msg[200], m2[160], clean[4 * DIR_NAME_MAX + 1], q[64];
	long long tid = 0;
	size_t i;
	int k, ok = 1;

	for (k = 0; k < 2; k++)
		c[k] = g->col[k] < r->ncells ? &r->cells[g->col[k]] : &none;
	for (k = 0; k < 2; k++) {
		if (c[k]->flags & (UIMP_CELL_BAD_UTF8 | UIMP_CELL_TOO_LONG) ||
		    c[k]->type == UIMP_CELL_ERROR) {
			gfinding(g, r->num, k, "format", c[k]->type ==
			    UIMP_CELL_ERROR ? "an error value, not a name" :
			    c[k]->flags & UIMP_CELL_BAD_UTF8 ?
			    "not valid UTF-8" : "longer than a cell may be");
			ok = 0;
			continue;
		}
		if (dir_name_check(k ? UIMP_DIR_GROUP : UIMP_DIR_TYPE,
		    c[k]->text, c[k]->len, clean, sizeof(clean), m2,
		    sizeof(m2)) != 0) {
			if (strspn(c[k]->text, " \t\r\n") == c[k]->len)
				gfinding(g, r->num, k, "empty",
				    "empty required field");
			else
				gfinding(g, r->num, k, "format", m2);
			ok = 0;
			continue;
		}
		if (k == 1)
			break;
		for (i = 0; i < g->ntypes && tid == 0; i++)
			if (strcasecmp(g->types[i].name, clean) == 0)
				tid = g->types[i].id;
		if (tid == 0) {
			quote(q, sizeof(q), clean, strlen(clean));
			snprintf(msg, sizeof(msg), "no such group type %s; "
			    "'userimp groups add-type' adds one", q);
			gfinding(g, r->num, 0, "no_such_group_type", msg);
			ok = 0;
		}
	}
	if (!ok) {
		(*bad)++;
		return UIMP_OK;
	}
	if (g->nrows == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		if ((p = reallocarray(g->rows, g->cap, sizeof(*p))) == NULL)
			return UIMP_ENOMEM;
		g->rows = p;
	}
	if ((g->rows[g->nrows].name = strdup(clean)) == NULL)
		return UIMP_ENOMEM;
	g->rows[g->nrows].tid = tid;
	g->rows[g->nrows++].row = r->num;
	return UIMP_OK;
}

/* Whether row r has no cell with text. */
static int
row_empty(const struct uimp_row *r)
{
	size_t i;

	for (i = 0; i < r->ncells; i++)
		if (r->cells[i].len > 0)
			return 0;
	return 1;
}

int
uimp_groups_import(const char *dbpath, int wait_s, const char *path,
    const struct uimp_read_opts *ro, uimp_finding_fn fn, void *arg,
    struct uimp_summary *sum, struct uimp_err *e)
{
	struct uimp_reader *r = NULL;
	struct uimp_db *db = NULL;
	const struct uimp_row *row;
	struct gimp g;
	long long id;
	size_t i;
	int rc, header = 0;

	memset(sum, 0, sizeof(*sum));
	memset(&g, 0, sizeof(g));
	g.file = path;
	g.fn = fn;
	g.arg = arg;
	if ((rc = uimp_reader_open(&r, path, ro, e)) != UIMP_OK)
		return rc;
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_CREATE, wait_s, e)))
		goto out;
	if ((rc = db_dir_types(db, &g.types, &g.ntypes, e)) != UIMP_OK)
		goto out;
	while ((rc = uimp_reader_next_row(r, &row, e)) == UIMP_OK && row) {
		if (row_empty(row))
			continue;
		if (!header) {
			if ((rc = gheader(&g, row, e)) != UIMP_OK)
				goto out;
			header = 1;
			continue;
		}
		sum->rows++;
		if (g.stop)
			continue;
		if ((rc = grow_add(&g, row, &sum->rejected)) != UIMP_OK) {
			rc = uimp_err_set(e, rc, 0, NULL, "%s",
			    uimp_strstatus(rc));
			goto out;
		}
	}
	if (rc != UIMP_OK)
		goto out;
	if (!header) {
		rc = uimp_err_set(e, UIMP_EINPUT, 0, path, "no header row: the "
		    "file needs the columns type and name");
		goto out;
	}
	if (sum->rejected || g.stop) {
		sum->aborted = 1;
		goto out;
	}
	if ((rc = db_begin(db, e)) != UIMP_OK)
		goto out;
	for (i = 0; i < g.nrows; i++) {
		if ((rc = db_group_find(db, g.rows[i].tid, g.rows[i].name, &id,
		    e)) != UIMP_OK)
			goto out;
		if (id) {
			sum->unchanged++;
			continue;
		}
		if ((rc = db_group_create(db, g.rows[i].tid, g.rows[i].name,
		    &id, e)) != UIMP_OK)
			goto out;
		sum->inserted++;
	}
	rc = db_commit(db, e);
out:
	if (rc != UIMP_OK) {
		sum->inserted = sum->unchanged = 0;
		if (db)
			db_rollback(db);
	}
	for (i = 0; i < g.nrows; i++)
		free(g.rows[i].name);
	free(g.rows);
	free((char *)g.hdr[0]);
	free((char *)g.hdr[1]);
	dir_free_types(g.types, g.ntypes);
	uimp_db_close(db);
	uimp_reader_close(r);
	return rc;
}
