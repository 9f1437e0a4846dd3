/*
 * db.c: tests of lib/db.c in a temporary folder: opening (read-only,
 * creating, foreign and newer files), the schema, settings and their
 * checks, a locked store, and the user functions import.c uses.
 */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"
#include "tap.h"

static char dir[PATH_MAX / 2];

/* dir/name, in one of four rotating buffers. */
static const char *
in_dir(const char *name)
{
	static char path[4][PATH_MAX];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static int
make_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/userimp-db.XXXXXX", tmp);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Remove the files in dir (it holds no folders), then dir. */
static void
remove_dir(void)
{
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			unlink(in_dir(d->d_name));
	closedir(dp);
	if (rmdir(dir) == -1)
		printf("# cannot remove %s: %s\n", dir, strerror(errno));
}

/* The number of entries in dir besides . and .. */
static int
count_files(void)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/* Run SQL on the file at path with sqlite3 itself; 0 or -1. */
static int
sql_exec(const char *path, const char *sql)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * The first column of the first row of query on the file at path, as
 * text in a static buffer ("(null)" for NULL), or NULL when it fails or
 * there is no row.
 */
static const char *
sql_text(const char *path, const char *query)
{
	static char out[1024];
	const unsigned char *t;
	sqlite3_stmt *st;
	sqlite3 *h;
	const char *r = NULL;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(h);
		return NULL;
	}
	if (sqlite3_prepare_v2(h, query, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			t = sqlite3_column_text(st, 0);
			snprintf(out, sizeof(out), "%s",
			    t ? (const char *)t : "(null)");
			r = out;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return r;
}

/* The rows of column col of query, joined with commas; static. */
static const char *
sql_list(const char *path, const char *query, int col)
{
	static char out[2048];
	const unsigned char *t;
	sqlite3_stmt *st;
	sqlite3 *h;
	size_t k = 0;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(h);
		return NULL;
	}
	if (sqlite3_prepare_v2(h, query, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW && k < sizeof(out)) {
			t = sqlite3_column_text(st, col);
			k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s",
			    k ? "," : "", t ? (const char *)t : "(null)");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return out;
}

/* The current value of key, in a static buffer ("(error)" on failure). */
static const char *
get(struct uimp_db *db, const char *key)
{
	static char out[256];
	struct uimp_err e;
	char *v;

	if (uimp_db_setting_get(db, key, &v, &e) != UIMP_OK || v == NULL)
		return "(error)";
	snprintf(out, sizeof(out), "%s", v);
	free(v);
	return out;
}

static const char *const keys[] = {
	"password.min_length", "password.max_length",
	"password.require_letter", "password.require_digit",
	"password.allow_space", "argon2.t_cost", "argon2.m_cost",
	"argon2.parallelism", "import.locked_fields", "import.key_memory",
	"new_user.status",
	"new_user.is_manager", "new_user.must_change_password",
	"new_user.contact_no", "invite.from", "invite.sendmail"
};
static const char *const defaults[] = {
	"8", "100", "1", "1", "0", "2", "19456", "1", "", "8192", "active", "0",
	"0",
	"10000", "", "/usr/sbin/sendmail"
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void
test_open_readonly_missing(void)
{
	const char *path = in_dir("missing.db");
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_db *db = (struct uimp_db *)&db;
	struct uimp_err e;
	struct stat sb;
	char *v = (char *)&v;
	size_t i;
	int rc, good;

	rc = uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e);
	ok(rc == UIMP_OK && db != NULL, "read-only open of a missing store: "
	    "%d %s", rc, rc ? e.msg : "");
	if (db == NULL)
		return;
	ok(stat(path, &sb) == -1 && errno == ENOENT && count_files() == 0,
	    "read-only open creates no file");
	good = 1;
	for (i = 0; i < NKEYS; i++)
		if (strcmp(get(db, keys[i]), defaults[i]) != 0) {
			printf("# %s: '%s', want '%s'\n", keys[i],
			    get(db, keys[i]), defaults[i]);
			good = 0;
		}
	ok(good, "every setting reads as its default");
	is(get(db, "argon2.m_cost"), "19456", "argon2.m_cost default");
	is(get(db, "import.locked_fields"), "", "import.locked_fields "
	    "default");
	memset(&e, 0, sizeof(e));
	rc = uimp_db_setting_get(db, "password.nope", &v, &e);
	ok(rc == UIMP_EINVAL && v == NULL && e.status == UIMP_EINVAL,
	    "an unknown key: UIMP_EINVAL, *value NULL");
	is(e.where, "password.nope", "the error names the key");
	memset(&pol, 0, sizeof(pol));
	memset(&cost, 0, sizeof(cost));
	rc = uimp_db_policy(db, &pol, &cost, &e);
	ok(rc == UIMP_OK && pol.min_len == 8 && pol.max_len == 100 &&
	    pol.need_letter == 1 && pol.need_digit == 1 &&
	    pol.allow_space == 0 && cost.t_cost == 2 &&
	    cost.m_cost == 19456 && cost.lanes == 1,
	    "uimp_db_policy of an empty store: the defaults");
	ok(uimp_db_close(db) == UIMP_OK, "uimp_db_close");
	ok(stat(path, &sb) == -1 && count_files() == 0,
	    "still no file after closing");

	ok(uimp_db_open(&db, path, 0, 0, &e) == UIMP_EDB && db == NULL,
	    "a missing store without UIMP_DB_CREATE: UIMP_EDB");
	ok(count_files() == 0, "and no file made");
	ok(uimp_db_close(NULL) == UIMP_OK, "uimp_db_close(NULL)");
}

static void
test_create(void)
{
	static const char cols[] = "id,username,email,password_hash,"
	    "first_name,last_name,company,title,department,about_me,whatsapp,"
	    "work_phone,mobile_phone,fax,website,address,is_manager,"
	    "manager_id,status,must_change_password,contact_no,created_at,"
	    "updated_at";
	const char *path = in_dir("store.db"), *t;
	struct uimp_db *db;
	struct uimp_err e;
	struct stat sb;
	char want[16];
	mode_t old;
	int rc;

	old = umask(0);
	rc = uimp_db_open(&db, path, UIMP_DB_CREATE, 0, &e);
	umask(old);
	ok(rc == UIMP_OK, "UIMP_DB_CREATE under umask 0: %d %s", rc,
	    rc ? e.msg : "");
	if (rc != UIMP_OK)
		return;
	if (stat(path, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	ok(S_ISREG(sb.st_mode) && (sb.st_mode & 07777) == 0600,
	    "the store is mode 0600 (%o)", (unsigned)(sb.st_mode & 07777));
	uimp_db_close(db);

	snprintf(want, sizeof(want), "%d", UIMP_DB_SCHEMA);
	is(sql_text(path, "PRAGMA user_version"), want,
	    "user_version is UIMP_DB_SCHEMA");
	is(sql_list(path, "PRAGMA table_info(users)", 1), cols,
	    "the users columns, in order");
	is(sql_text(path, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'index' AND tbl_name = 'users' AND "
	    "replace(lower(sql), ' ', '') LIKE "
	    "'createuniqueindex%(lower(email))'"), "1",
	    "a unique index on lower(email)");
	t = sql_text(path, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name IN ('users', 'settings', 'jobs', "
	    "'job_findings', 'job_rows')");
	is(t, "5", "the tables of userimp-store(5)");
	/* the index works, whatever its text */
	ok(sql_exec(path, "BEGIN; INSERT INTO users (username, email, "
	    "created_at, updated_at) VALUES ('a', 'X@y.org', '', ''); "
	    "INSERT INTO users (username, email, created_at, updated_at) "
	    "VALUES ('b', 'x@Y.ORG', '', '')") == -1,
	    "two emails that differ in case only are refused");
	is(sql_text(path, "SELECT count(*) FROM users"), "0",
	    "(nothing stayed of that)");

	/* opening again, read-write and with CREATE, changes nothing */
	ok(uimp_db_open(&db, path, 0, 0, &e) == UIMP_OK, "open again");
	uimp_db_close(db);
	ok(uimp_db_open(&db, path, UIMP_DB_CREATE, 0, &e) == UIMP_OK,
	    "open again with UIMP_DB_CREATE");
	uimp_db_close(db);
	ok(uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e) == UIMP_OK,
	    "open again read-only");
	uimp_db_close(db);
	is(sql_text(path, "PRAGMA user_version"), want,
	    "re-opening keeps user_version");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "re-opening keeps the mode");
}

static void
test_foreign(void)
{
	const char *path;
	struct uimp_db *db;
	struct uimp_err e;
	FILE *fp;
	char want[16];
	int i, rc;

	path = in_dir("not.db");
	if ((fp = fopen(path, "w")) == NULL) {
		ok(0, "write %s", path);
		return;
	}
	for (i = 0; i < 100; i++)
		fprintf(fp, "username,email\nalice,alice@example.com\n");
	fclose(fp);
	db = (struct uimp_db *)&db;
	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, 0, 0, &e);
	ok(rc == UIMP_EDB && db == NULL && e.status == UIMP_EDB &&
	    e.msg[0] != '\0', "a file that is not SQLite: UIMP_EDB (%s)",
	    e.msg);
	is(e.where, path, "the error names the file");
	rc = uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e);
	ok(rc == UIMP_EDB && db == NULL, "the same, read-only: UIMP_EDB");
	rc = uimp_db_open(&db, path, UIMP_DB_CREATE, 0, &e);
	ok(rc == UIMP_EDB && db == NULL, "the same, UIMP_DB_CREATE: UIMP_EDB");

	path = in_dir("other.db");
	if (sql_exec(path, "CREATE TABLE customers (id INTEGER, name TEXT); "
	    "INSERT INTO customers VALUES (1, 'x')") == -1) {
		ok(0, "make %s", path);
		return;
	}
	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, 0, 0, &e);
	ok(rc == UIMP_EDB && db == NULL && strstr(e.msg, "not a userimp "
	    "store") != NULL, "SQLite with other tables, user_version 0: "
	    "UIMP_EDB (%s)", e.msg);
	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, UIMP_DB_CREATE, 0, &e);
	ok(rc == UIMP_EDB && strstr(e.msg, "not a userimp store") != NULL,
	    "the same with UIMP_DB_CREATE");
	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e);
	ok(rc == UIMP_EDB && strstr(e.msg, "not a userimp store") != NULL,
	    "the same read-only");
	is(sql_list(path, "SELECT name FROM sqlite_master", 0), "customers",
	    "the foreign file is left as it was");
	is(sql_text(path, "PRAGMA user_version"), "0", "(user_version 0)");

	path = in_dir("newer.db");
	if (sql_exec(path, "CREATE TABLE users (id INTEGER); "
	    "PRAGMA user_version = 99") == -1) {
		ok(0, "make %s", path);
		return;
	}
	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, 0, 0, &e);
	snprintf(want, sizeof(want), "(%d)", UIMP_DB_SCHEMA);
	ok(rc == UIMP_EDB && db == NULL && strstr(e.msg, "99") != NULL &&
	    strstr(e.msg, want) != NULL, "user_version 99: UIMP_EDB naming "
	    "both versions (%s)", e.msg);
	memset(&e, 0, sizeof(e));
	rc = uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e);
	ok(rc == UIMP_EDB && strstr(e.msg, "99") != NULL,
	    "the same read-only (%s)", e.msg);
	is(sql_text(path, "PRAGMA user_version"), "99",
	    "the newer store is left as it was");
}

/* Set key to value; the status, e filled. */
static int
set(struct uimp_db *db, const char *key, const char *value,
    struct uimp_err *e)
{
	memset(e, 0, sizeof(*e));
	return uimp_db_setting_set(db, key, value, NULL, e);
}

static void
test_bounds(struct uimp_db *db)
{
	static const struct {
		const char	*key;
		long		 min, max;
		const char	*after;		/* left set to this */
	} b[] = {
		{ "password.min_length", 1, 1024, "1" },
		{ "password.max_length", 1, 1024, "1024" },
		{ "password.require_letter", 0, 1, "1" },
		{ "password.require_digit", 0, 1, "1" },
		{ "password.allow_space", 0, 1, "0" },
		{ "argon2.t_cost", 1, 64, "2" },
		{ "argon2.m_cost", 8, 1048576, "19456" },
		{ "argon2.parallelism", 1, 64, "1" },
	};
	struct uimp_err e;
	char v[32], want[80];
	size_t i;
	long n;
	int rc;

	/* room for both lengths to reach their bounds */
	ok(set(db, "password.max_length", "1024", &e) == UIMP_OK &&
	    set(db, "password.min_length", "1", &e) == UIMP_OK,
	    "password lengths 1..1024");
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		for (n = b[i].min; n <= b[i].max; n += b[i].max - b[i].min) {
			snprintf(v, sizeof(v), "%ld", n);
			rc = set(db, b[i].key, v, &e);
			ok(rc == UIMP_OK, "%s = %s: %d %s", b[i].key, v, rc,
			    e.msg);
			is(get(db, b[i].key), v, "%s reads %s", b[i].key, v);
			if (b[i].max == b[i].min)
				break;
		}
		snprintf(want, sizeof(want), "expected a whole number from "
		    "%ld to %ld", b[i].min, b[i].max);
		for (n = b[i].min - 1; n <= b[i].max + 1;
		    n += b[i].max - b[i].min + 2) {
			snprintf(v, sizeof(v), "%ld", n);
			rc = set(db, b[i].key, v, &e);
			ok(rc == UIMP_EINVAL && strstr(e.msg, want) != NULL &&
			    strcmp(e.where, b[i].key) == 0,
			    "%s = %s refused: %s", b[i].key, v, e.msg);
			snprintf(v, sizeof(v), "%ld", b[i].max);
			is(get(db, b[i].key), v, "%s still %s", b[i].key, v);
		}
		ok(set(db, b[i].key, b[i].after, &e) == UIMP_OK,
		    "%s = %s", b[i].key, b[i].after);
	}
	ok(set(db, "password.min_length", "8", &e) == UIMP_OK &&
	    set(db, "password.max_length", "100", &e) == UIMP_OK,
	    "password lengths back to 8..100");

	rc = set(db, "password.nope", "1", &e);
	ok(rc == UIMP_EINVAL && strcmp(e.where, "password.nope") == 0 &&
	    e.msg[0] != '\0', "an unknown key: UIMP_EINVAL (%s)", e.msg);
	{
		static const char *const junk[] = {
			"", "abc", "12x", "8 ", "1.5", "0x10", "--1",
			"99999999999999999999999"
		};

		for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
			rc = set(db, "argon2.t_cost", junk[i], &e);
			ok(rc == UIMP_EINVAL, "argon2.t_cost = '%s' refused",
			    junk[i]);
		}
		is(get(db, "argon2.t_cost"), "2", "argon2.t_cost still 2");
	}
}

static void
test_consistency(struct uimp_db *db)
{
	const char *w;
	struct uimp_err e;
	int rc;

	ok(set(db, "password.max_length", "10", &e) == UIMP_OK,
	    "password.max_length = 10");
	rc = set(db, "password.min_length", "11", &e);
	ok(rc == UIMP_EINVAL && strstr(e.msg, "must not exceed") != NULL,
	    "min_length 11 > max_length 10 refused (%s)", e.msg);
	is(get(db, "password.min_length"), "8", "min_length unchanged");
	rc = set(db, "password.max_length", "7", &e);
	ok(rc == UIMP_EINVAL, "max_length 7 < min_length 8 refused (%s)",
	    e.msg);
	is(get(db, "password.max_length"), "10", "max_length unchanged");
	ok(set(db, "password.min_length", "10", &e) == UIMP_OK,
	    "min_length = max_length is allowed");
	ok(set(db, "password.min_length", "8", &e) == UIMP_OK &&
	    set(db, "password.max_length", "100", &e) == UIMP_OK, "back to "
	    "8..100");

	ok(set(db, "argon2.parallelism", "4", &e) == UIMP_OK,
	    "argon2.parallelism = 4");
	rc = set(db, "argon2.m_cost", "31", &e);
	ok(rc == UIMP_EINVAL && strstr(e.msg, "8 KiB per lane") != NULL,
	    "m_cost 31 < 8 * 4 lanes refused (%s)", e.msg);
	is(get(db, "argon2.m_cost"), "19456", "m_cost unchanged");
	ok(set(db, "argon2.m_cost", "32", &e) == UIMP_OK,
	    "m_cost 32 = 8 * 4 lanes allowed");
	rc = set(db, "argon2.parallelism", "5", &e);
	ok(rc == UIMP_EINVAL, "5 lanes with m_cost 32 refused (%s)", e.msg);
	is(get(db, "argon2.parallelism"), "4", "parallelism unchanged");
	ok(set(db, "argon2.m_cost", "19456", &e) == UIMP_OK &&
	    set(db, "argon2.parallelism", "1", &e) == UIMP_OK,
	    "cost back to the default");

	w = (const char *)&w;
	rc = uimp_db_setting_set(db, "argon2.m_cost", "64", &w, &e);
	ok(rc == UIMP_OK && w != NULL && strstr(w, "OWASP") != NULL,
	    "m_cost 64: the weak-cost warning (%s)", rc ? e.msg : w ? w : "");
	w = (const char *)&w;
	rc = uimp_db_setting_set(db, "argon2.m_cost", "19456", &w, &e);
	ok(rc == UIMP_OK && w == NULL, "m_cost 19456: no warning");
	w = (const char *)&w;
	rc = uimp_db_setting_set(db, "password.min_length", "9", &w, &e);
	ok(rc == UIMP_OK && w == NULL, "another setting: no warning");
	w = (const char *)&w;
	rc = uimp_db_setting_set(db, "argon2.m_cost", "1", &w, &e);
	ok(rc == UIMP_EINVAL && w == NULL, "a refused value: no warning");
	ok(set(db, "password.min_length", "8", &e) == UIMP_OK, "back to 8");
}

static void
test_locked_fields(struct uimp_db *db)
{
	static const char *const bad[] = {
		"email,shoe", "email,,x", ",email", "Email", "e-mail",
		"email;last_name", "email, last_name", "nosuchfield"
	};
	unsigned long mask;
	struct uimp_err e;
	size_t i;
	int rc;

	ok(set(db, "import.locked_fields", "email,last_name", &e) == UIMP_OK,
	    "import.locked_fields = email,last_name: %s", e.msg);
	is(get(db, "import.locked_fields"), "email,last_name", "and reads so");
	mask = 0;
	rc = db_locked_fields(db, &mask, &e);
	ok(rc == UIMP_OK &&
	    mask == (1UL << UIMP_F_EMAIL | 1UL << UIMP_F_LAST_NAME),
	    "db_locked_fields: the mask of email and last_name (%#lx)", mask);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = set(db, "import.locked_fields", bad[i], &e);
		ok(rc == UIMP_EINVAL && strcmp(e.where,
		    "import.locked_fields") == 0, "import.locked_fields = '%s' "
		    "refused (%s)", bad[i], e.msg);
	}
	rc = set(db, "import.locked_fields", "email,shoe", &e);
	ok(strstr(e.msg, "'shoe'") != NULL, "the message names the bad field");
	rc = set(db, "import.locked_fields", "email,", &e);
	ok(rc == UIMP_EINVAL, "import.locked_fields = 'email,' refused");
	rc = set(db, "argon2.t_cost", " 3", &e);
	ok(rc == UIMP_EINVAL, "a number with a leading space is refused");
	rc = set(db, "argon2.t_cost", "+3", &e);
	ok(rc == UIMP_EINVAL, "a number with a sign is refused");
	set(db, "import.locked_fields", "email,last_name", &e);
	is(get(db, "import.locked_fields"), "email,last_name",
	    "the refused values changed nothing");
	ok(set(db, "import.locked_fields", "", &e) == UIMP_OK,
	    "import.locked_fields = '' (none)");
	ok(db_locked_fields(db, &mask, &e) == UIMP_OK && mask == 0,
	    "db_locked_fields: none");
}

struct visit {
	int	n, stop_at;
	char	keys[16][64];
	char	values[16][64];
	int	described;
};

static int
visit(const char *key, const char *value, const char *desc, void *arg)
{
	struct visit *v = arg;

	if (v->n < 16) {
		snprintf(v->keys[v->n], sizeof(v->keys[0]), "%s", key);
		snprintf(v->values[v->n], sizeof(v->values[0]), "%s", value);
		if (desc != NULL && *desc != '\0')
			v->described++;
	}
	v->n++;
	return v->n == v->stop_at;
}

static void
test_each(struct uimp_db *db)
{
	struct visit v;
	struct uimp_err e;
	size_t i;
	int good, rc;

	ok(set(db, "argon2.t_cost", "3", &e) == UIMP_OK,
	    "argon2.t_cost = 3");
	memset(&v, 0, sizeof(v));
	rc = uimp_db_settings_each(db, visit, &v, &e);
	ok(rc == UIMP_OK, "uimp_db_settings_each");
	ok(v.n == (int)NKEYS && v.described == (int)NKEYS,
	    "every setting visited once, with a description (%d)", v.n);
	good = v.n == (int)NKEYS;
	for (i = 0; good && i < NKEYS; i++)
		if (strcmp(v.keys[i], keys[i]) != 0 || strcmp(v.values[i],
		    i == 5 ? "3" : defaults[i]) != 0) {
			printf("# %zu: %s=%s\n", i, v.keys[i], v.values[i]);
			good = 0;
		}
	ok(good, "in order, with the current values");
	memset(&v, 0, sizeof(v));
	v.stop_at = 3;
	rc = uimp_db_settings_each(db, visit, &v, &e);
	ok(rc == UIMP_OK && v.n == 3,
	    "the walk stops when the callback returns non-zero (%d)", v.n);
	memset(&v, 0, sizeof(v));
	v.stop_at = 1;
	ok(uimp_db_settings_each(db, visit, &v, &e) == UIMP_OK && v.n == 1,
	    "stopping at the first");
	ok(set(db, "argon2.t_cost", "2", &e) == UIMP_OK, "argon2.t_cost = 2");
}

static void
test_policy(struct uimp_db *db)
{
	static const char *const kv[][2] = {
		{ "password.max_length", "64" },
		{ "password.min_length", "12" },
		{ "password.require_letter", "0" },
		{ "password.require_digit", "0" },
		{ "password.allow_space", "1" },
		{ "argon2.t_cost", "3" },
		{ "argon2.m_cost", "12288" },
		{ "argon2.parallelism", "2" },
	};
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_err e;
	size_t i;
	int good = 1;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		if (set(db, kv[i][0], kv[i][1], &e) != UIMP_OK) {
			printf("# %s = %s: %s\n", kv[i][0], kv[i][1], e.msg);
			good = 0;
		}
	ok(good, "every setting changed");
	memset(&pol, 0, sizeof(pol));
	memset(&cost, 0, sizeof(cost));
	ok(uimp_db_policy(db, &pol, &cost, &e) == UIMP_OK &&
	    pol.min_len == 12 && pol.max_len == 64 && pol.need_letter == 0 &&
	    pol.need_digit == 0 && pol.allow_space == 1 &&
	    cost.t_cost == 3 && cost.m_cost == 12288 && cost.lanes == 2,
	    "uimp_db_policy reflects the settings");
}

static void
test_settings(void)
{
	const char *path = in_dir("store.db");
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_db *db;
	struct uimp_err e;
	int rc;

	if (uimp_db_open(&db, path, 0, 0, &e) != UIMP_OK) {
		ok(0, "open %s: %s", path, e.msg);
		return;
	}
	test_bounds(db);
	test_consistency(db);
	test_locked_fields(db);
	test_each(db);
	test_policy(db);
	uimp_db_close(db);

	/* what was set is in the file */
	is(sql_text(path, "SELECT value FROM settings WHERE key = "
	    "'argon2.m_cost'"), "12288", "settings are in the file");
	rc = uimp_db_open(&db, path, UIMP_DB_READONLY, 0, &e);
	ok(rc == UIMP_OK && uimp_db_policy(db, &pol, &cost, &e) == UIMP_OK &&
	    pol.min_len == 12 && cost.lanes == 2,
	    "and read back by a read-only open");
	if (rc == UIMP_OK) {
		rc = set(db, "password.min_length", "9", &e);
		ok(rc == UIMP_EDB, "a read-only store refuses a setting: %d %s",
		    rc, e.msg);
		uimp_db_close(db);
	}
	is(sql_text(path, "SELECT value FROM settings WHERE key = "
	    "'password.min_length'"), "12", "(unchanged)");
}

static void
test_busy(void)
{
	const char *path = in_dir("store.db");
	struct uimp_db *db, *db2 = NULL;
	struct uimp_err e;
	sqlite3 *h;
	int rc;

	if (uimp_db_open(&db, path, 0, 0, &e) != UIMP_OK) {
		ok(0, "open %s: %s", path, e.msg);
		return;
	}
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		ok(0, "lock %s", path);
		sqlite3_close(h);
		uimp_db_close(db);
		return;
	}
	rc = set(db, "password.min_length", "10", &e);
	ok(rc == UIMP_EBUSY && e.status == UIMP_EBUSY && strstr(e.msg,
	    "locked") != NULL, "a locked store: UIMP_EBUSY after 0 s (%s)",
	    e.msg);
	rc = uimp_db_open(&db2, path, 0, 0, &e);
	ok(rc == UIMP_EBUSY && db2 == NULL,
	    "opening a locked store: UIMP_EBUSY (%d %s)", rc, e.msg);
	uimp_db_close(db2);
	ok(db_begin(db, &e) == UIMP_EBUSY, "db_begin on a locked store: "
	    "UIMP_EBUSY");
	ok(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK,
	    "the lock released");
	sqlite3_close(h);
	rc = set(db, "password.min_length", "10", &e);
	ok(rc == UIMP_OK, "then the setting is written: %d %s", rc, e.msg);
	is(get(db, "password.min_length"), "10", "and reads back");
	uimp_db_close(db);
}

/* A user of the given values; the rest NULL. */
static void
user_make(struct user *u, const char *name, const char *email,
    const char *mobile)
{
	memset(u, 0, sizeof(*u));
	u->v[UIMP_F_USERNAME] = name;
	u->v[UIMP_F_EMAIL] = email;
	u->v[UIMP_F_FIRST_NAME] = "First";
	u->v[UIMP_F_LAST_NAME] = "Last";
	u->v[UIMP_F_MOBILE_PHONE] = mobile;
}

static void
test_users(void)
{
	static const char hash[] = "$argon2id$v=19$m=64,t=1,p=1$"
	    "c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
	static const char hash2[] = "$argon2id$v=19$m=64,t=1,p=1$"
	    "c2FsdHNhbHRzYWx0c2FsdA$b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGVyb3Q";
	const char *path = in_dir("store.db");
	struct user a, b, c, u, upd;
	struct uimp_db *db;
	struct uimp_err e;
	long long ida = 0, idb = 0, idc = 0;
	char name[64];
	int found, rc;

	memset(&u, 0, sizeof(u));
	if (uimp_db_open(&db, path, 0, 0, &e) != UIMP_OK) {
		ok(0, "open %s: %s", path, e.msg);
		return;
	}
	ok(db_begin(db, &e) == UIMP_OK, "db_begin");
	user_make(&a, "alice", "Alice@Example.com", "+15551230001");
	a.v[UIMP_F_COMPANY] = "Wonderland";
	rc = db_user_insert(db, &a, hash, "2024-01-02T03:04:05Z", &ida, &e);
	ok(rc == UIMP_OK && ida > 0, "db_user_insert alice: %d %s", rc,
	    rc ? e.msg : "");
	user_make(&b, "bob", "bob@example.com", "+15551230002");
	b.v[UIMP_F_IS_MANAGER] = "1";
	b.v[UIMP_F_STATUS] = "blocked";
	b.v[UIMP_F_MUST_CHANGE_PASSWORD] = "1";
	b.v[UIMP_F_CONTACT_NO] = "42";
	rc = db_user_insert(db, &b, NULL, "2024-01-02T03:04:06Z", &idb, &e);
	ok(rc == UIMP_OK && idb > 0 && idb != ida, "db_user_insert bob, no "
	    "password: %d %s", rc, rc ? e.msg : "");

	found = -1;
	rc = db_user_find(db, "ALICE", 0, &u, &found, &e);
	ok(rc == UIMP_OK && found == 1 && u.id == ida,
	    "db_user_find 'ALICE' by username finds alice");
	if (found != 1) {
		db_rollback(db);
		uimp_db_close(db);
		return;
	}
	is(u.v[UIMP_F_USERNAME], "alice", "username as stored");
	is(u.v[UIMP_F_EMAIL], "Alice@Example.com", "email as stored");
	is(u.v[UIMP_F_COMPANY], "Wonderland", "company");
	is(u.v[UIMP_F_MOBILE_PHONE], "+15551230001", "mobile_phone");
	ok(u.v[UIMP_F_TITLE] == NULL && u.v[UIMP_F_PASSWORD] == NULL,
	    "title NULL; the password never loaded");
	ok(u.has_password == 1, "has_password");
	is(u.v[UIMP_F_IS_MANAGER], "0", "is_manager defaults to 0");
	is(u.v[UIMP_F_STATUS], "active", "status defaults to active");
	is(u.v[UIMP_F_MUST_CHANGE_PASSWORD], "0",
	    "must_change_password defaults to 0");
	is(u.v[UIMP_F_CONTACT_NO], "10000", "contact_no defaults to 10000");

	found = -1;
	rc = db_user_find(db, "BOB@EXAMPLE.COM", 1, &u, &found, &e);
	ok(rc == UIMP_OK && found == 1 && u.id == idb,
	    "db_user_find by email, case-insensitively");
	ok(u.has_password == 0, "bob has no password");
	ok(tap_streq(u.v[UIMP_F_IS_MANAGER], "1") &&
	    tap_streq(u.v[UIMP_F_STATUS], "blocked") &&
	    tap_streq(u.v[UIMP_F_MUST_CHANGE_PASSWORD], "1") &&
	    tap_streq(u.v[UIMP_F_CONTACT_NO], "42"),
	    "given flags, status and contact_no are stored");
	found = -1;
	rc = db_user_find(db, "alice@example.COM", 1, &u, &found, &e);
	ok(rc == UIMP_OK && found == 1 && u.id == ida,
	    "db_user_find alice by email in other case");
	found = -1;
	ok(db_user_find(db, "carol", 0, &u, &found, &e) == UIMP_OK &&
	    found == 0, "db_user_find of nobody: found 0");
	found = -1;
	ok(db_user_find(db, "alice@example", 1, &u, &found, &e) == UIMP_OK &&
	    found == 0, "db_user_find by email matches whole values only");

	ok(db_email_owner(db, "ALICE@example.com", idb, name, sizeof(name),
	    &e) == UIMP_OK, "db_email_owner");
	is(name, "alice", "another user's email found");
	strcpy(name, "x");
	db_email_owner(db, "alice@example.com", ida, name, sizeof(name), &e);
	is(name, "", "the user's own email excluded");
	strcpy(name, "x");
	db_email_owner(db, "nobody@example.com", 0, name, sizeof(name), &e);
	is(name, "", "an unused email: \"\"");
	ok(db_phone_owner(db, "+15551230002", ida, name, sizeof(name), &e) ==
	    UIMP_OK, "db_phone_owner");
	is(name, "bob", "another user's mobile phone found");
	strcpy(name, "x");
	db_phone_owner(db, "+15551230002", idb, name, sizeof(name), &e);
	is(name, "", "the user's own mobile phone excluded");

	user_make(&c, "carol", "ALICE@EXAMPLE.COM", NULL);
	memset(&e, 0, sizeof(e));
	rc = db_user_insert(db, &c, NULL, "2024-01-02T03:04:07Z", &idc, &e);
	ok(rc == UIMP_EINVAL && e.msg[0] != '\0', "an email taken in other "
	    "case: UIMP_EINVAL (%s)", e.msg);
	user_make(&c, "Alice", "carol@example.com", NULL);
	rc = db_user_insert(db, &c, NULL, "2024-01-02T03:04:07Z", &idc, &e);
	ok(rc == UIMP_EINVAL, "a username taken in other case: UIMP_EINVAL "
	    "(%s)", e.msg);
	user_make(&c, "carol", "carol@example.com", "+15551230001");
	rc = db_user_insert(db, &c, NULL, "2024-01-02T03:04:07Z", &idc, &e);
	ok(rc == UIMP_EINVAL, "a mobile phone taken: UIMP_EINVAL (%s)", e.msg);

	/* update alice: other names, no new hash */
	found = 0;
	db_user_find(db, "alice", 0, &u, &found, &e);
	upd = u;
	memset(&upd.mem, 0, sizeof(upd.mem));
	upd.v[UIMP_F_LAST_NAME] = "Liddell";
	upd.v[UIMP_F_TITLE] = "Explorer";
	upd.v[UIMP_F_COMPANY] = NULL;
	upd.v[UIMP_F_IS_MANAGER] = "1";
	rc = db_user_update(db, &upd, NULL, "2024-02-02T00:00:00Z", &e);
	ok(rc == UIMP_OK, "db_user_update alice: %d %s", rc, rc ? e.msg : "");
	found = 0;
	db_user_find(db, "alice", 0, &u, &found, &e);
	ok(found && tap_streq(u.v[UIMP_F_LAST_NAME], "Liddell") &&
	    tap_streq(u.v[UIMP_F_TITLE], "Explorer") &&
	    u.v[UIMP_F_COMPANY] == NULL &&
	    tap_streq(u.v[UIMP_F_IS_MANAGER], "1") &&
	    tap_streq(u.v[UIMP_F_EMAIL], "Alice@Example.com"),
	    "the fields changed");
	ok(u.has_password == 1, "the password kept (hash NULL)");
	found = 0;
	db_user_find(db, "bob", 0, &u, &found, &e);
	ok(found && tap_streq(u.v[UIMP_F_LAST_NAME], "Last") &&
	    tap_streq(u.v[UIMP_F_IS_MANAGER], "1"), "bob unchanged");
	/* update bob to alice's email: a constraint */
	upd = u;
	memset(&upd.mem, 0, sizeof(upd.mem));
	upd.v[UIMP_F_EMAIL] = "alice@EXAMPLE.com";
	rc = db_user_update(db, &upd, NULL, "2024-02-02T00:00:00Z", &e);
	ok(rc == UIMP_EINVAL, "an update to a taken email: UIMP_EINVAL (%s)",
	    e.msg);
	ok(db_commit(db, &e) == UIMP_OK, "db_commit");

	is(sql_text(path, "SELECT password_hash FROM users WHERE "
	    "username = 'alice'"), hash, "alice's hash as inserted");
	is(sql_text(path, "SELECT is_manager || ',' || status || ',' || "
	    "must_change_password || ',' || contact_no || ',' || "
	    "typeof(contact_no) FROM users WHERE username = 'alice'"),
	    "1,active,0,10000,integer", "alice's stored defaults");
	is(sql_text(path, "SELECT created_at || ' ' || updated_at FROM users "
	    "WHERE username = 'alice'"),
	    "2024-01-02T03:04:05Z 2024-02-02T00:00:00Z", "created_at kept, "
	    "updated_at set");
	is(sql_text(path, "SELECT quote(password_hash) || ' ' || "
	    "quote(company) FROM users WHERE username = 'bob'"), "NULL NULL",
	    "bob: SQL NULL for the missing hash and company");
	is(sql_text(path, "SELECT email FROM users WHERE username = 'bob'"),
	    "bob@example.com", "bob's email unchanged by the refused update");
	is(sql_text(path, "SELECT count(*) FROM users"), "2", "two users");

	/* a new hash replaces the old one */
	ok(db_begin(db, &e) == UIMP_OK, "db_begin");
	found = 0;
	db_user_find(db, "alice", 0, &u, &found, &e);
	rc = db_user_update(db, &u, hash2, "2024-03-03T00:00:00Z", &e);
	ok(rc == UIMP_OK && db_commit(db, &e) == UIMP_OK,
	    "db_user_update with a new hash");
	is(sql_text(path, "SELECT password_hash FROM users WHERE "
	    "username = 'alice'"), hash2, "the new hash stored");

	/* rollback */
	ok(db_begin(db, &e) == UIMP_OK, "db_begin");
	user_make(&c, "dave", "dave@example.com", NULL);
	rc = db_user_insert(db, &c, NULL, "2024-01-02T03:04:08Z", &idc, &e);
	found = 0;
	ok(rc == UIMP_OK && db_user_find(db, "dave", 0, &u, &found, &e) ==
	    UIMP_OK && found == 1, "dave inserted, seen inside the "
	    "transaction");
	db_rollback(db);
	found = -1;
	ok(db_user_find(db, "dave", 0, &u, &found, &e) == UIMP_OK &&
	    found == 0, "db_rollback undoes the insert");
	db_rollback(db);	/* outside a transaction: nothing */
	is(sql_text(path, "SELECT count(*) FROM users"), "2",
	    "still two users in the file");
	ok(db_begin(db, &e) == UIMP_OK && db_commit(db, &e) == UIMP_OK,
	    "a transaction after db_rollback twice");
	ok(db_begin(db, &e) == UIMP_OK && db_begin(db, &e) == UIMP_EDB,
	    "db_begin inside a transaction: UIMP_EDB");
	db_rollback(db);
	is(db_path(db), path, "db_path");

	user_release(&u);
	ok(u.mem.s == NULL && u.v[UIMP_F_USERNAME] == NULL,
	    "user_release clears the user");
	ok(uimp_db_close(db) == UIMP_OK, "uimp_db_close");
}

int
main(void)
{
	if (make_dir() == -1) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return done_testing();
	}
	test_open_readonly_missing();
	test_create();
	test_foreign();
	test_settings();
	test_busy();
	test_users();
	remove_dir();
	return done_testing();
}
