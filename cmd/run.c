/*
 * run.c: the options and the run that userimp-import and userimp-check
 * share: check is import up to the commit.
 */
#include <err.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "progress.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ "mode",		required_argument, NULL, OPT_MODE },
	{ "key",		required_argument, NULL, OPT_KEY },
	{ "create-groups",	no_argument,       NULL, OPT_CREATE_GROUPS },
	{ "on-error",		required_argument, NULL, OPT_ON_ERROR },
	{ "dry-run",		no_argument,       NULL, OPT_DRY_RUN },
	{ "sheet",		required_argument, NULL, OPT_SHEET },
	{ "map",		required_argument, NULL, OPT_MAP },
	{ "empty",		required_argument, NULL, OPT_EMPTY },
	{ "update-passwords",	no_argument,       NULL, OPT_UPDATE_PASSWORDS },
	{ "ignore-unknown",	no_argument,       NULL, OPT_IGNORE_UNKNOWN },
	{ "delimiter",		required_argument, NULL, OPT_DELIMITER },
	{ "encoding",		required_argument, NULL, OPT_ENCODING },
	{ "errors",		required_argument, NULL, OPT_ERRORS },
	{ "generate-passwords",	no_argument,       NULL,
	    OPT_GENERATE_PASSWORDS },
	{ "credentials",	required_argument, NULL, OPT_CREDENTIALS },
	{ "must-change",	no_argument,       NULL, OPT_MUST_CHANGE },
	{ "invite",		required_argument, NULL, OPT_INVITE },
	{ "invite-template",	required_argument, NULL, OPT_INVITE_TEMPLATE },
	{ "sendmail",		no_argument,       NULL, OPT_SENDMAIL },
	{ "block-missing",	no_argument,       NULL, OPT_BLOCK_MISSING },
	{ "max-changes",	required_argument, NULL, OPT_MAX_CHANGES },
	{ "progress",		no_argument,       NULL, OPT_PROGRESS },
	{ "no-progress",	no_argument,       NULL, OPT_NO_PROGRESS },
	{ NULL,			0,                 NULL, 0 }
};

static int checking;	/* userimp check */
static int dry;		/* check or --dry-run: nothing is written */
static int first_finding = 1;

static void
usage(FILE *f, int code)
{
	if (checking)
		fprintf(f, "usage: userimp check [-qv] [-d db] [--json] "
		    "[--mode upsert|insert|update]\n"
		    "\t[--key username|email] [--sheet name|n] [--map "
		    "header=field] [--empty keep|clear]\n"
		    "\t[--ignore-unknown] [--create-groups] "
		    "[--update-passwords] [--generate-passwords]\n"
		    "\t[--block-missing] [--max-changes n|p%%] [--errors file] "
		    "[--delimiter c]\n"
		    "\t[--encoding name] [--progress | --no-progress] "
		    "[--wait seconds] file\n");
	else
		fprintf(f, "usage: userimp import [-qv] [-d db] [-j n] "
		    "[--json] [--dry-run]\n"
		    "\t[--mode upsert|insert|update] [--key username|email] "
		    "[--on-error abort|skip]\n"
		    "\t[--sheet name|n] [--map header=field] [--empty "
		    "keep|clear] [--ignore-unknown]\n"
		    "\t[--create-groups] [--update-passwords] [--errors file] "
		    "[--generate-passwords]\n"
		    "\t[--credentials file] [--must-change] [--invite dir] "
		    "[--invite-template file]\n"
		    "\t[--sendmail] [--block-missing] [--max-changes n|p%%] "
		    "[--delimiter c]\n"
		    "\t[--encoding name] [--progress | --no-progress] "
		    "[--wait seconds] file\n");
	finish(code);
}

static void
bad_value(const char *option, const char *value, const char *allowed)
{
	warnx("%s '%s': expected %s", option, value, allowed);
	usage(stderr, EXIT_USAGE);
}

/* Refuse an option that only import takes, with the reason. */
static void
import_only(const char *option)
{
	if (!checking)
		return;
	warnx("%s is an option of import: check never writes nor hashes",
	    option);
	usage(stderr, EXIT_USAGE);
}

static int
on_finding(const struct uimp_finding *f, void *arg)
{
	(void)arg;
	if (f->severity == UIMP_SEV_INFO && !opt.verbose)
		return 0;
	if (!opt.json) {
		if (f->severity == UIMP_SEV_ERROR || !opt.quiet)
			print_finding(stderr, f);
		return 0;
	}
	print_finding_json(f, first_finding);
	first_finding = 0;
	return 0;
}

static void
summary(const char *file, const struct uimp_summary *s)
{
	char job[48] = "";

	if (s->job)
		snprintf(job, sizeof(job), " (job %lld)", s->job);
	else if (dry)
		snprintf(job, sizeof(job), " (nothing written)");
	fprintf(stderr, "%s: %lu row%s: ", file, s->rows, s->rows == 1 ? "" :
	    "s");
	if (dry)
		fprintf(stderr, "%lu to insert, %lu to update, ", s->inserted,
		    s->updated);
	else
		fprintf(stderr, "%lu inserted, %lu updated, ", s->inserted,
		    s->updated);
	fprintf(stderr, "%lu unchanged, %lu rejected", s->unchanged,
	    s->rejected);
	if (s->passwords_kept)
		fprintf(stderr, ", %lu password%s left alone",
		    s->passwords_kept, s->passwords_kept == 1 ? "" : "s");
	if (s->blocked)
		fprintf(stderr, ", %lu %sblocked", s->blocked, dry ? "to be " :
		    "");
	if (s->generated)
		fprintf(stderr, ", %lu password%s %sgenerated", s->generated,
		    s->generated == 1 ? "" : "s", dry ? "to be " : "");
	if (s->refused)
		fprintf(stderr, "; refused, no user written");
	else if (s->aborted)
		fprintf(stderr, "; aborted, no user written");
	fprintf(stderr, "%s\n", job);
}

/*
 * Generated passwords must go somewhere, and only they go to the
 * credentials file and the welcome messages.
 */
static void
delivery_rules(const struct uimp_import_opts *o)
{
	int gen = !!(o->flags & UIMP_IMPORT_GENERATE), to = o->credentials ||
	    o->invite_dir || (o->flags & UIMP_IMPORT_SENDMAIL);

	if (gen && !to && !dry && !(o->flags & UIMP_IMPORT_DRY_RUN)) {
		warnx("--generate-passwords needs --credentials FILE, "
		    "--invite DIR or --sendmail: the passwords would be lost");
		usage(stderr, EXIT_USAGE);
	}
	if (to && !gen) {
		warnx("--credentials, --invite and --sendmail carry the "
		    "passwords of --generate-passwords, which is not given");
		usage(stderr, EXIT_USAGE);
	}
	if (o->invite_template && !o->invite_dir &&
	    !(o->flags & UIMP_IMPORT_SENDMAIL)) {
		warnx("--invite-template needs --invite DIR or --sendmail");
		usage(stderr, EXIT_USAGE);
	}
}

/* Whether paths a and b name one file (b may not exist yet). */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * The files a run writes hold passwords: never the standard output, never
 * one another, never the input.
 */
static void
distinct_outputs(const struct uimp_import_opts *o, const char *input)
{
	const char *out[] = { o->errors_path, o->credentials };
	const char *name[] = { "--errors", "--credentials" };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (out[i] == NULL)
			continue;
		if (strcmp(out[i], "-") == 0) {
			warnx("%s needs a file name, not the standard output: "
			    "it holds passwords", name[i]);
			usage(stderr, EXIT_USAGE);
		}
		if (same_file(out[i], input)) {
			warnx("%s '%s' is the input file", name[i], out[i]);
			usage(stderr, EXIT_USAGE);
		}
	}
	if (out[0] && out[1] && same_file(out[0], out[1])) {
		warnx("--errors and --credentials name one file, '%s'",
		    out[0]);
		usage(stderr, EXIT_USAGE);
	}
}

/* Whether iconv(3) converts from the encoding name (lib/ says so too). */
static int
known_encoding(const char *name)
{
	iconv_t cd;

	/* "" would be the locale's encoding: not a name */
	if (*name == '\0' || (cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

/* The options as given, for the job record (never a password: none is). */
static char *
options_text(int argc, char *argv[])
{
	size_t n = 1;
	char *s;
	int i;

	for (i = 1; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = xmalloc(n);
	*s = '\0';
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int
run_import(int argc, char *argv[], int check)
{
	struct uimp_import_opts o;
	struct uimp_summary sum;
	struct uimp_map *maps;
	struct uimp_err e;
	char *eq, *end, *file_json;
	long n;
	int ch, rc, code;

	checking = dry = check;
	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	maps = xmalloc(sizeof(*maps) * (size_t)argc);
	o.max_changes = -1;
	if (check)
		o.flags |= UIMP_IMPORT_CHECK;
	o.options_text = options_text(argc, argv);
	while ((ch = getopt_long(argc, argv, COMMON_SHORTOPTS "j:", longopts,
	    NULL)) != -1) {
		if (common_opt(ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_MODE:
			if (strcmp(optarg, "upsert") == 0)
				o.mode = UIMP_MODE_UPSERT;
			else if (strcmp(optarg, "insert") == 0)
				o.mode = UIMP_MODE_INSERT;
			else if (strcmp(optarg, "update") == 0)
				o.mode = UIMP_MODE_UPDATE;
			else
				bad_value("--mode", optarg,
				    "upsert, insert or update");
			break;
		case OPT_CREATE_GROUPS:
			o.flags |= UIMP_IMPORT_CREATE_GROUPS;
			break;
		case OPT_KEY:
			if (strcmp(optarg, "username") == 0)
				o.key = UIMP_F_USERNAME;
			else if (strcmp(optarg, "email") == 0)
				o.key = UIMP_F_EMAIL;
			else
				bad_value("--key", optarg, "username or email");
			break;
		case OPT_ON_ERROR:
			import_only("--on-error");
			if (strcmp(optarg, "abort") == 0)
				o.flags &= ~UIMP_IMPORT_SKIP;
			else if (strcmp(optarg, "skip") == 0)
				o.flags |= UIMP_IMPORT_SKIP;
			else
				bad_value("--on-error", optarg,
				    "abort or skip");
			break;
		case OPT_DRY_RUN:
			import_only("--dry-run");
			o.flags |= UIMP_IMPORT_DRY_RUN;
			break;
		case OPT_SHEET:
			if (*optarg == '\0')
				bad_value("--sheet", optarg, "a sheet's name "
				    "or its 1-based position");
			o.read.sheet = optarg;
			break;
		case OPT_MAP:
			eq = strrchr(optarg, '=');
			if (eq == NULL || eq == optarg || eq[1] == '\0')
				bad_value("--map", optarg, "HEADER=field");
			*eq = '\0';
			maps[o.nmaps].header = optarg;
			maps[o.nmaps].field = eq + 1;
			o.nmaps++;
			break;
		case OPT_EMPTY:
			if (strcmp(optarg, "keep") == 0)
				o.flags &= ~UIMP_IMPORT_EMPTY_CLEAR;
			else if (strcmp(optarg, "clear") == 0)
				o.flags |= UIMP_IMPORT_EMPTY_CLEAR;
			else
				bad_value("--empty", optarg, "keep or clear");
			break;
		case OPT_UPDATE_PASSWORDS:
			o.flags |= UIMP_IMPORT_UPDATE_PASSWORDS;
			break;
		case OPT_IGNORE_UNKNOWN:
			o.flags |= UIMP_IMPORT_IGNORE_UNKNOWN;
			break;
		case OPT_DELIMITER:
			if (strcmp(optarg, ",") == 0 || strcmp(optarg, ";") == 0)
				o.read.delimiter = *optarg;
			else if (strcmp(optarg, "\t") == 0 ||
			    strcmp(optarg, "tab") == 0 ||
			    strcmp(optarg, "\\t") == 0)
				o.read.delimiter = '\t';
			else
				bad_value("--delimiter", optarg,
				    "',', ';' or 'tab'");
			break;
		case OPT_ENCODING:
			if (!known_encoding(optarg))
				bad_value("--encoding", optarg, "an encoding "
				    "iconv knows ('iconv -l' lists them)");
			o.read.encoding = optarg;
			break;
		case OPT_ERRORS:
			if (*optarg == '\0')
				bad_value("--errors", optarg, "a file name");
			o.errors_path = optarg;
			break;
		case OPT_GENERATE_PASSWORDS:
			o.flags |= UIMP_IMPORT_GENERATE;
			break;
		case OPT_CREDENTIALS:
			import_only("--credentials");
			if (*optarg == '\0')
				bad_value("--credentials", optarg,
				    "a file name");
			o.credentials = optarg;
			break;
		case OPT_MUST_CHANGE:
			import_only("--must-change");
			o.flags |= UIMP_IMPORT_MUST_CHANGE;
			break;
		case OPT_INVITE:
			import_only("--invite");
			if (*optarg == '\0')
				bad_value("--invite", optarg, "a directory");
			o.invite_dir = optarg;
			break;
		case OPT_INVITE_TEMPLATE:
			import_only("--invite-template");
			o.invite_template = optarg;
			break;
		case OPT_SENDMAIL:
			import_only("--sendmail");
			o.flags |= UIMP_IMPORT_SENDMAIL;
			break;
		case OPT_BLOCK_MISSING:
			o.flags |= UIMP_IMPORT_BLOCK_MISSING;
			break;
		case OPT_MAX_CHANGES:
			errno = 0;
			n = strtol(optarg, &end, 10);
			o.max_percent = *end == '%';
			if (*optarg < '0' || *optarg > '9' || errno ||
			    *(end + o.max_percent) != '\0' || n < 0 ||
			    (o.max_percent && n > 100))
				bad_value("--max-changes", optarg, "a number "
				    "of users or a percentage from 0% to "
				    "100%");
			o.max_changes = n;
			break;
		case 'j':
			import_only("-j");
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || errno || n < 1 ||
			    n > 64)
				bad_value("-j", optarg, "a number of threads "
				    "from 1 to 64");
			o.threads = (int)n;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	o.maps = maps;
	delivery_rules(&o);
	if (opt.verbose)
		o.flags |= UIMP_IMPORT_VERBOSE;
	if (o.flags & UIMP_IMPORT_DRY_RUN)
		dry = 1;
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(stderr, EXIT_USAGE);
	distinct_outputs(&o, argv[0]);
	if (opt.json) {
		file_json = xjson(argv[0]);
		printf("{\"file\": %s,\n  \"findings\": [", file_json);
		free(file_json);
	}
	progress_start(&o, argv[0]);
	rc = uimp_import(db_path_opt(), opt.wait_s, argv[0], &o, on_finding,
	    NULL, &sum, &e);
	progress_clear();
	if (opt.json) {
		printf("\n  ],\n");
		if (sum.job)
			printf("  \"job\": %lld,\n", sum.job);
		if (rc != UIMP_OK)
			print_error_json(rc, &e);
		printf("  \"summary\": {\"rows\": %lu, \"inserted\": %lu, "
		    "\"updated\": %lu, \"unchanged\": %lu, \"rejected\": %lu, "
		    "\"passwords_kept\": %lu, \"warnings\": %lu, "
		    "\"blocked\": %lu, \"generated\": %lu, "
		    "\"aborted\": %s, \"refused\": %s}\n}\n", sum.rows,
		    sum.inserted, sum.updated, sum.unchanged, sum.rejected,
		    sum.passwords_kept, sum.warnings, sum.blocked,
		    sum.generated, sum.aborted ? "true" : "false",
		    sum.refused ? "true" : "false");
	}
	free(maps);
	free((char *)o.options_text);
	if (rc != UIMP_OK) {
		fflush(stdout);
		/* a run that was recorded says what it did, then what failed */
		if (sum.job && !opt.quiet && !opt.json)
			summary(argv[0], &sum);
		die_err(&e);
	}
	if (!opt.quiet && !opt.json)
		summary(argv[0], &sum);
	code = sum.rejected ? EXIT_REJECTED : EXIT_OK;
	finish(code);
}
