/*
 * revert.c: tests of uimp_job_revert() and the one-user changes of
 * lib/db.c (uimp_user_show(), uimp_user_change()) on a store in a
 * temporary folder, with users and other programs' changes made in SQL.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"
#include "tap.h"

static char dir[PATH_MAX / 2];
static char db[PATH_MAX];

/* Run sql on the store with sqlite3 itself; 0 or -1. */
static int
sql_exec(const char *sql)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		printf("# %s: %s\n", sql, sqlite3_errmsg(h));
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * The rows of query (every column, split by |, rows by ;) in a static
 * buffer; "" for none, "(error)" when it fails.
 */
static const char *
sql_rows(const char *query)
{
	static char out[4096];
	const unsigned char *t;
	sqlite3_stmt *st;
	sqlite3 *h;
	size_t k = 0;
	int i, n;

	out[0] = '\0';
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, query, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", query, sqlite3_errmsg(h));
		sqlite3_close(h);
		return "(error)";
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		if (k && k < sizeof(out) - 1)
			out[k++] = ';';
		for (i = 0; i < n; i++) {
			t = sqlite3_column_text(st, i);
			k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s",
			    i ? "|" : "", t ? (const char *)t : "NULL");
			if (k >= sizeof(out))
				k = sizeof(out) - 1;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

/* A user with these names, made with SQL as another program would. */
static int
add_user(const char *name)
{
	char q[512];

	snprintf(q, sizeof(q), "INSERT INTO users (username, email, "
	    "first_name, last_name, title, created_at, updated_at) VALUES "
	    "('%s', '%s@example.com', 'F%s', 'L%s', 'T%s', "
	    "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", name, name,
	    name, name, name);
	return sql_exec(q);
}

/* Collect the findings revert reports: their messages, joined by ;. */
struct seen {
	char	msgs[1024];
	int	n;
	int	sev;
};

static int
collect(const struct uimp_finding *f, void *arg)
{
	struct seen *s = arg;
	size_t k = strlen(s->msgs);

	snprintf(s->msgs + k, sizeof(s->msgs) - k, "%s%s", k ? ";" : "",
	    f->message);
	s->n++;
	s->sev = f->severity;
	ok(f->row == 0 && strcmp(f->code, "changed_since") == 0,
	    "a conflict is a finding of row 0, code changed_since");
	return 0;
}

/* Change user name with action, as userimp user does. */
static int
change(const char *name, int action, struct uimp_summary *sum,
    struct uimp_err *e)
{
	struct uimp_user_change c;
	char opts[64];

	memset(&c, 0, sizeof(c));
	c.action = action;
	snprintf(opts, sizeof(opts), "%d %s", action, name);
	c.options_text = opts;
	return uimp_user_change(db, 0, name, &c, NULL, NULL, sum, e);
}

static int
revert(long long id, int force, struct seen *s, struct uimp_summary *sum,
    struct uimp_err *e)
{
	memset(s, 0, sizeof(*s));
	memset(e, 0, sizeof(*e));
	return uimp_job_revert(db, 0, id, force, "revert", collect, s, sum,
	    e);
}

/* A job that created user name, written as import writes one. */
static long long
insert_job(const char *name)
{
	struct uimp_db *h;
	struct uimp_err e;
	struct user u;
	struct job j;
	char email[64], now[21];
	long long job = 0, id;

	memset(&u, 0, sizeof(u));
	memset(&j, 0, sizeof(j));
	snprintf(email, sizeof(email), "%s@example.com", name);
	u.v[UIMP_F_USERNAME] = name;
	u.v[UIMP_F_EMAIL] = email;
	u.v[UIMP_F_FIRST_NAME] = "New";
	u.v[UIMP_F_LAST_NAME] = "User";
	utc_now(now);
	j.started_at = j.finished_at = now;
	j.command = "import";
	j.outcome = "ok";
	if (uimp_db_open(&h, db, 0, 0, &e) != UIMP_OK)
		return 0;
	if (db_begin(h, &e) != UIMP_OK || db_job_insert(h, &j, &job, &e) ||
	    db_user_insert(h, &u, NULL, now, &id, &e) ||
	    db_job_change(h, job, id, CH_INSERT, now, &e) ||
	    db_commit(h, &e) != UIMP_OK) {
		printf("# insert_job: %s\n", e.msg);
		db_rollback(h);
		job = 0;
	}
	uimp_db_close(h);
	return job;
}

static int
shown(const struct uimp_user *u, void *arg)
{
	char *out = arg;

	snprintf(out, 256, "%s|%s|%s|%d|%s", u->v[UIMP_F_USERNAME],
	    u->v[UIMP_F_EMAIL], u->v[UIMP_F_STATUS], u->has_password,
	    u->manager ? u->manager : "-");
	return 0;
}

int
main(void)
{
	struct uimp_summary sum;
	struct uimp_db *h;
	struct uimp_err e;
	struct seen s;
	const char *tmp = getenv("TMPDIR");
	char got[256], before[4096];
	sqlite3 *lock;
	long long job;
	int rc;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/userimp-revert.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(db, sizeof(db), "%s/users.db", dir);
	memset(&e, 0, sizeof(e));

	rc = revert(1, 0, &s, &sum, &e);
	ok(rc == UIMP_ENOENT, "a store that is not there has no job 1");
	rc = uimp_user_show(db, 0, "alice", shown, got, &e);
	ok(rc == UIMP_ENOENT, "nor user alice");
	is(e.msg, "no such user 'alice'", "the message names the user");
	ok(access(db, F_OK) == -1, "and no store was created");

	ok(uimp_db_open(&h, db, UIMP_DB_CREATE, 0, &e) == UIMP_OK &&
	    uimp_db_close(h) == UIMP_OK, "a new store");
	ok(add_user("alice") == 0 && add_user("bob") == 0 &&
	    add_user("carol") == 0 && add_user("dave") == 0 &&
	    add_user("erin") == 0 && add_user("zed") == 0, "six users");

	/* show */
	*got = '\0';
	ok(uimp_user_show(db, 0, "ALICE", shown, got, &e) == UIMP_OK,
	    "show finds a username in any case");
	is(got, "alice|alice@example.com|active|0|-", "with its fields");
	*got = '\0';
	ok(uimp_user_show(db, 0, "Bob@Example.com", shown, got, &e) ==
	    UIMP_OK, "or an email, in any case");
	is(got, "bob|bob@example.com|active|0|-", "the user it names");

	/* disable, revert */
	strcpy(before, sql_rows("SELECT * FROM users WHERE username = "
	    "'alice'"));
	rc = change("alice", UIMP_USER_DISABLE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 1 && sum.updated == 1,
	    "disable alice: job 1");
	is(sql_rows("SELECT status FROM users WHERE username = 'alice'"),
	    "blocked", "alice is blocked");
	is(sql_rows("SELECT command, options, outcome, updated FROM jobs "
	    "WHERE id = 1"), "user|0 alice|ok|1", "the job record");
	rc = change("alice", UIMP_USER_DISABLE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 0, "disable again: no change, no job");
	is(sql_rows("SELECT count(*) FROM jobs"), "1", "one job");
	rc = revert(1, 0, &s, &sum, &e);
	ok(rc == UIMP_OK, "revert job 1: %s", e.msg);
	ok(sum.job == 2 && sum.updated == 1 && sum.inserted == 0 &&
	    sum.removed == 0, "job 2 restored one user");
	is(sql_rows("SELECT id, username, email, password_hash, first_name, "
	    "last_name, status, created_at FROM users WHERE username = "
	    "'alice'"), "1|alice|alice@example.com|NULL|Falice|Lalice|active|"
	    "2026-01-01T00:00:00Z", "alice is as she was");
	ok(strcmp(sql_rows("SELECT updated_at FROM users WHERE id = 1"),
	    "2026-01-01T00:00:00Z") != 0, "updated now");
	is(sql_rows("SELECT command, options, outcome, reverted_by FROM jobs "
	    "ORDER BY id"), "user|0 alice|ok|2;revert|revert|ok|NULL",
	    "job 1 reverted by job 2, a revert job");
	is(sql_rows("SELECT job_id, user_id, action FROM job_changes WHERE "
	    "job_id = 2"), "2|1|update", "which recorded its change");
	rc = revert(1, 0, &s, &sum, &e);
	ok(rc == UIMP_EREFUSED, "reverting job 1 twice is refused");
	is(e.msg, "job 1 was reverted by job 2", "saying by which job");
	rc = revert(2, 0, &s, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 3, "a revert reverts too");
	is(sql_rows("SELECT status FROM users WHERE id = 1"), "blocked",
	    "alice is blocked again");
	rc = revert(99, 0, &s, &sum, &e);
	ok(rc == UIMP_ENOENT, "no job 99");
	is(e.msg, "no job 99", "says so");
	ok(sql_exec("INSERT INTO jobs (started_at, finished_at, command, "
	    "outcome) VALUES ('x', 'x', 'import', 'aborted')") == 0,
	    "an aborted import: job 4");
	rc = revert(4, 0, &s, &sum, &e);
	ok(rc == UIMP_ENOENT, "a job that changed no user");
	is(e.msg, "job 4 changed no user", "says so");

	/* changed since: by another program, by a later job */
	rc = change("bob", UIMP_USER_DISABLE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 5, "disable bob: job 5");
	ok(sql_exec("UPDATE users SET title = 'Boss', updated_at = "
	    "'2030-01-01T00:00:00Z' WHERE username = 'bob'") == 0,
	    "another program changes bob");
	rc = revert(5, 0, &s, &sum, &e);
	ok(rc == UIMP_EREFUSED && s.n == 1, "revert is refused");
	is(s.msgs, "user 'bob' changed since job 5", "naming the user");
	ok(s.sev == UIMP_SEV_ERROR, "as an error");
	is(sql_rows("SELECT status, title FROM users WHERE username = 'bob'"),
	    "blocked|Boss", "bob is left as he is");
	is(sql_rows("SELECT count(*), max(id) FROM jobs"), "5|5",
	    "no job recorded");
	rc = change("carol", UIMP_USER_DISABLE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 6, "disable carol: job 6");
	rc = change("carol", UIMP_USER_ENABLE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 7, "enable carol: job 7");
	rc = revert(6, 0, &s, &sum, &e);
	ok(rc == UIMP_EREFUSED, "revert of job 6 is refused");
	is(s.msgs, "user 'carol' changed since job 6 (by job 7)",
	    "naming the later job");
	rc = revert(6, 1, &s, &sum, &e);
	ok(rc == UIMP_OK && sum.updated == 1 && sum.warnings == 1,
	    "--force reverts anyway: %s", e.msg);
	ok(s.n == 1 && s.sev == UIMP_SEV_WARNING, "reporting a warning");
	is(sql_rows("SELECT code, severity, message FROM job_findings WHERE "
	    "job_id = 8"), "changed_since|warning|user 'carol' changed since "
	    "job 6 (by job 7)", "kept in the revert's record");
	is(sql_rows("SELECT status FROM users WHERE username = 'carol'"),
	    "active", "carol is active, as before job 6");

	/* remove, revert: back with the same id */
	strcpy(before, sql_rows("SELECT id, username, email, first_name, "
	    "last_name, title, status, created_at FROM users WHERE username = "
	    "'dave'"));
	rc = change("dave", UIMP_USER_REMOVE, &sum, &e);
	ok(rc == UIMP_OK && sum.removed == 1 && sum.job == 9,
	    "remove dave: job 9");
	is(sql_rows("SELECT count(*) FROM users WHERE username = 'dave'"),
	    "0", "dave is gone");
	rc = revert(9, 0, &s, &sum, &e);
	ok(rc == UIMP_OK && sum.inserted == 1, "revert brings him back");
	is(sql_rows("SELECT id, username, email, first_name, last_name, "
	    "title, status, created_at FROM users WHERE username = 'dave'"),
	    before, "with his id and every field");
	is(sql_rows("SELECT action FROM job_changes WHERE job_id = 10"),
	    "insert", "recorded as an insert");

	/* an insert, reverted: the user is removed */
	job = insert_job("newbie");
	ok(job == 11, "a job that created newbie");
	rc = revert(job, 0, &s, &sum, &e);
	ok(rc == UIMP_OK && sum.removed == 1, "revert removes newbie: %s",
	    e.msg);
	is(sql_rows("SELECT count(*) FROM users WHERE username = 'newbie'"),
	    "0", "newbie is gone");
	is(sql_rows("SELECT action, json_extract(before, '$.username') FROM "
	    "job_changes WHERE job_id = 12"), "remove|newbie",
	    "recorded with newbie as he was");
	rc = revert(12, 0, &s, &sum, &e);
	ok(rc == UIMP_OK && sum.inserted == 1, "reverting that brings "
	    "newbie back");

	/* constraints: a manager, an email now taken */
	job = insert_job("boss");
	ok(job == 14, "a job that created boss");
	ok(sql_exec("UPDATE users SET manager_id = (SELECT id FROM users "
	    "WHERE username = 'boss') WHERE username = 'zed'") == 0,
	    "zed names boss as manager");
	*got = '\0';
	ok(uimp_user_show(db, 0, "zed", shown, got, &e) == UIMP_OK &&
	    strcmp(got, "zed|zed@example.com|active|0|boss") == 0,
	    "show names the manager: %s", got);
	rc = revert(job, 0, &s, &sum, &e);
	ok(rc == UIMP_EREFUSED && s.n == 0, "revert of job 14 is refused");
	is(e.msg, "cannot remove user 'boss': user 'zed' names them as "
	    "manager", "naming both");
	ok(sql_rows("SELECT count(*) FROM users WHERE username = 'boss'")[0] ==
	    '1', "boss stays");
	rc = change("boss", UIMP_USER_REMOVE, &sum, &e);
	ok(rc == UIMP_EREFUSED, "user remove refuses too");
	is(e.msg, "cannot remove user 'boss': user 'zed' names them as "
	    "manager", "with the same words");
	rc = change("erin", UIMP_USER_REMOVE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 15, "remove erin: job 15");
	ok(sql_exec("INSERT INTO users (username, email, created_at, "
	    "updated_at) VALUES ('other', 'ERIN@example.com', 'x', 'x')") == 0,
	    "another user takes her email");
	rc = revert(15, 0, &s, &sum, &e);
	ok(rc == UIMP_EREFUSED && s.n == 0, "revert of job 15 is refused");
	is(e.msg, "cannot restore user 'erin': user 'other' now has the "
	    "email it had", "naming both");
	is(sql_rows("SELECT count(*) FROM jobs WHERE id > 15"), "0",
	    "and records nothing");

	/* the id of a removed user, taken by a new one */
	rc = change("other", UIMP_USER_REMOVE, &sum, &e);
	ok(rc == UIMP_OK && sum.job == 16, "remove other, the newest user");
	ok(sql_exec("INSERT INTO users (username, email, created_at, "
	    "updated_at) VALUES ('late', 'late@example.com', 'x', 'x')") == 0 &&
	    strcmp(sql_rows("SELECT id FROM users WHERE username = 'late'"),
	    sql_rows("SELECT user_id FROM job_changes WHERE job_id = 16")) == 0,
	    "another program's new user gets that id");
	rc = revert(16, 0, &s, &sum, &e);
	ok(rc == UIMP_EREFUSED, "revert of job 16 is refused");
	is(s.msgs, "user 'other' changed since job 16; it is gone, and its "
	    "id is user 'late''s now, whom a revert leaves alone", "naming "
	    "the user removed and the one with the id now");
	rc = revert(16, 1, &s, &sum, &e);
	ok(rc == UIMP_OK && sum.inserted == 0 && sum.updated == 0,
	    "--force leaves that other user alone");
	is(sql_rows("SELECT username FROM users WHERE id = (SELECT user_id "
	    "FROM job_changes WHERE job_id = 16)"), "late", "late is as "
	    "another program made them");

	/* a locked store */
	ok(sqlite3_open(db, &lock) == SQLITE_OK &&
	    sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK, "another process locks the store");
	rc = revert(9, 1, &s, &sum, &e);
	ok(rc == UIMP_EBUSY, "revert: the store is busy (%d)", rc);
	rc = change("alice", UIMP_USER_ENABLE, &sum, &e);
	ok(rc == UIMP_EBUSY, "user enable: the store is busy (%d)", rc);
	*got = '\0';
	ok(uimp_user_show(db, 0, "alice", shown, got, &e) == UIMP_OK,
	    "show still reads");
	sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(lock);

	unlink(db);
	rmdir(dir);
	return done_testing();
}
