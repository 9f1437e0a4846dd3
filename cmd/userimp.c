/*
 * userimp.c: the front command: global options, then exec userimp-<cmd>
 * from $USERIMP_EXEC_PATH or the libexec folder.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const struct {
	const char	*name;
	const char	*what;
} commands[] = {
	{ "import",	"create and update users from an xlsx or CSV file" },
	{ "check",	"validate a file against the rules and the store" },
	{ "config",	"show and set the store's settings" },
	{ "template",	"hand out the import template, xlsx or CSV" },
	{ "export",	"write users out as xlsx, CSV or JSON" },
	{ "jobs",	"list the recorded imports, show one's findings" },
	{ "user",	"show, disable, enable, remove one user; passwd" },
	{ "groups",	"list and manage group types and their groups" },
	{ "labels",	"list and manage the labels users carry" },
	{ "fields",	"list and manage custom fields" },
};

static void
usage(FILE *f, int code)
{
	size_t i;

	fprintf(f, "usage: userimp [-h | --help] [--version] command "
	    "[args ...]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'userimp command --help' and userimp-command(1) tell "
	    "more.\n");
	finish(code);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",    no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL,      0,           NULL, 0 }
	};
	const char *dir, *p, *cmd;
	char path[PATH_MAX];
	int ch;

	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1)
		switch (ch) {
		case 'h':
			usage(stdout, EXIT_OK);
			break;
		case OPT_VERSION:
			printf("userimp %s\n", UIMP_VERSION);
			finish(EXIT_OK);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(stderr, EXIT_USAGE);
	for (p = argv[0]; *p >= 'a' && *p <= 'z'; p++)
		;
	if (*p != '\0' || p == argv[0] || p - argv[0] > 32) {
		warnx("'%s' is not a userimp command; see 'userimp --help'",
		    argv[0]);
		exit(EXIT_USAGE);
	}
	if ((dir = getenv("USERIMP_EXEC_PATH")) == NULL || *dir == '\0')
		dir = LIBEXECDIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/userimp-%s", dir,
	    argv[0]) >= sizeof(path))
		errx(EXIT_USAGE, "'%s': path too long", dir);
	/* the command names itself in its messages as userimp-<cmd> */
	cmd = argv[0];
	argv[0] = strrchr(path, '/') + 1;
	execv(path, argv);
	if (errno == ENOENT) {
		warnx("'%s' is not a userimp command; see 'userimp --help'",
		    cmd);
		exit(EXIT_USAGE);
	}
	err(EXIT_INTERNAL, "cannot run '%s'", path);
}
