/*
 * jobs.c: userimp-jobs, the recorded runs: list them, show one with its
 * findings, write its rejected rows back, undo it, drop old ones.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ "limit",      required_argument, NULL, OPT_LIMIT },
	{ "output",     required_argument, NULL, 'o' },
	{ "force",      no_argument,       NULL, OPT_FORCE },
	{ "older-than", required_argument, NULL, OPT_OLDER_THAN },
	{ "keep",       required_argument, NULL, OPT_KEEP },
	{ "dry-run",    no_argument,       NULL, OPT_DRY_RUN },
	{ NULL,         0,                 NULL, 0 }
};

#define JOB	"a job number"

static int first = 1;

/* The SYNOPSIS of userimp-jobs(1); exits with code. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp jobs [-q] [-d db] [--json] [--limit n] "
	    "[--wait seconds]\n"
	    "       userimp jobs show [-d db] [--json] [--wait seconds] n\n"
	    "       userimp jobs errors [-q] [-d db] [-o file] [--force] "
	    "[--json]\n\t[--wait seconds] n\n"
	    "       userimp jobs prune [-q] [-d db] [--older-than days] "
	    "[--keep n] [--dry-run]\n\t[--json] [--wait seconds]\n"
	    "       userimp jobs revert [-q] [-d db] [--force] [--json] "
	    "[--wait seconds] n\n");
	finish(code);
}

/* s, or "-" when unknown or empty. */
static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* A JSON value for s: a string literal or null; freed by the caller. */
static char *
json_or_null(const char *s)
{
	return s ? xjson(s) : xstrdup("null");
}

/* The job as JSON members, from the opening brace, left open. */
static void
print_json(const struct uimp_job *j)
{
	const char *keys[] = { "started_at", "finished_at", "user", "host",
	    "command", "options", "file", "sha256", "sheet", "mode",
	    "outcome" };
	const char *vals[] = { j->started_at, j->finished_at, j->user,
	    j->host, j->command, j->options, j->file, j->sha256, j->sheet,
	    j->mode, j->outcome };
	size_t i;
	char *v;

	printf("{\"job\": %lld", j->id);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_or_null(vals[i]);
		printf(", \"%s\": %s", keys[i], v);
		free(v);
	}
	if (j->reverted_by)
		printf(", \"reverted_by\": %lld", j->reverted_by);
	else
		printf(", \"reverted_by\": null");
	printf(", \"summary\": {\"rows\": %lu, \"inserted\": %lu, "
	    "\"updated\": %lu, \"unchanged\": %lu, \"rejected\": %lu, "
	    "\"passwords_kept\": %lu, \"warnings\": %lu, \"blocked\": %lu, "
	    "\"generated\": %lu}", j->sum.rows, j->sum.inserted,
	    j->sum.updated, j->sum.unchanged, j->sum.rejected,
	    j->sum.passwords_kept, j->sum.warnings, j->sum.blocked,
	    j->sum.generated);
}

/* One job of the list: a line, or an element of the JSON array. */
static int
list_one(const struct uimp_job *j, void *arg)
{
	(void)arg;
	if (opt.json) {
		printf("%s\n  ", first ? "[" : ",");
		print_json(j);
		printf("}");
	} else {
		printf("%-5lld %-20s %-8s %7lu %8lu %8lu %9lu %8lu  ", j->id,
		    or_dash(j->finished_at), or_dash(j->outcome), j->sum.rows,
		    j->sum.inserted, j->sum.updated, j->sum.unchanged,
		    j->sum.rejected);
		if (j->file || !j->command || !strcmp(j->command, "import"))
			printf("%s", or_dash(j->file));
		else
			printf("[%s]", j->command);
		if (j->reverted_by)
			printf("  reverted by job %lld", j->reverted_by);
		printf("\n");
	}
	first = 0;
	return 0;
}

/* The job in full: a line a member, or the JSON object left open. */
static int
show_one(const struct uimp_job *j, void *arg)
{
	(void)arg;
	if (opt.json) {
		print_json(j);
		return 0;
	}
	printf("job       %lld\ncommand   %s\nstarted   %s\nfinished  %s\n"
	    "by        %s@%s\nfile      %s\nsha256    %s\nsheet     %s\n"
	    "mode      %s\noptions   %s\noutcome   %s\n", j->id,
	    or_dash(j->command), or_dash(j->started_at),
	    or_dash(j->finished_at), or_dash(j->user), or_dash(j->host),
	    or_dash(j->file), or_dash(j->sha256), or_dash(j->sheet),
	    or_dash(j->mode), or_dash(j->options), or_dash(j->outcome));
	if (j->reverted_by)
		printf("reverted  by job %lld\n", j->reverted_by);
	printf("rows      %lu: %lu inserted, %lu updated, %lu unchanged, "
	    "%lu rejected, %lu password%s left alone, %lu warning%s\n"
	    "users     %lu blocked, %lu password%s generated\n",
	    j->sum.rows, j->sum.inserted, j->sum.updated, j->sum.unchanged,
	    j->sum.rejected, j->sum.passwords_kept,
	    j->sum.passwords_kept == 1 ? "" : "s", j->sum.warnings,
	    j->sum.warnings == 1 ? "" : "s", j->sum.blocked,
	    j->sum.generated, j->sum.generated == 1 ? "" : "s");
	return 0;
}

/* A finding: as import prints it to arg (NULL: stdout), or as JSON. */
static int
show_finding(const struct uimp_finding *f, void *arg)
{
	(void)arg;
	if (!opt.json) {
		print_finding(arg != NULL ? (FILE *)arg : stdout, f);
		return 0;
	}
	print_finding_json(f, first);
	first = 0;
	return 0;
}

/* A whole number >= min from s, or a usage error: what, expected what. */
static long long
number(const char *s, long long min, const char *what, const char *expect)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno || n < min) {
		warnx("%s '%s': expected %s", what, s, expect);
		usage(stderr, EXIT_USAGE);
	}
	return n;
}

/* jobs show N */
static void
show(long long id)
{
	struct uimp_err e;
	unsigned long found;

	memset(&e, 0, sizeof(e));
	if (uimp_jobs_each(db_path_opt(), opt.wait_s, id, 0, show_one, NULL,
	    &found, &e) != UIMP_OK)
		die_err(&e);
	if (found == 0)
		errx(EXIT_REJECTED, "%s: no job %lld", db_path_opt(), id);
	if (opt.json)
		printf(",\n  \"findings\": [");
	first = 1;
	if (uimp_job_findings(db_path_opt(), opt.wait_s, id, show_finding,
	    NULL, &e) != UIMP_OK)
		die_err(&e);
	if (opt.json)
		printf("\n  ]\n}\n");
}

/* jobs errors N: the rejected rows to out ("-": stdout). */
static void
errors(long long id, const char *out, int force)
{
	struct uimp_err e;
	unsigned long n;
	char *v;

	memset(&e, 0, sizeof(e));
	if (opt.json && strcmp(out, "-") == 0) {
		warnx("--json needs -o file: the rows would go to stdout");
		usage(stderr, EXIT_USAGE);
	}
	if (uimp_job_errors(db_path_opt(), opt.wait_s, id, out, force, &n,
	    &e) != UIMP_OK)
		die_err(&e);
	if (opt.json) {
		v = xjson(out);
		printf("{\"job\": %lld, \"file\": %s, \"rows\": %lu}\n", id,
		    v, n);
		free(v);
	} else if (!opt.quiet)
		fprintf(stderr, "%s: %lu rejected row%s of job %lld\n", out, n,
		    n == 1 ? "" : "s", id);
}

/* jobs prune: days or keep < 0 when not given. */
static void
prune(long long days, long long keep, int dry)
{
	struct uimp_err e;
	unsigned long n;

	memset(&e, 0, sizeof(e));
	if (days < 0 && keep < 0) {
		warnx("prune needs --older-than or --keep");
		usage(stderr, EXIT_USAGE);
	}
	if (uimp_jobs_prune(db_path_opt(), opt.wait_s, (long)days, (long)keep,
	    dry, &n, &e) != UIMP_OK)
		die_err(&e);
	if (opt.json)
		printf("{\"removed\": %lu, \"dry_run\": %s}\n", n,
		    dry ? "true" : "false");
	else if (!opt.quiet)
		fprintf(stderr, "%s: %lu job%s %s\n", db_path_opt(), n,
		    n == 1 ? "" : "s", dry ? "would be removed (--dry-run)" :
		    "removed");
}

/* jobs revert N: the findings, then a summary line or a JSON object. */
static void
revert(long long id, int force)
{
	struct uimp_summary sum;
	struct uimp_err e;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&sum, 0, sizeof(sum));
	if (opt.json)
		printf("{\"job\": %lld,\n  \"findings\": [", id);
	rc = uimp_job_revert(db_path_opt(), opt.wait_s, id, force,
	    force ? "--force" : NULL, show_finding, stderr, &sum, &e);
	if (opt.json) {
		printf("\n  ],\n");
		if (sum.job)
			printf("  \"revert_job\": %lld,\n", sum.job);
		if (rc != UIMP_OK)
			print_error_json(rc, &e);
		printf("  \"summary\": {\"removed\": %lu, \"restored\": %lu, "
		    "\"brought_back\": %lu}\n}\n", sum.removed, sum.updated,
		    sum.inserted);
	}
	if (rc != UIMP_OK) {
		fflush(stdout);
		die_err(&e);
	}
	if (!opt.quiet && !opt.json)
		fprintf(stderr, "job %lld reverted by job %lld: %lu removed, "
		    "%lu restored, %lu brought back\n", id, sum.job,
		    sum.removed, sum.updated, sum.inserted);
}

int
main(int argc, char *argv[])
{
	struct uimp_err e;
	const char *out = NULL, *cmd;
	long long days = -1, keep = -1, limit = 0;
	unsigned long found;
	int ch, force = 0, dry = 0;

	memset(&e, 0, sizeof(e));
	while ((ch = getopt_long(argc, argv, COMMON_SHORTOPTS "o:", longopts,
	    NULL)) != -1) {
		if (common_opt(ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_LIMIT:
			limit = number(optarg, 1, "--limit",
			    "a number of jobs");
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case OPT_OLDER_THAN:
			days = number(optarg, 0, "--older-than",
			    "a whole number of days, 0 or more");
			break;
		case OPT_KEEP:
			keep = number(optarg, 0, "--keep",
			    "a number of jobs, 0 or more");
			break;
		case OPT_DRY_RUN:
			dry = 1;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	cmd = argc > 0 ? argv[0] : "";
	/* each option belongs to one subcommand or two */
	if ((limit && argc > 0) || (out && strcmp(cmd, "errors")) ||
	    (force && strcmp(cmd, "errors") && strcmp(cmd, "revert")) ||
	    ((days >= 0 || keep >= 0 || dry) && strcmp(cmd, "prune")))
		usage(stderr, EXIT_USAGE);
	if (argc == 0) {
		if (!opt.json && !opt.quiet)
			printf("%-5s %-20s %-8s %7s %8s %8s %9s %8s  %s\n",
			    "JOB", "FINISHED", "OUTCOME", "ROWS", "INSERTED",
			    "UPDATED", "UNCHANGED", "REJECTED", "FILE");
		if (uimp_jobs_each(db_path_opt(), opt.wait_s, 0,
		    (unsigned long)limit, list_one, NULL, &found, &e) !=
		    UIMP_OK)
			die_err(&e);
		if (opt.json)
			printf("%s]\n", first ? "[" : "\n");
	} else if (argc == 2 && strcmp(cmd, "show") == 0)
		show(number(argv[1], 1, "show", JOB));
	else if (argc == 2 && strcmp(cmd, "errors") == 0)
		errors(number(argv[1], 1, "errors", JOB), out ? out : "-",
		    force);
	else if (argc == 1 && strcmp(cmd, "prune") == 0)
		prune(days, keep, dry);
	else if (argc == 2 && strcmp(cmd, "revert") == 0)
		revert(number(argv[1], 1, "revert", JOB), force);
	else
		usage(stderr, EXIT_USAGE);
	finish(EXIT_OK);
}
