/*
 * cmd.h: what the userimp-<cmd> programs share: exit codes, the options
 * every command takes, reporting, allocation that dies on failure.
 */
#ifndef USERIMP_CMD_H
#define USERIMP_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "userimp.h"

/* Exit codes, the same for every command (userimp(1) EXIT STATUS). */
enum {
	EXIT_OK = 0,		/* done, nothing rejected */
	EXIT_REJECTED = 1,	/* rows rejected or invalid */
	EXIT_USAGE = 2,		/* usage error, unknown command */
	EXIT_INPUT = 3,		/* the file cannot be read as a table */
	EXIT_STORE = 4,		/* store unavailable: worth retrying */
	EXIT_INTERNAL = 5	/* internal error */
};

/* Long options without a short form: past 255, clear of characters. */
enum {
	OPT_JSON = 256, OPT_VERSION, OPT_WAIT, OPT_MODE, OPT_ON_ERROR,
	OPT_DRY_RUN, OPT_SHEET, OPT_MAP, OPT_EMPTY, OPT_UPDATE_PASSWORDS,
	OPT_IGNORE_UNKNOWN, OPT_DELIMITER, OPT_FORMAT, OPT_COLUMNS,
	OPT_STATUS, OPT_SINCE, OPT_MATCH, OPT_WITH_HASHES, OPT_BOM, OPT_FORCE,
	OPT_LIMIT, OPT_ERRORS, OPT_GENERATE_PASSWORDS, OPT_CREDENTIALS,
	OPT_MUST_CHANGE, OPT_INVITE, OPT_INVITE_TEMPLATE, OPT_SENDMAIL,
	OPT_BLOCK_MISSING, OPT_MAX_CHANGES, OPT_OLDER_THAN, OPT_KEEP,
	OPT_GENERATE, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_KEY, OPT_ENCODING,
	OPT_TYPE, OPT_CREATE_GROUPS
};

/* The options every command takes, for its longopts[]. */
#define COMMON_LONGOPTS \
	{ "db",      required_argument, NULL, 'd' }, \
	{ "quiet",   no_argument,       NULL, 'q' }, \
	{ "verbose", no_argument,       NULL, 'v' }, \
	{ "json",    no_argument,       NULL, OPT_JSON }, \
	{ "wait",    required_argument, NULL, OPT_WAIT }, \
	{ "help",    no_argument,       NULL, 'h' }, \
	{ "version", no_argument,       NULL, OPT_VERSION }
#define COMMON_SHORTOPTS "d:qvh"

/* The state of the common options, set by common_opt(). */
struct common {
	const char	*db;		/* -d, else $USERIMP_DB, else ./userimp.db */
	int		 quiet;
	int		 verbose;
	int		 json;
	int		 wait_s;	/* --wait, default 10 */
};

extern struct common opt;

/*
 * Handle option ch (from getopt_long) if it is a common one: returns 1 when
 * handled, 0 otherwise.  --help calls usage(stdout, EXIT_OK); --version
 * prints and exits.
 */
int	common_opt(int ch, const char *arg, void (*usage)(FILE *, int));

/* The store's path after the options: -d, $USERIMP_DB, ./userimp.db. */
const char	*db_path_opt(void);

/* The exit code for a lib/ status. */
int	exit_for(int status);

/* Print "PROG: WHERE: MSG[: strerror]" for e and exit with its code. */
void	die_err(const struct uimp_err *e) __attribute__((noreturn));

/* Print one finding in the form of SPEC §5 to out. */
void	print_finding(FILE *out, const struct uimp_finding *f);

/*
 * Print one finding as an element of the JSON array "findings" on stdout,
 * after a comma unless it is the first.
 */
void	print_finding_json(const struct uimp_finding *f, int first);

/*
 * Print the member "error" of a command's JSON document on stdout: where,
 * message and the exit status for rc, and a comma after it.
 */
void	print_error_json(int rc, const struct uimp_err *e);

/* Flush stdout and exit with code, or with EXIT_INTERNAL on a write error. */
void	finish(int code) __attribute__((noreturn));

void	*xmalloc(size_t n);
char	*xstrdup(const char *s);
/* A JSON string literal for s, dying when out of memory. */
char	*xjson(const char *s);

/*
 * The enum uimp_export_format that --format names (given, may be NULL) or
 * that the output file's ending tells ("-": CSV); formats past max are
 * refused.  Dies with a usage message when neither tells.
 */
int	output_format(const char *given, const char *path, int max,
	    void (*usage)(FILE *, int));

/* import.c and check.c share their options and their run. */
int	run_import(int argc, char *argv[], int check);

#endif
