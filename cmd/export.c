/*
 * export.c: userimp-export, write the store's users as xlsx, CSV or JSON
 * in the template's columns, ready to edit and import again.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ "output",      required_argument, NULL, 'o' },
	{ "format",      required_argument, NULL, OPT_FORMAT },
	{ "columns",     required_argument, NULL, OPT_COLUMNS },
	{ "status",      required_argument, NULL, OPT_STATUS },
	{ "since",       required_argument, NULL, OPT_SINCE },
	{ "match",       required_argument, NULL, OPT_MATCH },
	{ "with-hashes", no_argument,       NULL, OPT_WITH_HASHES },
	{ "bom",         no_argument,       NULL, OPT_BOM },
	{ "force",       no_argument,       NULL, OPT_FORCE },
	{ NULL,          0,                 NULL, 0 }
};

static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp export [-q] [-d db] [-o file] "
	    "[--format xlsx|csv|json|jsonl] [--json]\n"
	    "\t[--columns list] [--status active|blocked] [--since date] "
	    "[--match pattern]\n"
	    "\t[--with-hashes] [--bom] [--force] [--wait seconds]\n");
	finish(code);
}

int
main(int argc, char *argv[])
{
	struct uimp_export_opts o;
	struct uimp_err e;
	const char *out = "-", *format = NULL;
	int ch;
	unsigned long n;

	memset(&o, 0, sizeof(o));
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
		case OPT_COLUMNS:
			/* lib/ knows the store's names too */
			o.columns = optarg;
			break;
		case OPT_STATUS:
			o.status = optarg;
			break;
		case OPT_SINCE:
			o.since = optarg;
			break;
		case OPT_MATCH:
			o.match = optarg;
			break;
		case OPT_WITH_HASHES:
			o.flags |= UIMP_EXPORT_HASHES;
			break;
		case OPT_BOM:
			o.flags |= UIMP_EXPORT_BOM;
			break;
		case OPT_FORCE:
			o.flags |= UIMP_EXPORT_FORCE;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(stderr, EXIT_USAGE);
	if (opt.json) {
		if (format && strcmp(format, "json") != 0) {
			warnx("--json and --format %s disagree", format);
			usage(stderr, EXIT_USAGE);
		}
		format = "json";
	}
	o.format = output_format(format, out, UIMP_EXPORT_JSONL, usage);
	if (uimp_export(db_path_opt(), opt.wait_s, out, &o, &n, &e) !=
	    UIMP_OK)
		die_err(&e);
	if (!opt.quiet)
		fprintf(stderr, "%s: %lu user%s exported\n",
		    strcmp(out, "-") == 0 ? "-" : out, n, n == 1 ? "" : "s");
	finish(EXIT_OK);
}
