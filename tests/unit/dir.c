/*
 * dir.c: tests of the directory's internal API in lib/db.c and lib/dir.c
 * (what import, template and export use): group types, groups, labels,
 * custom fields, a user's share of each, and the rules of names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"
#include "tap.h"

static char path[256];

/* Run sql on the store with sqlite3 itself; 0 or -1. */
static int
sql_exec(const char *sql)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open(path, &h) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

/* dir_name_check() of kind on s: "ok:<out>" or "bad". */
static const char *
check(int kind, const char *s)
{
	static char res[512];
	char out[420], msg[160];

	if (dir_name_check(kind, s, strlen(s), out, sizeof(out), msg,
	    sizeof(msg)) != 0)
		return "bad";
	snprintf(res, sizeof(res), "ok:%s", out);
	return res;
}

static void
test_names(void)
{
	is(check(UIMP_DIR_TYPE, " cost center "), "ok:cost center",
	    "type: trimmed, a space inside");
	is(check(UIMP_DIR_TYPE, "a_b-c.d"), "ok:a_b-c.d", "type: _ - .");
	is(check(UIMP_DIR_TYPE, "company_id"), "bad", "type: _id");
	is(check(UIMP_DIR_TYPE, "Company ID"), "bad", "type: ' ID'");
	is(check(UIMP_DIR_TYPE, "paid"), "ok:paid", "type: 'id' in a word");
	is(check(UIMP_DIR_TYPE, "café"), "bad", "type: ASCII only");
	is(check(UIMP_DIR_TYPE, "--"), "bad", "type: a letter or digit");
	is(check(UIMP_DIR_FIELD, ""), "bad", "field: empty");
	is(check(UIMP_DIR_GROUP, "\tNorth East \r\n"), "ok:North East",
	    "group: trimmed of white space");
	is(check(UIMP_DIR_GROUP, "Москва"), "ok:Москва",
	    "group: any script");
	is(check(UIMP_DIR_GROUP, "a:b"), "ok:a:b", "group: ':' allowed");
	is(check(UIMP_DIR_LABEL, "a:b"), "bad", "label: no ':'");
	is(check(UIMP_DIR_LABEL, "a\x7f"), "bad", "label: DEL");
	is(check(UIMP_DIR_LABEL, "a\xc2\x85"), "bad", "label: C1 control");
	is(check(UIMP_DIR_LABEL, "a\xff"), "bad", "label: not UTF-8");
	is(dir_field_type_name(dir_field_type("date")), "date",
	    "field types by name");
	ok(dir_field_type("Date") == -1, "field types are lowercase");
}

static void
test_api(void)
{
	struct uimp_db *db;
	struct uimp_err e;
	struct dir_type *t = NULL;
	struct dir_field *f = NULL;
	size_t nt = 0, nf = 0, n = 0;
	long long id, g1, g2, gids[8], *ids = NULL, want[2];
	char *vals[4];
	int found, rc;

	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, UIMP_DB_CREATE, 0, &e);
	ok(rc == UIMP_OK, "open a new store: %s", e.msg);
	if (rc != UIMP_OK)
		return;
	ok(db_dir_types(db, &t, &nt, &e) == UIMP_OK && nt == 6 &&
	    t[0].id == 1 && strcmp(t[0].name, "region") == 0 &&
	    strcmp(t[5].name, "appointment") == 0, "the six seeded types");
	ok(db_dir_fields(db, &f, &nf, &e) == UIMP_OK && nf == 0 && f == NULL,
	    "no custom field");
	ok(db_begin(db, &e) == UIMP_OK, "begin");
	ok(db_group_create(db, 1, "North", &g1, &e) == UIMP_OK && g1 > 0,
	    "create a group");
	ok(db_group_create(db, 1, "NORTH", &id, &e) == UIMP_EINVAL,
	    "the same name in another case: UIMP_EINVAL (%s)", e.msg);
	ok(db_group_create(db, 2, "North", &g2, &e) == UIMP_OK && g2 != g1,
	    "the same name in another type");
	ok(db_group_create(db, 1, " x", &id, &e) == UIMP_EINVAL,
	    "an untrimmed name: UIMP_EINVAL");
	ok(db_group_find(db, 1, "nOrTh", &id, &e) == UIMP_OK && id == g1,
	    "find in any case");
	ok(db_group_find(db, 3, "North", &id, &e) == UIMP_OK && id == 0,
	    "not in another type");
	ok(db_group_by_id(db, 2, g2, &found, &e) == UIMP_OK && found,
	    "by id");
	ok(db_group_by_id(db, 1, g2, &found, &e) == UIMP_OK && !found,
	    "by id, of another type: none");
	ok(db_commit(db, &e) == UIMP_OK, "commit");
	if (sql_exec("INSERT INTO users (id, username, email, created_at, "
	    "updated_at) VALUES (5, 'a', 'a@x.org', '', ''); "
	    "INSERT INTO labels (id, name) VALUES (3, 'VIP'), (1, 'vip'); "
	    "INSERT INTO custom_fields (id, name, type) VALUES "
	    "(1, 'badge', 'text'), (2, 'hired', 'date')") != 0)
		ok(0, "make a user, labels and fields");
	dir_free_fields(f, nf);
	ok(db_dir_fields(db, &f, &nf, &e) == UIMP_OK && nf == 2 &&
	    f[1].type == DIR_DATE && strcmp(f[0].name, "badge") == 0,
	    "the fields, with their types");
	ok(db_begin(db, &e) == UIMP_OK, "begin");
	ok(db_user_group_set(db, 5, 1, g1, &e) == UIMP_OK, "put in North");
	ok(db_user_group_set(db, 5, 1, g2, &e) == UIMP_EINVAL,
	    "a group of another type: UIMP_EINVAL");
	ok(db_user_group_set(db, 5, 2, g2, &e) == UIMP_OK, "a city too");
	ok(db_user_groups(db, 5, t, nt, gids, &e) == UIMP_OK &&
	    gids[0] == g1 && gids[1] == g2 && gids[2] == 0,
	    "the user's group of each type");
	ok(db_user_group_set(db, 5, 2, 0, &e) == UIMP_OK &&
	    db_user_groups(db, 5, t, nt, gids, &e) == UIMP_OK && gids[1] == 0,
	    "out of the city");
	ok(db_label_find(db, "VIP", &id, &e) == UIMP_OK && id == 3,
	    "a label by name");
	ok(db_label_find(db, "Vip", &id, &e) == UIMP_OK && id == 0,
	    "case-sensitive");
	ok(db_label_by_id(db, 1, &found, &e) == UIMP_OK && found &&
	    db_label_by_id(db, 2, &found, &e) == UIMP_OK && !found,
	    "labels by id");
	want[0] = 3;
	want[1] = 1;
	ok(db_user_labels_set(db, 5, want, 2, &e) == UIMP_OK, "set labels");
	ok(db_user_labels(db, 5, &ids, &n, &e) == UIMP_OK && n == 2 &&
	    ids[0] == 1 && ids[1] == 3, "read back, sorted");
	free(ids);
	want[0] = 7;
	ok(db_user_labels_set(db, 5, want, 1, &e) == UIMP_EINVAL,
	    "no label 7: UIMP_EINVAL");
	ok(db_user_labels_set(db, 5, NULL, 0, &e) == UIMP_OK &&
	    db_user_labels(db, 5, &ids, &n, &e) == UIMP_OK && n == 0 &&
	    ids == NULL, "set none");
	ok(db_user_value_set(db, 5, 2, "2024-01-31", &e) == UIMP_OK &&
	    db_user_value_set(db, 5, 1, "B-1", &e) == UIMP_OK &&
	    db_user_value_set(db, 5, 1, "B-2", &e) == UIMP_OK, "set values");
	ok(db_user_values(db, 5, f, nf, vals, &e) == UIMP_OK &&
	    tap_streq(vals[0], "B-2") && tap_streq(vals[1], "2024-01-31"),
	    "read them back, by field");
	free(vals[0]);
	free(vals[1]);
	ok(db_user_value_set(db, 5, 2, NULL, &e) == UIMP_OK &&
	    db_user_values(db, 5, f, nf, vals, &e) == UIMP_OK &&
	    vals[1] == NULL, "NULL removes a value");
	free(vals[0]);
	ok(db_user_value_set(db, 5, 9, "x", &e) == UIMP_EINVAL,
	    "no field 9: UIMP_EINVAL");
	ok(db_commit(db, &e) == UIMP_OK, "commit");
	ok(sql_exec("PRAGMA foreign_keys = ON; DELETE FROM users WHERE id = 5")
	    == 0, "remove the user");
	ok(db_user_groups(db, 5, t, nt, gids, &e) == UIMP_OK && gids[0] == 0 &&
	    db_user_values(db, 5, f, nf, vals, &e) == UIMP_OK &&
	    vals[0] == NULL, "the rows went with the user");
	dir_free_types(t, nt);
	dir_free_fields(f, nf);
	uimp_db_close(db);

	/* a store at schema 2, read as it is */
	if (sql_exec("DROP TABLE user_values; DROP TABLE custom_fields; "
	    "DROP TABLE user_labels; DROP TABLE labels; DROP TABLE "
	    "user_groups; DROP TABLE groups; DROP TABLE group_types; "
	    "PRAGMA user_version = 2") != 0)
		ok(0, "make a schema 2 store");
	rc = uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e);
	ok(rc == UIMP_OK, "open a schema 2 store read-only");
	if (rc != UIMP_OK)
		return;
	ok(db_dir_types(db, &t, &nt, &e) == UIMP_OK && nt == 6 &&
	    t[5].id == 6, "the seeded types");
	ok(db_dir_fields(db, &f, &nf, &e) == UIMP_OK && nf == 0, "no fields");
	ok(db_group_find(db, 1, "North", &id, &e) == UIMP_OK && id == 0,
	    "no groups");
	ok(db_user_labels(db, 5, &ids, &n, &e) == UIMP_OK && n == 0,
	    "no labels");
	dir_free_types(t, nt);
	uimp_db_close(db);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/userimp-dir.%ld.db", tmp && *tmp ?
	    tmp : "/tmp", (long)getpid());
	unlink(path);
	test_names();
	test_api();
	unlink(path);
	return done_testing();
}
