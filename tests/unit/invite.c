/*
 * invite.c: tests of lib/invite.c in a temporary folder: messages to a
 * maildir read back by Python's email module (addresses, encoded names
 * and subjects, the body, no injected header), abort, template errors,
 * and fake sendmail programs that take or refuse each message.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Write text to dir/name with mode; returns the path. */
static const char *
put(const char *name, const char *text, mode_t mode)
{
	const char *path = in_dir(name);
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return path;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

/* The count of entries (not . and ..) in path; -1 when unreadable. */
static int
count(const char *path)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The path of the first entry of folder path into out, or "". */
static void
first(const char *path, char *out, size_t outsz)
{
	struct dirent *de;
	DIR *d;

	*out = '\0';
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(out, outsz, "%s/%s", path, de->d_name);
			break;
		}
	closedir(d);
}

/* The mode bits of path, or -1. */
static int
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == -1 ? -1 : (int)(st.st_mode & 07777);
}

/* The whole file at path, malloc'ed, or NULL. */
static char *
slurp(const char *path)
{
	FILE *f;
	char *s;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if ((s = calloc(1, (size_t)n + 1)) != NULL &&
	    fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Whether every LF in s follows a CR, and s ends in CRLF. */
static int
crlf_only(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		if (p == s || p[-1] != '\r')
			return 0;
	return strlen(s) >= 2 && strcmp(s + strlen(s) - 2, "\r\n") == 0;
}

/*
 * Parse each message in folder (all of its files) with Python's email
 * module; out gets one line per message, sorted:
 * addr|display name|subject|bcc?|body, the body's line ends (CRLF, as
 * the module leaves them) as \n.
 */
static int
parse(const char *folder, char *out, size_t outsz)
{
	static const char py[] =
	    "import email, email.policy, os, sys\n"
	    "d = sys.argv[1]\n"
	    "r = []\n"
	    "for n in os.listdir(d):\n"
	    "    m = email.message_from_bytes(open(os.path.join(d, n), 'rb')"
	    ".read(), policy=email.policy.default)\n"
	    "    a = m['to'].addresses[0]\n"
	    "    assert m['from'] and m['date'] and m['message-id'], n\n"
	    "    assert m.get_content_type() == 'text/plain', n\n"
	    "    r.append('%s|%s|%s|%s|%s' % (a.addr_spec, a.display_name,"
	    " m['subject'], 'bcc' in m or len(m['to'].addresses) != 1,"
	    " m.get_content().replace('\\r\\n', '\\n')"
	    ".replace('\\n', '\\\\n')))\n"
	    "sys.stdout.write('\\n'.join(sorted(r)) + '\\n')\n";
	char cmd[PATH_MAX * 2];
	FILE *p;
	size_t n;

	put("parse.py", py, 0644);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s'",
	    in_dir("parse.py"), folder);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, outsz - 1, p);
	out[n] = '\0';
	return pclose(p) == 0 ? 0 : -1;
}

/* The n-th line (from 0) of s into out. */
static const char *
line(const char *s, int n, char *out, size_t outsz)
{
	const char *nl;

	for (; n > 0 && s; n--)
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	if (s == NULL)
		return "";
	nl = strchr(s, '\n');
	snprintf(out, outsz, "%.*s", nl ? (int)(nl - s) : (int)strlen(s), s);
	return out;
}

/* Three users into a maildir, committed, parsed back. */
static void
test_maildir(void)
{
	struct invite *iv = NULL;
	struct uimp_err e = { 0 };
	unsigned long sent = 99;
	char got[8192], l[2048], path[PATH_MAX];
	char *msg;
	int rc;

	rc = invite_open(&iv, in_dir("out"), NULL, "it@example.com", NULL,
	    &e);
	ok(rc == 0, "open a new outbox (%s)", e.msg);
	ok(mode_of(in_dir("out/tmp")) == 0700 &&
	    mode_of(in_dir("out/new")) == 0700 &&
	    mode_of(in_dir("out/cur")) == 0700, "tmp/ new/ cur/ made 0700");
	if (rc)
		return;
	ok(invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
	    "Secret1pass", &e) == 0, "add ann");
	ok(invite_add(iv, "juergen", "jm@example.de", "J\xc3\xbcrgen",
	    "M\xc3\xbcller", "Gr\xc3\xbc\xc3\x9f" "e1pw", &e) == 0,
	    "add a user with umlauts");
	ok(invite_add(iv, "eve", "eve@example.com", "Eve\r\nBcc: x@y",
	    "O\"Neil\\", "Eve1pass", &e) == 0,
	    "add a user whose name tries to inject a header");
	ok(invite_add(iv, "bad", "not an address", "B", "C", "Bad1pass",
	    &e) == UIMP_EINVAL, "an address that is none is refused");
	is(e.where, "bad", "naming the user");
	ok(count(in_dir("out/tmp")) == 3 && count(in_dir("out/new")) == 0,
	    "three messages wait in tmp/, none in new/");
	first(in_dir("out/tmp"), path, sizeof(path));
	ok(mode_of(path) == 0600, "a message is mode 0600 (%o)",
	    mode_of(path));
	rc = invite_commit(iv, &sent, &e);
	ok(rc == 0 && sent == 3, "commit delivers three (%lu)", sent);
	ok(count(in_dir("out/tmp")) == 0 && count(in_dir("out/new")) == 3,
	    "tmp/ is empty, new/ holds three");
	first(in_dir("out/new"), path, sizeof(path));
	ok(strstr(path, ".M") && strstr(path, "P") && strstr(path, "Q"),
	    "a maildir name: %s", strrchr(path, '/') + 1);
	msg = slurp(path);
	ok(msg && crlf_only(msg), "CRLF line ends only");
	ok(msg && strstr(msg, "\r\nMIME-Version: 1.0\r\n") &&
	    strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n") &&
	    strstr(msg, "\r\nContent-Transfer-Encoding: 8bit\r\n"),
	    "MIME headers");
	ok(msg && strncmp(msg, "From: it@example.com\r\n", 22) == 0,
	    "From: the sender given");
	free(msg);

	ok(parse(in_dir("out/new"), got, sizeof(got)) == 0,
	    "Python's email module parses every message");
	is(line(got, 0, l, sizeof(l)), "ann@example.com|Ann Lee|Your new "
	    "account|False|Hello Ann,\\n\\nan account has been made for you."
	    "\\n\\nUsername: ann\\nPassword: Secret1pass\\n\\nThis password "
	    "is for your first sign-in only: please change it\\nwhen you "
	    "first sign in.\\n", "ann: address, name, subject, body");
	is(line(got, 1, l, sizeof(l)), "eve@example.com|Eve Bcc: x@y "
	    "O\"Neil\\|Your new account|False|Hello Eve Bcc: x@y,\\n\\nan "
	    "account has been made for you.\\n\\nUsername: eve\\nPassword: "
	    "Eve1pass\\n\\nThis password is for your first sign-in only: "
	    "please change it\\nwhen you first sign in.\\n",
	    "eve: the line break is a space, no Bcc header");
	ok(strncmp(line(got, 2, l, sizeof(l)), "jm@example.de|J\xc3\xbcrgen "
	    "M\xc3\xbcller|Your new account|False|Hello J\xc3\xbcrgen,", 66)
	    == 0 && strstr(l, "Password: Gr\xc3\xbc\xc3\x9f" "e1pw\\n"),
	    "the umlauts come back: %s", l);
}

/* A template with non-ASCII subject and sender; a long line. */
static void
test_template(void)
{
	struct invite *iv = NULL;
	struct uimp_err e = { 0 };
	unsigned long sent;
	char got[8192], l[4096], path[PATH_MAX], big[1100];
	char *msg;
	int rc;

	put("t1.txt", "Subject: \xd0\x94\xd0\xbe\xd0\xb1\xd1\x80\xd0\xbe "
	    "\xd0\xbf\xd0\xbe\xd0\xb6\xd0\xb0\xd0\xbb\xd0\xbe\xd0\xb2\xd0\xb0"
	    "\xd1\x82\xd1\x8c, {first_name} {{ok}\r\n"
	    "From: \"\xd0\x9e\xd1\x82\xd0\xb4\xd0\xb5\xd0\xbb IT\" "
	    "<it@example.ru>\r\n"
	    "Reply-To: help@example.ru\r\n"
	    "\r\n"
	    "{last_name}, {first_name}: {username} / {password} / {email}\r\n",
	    0644);
	rc = invite_open(&iv, in_dir("t1"), in_dir("t1.txt"), NULL, NULL, &e);
	ok(rc == 0, "a template with headers (%s: %s)", e.where, e.msg);
	if (rc)
		return;
	ok(invite_add(iv, "olga", "olga@example.ru",
	    "\xd0\x9e\xd0\xbb\xd1\x8c\xd0\xb3\xd0\xb0",
	    "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0",
	    "Olga1pass", &e) == 0, "add olga");
	ok(invite_commit(iv, &sent, &e) == 0 && sent == 1, "commit");
	ok(parse(in_dir("t1/new"), got, sizeof(got)) == 0, "parses");
	is(line(got, 0, l, sizeof(l)), "olga@example.ru|\xd0\x9e\xd0\xbb\xd1"
	    "\x8c\xd0\xb3\xd0\xb0 \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0"
	    "\xb2\xd0\xb0|\xd0\x94\xd0\xbe\xd0\xb1\xd1\x80\xd0\xbe \xd0\xbf\xd0"
	    "\xbe\xd0\xb6\xd0\xb0\xd0\xbb\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd1"
	    "\x8c, \xd0\x9e\xd0\xbb\xd1\x8c\xd0\xb3\xd0\xb0 {ok}|False|"
	    "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0, \xd0\x9e"
	    "\xd0\xbb\xd1\x8c\xd0\xb3\xd0\xb0: olga / Olga1pass / "
	    "olga@example.ru\\n", "Cyrillic subject and name decoded, "
	    "placeholders and {{ replaced");
	first(in_dir("t1/new"), path, sizeof(path));
	msg = slurp(path);
	ok(msg && strstr(msg, "\r\nSubject: =?UTF-8?B?") &&
	    strstr(msg, "\r\nTo: =?UTF-8?B?") &&
	    strstr(msg, "From: =?UTF-8?B?") &&
	    strstr(msg, "\r\nReply-To: help@example.ru\r\n"),
	    "non-ASCII headers are RFC 2047 encoded-words");
	ok(msg && !strstr(msg, "Olga1pass\r\n\r\n") && crlf_only(msg),
	    "CRLF throughout");
	free(msg);

	/* a quoted sender name with escapes keeps them */
	put("t3.txt", "From: \"A \\\"B\\\" \\\\ C\" <a@example.com>\n\n"
	    "hi {username}\n", 0644);
	rc = invite_open(&iv, in_dir("t3"), in_dir("t3.txt"), NULL, NULL, &e);
	ok(rc == 0 && invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
	    "Secret1pass", &e) == 0 && invite_commit(iv, &sent, &e) == 0,
	    "a template with a quoted sender name (%s)", e.msg);
	first(in_dir("t3/new"), path, sizeof(path));
	msg = slurp(path);
	ok(msg && strncmp(msg, "From: \"A \\\"B\\\" \\\\ C\" <a@example.com>"
	    "\r\n", 36) == 0, "its quotes and backslash escaped again");
	free(msg);

	/* a body line past 998 octets once filled: base64 */
	memset(big, 'x', 988);
	strcpy(big + 988, "{password}\n");
	put("t2.txt", big, 0644);
	rc = invite_open(&iv, in_dir("t2"), in_dir("t2.txt"), NULL, NULL, &e);
	ok(rc == 0, "a 998-octet template line is taken (%s)", e.msg);
	if (rc == 0) {
		ok(invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
		    "Secret1pass", &e) == 0, "filled past 998 octets");
		ok(invite_commit(iv, &sent, &e) == 0, "commit");
		first(in_dir("t2/new"), path, sizeof(path));
		msg = slurp(path);
		ok(msg && strstr(msg, "Content-Transfer-Encoding: base64"),
		    "the body goes as base64");
		free(msg);
		ok(parse(in_dir("t2/new"), got, sizeof(got)) == 0 &&
		    strstr(got, "xxxSecret1pass\\n"), "and decodes whole");
	}
}

/* Template faults, each named by file and line. */
static void
test_template_errors(void)
{
	static const struct {
		const char	*text;
		const char	*line;
		const char	*msg;
	} t[] = {
		{ "Hello {first_name},\nyour login is {user}\n", ":2",
		    "unknown placeholder '{user}'" },
		{ "Subject: Hi {frist_name}\n\nbody\n", ":1",
		    "unknown placeholder" },
		{ "Subject: Hi\nCc: boss@example.com\n\nbody\n", ":2",
		    "'Cc' is not a header a template sets" },
		{ "Subject: Hi\nSubject: Ho\n\nbody\n", ":2",
		    "a second Subject" },
		{ "Subject: Hi\nFrom: nobody\n\nbody\n", ":2",
		    "From: expected an address" },
		{ "Subject: Hi\n", ":1", "no body" },
		{ "Subject:\n\nbody\n", ":1", "an empty Subject" },
		{ "Hello {first_name\n", ":1", "unknown placeholder" },
		{ "Hello\n\x01\n", ":2", "a control character" },
		{ "ok\n\xff\xfe\n", ":2", "not UTF-8" },
		{ "", ".txt", "no body text" },
		{ "Subject: Hi\n\n", ":2", "no body text" },
	};
	struct invite *iv;
	struct uimp_err e;
	char big[1200], name[32];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "bad%zu.txt", i);
		put(name, t[i].text, 0644);
		memset(&e, 0, sizeof(e));
		iv = NULL;
		rc = invite_open(&iv, in_dir("bad"), in_dir(name), NULL, NULL,
		    &e);
		ok(rc == UIMP_EINVAL && iv == NULL &&
		    strlen(e.where) > strlen(t[i].line) &&
		    strcmp(e.where + strlen(e.where) - strlen(t[i].line),
		    t[i].line) == 0 && strstr(e.where, name) &&
		    strstr(e.msg, t[i].msg), "template '%s': %s: %s",
		    tap_vis(t[i].text), e.where, e.msg);
	}
	memset(big, 'y', 999);
	strcpy(big + 999, "\n");
	put("long.txt", big, 0644);
	rc = invite_open(&iv, in_dir("bad"), in_dir("long.txt"), NULL, NULL,
	    &e);
	ok(rc == UIMP_EINVAL && strstr(e.msg, "999 octets"),
	    "a 999-octet line is refused: %s", e.msg);
	rc = invite_open(&iv, in_dir("bad"), in_dir("none.txt"), NULL, NULL,
	    &e);
	ok(rc == UIMP_EIO && e.sys_errno == ENOENT, "a missing template: %s",
	    e.msg);
	rc = invite_open(&iv, in_dir("bad"), NULL, "x@y\r\nBcc: z@w.com",
	    NULL, &e);
	ok(rc == UIMP_EINVAL, "a sender with a line break is refused: %s",
	    tap_vis(e.msg));
	rc = invite_open(&iv, in_dir("bad"), NULL, NULL, "/nonexistent/sm",
	    &e);
	ok(rc == UIMP_EINVAL && strstr(e.msg, "cannot run sendmail"),
	    "a sendmail that is not there is refused at open: %s", e.msg);
}

/* Abort removes what was written. */
static void
test_abort(void)
{
	struct invite *iv = NULL;
	struct uimp_err e;

	if (invite_open(&iv, in_dir("ab"), NULL, NULL, NULL, &e) != 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	ok(invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
	    "Secret1pass", &e) == 0 && invite_add(iv, "bob",
	    "bob@example.com", "Bob", "Ray", "Secret2pass", &e) == 0,
	    "add two");
	ok(count(in_dir("ab/tmp")) == 2, "two in tmp/");
	invite_abort(iv);
	ok(count(in_dir("ab/tmp")) == 0 && count(in_dir("ab/new")) == 0 &&
	    count(in_dir("ab/cur")) == 0, "abort: tmp/, new/, cur/ empty");
}

/* Fake sendmail programs: one takes each message, one refuses. */
static void
test_sendmail(void)
{
	struct invite *iv = NULL;
	struct uimp_err e = { 0 };
	unsigned long sent = 99;
	char script[PATH_MAX * 2], got[8192], l[2048];
	char good[PATH_MAX], bad[PATH_MAX];
	int rc;

	mkdir(in_dir("sent"), 0700);
	mkdir(in_dir("tmpdir"), 0700);
	snprintf(script, sizeof(script), "#!/bin/sh\n"
	    "echo \"$*\" >> '%s'\n"
	    "cat > '%s'/msg.$$\n"
	    "exit 0\n", in_dir("args"), in_dir("sent"));
	snprintf(good, sizeof(good), "%s", put("sm-good", script, 0755));
	snprintf(script, sizeof(script), "#!/bin/sh\n"
	    "cat > /dev/null\n"
	    "echo x >> '%s'\n"
	    "exit 1\n", in_dir("bad-runs"));
	snprintf(bad, sizeof(bad), "%s", put("sm-bad", script, 0755));

	setenv("TMPDIR", in_dir("tmpdir"), 1);
	rc = invite_open(&iv, NULL, NULL, NULL, good, &e);
	ok(rc == 0, "open for sendmail alone (%s)", e.msg);
	if (rc)
		return;
	ok(count(in_dir("tmpdir")) == 1, "a private folder in $TMPDIR");
	ok(invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
	    "Secret1pass", &e) == 0 && invite_add(iv, "bob",
	    "bob@example.com", "Bob", "Ray", "Secret2pass", &e) == 0,
	    "add two");
	ok(count(in_dir("sent")) == 0, "nothing sent before the commit");
	rc = invite_commit(iv, &sent, &e);
	ok(rc == 0 && sent == 2, "sendmail took both (%lu) %s", sent, e.msg);
	ok(count(in_dir("sent")) == 2, "two runs of sendmail");
	ok(parse(in_dir("sent"), got, sizeof(got)) == 0 &&
	    strncmp(line(got, 0, l, sizeof(l)), "ann@example.com|Ann Lee|",
	    24) == 0 && strstr(l, "Secret1pass") &&
	    strncmp(line(got, 1, l, sizeof(l)), "bob@example.com|Bob Ray|",
	    24) == 0 && strstr(l, "Secret2pass"),
	    "each got its message on stdin");
	{
		char *args = slurp(in_dir("args"));

		is(args, "-t -i\n-t -i\n", "run as sendmail -t -i");
		free(args);
	}
	ok(count(in_dir("tmpdir")) == 0, "the private folder is gone");

	/* sendmail that refuses: every message tried, the failure named */
	rc = invite_open(&iv, NULL, NULL, NULL, bad, &e);
	ok(rc == 0 && invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
	    "Secret1pass", &e) == 0 && invite_add(iv, "bob",
	    "bob@example.com", "Bob", "Ray", "Secret2pass", &e) == 0,
	    "open and add two for a refusing sendmail (%s)", e.msg);
	if (rc)
		return;
	memset(&e, 0, sizeof(e));
	rc = invite_commit(iv, &sent, &e);
	ok(rc == UIMP_EWRITE && sent == 0, "a refusal is UIMP_EWRITE (%lu)",
	    sent);
	is(e.where, "ann@example.com", "naming the first address");
	ok(strstr(e.msg, "exit status 1") && strstr(e.msg, "2 of 2"),
	    "saying why and how many: %s", e.msg);
	{
		char *runs = slurp(in_dir("bad-runs"));

		is(runs, "x\nx\n", "every message was tried");
		free(runs);
	}

	/* an outbox and sendmail: sent messages move on to cur/ */
	rc = invite_open(&iv, in_dir("both"), NULL, "it@example.com", good,
	    &e);
	ok(rc == 0 && invite_add(iv, "ann", "ann@example.com", "Ann", "Lee",
	    "Secret1pass", &e) == 0, "an outbox and sendmail");
	if (rc)
		return;
	ok(invite_commit(iv, &sent, &e) == 0 && sent == 1, "sent");
	first(in_dir("both/cur"), l, sizeof(l));
	ok(count(in_dir("both/new")) == 0 && count(in_dir("both/cur")) == 1 &&
	    strstr(l, ":2,S") != NULL, "the sent copy is in cur/, seen: %s",
	    strrchr(l, '/') ? strrchr(l, '/') + 1 : l);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[PATH_MAX];

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/invite-test.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return done_testing();
	}
	test_maildir();
	test_template();
	test_template_errors();
	test_abort();
	test_sendmail();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "remove %s", dir);
	return done_testing();
}
