/*
 * fields.c: userimp-fields, the custom fields an organization defines:
 * list, add (with a type), remove.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "dircmd.h"

#define COMMON	"[-qv] [-d db] [--json] [--wait seconds]"

/* The SYNOPSIS of userimp-fields(1); exits with code. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp fields " COMMON " [list]\n"
	    "       userimp fields " COMMON " add name "
	    "--type text|number|date|bool\n"
	    "       userimp fields " COMMON " [--force] remove name\n");
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
	if ((type != NULL) != (strcmp(sub, "add") == 0)) {
		warnx("add needs --type text|number|date|bool, and --type "
		    "goes with add only");
		usage(stderr, EXIT_USAGE);
	}
	if (force && strcmp(sub, "remove") != 0) {
		warnx("--force goes with remove only");
		usage(stderr, EXIT_USAGE);
	}
	memset(&c, 0, sizeof(c));
	c.kind = UIMP_DIR_FIELD;
	c.type = type;
	c.force = force;
	c.names = (const char *const *)argv + 1;
	c.n = argc > 0 ? (size_t)argc - 1 : 0;
	if (argc == 0 || dir_sub(sub, "list", argc, 0, 0, usage))
		dir_list(UIMP_DIR_FIELD, NULL);
	if (dir_sub(sub, "add", argc, 1, 1, usage))
		dir_apply(&c);
	c.action = UIMP_DIR_REMOVE;
	if (dir_sub(sub, "remove", argc, 1, 1, usage))
		dir_apply(&c);
	warnx("'%s' is not a subcommand: list, add or remove", sub);
	usage(stderr, EXIT_USAGE);
}
