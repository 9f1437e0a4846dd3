/*
 * template.c: userimp-template, hand out the import template as xlsx or
 * CSV.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "force",  no_argument,       NULL, OPT_FORCE },
	{ NULL,     0,                 NULL, 0 }
};

static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp template [-q] [-d db] [-o file] "
	    "[--format xlsx|csv] [--force]\n"
	    "\t[--json] [--wait seconds]\n");
	finish(code);
}

/* One column as a JSON object: after "[" when *first, else after ",". */
static int
print_column(const struct uimp_column *c, void *arg)
{
	int *first = arg;
	char *hj, *nj, *rj, *ej;

	hj = xjson(c->header);
	nj = xjson(c->name);
	rj = xjson(c->rule);
	ej = xjson(c->example);
	printf("%s\n  {\"column\": %s, \"field\": %s, \"required\": %s, "
	    "\"rule\": %s, \"example\": %s}", *first ? "[" : ",", hj, nj,
	    c->required ? "true" : "false", rj, ej);
	free(hj);
	free(nj);
	free(rj);
	free(ej);
	*first = 0;
	return 0;
}

/*
 * --json: the template's columns, as its Instructions sheet has them, as
 * one JSON array on standard output.
 */
static void
print_columns(void)
{
	struct uimp_err e;
	int first = 1;

	memset(&e, 0, sizeof(e));
	if (uimp_template_columns(db_path_opt(), opt.wait_s, print_column,
	    &first, &e) != UIMP_OK)
		die_err(&e);
	printf("%s\n]\n", first ? "[" : "");
}

int
main(int argc, char *argv[])
{
	struct uimp_err e;
	const char *out = "-", *format = NULL;
	int ch, fmt, force = 0;

	memset(&e, 0, sizeof(e));
	while ((ch = getopt_long(argc, argv, COMMON_SHORTOPTS "o:", longopts,
	    NULL)) != -1) {
		if (common_opt(ch, optarg, usage))
			continue;
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(stderr, EXIT_USAGE);
	if (opt.json) {
		/* the columns as JSON; a file too when -o names one */
		if (strcmp(out, "-") == 0) {
			if (format) {
				warnx("--json and --format: --json prints the "
				    "columns, -o writes the file");
				usage(stderr, EXIT_USAGE);
			}
			print_columns();
			finish(EXIT_OK);
		}
		print_columns();
	}
	/* to standard output without --format: xlsx into a pipe, CSV else */
	if (format == NULL && strcmp(out, "-") == 0)
		format = "csv";
	fmt = output_format(format, out, UIMP_EXPORT_XLSX, usage);
	if (uimp_template(db_path_opt(), opt.wait_s, out, fmt, force, &e))
		die_err(&e);
	if (!opt.quiet && !opt.json && strcmp(out, "-") != 0)
		fprintf(stderr, "%s: the import template (%s)\n", out,
		    fmt == UIMP_EXPORT_XLSX ? "xlsx" : "CSV");
	finish(EXIT_OK);
}
