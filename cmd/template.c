/*
 * template.c: userimp-template, hand out the import template as xlsx or
 * CSV.
 */
#include <err.h>
#include <stdio.h>
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
	    "\t[--wait seconds]\n");
	finish(code);
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
		if (ch == OPT_JSON) {
			warnx("--json: a template is xlsx or CSV");
			usage(stderr, EXIT_USAGE);
		}
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
	/* to standard output without --format: xlsx into a pipe, CSV else */
	if (format == NULL && strcmp(out, "-") == 0)
		format = "csv";
	fmt = output_format(format, out, UIMP_EXPORT_XLSX, usage);
	if (uimp_template(db_path_opt(), opt.wait_s, out, fmt, force, &e))
		die_err(&e);
	if (!opt.quiet && strcmp(out, "-") != 0)
		fprintf(stderr, "%s: the import template (%s)\n", out,
		    fmt == UIMP_EXPORT_XLSX ? "xlsx" : "CSV");
	finish(EXIT_OK);
}
