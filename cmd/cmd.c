/*
 * cmd.c: helpers for every userimp-<cmd>: common options, exit codes,
 * messages in the form of userimp(1), and allocation that dies.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "progress.h"

struct common opt = { NULL, 0, 0, 0, 10 };

int
common_opt(int ch, const char *arg, void (*usage)(FILE *, int))
{
	char *end;
	long n;

	switch (ch) {
	case 'd':
		opt.db = arg;
		return 1;
	case 'q':
		opt.quiet = 1;
		return 1;
	case 'v':
		opt.verbose = 1;
		return 1;
	case OPT_JSON:
		opt.json = 1;
		return 1;
	case OPT_PROGRESS:
		progress_mode(PROGRESS_ON);
		return 1;
	case OPT_NO_PROGRESS:
		progress_mode(PROGRESS_OFF);
		return 1;
	case OPT_WAIT:
		errno = 0;
		n = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || errno || n < 0 ||
		    n > 86400) {
			warnx("--wait '%s': expected whole seconds from 0 to "
			    "86400", arg);
			usage(stderr, EXIT_USAGE);
		}
		opt.wait_s = (int)n;
		return 1;
	case 'h':
		usage(stdout, EXIT_OK);
		return 1;
	case OPT_VERSION:
		printf("userimp %s\n", UIMP_VERSION);
		finish(EXIT_OK);
	}
	return 0;
}

const char *
db_path_opt(void)
{
	const char *env = getenv("USERIMP_DB");

	if (opt.db)
		return opt.db;
	if (env && *env)
		return env;
	return "./userimp.db";
}

int
exit_for(int status)
{
	switch (status) {
	case UIMP_OK:
		return EXIT_OK;
	case UIMP_EIO:
	case UIMP_EXLSX:
	case UIMP_EINPUT:
		return EXIT_INPUT;
	case UIMP_EDB:
	case UIMP_EBUSY:
		return EXIT_STORE;
	case UIMP_EINVAL:
		return EXIT_USAGE;
	case UIMP_EWRITE:
		return EXIT_INTERNAL;
	case UIMP_ENOENT:
	case UIMP_EREFUSED:
		return EXIT_REJECTED;
	}
	return EXIT_INTERNAL;
}

void
die_err(const struct uimp_err *e)
{
	const char *sep = *e->where ? ": " : "";

	progress_clear();
	if (e->sys_errno)
		errx(exit_for(e->status), "%s%s%s: %s", e->where, sep, e->msg,
		    strerror(e->sys_errno));
	errx(exit_for(e->status), "%s%s%s", e->where, sep, *e->msg ? e->msg :
	    uimp_strstatus(e->status));
}

void
print_finding(FILE *out, const struct uimp_finding *f)
{
	const char *sev = f->severity == UIMP_SEV_WARNING ? "warning: " : "";
	const char *on = "", *off = "";

	if (f->severity == UIMP_SEV_INFO)
		sev = "";
	progress_clear();
	/*
	 * On a terminal, "warning" in yellow and an error's place in red
	 * (an error has no word of its own); the text stays the same.
	 */
	if (f->severity == UIMP_SEV_WARNING && term_color(out))
		sev = "\033[33mwarning\033[m: ";
	else if (f->severity == UIMP_SEV_ERROR && term_color(out)) {
		on = "\033[1;31m";
		off = "\033[m";
	}

	if (f->row == 0)
		fprintf(out, "%s%s%s: %s%s\n", on, f->file, off, sev,
		    f->message);
	else if (f->column == NULL)
		fprintf(out, "%s%s:%lu%s: %s%s\n", on, f->file, f->row, off,
		    sev, f->message);
	else
		fprintf(out, "%s%s:%lu:%s%s: %s%s\n", on, f->file, f->row,
		    f->column, off, sev, f->message);
}

void
print_finding_json(const struct uimp_finding *f, int first)
{
	static const char *const sev[] = {
		[UIMP_SEV_ERROR] = "error", [UIMP_SEV_WARNING] = "warning",
		[UIMP_SEV_INFO] = "info"
	};
	char *col, *field, *msg;

	col = f->column ? xjson(f->column) : xstrdup("null");
	field = f->field ? xjson(f->field) : xstrdup("null");
	msg = xjson(f->message ? f->message : "");
	printf("%s\n    {\"row\": %lu, \"column\": %s, \"field\": %s, "
	    "\"severity\": \"%s\", \"code\": \"%s\", \"message\": %s}",
	    first ? "" : ",", f->row, col, field, sev[f->severity],
	    f->code ? f->code : "", msg);
	free(col);
	free(field);
	free(msg);
}

void
finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("cannot write the standard output");
		exit(EXIT_INTERNAL);
	}
	exit(code);
}

int
output_format(const char *given, const char *path, int max,
    void (*usage)(FILE *, int))
{
	static const char *const names[] = { "csv", "xlsx", "json", "jsonl" };
	const char *dot = strrchr(path, '.');
	int i;

	if (given == NULL && strcmp(path, "-") == 0)
		return UIMP_EXPORT_CSV;
	if (given == NULL && dot && strchr(dot, '/') == NULL) {
		given = dot + 1;
		if (strcasecmp(given, "xlsm") == 0)
			given = "xlsx";
		else if (strcasecmp(given, "ndjson") == 0)
			given = "jsonl";
		else if (strcasecmp(given, "txt") == 0)
			given = "csv";
	}
	for (i = 0; given && i <= max; i++)
		if (strcasecmp(given, names[i]) == 0)
			return i;
	if (given == NULL || (dot && given == dot + 1))
		warnx("cannot tell the format of '%s' from its name: use "
		    "--format", path);
	else
		warnx("--format '%s': expected %s", given, max ==
		    UIMP_EXPORT_XLSX ? "xlsx or csv" : "xlsx, csv, json or "
		    "jsonl");
	usage(stderr, EXIT_USAGE);
	return -1;
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err(EXIT_INTERNAL, "malloc");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		err(EXIT_INTERNAL, "malloc");
	return p;
}

char *
xjson(const char *s)
{
	char *p = uimp_json_quote(s, strlen(s));

	if (p == NULL)
		err(EXIT_INTERNAL, "malloc");
	return p;
}

void
print_error_json(int rc, const struct uimp_err *e)
{
	char *w = xjson(e->where), *m = xjson(e->msg);

	printf("  \"error\": {\"where\": %s, \"message\": %s, "
	    "\"exit\": %d},\n", w, m, exit_for(rc));
	free(w);
	free(m);
}
