/*
 * config.c: userimp-config, show and set the settings kept in the store.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static int first = 1;

static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp config [-qv] [-d db] [--json] "
	    "[--wait seconds] [key [value]]\n");
	finish(code);
}

static int
show(const char *key, const char *value, const char *desc, void *arg)
{
	char *k, *v;

	(void)arg;
	if (opt.json) {
		k = xjson(key);
		v = xjson(value);
		printf("%s\n  %s: %s", first ? "{" : ",", k, v);
		free(k);
		free(v);
	} else if (opt.verbose)
		printf("%s=%s\t# %s\n", key, value, desc);
	else
		printf("%s=%s\n", key, value);
	first = 0;
	return 0;
}

/* --json when a setting is set: what it is now, and the warning. */
static void
print_set(const char *key, const char *value, const char *warning)
{
	char *k = xjson(key), *v = xjson(value), *w = warning ?
	    xjson(warning) : xstrdup("null");

	printf("{\"key\": %s, \"value\": %s, \"warning\": %s}\n", k, v, w);
	free(k);
	free(v);
	free(w);
}

int
main(int argc, char *argv[])
{
	struct uimp_db *db = NULL;
	struct uimp_err e;
	const char *warning;
	char *value;
	int ch, rc;

	memset(&e, 0, sizeof(e));
	while ((ch = getopt_long(argc, argv, COMMON_SHORTOPTS, longopts,
	    NULL)) != -1)
		if (!common_opt(ch, optarg, usage))
			usage(stderr, EXIT_USAGE);
	argc -= optind;
	argv += optind;
	if (argc > 2)
		usage(stderr, EXIT_USAGE);
	rc = uimp_db_open(&db, db_path_opt(), argc == 2 ? UIMP_DB_CREATE :
	    UIMP_DB_READONLY, opt.wait_s, &e);
	if (rc != UIMP_OK)
		die_err(&e);
	if (argc == 0) {
		rc = uimp_db_settings_each(db, show, NULL, &e);
		if (rc == UIMP_OK && opt.json)
			printf("%s}\n", first ? "{" : "\n");
	} else if (argc == 1) {
		if ((rc = uimp_db_setting_get(db, argv[0], &value, &e)) ==
		    UIMP_OK) {
			if (opt.json) {
				char *v = xjson(value);

				printf("%s\n", v);
				free(v);
			} else
				printf("%s\n", value);
			free(value);
		}
	} else {
		rc = uimp_db_setting_set(db, argv[0], argv[1], &warning, &e);
		if (rc == UIMP_OK && opt.json)
			print_set(argv[0], argv[1], warning);
		else if (rc == UIMP_OK && warning && !opt.quiet)
			warnx("warning: %s", warning);
	}
	if (rc != UIMP_OK) {
		uimp_db_close(db);
		die_err(&e);
	}
	if (uimp_db_close(db) != UIMP_OK)
		errx(EXIT_STORE, "%s: cannot close the store", db_path_opt());
	finish(EXIT_OK);
}
