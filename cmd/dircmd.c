/*
 * dircmd.c: the lists and changes of userimp-groups, userimp-labels and
 * userimp-fields, and the reports they print.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dircmd.h"

const struct option dir_longopts[] = {
	COMMON_LONGOPTS,
	{ "force", no_argument,       NULL, OPT_FORCE },
	{ "type",  required_argument, NULL, OPT_TYPE },
	{ NULL,    0,                 NULL, 0 }
};

static const char *const kind_name[] = {
	[UIMP_DIR_TYPE] = "group type", [UIMP_DIR_GROUP] = "group",
	[UIMP_DIR_LABEL] = "label", [UIMP_DIR_FIELD] = "custom field"
};

static const char *const kind_json[] = {
	[UIMP_DIR_TYPE] = "group_type", [UIMP_DIR_GROUP] = "group",
	[UIMP_DIR_LABEL] = "label", [UIMP_DIR_FIELD] = "field"
};

void
dir_options(int *argc, char ***argv, int *force, const char **type,
    void (*usage)(FILE *, int))
{
	int ch;

	*force = 0;
	*type = NULL;
	while ((ch = getopt_long(*argc, *argv, COMMON_SHORTOPTS, dir_longopts,
	    NULL)) != -1) {
		if (common_opt(ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_FORCE:
			*force = 1;
			break;
		case OPT_TYPE:
			*type = optarg;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	*argc -= optind;
	*argv += optind;
}

int
dir_sub(const char *s, const char *sub, int argc, int min, int max,
    void (*usage)(FILE *, int))
{
	if (strcmp(s, sub) != 0)
		return 0;
	if (argc - 1 < min || (max >= 0 && argc - 1 > max)) {
		warnx("%s: %s operands", sub, argc - 1 < min ? "too few" :
		    "too many");
		usage(stderr, EXIT_USAGE);
	}
	return 1;
}

/* Write entry d as a JSON object to out. */
static void
entry_json(FILE *out, const struct uimp_dir_entry *d)
{
	char *n = xjson(d->name), *t = d->type ? xjson(d->type) : NULL;

	fprintf(out, "{\"id\": %lld, \"name\": %s", d->id, n);
	if (d->kind == UIMP_DIR_GROUP)
		fprintf(out, ", \"type\": %s, \"type_id\": %lld", t,
		    d->type_id);
	if (d->kind == UIMP_DIR_FIELD)
		fprintf(out, ", \"type\": %s", t);
	if (d->kind == UIMP_DIR_TYPE)
		fprintf(out, ", \"groups\": %lu, \"builtin\": %s", d->groups,
		    d->builtin ? "true" : "false");
	fprintf(out, ", \"users\": %lu}", d->users);
	free(n);
	free(t);
}

static int first = 1;

/* One entry of a list: a line of tab-separated columns, or JSON. */
static int
list_one(const struct uimp_dir_entry *d, void *arg)
{
	(void)arg;
	if (opt.json) {
		printf("%s\n  ", first ? "[" : ",");
		entry_json(stdout, d);
	} else if (d->kind == UIMP_DIR_TYPE)
		printf("%lld\t%s\t%lu\t%lu\n", d->id, d->name, d->groups,
		    d->users);
	else if (d->kind == UIMP_DIR_GROUP)
		printf("%lld\t%s\t%s\t%lu\n", d->id, d->type, d->name,
		    d->users);
	else if (d->kind == UIMP_DIR_FIELD)
		printf("%lld\t%s\t%s\t%lu\n", d->id, d->name, d->type,
		    d->users);
	else
		printf("%lld\t%s\t%lu\n", d->id, d->name, d->users);
	first = 0;
	return 0;
}

void
dir_list(int kind, const char *type)
{
	struct uimp_err e;

	memset(&e, 0, sizeof(e));
	if (uimp_dir_list(db_path_opt(), opt.wait_s, kind, type, list_one,
	    NULL, &e) != UIMP_OK)
		die_err(&e);
	if (opt.json)
		printf("%s\n", first ? "[]" : "\n]");
	finish(EXIT_OK);
}

/* What a change reports, kept until it is committed. */
struct report {
	const struct uimp_dir_change	*c;
	FILE				*json, *lines;
	int				 n;
};

/* Note one entry the change touched (uimp_dir_fn). */
static int
note(const struct uimp_dir_entry *d, void *arg)
{
	static const char *const done[] = { "added", "renamed", "removed" };
	struct report *r = arg;

	fprintf(r->json, "%s\n    ", r->n++ ? "," : "");
	entry_json(r->json, d);
	fprintf(r->lines, "%s %s '%s'", done[r->c->action],
	    kind_name[d->kind], d->name);
	if (d->kind == UIMP_DIR_GROUP ||
	    (d->kind == UIMP_DIR_FIELD && r->c->action == UIMP_DIR_ADD))
		fprintf(r->lines, " of type '%s'", d->type);
	if (r->c->action == UIMP_DIR_RENAME)
		fprintf(r->lines, " (was '%s')", r->c->names[0]);
	if (r->c->action == UIMP_DIR_ADD)
		fprintf(r->lines, " (id %lld)", d->id);
	if (r->c->action == UIMP_DIR_REMOVE && d->kind == UIMP_DIR_TYPE &&
	    d->groups)
		fprintf(r->lines, " with its %lu group%s", d->groups,
		    d->groups == 1 ? "" : "s");
	if (r->c->action == UIMP_DIR_REMOVE && d->users)
		fprintf(r->lines, "; %lu user%s %s", d->users, d->users == 1 ?
		    "" : "s", d->kind == UIMP_DIR_FIELD ? "lost their value" :
		    "taken out");
	fputc('\n', r->lines);
	return 0;
}

void
dir_apply(const struct uimp_dir_change *c)
{
	static const char *const action[] = { "add", "rename", "remove" };
	struct report r;
	struct uimp_err e;
	char *json = NULL, *lines = NULL, *p, *nl;
	size_t jn = 0, ln = 0;

	memset(&e, 0, sizeof(e));
	r.c = c;
	r.n = 0;
	if ((r.json = open_memstream(&json, &jn)) == NULL ||
	    (r.lines = open_memstream(&lines, &ln)) == NULL)
		err(EXIT_INTERNAL, "open_memstream");
	if (uimp_dir_change(db_path_opt(), opt.wait_s, c, note, &r, &e) !=
	    UIMP_OK)
		die_err(&e);
	if (fclose(r.json) == EOF || fclose(r.lines) == EOF)
		err(EXIT_INTERNAL, "open_memstream");
	for (p = lines; !opt.quiet && p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		warnx("%.*s", (int)(nl - p), p);
	}
	if (opt.json)
		printf("{\"action\": \"%s\", \"kind\": \"%s\", \"entries\": "
		    "[%s\n  ]}\n", action[c->action], kind_json[c->kind], json);
	free(json);
	free(lines);
	finish(EXIT_OK);
}
