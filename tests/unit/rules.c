/*
 * rules.c: tests of lib/rules.c: the table of field rules in
 * tests/fixtures/rules.test, headers, suggestions, hashes and UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* Undo the escapes \t \n \r \\ \xHH in place; returns the length. */
static size_t
unescape(char *s)
{
	char *in = s, *out = s, hex[3];

	while (*in != '\0') {
		if (*in != '\\' || in[1] == '\0') {
			*out++ = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 't': *out++ = '\t'; in++; break;
		case 'n': *out++ = '\n'; in++; break;
		case 'r': *out++ = '\r'; in++; break;
		case 'x':
			if (in[1] == '\0' || in[2] == '\0') {
				*out++ = *in++;
				break;
			}
			hex[0] = in[1];
			hex[1] = in[2];
			hex[2] = '\0';
			*out++ = (char)strtol(hex, NULL, 16);
			in += 3;
			break;
		default: *out++ = *in++; break;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* Read a line without its newline into *line; 0 at the end of the file. */
static int
get_line(FILE *fp, char **line, size_t *cap, unsigned long *lineno)
{
	ssize_t n;

	if ((n = getline(line, cap, fp)) == -1)
		return 0;
	if (n > 0 && (*line)[n - 1] == '\n')
		(*line)[--n] = '\0';
	(*lineno)++;
	return 1;
}

static int
field_by_name(const char *name)
{
	int f;

	for (f = 0; f < UIMP_F_COUNT; f++)
		if (strcmp(uimp_field_info(f)->name, name) == 0)
			return f;
	return -1;
}

/* Show a value in a test description: printable ASCII, the rest escaped. */
static const char *
show(const char *s, size_t n)
{
	static char out[120];
	size_t i, k = 0;

	for (i = 0; i < n && k + 8 < sizeof(out); i++) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
			out[k++] = s[i];
		else
			k += (size_t)snprintf(out + k, sizeof(out) - k,
			    "\\x%02x", (unsigned char)s[i]);
	}
	if (i < n)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "...");
	out[k] = '\0';
	return out;
}

static void
run_table(const char *path)
{
	struct uimp_policy pol;
	struct uimp_verdict v;
	FILE *fp;
	char *line = NULL, *value = NULL, *want = NULL, *out, *sp, *desc;
	size_t cap = 0, vcap = 0, wcap = 0, len, wlen;
	unsigned long lineno = 0, at;
	int f, active, rc, cases = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	uimp_policy_init(&pol);
	while (get_line(fp, &line, &cap, &lineno)) {
		if (line[0] == '\0' || line[0] == '#')
			continue;
		at = lineno;
		active = 0;
		if ((sp = strchr(line, ' ')) != NULL) {
			*sp = '\0';
			active = strcmp(sp + 1, "active") == 0;
		}
		if ((f = field_by_name(line)) == -1 ||
		    (sp != NULL && !active) ||
		    !get_line(fp, &value, &vcap, &lineno) ||
		    !get_line(fp, &want, &wcap, &lineno) ||
		    (strncmp(want, "ok", 2) != 0 &&
		    strncmp(want, "err ", 4) != 0)) {
			ok(0, "%s:%lu: a triplet of field, value, result",
			    path, at);
			break;
		}
		desc = strdup(want);
		len = unescape(value);
		if (desc == NULL || (out = malloc(len + 8)) == NULL) {
			ok(0, "malloc");
			break;
		}
		rc = uimp_field_check(f, active, value, len, &pol, out,
		    len + 8, &v);
		if (strncmp(want, "ok", 2) == 0) {
			wlen = unescape(want + 2);
			if (want[2] == ' ')
				memmove(want + 2, want + 3, wlen--);
			ok(rc == 0 && strlen(out) == wlen &&
			    memcmp(out, want + 2, wlen) == 0,
			    "%s:%lu: %s%s '%s' %s", path, at,
			    uimp_field_info(f)->name, active ? " active" : "",
			    show(value, len), desc);
			if (rc != 0)
				printf("#   %s: %s\n", v.code, v.msg);
			else if (strcmp(out, want + 2) != 0)
				printf("#   got '%s'\n",
				    show(out, strlen(out)));
		} else {
			ok(rc == 1 && v.code != NULL &&
			    strcmp(v.code, want + 4) == 0 && v.msg[0] != '\0',
			    "%s:%lu: %s%s '%s' %s", path, at,
			    uimp_field_info(f)->name, active ? " active" : "",
			    show(value, len), want);
			if (rc == 1)
				printf("#   %s: %s\n", v.code, v.msg);
			else
				printf("#   passed as '%s'\n",
				    show(out, strlen(out)));
			/* a password never shows in a message */
			if (f == UIMP_F_PASSWORD && rc == 1 && len > 12)
				ok(strstr(v.msg, value) == NULL,
				    "%s:%lu: the message hides the password",
				    path, at);
		}
		free(out);
		free(desc);
		cases++;
	}
	ok(cases >= 150, "%s: %d cases", path, cases);
	free(line);
	free(value);
	free(want);
	fclose(fp);
}

static void
test_headers(void)
{
	static const struct {
		const char	*header;
		int		 field;
		int		 active;
	} h[] = {
		{ "username", UIMP_F_USERNAME, 0 },
		{ "Username*", UIMP_F_USERNAME, 0 },
		{ "login", UIMP_F_USERNAME, 0 },
		{ "User Name", UIMP_F_USERNAME, 0 },
		{ "LOGIN *", UIMP_F_USERNAME, 0 },
		{ "password", UIMP_F_PASSWORD, 0 },
		{ "Password*", UIMP_F_PASSWORD, 0 },
		{ "email", UIMP_F_EMAIL, 0 },
		{ "E-Mail", UIMP_F_EMAIL, 0 },
		{ "e-mail*", UIMP_F_EMAIL, 0 },
		{ "Mail", UIMP_F_EMAIL, 0 },
		{ "First Name*", UIMP_F_FIRST_NAME, 0 },
		{ "first_name", UIMP_F_FIRST_NAME, 0 },
		{ "FirstName", UIMP_F_FIRST_NAME, 0 },
		{ "first-name", UIMP_F_FIRST_NAME, 0 },
		{ "first.name", UIMP_F_FIRST_NAME, 0 },
		{ "  first name  ", UIMP_F_FIRST_NAME, 0 },
		{ "Given Name", UIMP_F_FIRST_NAME, 0 },
		{ "last_name", UIMP_F_LAST_NAME, 0 },
		{ "LastName", UIMP_F_LAST_NAME, 0 },
		{ "Surname", UIMP_F_LAST_NAME, 0 },
		{ "Family Name", UIMP_F_LAST_NAME, 0 },
		{ "company", UIMP_F_COMPANY, 0 },
		{ "Title", UIMP_F_TITLE, 0 },
		{ "DEPARTMENT", UIMP_F_DEPARTMENT, 0 },
		{ "about_me", UIMP_F_ABOUT_ME, 0 },
		{ "About Me", UIMP_F_ABOUT_ME, 0 },
		{ "whatsapp", UIMP_F_WHATSAPP, 0 },
		{ "WhatsApp No.", UIMP_F_WHATSAPP, 0 },
		{ "whatsapp number", UIMP_F_WHATSAPP, 0 },
		{ "work_phone", UIMP_F_WORK_PHONE, 0 },
		{ "WorkPhone", UIMP_F_WORK_PHONE, 0 },
		{ "Work Phone", UIMP_F_WORK_PHONE, 0 },
		{ "mobile_phone", UIMP_F_MOBILE_PHONE, 0 },
		{ "Mobile", UIMP_F_MOBILE_PHONE, 0 },
		{ "MobilePhone", UIMP_F_MOBILE_PHONE, 0 },
		{ "fax", UIMP_F_FAX, 0 },
		{ "website", UIMP_F_WEBSITE, 0 },
		{ "Web Site", UIMP_F_WEBSITE, 0 },
		{ "URL", UIMP_F_WEBSITE, 0 },
		{ "address", UIMP_F_ADDRESS, 0 },
		{ "is_manager", UIMP_F_IS_MANAGER, 0 },
		{ "The user is a manager", UIMP_F_IS_MANAGER, 0 },
		{ "status", UIMP_F_STATUS, 0 },
		{ "User Status", UIMP_F_STATUS, 0 },
		{ "active", UIMP_F_STATUS, 1 },
		{ "Active*", UIMP_F_STATUS, 1 },
		{ "must_change_password", UIMP_F_MUST_CHANGE_PASSWORD, 0 },
		{ "The user needs to change the password",
		    UIMP_F_MUST_CHANGE_PASSWORD, 0 },
		{ "contact_no", UIMP_F_CONTACT_NO, 0 },
		{ "Contact No. in directory", UIMP_F_CONTACT_NO, 0 },
		{ "created_at", UIMP_F_CREATED_AT, 0 },
		{ "Create Time", UIMP_F_CREATED_AT, 0 },
		{ "", -1, 0 },
		{ "*", -1, 0 },
		{ "nickname", -1, 0 },
		{ "manager_email", UIMP_F_MANAGER_EMAIL, 0 },
		{ "Email of the manager", UIMP_F_MANAGER_EMAIL, 0 },
		{ "region", -1, 0 },
		{ "Имя", -1, 0 },
		{ "user*name", -1, 0 },
		{ "emails", -1, 0 }
	};
	char out[64], small[5];
	const char *got = out;
	size_t i;
	int f, active;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		active = -1;
		f = uimp_field_lookup(h[i].header, &active);
		ok(f == h[i].field && active == h[i].active,
		    "header '%s' is field %d, active %d (got %d, %d)",
		    h[i].header, h[i].field, h[i].active, f, active);
	}
	ok(uimp_field_lookup("active", NULL) == UIMP_F_STATUS,
	    "lookup takes a NULL active");

	uimp_header_normalize("First Name*", out, sizeof(out));
	is(got, "firstname", "normalize 'First Name*'");
	uimp_header_normalize(" E-Mail. _x_ ", out, sizeof(out));
	is(got, "emailx", "normalize drops spaces - . _");
	uimp_header_normalize("a*b*", out, sizeof(out));
	is(got, "a*b", "normalize drops only a trailing *");
	uimp_header_normalize("\xc2\xa0Name\xc2\xa0", out, sizeof(out));
	is(got, "name", "normalize drops no-break spaces");
	uimp_header_normalize("ÄRGER", out, sizeof(out));
	is(got, "\xc3\x84rger", "normalize folds ASCII only");
	uimp_header_normalize("Username", small, sizeof(small));
	got = small;
	is(got, "user", "normalize cuts to the buffer");

	/* every name and alias in the table finds its field */
	for (f = 0; f < UIMP_F_COUNT; f++) {
		const struct uimp_field_info *fi = uimp_field_info(f);
		const char *const *a;

		ok(uimp_field_lookup(fi->name, NULL) == f, "name %s", fi->name);
		for (a = fi->aliases; *a != NULL; a++)
			ok(uimp_field_lookup(*a, NULL) == f, "alias '%s' of %s",
			    *a, fi->name);
	}
}

static void
test_nearest(void)
{
	static const struct {
		const char	*header;
		const char	*want;
	} n[] = {
		{ "emial", "email" },
		{ "eMail1", "email" },
		{ "Frist Name", "first_name" },
		{ "usrname", "username" },
		{ "user_name2", "username" },
		{ "passwd", "password" },
		{ "departmnt", "department" },
		{ "Adress", "address" },
		{ "mobil phone", "mobile_phone" },
		{ "whatsap", "whatsapp" },
		{ "websit", "website" },
		{ "is manger", "is_manager" },
		{ "contact number", "contact_no" },
		{ "lastnme", "last_name" },
		{ "activ", "status" },
		{ "created", "created_at" }
	};
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		is(uimp_field_nearest(n[i].header), n[i].want,
		    "'%s': did you mean %s", n[i].header, n[i].want);
	ok(uimp_field_nearest("") == NULL, "nothing is near ''");
	ok(uimp_field_nearest("City") == NULL, "nothing is near 'City'");
	ok(uimp_field_nearest("Material Cost") == NULL,
	    "nothing is near 'Material Cost'");

	ok(edit_distance("kitten", "sitting") == 3, "kitten/sitting: 3");
	ok(edit_distance("", "abc") == 3, "''/abc: 3");
	ok(edit_distance("abc", "") == 3, "abc/'': 3");
	ok(edit_distance("email", "email") == 0, "same: 0");
	ok(edit_distance("flaw", "lawn") == 2, "flaw/lawn: 2");
}

static void
test_hashes(void)
{
	static const char good[] = "$argon2id$v=19$m=19456,t=2,p=1$"
	    "c29tZXNhbHRzb21lc2FsdA$"
	    "RdescudvJCsgt3ub+b+dWRWJTmaaJObG2Lm6Y2TqfTk";
	struct uimp_verdict v;

	ok(uimp_is_hash(good) == 1, "argon2id is 1");
	ok(uimp_is_hash("$argon2i$v=19$m=16,t=2,p=1$YWJjZGVmZ2g$aGFzaA") == -1,
	    "argon2i is -1");
	ok(uimp_is_hash("$2y$10$abcdefghijklmnopqrstuu") == -1, "bcrypt is -1");
	ok(uimp_is_hash("$6$salt$hash") == -1, "sha512-crypt is -1");
	ok(uimp_is_hash("{SSHA}abcd") == -1, "{SSHA} is -1");
	ok(uimp_is_hash("Secret2024") == 0, "a password is 0");
	ok(uimp_is_hash("") == 0, "'' is 0");
	ok(uimp_is_hash("$") == 0, "'$' is 0");
	ok(uimp_is_hash("{SSHA}") == 0, "'{SSHA}' alone is 0");

	ok(uimp_phc_check(good, &v) == 0 && v.code == NULL,
	    "a good PHC string passes");
	ok(uimp_phc_check("$argon2id$v=19$m=4194304,t=2,p=1$"
	    "c29tZXNhbHRzb21lc2FsdA$"
	    "RdescudvJCsgt3ub+b+dWRWJTmaaJObG2Lm6Y2TqfTk", &v) == 1 &&
	    strcmp(v.code, "hash") == 0 && strstr(v.msg, "4194304") != NULL,
	    "m=4194304 is refused, and the message says m (%s)", v.msg);
	ok(uimp_phc_check("$argon2id$v=16$m=19456,t=2,p=1$"
	    "c29tZXNhbHRzb21lc2FsdA$"
	    "RdescudvJCsgt3ub+b+dWRWJTmaaJObG2Lm6Y2TqfTk", &v) == 1 &&
	    strcmp(v.code, "hash") == 0, "v=16 is refused (%s)", v.msg);
	ok(uimp_phc_check("Secret2024", &v) == 1, "a password is no PHC");
}

static void
test_policy(void)
{
	struct uimp_policy p;
	struct uimp_verdict v;
	char out[64];
	int rc;

	uimp_policy_init(&p);
	ok(p.min_len == 8 && p.max_len == 100 && p.need_letter == 1 &&
	    p.need_digit == 1 && p.allow_space == 0, "policy defaults");

	rc = uimp_field_check(UIMP_F_PASSWORD, 0, "my pass 12", 10, &p, out,
	    sizeof(out), &v);
	ok(rc == 1 && strcmp(v.code, "policy") == 0 &&
	    strstr(v.msg, "no white space") != NULL &&
	    strstr(v.msg, "my pass") == NULL, "space refused: %s", v.msg);
	p.allow_space = 1;
	rc = uimp_field_check(UIMP_F_PASSWORD, 0, "my pass 12", 10, &p, out,
	    sizeof(out), &v);
	ok(rc == 0 && strcmp(out, "my pass 12") == 0, "allow_space takes it");

	p.min_len = 12;
	rc = uimp_field_check(UIMP_F_PASSWORD, 0, "Secret2024", 10, &p, out,
	    sizeof(out), &v);
	ok(rc == 1 && strcmp(v.code, "policy") == 0 &&
	    strstr(v.msg, "12-100") != NULL, "min_len 12: %s", v.msg);

	uimp_policy_init(&p);
	p.need_digit = 0;
	rc = uimp_field_check(UIMP_F_PASSWORD, 0, "abcdefgh", 8, &p, out,
	    sizeof(out), &v);
	ok(rc == 0, "need_digit 0 takes letters only");
	p.need_letter = 0;
	rc = uimp_field_check(UIMP_F_PASSWORD, 0, "12345678", 8, &p, out,
	    sizeof(out), &v);
	ok(rc == 0, "need_letter 0 takes digits only");

	uimp_policy_init(&p);
	rc = uimp_field_check(UIMP_F_PASSWORD, 0,
	    "$2y$10$abcdefghijklmnopqrstu", 26, &p, out, sizeof(out), &v);
	ok(rc == 1 && strcmp(v.code, "hash_format") == 0 &&
	    strstr(v.msg, "bcrypt") != NULL && strstr(v.msg, "$2y$10") == NULL,
	    "bcrypt named, not shown: %s", v.msg);

	rc = uimp_field_check(UIMP_F_PASSWORD, 0, "Secret2024", 10, NULL, out,
	    sizeof(out), &v);
	ok(rc == 0, "a NULL policy is the default one");
}

static void
test_messages(void)
{
	struct uimp_verdict v;
	char out[256], in[100];
	int rc;

	memset(in, 'a', 62);
	rc = uimp_field_check(UIMP_F_USERNAME, 0, in, 62, NULL, out,
	    sizeof(out), &v);
	ok(rc == 1, "62 characters are too long");
	is(v.msg, "longer than 50 characters (62)", "too_long message");

	rc = uimp_field_check(UIMP_F_EMAIL, 0, "nobody", 6, NULL, out,
	    sizeof(out), &v);
	ok(rc == 1 && strstr(v.msg, "'nobody'") != NULL &&
	    strstr(v.msg, "local@domain.tld") != NULL,
	    "email message quotes and says the form: %s", v.msg);

	memset(in, 'b', 60);
	memcpy(in + 30, "!", 1);
	rc = uimp_field_check(UIMP_F_COMPANY, 0, in, 60, NULL, out,
	    sizeof(out), &v);
	ok(rc == 0, "60 characters of company pass");
	rc = uimp_field_check(UIMP_F_WHATSAPP, 0, in, 60, NULL, out,
	    sizeof(out), &v);
	ok(rc == 1 && strstr(v.msg, "!bbbbbbbbb...'") != NULL,
	    "values are cut at 40 characters: %s", v.msg);

	rc = uimp_field_check(UIMP_F_USERNAME, 0, "ab\xff", 3, NULL, out,
	    sizeof(out), &v);
	ok(rc == 1 && strcmp(v.code, "utf8") == 0 &&
	    strstr(v.msg, "2") != NULL, "utf8 message gives the offset: %s",
	    v.msg);

	rc = uimp_field_check(UIMP_F_STATUS, 1, "0", 1, NULL, out, 8, &v);
	ok(rc == 0 && strcmp(out, "blocked") == 0, "'0' becomes blocked in 8 "
	    "bytes");
}

static void
test_utf8(void)
{
	size_t bad = 99;

	ok(uimp_utf8_len("", 0, NULL) == 0, "'' has 0 characters");
	ok(uimp_utf8_len("abc", 3, NULL) == 3, "abc has 3");
	ok(uimp_utf8_len("\xd0\x96\xe4\xb8\xad\xf0\x9f\x98\x80", 9, NULL) == 3,
	    "2-, 3- and 4-byte characters");
	ok(uimp_utf8_len("a\0b", 3, NULL) == 3, "a NUL is a character");
	ok(uimp_utf8_len("ab\xc3", 3, &bad) == -1 && bad == 2,
	    "a cut character at 2");
	ok(uimp_utf8_len("\xe0\x80\xaf", 3, &bad) == -1 && bad == 0,
	    "an overlong form");
	ok(uimp_utf8_len("x\xed\xbf\xbf", 4, &bad) == -1 && bad == 1,
	    "a surrogate");
	ok(uimp_utf8_len("\xf5\x80\x80\x80", 4, &bad) == -1, "F5");
	ok(uimp_utf8_len("\xef\xbf\xbf", 3, NULL) == 1, "U+FFFF is UTF-8");
	ok(uimp_utf8_len("\xf4\x8f\xbf\xbf", 4, NULL) == 1, "U+10FFFF");
}

static void
test_info(void)
{
	const struct uimp_field_info *fi;
	struct uimp_verdict v;
	char out[256];
	int f;

	for (f = 0; f < UIMP_F_COUNT; f++) {
		fi = uimp_field_info(f);
		ok(fi->name != NULL && fi->aliases != NULL &&
		    fi->rule != NULL && *fi->rule != '\0' &&
		    fi->example != NULL && *fi->example != '\0',
		    "field %d (%s) is described", f, fi->name);
		ok(uimp_field_check(f, 0, fi->example, strlen(fi->example),
		    NULL, out, sizeof(out), &v) == 0,
		    "the example of %s passes its rule", fi->name);
	}
	ok(uimp_field_info(UIMP_F_USERNAME)->maxlen == 50 &&
	    uimp_field_info(UIMP_F_EMAIL)->maxlen == 100 &&
	    uimp_field_info(UIMP_F_ABOUT_ME)->maxlen == 2000 &&
	    uimp_field_info(UIMP_F_ADDRESS)->maxlen == 255,
	    "maximum lengths");
	ok((uimp_field_info(UIMP_F_EMAIL)->flags & (UIMP_FIELD_REQUIRED |
	    UIMP_FIELD_UNIQUE)) == (UIMP_FIELD_REQUIRED | UIMP_FIELD_UNIQUE),
	    "email is required and unique");
	ok(uimp_field_info(UIMP_F_ABOUT_ME)->flags & UIMP_FIELD_MULTILINE,
	    "about_me is multi-line");
	ok(uimp_field_info(UIMP_F_CREATED_AT)->flags & UIMP_FIELD_EXPORT_ONLY,
	    "created_at is export only");
}

int
main(int argc, char *argv[])
{
	run_table(argc > 1 ? argv[1] : "tests/fixtures/rules.test");
	test_headers();
	test_nearest();
	test_hashes();
	test_policy();
	test_messages();
	test_utf8();
	test_info();
	return done_testing();
}
