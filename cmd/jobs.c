/*
 * jobs.c: userimp-jobs, list the recorded imports and show one with its
 * findings.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ NULL,    0,                 NULL, 0 }
};

static int first = 1;

static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp jobs [-q] [-d db] [--json] [--limit n] "
	    "[--wait seconds]\n"
	    "       userimp jobs [-d db] [--json] [--wait seconds] show n\n");
	finish(code);
}

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
	    "options", "file", "sha256", "sheet", "mode", "outcome" };
	const char *vals[] = { j->started_at, j->finished_at, j->user,
	    j->host, j->options, j->file, j->sha256, j->sheet, j->mode,
	    j->outcome };
	size_t i;
	char *v;

	printf("{\"job\": %lld", j->id);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_or_null(vals[i]);
		printf(", \"%s\": %s", keys[i], v);
		free(v);
	}
	printf(", \"summary\": {\"rows\": %lu, \"inserted\": %lu, "
	    "\"updated\": %lu, \"unchanged\": %lu, \"rejected\": %lu, "
	    "\"passwords_kept\": %lu, \"warnings\": %lu}", j->sum.rows,
	    j->sum.inserted, j->sum.updated, j->sum.unchanged,
	    j->sum.rejected, j->sum.passwords_kept, j->sum.warnings);
}

static int
list_one(const struct uimp_job *j, void *arg)
{
	(void)arg;
	if (opt.json) {
		printf("%s\n  ", first ? "[" : ",");
		print_json(j);
		printf("}");
	} else
		printf("%-5lld %-20s %-8s %7lu %8lu %8lu %9lu %8lu  %s\n",
		    j->id, or_dash(j->finished_at), or_dash(j->outcome),
		    j->sum.rows, j->sum.inserted, j->sum.updated,
		    j->sum.unchanged, j->sum.rejected, or_dash(j->file));
	first = 0;
	return 0;
}

static int
show_one(const struct uimp_job *j, void *arg)
{
	(void)arg;
	if (opt.json) {
		print_json(j);
		return 0;
	}
	printf("job       %lld\nstarted   %s\nfinished  %s\n"
	    "by        %s@%s\nfile      %s\nsha256    %s\nsheet     %s\n"
	    "mode      %s\noptions   %s\noutcome   %s\n", j->id,
	    or_dash(j->started_at), or_dash(j->finished_at), or_dash(j->user),
	    or_dash(j->host), or_dash(j->file), or_dash(j->sha256),
	    or_dash(j->sheet), or_dash(j->mode), or_dash(j->options),
	    or_dash(j->outcome));
	printf("rows      %lu: %lu inserted, %lu updated, %lu unchanged, "
	    "%lu rejected, %lu password%s left alone, %lu warning%s\n",
	    j->sum.rows, j->sum.inserted, j->sum.updated, j->sum.unchanged,
	    j->sum.rejected, j->sum.passwords_kept,
	    j->sum.passwords_kept == 1 ? "" : "s", j->sum.warnings,
	    j->sum.warnings == 1 ? "" : "s");
	return 0;
}

static int
show_finding(const struct uimp_finding *f, void *arg)
{
	(void)arg;
	if (!opt.json) {
		print_finding(stdout, f);
		return 0;
	}
	print_finding_json(f, first);
	first = 0;
	return 0;
}

static long long
job_number(const char *s)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || n < 1) {
		warnx("'%s': expected a job number", s);
		usage(stderr, EXIT_USAGE);
	}
	return n;
}

int
main(int argc, char *argv[])
{
	struct uimp_err e;
	unsigned long limit = 0, found;
	long long id;
	char *end;
	int ch, rc;

	memset(&e, 0, sizeof(e));
	while ((ch = getopt_long(argc, argv, COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (common_opt(ch, optarg, usage))
			continue;
		if (ch != OPT_LIMIT)
			usage(stderr, EXIT_USAGE);
		errno = 0;
		limit = strtoul(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || errno || limit == 0 ||
		    *optarg == '-') {
			warnx("--limit '%s': expected a number of jobs",
			    optarg);
			usage(stderr, EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		if (!opt.json && !opt.quiet)
			printf("%-5s %-20s %-8s %7s %8s %8s %9s %8s  %s\n",
			    "JOB", "FINISHED", "OUTCOME", "ROWS", "INSERTED",
			    "UPDATED", "UNCHANGED", "REJECTED", "FILE");
		rc = uimp_jobs_each(db_path_opt(), opt.wait_s, 0, limit,
		    list_one, NULL, &found, &e);
		if (rc == UIMP_OK && opt.json)
			printf("%s]\n", first ? "[" : "\n");
		if (rc != UIMP_OK)
			die_err(&e);
		finish(EXIT_OK);
	}
	if (argc != 2 || strcmp(argv[0], "show") != 0)
		usage(stderr, EXIT_USAGE);
	id = job_number(argv[1]);
	rc = uimp_jobs_each(db_path_opt(), opt.wait_s, id, 0, show_one, NULL,
	    &found, &e);
	if (rc != UIMP_OK)
		die_err(&e);
	if (found == 0)
		errx(EXIT_USAGE, "%s: no job %lld", db_path_opt(), id);
	if (opt.json)
		printf(",\n  \"findings\": [");
	first = 1;
	if ((rc = uimp_job_findings(db_path_opt(), opt.wait_s, id,
	    show_finding, NULL, &e)) != UIMP_OK)
		die_err(&e);
	if (opt.json)
		printf("\n  ]\n}\n");
	finish(EXIT_OK);
}
