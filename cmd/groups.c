/*
 * groups.c: userimp-groups, the group types and their groups: list, add,
 * rename, remove, and a list of groups imported from a file.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dircmd.h"

#define COMMON	"[-qv] [-d db] [--json] [--wait seconds]"

/* The SYNOPSIS of userimp-groups(1); exits with code. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp groups " COMMON " [list] [--type type]\n"
	    "       userimp groups " COMMON " types\n"
	    "       userimp groups " COMMON " add type name ...\n"
	    "       userimp groups " COMMON " rename type old new\n"
	    "       userimp groups " COMMON " [--force] remove type name\n"
	    "       userimp groups " COMMON " add-type name ...\n"
	    "       userimp groups " COMMON " [--force] remove-type name\n"
	    "       userimp groups " COMMON " import file\n");
	finish(code);
}

static int first = 1;

/* A finding of groups import: a line on stderr, or JSON on stdout. */
static int
finding(const struct uimp_finding *f, void *arg)
{
	(void)arg;
	if (opt.json)
		print_finding_json(f, first);
	else
		print_finding(stderr, f);
	first = 0;
	return 0;
}

/* groups import FILE: every group the file lists; exits. */
static void
import(const char *path)
{
	struct uimp_summary sum;
	struct uimp_err e;
	char *file;

	memset(&e, 0, sizeof(e));
	if (opt.json)
		printf("{\"findings\": [");
	if (uimp_groups_import(db_path_opt(), opt.wait_s, path, NULL, finding,
	    NULL, &sum, &e) != UIMP_OK) {
		if (opt.json)
			printf("]}\n");
		die_err(&e);
	}
	if (!opt.quiet)
		fprintf(stderr, "%s: %lu row%s: %lu added, %lu unchanged, %lu "
		    "rejected%s\n", path, sum.rows, sum.rows == 1 ? "" : "s",
		    sum.inserted, sum.unchanged, sum.rejected, sum.rejected ?
		    "; nothing written" : "");
	if (opt.json) {
		file = xjson(path);
		printf("%s], \"file\": %s, \"summary\": {\"rows\": %lu, "
		    "\"inserted\": %lu, \"unchanged\": %lu, \"rejected\": "
		    "%lu}}\n", first ? "" : "\n", file, sum.rows,
		    sum.inserted, sum.unchanged, sum.rejected);
		free(file);
	}
	finish(sum.rejected ? EXIT_REJECTED : EXIT_OK);
}

int
main(int argc, char *argv[])
{
	struct uimp_dir_change c;
	const char *type, *sub;
	int force;

	dir_options(&argc, &argv, &force, &type, usage);
	sub = argc > 0 ? argv[0] : "list";
	if (type && strcmp(sub, "list") != 0) {
		warnx("--type goes with list only");
		usage(stderr, EXIT_USAGE);
	}
	if (force && strcmp(sub, "remove") != 0 &&
	    strcmp(sub, "remove-type") != 0) {
		warnx("--force goes with remove and remove-type only");
		usage(stderr, EXIT_USAGE);
	}
	memset(&c, 0, sizeof(c));
	c.force = force;
	c.names = (const char *const *)argv + 1;
	c.n = argc > 0 ? (size_t)argc - 1 : 0;
	if (argc == 0 || dir_sub(sub, "list", argc, 0, 0, usage))
		dir_list(UIMP_DIR_GROUP, type);
	if (dir_sub(sub, "types", argc, 0, 0, usage))
		dir_list(UIMP_DIR_TYPE, NULL);
	if (dir_sub(sub, "import", argc, 1, 1, usage))
		import(argv[1]);
	if (dir_sub(sub, "add-type", argc, 1, -1, usage)) {
		c.kind = UIMP_DIR_TYPE;
		dir_apply(&c);
	}
	if (dir_sub(sub, "remove-type", argc, 1, 1, usage)) {
		c.kind = UIMP_DIR_TYPE;
		c.action = UIMP_DIR_REMOVE;
		dir_apply(&c);
	}
	c.kind = UIMP_DIR_GROUP;
	c.type = argc > 1 ? argv[1] : NULL;
	c.names = (const char *const *)argv + 2;
	c.n = argc > 1 ? (size_t)argc - 2 : 0;
	if (dir_sub(sub, "add", argc, 2, -1, usage))
		dir_apply(&c);
	c.action = UIMP_DIR_RENAME;
	if (dir_sub(sub, "rename", argc, 3, 3, usage))
		dir_apply(&c);
	c.action = UIMP_DIR_REMOVE;
	if (dir_sub(sub, "remove", argc, 2, 2, usage))
		dir_apply(&c);
	warnx("'%s' is not a subcommand: list, types, add, rename, remove, "
	    "add-type, remove-type or import", sub);
	usage(stderr, EXIT_USAGE);
}
