/*
 * xlsx_write.c: the import template and the xlsx export, written with
 * libxlsxwriter (SPEC §8); the only file that counts rows from 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "internal.h"

#define LAST_ROW	1048575		/* row 1048576, from 0 */
#define HEADER_MAX	64		/* bytes of a header, NUL included */
#define RULE_MAX	512		/* bytes of a rule, NUL included */
#define LIST_MAX	255		/* characters of a literal list */
#define LISTS_SHEET	"Lists"		/* the hidden sheet of long lists */

#define FILL_REQUIRED	0xFCE4D6	/* light orange */
#define FILL_OPTIONAL	0xEDEDED	/* light grey */

/* The formats both workbooks use, owned by the workbook. */
struct styles {
	lxw_format	*required;	/* header of a required field */
	lxw_format	*optional;	/* header of any other field */
	lxw_format	*text;		/* "@": cells stay text */
	lxw_format	*date;		/* created_at, updated_at */
	lxw_format	*day;		/* a custom date: yyyy-mm-dd */
	lxw_format	*wrap;		/* Instructions rows */
};

struct xlsx_out {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	struct styles	 st;
	int		*fields;
	size_t		 n;
	size_t		 ndc;		/* the directory's columns, by the
					 * code UIMP_F_COUNT + i: */
	int		*dctype;	/* a custom field's type, else -1 */
	char		**dchead;	/* the header, for messages */
	lxw_row_t	 row;		/* the next row to write, from 0 */
	char		*path;
	int		 failed;	/* a row failed: close writes nothing */
	struct uimp_err	 err;		/* what failed */
};

/*
 * Translate a libxlsxwriter error: its text without the capital and the
 * final period (STYLE §4), after what names the step.
 */
int
xlsx_fail(struct uimp_err *e, const char *path, int rc, const char *what)
{
	char msg[160];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", lxw_strerror(rc));
	n = strlen(msg);
	if (n > 0 && msg[n - 1] == '.')
		msg[n - 1] = '\0';
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	return uimp_err_set(e, rc == LXW_ERROR_MEMORY_MALLOC_FAILED ?
	    UIMP_ENOMEM : UIMP_EWRITE, 0, path, "%s: %s", what, msg);
}

/* Whether field f is a column whose digits matter: kept as text. */
static int
is_text_column(int f)
{
	switch (f) {
	case UIMP_F_USERNAME:
	case UIMP_F_PASSWORD:
	case UIMP_F_WHATSAPP:
	case UIMP_F_WORK_PHONE:
	case UIMP_F_MOBILE_PHONE:
	case UIMP_F_FAX:
		return 1;
	}
	return 0;
}

/* The width of a column headed h, at least w characters. */
static double
header_width(const char *h, double w)
{
	double hw;

	/* bold headers are wider than their count of characters */
	hw = (double)strlen(h) * 1.15 + 3;
	return hw > w ? hw : w;
}

/* The width of field f's column, in characters. */
static double
column_width(int f)
{
	char h[HEADER_MAX];
	double w;

	switch (f) {
	case UIMP_F_EMAIL:
	case UIMP_F_WEBSITE:
		w = 32;
		break;
	case UIMP_F_ABOUT_ME:
	case UIMP_F_ADDRESS:
		w = 45;
		break;
	case UIMP_F_PASSWORD:
	case UIMP_F_COMPANY:
	case UIMP_F_TITLE:
	case UIMP_F_DEPARTMENT:
	case UIMP_F_CREATED_AT:
	case UIMP_F_UPDATED_AT:
		w = 22;
		break;
	default:
		w = 16;
	}
	uimp_field_header(f, h, sizeof(h));
	return header_width(h, w);
}

/* The format of the column of d: text, a day, or none (NULL). */
static lxw_format *
dircol_format(const struct dircol *d, const struct styles *st)
{
	if (d->kind != DC_FIELD || d->type == DIR_TEXT)
		return st->text;
	return d->type == DIR_DATE ? st->day : NULL;
}

/*
 * Start a workbook at path, in constant-memory mode if asked, with its
 * temporary files in $TMPDIR and its creation time from SOURCE_DATE_EPOCH
 * (STYLE §13), and the formats of struct styles.
 */
static int
book_new(lxw_workbook **out, const char *path, int constant_memory,
    struct styles *st, struct uimp_err *e)
{
	lxw_workbook_options opt;
	lxw_doc_properties props;
	lxw_workbook *wb = NULL;
	lxw_error rc;
	const char *sde, *p;
	unsigned long long t;
	int status = 0;

	*out = NULL;
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
	opt.tmpdir = getenv("TMPDIR");
	if (opt.tmpdir != NULL && opt.tmpdir[0] == '\0')
		opt.tmpdir = NULL;
	if ((wb = workbook_new_opt(path, &opt)) == NULL) {
		status = uimp_err_set(e, UIMP_ENOMEM, 0, path,
		    "cannot start the workbook: out of memory");
		goto out;
	}

	sde = getenv("SOURCE_DATE_EPOCH");
	for (p = sde; p != NULL && *p >= '0' && *p <= '9'; p++)
		;
	if (sde != NULL && sde[0] != '\0' && *p == '\0') {
		t = strtoull(sde, NULL, 10);
		memset(&props, 0, sizeof(props));
		props.created = (time_t)t;
		if ((rc = workbook_set_properties(wb, &props)) !=
		    LXW_NO_ERROR) {
			status = xlsx_fail(e, path, rc,
			    "cannot set the document properties");
			goto out;
		}
	}

	if ((st->required = workbook_add_format(wb)) == NULL ||
	    (st->optional = workbook_add_format(wb)) == NULL ||
	    (st->text = workbook_add_format(wb)) == NULL ||
	    (st->date = workbook_add_format(wb)) == NULL ||
	    (st->day = workbook_add_format(wb)) == NULL ||
	    (st->wrap = workbook_add_format(wb)) == NULL) {
		status = uimp_err_set(e, UIMP_ENOMEM, 0, path,
		    "cannot add a cell format: out of memory");
		goto out;
	}
	format_set_bold(st->required);
	format_set_pattern(st->required, LXW_PATTERN_SOLID);
	format_set_bg_color(st->required, FILL_REQUIRED);
	format_set_bottom(st->required, LXW_BORDER_THIN);
	format_set_bold(st->optional);
	format_set_pattern(st->optional, LXW_PATTERN_SOLID);
	format_set_bg_color(st->optional, FILL_OPTIONAL);
	format_set_bottom(st->optional, LXW_BORDER_THIN);
	/* Excel's own Text format, the built-in 49 ("@") */
	format_set_num_format_index(st->text, 49);
	format_set_num_format(st->date, "yyyy-mm-dd hh:mm:ss");
	format_set_num_format(st->day, "yyyy-mm-dd");
	format_set_text_wrap(st->wrap);
	format_set_align(st->wrap, LXW_ALIGN_VERTICAL_TOP);
	*out = wb;
	wb = NULL;
out:
	if (wb != NULL)
		lxw_workbook_free(wb);
	return status;
}

/*
 * Add the sheet name to wb.  NULL comes from a failed allocation or, in
 * constant-memory mode, from a temporary file that could not be made.
 */
static int
book_sheet(lxw_workbook *wb, const char *name, lxw_worksheet **out,
    const char *path, struct uimp_err *e)
{
	if ((*out = workbook_add_worksheet(wb, name)) == NULL)
		return uimp_err_set(e, UIMP_EWRITE, 0, path, "cannot add the "
		    "sheet %s: out of memory or no temporary file in $TMPDIR",
		    name);
	return 0;
}

/*
 * The column formats and widths of fields[0..n) (codes from UIMP_F_COUNT
 * on: columns of dc), then the header row: both as the template and the
 * export write them.  Columns first, as constant-memory mode asks.
 */
static int
users_header(lxw_worksheet *ws, const struct styles *st, const int *fields,
    size_t n, const struct dircol *dc, const char *path, struct uimp_err *e)
{
	const struct dircol *d;
	char h[HEADER_MAX];
	lxw_col_t col;
	lxw_error rc;
	int f;

	for (col = 0; col < n; col++) {
		f = fields[col];
		if (f >= UIMP_F_COUNT) {
			d = &dc[f - UIMP_F_COUNT];
			rc = worksheet_set_column_opt(ws, col, col,
			    header_width(d->header, d->kind == DC_FIELD ? 16 :
			    22), dircol_format(d, st), NULL);
		} else
			rc = worksheet_set_column_opt(ws, col, col,
			    column_width(f), is_text_column(f) ? st->text :
			    NULL, NULL);
		if (rc != LXW_NO_ERROR)
			return xlsx_fail(e, path, rc, "cannot set a column");
	}
	for (col = 0; col < n; col++) {
		f = fields[col];
		if (f >= UIMP_F_COUNT)
			rc = worksheet_write_string(ws, 0, col,
			    dc[f - UIMP_F_COUNT].header, st->optional);
		else {
			uimp_field_header(f, h, sizeof(h));
			rc = worksheet_write_string(ws, 0, col, h,
			    uimp_field_info(f)->flags & UIMP_FIELD_REQUIRED ?
			    st->required : st->optional);
		}
		if (rc != LXW_NO_ERROR)
			return xlsx_fail(e, path, rc,
			    "cannot write the header");
	}
	worksheet_freeze_panes(ws, 1, 0);
	return 0;
}

/*
 * The note on the header cell of column col: "Required. " when required,
 * the rule with a final period, and the example when there is one.
 */
static int
write_note(lxw_worksheet *ws, lxw_col_t col, const char *rule, int required,
    const char *example, const char *path, struct uimp_err *e)
{
	lxw_comment_options co;
	lxw_error rc;
	size_t n = strlen(rule);
	char *note;
	int status = 0;

	if ((note = malloc(n + strlen(example) + 32)) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, path, "out of memory");
	sprintf(note, "%s%s%s%s%s", required ? "Required. " : "", rule,
	    n > 0 && rule[n - 1] == '.' ? "" : ".", *example ?
	    "\nExample: " : "", example);
	memset(&co, 0, sizeof(co));
	co.width = 320;
	co.height = 120;
	co.author = "userimp";
	if ((rc = worksheet_write_comment_opt(ws, 0, col, note, &co)) !=
	    LXW_NO_ERROR)
		status = xlsx_fail(e, path, rc, "cannot write a header note");
	free(note);
	return status;
}

/* The note on field f's header cell: its rule and an example. */
static int
header_note(lxw_worksheet *ws, lxw_col_t col, int f,
    const struct uimp_policy *pol, const char *path, struct uimp_err *e)
{
	char rule[RULE_MAX];

	uimp_field_rule(f, pol, rule, sizeof(rule));
	return write_note(ws, col, rule, uimp_field_info(f)->flags &
	    UIMP_FIELD_REQUIRED, uimp_field_info(f)->example, path, e);
}

/* List or whole-number validation of field f's column, rows 2 and on. */
static int
column_validation(lxw_worksheet *ws, lxw_col_t col, int f,
    const char *path, struct uimp_err *e)
{
	lxw_data_validation dv;
	const char *const *values;
	char msg[128];
	size_t i, n;
	lxw_error rc;

	memset(&dv, 0, sizeof(dv));
	if ((values = uimp_field_values(f)) != NULL) {
		n = (size_t)snprintf(msg, sizeof(msg), "one of:");
		for (i = 0; values[i] != NULL && n < sizeof(msg); i++)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s %s",
			    i > 0 ? "," : "", values[i]);
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		/* libxlsxwriter copies the list and never writes to it */
		dv.value_list = (char **)values;
	} else if (f == UIMP_F_CONTACT_NO) {
		snprintf(msg, sizeof(msg), "a whole number from 1 to 10000");
		dv.validate = LXW_VALIDATION_TYPE_INTEGER;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_number = 1;
		dv.maximum_number = 10000;
	} else
		return 0;
	dv.error_title = "Invalid value";
	dv.error_message = msg;
	if ((rc = worksheet_data_validation_range(ws, 1, col, LAST_ROW, col,
	    &dv)) != LXW_NO_ERROR)
		return xlsx_fail(e, path, rc, "cannot add a validation");
	return 0;
}

/*
 * Whether the values v[0..n) fit a literal list validation: Excel takes
 * at most 255 characters, commas included (libxlsxwriter refuses more),
 * and has no way to quote a ',' or a '"' inside a value.
 */
static int
list_is_literal(char *const *v, size_t n)
{
	const unsigned char *p;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (strpbrk(v[i], ",\"") != NULL)
			return 0;
		if (i > 0)
			len++;		/* the comma */
		/* characters: the bytes that start one */
		for (p = (const unsigned char *)v[i]; *p; p++)
			if ((*p & 0xc0) != 0x80)
				len++;
		if (len > LIST_MAX)
			return 0;
	}
	return 1;
}

/* The hidden sheet Lists, made when a first list needs it. */
struct lists {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_col_t	 next;		/* its next free column */
};

/*
 * Write v[0..n) into the next column of the sheet Lists (made and hidden
 * the first time) and the absolute reference to them into ref.
 */
static int
lists_add(struct lists *l, char *const *v, size_t n, char *ref,
    size_t refsz, const char *path, struct uimp_err *e)
{
	char range[LXW_MAX_CELL_RANGE_LENGTH];
	lxw_error rc = LXW_NO_ERROR;
	size_t i;
	int status;

	if (l->ws == NULL) {
		if ((status = book_sheet(l->wb, LISTS_SHEET, &l->ws, path, e)))
			return status;
		worksheet_hide(l->ws);
	}
	if (l->next > LXW_COL_MAX - 1 || n > LAST_ROW + 1)
		return uimp_err_set(e, UIMP_EINVAL, 0, path, "a list of %zu "
		    "values: past the sheet's last row or column", n);
	for (i = 0; i < n && rc == LXW_NO_ERROR; i++)
		rc = worksheet_write_string(l->ws, (lxw_row_t)i, l->next, v[i],
		    NULL);
	if (rc != LXW_NO_ERROR)
		return xlsx_fail(e, path, rc, "cannot write the sheet "
		    LISTS_SHEET);
	lxw_rowcol_to_range_abs(range, 0, l->next, (lxw_row_t)(n - 1),
	    l->next);
	snprintf(ref, refsz, LISTS_SHEET "!%s", range);
	l->next++;
	return 0;
}

/*
 * The validation of a directory column d: its groups as a list (literal,
 * or a range of the sheet Lists), 0/1, a decimal number or a date by a
 * custom field's type; none on labels and text.
 */
static int
dircol_validation(lxw_worksheet *ws, lxw_col_t col, const struct dircol *d,
    struct lists *l, const char *path, struct uimp_err *e)
{
	static const char *const flag[] = { "0", "1", NULL };
	lxw_data_validation dv;
	char msg[256], ref[64 + LXW_MAX_CELL_RANGE_LENGTH];
	char **list = NULL;
	lxw_error rc;
	int status = 0;

	memset(&dv, 0, sizeof(dv));
	dv.error_title = "Invalid value";
	dv.error_message = msg;
	if (d->kind == DC_GROUP) {
		if (d->nlist == 0)
			return 0;	/* nothing to choose from yet */
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		/* a new name is no error: --create-groups makes it */
		dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
		dv.error_title = "Not an existing group";
		snprintf(msg, sizeof(msg), "Not a group of type %.50s: import "
		    "rejects it unless run with --create-groups.", d->name);
		if (list_is_literal(d->list, d->nlist)) {
			if ((list = calloc(d->nlist + 1, sizeof(*list))) ==
			    NULL)
				return uimp_err_set(e, UIMP_ENOMEM, 0, path,
				    "out of memory");
			memcpy(list, d->list, d->nlist * sizeof(*list));
			dv.value_list = list;
		} else {
			if ((status = lists_add(l, d->list, d->nlist, ref,
			    sizeof(ref), path, e)) != 0)
				return status;
			/*
			 * libxlsxwriter 1.1.4 copies the formula twice and
			 * frees one copy: a few bytes lost for each list,
			 * once in a run
			 */
			dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
			dv.value_formula = ref;
		}
	} else if (d->kind == DC_FIELD && d->type == DIR_BOOL) {
		snprintf(msg, sizeof(msg), "one of: 0, 1");
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		dv.value_list = (char **)flag;
	} else if (d->kind == DC_FIELD && d->type == DIR_NUMBER) {
		snprintf(msg, sizeof(msg), "a number, such as 42 or -3.5");
		dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_number = -1e15;
		dv.maximum_number = 1e15;
	} else if (d->kind == DC_FIELD && d->type == DIR_DATE) {
		snprintf(msg, sizeof(msg), "a date, YYYY-MM-DD");
		dv.validate = LXW_VALIDATION_TYPE_DATE;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_datetime.year = 1900;
		dv.minimum_datetime.month = 1;
		dv.minimum_datetime.day = 1;
		dv.maximum_datetime.year = 9999;
		dv.maximum_datetime.month = 12;
		dv.maximum_datetime.day = 31;
	} else
		return 0;
	if ((rc = worksheet_data_validation_range(ws, 1, col, LAST_ROW, col,
	    &dv)) != LXW_NO_ERROR)
		status = xlsx_fail(e, path, rc, "cannot add a validation");
	free(list);
	return status;
}

/* Write one Instructions row; 0 or the libxlsxwriter error. */
static lxw_error
instruction(lxw_worksheet *ws, const struct styles *st, lxw_row_t row,
    const char *h, int required, const char *rule, const char *example)
{
	lxw_error rc;

	if ((rc = worksheet_write_string(ws, row, 0, h, required ?
	    st->required : st->wrap)) == LXW_NO_ERROR &&
	    (rc = worksheet_write_string(ws, row, 1, required ? "yes" : "no",
	    st->wrap)) == LXW_NO_ERROR &&
	    (rc = worksheet_write_string(ws, row, 2, rule, st->wrap)) ==
	    LXW_NO_ERROR && *example)
		rc = worksheet_write_string(ws, row, 3, example, st->text);
	return rc;
}

/*
 * The Instructions sheet: a row per field of fields[0..n), then one per
 * column of dc[0..ndc).
 */
static int
instructions(lxw_worksheet *ws, const struct styles *st, const int *fields,
    size_t n, const struct dircol *dc, size_t ndc,
    const struct uimp_policy *pol, const char *path, struct uimp_err *e)
{
	static const char *const head[] = {
		"Column", "Required", "Rule", "Example"
	};
	static const double width[] = { 24, 10, 70, 32 };
	char h[HEADER_MAX], rule[RULE_MAX];
	const struct uimp_field_info *fi;
	lxw_col_t col;
	lxw_error rc = LXW_NO_ERROR;
	size_t i;

	for (col = 0; col < 4 && rc == LXW_NO_ERROR; col++)
		rc = worksheet_set_column_opt(ws, col, col, width[col],
		    st->wrap, NULL);
	for (col = 0; col < 4 && rc == LXW_NO_ERROR; col++)
		rc = worksheet_write_string(ws, 0, col, head[col],
		    st->optional);
	for (i = 0; i < n && rc == LXW_NO_ERROR; i++) {
		fi = uimp_field_info(fields[i]);
		uimp_field_header(fields[i], h, sizeof(h));
		uimp_field_rule(fields[i], pol, rule, sizeof(rule));
		rc = instruction(ws, st, (lxw_row_t)(i + 1), h,
		    fi->flags & UIMP_FIELD_REQUIRED, rule, fi->example);
	}
	for (i = 0; i < ndc && rc == LXW_NO_ERROR; i++)
		rc = instruction(ws, st, (lxw_row_t)(n + i + 1), dc[i].header,
		    0, dc[i].rule, dc[i].example);
	if (rc != LXW_NO_ERROR)
		return xlsx_fail(e, path, rc, "cannot write the instructions");
	worksheet_freeze_panes(ws, 1, 0);
	return 0;
}

int
xlsx_template_write(const char *path, const struct uimp_policy *pol,
    const struct dircol *dc, size_t ndc, struct uimp_err *e)
{
	lxw_workbook *wb = NULL;
	lxw_worksheet *users, *help;
	struct styles st;
	struct lists l;
	int *fields = NULL;
	size_t i, n = 0;
	lxw_error rc;
	int f, status;

	if (ndc > LXW_COL_MAX - UIMP_F_COUNT)
		return uimp_err_set(e, UIMP_EINVAL, 0, path, "%zu columns: "
		    "past the sheet's last column", ndc + UIMP_F_COUNT);
	if ((fields = calloc(UIMP_F_COUNT + ndc, sizeof(*fields))) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, path, "out of memory");
	for (f = 0; f < UIMP_F_COUNT; f++)
		if (!(uimp_field_info(f)->flags & UIMP_FIELD_EXPORT_ONLY))
			fields[n++] = f;
	for (i = 0; i < ndc; i++)
		fields[n + i] = UIMP_F_COUNT + (int)i;
	if ((status = book_new(&wb, path, 0, &st, e)) != 0 ||
	    (status = book_sheet(wb, "Users", &users, path, e)) != 0 ||
	    (status = book_sheet(wb, "Instructions", &help, path, e)) != 0 ||
	    (status = users_header(users, &st, fields, n + ndc, dc, path,
	    e)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((status = header_note(users, (lxw_col_t)i, fields[i], pol,
		    path, e)) != 0 ||
		    (status = column_validation(users, (lxw_col_t)i, fields[i],
		    path, e)) != 0)
			goto out;
	memset(&l, 0, sizeof(l));
	l.wb = wb;
	for (i = 0; i < ndc; i++)
		if ((status = write_note(users, (lxw_col_t)(n + i), dc[i].rule,
		    0, dc[i].example, path, e)) != 0 ||
		    (status = dircol_validation(users, (lxw_col_t)(n + i),
		    &dc[i], &l, path, e)) != 0)
			goto out;
	if ((status = instructions(help, &st, fields, n, dc, ndc, pol, path,
	    e)) != 0)
		goto out;
	rc = workbook_close(wb);
	wb = NULL;
	if (rc != LXW_NO_ERROR)
		status = xlsx_fail(e, path, rc, "cannot write the workbook");
out:
	if (wb != NULL)
		lxw_workbook_free(wb);
	free(fields);
	return status;
}

/* Free x and what it holds (not the workbook). */
static void
out_free(struct xlsx_out *x)
{
	size_t i;

	for (i = 0; x->dchead && i < x->ndc; i++)
		free(x->dchead[i]);
	free(x->dchead);
	free(x->dctype);
	free(x->path);
	free(x->fields);
	free(x);
}

int
xlsx_export_open(struct xlsx_out **out, const char *path, const int *fields,
    size_t n, const struct dircol *dc, struct uimp_err *e)
{
	struct xlsx_out *x;
	size_t i, ndc = 0;
	int status = 0;

	*out = NULL;
	if (n > LXW_COL_MAX)
		return uimp_err_set(e, UIMP_EINVAL, 0, path,
		    "%zu columns: past the sheet's last column", n);
	for (i = 0; i < n; i++) {
		if (fields[i] < 0 || (fields[i] >= UIMP_F_COUNT && dc == NULL))
			UIMP_BUG("no field %d", fields[i]);
		if (fields[i] >= UIMP_F_COUNT &&
		    (size_t)(fields[i] - UIMP_F_COUNT) >= ndc)
			ndc = (size_t)(fields[i] - UIMP_F_COUNT) + 1;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->fields = calloc(n ? n : 1, sizeof(*x->fields))) == NULL ||
	    (x->dctype = calloc(ndc ? ndc : 1, sizeof(*x->dctype))) == NULL ||
	    (x->dchead = calloc(ndc ? ndc : 1, sizeof(*x->dchead))) == NULL ||
	    (x->path = strdup(path)) == NULL)
		goto oom;
	x->ndc = ndc;
	for (i = 0; i < ndc; i++) {
		x->dctype[i] = dc[i].kind == DC_FIELD ? dc[i].type : -1;
		if ((x->dchead[i] = strdup(dc[i].header)) == NULL)
			goto oom;
	}
	memcpy(x->fields, fields, n * sizeof(*fields));
	x->n = n;
	x->row = 1;
	if ((status = book_new(&x->wb, path, 1, &x->st, e)) != 0 ||
	    (status = book_sheet(x->wb, "Users", &x->ws, path, e)) != 0 ||
	    (status = users_header(x->ws, &x->st, fields, n, dc, path, e)) !=
	    0)
		goto out;
	*out = x;
	x = NULL;
	goto out;
oom:
	status = uimp_err_set(e, UIMP_ENOMEM, 0, path, "out of memory");
out:
	if (x != NULL) {
		if (x->wb != NULL)
			lxw_workbook_free(x->wb);
		out_free(x);
	}
	return status;
}

/* Read "YYYY-MM-DDTHH:MM:SS" with an optional "Z"; 0, or -1 if not that. */
static int
parse_utc(const char *s, lxw_datetime *dt)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	int v[6], k = 0, i;

	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != shape[i])
			return -1;
	}
	if (!(s[i] == '\0' || (s[i] == 'Z' && s[i + 1] == '\0')))
		return -1;
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] != 'd')
			continue;
		if (i == 0 || shape[i - 1] != 'd')
			v[k++] = 0;
		v[k - 1] = v[k - 1] * 10 + (s[i] - '0');
	}
	if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 59)
		return -1;
	dt->year = v[0];
	dt->month = v[1];
	dt->day = v[2];
	dt->hour = v[3];
	dt->min = v[4];
	dt->sec = v[5];
	return 0;
}

/* Whether s is a whole number a double holds exactly: [-]1-15 digits. */
static int
is_digits(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	n = strspn(s, "0123456789");
	return n > 0 && n <= 15 && s[n] == '\0';
}

/* Read "YYYY-MM-DD", a day of the calendar from 1900; 0, or -1 if not. */
static int
parse_day(const char *s, lxw_datetime *dt)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' &&
		    s[i] <= '9'))
			return -1;
	if (s[10] != '\0')
		return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0)))
		return -1;
	memset(dt, 0, sizeof(*dt));
	dt->year = y;
	dt->month = m;
	dt->day = d;
	return 0;
}

/*
 * Write the value v of a directory column whose custom field type is
 * type (-1: a group or the labels) at col: a number a spreadsheet shows
 * as the same text, a flag and a date as their cells, the rest strings.
 */
static lxw_error
dir_cell(struct xlsx_out *x, lxw_col_t col, int type, const char *v)
{
	char shown[NUMFMT_BUFSZ];
	lxw_datetime dt;
	double d;

	switch (type) {
	case DIR_NUMBER:
	case DIR_BOOL:
		if (numfmt_parse(v, strlen(v), &d) == 0) {
			numfmt_number(d, shown, sizeof(shown));
			/* "1.50" or "007" would come back as 1.5, 7 */
			if (strcmp(shown, v) == 0)
				return worksheet_write_number(x->ws, x->row,
				    col, d, NULL);
		}
		break;
	case DIR_DATE:
		if (parse_day(v, &dt) == 0)
			return worksheet_write_datetime(x->ws, x->row, col,
			    &dt, x->st.day);
		break;
	}
	/* a string cell, never a formula, whatever v holds */
	return worksheet_write_string(x->ws, x->row, col, v, NULL);
}

int
xlsx_export_row(struct xlsx_out *x, const struct user *u,
    const char *const *dv, struct uimp_err *e)
{
	char h[HEADER_MAX], what[HEADER_MAX + 64];
	lxw_datetime dt;
	lxw_col_t col;
	lxw_error rc = LXW_NO_ERROR;
	const char *v;
	size_t k;
	int f;

	if (x->failed)
		UIMP_BUG("xlsx_export_row() after a failure");
	if (x->row > LAST_ROW) {
		x->failed = uimp_err_set(&x->err, UIMP_EWRITE, 0, x->path,
		    "more than %lu users: past the sheet's last row",
		    (unsigned long)LAST_ROW);
		goto out;
	}
	for (col = 0; col < x->n; col++) {
		f = x->fields[col];
		if (f >= UIMP_F_COUNT) {
			k = (size_t)(f - UIMP_F_COUNT);
			if (dv == NULL || (v = dv[k]) == NULL)
				continue;
			if ((rc = dir_cell(x, col, x->dctype[k], v)) !=
			    LXW_NO_ERROR) {
				snprintf(h, sizeof(h), "%s", x->dchead[k]);
				goto fail;
			}
			continue;
		}
		if ((v = u->v[f]) == NULL)
			continue;
		switch (f) {
		case UIMP_F_IS_MANAGER:
		case UIMP_F_MUST_CHANGE_PASSWORD:
		case UIMP_F_CONTACT_NO:
			if (is_digits(v)) {
				rc = worksheet_write_number(x->ws, x->row, col,
				    strtod(v, NULL), NULL);
				break;
			}
			rc = worksheet_write_string(x->ws, x->row, col, v,
			    NULL);
			break;
		case UIMP_F_CREATED_AT:
		case UIMP_F_UPDATED_AT:
			if (parse_utc(v, &dt) == 0) {
				rc = worksheet_write_datetime(x->ws, x->row,
				    col, &dt, x->st.date);
				break;
			}
			rc = worksheet_write_string(x->ws, x->row, col, v,
			    NULL);
			break;
		default:
			/* a string cell, never a formula, whatever v holds */
			rc = worksheet_write_string(x->ws, x->row, col, v,
			    NULL);
		}
		if (rc != LXW_NO_ERROR) {
			uimp_field_header(f, h, sizeof(h));
			goto fail;
		}
	}
	x->row++;
	goto out;
fail:
	snprintf(what, sizeof(what), "cannot write row %lu, column %s",
	    (unsigned long)x->row + 1, h);
	x->failed = xlsx_fail(&x->err, x->path, rc, what);
out:
	if (x->failed && e != NULL)
		*e = x->err;
	return x->failed;
}

int
xlsx_export_close(struct xlsx_out *x, struct uimp_err *e)
{
	lxw_error rc;
	int status;

	if (x == NULL)
		return 0;
	if ((status = x->failed) != 0) {
		/* a partial workbook is no export: write nothing */
		lxw_workbook_free(x->wb);
		if (e != NULL)
			*e = x->err;
	} else if ((rc = workbook_close(x->wb)) != LXW_NO_ERROR)
		status = xlsx_fail(e, x->path, rc,
		    "cannot write the workbook");
	out_free(x);
	return status;
}
