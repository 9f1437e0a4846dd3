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

/*
 * --json: the template's columns, as its Instructions sheet has them, as
 * one JSON array on standard output.
 */
static void
print_columns(void)
{
	const struct uimp_field_info *fi;
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_db *db;
	struct uimp_err e;
	char h[128], rule[1024], *hj, *rj, *ej;
	int f, first = 1;

	memset(&e, 0, sizeof(e));
	if (uimp_db_open(&db, db_path_opt(), UIMP_DB_READONLY, opt.wait_s,
	    &e) != UIMP_OK)
		die_err(&e);
	if (uimp_db_policy(db, &pol, &cost, &e) != UIMP_OK)
		die_err(&e);
	uimp_db_close(db);
	printf("[");
	for (f = 0; f < UIMP_F_COUNT; f++) {
		fi = uimp_field_info(f);
		if (fi->flags & UIMP_FIELD_EXPORT_ONLY)
			continue;
		uimp_field_header(f, h, sizeof(h));
		uimp_field_rule(f, &pol, rule, sizeof(rule));
		hj = xjson(h);
		rj = xjson(rule);
		ej = xjson(fi->example);
		printf("%s\n  {\"column\": %s, \"field\": \"%s\", "
		    "\"required\": %s, \"rule\": %s, \"example\": %s}",
		    first ? "" : ",", hj, fi->name,
		    (fi->flags & UIMP_FIELD_REQUIRED) ? "true" : "false", rj,
		    ej);
		free(hj);
		free(rj);
		free(ej);
		first = 0;
	}
	printf("\n]\n");
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
