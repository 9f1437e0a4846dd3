/*
 * db.c: the SQLite store: opening, schema and migrations, settings, users
 * and job records.  Every SQL statement of userimp lives in this file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

enum stmt {
	ST_FIND_NAME, ST_FIND_EMAIL, ST_EMAIL_OWNER, ST_PHONE_OWNER,
	ST_INSERT, ST_UPDATE, ST_JOB, ST_FINDING, ST_ROW, ST_EACH,
	ST_EACH_HASHES, ST_JOB_FINISH, ST_CHANGE_NEW, ST_CHANGE_SNAP,
	ST_BLOCK, ST_MANAGER_ID, ST_SET_MANAGER, ST_MANAGER_OF,
	/* groups, labels, custom fields */
	ST_TYPES, ST_FIELDS, ST_GROUP_FIND, ST_GROUP_BY_ID, ST_GROUP_NEW,
	ST_UGROUPS, ST_UGROUP_DEL, ST_UGROUP_SET, ST_LABEL_FIND,
	ST_LABEL_BY_ID, ST_ULABELS, ST_ULABELS_DEL, ST_ULABEL_ADD,
	ST_UVALUES, ST_UVALUE_DEL, ST_UVALUE_SET,
	ST_COUNT
};

/*
 * The users' unique secondary indexes, dropped and made again by a bulk
 * load (db_bulk_indexes()).
 */
#define USERS_EMAIL_INDEX \
	"CREATE UNIQUE INDEX users_email ON users (lower(email))"
#define USERS_PHONE_INDEX \
	"CREATE UNIQUE INDEX users_mobile_phone ON users (mobile_phone)"

/* Every column of a users row as one JSON object: what revert restores. */
#define USER_JSON "json_object('username', username, 'email', email, " \
	"'password_hash', password_hash, 'first_name', first_name, " \
	"'last_name', last_name, 'company', company, 'title', title, " \
	"'department', department, 'about_me', about_me, 'whatsapp', " \
	"whatsapp, 'work_phone', work_phone, 'mobile_phone', mobile_phone, " \
	"'fax', fax, 'website', website, 'address', address, 'is_manager', " \
	"is_manager, 'manager_id', manager_id, 'status', status, " \
	"'must_change_password', must_change_password, 'contact_no', " \
	"contact_no, 'created_at', created_at, 'updated_at', updated_at, " \
	"'groups', (SELECT json_group_object(type_id, group_id) FROM " \
	"user_groups WHERE user_id = users.id), 'labels', (SELECT " \
	"json_group_array(label_id) FROM user_labels WHERE user_id = " \
	"users.id), 'values', (SELECT json_group_object(field_id, value) " \
	"FROM user_values WHERE user_id = users.id))"

static const char *const sql[ST_COUNT] = {
#define USER_COLS "id, username, password_hash IS NOT NULL, email, " \
	"first_name, last_name, company, title, department, about_me, " \
	"whatsapp, work_phone, mobile_phone, fax, website, address, " \
	"is_manager, status, must_change_password, contact_no, " \
	"(SELECT m.email FROM users m WHERE m.id = users.manager_id)"
	[ST_FIND_NAME] = "SELECT " USER_COLS " FROM users WHERE username = ?1",
	[ST_FIND_EMAIL] = "SELECT " USER_COLS " FROM users "
	    "WHERE lower(email) = lower(?1)",
	[ST_EMAIL_OWNER] = "SELECT username FROM users "
	    "WHERE lower(email) = lower(?1) AND id <> ?2",
	[ST_PHONE_OWNER] = "SELECT username FROM users "
	    "WHERE mobile_phone = ?1 AND id <> ?2",
	[ST_INSERT] = "INSERT INTO users (username, password_hash, email, "
	    "first_name, last_name, company, title, department, about_me, "
	    "whatsapp, work_phone, mobile_phone, fax, website, address, "
	    "is_manager, status, must_change_password, contact_no, "
	    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20)",
	[ST_UPDATE] = "UPDATE users SET password_hash = coalesce(?2, "
	    "password_hash), email = ?3, first_name = ?4, last_name = ?5, "
	    "company = ?6, title = ?7, department = ?8, about_me = ?9, "
	    "whatsapp = ?10, work_phone = ?11, mobile_phone = ?12, fax = ?13, "
	    "website = ?14, address = ?15, is_manager = ?16, status = ?17, "
	    "must_change_password = ?18, contact_no = ?19, updated_at = ?20 "
	    "WHERE id = ?21",
	[ST_JOB] = "INSERT INTO jobs (started_at, finished_at, user, host, "
	    "command, options, file, sha256, sheet, mode, outcome, columns, "
	    "rows, inserted, updated, unchanged, rejected, passwords_kept, "
	    "warnings, blocked, generated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
	    "?20, ?21)",
	[ST_JOB_FINISH] = "UPDATE jobs SET finished_at = ?2, sha256 = ?8, "
	    "sheet = ?9, outcome = ?11, columns = ?12, rows = ?13, "
	    "inserted = ?14, updated = ?15, unchanged = ?16, rejected = ?17, "
	    "passwords_kept = ?18, warnings = ?19, blocked = ?20, "
	    "generated = ?21 WHERE id = ?22",
	[ST_MANAGER_ID] = "SELECT id FROM users WHERE lower(email) = "
	    "lower(?1)",
	[ST_SET_MANAGER] = "UPDATE users SET manager_id = (SELECT id FROM "
	    "users WHERE lower(email) = lower(?2)), updated_at = ?3 "
	    "WHERE id = ?1",
	[ST_MANAGER_OF] = "SELECT m.email FROM users u JOIN users m ON "
	    "m.id = u.manager_id WHERE lower(u.email) = lower(?1)",
	[ST_BLOCK] = "UPDATE users SET status = 'blocked', updated_at = ?2 "
	    "WHERE id = ?1",
	[ST_CHANGE_NEW] = "INSERT INTO job_changes (job_id, user_id, action, "
	    "username, updated_at) SELECT ?1, id, ?3, username, ?4 "
	    "FROM users WHERE id = ?2",
	[ST_CHANGE_SNAP] = "INSERT INTO job_changes (job_id, user_id, action, "
	    "username, before, updated_at) SELECT ?1, id, ?3, username, "
	    USER_JSON ", ?4 FROM users WHERE id = ?2",
	[ST_FINDING] = "INSERT INTO job_findings (job_id, row, column_name, "
	    "field, severity, code, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_ROW] = "INSERT OR REPLACE INTO job_rows (job_id, row, cells) "
	    "VALUES (?1, ?2, ?3)",
#define EACH_WHERE " FROM users WHERE (?1 IS NULL OR status = ?1) AND " \
	"(?2 IS NULL OR updated_at >= ?2) AND (?3 IS NULL OR username LIKE " \
	"?3 ESCAPE '\\' OR email LIKE ?3 ESCAPE '\\') ORDER BY id"
	[ST_EACH] = "SELECT " USER_COLS ", NULL, created_at, updated_at"
	    EACH_WHERE,
	[ST_EACH_HASHES] = "SELECT " USER_COLS ", password_hash, created_at, "
	    "updated_at" EACH_WHERE,
#undef EACH_WHERE
#undef USER_COLS
	[ST_TYPES] = "SELECT id, name FROM group_types ORDER BY id",
	[ST_FIELDS] = "SELECT id, name, type FROM custom_fields ORDER BY id",
	[ST_GROUP_FIND] = "SELECT id FROM groups WHERE type_id = ?1 AND "
	    "name = ?2 COLLATE NOCASE",
	[ST_GROUP_BY_ID] = "SELECT 1 FROM groups WHERE type_id = ?1 AND "
	    "id = ?2",
	[ST_GROUP_NEW] = "INSERT INTO groups (type_id, name) VALUES (?1, ?2)",
	[ST_UGROUPS] = "SELECT type_id, group_id FROM user_groups "
	    "WHERE user_id = ?1",
	[ST_UGROUP_DEL] = "DELETE FROM user_groups WHERE user_id = ?1 AND "
	    "type_id = ?2",
	[ST_UGROUP_SET] = "INSERT OR REPLACE INTO user_groups (user_id, "
	    "type_id, group_id) SELECT ?1, type_id, id FROM groups "
	    "WHERE id = ?3 AND type_id = ?2",
	[ST_LABEL_FIND] = "SELECT id FROM labels WHERE name = ?1",
	[ST_LABEL_BY_ID] = "SELECT 1 FROM labels WHERE id = ?1",
	[ST_ULABELS] = "SELECT label_id FROM user_labels WHERE user_id = ?1 "
	    "ORDER BY label_id",
	[ST_ULABELS_DEL] = "DELETE FROM user_labels WHERE user_id = ?1",
	[ST_ULABEL_ADD] = "INSERT OR IGNORE INTO user_labels (user_id, "
	    "label_id) VALUES (?1, ?2)",
	[ST_UVALUES] = "SELECT field_id, value FROM user_values "
	    "WHERE user_id = ?1",
	[ST_UVALUE_DEL] = "DELETE FROM user_values WHERE user_id = ?1 AND "
	    "field_id = ?2",
	[ST_UVALUE_SET] = "INSERT OR REPLACE INTO user_values (user_id, "
	    "field_id, value) VALUES (?1, ?2, ?3)",
};

struct uimp_db {
	sqlite3		*h;
	char		*path;
	int		 readonly;
	int		 ver;		/* user_version, read by dir_ready() */
	sqlite3_stmt	*st[ST_COUNT];
};

static const char schema_v1[] =
	"CREATE TABLE users (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  email TEXT NOT NULL,\n"
	"  password_hash TEXT,\n"
	"  first_name TEXT, last_name TEXT, company TEXT, title TEXT,\n"
	"  department TEXT, about_me TEXT, whatsapp TEXT, work_phone TEXT,\n"
	"  mobile_phone TEXT, fax TEXT, website TEXT, address TEXT,\n"
	"  is_manager INTEGER NOT NULL DEFAULT 0,\n"
	"  manager_id INTEGER REFERENCES users(id),\n"
	"  status TEXT NOT NULL DEFAULT 'active',\n"
	"  must_change_password INTEGER NOT NULL DEFAULT 0,\n"
	"  contact_no INTEGER NOT NULL DEFAULT 10000,\n"
	"  created_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL\n"
	");\n"
	USERS_EMAIL_INDEX ";\n"
	USERS_PHONE_INDEX ";\n"
	"CREATE TABLE settings (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE jobs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT NOT NULL,\n"
	"  user TEXT, host TEXT, command TEXT NOT NULL, options TEXT,\n"
	"  file TEXT, sha256 TEXT, sheet TEXT, mode TEXT,\n"
	"  outcome TEXT NOT NULL,\n"
	"  rows INTEGER NOT NULL DEFAULT 0,\n"
	"  inserted INTEGER NOT NULL DEFAULT 0,\n"
	"  updated INTEGER NOT NULL DEFAULT 0,\n"
	"  unchanged INTEGER NOT NULL DEFAULT 0,\n"
	"  rejected INTEGER NOT NULL DEFAULT 0,\n"
	"  passwords_kept INTEGER NOT NULL DEFAULT 0,\n"
	"  warnings INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE job_findings (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,\n"
	"  row INTEGER NOT NULL,\n"
	"  column_name TEXT, field TEXT,\n"
	"  severity TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX job_findings_job ON job_findings (job_id, row);\n"
	"CREATE TABLE job_rows (\n"
	"  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,\n"
	"  row INTEGER NOT NULL,\n"
	"  cells TEXT NOT NULL,\n"
	"  PRIMARY KEY (job_id, row)\n"
	");\n";

/*
 * Version 2: what a run changed, so that it can be undone (jobs revert);
 * the file's columns, so that its rejected rows can be written back
 * (jobs errors).
 */
static const char schema_v2[] =
	"ALTER TABLE jobs ADD COLUMN columns TEXT;\n"
	"ALTER TABLE jobs ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE jobs ADD COLUMN generated INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE jobs ADD COLUMN reverted_by INTEGER;\n"
	"CREATE TABLE job_changes (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,\n"
	"  user_id INTEGER NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  username TEXT NOT NULL,\n"
	"  before TEXT,\n"
	"  updated_at TEXT\n"
	");\n"
	"CREATE INDEX job_changes_job ON job_changes (job_id);\n"
	"CREATE INDEX job_changes_user ON job_changes (user_id, job_id);\n";

/*
 * Version 3: the directory.  Group types (six seeded, SEEDED_TYPES) and
 * their groups, one group of each type per user; labels, any number per
 * user; custom fields and each user's values of them.
 */
static const char schema_v3[] =
	"CREATE TABLE group_types (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE\n"
	");\n"
	"INSERT INTO group_types (id, name) VALUES (1, 'region'), "
	"(2, 'city'), (3, 'role'), (4, 'position'), (5, 'team'), "
	"(6, 'appointment');\n"
	"CREATE TABLE groups (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  type_id INTEGER NOT NULL REFERENCES group_types(id) "
	"ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  UNIQUE (type_id, name COLLATE NOCASE)\n"
	");\n"
	"CREATE TABLE user_groups (\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	"  type_id INTEGER NOT NULL REFERENCES group_types(id) "
	"ON DELETE CASCADE,\n"
	"  group_id INTEGER NOT NULL REFERENCES groups(id) "
	"ON DELETE CASCADE,\n"
	"  PRIMARY KEY (user_id, type_id)\n"
	");\n"
	"CREATE INDEX user_groups_group ON user_groups (group_id);\n"
	"CREATE INDEX user_groups_type ON user_groups (type_id);\n"
	"CREATE TABLE labels (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE\n"
	");\n"
	"CREATE TABLE user_labels (\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	"  label_id INTEGER NOT NULL REFERENCES labels(id) "
	"ON DELETE CASCADE,\n"
	"  PRIMARY KEY (user_id, label_id)\n"
	");\n"
	"CREATE INDEX user_labels_label ON user_labels (label_id);\n"
	"CREATE TABLE custom_fields (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', "
	"'bool'))\n"
	");\n"
	"CREATE TABLE user_values (\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	"  field_id INTEGER NOT NULL REFERENCES custom_fields(id) "
	"ON DELETE CASCADE,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY (user_id, field_id)\n"
	");\n"
	"CREATE INDEX user_values_field ON user_values (field_id);\n";

/*
 * Version 4: the users a user manages found through an index, so that
 * removing users (jobs revert of a big import) checks the manager_id
 * references of each in a look-up, not a scan of every user.
 */
static const char schema_v4[] =
	"CREATE INDEX users_manager ON users (manager_id);\n";

/* The group types schema_v3 seeds, by id from 1. */
static const char *const seeded_types[] = {
	"region", "city", "role", "position", "team", "appointment"
};

#define NSEEDED (sizeof(seeded_types) / sizeof(seeded_types[0]))

/* The schema of each version, applied in order from user_version up. */
static const char *const migrations[UIMP_DB_SCHEMA] = {
	schema_v1, schema_v2, schema_v3, schema_v4
};

struct setting {
	const char	*key;
	const char	*def;
	long		 min, max;	/* numbers; min > max: a field list;
					 * min == max < 0: text, SET_* */
	const char	*desc;
};

/* The kinds of text settings, and what check_setting() allows of each. */
enum { SET_EMAIL = -1, SET_PATH = -2, SET_STATUS = -3 };

static const struct setting settings[] = {
	{ "password.min_length", "8", 1, 1024,
	    "fewest characters in a password" },
	{ "password.max_length", "100", 1, 1024,
	    "most characters in a password" },
	{ "password.require_letter", "1", 0, 1,
	    "1: a password needs a letter" },
	{ "password.require_digit", "1", 0, 1,
	    "1: a password needs a digit" },
	{ "password.allow_space", "0", 0, 1,
	    "1: a password may hold white space" },
	{ "argon2.t_cost", "2", 1, 64, "argon2id iterations" },
	{ "argon2.m_cost", "19456", 8, 1048576, "argon2id memory in KiB" },
	{ "argon2.parallelism", "1", 1, 64, "argon2id lanes per hash" },
	{ "import.locked_fields", "", 1, 0,
	    "comma-separated fields that import refuses to change on "
	    "existing users" },
	{ "import.key_memory", "8192", 0, 4194304, "KiB in which import "
	    "and check find repeated usernames, emails and phones as rows "
	    "are read; past it, once the file is read" },
	{ "new_user.status", "active", SET_STATUS, SET_STATUS, "status of "
	    "a new user whose row leaves it empty: active or blocked" },
	{ "new_user.is_manager", "0", 0, 1, "is_manager of a new user whose "
	    "row leaves it empty" },
	{ "new_user.must_change_password", "0", 0, 1, "must_change_password "
	    "of a new user whose row leaves it empty (--must-change sets 1)" },
	{ "new_user.contact_no", "10000", 1, 10000, "contact_no of a new user "
	    "whose row leaves it empty" },
	{ "invite.from", "", SET_EMAIL, SET_EMAIL, "sender address of the "
	    "welcome messages (empty: userimp@ this host)" },
	{ "invite.sendmail", "/usr/sbin/sendmail", SET_PATH, SET_PATH,
	    "absolute path of the sendmail program for --sendmail" },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static int
dberr(struct uimp_db *db, int rc, const char *what, struct uimp_err *e)
{
	int st = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? UIMP_EBUSY :
	    UIMP_EDB;

	if (st == UIMP_EBUSY)
		return uimp_err_set(e, st, 0, db->path,
		    "%s: the store is locked by another process", what);
	return uimp_err_set(e, st, 0, db->path, "%s: %s", what,
	    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

static int
exec(struct uimp_db *db, const char *s, const char *what, struct uimp_err *e)
{
	int rc = sqlite3_exec(db->h, s, NULL, NULL, NULL);

	return rc == SQLITE_OK ? UIMP_OK : dberr(db, rc, what, e);
}

/* Run sql, which yields one integer, into *v. */
static int
query_int(struct uimp_db *db, const char *sql_text, const char *what, int *v,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db->h, sql_text, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc, what, e);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return dberr(db, rc, what, e);
	return UIMP_OK;
}

static int
user_version(struct uimp_db *db, int *v, struct uimp_err *e)
{
	return query_int(db, "PRAGMA user_version", "cannot read the schema "
	    "version", v, e);
}

int
db_data_version(struct uimp_db *db, int *v, struct uimp_err *e)
{
	return query_int(db, "PRAGMA data_version", "cannot read the store",
	    v, e);
}

static int
count_tables(struct uimp_db *db, int *n, struct uimp_err *e)
{
	return query_int(db, "SELECT count(*) FROM sqlite_master", "cannot "
	    "read the store", n, e);
}

/* Bring the schema to UIMP_DB_SCHEMA, inside one write transaction. */
static int
migrate(struct uimp_db *db, struct uimp_err *e)
{
	char pragma[64];
	int v, n, rc;

	if ((rc = user_version(db, &v, e)) != UIMP_OK)
		return rc;
	if (v == UIMP_DB_SCHEMA)
		return UIMP_OK;
	if ((rc = exec(db, "BEGIN IMMEDIATE", "cannot lock the store", e)))
		return rc;
	if ((rc = user_version(db, &v, e)) != UIMP_OK)
		goto out;
	if (v > UIMP_DB_SCHEMA) {
		rc = uimp_err_set(e, UIMP_EDB, 0, db->path, "the store has "
		    "schema version %d, newer than this userimp knows (%d)",
		    v, UIMP_DB_SCHEMA);
		goto out;
	}
	if (v == 0) {
		if ((rc = count_tables(db, &n, e)) != UIMP_OK)
			goto out;
		if (n > 0) {
			rc = uimp_err_set(e, UIMP_EDB, 0, db->path,
			    "not a userimp store: it holds other tables");
			goto out;
		}
	}
	for (; v < UIMP_DB_SCHEMA; v++)
		if ((rc = exec(db, migrations[v], "cannot create the schema",
		    e)) != UIMP_OK)
			goto out;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
	    UIMP_DB_SCHEMA);
	if ((rc = exec(db, pragma, "cannot set the schema version", e)))
		goto out;
	rc = exec(db, "COMMIT", "cannot write the schema", e);
out:
	if (rc != UIMP_OK)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Create the file with mode 0600 if it is missing. */
static int
create_file(const char *path, struct uimp_err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd == -1 && errno == EEXIST)
		return UIMP_OK;
	if (fd == -1)
		return uimp_err_set(e, UIMP_EDB, errno, path,
		    "cannot create the store");
	if (fchmod(fd, 0600) == -1 || close(fd) == -1)
		return uimp_err_set(e, UIMP_EDB, errno, path,
		    "cannot create the store");
	return UIMP_OK;
}

int
uimp_db_open(struct uimp_db **out, const char *path, int flags, int wait_s,
    struct uimp_err *e)
{
	struct uimp_db *db;
	struct stat sb;
	int rc, v, n, oflags;
	const char *open_path = path;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		return uimp_err_set(e, UIMP_ENOMEM, 0, path, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	}
	db->readonly = !!(flags & UIMP_DB_READONLY);
	if (db->readonly) {
		/* A store that is not there yet reads as an empty one. */
		if (stat(path, &sb) == -1 && errno == ENOENT)
			open_path = ":memory:";
		else if (stat(path, &sb) == -1) {
			rc = uimp_err_set(e, UIMP_EDB, errno, path,
			    "cannot open the store");
			goto out;
		}
		oflags = SQLITE_OPEN_READONLY;
	} else {
		if (flags & UIMP_DB_CREATE) {
			if ((rc = create_file(path, e)) != UIMP_OK)
				goto out;
		} else if (stat(path, &sb) == -1) {
			rc = uimp_err_set(e, UIMP_EDB, errno, path,
			    "cannot open the store");
			goto out;
		}
		oflags = SQLITE_OPEN_READWRITE;
	}
	if (strcmp(open_path, ":memory:") == 0)
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY;
	rc = sqlite3_open_v2(open_path, &db->h, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		rc = dberr(db, rc, "cannot open the store", e);
		goto out;
	}
	sqlite3_busy_timeout(db->h, wait_s > INT_MAX / 1000 ? INT_MAX :
	    wait_s * 1000);
	sqlite3_extended_result_codes(db->h, 0);
	if ((rc = exec(db, "PRAGMA foreign_keys = ON", "cannot open the store",
	    e)) != UIMP_OK)
		goto out;
	if (!db->readonly && (rc = exec(db, "PRAGMA journal_mode = DELETE; "
	    "PRAGMA synchronous = FULL", "cannot open the store", e)) != UIMP_OK)
		goto out;
	if (db->readonly && open_path == path) {
		if ((rc = user_version(db, &v, e)) != UIMP_OK)
			goto out;
		if (v > UIMP_DB_SCHEMA) {
			rc = uimp_err_set(e, UIMP_EDB, 0, path, "the store has "
			    "schema version %d, newer than this userimp knows "
			    "(%d)", v, UIMP_DB_SCHEMA);
			goto out;
		}
		if (v == 0) {
			if ((rc = count_tables(db, &n, e)) != UIMP_OK)
				goto out;
			if (n > 0) {
				rc = uimp_err_set(e, UIMP_EDB, 0, path,
				    "not a userimp store: it holds other "
				    "tables");
				goto out;
			}
			/* an empty file: read it as an empty store */
			sqlite3_close(db->h);
			db->h = NULL;
			rc = sqlite3_open_v2(":memory:", &db->h,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL);
			if (rc != SQLITE_OK) {
				rc = dberr(db, rc, "cannot open the store", e);
				goto out;
			}
			open_path = ":memory:";
		}
	}
	if (open_path != path || !db->readonly)
		rc = migrate(db, e);
out:
	if (rc != UIMP_OK) {
		uimp_db_close(db);
		return rc;
	}
	*out = db;
	return UIMP_OK;
}

int
uimp_db_close(struct uimp_db *db)
{
	int i, rc = UIMP_OK;

	if (db == NULL)
		return UIMP_OK;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	if (db->h && sqlite3_close(db->h) != SQLITE_OK)
		rc = UIMP_EDB;
	free(db->path);
	free(db);
	return rc;
}

const char *
db_path(const struct uimp_db *db)
{
	return db->path;
}

static int
prep(struct uimp_db *db, enum stmt s, sqlite3_stmt **out, struct uimp_err *e)
{
	int rc;

	if (db->st[s] == NULL) {
		rc = sqlite3_prepare_v2(db->h, sql[s], -1, &db->st[s], NULL);
		if (rc != SQLITE_OK)
			return dberr(db, rc, "cannot prepare a statement", e);
	} else
		sqlite3_reset(db->st[s]);
	sqlite3_clear_bindings(db->st[s]);
	*out = db->st[s];
	return UIMP_OK;
}

/* settings */

static const struct setting *
find_setting(const char *key)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

static int
unknown_setting(const char *key, struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_EINVAL, 0, key, "no such setting; "
	    "'userimp config' lists them");
}

int
uimp_db_setting_get(struct uimp_db *db, const char *key, char **value,
    struct uimp_err *e)
{
	const struct setting *s = find_setting(key);
	sqlite3_stmt *st;
	const char *v;
	int rc;

	*value = NULL;
	if (s == NULL)
		return unknown_setting(key, e);
	rc = sqlite3_prepare_v2(db->h, "SELECT value FROM settings "
	    "WHERE key = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc, "cannot read the settings", e);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = (const char *)sqlite3_column_text(st, 0);
	else
		v = s->def;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		*value = strdup(v ? v : "");
		rc = *value ? UIMP_OK : uimp_err_set(e, UIMP_ENOMEM, 0, NULL,
		    "%s", uimp_strstatus(UIMP_ENOMEM));
	} else
		rc = dberr(db, rc, "cannot read the settings", e);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Check an address setting: empty (the default sender), or an email
 * address as the email field's rule takes it, with nothing to trim.
 */
static int
check_address(const struct setting *s, const char *value,
    struct uimp_err *e)
{
	struct uimp_verdict v;
	char out[256];
	size_t len = strlen(value);

	if (len == 0)
		return UIMP_OK;
	if (len >= sizeof(out) || uimp_field_check(UIMP_F_EMAIL, 0, value,
	    len, NULL, out, sizeof(out), &v) != 0 || strcmp(out, value) != 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, s->key,
		    "expected an email address such as local@example.com, "
		    "or nothing for userimp@ this host");
	return UIMP_OK;
}

/* Check a value for setting s; returns 0 or UIMP_EINVAL with e set. */
static int
check_setting(const struct setting *s, const char *value, struct uimp_err *e)
{
	const char *p, *q, *near;
	char name[64], *end;
	long n;
	size_t len;
	int f;

	if (s->min == SET_EMAIL && s->max == SET_EMAIL)
		return check_address(s, value, e);
	if (s->min == SET_STATUS && s->max == SET_STATUS) {
		if (strcmp(value, "active") != 0 && strcmp(value, "blocked"))
			return uimp_err_set(e, UIMP_EINVAL, 0, s->key,
			    "'%s' is not a status: expected active or blocked",
			    value);
		return UIMP_OK;
	}
	if (s->min == SET_PATH && s->max == SET_PATH) {
		for (p = value; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				break;
		if (*value != '/' || *p != '\0')
			return uimp_err_set(e, UIMP_EINVAL, 0, s->key,
			    "expected an absolute path, starting with '/', "
			    "without control characters");
		return UIMP_OK;
	}
	if (s->min > s->max) {
		/* a comma-separated list of fields import may change */
		/* "" locks nothing; else no item may be empty ("email,") */
		for (p = value; *value; p = q + 1) {
			q = strchr(p, ',');
			if (q == NULL)
				q = p + strlen(p);
			len = (size_t)(q - p);
			if (len == 0 || len >= sizeof(name))
				return uimp_err_set(e, UIMP_EINVAL, 0, s->key,
				    "expected field names separated by commas");
			memcpy(name, p, len);
			name[len] = '\0';
			f = uimp_field_lookup(name, NULL);
			if (f < 0 || strcmp(uimp_field_info(f)->name, name) != 0) {
				near = uimp_field_nearest(name);
				return uimp_err_set(e, UIMP_EINVAL, 0, s->key,
				    "'%s' is not a field; fields are named as "
				    "in userimp-fields(5)%s%s%s", name, near ?
				    ", e.g. '" : "", near ? near : "", near ?
				    "'" : "");
			}
			if (*q == '\0')
				break;
		}
		return UIMP_OK;
	}
	errno = 0;
	n = strtol(value, &end, 10);
	if (!isdigit((unsigned char)*value) || *end != '\0' || errno != 0 ||
	    n < s->min || n > s->max)
		return uimp_err_set(e, UIMP_EINVAL, 0, s->key,
		    "'%s' is not allowed: expected a whole number from %ld "
		    "to %ld", value, s->min, s->max);
	return UIMP_OK;
}

int
uimp_db_setting_set(struct uimp_db *db, const char *key, const char *value,
    const char **warning, struct uimp_err *e)
{
	const struct setting *s = find_setting(key);
	struct uimp_policy pol;
	struct uimp_cost cost;
	sqlite3_stmt *st;
	int rc;

	if (warning)
		*warning = NULL;
	if (s == NULL)
		return unknown_setting(key, e);
	if ((rc = check_setting(s, value, e)) != UIMP_OK)
		return rc;
	if ((rc = exec(db, "BEGIN IMMEDIATE", "cannot lock the store", e)))
		return rc;
	rc = sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO settings "
	    "(key, value) VALUES (?1, ?2)", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = dberr(db, rc, "cannot write the settings", e);
		goto out;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = dberr(db, rc, "cannot write the settings", e);
		goto out;
	}
	/* the settings must still agree with each other */
	if ((rc = uimp_db_policy(db, &pol, &cost, e)) != UIMP_OK)
		goto out;
	if (pol.min_len > pol.max_len) {
		rc = uimp_err_set(e, UIMP_EINVAL, 0, key, "password.min_length "
		    "(%d) must not exceed password.max_length (%d)",
		    pol.min_len, pol.max_len);
		goto out;
	}
	if (cost.m_cost < 8 * cost.lanes) {
		rc = uimp_err_set(e, UIMP_EINVAL, 0, key, "argon2.m_cost must "
		    "be at least 8 KiB per lane (%u lanes)", cost.lanes);
		goto out;
	}
	if (warning && uimp_cost_weak(&cost))
		*warning = "the argon2id cost is below OWASP's minimum "
		    "(m=19456 KiB, t=2, p=1 or an equivalent)";
	rc = exec(db, "COMMIT", "cannot write the settings", e);
out:
	if (rc != UIMP_OK)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
uimp_db_settings_each(struct uimp_db *db, uimp_setting_fn fn, void *arg,
    struct uimp_err *e)
{
	size_t i;
	char *v;
	int rc, stop;

	for (i = 0; i < NSETTINGS; i++) {
		if ((rc = uimp_db_setting_get(db, settings[i].key, &v, e)))
			return rc;
		stop = fn(settings[i].key, v, settings[i].desc, arg);
		free(v);
		if (stop)
			break;
	}
	return UIMP_OK;
}

int
db_setting_long(struct uimp_db *db, const char *key, long *n,
    struct uimp_err *e)
{
	char *v;
	int rc;

	if ((rc = uimp_db_setting_get(db, key, &v, e)) != UIMP_OK)
		return rc;
	if ((rc = check_setting(find_setting(key), v, e)) == UIMP_OK)
		*n = strtol(v, NULL, 10);
	free(v);
	return rc;
}

int
uimp_db_policy(struct uimp_db *db, struct uimp_policy *pol,
    struct uimp_cost *cost, struct uimp_err *e)
{
	long v[8];
	int i, rc;

	for (i = 0; i < 8; i++)
		if ((rc = db_setting_long(db, settings[i].key, &v[i], e)))
			return rc;
	pol->min_len = (int)v[0];
	pol->max_len = (int)v[1];
	pol->need_letter = (int)v[2];
	pol->need_digit = (int)v[3];
	pol->allow_space = (int)v[4];
	cost->t_cost = (uint32_t)v[5];
	cost->m_cost = (uint32_t)v[6];
	cost->lanes = (uint32_t)v[7];
	return UIMP_OK;
}

int
db_locked_fields(struct uimp_db *db, unsigned long *mask, struct uimp_err *e)
{
	char *v, *p, *tok, *save;
	int rc, f;

	*mask = 0;
	if ((rc = uimp_db_setting_get(db, "import.locked_fields", &v, e)))
		return rc;
	for (p = v; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		if ((f = uimp_field_lookup(tok, NULL)) >= 0)
			*mask |= 1UL << f;
	free(v);
	return UIMP_OK;
}

/* transactions */

int
db_begin(struct uimp_db *db, struct uimp_err *e)
{
	return exec(db, "BEGIN IMMEDIATE", "cannot lock the store for writing",
	    e);
}

int
db_commit(struct uimp_db *db, struct uimp_err *e)
{
	int rc = exec(db, "COMMIT", "cannot commit", e);

	if (rc != UIMP_OK)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

#define BULK_THREADS	"2"	/* the sorter's helpers making indexes */

/*
 * A bulk load into the open write transaction: without the email and
 * phone indexes while it inserts (a B-tree insert at a random place for
 * each row and index, against one sort when they are made again).  The
 * caller has checked every value against the store and the file, and a
 * duplicate that got past that fails the making again, so the whole
 * transaction rolls back.
 */
int
db_bulk_indexes(struct uimp_db *db, int drop, struct uimp_err *e)
{
	int rc;

	if (drop)
		return exec(db, "DROP INDEX users_email; "
		    "DROP INDEX users_mobile_phone", "cannot write users", e);
	/*
	 * SQLite's sorter sorts in BULK_THREADS worker threads besides
	 * this one, each in as much memory as the page cache may hold:
	 * 1,000,000 users' indexes are made in two thirds of the time.
	 */
	if ((rc = exec(db, "PRAGMA threads = " BULK_THREADS,
	    "cannot set the sorter's threads", e)) != UIMP_OK)
		return rc;
	rc = exec(db, USERS_EMAIL_INDEX "; " USERS_PHONE_INDEX,
	    "cannot index the users' emails and phones", e);
	sqlite3_exec(db->h, "PRAGMA threads = 0", NULL, NULL, NULL);
	return rc;
}

/* At most kib KiB of page cache from now on (pages are taken as used). */
int
db_cache(struct uimp_db *db, int kib, struct uimp_err *e)
{
	char pragma[64];

	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", kib);
	return exec(db, pragma, "cannot set the page cache", e);
}

int
db_savepoint(struct uimp_db *db, struct uimp_err *e)
{
	return exec(db, "SAVEPOINT row", "cannot write users", e);
}

int
db_savepoint_end(struct uimp_db *db, int undo, struct uimp_err *e)
{
	int rc = UIMP_OK;

	if (undo)
		rc = exec(db, "ROLLBACK TO row", "cannot write users", e);
	if (rc == UIMP_OK)
		rc = exec(db, "RELEASE row", "cannot write users", e);
	return rc;
}

int
db_read_begin(struct uimp_db *db, struct uimp_err *e)
{
	return exec(db, "BEGIN", "cannot read the store", e);
}

void
db_read_end(struct uimp_db *db)
{
	if (!sqlite3_get_autocommit(db->h) &&
	    sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

void
db_rollback(struct uimp_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* users */

/* Columns of USER_COLS from 3 on, by field. */
static const int user_col_field[] = {
	UIMP_F_EMAIL, UIMP_F_FIRST_NAME, UIMP_F_LAST_NAME, UIMP_F_COMPANY,
	UIMP_F_TITLE, UIMP_F_DEPARTMENT, UIMP_F_ABOUT_ME, UIMP_F_WHATSAPP,
	UIMP_F_WORK_PHONE, UIMP_F_MOBILE_PHONE, UIMP_F_FAX, UIMP_F_WEBSITE,
	UIMP_F_ADDRESS, UIMP_F_IS_MANAGER, UIMP_F_STATUS,
	UIMP_F_MUST_CHANGE_PASSWORD, UIMP_F_CONTACT_NO
};

#define NUSER_COLS (sizeof(user_col_field) / sizeof(user_col_field[0]))

void
user_release(struct user *u)
{
	buf_release(&u->mem);
	memset(u, 0, sizeof(*u));
}

/*
 * Columns past those of user_col_field, by field: the manager's email
 * (every USER_COLS), then those of the export's SELECT.
 */
static const int export_col_field[] = {
	UIMP_F_MANAGER_EMAIL, UIMP_F_PASSWORD, UIMP_F_CREATED_AT,
	UIMP_F_UPDATED_AT
};

/*
 * Copy the values of a users row into u (offsets into u->mem first): the
 * columns of USER_COLS, then those of export_col_field when the statement
 * has them.
 */
static int
user_load(struct user *u, sqlite3_stmt *st)
{
	size_t off[UIMP_F_COUNT];
	int have[UIMP_F_COUNT];
	const unsigned char *t;
	size_t i, len, n = NUSER_COLS + 2;	/* username, fields, manager */
	int f, col;

	buf_reset(&u->mem);
	memset(have, 0, sizeof(have));
	u->id = sqlite3_column_int64(st, 0);
	u->has_password = sqlite3_column_int(st, 2);
	/* id, username, has_password, the fields, the manager: then more */
	if (sqlite3_column_count(st) > (int)(NUSER_COLS + 4))
		n = 1 + NUSER_COLS + sizeof(export_col_field) /
		    sizeof(export_col_field[0]);
	for (i = 0; i < n; i++) {
		if (i == 0)
			f = UIMP_F_USERNAME, col = 1;
		else if (i <= NUSER_COLS)
			f = user_col_field[i - 1], col = (int)i + 2;
		else
			f = export_col_field[i - NUSER_COLS - 1], col = (int)i + 2;
		t = sqlite3_column_text(st, col);
		if (t == NULL)
			continue;
		off[f] = u->mem.len;
		have[f] = 1;
		/* the text's bytes and its NUL, which SQLite keeps after it */
		len = (size_t)sqlite3_column_bytes(st, col) + 1;
		if (len < u->mem.cap - u->mem.len) {	/* the usual case */
			memcpy(u->mem.s + u->mem.len, t, len);
			u->mem.len += len;
			u->mem.s[u->mem.len] = '\0';	/* as buf_add() */
		} else if (buf_add(&u->mem, t, len))
			return UIMP_ENOMEM;
	}
	for (f = 0; f < UIMP_F_COUNT; f++)
		u->v[f] = have[f] ? u->mem.s + off[f] : NULL;
	return UIMP_OK;
}

/* "a*b?" as a LIKE pattern escaped with '\\': "a%b_" */
static char *
glob_to_like(const char *g)
{
	char *s = malloc(2 * strlen(g) + 1), *p = s;

	if (s == NULL)
		return NULL;
	for (; *g; g++) {
		if (*g == '*')
			*p++ = '%';
		else if (*g == '?')
			*p++ = '_';
		else {
			if (*g == '%' || *g == '_' || *g == '\\')
				*p++ = '\\';
			*p++ = *g;
		}
	}
	*p = '\0';
	return s;
}

int
db_users_each(struct uimp_db *db, const struct user_filter *flt, int hashes,
    user_fn fn, void *arg, struct uimp_err *e)
{
	struct user u;
	sqlite3_stmt *st = NULL;
	char *like = NULL;
	int rc, began = 0;

	memset(&u, 0, sizeof(u));
	if (flt->match && (like = glob_to_like(flt->match)) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	rc = sqlite3_prepare_v2(db->h, hashes ? sql[ST_EACH_HASHES] :
	    sql[ST_EACH], -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = dberr(db, rc, "cannot read users", e);
		goto out;
	}
	if (flt->status)
		sqlite3_bind_text(st, 1, flt->status, -1, SQLITE_STATIC);
	if (flt->since)
		sqlite3_bind_text(st, 2, flt->since, -1, SQLITE_STATIC);
	if (like)
		sqlite3_bind_text(st, 3, like, -1, SQLITE_STATIC);
	/* one read transaction: the export is one snapshot */
	if ((began = sqlite3_get_autocommit(db->h)) &&
	    (rc = exec(db, "BEGIN", "cannot read users", e)) != UIMP_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (user_load(&u, st) != UIMP_OK) {
			rc = uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
			    uimp_strstatus(UIMP_ENOMEM));
			goto out;
		}
		if ((rc = fn(&u, arg)) != UIMP_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot read users",
	    e);
out:
	sqlite3_finalize(st);
	if (began)
		db_read_end(db);
	if (hashes && u.mem.s)
		explicit_bzero(u.mem.s, u.mem.cap);
	user_release(&u);
	free(like);
	return rc;
}

int
db_user_find(struct uimp_db *db, const char *key, int by_email,
    struct user *u, int *found, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((rc = prep(db, by_email ? ST_FIND_EMAIL : ST_FIND_NAME, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		rc = user_load(u, st);
		if (rc != UIMP_OK)
			rc = uimp_err_set(e, rc, 0, db->path, "%s",
			    uimp_strstatus(rc));
	} else if (rc == SQLITE_DONE)
		rc = UIMP_OK;
	else
		rc = dberr(db, rc, "cannot read users", e);
	sqlite3_reset(st);
	return rc;
}

/* The username of another user (not id) whose s-column equals value. */
static int
owner(struct uimp_db *db, enum stmt s, const char *value, long long not_id,
    char *name, size_t namesz, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*name = '\0';
	if ((rc = prep(db, s, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, not_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(name, namesz, "%s", sqlite3_column_text(st, 0));
		rc = UIMP_OK;
	} else if (rc == SQLITE_DONE)
		rc = UIMP_OK;
	else
		rc = dberr(db, rc, "cannot read users", e);
	sqlite3_reset(st);
	return rc;
}

int
db_email_owner(struct uimp_db *db, const char *email, long long not_id,
    char *name, size_t namesz, struct uimp_err *e)
{
	return owner(db, ST_EMAIL_OWNER, email, not_id, name, namesz, e);
}

int
db_phone_owner(struct uimp_db *db, const char *phone, long long not_id,
    char *name, size_t namesz, struct uimp_err *e)
{
	return owner(db, ST_PHONE_OWNER, phone, not_id, name, namesz, e);
}

/* Bind the values every write shares: ?2 hash, ?3..?19 fields, ?20 now. */
static void
bind_user(sqlite3_stmt *st, const struct user *u, const char *hash,
    const char *now)
{
	size_t i;
	int f;
	const char *v;

	if (hash)
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	for (i = 0; i < NUSER_COLS; i++) {
		f = user_col_field[i];
		v = u->v[f];
		if (v == NULL)
			continue;
		if (uimp_field_info(f)->flags & UIMP_FIELD_INTEGER)
			sqlite3_bind_int64(st, (int)i + 3, strtoll(v, NULL,
			    10));
		else
			sqlite3_bind_text(st, (int)i + 3, v, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 20, now, -1, SQLITE_STATIC);
}

/*
 * Run a write; a constraint the data broke is UIMP_EINVAL (a rejected row,
 * e->msg says which), anything else a store failure.
 */
static int
step_write(struct uimp_db *db, sqlite3_stmt *st, struct uimp_err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return UIMP_OK;
	if (rc == SQLITE_CONSTRAINT)
		return uimp_err_set(e, UIMP_EINVAL, 0, db->path, "%s",
		    sqlite3_errmsg(db->h));
	return dberr(db, rc, "cannot write users", e);
}

int
db_user_insert(struct uimp_db *db, const struct user *u, const char *hash,
    const char *now, long long *id, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, ST_INSERT, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, u->v[UIMP_F_USERNAME], -1, SQLITE_STATIC);
	bind_user(st, u, hash, now);
	/* NOT NULL columns take their defaults when the file left them out */
	if (u->v[UIMP_F_IS_MANAGER] == NULL)
		sqlite3_bind_int(st, 16, 0);
	if (u->v[UIMP_F_STATUS] == NULL)
		sqlite3_bind_text(st, 17, "active", -1, SQLITE_STATIC);
	if (u->v[UIMP_F_MUST_CHANGE_PASSWORD] == NULL)
		sqlite3_bind_int(st, 18, 0);
	if (u->v[UIMP_F_CONTACT_NO] == NULL)
		sqlite3_bind_int(st, 19, 10000);
	if ((rc = step_write(db, st, e)) == UIMP_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int
db_user_update(struct uimp_db *db, const struct user *u, const char *hash,
    const char *now, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, ST_UPDATE, &st, e)))
		return rc;
	bind_user(st, u, hash, now);
	sqlite3_bind_int64(st, 21, u->id);
	return step_write(db, st, e);
}

/* Whether any user has a group, a label, a custom field's value. */
int
db_dir_used(struct uimp_db *db, int *groups, int *labels, int *values,
    struct uimp_err *e)
{
	int rc;

	if ((rc = query_int(db, "SELECT EXISTS (SELECT 1 FROM user_groups)",
	    "cannot read the store", groups, e)) == UIMP_OK &&
	    (rc = query_int(db, "SELECT EXISTS (SELECT 1 FROM user_labels)",
	    "cannot read the store", labels, e)) == UIMP_OK)
		rc = query_int(db, "SELECT EXISTS (SELECT 1 FROM user_values)",
		    "cannot read the store", values, e);
	return rc;
}

int
db_users_empty(struct uimp_db *db, int *empty, struct uimp_err *e)
{
	return query_int(db, "SELECT NOT EXISTS (SELECT 1 FROM users)",
	    "cannot read the store", empty, e);
}

int
db_user_count(struct uimp_db *db, unsigned long *n, struct uimp_err *e)
{
	int v, rc;

	if ((rc = query_int(db, "SELECT count(*) FROM users", "cannot count "
	    "the users", &v, e)) == UIMP_OK)
		*n = (unsigned long)v;
	return rc;
}

int
db_user_block(struct uimp_db *db, long long id, const char *now,
    struct uimp_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prep(db, ST_BLOCK, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	return step_write(db, st, e);
}

/* managers (manager_email, stored as manager_id) */

int
db_user_set_manager(struct uimp_db *db, long long id, const char *email,
    const char *now, int *found, struct uimp_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 1;
	if (email) {
		if ((rc = prep(db, ST_MANAGER_ID, &st, e)))
			return rc;
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			*found = 0;
			return UIMP_OK;
		}
		if (rc != SQLITE_ROW)
			return dberr(db, rc, "cannot read users", e);
	}
	if ((rc = prep(db, ST_SET_MANAGER, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (email)
		sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	return step_write(db, st, e);
}

int
db_manager_of(struct uimp_db *db, const char *email, char *out,
    size_t outsz, struct uimp_err *e)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	*out = '\0';
	if ((rc = prep(db, ST_MANAGER_OF, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(out, outsz, "%s", (const char *)t);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(db, rc, "cannot read users", e);
	return UIMP_OK;
}

/* jobs */

/* Bind what ST_JOB and ST_JOB_FINISH share: ?1 to ?21. */
static void
bind_job(sqlite3_stmt *st, const struct job *j)
{
	static const struct uimp_summary none;
	const char *text[12] = {
		j->started_at, j->finished_at, j->user, j->host, j->command,
		j->options, j->file, j->sha256, j->sheet, j->mode, j->outcome,
		j->columns
	};
	const struct uimp_summary *s = j->sum ? j->sum : &none;
	unsigned long n[9] = {
		s->rows, s->inserted, s->updated, s->unchanged, s->rejected,
		s->passwords_kept, s->warnings, s->blocked, s->generated
	};
	int i;

	for (i = 0; i < 12; i++)
		if (text[i])
			sqlite3_bind_text(st, i + 1, text[i], -1,
			    SQLITE_STATIC);
	for (i = 0; i < 9; i++)
		sqlite3_bind_int64(st, i + 13, (sqlite3_int64)n[i]);
}

int
db_job_insert(struct uimp_db *db, const struct job *j, long long *id,
    struct uimp_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prep(db, ST_JOB, &st, e)))
		return rc;
	bind_job(st, j);
	if ((rc = step_write(db, st, e)) == UIMP_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int
db_job_finish(struct uimp_db *db, long long id, const struct job *j,
    struct uimp_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prep(db, ST_JOB_FINISH, &st, e)))
		return rc;
	bind_job(st, j);
	sqlite3_bind_int64(st, 22, id);
	return step_write(db, st, e);
}

int
db_job_change_undo(struct uimp_db *db, struct uimp_err *e)
{
	return exec(db, "DELETE FROM job_changes WHERE id = (SELECT max(id) "
	    "FROM job_changes)", "cannot write the job", e);
}

int
db_job_change(struct uimp_db *db, long long job, long long user_id,
    int action, const char *updated_at, struct uimp_err *e)
{
	static const char *const name[] = {
		[CH_INSERT] = "insert", [CH_UPDATE] = "update",
		[CH_REMOVE] = "remove"
	};
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, action == CH_INSERT ? ST_CHANGE_NEW :
	    ST_CHANGE_SNAP, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, job);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, name[action], -1, SQLITE_STATIC);
	if (updated_at)
		sqlite3_bind_text(st, 4, updated_at, -1, SQLITE_STATIC);
	return step_write(db, st, e);
}

int
db_job_finding(struct uimp_db *db, long long job,
    const struct uimp_finding *f, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, ST_FINDING, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, job);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)f->row);
	if (f->column)
		sqlite3_bind_text(st, 3, f->column, -1, SQLITE_STATIC);
	if (f->field)
		sqlite3_bind_text(st, 4, f->field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->severity == UIMP_SEV_ERROR ? "error" :
	    "warning", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, f->message, -1, SQLITE_STATIC);
	return step_write(db, st, e);
}

int
db_job_row(struct uimp_db *db, long long job, unsigned long row,
    const char *cells, size_t len, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, ST_ROW, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, job);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)row);
	sqlite3_bind_text(st, 3, cells, (int)len, SQLITE_STATIC);
	return step_write(db, st, e);
}

/* jobs */

/* Whether the store's schema is at least version 2 (jobs.columns). */
static int
has_v2(struct uimp_db *db, int *yes, struct uimp_err *e)
{
	int v, rc;

	if ((rc = user_version(db, &v, e)) != UIMP_OK)
		return rc;
	*yes = v >= 2;
	return UIMP_OK;
}

static const char *
text_or_null(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int
uimp_jobs_each(const char *dbpath, int wait_s, long long id,
    unsigned long limit, uimp_job_fn fn, void *arg, unsigned long *found,
    struct uimp_err *e)
{
	struct uimp_db *db;
	struct uimp_job j;
	sqlite3_stmt *st = NULL;
	unsigned long n = 0;
	int rc, v2;

	if (found)
		*found = 0;
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	/* schema v1, read as it is, has no blocked, generated, reverted_by */
	if ((rc = has_v2(db, &v2, e)) != UIMP_OK)
		goto out;
	rc = sqlite3_prepare_v2(db->h, v2 ? "SELECT id, started_at, "
	    "finished_at, user, host, options, file, sha256, sheet, mode, "
	    "outcome, rows, inserted, updated, unchanged, rejected, "
	    "passwords_kept, warnings, command, blocked, generated, "
	    "reverted_by FROM jobs WHERE ?1 = 0 OR id = ?1 ORDER BY id DESC "
	    "LIMIT ?2" : "SELECT id, started_at, finished_at, user, host, "
	    "options, file, sha256, sheet, mode, outcome, rows, inserted, "
	    "updated, unchanged, rejected, passwords_kept, warnings, command, "
	    "0, 0, NULL FROM jobs WHERE ?1 = 0 OR id = ?1 ORDER BY id DESC "
	    "LIMIT ?2", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = dberr(db, rc, "cannot read the jobs", e);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&j, 0, sizeof(j));
		j.id = sqlite3_column_int64(st, 0);
		j.started_at = text_or_null(st, 1);
		j.finished_at = text_or_null(st, 2);
		j.user = text_or_null(st, 3);
		j.host = text_or_null(st, 4);
		j.options = text_or_null(st, 5);
		j.file = text_or_null(st, 6);
		j.sha256 = text_or_null(st, 7);
		j.sheet = text_or_null(st, 8);
		j.mode = text_or_null(st, 9);
		j.outcome = text_or_null(st, 10);
		j.sum.rows = (unsigned long)sqlite3_column_int64(st, 11);
		j.sum.inserted = (unsigned long)sqlite3_column_int64(st, 12);
		j.sum.updated = (unsigned long)sqlite3_column_int64(st, 13);
		j.sum.unchanged = (unsigned long)sqlite3_column_int64(st, 14);
		j.sum.rejected = (unsigned long)sqlite3_column_int64(st, 15);
		j.sum.passwords_kept =
		    (unsigned long)sqlite3_column_int64(st, 16);
		j.sum.warnings = (unsigned long)sqlite3_column_int64(st, 17);
		j.command = text_or_null(st, 18);
		j.sum.blocked = (unsigned long)sqlite3_column_int64(st, 19);
		j.sum.generated = (unsigned long)sqlite3_column_int64(st, 20);
		j.reverted_by = sqlite3_column_int64(st, 21);
		j.sum.job = j.id;
		j.sum.aborted = j.outcome && strcmp(j.outcome, "aborted") == 0;
		n++;
		if (fn(&j, arg) != 0)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? UIMP_OK :
	    dberr(db, rc, "cannot read the jobs", e);
out:
	if (found)
		*found = n;
	sqlite3_finalize(st);
	uimp_db_close(db);
	return rc;
}

int
uimp_job_findings(const char *dbpath, int wait_s, long long id,
    uimp_finding_fn fn, void *arg, struct uimp_err *e)
{
	struct uimp_db *db;
	struct uimp_finding f;
	sqlite3_stmt *st = NULL;
	const char *sev;
	int rc;

	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	rc = sqlite3_prepare_v2(db->h, "SELECT j.file, f.row, f.column_name, "
	    "f.field, f.severity, f.code, f.message FROM job_findings f "
	    "JOIN jobs j ON j.id = f.job_id WHERE f.job_id = ?1 "
	    "ORDER BY f.row, f.id", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = dberr(db, rc, "cannot read the jobs", e);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&f, 0, sizeof(f));
		f.file = text_or_null(st, 0);
		if (f.file == NULL)
			f.file = "-";
		f.row = (unsigned long)sqlite3_column_int64(st, 1);
		f.column = text_or_null(st, 2);
		f.field = text_or_null(st, 3);
		sev = text_or_null(st, 4);
		f.severity = sev && strcmp(sev, "warning") == 0 ?
		    UIMP_SEV_WARNING : UIMP_SEV_ERROR;
		f.code = text_or_null(st, 5);
		f.message = text_or_null(st, 6);
		if (fn(&f, arg) != 0)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? UIMP_OK :
	    dberr(db, rc, "cannot read the jobs", e);
out:
	sqlite3_finalize(st);
	uimp_db_close(db);
	return rc;
}

/* jobs errors and prune */

int
db_job_columns(struct uimp_db *db, long long id, struct buf *mem,
    size_t *n, int *recorded, struct uimp_err *e)
{
	sqlite3_stmt *st = NULL;
	const char *h;
	int rc, v2, rows = 0;

	*n = 0;
	*recorded = 0;
	buf_reset(mem);
	if ((rc = has_v2(db, &v2, e)) != UIMP_OK)
		return rc;
	rc = sqlite3_prepare_v2(db->h, v2 ? "SELECT j.columns IS NOT NULL, "
	    "h.value FROM jobs j LEFT JOIN json_each(j.columns) h "
	    "WHERE j.id = ?1 ORDER BY h.id" : "SELECT 0, NULL FROM jobs "
	    "WHERE id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc, "cannot read the jobs", e);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		*recorded = sqlite3_column_int(st, 0);
		if ((h = text_or_null(st, 1)) == NULL)
			continue;
		if (buf_add(mem, h, strlen(h) + 1)) {
			rc = uimp_err_set(e, UIMP_ENOMEM, 0, db->path, "%s",
			    uimp_strstatus(UIMP_ENOMEM));
			goto out;
		}
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		rc = dberr(db, rc, "cannot read the jobs", e);
	else if (rows == 0)
		rc = uimp_err_set(e, UIMP_ENOENT, 0, db->path, "no job %lld",
		    id);
	else
		rc = UIMP_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

/* A cell or an error finding of the row being gathered: offsets in mem. */
struct row_item {
	int	 finding;	/* 0: a cell, 1: an error finding */
	size_t	 k;		/* key or column; NO_KEY: none */
	size_t	 v, vlen;	/* cell text or message */
};

#define NO_KEY	((size_t)-1)

/* One row of a job gathered from its cells and findings. */
struct row_acc {
	unsigned long	 row;
	int		 any;		/* a row is being gathered */
	int		 kept;
	struct buf	 mem;
	struct row_item	*it;
	size_t		 n, cap;
	const char	**p;		/* 4 x pcap pointers for job_row */
	size_t		*len;
	size_t		 pcap;
};

/* Add an item (k NULL: none) to the row; 0 or UIMP_ENOMEM. */
static int
row_add(struct row_acc *a, int finding, const char *k, const char *v,
    size_t vlen)
{
	struct row_item *it;
	size_t cap;

	if (a->n == a->cap) {
		cap = a->cap ? a->cap * 2 : 32;
		if ((it = reallocarray(a->it, cap, sizeof(*it))) == NULL)
			return UIMP_ENOMEM;
		a->it = it;
		a->cap = cap;
	}
	it = &a->it[a->n];
	it->finding = finding;
	it->k = NO_KEY;
	if (k != NULL) {
		it->k = a->mem.len;
		if (buf_add(&a->mem, k, strlen(k) + 1))
			return UIMP_ENOMEM;
	}
	it->v = a->mem.len;
	it->vlen = vlen;
	if (buf_add(&a->mem, v ? v : "", v ? vlen : 0) ||
	    buf_addc(&a->mem, '\0'))
		return UIMP_ENOMEM;
	a->n++;
	return UIMP_OK;
}

/*
 * Hand the gathered row to fn and start afresh: fn's status (e is fn's
 * to fill), or UIMP_ENOMEM with e set.
 */
static int
row_flush(struct row_acc *a, job_row_fn fn, void *arg, const char *path,
    struct uimp_err *e)
{
	struct job_row r;
	size_t i, nc = 0, nf = 0;
	int rc;

	if (!a->any)
		return UIMP_OK;
	if (a->pcap < a->n) {
		free(a->p);
		free(a->len);
		a->len = NULL;
		a->pcap = 0;
		if ((a->p = calloc(a->n, 4 * sizeof(*a->p))) == NULL ||
		    (a->len = calloc(a->n, sizeof(*a->len))) == NULL)
			return uimp_err_set(e, UIMP_ENOMEM, 0, path, "%s",
			    uimp_strstatus(UIMP_ENOMEM));
		a->pcap = a->n;
	}
	memset(&r, 0, sizeof(r));
	r.row = a->row;
	r.kept = a->kept;
	r.key = a->p;
	r.text = a->p + a->pcap;
	r.column = a->p + 2 * a->pcap;
	r.message = a->p + 3 * a->pcap;
	r.len = a->len;
	for (i = 0; i < a->n; i++) {
		if (a->it[i].finding) {
			r.column[nf] = a->it[i].k == NO_KEY ? NULL :
			    a->mem.s + a->it[i].k;
			r.message[nf++] = a->mem.s + a->it[i].v;
		} else {
			r.key[nc] = a->mem.s + a->it[i].k;
			r.text[nc] = a->mem.s + a->it[i].v;
			a->len[nc++] = a->it[i].vlen;
		}
	}
	r.ncells = nc;
	r.nerrs = nf;
	rc = fn(&r, arg);
	if (a->mem.s != NULL)
		explicit_bzero(a->mem.s, a->mem.len);
	buf_reset(&a->mem);
	a->n = 0;
	a->any = a->kept = 0;
	return rc;
}

int
db_job_rows_each(struct uimp_db *db, long long id, job_row_fn fn, void *arg,
    struct uimp_err *e)
{
	struct row_acc a;
	sqlite3_stmt *st = NULL;
	unsigned long row;
	const char *k, *v;
	int rc, finding;

	memset(&a, 0, sizeof(a));
	/*
	 * A row's cells from its JSON object, then its error findings.
	 * Import keeps every rejected row ({} past its budget): rows with
	 * findings only are the header's.
	 */
	rc = sqlite3_prepare_v2(db->h, "SELECT row, kind, k, v FROM ("
	    "SELECT r.row AS row, 0 AS kind, c.id AS ord, c.key AS k, "
	    "c.value AS v FROM job_rows r LEFT JOIN json_each(r.cells) c "
	    "WHERE r.job_id = ?1 UNION ALL SELECT f.row, 1, f.id, "
	    "f.column_name, f.message FROM job_findings f JOIN job_rows r "
	    "ON r.job_id = f.job_id AND r.row = f.row WHERE f.job_id = ?1 "
	    "AND f.severity = 'error') ORDER BY row, kind, ord", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc, "cannot read the job's rows", e);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = (unsigned long)sqlite3_column_int64(st, 0);
		finding = sqlite3_column_int(st, 1);
		k = text_or_null(st, 2);
		v = text_or_null(st, 3);
		if (a.any && row != a.row &&
		    (rc = row_flush(&a, fn, arg, db->path, e)) != UIMP_OK)
			goto out;
		a.any = 1;
		a.row = row;
		if (!finding && k == NULL)
			continue;	/* cells {}: not kept */
		if (!finding)
			a.kept = 1;
		if (row_add(&a, finding, k, v,
		    (size_t)sqlite3_column_bytes(st, 3)) != UIMP_OK) {
			rc = uimp_err_set(e, UIMP_ENOMEM, 0, db->path, "%s",
			    uimp_strstatus(UIMP_ENOMEM));
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		rc = dberr(db, rc, "cannot read the job's rows", e);
	else
		rc = row_flush(&a, fn, arg, db->path, e);
out:
	sqlite3_finalize(st);
	buf_wipe(&a.mem);
	free(a.it);
	free(a.p);
	free(a.len);
	return rc;
}

/* What jobs prune removes: ?1 days old (NULL: any age), not the ?2 newest. */
#define PRUNE_WHERE " FROM jobs WHERE (?1 IS NULL OR finished_at < " \
	"strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ?1 || ' days')) " \
	"AND id NOT IN (SELECT id FROM jobs ORDER BY id DESC LIMIT ?2)"

int
uimp_jobs_prune(const char *dbpath, int wait_s, long days, long keep,
    int dry_run, unsigned long *removed, struct uimp_err *e)
{
	struct uimp_db *db;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int rc, ro;

	*removed = 0;
	if (days < 0 && keep < 0)
		UIMP_BUG("uimp_jobs_prune() with neither days nor keep");
	/* a store that is not there has no jobs to remove */
	ro = dry_run || (stat(dbpath, &sb) == -1 && errno == ENOENT);
	if ((rc = uimp_db_open(&db, dbpath, ro ? UIMP_DB_READONLY : 0,
	    wait_s, e)))
		return rc;
	if (!ro && (rc = exec(db, "BEGIN IMMEDIATE", "cannot lock the store",
	    e)) != UIMP_OK)
		goto out;
	rc = sqlite3_prepare_v2(db->h, ro ? "SELECT count(*)" PRUNE_WHERE :
	    "DELETE" PRUNE_WHERE, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = dberr(db, rc, "cannot read the jobs", e);
		goto out;
	}
	if (days >= 0)
		sqlite3_bind_int64(st, 1, days);
	sqlite3_bind_int64(st, 2, keep >= 0 ? keep : 0);
	rc = sqlite3_step(st);
	if (ro && rc == SQLITE_ROW) {
		*removed = (unsigned long)sqlite3_column_int64(st, 0);
		rc = UIMP_OK;
	} else if (!ro && rc == SQLITE_DONE) {
		*removed = (unsigned long)sqlite3_changes(db->h);
		rc = exec(db, "COMMIT", "cannot remove the jobs", e);
	} else
		rc = dberr(db, rc, "cannot remove the jobs", e);
out:
	sqlite3_finalize(st);
	if (rc != UIMP_OK && !ro)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	if (rc != UIMP_OK)
		*removed = 0;
	uimp_db_close(db);
	return rc;
}
#undef PRUNE_WHERE

/* revert: undo what a job did (userimp jobs revert) */

/* The job record's user and host: who runs this, where. */
static void
job_origin(struct job *j, char *host, size_t hostsz)
{
	struct passwd *pw = getpwuid(geteuid());

	if (gethostname(host, hostsz) != 0)
		*host = '\0';
	host[hostsz - 1] = '\0';
	j->user = pw ? pw->pw_name : NULL;
	j->host = host;
}

/* Prepare a statement run once (finalized by the caller). */
static int
prep_once(struct uimp_db *db, const char *text, sqlite3_stmt **st,
    struct uimp_err *e)
{
	int rc = sqlite3_prepare_v2(db->h, text, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return dberr(db, rc, "cannot prepare a statement", e);
	}
	return UIMP_OK;
}

/*
 * The changes of a job that inserted users, in one statement: within the
 * write transaction every user with an id past after is the job's (a new
 * row's id is one past the largest).
 */
int
db_job_inserts(struct uimp_db *db, long long job, long long after,
    const char *updated_at, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_once(db, "INSERT INTO job_changes (job_id, user_id, "
	    "action, username, updated_at) SELECT ?1, id, 'insert', "
	    "username, ?3 FROM users WHERE id > ?2 ORDER BY id", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, job);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_text(st, 3, updated_at, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot write the "
	    "job", e);
}

int
db_max_user_id(struct uimp_db *db, long long *id, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_once(db, "SELECT coalesce(max(id), 0) FROM users", &st,
	    e)))
		return rc;
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UIMP_OK : dberr(db, rc, "cannot read the "
	    "store", e);
}

/*
 * A user for a message: the username quoted ("'alice'"), or "#12" when
 * it is unknown or not UTF-8.
 */
static void
user_quote(char *out, size_t outsz, const unsigned char *name,
    long long id)
{
	const char *s = (const char *)name;

	if (s && uimp_utf8_len(s, strlen(s), NULL) >= 0)
		quote(out, outsz, s, strlen(s));
	else
		snprintf(out, outsz, "#%lld", id);
}

/*
 * The users job id changed that changed again after it: a later job
 * changed them (job_changes), another program did (updated_at is not what
 * the job left), they are gone, or (removed by the job) their id is taken.
 * A user is the id and the username together: SQLite gives the id of a
 * removed user to the next one made.  Only a user's last change in job
 * id counts.  Columns: user id, name (as the job found the user), the
 * first later job or NULL, the other user who has the id now or NULL.
 */
static const char revert_conflicts_sql[] =
	"SELECT c.user_id, c.username, "
	"(SELECT min(l.job_id) FROM job_changes l WHERE "
	"l.user_id = c.user_id AND l.job_id > c.job_id), "
	"CASE WHEN u.username = c.username COLLATE NOCASE THEN NULL "
	"ELSE u.username END "
	"FROM job_changes c LEFT JOIN users u ON u.id = c.user_id "
	"WHERE c.job_id = ?1 AND NOT EXISTS (SELECT 1 FROM job_changes n "
	"WHERE n.job_id = c.job_id AND n.user_id = c.user_id AND n.id > c.id) "
	"AND (EXISTS (SELECT 1 FROM job_changes l WHERE "
	"l.user_id = c.user_id AND l.job_id > c.job_id) "
	"OR (c.action = 'remove' AND u.id IS NOT NULL) "
	"OR (c.action <> 'remove' AND (u.id IS NULL OR "
	"u.username <> c.username COLLATE NOCASE OR "
	"u.updated_at IS NOT c.updated_at))) "
	"ORDER BY c.id DESC";

/* Every column of a users row from its JSON (USER_JSON) in ?1. */
static const char restore_update_sql[] =
	"UPDATE users SET username = json_extract(?1, '$.username'), "
	"email = json_extract(?1, '$.email'), "
	"password_hash = json_extract(?1, '$.password_hash'), "
	"first_name = json_extract(?1, '$.first_name'), "
	"last_name = json_extract(?1, '$.last_name'), "
	"company = json_extract(?1, '$.company'), "
	"title = json_extract(?1, '$.title'), "
	"department = json_extract(?1, '$.department'), "
	"about_me = json_extract(?1, '$.about_me'), "
	"whatsapp = json_extract(?1, '$.whatsapp'), "
	"work_phone = json_extract(?1, '$.work_phone'), "
	"mobile_phone = json_extract(?1, '$.mobile_phone'), "
	"fax = json_extract(?1, '$.fax'), "
	"website = json_extract(?1, '$.website'), "
	"address = json_extract(?1, '$.address'), "
	"is_manager = json_extract(?1, '$.is_manager'), "
	"manager_id = json_extract(?1, '$.manager_id'), "
	"status = json_extract(?1, '$.status'), "
	"must_change_password = json_extract(?1, '$.must_change_password'), "
	"contact_no = json_extract(?1, '$.contact_no'), "
	"created_at = json_extract(?1, '$.created_at'), "
	"updated_at = ?2 WHERE id = ?3";

static const char restore_insert_sql[] =
	"INSERT INTO users (id, username, email, password_hash, first_name, "
	"last_name, company, title, department, about_me, whatsapp, "
	"work_phone, mobile_phone, fax, website, address, is_manager, "
	"manager_id, status, must_change_password, contact_no, created_at, "
	"updated_at) VALUES (?3, json_extract(?1, '$.username'), "
	"json_extract(?1, '$.email'), json_extract(?1, '$.password_hash'), "
	"json_extract(?1, '$.first_name'), json_extract(?1, '$.last_name'), "
	"json_extract(?1, '$.company'), json_extract(?1, '$.title'), "
	"json_extract(?1, '$.department'), json_extract(?1, '$.about_me'), "
	"json_extract(?1, '$.whatsapp'), json_extract(?1, '$.work_phone'), "
	"json_extract(?1, '$.mobile_phone'), json_extract(?1, '$.fax'), "
	"json_extract(?1, '$.website'), json_extract(?1, '$.address'), "
	"json_extract(?1, '$.is_manager'), json_extract(?1, '$.manager_id'), "
	"json_extract(?1, '$.status'), "
	"json_extract(?1, '$.must_change_password'), "
	"json_extract(?1, '$.contact_no'), json_extract(?1, '$.created_at'), "
	"?2)";

/*
 * The groups, labels and custom values of user ?2 from its JSON (USER_JSON)
 * in ?1, each set only when the JSON has it (a snapshot older than schema
 * 3 has none), leaving out groups, labels and fields deleted since.
 */
static const char *const restore_dir_sql[] = {
	"DELETE FROM user_groups WHERE user_id = ?2 AND "
	"json_type(?1, '$.groups') IS NOT NULL",
	"INSERT INTO user_groups (user_id, type_id, group_id) SELECT ?2, "
	"g.type_id, g.id FROM json_each(?1, '$.groups') j JOIN groups g "
	"ON g.id = j.value AND g.type_id = CAST(j.key AS INTEGER)",
	"DELETE FROM user_labels WHERE user_id = ?2 AND "
	"json_type(?1, '$.labels') IS NOT NULL",
	"INSERT OR IGNORE INTO user_labels (user_id, label_id) SELECT ?2, "
	"l.id FROM json_each(?1, '$.labels') j JOIN labels l ON l.id = j.value",
	"DELETE FROM user_values WHERE user_id = ?2 AND "
	"json_type(?1, '$.values') IS NOT NULL",
	"INSERT INTO user_values (user_id, field_id, value) SELECT ?2, f.id, "
	"CAST(j.value AS TEXT) FROM json_each(?1, '$.values') j JOIN "
	"custom_fields f ON f.id = CAST(j.key AS INTEGER) WHERE j.value IS "
	"NOT NULL"
};

/* Put back user id's groups, labels and custom values from before. */
static int
restore_dir(struct uimp_db *db, long long id, const char *before,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(restore_dir_sql) / sizeof(restore_dir_sql[0]);
	    i++) {
		if ((rc = prep_once(db, restore_dir_sql[i], &st, e)))
			return rc;
		sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return dberr(db, rc, "cannot write users", e);
	}
	return UIMP_OK;
}

/*
 * Why restoring user id from before broke a constraint: the username,
 * email or mobile phone it had is now another user's.
 */
static int
restore_refused(struct uimp_db *db, long long id, const char *before,
    struct uimp_err *e)
{
	static const char *const what[] = { "username", "email",
	    "mobile phone" };
	sqlite3_stmt *st;
	const unsigned char *other;
	char who[64], by[64];
	int rc, i;

	user_quote(who, sizeof(who), NULL, id);
	if ((rc = prep_once(db, "SELECT json_extract(?1, '$.username'), "
	    "(SELECT username FROM users WHERE username = "
	    "json_extract(?1, '$.username') AND id <> ?2), "
	    "(SELECT username FROM users WHERE lower(email) = "
	    "lower(json_extract(?1, '$.email')) AND id <> ?2), "
	    "(SELECT username FROM users WHERE mobile_phone = "
	    "json_extract(?1, '$.mobile_phone') AND id <> ?2)", &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user_quote(who, sizeof(who), sqlite3_column_text(st, 0), id);
		for (i = 0; i < 3; i++) {
			if ((other = sqlite3_column_text(st, i + 1)) == NULL)
				continue;
			user_quote(by, sizeof(by), other, 0);
			rc = uimp_err_set(e, UIMP_EREFUSED, 0, db->path,
			    "cannot restore user %s: user %s now has the %s "
			    "it had", who, by, what[i]);
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	return uimp_err_set(e, UIMP_EREFUSED, 0, db->path, "cannot restore "
	    "user %s: %s", who, sqlite3_errmsg(db->h));
}

/*
 * Put user id back as before (USER_JSON) holds it, updated now: over the
 * row with that id when there is one (it gets a change of job rj first),
 * else as a new row with that id (a change after).  *back is 1 when the
 * user was brought back rather than restored.
 */
static int
restore_user(struct uimp_db *db, long long rj, long long id,
    const char *before, int exists, const char *now, int *back,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*back = !exists;
	if (exists && (rc = db_job_change(db, rj, id, CH_UPDATE, now, e)))
		return rc;
	if ((rc = prep_once(db, exists ? restore_update_sql :
	    restore_insert_sql, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return restore_refused(db, id, before, e);
	if (rc != SQLITE_DONE)
		return dberr(db, rc, "cannot write users", e);
	if ((rc = restore_dir(db, id, before, e)) != UIMP_OK)
		return rc;
	if (!exists)
		return db_job_change(db, rj, id, CH_INSERT, now, e);
	return UIMP_OK;
}

/* Remove user id, recorded as a change of job rj first. */
static int
remove_user(struct uimp_db *db, long long rj, long long id,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_job_change(db, rj, id, CH_REMOVE, NULL, e)))
		return rc;
	if ((rc = prep_once(db, "DELETE FROM users WHERE id = ?1", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot write "
	    "users", e);
}

/*
 * Report the users job id changed that changed since, to fn and (with
 * force, as warnings) into the record of job rj; *n gets how many.
 */
static int
revert_conflicts(struct uimp_db *db, long long id, long long rj, int force,
    uimp_finding_fn fn, void *arg, unsigned long *n, struct uimp_err *e)
{
	struct uimp_finding f;
	sqlite3_stmt *st;
	char who[64], other[64], msg[320];
	size_t n0;
	int rc, stop = 0;

	*n = 0;
	if ((rc = prep_once(db, revert_conflicts_sql, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*n)++;
		user_quote(who, sizeof(who), sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 0));
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			snprintf(msg, sizeof(msg), "user %s changed since job "
			    "%lld", who, id);
		else
			snprintf(msg, sizeof(msg), "user %s changed since job "
			    "%lld (by job %lld)", who, id,
			    (long long)sqlite3_column_int64(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			user_quote(other, sizeof(other),
			    sqlite3_column_text(st, 3), 0);
			n0 = strlen(msg);
			snprintf(msg + n0, sizeof(msg) - n0, "; it is gone, and "
			    "its id is user %s's now, whom a revert leaves "
			    "alone", other);
		}
		memset(&f, 0, sizeof(f));
		f.file = db->path;
		f.severity = force ? UIMP_SEV_WARNING : UIMP_SEV_ERROR;
		f.code = "changed_since";
		f.message = msg;
		if (fn && !stop)
			stop = fn(&f, arg);
		if (force && (rc = db_job_finding(db, rj, &f, e)) != UIMP_OK) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot read the "
	    "jobs", e);
}

/*
 * Refuse the revert when a user it restored names a manager that is not
 * there: one it removed, or one removed by another since.
 */
static int
revert_managers(struct uimp_db *db, long long rj, struct uimp_err *e)
{
	sqlite3_stmt *st;
	char who[64], mgr[64];
	int rc;

	if ((rc = prep_once(db, "SELECT c.username, c.id, c.manager_id, "
	    "(SELECT json_extract(r.before, '$.username') FROM job_changes r "
	    "WHERE r.job_id = ?1 AND r.user_id = c.manager_id AND "
	    "r.action = 'remove') FROM users c WHERE c.manager_id IS NOT NULL "
	    "AND NOT EXISTS (SELECT 1 FROM users m WHERE m.id = c.manager_id) "
	    "LIMIT 1", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, rj);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		user_quote(who, sizeof(who), sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			user_quote(mgr, sizeof(mgr), sqlite3_column_text(st,
			    3), sqlite3_column_int64(st, 2));
			rc = uimp_err_set(e, UIMP_EREFUSED, 0, db->path,
			    "cannot remove user %s: user %s names them as "
			    "manager", mgr, who);
		} else
			rc = uimp_err_set(e, UIMP_EREFUSED, 0, db->path,
			    "cannot restore user %s: their manager (user "
			    "#%lld) is gone", who,
			    (long long)sqlite3_column_int64(st, 2));
	} else if (rc == SQLITE_DONE)
		rc = UIMP_OK;
	else
		rc = dberr(db, rc, "cannot read users", e);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Whether job id is there and not reverted yet, and changed a user:
 * UIMP_ENOENT or UIMP_EREFUSED with e set when not.
 */
static int
revert_target(struct uimp_db *db, long long id, struct uimp_err *e)
{
	sqlite3_stmt *st;
	long long by = 0;
	int rc, changes = 0;

	if ((rc = prep_once(db, "SELECT reverted_by, EXISTS (SELECT 1 FROM "
	    "job_changes WHERE job_id = ?1) FROM jobs WHERE id = ?1", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		by = sqlite3_column_int64(st, 0);
		changes = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return uimp_err_set(e, UIMP_ENOENT, 0, db->path, "no job %lld",
		    id);
	if (rc != SQLITE_ROW)
		return dberr(db, rc, "cannot read the jobs", e);
	if (by)
		return uimp_err_set(e, UIMP_EREFUSED, 0, db->path, "job %lld "
		    "was reverted by job %lld", id, by);
	if (!changes)
		return uimp_err_set(e, UIMP_ENOENT, 0, db->path, "job %lld "
		    "changed no user", id);
	return UIMP_OK;
}

/* Undo the changes of job id, newest first, as changes of job rj. */
static int
revert_changes(struct uimp_db *db, long long id, long long rj,
    const char *now, struct uimp_summary *sum, struct uimp_err *e)
{
	sqlite3_stmt *st;
	const char *action, *before;
	long long uid;
	int rc = UIMP_OK, step, exists, back;

	/*
	 * The rows this adds to job_changes belong to job rj: the scan, on
	 * job id's rows, does not meet them.
	 */
	if ((rc = prep_once(db, "SELECT c.user_id, c.action, c.before, "
	    "EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id AND "
	    "u.username = c.username COLLATE NOCASE), EXISTS (SELECT 1 FROM "
	    "users u WHERE u.id = c.user_id AND u.username <> c.username "
	    "COLLATE NOCASE) FROM job_changes c WHERE c.job_id = ?1 ORDER BY "
	    "c.id DESC", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		uid = sqlite3_column_int64(st, 0);
		action = (const char *)sqlite3_column_text(st, 1);
		before = (const char *)sqlite3_column_text(st, 2);
		exists = sqlite3_column_int(st, 3);
		/*
		 * The id is another user's now (--force): the job's user
		 * cannot come back under it, and that other user is not
		 * the job's to touch.
		 */
		if (sqlite3_column_int(st, 4))
			continue;
		if (action && strcmp(action, "insert") == 0) {
			/* gone already (force): nothing to remove */
			if (exists && (rc = remove_user(db, rj, uid, e)))
				break;
			if (exists)
				sum->removed++;
			continue;
		}
		if (before == NULL) {
			rc = uimp_err_set(e, UIMP_EDB, 0, db->path, "job %lld "
			    "kept no record of user #%lld as it was", id, uid);
			break;
		}
		if ((rc = restore_user(db, rj, uid, before, exists, now,
		    &back, e)) != UIMP_OK)
			break;
		if (back)
			sum->inserted++;
		else
			sum->updated++;
	}
	sqlite3_finalize(st);
	if (rc != UIMP_OK)
		return rc;
	return step == SQLITE_DONE ? UIMP_OK : dberr(db, step, "cannot read "
	    "the jobs", e);
}

int
uimp_job_revert(const char *dbpath, int wait_s, long long id, int force,
    const char *options_text, uimp_finding_fn fn, void *arg,
    struct uimp_summary *sum, struct uimp_err *e)
{
	struct uimp_db *db = NULL;
	struct stat sb;
	struct job j;
	sqlite3_stmt *st;
	unsigned long conflicts;
	char now[21], host[256];
	long long rj;
	int rc;

	memset(sum, 0, sizeof(*sum));
	if (stat(dbpath, &sb) == -1 && errno == ENOENT)
		return uimp_err_set(e, UIMP_ENOENT, 0, dbpath, "no job %lld",
		    id);
	if ((rc = uimp_db_open(&db, dbpath, 0, wait_s, e)) != UIMP_OK)
		return rc;
	if ((rc = db_begin(db, e)) != UIMP_OK)
		goto out;
	/* a restored user may name a manager restored later in the walk */
	if ((rc = exec(db, "PRAGMA defer_foreign_keys = ON", "cannot write "
	    "users", e)) != UIMP_OK)
		goto out;
	if ((rc = revert_target(db, id, e)) != UIMP_OK)
		goto out;
	utc_now(now);
	memset(&j, 0, sizeof(j));
	job_origin(&j, host, sizeof(host));
	j.started_at = j.finished_at = now;
	j.command = "revert";
	j.options = options_text;
	j.outcome = "ok";
	j.sum = sum;
	if ((rc = db_job_insert(db, &j, &rj, e)) != UIMP_OK)
		goto out;
	if ((rc = revert_conflicts(db, id, rj, force, fn, arg, &conflicts,
	    e)) != UIMP_OK)
		goto out;
	if (conflicts && !force) {
		rc = uimp_err_set(e, UIMP_EREFUSED, 0, dbpath, "job %lld not "
		    "reverted: %lu user%s changed since (--force reverts "
		    "anyway)", id, conflicts, conflicts == 1 ? "" : "s");
		goto out;
	}
	sum->warnings = conflicts;
	if ((rc = revert_changes(db, id, rj, now, sum, e)) != UIMP_OK)
		goto out;
	if ((rc = revert_managers(db, rj, e)) != UIMP_OK)
		goto out;
	sum->job = rj;
	if ((rc = db_job_finish(db, rj, &j, e)) != UIMP_OK)
		goto out;
	/* reverting a revert puts back the changes of the job it undid */
	if ((rc = prep_once(db, "UPDATE jobs SET reverted_by = CASE WHEN "
	    "id = ?2 THEN ?1 END WHERE id = ?2 OR reverted_by = ?2", &st,
	    e)) != UIMP_OK)
		goto out;
	sqlite3_bind_int64(st, 1, rj);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = dberr(db, rc, "cannot write the jobs", e);
		goto out;
	}
	rc = db_commit(db, e);
out:
	if (rc != UIMP_OK) {
		db_rollback(db);
		memset(sum, 0, sizeof(*sum));
	}
	uimp_db_close(db);
	return rc;
}

/* user: one user at a time (userimp-user) */

/*
 * One user with every field, the times and the manager's username after
 * the columns user_load() reads.
 */
#define ONE_USER_SQL "SELECT id, username, password_hash IS NOT NULL, " \
	"email, first_name, last_name, company, title, department, " \
	"about_me, whatsapp, work_phone, mobile_phone, fax, website, " \
	"address, is_manager, status, must_change_password, contact_no, " \
	"(SELECT m.email FROM users m WHERE m.id = u.manager_id), " \
	"NULL, created_at, updated_at, (SELECT m.username FROM users m " \
	"WHERE m.id = u.manager_id) FROM users u "

/* UIMP_ENOENT: "no such user 'name'". */
static int
no_such_user(const char *name, struct uimp_err *e)
{
	char q[64];

	if (uimp_utf8_len(name, strlen(name), NULL) >= 0)
		quote(q, sizeof(q), name, strlen(name));
	else
		snprintf(q, sizeof(q), "(a name that is not UTF-8)");
	return uimp_err_set(e, UIMP_ENOENT, 0, NULL, "no such user %s", q);
}

/*
 * Find the user name names: by username (any case), else, when name
 * holds '@', by email.  manager (managersz bytes) gets the manager's
 * username or "".  UIMP_ENOENT with e set when there is none.
 */
static int
user_named(struct uimp_db *db, const char *name, struct user *u,
    char *manager, size_t managersz, struct uimp_err *e)
{
	static const char *const by[] = {
		ONE_USER_SQL "WHERE u.username = ?1",
		ONE_USER_SQL "WHERE lower(u.email) = lower(?1)"
	};
	sqlite3_stmt *st;
	const unsigned char *m;
	int i, rc;

	*manager = '\0';
	for (i = 0; i < 2; i++) {
		if (i == 1 && strchr(name, '@') == NULL)
			break;
		if ((rc = prep_once(db, by[i], &st, e)))
			return rc;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if ((m = sqlite3_column_text(st, 24)) != NULL)
				snprintf(manager, managersz, "%s", m);
			rc = user_load(u, st);
			sqlite3_finalize(st);
			if (rc != UIMP_OK)
				return uimp_err_set(e, rc, 0, NULL, "%s",
				    uimp_strstatus(rc));
			return UIMP_OK;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return dberr(db, rc, "cannot read users", e);
	}
	return no_such_user(name, e);
}

/* The public view of u (borrowing its strings). */
static void
user_public(const struct user *u, const char *manager, struct uimp_user *p)
{
	memset(p, 0, sizeof(*p));
	p->id = u->id;
	p->has_password = u->has_password;
	memcpy(p->v, u->v, sizeof(p->v));
	p->v[UIMP_F_PASSWORD] = NULL;
	p->manager = *manager ? manager : NULL;
}

int
uimp_user_show(const char *dbpath, int wait_s, const char *name,
    uimp_user_fn fn, void *arg, struct uimp_err *e)
{
	struct uimp_db *db;
	struct uimp_user p;
	struct user u;
	char manager[256];
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	if ((rc = user_named(db, name, &u, manager, sizeof(manager), e)) ==
	    UIMP_OK) {
		user_public(&u, manager, &p);
		fn(&p, arg);
	}
	user_release(&u);
	uimp_db_close(db);
	return rc;
}

/*
 * Refuse to remove user u while other users name them as manager: the
 * foreign key would refuse it too, without saying who.
 */
static int
user_managing(struct uimp_db *db, const struct user *u, struct uimp_err *e)
{
	sqlite3_stmt *st;
	char who[64], sub[64];
	long long n;
	int rc;

	if ((rc = prep_once(db, "SELECT min(username), count(*) FROM users "
	    "WHERE manager_id = ?1 AND id <> ?1", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, u->id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = dberr(db, rc, "cannot read users", e);
		sqlite3_finalize(st);
		return rc;
	}
	n = sqlite3_column_int64(st, 1);
	if (n == 0) {
		sqlite3_finalize(st);
		return UIMP_OK;
	}
	user_quote(who, sizeof(who), (const unsigned char *)
	    u->v[UIMP_F_USERNAME], u->id);
	user_quote(sub, sizeof(sub), sqlite3_column_text(st, 0), 0);
	sqlite3_finalize(st);
	if (n == 1)
		return uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "cannot remove "
		    "user %s: user %s names them as manager", who, sub);
	return uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "cannot remove user "
	    "%s: user %s and %lld others name them as manager", who, sub,
	    n - 1);
}

/* Write what c asks of user u, updated now. */
static int
user_write(struct uimp_db *db, const struct user *u,
    const struct uimp_user_change *c, const char *now, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	switch (c->action) {
	case UIMP_USER_DISABLE:
	case UIMP_USER_ENABLE:
		rc = prep_once(db, "UPDATE users SET status = ?2, "
		    "updated_at = ?3 WHERE id = ?1", &st, e);
		if (rc == UIMP_OK)
			sqlite3_bind_text(st, 2, c->action ==
			    UIMP_USER_DISABLE ? "blocked" : "active", -1,
			    SQLITE_STATIC);
		break;
	case UIMP_USER_REMOVE:
		rc = prep_once(db, "DELETE FROM users WHERE id = ?1", &st, e);
		break;
	default:
		rc = prep_once(db, "UPDATE users SET password_hash = ?2, "
		    "updated_at = ?3, must_change_password = CASE WHEN ?4 "
		    "THEN 1 ELSE must_change_password END WHERE id = ?1", &st,
		    e);
		if (rc == UIMP_OK) {
			sqlite3_bind_text(st, 2, c->hash, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 4, !!c->must_change);
		}
		break;
	}
	if (rc != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, u->id);
	if (c->action != UIMP_USER_REMOVE)
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return uimp_err_set(e, UIMP_EREFUSED, 0, db->path, "%s",
		    sqlite3_errmsg(db->h));
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot write "
	    "users", e);
}

int
uimp_user_change(const char *dbpath, int wait_s, const char *name,
    const struct uimp_user_change *c, uimp_user_fn fn, void *arg,
    struct uimp_summary *sum, struct uimp_err *e)
{
	struct uimp_db *db = NULL;
	struct uimp_user p;
	struct uimp_verdict v;
	struct user u;
	struct stat sb;
	struct job j;
	const char *status;
	char now[21], host[256], manager[256];
	int rc;

	memset(sum, 0, sizeof(*sum));
	memset(&u, 0, sizeof(u));
	if (c->action < UIMP_USER_DISABLE || c->action > UIMP_USER_PASSWD)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "no such change "
		    "of a user (%d)", c->action);
	if (c->action == UIMP_USER_PASSWD && (c->hash == NULL ||
	    uimp_is_hash(c->hash) != 1 || uimp_phc_check(c->hash, &v) != 0))
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "the new "
		    "password is not an argon2id hash");
	if (stat(dbpath, &sb) == -1 && errno == ENOENT)
		return no_such_user(name, e);
	if ((rc = uimp_db_open(&db, dbpath, 0, wait_s, e)) != UIMP_OK)
		return rc;
	if ((rc = db_begin(db, e)) != UIMP_OK)
		goto out;
	if ((rc = user_named(db, name, &u, manager, sizeof(manager), e)))
		goto out;
	if (fn) {
		user_public(&u, manager, &p);
		fn(&p, arg);
	}
	status = u.v[UIMP_F_STATUS] ? u.v[UIMP_F_STATUS] : "";
	if ((c->action == UIMP_USER_DISABLE && strcmp(status, "blocked") ==
	    0) || (c->action == UIMP_USER_ENABLE && strcmp(status, "active") ==
	    0))
		goto out;	/* as asked already: no job */
	if (c->action == UIMP_USER_REMOVE &&
	    (rc = user_managing(db, &u, e)) != UIMP_OK)
		goto out;
	utc_now(now);
	memset(&j, 0, sizeof(j));
	job_origin(&j, host, sizeof(host));
	j.started_at = j.finished_at = now;
	j.command = "user";
	j.options = c->options_text;
	j.outcome = "ok";
	j.sum = sum;
	if (c->action == UIMP_USER_REMOVE)
		sum->removed = 1;
	else
		sum->updated = 1;
	if ((rc = db_job_insert(db, &j, &sum->job, e)) != UIMP_OK)
		goto out;
	if ((rc = db_job_change(db, sum->job, u.id, c->action ==
	    UIMP_USER_REMOVE ? CH_REMOVE : CH_UPDATE, c->action ==
	    UIMP_USER_REMOVE ? NULL : now, e)) != UIMP_OK)
		goto out;
	if ((rc = user_write(db, &u, c, now, e)) != UIMP_OK)
		goto out;
	rc = db_commit(db, e);
out:
	if (rc != UIMP_OK)
		memset(sum, 0, sizeof(*sum));
	db_rollback(db);
	user_release(&u);
	uimp_db_close(db);
	return rc;
}

/* groups, labels, custom fields (the directory) */

/* UIMP_ENOMEM with e set. */
static int
nomem(struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

/*
 * Whether the store has the directory's tables (schema 3): an older store
 * read as it is has not.
 */
static int
dir_ready(struct uimp_db *db, int *yes, struct uimp_err *e)
{
	int v, rc;

	if (db->ver == 0) {
		if ((rc = user_version(db, &v, e)) != UIMP_OK)
			return rc;
		db->ver = v > 0 ? v : -1;
	}
	*yes = db->ver >= 3;
	return UIMP_OK;
}

void
dir_free_types(struct dir_type *t, size_t n)
{
	size_t i;

	for (i = 0; t && i < n; i++)
		free(t[i].name);
	free(t);
}

void
dir_free_fields(struct dir_field *f, size_t n)
{
	size_t i;

	for (i = 0; f && i < n; i++)
		free(f[i].name);
	free(f);
}

/*
 * Read the rows of statement s (id, name[, type]) into a new array of
 * struct dir_type (fields 0) or struct dir_field (fields 1).
 */
static int
dir_rows(struct uimp_db *db, enum stmt s, int fields, void **out, size_t *n,
    struct uimp_err *e)
{
	struct dir_type *t = NULL, *nt;
	struct dir_field *f = NULL, *nf;
	sqlite3_stmt *st;
	size_t cap = 0;
	char *name;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = prep(db, s, &st, e)) != UIMP_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			if (fields) {
				if ((nf = reallocarray(f, cap,
				    sizeof(*f))) == NULL)
					goto oom;
				f = nf;
			} else {
				if ((nt = reallocarray(t, cap,
				    sizeof(*t))) == NULL)
					goto oom;
				t = nt;
			}
		}
		if ((name = strdup((const char *)sqlite3_column_text(st,
		    1))) == NULL)
			goto oom;
		if (fields) {
			f[*n].id = sqlite3_column_int64(st, 0);
			f[*n].name = name;
			f[*n].type = dir_field_type((const char *)
			    sqlite3_column_text(st, 2));
			if (f[*n].type < 0)
				f[*n].type = DIR_TEXT;
		} else {
			t[*n].id = sqlite3_column_int64(st, 0);
			t[*n].name = name;
		}
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = dberr(db, rc, "cannot read the directory", e);
		goto fail;
	}
	*out = fields ? (void *)f : (void *)t;
	return UIMP_OK;
oom:
	sqlite3_reset(st);
	rc = nomem(e);
fail:
	if (fields)
		dir_free_fields(f, *n);
	else
		dir_free_types(t, *n);
	*n = 0;
	return rc;
}

int
db_dir_types(struct uimp_db *db, struct dir_type **out, size_t *n,
    struct uimp_err *e)
{
	size_t i;
	int rc, ready;
	void *p;

	*out = NULL;
	*n = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK)
		return rc;
	if (ready) {
		rc = dir_rows(db, ST_TYPES, 0, &p, n, e);
		*out = p;
		return rc;
	}
	if ((*out = calloc(NSEEDED, sizeof(**out))) == NULL)
		return nomem(e);
	for (i = 0; i < NSEEDED; i++) {
		(*out)[i].id = (long long)i + 1;
		if (((*out)[i].name = strdup(seeded_types[i])) == NULL) {
			dir_free_types(*out, i);
			*out = NULL;
			return nomem(e);
		}
	}
	*n = NSEEDED;
	return UIMP_OK;
}

int
db_dir_fields(struct uimp_db *db, struct dir_field **out, size_t *n,
    struct uimp_err *e)
{
	int rc, ready;
	void *p;

	*out = NULL;
	*n = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	rc = dir_rows(db, ST_FIELDS, 1, &p, n, e);
	*out = p;
	return rc;
}

/*
 * Run statement s, bound by the caller, for one integer: *v gets column 0
 * of its row, 0 when it has none.
 */
static int
step_id(struct uimp_db *db, sqlite3_stmt *st, long long *v,
    struct uimp_err *e)
{
	int rc = sqlite3_step(st);

	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(db, rc, "cannot read the directory", e);
	return UIMP_OK;
}

int
db_group_find(struct uimp_db *db, long long type_id, const char *name,
    long long *id, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc, ready;

	*id = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_GROUP_FIND, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, type_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return step_id(db, st, id, e);
}

int
db_group_by_id(struct uimp_db *db, long long type_id, long long gid,
    int *found, struct uimp_err *e)
{
	sqlite3_stmt *st;
	long long v;
	int rc, ready;

	*found = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_GROUP_BY_ID, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, type_id);
	sqlite3_bind_int64(st, 2, gid);
	if ((rc = step_id(db, st, &v, e)) == UIMP_OK)
		*found = v != 0;
	return rc;
}

int
db_group_create(struct uimp_db *db, long long type_id, const char *name,
    long long *id, struct uimp_err *e)
{
	sqlite3_stmt *st;
	char out[4 * DIR_NAME_MAX + 1], msg[128] = "white space around it";
	int rc;

	*id = 0;
	if (dir_name_check(UIMP_DIR_GROUP, name, strlen(name), out,
	    sizeof(out), msg, sizeof(msg)) != 0 || strcmp(out, name) != 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, db->path, "group '%s': "
		    "%s", name, msg);
	if ((rc = prep(db, ST_GROUP_NEW, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, type_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if ((rc = step_write(db, st, e)) == UIMP_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int
db_user_groups(struct uimp_db *db, long long user_id,
    const struct dir_type *types, size_t n, long long *gids,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	long long tid;
	size_t i;
	int rc, ready;

	for (i = 0; i < n; i++)
		gids[i] = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_UGROUPS, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tid = sqlite3_column_int64(st, 0);
		for (i = 0; i < n; i++)
			if (types[i].id == tid)
				gids[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot read the "
	    "directory", e);
}

int
db_user_group_set(struct uimp_db *db, long long user_id, long long type_id,
    long long gid, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, gid ? ST_UGROUP_SET : ST_UGROUP_DEL, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, type_id);
	if (gid)
		sqlite3_bind_int64(st, 3, gid);
	if ((rc = step_write(db, st, e)) != UIMP_OK)
		return rc;
	if (gid && sqlite3_changes(db->h) == 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, db->path, "no group "
		    "#%lld of group type #%lld", gid, type_id);
	return UIMP_OK;
}

int
db_label_find(struct uimp_db *db, const char *name, long long *id,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc, ready;

	*id = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_LABEL_FIND, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return step_id(db, st, id, e);
}

int
db_label_by_id(struct uimp_db *db, long long id, int *found,
    struct uimp_err *e)
{
	sqlite3_stmt *st;
	long long v;
	int rc, ready;

	*found = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_LABEL_BY_ID, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = step_id(db, st, &v, e)) == UIMP_OK)
		*found = v != 0;
	return rc;
}

int
db_user_labels(struct uimp_db *db, long long user_id, long long **ids,
    size_t *n, struct uimp_err *e)
{
	sqlite3_stmt *st;
	long long *p;
	size_t cap = 0;
	int rc, ready;

	*ids = NULL;
	*n = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_ULABELS, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			if ((p = reallocarray(*ids, cap, sizeof(*p))) == NULL) {
				sqlite3_reset(st);
				free(*ids);
				*ids = NULL;
				*n = 0;
				return nomem(e);
			}
			*ids = p;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return dberr(db, rc, "cannot read the directory", e);
	}
	return UIMP_OK;
}

int
db_user_labels_set(struct uimp_db *db, long long user_id,
    const long long *ids, size_t n, struct uimp_err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if ((rc = prep(db, ST_ULABELS_DEL, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	if ((rc = step_write(db, st, e)) != UIMP_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = prep(db, ST_ULABEL_ADD, &st, e)) != UIMP_OK)
			return rc;
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_int64(st, 2, ids[i]);
		if ((rc = step_write(db, st, e)) != UIMP_OK)
			return rc;
	}
	return UIMP_OK;
}

int
db_user_values(struct uimp_db *db, long long user_id,
    const struct dir_field *f, size_t n, char **vals, struct uimp_err *e)
{
	sqlite3_stmt *st;
	long long fid;
	size_t i;
	int rc, ready;

	for (i = 0; i < n; i++)
		vals[i] = NULL;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep(db, ST_UVALUES, &st, e)) != UIMP_OK)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fid = sqlite3_column_int64(st, 0);
		for (i = 0; i < n; i++) {
			if (f[i].id != fid || vals[i] != NULL)
				continue;
			if ((vals[i] = strdup((const char *)
			    sqlite3_column_text(st, 1))) == NULL) {
				sqlite3_reset(st);
				goto oom;
			}
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return UIMP_OK;
	rc = dberr(db, rc, "cannot read the directory", e);
	goto fail;
oom:
	rc = nomem(e);
fail:
	for (i = 0; i < n; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
	return rc;
}

int
db_user_value_set(struct uimp_db *db, long long user_id, long long field_id,
    const char *value, struct uimp_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, value ? ST_UVALUE_SET : ST_UVALUE_DEL, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, field_id);
	if (value)
		sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	return step_write(db, st, e);
}

/* the directory for userimp-groups, -labels and -fields */

/*
 * Run text once with ?1 bound to t1 (text) or else i1, and ?2 to t2 when
 * not NULL: *v (may be NULL) gets column 0 of its first row (0: none),
 * name (may be NULL) column 1, type (may be NULL) column 2, as text.
 */
static int
dir_one(struct uimp_db *db, const char *text, long long i1, const char *t1,
    const char *t2, long long *v, char *name, size_t namesz, char *type,
    size_t typesz, struct uimp_err *e)
{
	sqlite3_stmt *st;
	const unsigned char *s;
	int rc;

	if (v)
		*v = 0;
	if (name)
		*name = '\0';
	if ((rc = prep_once(db, text, &st, e)) != UIMP_OK)
		return rc;
	if (t1)
		sqlite3_bind_text(st, 1, t1, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, i1);
	if (t2)
		sqlite3_bind_text(st, 2, t2, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (v)
			*v = sqlite3_column_int64(st, 0);
		if (name && (s = sqlite3_column_text(st, 1)) != NULL)
			snprintf(name, namesz, "%s", s);
		if (type && (s = sqlite3_column_text(st, 2)) != NULL)
			snprintf(type, typesz, "%s", s);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return uimp_err_set(e, UIMP_EINVAL, 0, db->path, "%s",
		    sqlite3_errmsg(db->h));
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot use the "
	    "directory", e);
}

/* The group type named name (any ASCII case): *id 0 when none. */
static int
dir_type_named(struct uimp_db *db, const char *name, long long *id,
    char *canon, size_t canonsz, struct uimp_err *e)
{
	return dir_one(db, "SELECT id, name FROM group_types WHERE name = ?1",
	    0, name, NULL, id, canon, canonsz, NULL, 0, e);
}

/* name quoted for a message, or a placeholder when it is not UTF-8. */
static void
dir_quote(char *out, size_t outsz, const char *name)
{
	if (uimp_utf8_len(name, strlen(name), NULL) >= 0)
		quote(out, outsz, name, strlen(name));
	else
		snprintf(out, outsz, "(a name that is not UTF-8)");
}

/* UIMP_ENOENT: "no such <what> 'name'[ of type 'type']". */
static int
dir_none(const char *what, const char *name, const char *type,
    struct uimp_err *e)
{
	char q[64], t[64];

	dir_quote(q, sizeof(q), name);
	if (type == NULL)
		return uimp_err_set(e, UIMP_ENOENT, 0, NULL, "no such %s %s",
		    what, q);
	dir_quote(t, sizeof(t), type);
	return uimp_err_set(e, UIMP_ENOENT, 0, NULL, "no such %s %s of type "
	    "%s", what, q, t);
}

static const char *const dir_what[] = {
	[UIMP_DIR_TYPE] = "group type", [UIMP_DIR_GROUP] = "group",
	[UIMP_DIR_LABEL] = "label", [UIMP_DIR_FIELD] = "custom field"
};

/* The list of each kind: id, name, type name or NULL, type id, counts. */
static const char *const dir_list_sql[] = {
	[UIMP_DIR_TYPE] = "SELECT t.id, t.name, NULL, 0, (SELECT count(*) "
	    "FROM groups g WHERE g.type_id = t.id), (SELECT count(*) FROM "
	    "user_groups u WHERE u.type_id = t.id) FROM group_types t "
	    "ORDER BY t.id",
	[UIMP_DIR_GROUP] = "SELECT g.id, g.name, t.name, t.id, 0, (SELECT "
	    "count(*) FROM user_groups u WHERE u.group_id = g.id) FROM groups "
	    "g JOIN group_types t ON t.id = g.type_id WHERE ?1 = 0 OR "
	    "t.id = ?1 ORDER BY t.id, g.name COLLATE NOCASE, g.id",
	[UIMP_DIR_LABEL] = "SELECT l.id, l.name, NULL, 0, 0, (SELECT "
	    "count(*) FROM user_labels u WHERE u.label_id = l.id) FROM "
	    "labels l ORDER BY l.name, l.id",
	[UIMP_DIR_FIELD] = "SELECT f.id, f.name, f.type, 0, 0, (SELECT "
	    "count(*) FROM user_values v WHERE v.field_id = f.id) FROM "
	    "custom_fields f ORDER BY f.id"
};

/* Call fn with the entries dir_list_sql[kind] gives (groups of tid). */
static int
dir_walk(struct uimp_db *db, int kind, long long tid, uimp_dir_fn fn,
    void *arg, struct uimp_err *e)
{
	struct uimp_dir_entry d;
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_once(db, dir_list_sql[kind], &st, e)) != UIMP_OK)
		return rc;
	if (kind == UIMP_DIR_GROUP)
		sqlite3_bind_int64(st, 1, tid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&d, 0, sizeof(d));
		d.kind = kind;
		d.id = sqlite3_column_int64(st, 0);
		d.name = (const char *)sqlite3_column_text(st, 1);
		d.type = (const char *)sqlite3_column_text(st, 2);
		d.type_id = sqlite3_column_int64(st, 3);
		d.groups = (unsigned long)sqlite3_column_int64(st, 4);
		d.users = (unsigned long)sqlite3_column_int64(st, 5);
		d.builtin = kind == UIMP_DIR_TYPE && d.id >= 1 &&
		    d.id <= (long long)NSEEDED && strcasecmp(d.name,
		    seeded_types[d.id - 1]) == 0;
		if (fn(&d, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UIMP_OK : dberr(db, rc, "cannot read the "
	    "directory", e);
}

int
uimp_dir_list(const char *dbpath, int wait_s, int kind, const char *type,
    uimp_dir_fn fn, void *arg, struct uimp_err *e)
{
	struct uimp_dir_entry d;
	struct uimp_db *db;
	long long tid = 0;
	size_t i;
	int rc, ready;

	if (kind < UIMP_DIR_TYPE || kind > UIMP_DIR_FIELD)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "no such kind of "
		    "entry (%d)", kind);
	if ((rc = uimp_db_open(&db, dbpath, UIMP_DB_READONLY, wait_s, e)))
		return rc;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK)
		goto out;
	if (!ready) {
		/* an older store read as it is: the seeded types only */
		for (i = 0; i < NSEEDED && kind != UIMP_DIR_LABEL &&
		    kind != UIMP_DIR_FIELD; i++) {
			if (type && strcasecmp(type, seeded_types[i]) == 0)
				tid = (long long)i + 1;
			memset(&d, 0, sizeof(d));
			d.kind = kind;
			d.id = (long long)i + 1;
			d.name = seeded_types[i];
			d.builtin = 1;
			if (kind == UIMP_DIR_TYPE && fn(&d, arg) != 0)
				break;
		}
		if (kind == UIMP_DIR_GROUP && type && tid == 0)
			rc = dir_none(dir_what[UIMP_DIR_TYPE], type, NULL, e);
		goto out;
	}
	if (kind == UIMP_DIR_GROUP && type) {
		if ((rc = dir_type_named(db, type, &tid, NULL, 0, e)))
			goto out;
		if (tid == 0) {
			rc = dir_none(dir_what[UIMP_DIR_TYPE], type, NULL, e);
			goto out;
		}
	}
	if ((rc = db_read_begin(db, e)) != UIMP_OK)
		goto out;
	rc = dir_walk(db, kind, tid, fn, arg, e);
	db_read_end(db);
out:
	uimp_db_close(db);
	return rc;
}

/* What the change found or made: the entry reported to fn. */
struct dir_target {
	long long	id;
	char		name[4 * DIR_NAME_MAX + 1];
	char		type[16];		/* a field's type */
	long long	tid;			/* a group's type */
	char		tname[4 * DIR_COLUMN_MAX + 1];
};

/*
 * Find the entry of kind named name (groups: of type t->tid), as stored,
 * into t; UIMP_ENOENT when there is none.
 */
static int
dir_find(struct uimp_db *db, int kind, const char *name,
    struct dir_target *t, struct uimp_err *e)
{
	static const char *const by_name[] = {
		[UIMP_DIR_TYPE] = "SELECT id, name FROM group_types "
		    "WHERE name = ?1",
		[UIMP_DIR_GROUP] = "SELECT id, name FROM groups WHERE "
		    "type_id = ?1 AND name = ?2 COLLATE NOCASE",
		[UIMP_DIR_LABEL] = "SELECT id, name FROM labels "
		    "WHERE name = ?1",
		[UIMP_DIR_FIELD] = "SELECT id, name, type FROM custom_fields "
		    "WHERE name = ?1"
	};
	int rc;

	if (kind == UIMP_DIR_GROUP)
		rc = dir_one(db, by_name[kind], t->tid, NULL, name, &t->id,
		    t->name, sizeof(t->name), NULL, 0, e);
	else
		rc = dir_one(db, by_name[kind], 0, name, NULL, &t->id, t->name,
		    sizeof(t->name), t->type, sizeof(t->type), e);
	if (rc == UIMP_OK && t->id == 0)
		rc = dir_none(dir_what[kind], name, kind == UIMP_DIR_GROUP ?
		    t->tname : NULL, e);
	return rc;
}

/* Check name for kind into out; UIMP_EINVAL naming it when it is bad. */
static int
dir_new_name(int kind, const char *name, char *out, size_t outsz,
    struct uimp_err *e)
{
	char msg[160], q[64];

	if (dir_name_check(kind, name, strlen(name), out, outsz, msg,
	    sizeof(msg)) == 0)
		return UIMP_OK;
	dir_quote(q, sizeof(q), name);
	return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "%s name %s: %s",
	    dir_what[kind], q, msg);
}

/* UIMP_EREFUSED: the name is taken by another of its kind. */
static int
dir_taken(int kind, const char *name, const struct dir_target *t,
    struct uimp_err *e)
{
	char q[64], tq[64];

	dir_quote(q, sizeof(q), t->name[0] ? t->name : name);
	if (kind != UIMP_DIR_GROUP)
		return uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "%s %s exists "
		    "already", dir_what[kind], q);
	dir_quote(tq, sizeof(tq), t->tname);
	return uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "group %s of type %s "
	    "exists already", q, tq);
}

/* Add the entry name of kind (a group of t->tid); fn gets it. */
static int
dir_add(struct uimp_db *db, const struct uimp_dir_change *c,
    const char *name, struct dir_target *t, uimp_dir_fn fn, void *arg,
    struct uimp_err *e)
{
	static const char *const add_sql[] = {
		[UIMP_DIR_TYPE] = "INSERT INTO group_types (name) VALUES (?1)",
		[UIMP_DIR_GROUP] = "INSERT INTO groups (type_id, name) "
		    "VALUES (?1, ?2)",
		[UIMP_DIR_LABEL] = "INSERT INTO labels (name) VALUES (?1)",
		[UIMP_DIR_FIELD] = "INSERT INTO custom_fields (name, type) "
		    "VALUES (?1, ?2)"
	};
	struct uimp_dir_entry d;
	struct uimp_err e2;
	char clean[4 * DIR_NAME_MAX + 1];
	int rc, kind = c->kind;

	if ((rc = dir_new_name(kind, name, clean, sizeof(clean), e)))
		return rc;
	if ((kind == UIMP_DIR_TYPE || kind == UIMP_DIR_FIELD) &&
	    (rc = dir_name_free(db, kind, clean, e)) != UIMP_OK)
		return rc;
	memset(&e2, 0, sizeof(e2));
	if (kind != UIMP_DIR_TYPE && kind != UIMP_DIR_FIELD) {
		rc = dir_find(db, kind, clean, t, &e2);
		if (rc == UIMP_OK)
			return dir_taken(kind, clean, t, e);
		if (rc != UIMP_ENOENT) {
			*e = e2;
			return rc;
		}
	}
	if (kind == UIMP_DIR_GROUP)
		rc = dir_one(db, add_sql[kind], t->tid, NULL, clean, NULL,
		    NULL, 0, NULL, 0, e);
	else
		rc = dir_one(db, add_sql[kind], 0, clean, kind ==
		    UIMP_DIR_FIELD ? c->type : NULL, NULL, NULL, 0, NULL, 0, e);
	if (rc != UIMP_OK)
		return rc;
	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.id = sqlite3_last_insert_rowid(db->h);
	d.name = clean;
	d.type = kind == UIMP_DIR_GROUP ? t->tname : kind == UIMP_DIR_FIELD ?
	    c->type : NULL;
	d.type_id = kind == UIMP_DIR_GROUP ? t->tid : 0;
	if (fn)
		fn(&d, arg);
	return UIMP_OK;
}

/* How many users (and groups, for a type) the entry t of kind holds. */
static int
dir_use(struct uimp_db *db, int kind, const struct dir_target *t,
    long long *users, long long *groups, struct uimp_err *e)
{
	static const char *const use_sql[] = {
		[UIMP_DIR_TYPE] = "SELECT (SELECT count(*) FROM user_groups "
		    "WHERE type_id = ?1), (SELECT count(*) FROM groups WHERE "
		    "type_id = ?1)",
		[UIMP_DIR_GROUP] = "SELECT count(*), 0 FROM user_groups "
		    "WHERE group_id = ?1",
		[UIMP_DIR_LABEL] = "SELECT count(*), 0 FROM user_labels "
		    "WHERE label_id = ?1",
		[UIMP_DIR_FIELD] = "SELECT count(*), 0 FROM user_values "
		    "WHERE field_id = ?1"
	};
	char n[32];
	int rc;

	rc = dir_one(db, use_sql[kind], t->id, NULL, NULL, users, n,
	    sizeof(n), NULL, 0, e);
	*groups = strtoll(n, NULL, 10);
	return rc;
}

/* Remove (or rename to c->names[1]) the entry named c->names[0]. */
static int
dir_alter(struct uimp_db *db, const struct uimp_dir_change *c,
    struct dir_target *t, uimp_dir_fn fn, void *arg, struct uimp_err *e)
{
	static const char *const del_sql[] = {
		[UIMP_DIR_TYPE] = "DELETE FROM group_types WHERE id = ?1",
		[UIMP_DIR_GROUP] = "DELETE FROM groups WHERE id = ?1",
		[UIMP_DIR_LABEL] = "DELETE FROM labels WHERE id = ?1",
		[UIMP_DIR_FIELD] = "DELETE FROM custom_fields WHERE id = ?1"
	};
	static const char *const ren_sql[] = {
		[UIMP_DIR_GROUP] = "UPDATE groups SET name = ?2 WHERE id = ?1",
		[UIMP_DIR_LABEL] = "UPDATE labels SET name = ?2 WHERE id = ?1"
	};
	struct uimp_dir_entry d;
	struct dir_target other;
	char clean[4 * DIR_NAME_MAX + 1], q[64];
	long long users = 0, groups = 0;
	int rc, kind = c->kind;

	if ((rc = dir_find(db, kind, c->names[0], t, e)) != UIMP_OK)
		return rc;
	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.id = t->id;
	d.type = kind == UIMP_DIR_GROUP ? t->tname : kind == UIMP_DIR_FIELD ?
	    t->type : NULL;
	d.type_id = kind == UIMP_DIR_GROUP ? t->tid : 0;
	if (c->action == UIMP_DIR_RENAME) {
		if (kind != UIMP_DIR_GROUP && kind != UIMP_DIR_LABEL)
			return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "a %s "
			    "cannot be renamed", dir_what[kind]);
		if ((rc = dir_new_name(kind, c->names[1], clean,
		    sizeof(clean), e)) != UIMP_OK)
			return rc;
		other = *t;
		rc = dir_find(db, kind, clean, &other, e);
		if (rc == UIMP_OK && other.id != t->id)
			return dir_taken(kind, clean, &other, e);
		if (rc != UIMP_OK && rc != UIMP_ENOENT)
			return rc;
		if ((rc = dir_one(db, ren_sql[kind], t->id, NULL, clean, NULL,
		    NULL, 0, NULL, 0, e)) != UIMP_OK)
			return rc;
		if ((rc = dir_use(db, kind, t, &users, &groups, e)))
			return rc;
		d.name = clean;
		d.users = (unsigned long)users;
		if (fn)
			fn(&d, arg);
		return UIMP_OK;
	}
	if ((rc = dir_use(db, kind, t, &users, &groups, e)) != UIMP_OK)
		return rc;
	dir_quote(q, sizeof(q), t->name);
	if (!c->force && kind == UIMP_DIR_TYPE && groups > 0)
		return uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "group type %s "
		    "has %lld group%s (--force removes them%s)", q, groups,
		    groups == 1 ? "" : "s", users ? " and takes their users "
		    "out" : "");
	if (!c->force && users > 0)
		return uimp_err_set(e, UIMP_EREFUSED, 0, NULL, "%s %s %s %lld "
		    "user%s (--force %s)", dir_what[kind], q, kind ==
		    UIMP_DIR_FIELD ? "is set for" : "has", users, users == 1 ?
		    "" : "s", kind == UIMP_DIR_FIELD ? "drops their values" :
		    "takes them out");
	if ((rc = dir_one(db, del_sql[kind], t->id, NULL, NULL, NULL, NULL, 0,
	    NULL, 0, e)) != UIMP_OK)
		return rc;
	d.name = t->name;
	d.users = (unsigned long)users;
	d.groups = (unsigned long)groups;
	if (fn)
		fn(&d, arg);
	return UIMP_OK;
}

int
uimp_dir_change(const char *dbpath, int wait_s,
    const struct uimp_dir_change *c, uimp_dir_fn fn, void *arg,
    struct uimp_err *e)
{
	struct uimp_db *db = NULL;
	struct dir_target t;
	struct stat sb;
	size_t i;
	int rc, flags = UIMP_DB_CREATE;

	if (c->kind < UIMP_DIR_TYPE || c->kind > UIMP_DIR_FIELD ||
	    c->action < UIMP_DIR_ADD || c->action > UIMP_DIR_REMOVE ||
	    (c->action == UIMP_DIR_ADD && c->n == 0) ||
	    (c->action == UIMP_DIR_RENAME && c->n != 2) ||
	    (c->action == UIMP_DIR_REMOVE && c->n != 1) ||
	    (c->kind == UIMP_DIR_GROUP && c->type == NULL))
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "no such change "
		    "of the directory");
	if (c->kind == UIMP_DIR_FIELD && c->action == UIMP_DIR_ADD &&
	    (c->type == NULL || dir_field_type(c->type) < 0))
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "--type '%s': "
		    "expected text, number, date or bool", c->type ? c->type :
		    "");
	/*
	 * Renaming or removing in a store that is not there finds nothing
	 * (but the seeded types): read it as an empty one, creating nothing.
	 */
	if (c->action != UIMP_DIR_ADD && !(c->kind == UIMP_DIR_TYPE &&
	    c->action == UIMP_DIR_REMOVE) && stat(dbpath, &sb) == -1 &&
	    errno == ENOENT)
		flags = UIMP_DB_READONLY;
	if ((rc = uimp_db_open(&db, dbpath, flags, wait_s, e)) != UIMP_OK)
		return rc;
	if ((rc = db_begin(db, e)) != UIMP_OK)
		goto out;
	memset(&t, 0, sizeof(t));
	if (c->kind == UIMP_DIR_GROUP) {
		if ((rc = dir_type_named(db, c->type, &t.tid, t.tname,
		    sizeof(t.tname), e)) != UIMP_OK)
			goto out;
		if (t.tid == 0) {
			rc = dir_none(dir_what[UIMP_DIR_TYPE], c->type, NULL,
			    e);
			goto out;
		}
	}
	if (c->action == UIMP_DIR_ADD) {
		for (i = 0; i < c->n; i++)
			if ((rc = dir_add(db, c, c->names[i], &t, fn, arg, e)))
				goto out;
	} else if ((rc = dir_alter(db, c, &t, fn, arg, e)) != UIMP_OK)
		goto out;
	if (flags == UIMP_DB_READONLY)
		goto out;	/* not reached: nothing is there to change */
	rc = db_commit(db, e);
out:
	db_rollback(db);
	uimp_db_close(db);
	return rc;
}

/* the directory by name, for the template and export (export.c) */

void
dir_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int
db_dir_names(struct uimp_db *db, int kind, long long type_id, char ***names,
    size_t *n, struct uimp_err *e)
{
	sqlite3_stmt *st;
	char **v = NULL, **nv, *s;
	size_t cap = 0;
	int rc, ready;

	*names = NULL;
	*n = 0;
	if ((rc = dir_ready(db, &ready, e)) != UIMP_OK || !ready)
		return rc;
	if ((rc = prep_once(db, kind == UIMP_DIR_GROUP ? "SELECT name FROM "
	    "groups WHERE type_id = ?1 ORDER BY name COLLATE NOCASE, id" :
	    "SELECT name FROM labels ORDER BY name, id", &st, e)) != UIMP_OK)
		return rc;
	if (kind == UIMP_DIR_GROUP)
		sqlite3_bind_int64(st, 1, type_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto oom;
			v = nv;
		}
		if ((s = strdup((const char *)sqlite3_column_text(st, 0))) ==
		    NULL)
			goto oom;
		v[(*n)++] = s;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dir_free_names(v, *n);
		*n = 0;
		return dberr(db, rc, "cannot read the directory", e);
	}
	*names = v;
	return UIMP_OK;
oom:
	sqlite3_finalize(st);
	dir_free_names(v, *n);
	*n = 0;
	return nomem(e);
}

/* The statements an export runs for each user, prepared once. */
struct dir_lookup {
	struct uimp_db	*db;
	int		 ready;		/* the store has the directory */
	sqlite3_stmt	*groups;	/* ?1 user: type id, group name */
	sqlite3_stmt	*labels;	/* ?1 user: label names by name */
};

int
db_dir_lookup_new(struct uimp_db *db, struct dir_lookup **out,
    struct uimp_err *e)
{
	struct dir_lookup *l;
	int rc;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return nomem(e);
	l->db = db;
	if ((rc = dir_ready(db, &l->ready, e)) != UIMP_OK)
		goto fail;
	if (l->ready && ((rc = prep_once(db, "SELECT ug.type_id, g.name FROM "
	    "user_groups ug JOIN groups g ON g.id = ug.group_id WHERE "
	    "ug.user_id = ?1", &l->groups, e)) != UIMP_OK ||
	    (rc = prep_once(db, "SELECT l.name FROM user_labels ul JOIN "
	    "labels l ON l.id = ul.label_id WHERE ul.user_id = ?1 ORDER BY "
	    "l.name, l.id", &l->labels, e)) != UIMP_OK))
		goto fail;
	*out = l;
	return UIMP_OK;
fail:
	db_dir_lookup_free(l);
	return rc;
}

void
db_dir_lookup_free(struct dir_lookup *l)
{
	if (l == NULL)
		return;
	sqlite3_finalize(l->groups);
	sqlite3_finalize(l->labels);
	free(l);
}

int
db_user_group_names(struct dir_lookup *l, long long user_id,
    const struct dir_type *types, size_t n, char **names,
    struct uimp_err *e)
{
	long long tid;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		names[i] = NULL;
	if (!l->ready || n == 0)
		return UIMP_OK;
	sqlite3_reset(l->groups);
	sqlite3_bind_int64(l->groups, 1, user_id);
	while ((rc = sqlite3_step(l->groups)) == SQLITE_ROW) {
		tid = sqlite3_column_int64(l->groups, 0);
		for (i = 0; i < n; i++) {
			if (types[i].id != tid || names[i] != NULL)
				continue;
			if ((names[i] = strdup((const char *)
			    sqlite3_column_text(l->groups, 1))) == NULL) {
				rc = nomem(e);
				goto fail;
			}
		}
	}
	if (rc == SQLITE_DONE) {
		sqlite3_reset(l->groups);
		return UIMP_OK;
	}
	rc = dberr(l->db, rc, "cannot read the directory", e);
fail:
	sqlite3_reset(l->groups);
	for (i = 0; i < n; i++) {
		free(names[i]);
		names[i] = NULL;
	}
	return rc;
}

int
db_user_label_names(struct dir_lookup *l, long long user_id, struct buf *out,
    struct uimp_err *e)
{
	int rc, first = 1;

	buf_reset(out);
	if (buf_adds(out, ""))
		return nomem(e);
	if (!l->ready)
		return UIMP_OK;
	sqlite3_reset(l->labels);
	sqlite3_bind_int64(l->labels, 1, user_id);
	while ((rc = sqlite3_step(l->labels)) == SQLITE_ROW) {
		if ((!first && buf_addc(out, ':')) || buf_adds(out,
		    (const char *)sqlite3_column_text(l->labels, 0))) {
			sqlite3_reset(l->labels);
			return nomem(e);
		}
		first = 0;
	}
	sqlite3_reset(l->labels);
	return rc == SQLITE_DONE ? UIMP_OK : dberr(l->db, rc, "cannot read "
	    "the directory", e);
}
