/*
 * labels.c: userimp-labels, the labels users carry: list, add, rename,
 * remove.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "dircmd.h"

#define COMMON	"[-qv] [-d db] [--json] [--wait seconds]"

/* The SYNOPSIS of userimp-labels(1); exits with code. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp labels " COMMON " [list]\n"
	    "       userimp labels " COMMON " add name ...\n"
	    "       userimp labels " COMMON " rename old new\n"
	    "       userimp labels " COMMON " [--force] remove name\n");
	finish(code);
}

int
main(int argc, char *argv[])
{
	struct uimp_dir_change c;
	const char *type, *sub;
	int force;

	dir_options(&argc, &argv, &force, &type, usage);
	sub = argc > 0 ? argv[0] : "list";
	if (type) {
		warnx("--type is for userimp groups and userimp fields");
		usage(stderr, EXIT_USAGE);
	}
	if (force && strcmp(sub, "remove") != 0) {
		warnx("--force goes with remove only");
		usage(stderr, EXIT_USAGE);
	}
	memset(&c, 0, sizeof(c));
	c.kind = UIMP_DIR_LABEL;
	c.force = force;
	c.names = (const char *const *)argv + 1;
	c.n = argc > 0 ? (size_t)argc - 1 : 0;
	if (argc == 0 || dir_sub(sub, "list", argc, 0, 0, usage))
		dir_list(UIMP_DIR_LABEL, NULL);
	if (dir_sub(sub, "add", argc, 1, -1, usage))
		dir_apply(&c);
	c.action = UIMP_DIR_RENAME;
	if (dir_sub(sub, "rename", argc, 2, 2, usage))
		dir_apply(&c);
	c.action = UIMP_DIR_REMOVE;
	if (dir_sub(sub, "remove", argc, 1, 1, usage))
		dir_apply(&c);
	warnx("'%s' is not a subcommand: list, add, rename or remove", sub);
	usage(stderr, EXIT_USAGE);
}
