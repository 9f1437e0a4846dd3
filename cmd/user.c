/*
 * user.c: userimp-user, one user at a time: show, disable, enable,
 * remove, and set a password read from stdin, the terminal, or made up.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"

static const struct option longopts[] = {
	COMMON_LONGOPTS,
	{ "generate",    no_argument,       NULL, OPT_GENERATE },
	{ "credentials", required_argument, NULL, OPT_CREDENTIALS },
	{ "must-change", no_argument,       NULL, OPT_MUST_CHANGE },
	{ NULL,          0,                 NULL, 0 }
};

/*
 * A password's bytes: the policy allows 1024 characters, of up to four
 * bytes each.
 */
#define PW_MAX	4100

/*
 * The secrets, static so that every way out wipes them: the password, its
 * confirmation, the checked copy, the credentials line.
 */
static char pw[PW_MAX], pw2[PW_MAX], checked[PW_MAX], line[PW_MAX + 512];

/* The credentials file this run created, to unlink on failure. */
static const char *creds_made;

static volatile sig_atomic_t got_signal;

static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: userimp user [-qv] [-d db] [--json] "
	    "[--wait seconds] show name\n"
	    "       userimp user [-qv] [-d db] [--json] [--wait seconds]\n"
	    "                    disable|enable|remove name\n"
	    "       userimp user [-qv] [-d db] [--json] [--wait seconds] "
	    "[--must-change]\n"
	    "                    "
	    "[--generate --credentials file] passwd name\n");
	finish(code);
}

/* Wipe every secret and remove a credentials file made by this run. */
static void
wipe(int failed)
{
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(pw2, sizeof(pw2));
	explicit_bzero(checked, sizeof(checked));
	explicit_bzero(line, sizeof(line));
	if (failed && creds_made && unlink(creds_made) == -1 &&
	    errno != ENOENT)
		warn("%s: cannot remove", creds_made);
	if (failed)
		creds_made = NULL;
}

/* die_err(), after wiping the secrets and the credentials file. */
static void __attribute__((noreturn))
bail(const struct uimp_err *e)
{
	wipe(1);
	die_err(e);
}

/* errx(), after wiping the secrets and the credentials file. */
static void __attribute__((noreturn, format(printf, 2, 3)))
bailx(int code, const char *fmt, ...)
{
	va_list ap;

	wipe(1);
	va_start(ap, fmt);
	verrx(code, fmt, ap);
}

/* A JSON value for s: a string literal or null; freed by the caller. */
static char *
json_or_null(const char *s)
{
	return s ? xjson(s) : xstrdup("null");
}

/* One line of show: the name, then the value when there is one. */
static void
show_line(const char *key, const char *value)
{
	if (value && *value)
		printf("%-21s %s\n", key, value);
	else
		printf("%s\n", key);
}

/* Print the user, field a line, or with --json as one object. */
static int
show(const struct uimp_user *u, void *arg)
{
	const struct uimp_field_info *fi;
	char *v;
	int f;

	(void)arg;
	if (opt.json)
		printf("{\"id\": %lld", u->id);
	else
		printf("%-21s %lld\n", "id", u->id);
	for (f = 0; f < UIMP_F_COUNT; f++) {
		fi = uimp_field_info(f);
		if (f == UIMP_F_PASSWORD) {
			if (opt.json)
				printf(", \"password_set\": %s",
				    u->has_password ? "true" : "false");
			else
				printf("%-21s %s\n", "password",
				    u->has_password ? "set" : "not set");
			continue;
		}
		if (!opt.json) {
			show_line(fi->name, u->v[f]);
			continue;
		}
		if (u->v[f] && (fi->flags & UIMP_FIELD_INTEGER))
			v = xstrdup(u->v[f]);
		else
			v = json_or_null(u->v[f]);
		printf(", \"%s\": %s", fi->name, v);
		free(v);
	}
	if (opt.json) {
		v = json_or_null(u->manager);
		printf(", \"manager\": %s}\n", v);
		free(v);
	} else
		show_line("manager", u->manager);
	return 0;
}

/* What uimp_user_change() tells of the user: the names to report. */
struct who {
	char	*username;
	char	*email;
};

/* Keep the user's username and email (uimp_user_fn). */
static int
keep(const struct uimp_user *u, void *arg)
{
	struct who *w = arg;

	free(w->username);
	free(w->email);
	w->username = xstrdup(u->v[UIMP_F_USERNAME] ?
	    u->v[UIMP_F_USERNAME] : "");
	w->email = xstrdup(u->v[UIMP_F_EMAIL] ? u->v[UIMP_F_EMAIL] : "");
	return 0;
}

/* Note the signal: read_tty() restores the terminal, then dies of it. */
static void
on_signal(int sig)
{
	got_signal = sig;
}

/*
 * Read one line from fd into buf (bufsz bytes, NUL-terminated, newline
 * dropped) without stdio, so that no copy stays in a buffer.  Returns its
 * length, or -1 at end of file before any byte, -2 when too long, -3 when
 * interrupted by a signal.
 */
static ssize_t
read_line(int fd, char *buf, size_t bufsz)
{
	size_t n = 0;
	ssize_t k;
	char c;

	for (;;) {
		k = read(fd, &c, 1);
		if (k == -1 && errno == EINTR && !got_signal)
			continue;
		if (k == -1 && errno == EINTR)
			return -3;
		if (k == -1)
			return -1;
		if (k == 0) {
			if (n == 0)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (n + 1 >= bufsz) {
			explicit_bzero(buf, bufsz);
			return -2;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/*
 * Prompt on the terminal with echo off and read a line into buf; the
 * terminal is restored whatever happens, a signal then raised again.
 */
static ssize_t
read_tty(int fd, const char *prompt, char *buf, size_t bufsz)
{
	struct sigaction sa, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct termios t, saved;
	ssize_t n;
	int i, sig;

	if (tcgetattr(fd, &saved) == -1)
		bailx(EXIT_INTERNAL, "/dev/tty: cannot read its settings: %s",
		    strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: read() returns */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	t = saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &t) == -1)
		bailx(EXIT_INTERNAL, "/dev/tty: cannot turn echo off: %s",
		    strerror(errno));
	(void)write(fd, prompt, strlen(prompt));
	n = read_line(fd, buf, bufsz);
	(void)write(fd, "\n", 1);
	tcsetattr(fd, TCSAFLUSH, &saved);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if ((sig = got_signal) != 0) {
		wipe(1);
		raise(sig);
		_exit(128 + sig);
	}
	return n;
}

/*
 * The new password into pw: one line of stdin when it is not a terminal,
 * else asked twice on /dev/tty.  Returns its length.
 */
static size_t
get_password(const char *username)
{
	char prompt[128];
	ssize_t n, n2 = -1;
	int fd;

	if (!isatty(STDIN_FILENO)) {
		n = read_line(STDIN_FILENO, pw, sizeof(pw));
		if (n == -2)
			bailx(EXIT_REJECTED, "%s: the password on the standard "
			    "input is longer than %d bytes", username,
			    PW_MAX - 1);
		if (n < 0)
			bailx(EXIT_USAGE, "%s: no password on the standard "
			    "input: give it as one line, or use --generate",
			    username);
		return (size_t)n;
	}
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		bailx(EXIT_USAGE, "/dev/tty: cannot ask for the password: %s",
		    strerror(errno));
	snprintf(prompt, sizeof(prompt), "New password for %s: ", username);
	n = read_tty(fd, prompt, pw, sizeof(pw));
	if (n >= 0)
		n2 = read_tty(fd, "Again: ", pw2, sizeof(pw2));
	close(fd);
	if (n == -2 || (n >= 0 && n2 == -2))
		bailx(EXIT_REJECTED, "%s: the password is longer than %d bytes",
		    username, PW_MAX - 1);
	if (n < 0 || n2 < 0)
		bailx(EXIT_USAGE, "%s: no password given", username);
	if (n != n2 || memcmp(pw, pw2, (size_t)n) != 0)
		bailx(EXIT_REJECTED, "%s: the two passwords differ; nothing "
		    "changed", username);
	explicit_bzero(pw2, sizeof(pw2));
	return (size_t)n;
}

/*
 * s as a CSV field into line at *at, quoted when it must be, and the
 * separator sep after it; the caller made sure it fits (csv_room()).
 */
static void
csv_field(const char *s, size_t *at, char sep)
{
	int q = strpbrk(s, ",\"\r\n") != NULL;

	if (q)
		line[(*at)++] = '"';
	for (; *s; s++) {
		if (*s == '"')
			line[(*at)++] = '"';
		line[(*at)++] = *s;
	}
	if (q)
		line[(*at)++] = '"';
	line[(*at)++] = sep;
}

/* The most bytes csv_field() writes for s: every byte doubled, quotes. */
static size_t
csv_room(const char *s)
{
	return 2 * strlen(s) + 3;
}

/*
 * Create the credentials file (0600, never over an existing file, never
 * through a symbolic link) holding username, email and the password.
 */
static void
write_credentials(const char *path, const struct who *w)
{
	static const char head[] = "username,email,password\n";
	size_t at = 0;
	ssize_t k;
	size_t off;
	int fd, saved;

	if (sizeof(head) + csv_room(w->username) + csv_room(w->email) +
	    csv_room(pw) > sizeof(line))
		bailx(EXIT_INTERNAL, "%s: the username and email are too long "
		    "for a credentials line; nothing changed", w->username);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 && errno == EEXIST)
		bailx(EXIT_USAGE, "%s: exists: the credentials file is never "
		    "overwritten; name a new one", path);
	if (fd == -1)
		bailx(EXIT_INTERNAL, "%s: cannot create: %s", path,
		    strerror(errno));
	creds_made = path;
	memcpy(line, head, sizeof(head) - 1);
	at = sizeof(head) - 1;
	csv_field(w->username, &at, ',');
	csv_field(w->email, &at, ',');
	csv_field(pw, &at, '\n');
	for (off = 0; off < at; off += (size_t)k) {
		k = write(fd, line + off, at - off);
		if (k == -1 && errno == EINTR)
			k = 0;
		else if (k <= 0) {
			saved = k == 0 ? EIO : errno;
			close(fd);
			bailx(EXIT_INTERNAL, "%s: cannot write: %s", path,
			    strerror(saved));
		}
	}
	explicit_bzero(line, sizeof(line));
	if (fsync(fd) == -1 || close(fd) == -1)
		bailx(EXIT_INTERNAL, "%s: cannot write: %s", path,
		    strerror(errno));
}

/*
 * userimp user passwd: the new password checked against the store's
 * policy and hashed at its cost (an argon2id hash given instead is taken
 * as it is, as import takes it), then set.  Fills c->hash (free()d by the
 * caller).
 */
static void
new_hash(const char *name, int generate, const char *credentials,
    struct uimp_user_change *c, struct who *w)
{
	struct uimp_db *db;
	struct uimp_policy pol;
	struct uimp_cost cost;
	struct uimp_verdict v;
	struct uimp_err e;
	size_t len, hsz;
	char *hash;
	int rc;

	memset(&e, 0, sizeof(e));
	if ((rc = uimp_user_show(db_path_opt(), opt.wait_s, name, keep, w,
	    &e)) != UIMP_OK)
		bail(&e);
	if ((rc = uimp_db_open(&db, db_path_opt(), UIMP_DB_READONLY,
	    opt.wait_s, &e)) != UIMP_OK)
		bail(&e);
	rc = uimp_db_policy(db, &pol, &cost, &e);
	uimp_db_close(db);
	if (rc != UIMP_OK)
		bail(&e);
	if (generate) {
		if ((rc = uimp_password_generate(&pol, pw, sizeof(pw), &e)))
			bail(&e);
		len = strlen(pw);
	} else
		len = get_password(w->username);
	if (len == 0)
		bailx(EXIT_REJECTED, "%s: the password is empty", w->username);
	if (uimp_field_check(UIMP_F_PASSWORD, 0, pw, len, &pol, checked,
	    sizeof(checked), &v) != 0)
		bailx(EXIT_REJECTED, "%s: password: %s", w->username, v.msg);
	explicit_bzero(checked, sizeof(checked));
	if (credentials)
		write_credentials(credentials, w);
	if (uimp_is_hash(pw) == 1) {
		c->hash = xstrdup(pw);
		explicit_bzero(pw, sizeof(pw));
		return;
	}
	hsz = uimp_hash_len(&cost);
	hash = xmalloc(hsz);
	rc = uimp_hash(&cost, pw, len, hash, hsz, &e);
	explicit_bzero(pw, sizeof(pw));
	if (rc != UIMP_OK) {
		free(hash);
		bail(&e);
	}
	c->hash = hash;
}

/* The job's options: the command, the name, the flags; no password. */
static char *
options_text(const char *cmd, const char *name, int generate,
    const char *credentials, int must_change)
{
	size_t n = strlen(cmd) + strlen(name) + 64 +
	    (credentials ? strlen(credentials) : 0);
	char *s = xmalloc(n);

	snprintf(s, n, "%s %s%s%s%s%s", cmd, name,
	    generate ? " --generate" : "", credentials ? " --credentials " :
	    "", credentials ? credentials : "", must_change ?
	    " --must-change" : "");
	return s;
}

int
main(int argc, char *argv[])
{
	static const char *const cmds[] = { "disable", "enable", "remove",
	    "passwd" };
	static const char *const done[] = { "disabled", "enabled", "removed",
	    "password set" };
	static const char *const already[] = { "blocked already",
	    "active already" };
	struct uimp_user_change c;
	struct uimp_summary sum;
	struct uimp_err e;
	struct who w = { NULL, NULL };
	const char *credentials = NULL, *name;
	char *opts, *jn, *jc;
	int ch, rc, generate = 0, must_change = 0, action = -1, i;

	memset(&e, 0, sizeof(e));
	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (common_opt(ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_GENERATE:
			generate = 1;
			break;
		case OPT_CREDENTIALS:
			credentials = optarg;
			break;
		case OPT_MUST_CHANGE:
			must_change = 1;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage(stderr, EXIT_USAGE);
	name = argv[1];
	for (i = 0; i < 4; i++)
		if (strcmp(argv[0], cmds[i]) == 0)
			action = i;
	if (action < 0 && strcmp(argv[0], "show") != 0) {
		warnx("'%s' is not a subcommand: show, disable, enable, "
		    "remove or passwd", argv[0]);
		usage(stderr, EXIT_USAGE);
	}
	if (action != UIMP_USER_PASSWD && (generate || credentials ||
	    must_change)) {
		warnx("--generate, --credentials and --must-change go with "
		    "passwd only");
		usage(stderr, EXIT_USAGE);
	}
	if (generate != (credentials != NULL)) {
		warnx("--generate needs --credentials, to hand the password "
		    "over, and --credentials needs --generate");
		usage(stderr, EXIT_USAGE);
	}
	if (action < 0) {
		if ((rc = uimp_user_show(db_path_opt(), opt.wait_s, name,
		    show, NULL, &e)) != UIMP_OK)
			die_err(&e);
		finish(EXIT_OK);
	}
	c.action = action;
	c.must_change = must_change;
	if (action == UIMP_USER_PASSWD)
		new_hash(name, generate, credentials, &c, &w);
	opts = options_text(argv[0], name, generate, credentials,
	    must_change);
	c.options_text = opts;
	rc = uimp_user_change(db_path_opt(), opt.wait_s, name, &c, keep, &w,
	    &sum, &e);
	free((char *)c.hash);
	free(opts);
	if (rc != UIMP_OK)
		bail(&e);
	wipe(0);
	if (!opt.quiet && sum.job)
		fprintf(stderr, "userimp-user: %s: %s%s (job %lld)\n",
		    w.username, done[action], must_change ?
		    ", must change it" : "", sum.job);
	else if (!opt.quiet)
		fprintf(stderr, "userimp-user: %s: %s; nothing changed\n",
		    w.username, already[action]);
	if (opt.json) {
		jn = xjson(w.username);
		printf("{\"user\": %s, \"action\": \"%s\", ", jn, cmds[action]);
		if (sum.job)
			printf("\"job\": %lld, \"changed\": true", sum.job);
		else
			printf("\"job\": null, \"changed\": false");
		if (action == UIMP_USER_PASSWD) {
			jc = json_or_null(credentials);
			printf(", \"generated\": %s, \"credentials\": %s, "
			    "\"must_change\": %s", generate ? "true" : "false",
			    jc, must_change ? "true" : "false");
			free(jc);
		}
		printf("}\n");
		free(jn);
	}
	free(w.username);
	free(w.email);
	finish(EXIT_OK);
}
