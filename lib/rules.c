/*
 * rules.c: the columns userimp knows, their headers, and the rule each
 * field's cells must follow (SPEC §3, userimp-fields(5)).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"


static const char *const no_aliases[] = { NULL };
static const char *const username_aliases[] = { "login", "user name", NULL };
static const char *const email_aliases[] = { "e-mail", "mail", NULL };
static const char *const first_name_aliases[] = {
	"firstname", "given name", NULL
};
static const char *const last_name_aliases[] = {
	"lastname", "surname", "family name", NULL
};
static const char *const about_me_aliases[] = { "about me", NULL };
static const char *const whatsapp_aliases[] = {
	"whatsapp no.", "whatsapp number", NULL
};
static const char *const work_phone_aliases[] = { "workphone", NULL };
static const char *const mobile_phone_aliases[] = {
	"mobile", "mobilephone", NULL
};
static const char *const website_aliases[] = { "web site", "url", NULL };
static const char *const is_manager_aliases[] = {
	"the user is a manager", NULL
};
static const char *const manager_email_aliases[] = {
	"email of the manager", NULL
};
static const char *const status_aliases[] = { "user status", "active", NULL };
static const char *const must_change_aliases[] = {
	"the user needs to change the password", NULL
};
static const char *const contact_no_aliases[] = {
	"contact no. in directory", NULL
};
static const char *const created_at_aliases[] = { "create time", NULL };
static const char *const updated_at_aliases[] = { "update time", NULL };

#define PHONE_RULE "phone number: an optional + and 5-15 digits; spaces " \
	"and ( ) - . are dropped"
#define FLAG_RULE "0 or 1 (also true/false, yes/no)"

static const struct uimp_field_info fields[UIMP_F_COUNT] = {
	[UIMP_F_USERNAME] = { "username", username_aliases,
	    UIMP_FIELD_REQUIRED | UIMP_FIELD_UNIQUE, 50,
	    "1-50 characters: A-Z a-z 0-9 / \\ _ . - @; unique, "
	    "case-insensitively; never changed by an import", "jsmith" },
	[UIMP_F_PASSWORD] = { "password", no_aliases,
	    UIMP_FIELD_REQUIRED, 0,
	    "8-100 characters with a letter and a digit, no white space (the "
	    "store's password policy); or an argon2id PHC string",
	    "Secret2024" },
	[UIMP_F_EMAIL] = { "email", email_aliases,
	    UIMP_FIELD_REQUIRED | UIMP_FIELD_UNIQUE, 100,
	    "local@domain.tld, at most 100 characters; unique, "
	    "case-insensitively", "jsmith@example.com" },
	[UIMP_F_FIRST_NAME] = { "first_name", first_name_aliases,
	    UIMP_FIELD_REQUIRED, 50,
	    "1-50 characters: letters of any script, digits, space, "
	    "' - / \\ .", "John" },
	[UIMP_F_LAST_NAME] = { "last_name", last_name_aliases,
	    UIMP_FIELD_REQUIRED, 50,
	    "1-50 characters: letters of any script, digits, space, "
	    "' - / \\ .", "Smith" },
	[UIMP_F_COMPANY] = { "company", no_aliases, 0, 100,
	    "text, at most 100 characters", "Example Ltd" },
	[UIMP_F_TITLE] = { "title", no_aliases, 0, 100,
	    "text, at most 100 characters", "Accountant" },
	[UIMP_F_DEPARTMENT] = { "department", no_aliases, 0, 100,
	    "text, at most 100 characters", "Finance" },
	[UIMP_F_ABOUT_ME] = { "about_me", about_me_aliases,
	    UIMP_FIELD_MULTILINE, 2000,
	    "text, at most 2000 characters; line breaks allowed",
	    "Joined in 2019." },
	[UIMP_F_WHATSAPP] = { "whatsapp", whatsapp_aliases, 0, 0,
	    PHONE_RULE, "+79161234567" },
	[UIMP_F_WORK_PHONE] = { "work_phone", work_phone_aliases, 0, 0,
	    PHONE_RULE, "+1 (555) 010-0199" },
	[UIMP_F_MOBILE_PHONE] = { "mobile_phone", mobile_phone_aliases,
	    UIMP_FIELD_UNIQUE, 0,
	    PHONE_RULE "; unique among users", "+44 7700 900123" },
	[UIMP_F_FAX] = { "fax", no_aliases, 0, 0,
	    PHONE_RULE, "+1 555 010 0100" },
	[UIMP_F_WEBSITE] = { "website", website_aliases, 0, 255,
	    "an http:// or https:// address, at most 255 characters",
	    "https://example.com/~jsmith" },
	[UIMP_F_ADDRESS] = { "address", no_aliases,
	    UIMP_FIELD_MULTILINE, 255,
	    "text, at most 255 characters; line breaks allowed",
	    "1 Main Street, Springfield" },
	[UIMP_F_IS_MANAGER] = { "is_manager", is_manager_aliases,
	    UIMP_FIELD_INTEGER, 0, FLAG_RULE, "0" },
	[UIMP_F_MANAGER_EMAIL] = { "manager_email", manager_email_aliases,
	    0, 100, "the email of an existing user or of a row in this file; "
	    "not the row's own; managers may not go round in a circle",
	    "mary.boss@example.com" },
	[UIMP_F_STATUS] = { "status", status_aliases, 0, 0,
	    "active or blocked; a column named active takes true/false "
	    "(also 1/0, yes/no)", "active" },
	[UIMP_F_MUST_CHANGE_PASSWORD] = { "must_change_password",
	    must_change_aliases, UIMP_FIELD_INTEGER, 0, FLAG_RULE, "1" },
	[UIMP_F_CONTACT_NO] = { "contact_no", contact_no_aliases,
	    UIMP_FIELD_INTEGER, 0,
	    "a whole number 1-10000; 10000 when empty on create", "100" },
	[UIMP_F_CREATED_AT] = { "created_at", created_at_aliases,
	    UIMP_FIELD_EXPORT_ONLY, 0,
	    "export only: when the user was created (UTC); ignored on import",
	    "2024-01-31T09:30:00Z" },
	[UIMP_F_UPDATED_AT] = { "updated_at", updated_at_aliases,
	    UIMP_FIELD_EXPORT_ONLY, 0,
	    "export only: when the user last changed (UTC); ignored on "
	    "import", "2024-02-29T16:05:00Z" }
};

const struct uimp_field_info *
uimp_field_info(int f)
{
	if (f < 0 || f >= UIMP_F_COUNT)
		UIMP_BUG("no field %d", f);
	return &fields[f];
}

void
uimp_field_header(int f, char *out, size_t outsz)
{
	const struct uimp_field_info *fi = uimp_field_info(f);
	const char *s;
	size_t n = 0;
	int start = 1;

	if (outsz == 0)
		return;
	for (s = fi->name; *s && n + 2 < outsz; s++) {
		if (*s == '_') {
			out[n++] = ' ';
			start = 1;
			continue;
		}
		out[n++] = start && *s >= 'a' && *s <= 'z' ?
		    (char)(*s - 'a' + 'A') : *s;
		start = 0;
	}
	if ((fi->flags & UIMP_FIELD_REQUIRED) && n + 1 < outsz)
		out[n++] = '*';
	out[n] = '\0';
}

const char *const *
uimp_field_values(int f)
{
	static const char *const flag[] = { "0", "1", NULL };
	static const char *const status[] = { "active", "blocked", NULL };

	switch (f) {
	case UIMP_F_IS_MANAGER:
	case UIMP_F_MUST_CHANGE_PASSWORD:
		return flag;
	case UIMP_F_STATUS:
		return status;
	}
	return NULL;
}

/* Headers */

void
uimp_header_normalize(const char *in, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;
	int c;

	if (outsz == 0)
		return;
	for (; *p != '\0'; p++) {
		c = *p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '_' || c == '-' || c == '.')
			continue;
		/* U+00A0, as headers pasted from web pages have it */
		if (c == 0xc2 && p[1] == 0xa0) {
			p++;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (n + 1 < outsz)
			out[n++] = (char)c;
	}
	if (n > 0 && out[n - 1] == '*')
		n--;
	out[n] = '\0';
}

int
uimp_field_lookup(const char *header, int *active)
{
	char h[256], k[256];
	const char *const *a;
	int f;

	if (active != NULL)
		*active = 0;
	uimp_header_normalize(header, h, sizeof(h));
	if (h[0] == '\0' || strlen(h) == sizeof(h) - 1)
		return -1;
	if (strcmp(h, "active") == 0) {
		if (active != NULL)
			*active = 1;
		return UIMP_F_STATUS;
	}
	for (f = 0; f < UIMP_F_COUNT; f++) {
		uimp_header_normalize(fields[f].name, k, sizeof(k));
		if (strcmp(h, k) == 0)
			return f;
		for (a = fields[f].aliases; *a != NULL; a++) {
			uimp_header_normalize(*a, k, sizeof(k));
			if (strcmp(h, k) == 0)
				return f;
		}
	}
	return -1;
}

int
edit_distance(const char *a, const char *b)
{
	unsigned char row[256];
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned diag, up, best;

	if (la > 255)
		la = 255;
	if (lb > 255)
		lb = 255;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned char)j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = (unsigned char)(i < 255 ? i : 255);
		for (j = 1; j <= lb; j++) {
			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1u < best)
				best = row[j - 1] + 1u;
			row[j] = (unsigned char)(best < 255 ? best : 255);
			diag = up;
		}
	}
	return row[lb];
}

/*
 * How far header h is from known name k: the edit distance, halved when
 * h starts with k ("E-Mail Address" is nearer email than address).
 */
static int
nearness(const char *h, const char *k)
{
	size_t n = strlen(k);
	int d = edit_distance(h, k);

	if (n >= 4 && strncmp(h, k, n) == 0)
		d /= 2;
	return d;
}

const char *
uimp_field_nearest(const char *header)
{
	char h[256], k[256];
	const char *const *a;
	int f, d, best = UIMP_F_USERNAME, bestd = 256;

	uimp_header_normalize(header, h, sizeof(h));
	for (f = 0; f < UIMP_F_COUNT; f++) {
		uimp_header_normalize(fields[f].name, k, sizeof(k));
		if ((d = nearness(h, k)) < bestd) {
			bestd = d;
			best = f;
		}
		for (a = fields[f].aliases; *a != NULL; a++) {
			uimp_header_normalize(*a, k, sizeof(k));
			if ((d = nearness(h, k)) < bestd) {
				bestd = d;
				best = f;
			}
		}
	}
	/* a guess far from what was written helps nobody */
	if ((size_t)bestd > (strlen(h) / 2 > 2 ? strlen(h) / 2 : 2))
		return NULL;
	return fields[best].name;
}

/* Characters */

long
uimp_utf8_len(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, k;
	long n = 0;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			n++;
			continue;
		}
		if ((k = utf8_decode(p + i, len - i, &cp)) == 0) {
			if (bad != NULL)
				*bad = i;
			return -1;
		}
		i += k;
		n++;
	}
	return n;
}

/*
 * The character at s[0..n), valid UTF-8, into *cp; its length.  ASCII,
 * nearly every byte of a sheet, without the call.
 */
static size_t
next_char(const char *s, size_t n, unsigned long *cp)
{
	if ((unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	return utf8_decode((const unsigned char *)s, n, cp);
}

static int
is_control(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

static int
is_space(unsigned long cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

/* Invisible format characters (Unicode Cf), as far as they matter. */
static int
is_format(unsigned long cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb);
}

/*
 * Whether cp counts as a letter.  Without Unicode tables we take every
 * character outside ASCII that is not a control, space, format character,
 * punctuation or symbol from the common blocks (Latin-1 signs, general
 * punctuation to miscellaneous symbols, private use, specials, emoji) as a
 * letter of some script: combining marks too, which names need.
 */
static int
is_letter(unsigned long cp)
{
	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
	if (is_control(cp) || is_space(cp) || is_format(cp))
		return 0;
	if ((cp >= 0xa1 && cp <= 0xbf && cp != 0xaa && cp != 0xb5 &&
	    cp != 0xba) || cp == 0xd7 || cp == 0xf7)
		return 0;
	if (cp >= 0x2000 && cp <= 0x2bff)
		return 0;
	if ((cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020))
		return 0;
	if ((cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	    (cp >= 0xfff0 && cp <= 0xffff))
		return 0;
	if ((cp >= 0x1f000 && cp <= 0x1faff) || cp >= 0xf0000)
		return 0;
	return 1;
}

/* Messages */

void
quote(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i = 0, chars = 0;

	while (i < n && chars < QUOTE_MAX) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	snprintf(out, outsz, "'%.*s%s'", (int)i, s, i < n ? "..." : "");
}

/* s quoted into q, for a message: made only when one is. */
static const char *
quoted(char *q, size_t qsz, const char *s, size_t n)
{
	quote(q, qsz, s, n);
	return q;
}

static int
verdict(struct uimp_verdict *v, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
verdict(struct uimp_verdict *v, const char *code, const char *fmt, ...)
{
	va_list ap;

	v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	return 1;
}

/* How to show the character cp in a message: 'c' or U+XXXX. */
static void
show_char(char *out, size_t outsz, const char *s, size_t n, unsigned long cp)
{
	if (cp > 0x20 && cp < 0x7f)
		snprintf(out, outsz, "'%c'", (int)cp);
	else if (cp == ' ')
		snprintf(out, outsz, "a space");
	else if (!is_space(cp) && !is_format(cp) && !is_control(cp) &&
	    cp > 0xa0)
		snprintf(out, outsz, "'%.*s' (U+%04lX)", (int)n, s, cp);
	else
		snprintf(out, outsz, "U+%04lX", cp);
}

/* Passwords */

struct hash_prefix {
	const char	*prefix;
	const char	*name;
};

/*
 * Formats that other systems store; a cell holding one is a hash that
 * cannot be used here, not a password.
 */
static const struct hash_prefix hash_prefixes[] = {
	{ "$argon2i$",		"argon2i" },
	{ "$argon2d$",		"argon2d" },
	{ "$2a$",		"bcrypt" },
	{ "$2b$",		"bcrypt" },
	{ "$2x$",		"bcrypt" },
	{ "$2y$",		"bcrypt" },
	{ "$2$",		"bcrypt" },
	{ "$1$",		"md5-crypt" },
	{ "$3$",		"NT hash" },
	{ "$5$",		"sha256-crypt" },
	{ "$6$",		"sha512-crypt" },
	{ "$7$",		"scrypt" },
	{ "$y$",		"yescrypt" },
	{ "$gy$",		"gost-yescrypt" },
	{ "$md5$",		"sun-md5" },
	{ "$md5,",		"sun-md5" },
	{ "$sha1$",		"sha1-crypt" },
	{ "$pbkdf2",		"pbkdf2" },
	{ "$scrypt$",		"scrypt" },
	{ "$P$",		"phpass" },
	{ "$H$",		"phpass" },
	{ "pbkdf2_sha256$",	"pbkdf2 (Django)" },
	{ "pbkdf2_sha1$",	"pbkdf2 (Django)" },
	{ "argon2$argon2",	"argon2 (Django)" },
	{ "bcrypt_sha256$",	"bcrypt (Django)" },
	{ "bcrypt$$2",		"bcrypt (Django)" },
	{ "scrypt$",		"scrypt (Django)" }
};

/* LDAP userPassword schemes, "{SSHA}..." */
static const char *const ldap_schemes[] = {
	"SHA", "SSHA", "SHA256", "SSHA256", "SHA384", "SSHA384", "SHA512",
	"SSHA512", "MD5", "SMD5", "CRYPT", "PBKDF2", "PBKDF2-SHA1",
	"PBKDF2-SHA256", "PBKDF2-SHA512", "ARGON2", "BCRYPT", "SCRYPT",
	"NTLM", "MD4"
};

static int
has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* 1, -1 or 0 as uimp_is_hash(); *name gets the format's name for -1. */
static int
hash_kind(const char *s, size_t n, const char **name)
{
	size_t i, k;

	*name = NULL;
	if (has_prefix(s, n, "$argon2id$"))
		return 1;
	for (i = 0; i < sizeof(hash_prefixes) / sizeof(hash_prefixes[0]); i++)
		if (has_prefix(s, n, hash_prefixes[i].prefix)) {
			*name = hash_prefixes[i].name;
			return -1;
		}
	if (n > 2 && s[0] == '{') {
		for (i = 0; i < sizeof(ldap_schemes) / sizeof(ldap_schemes[0]);
		    i++) {
			k = strlen(ldap_schemes[i]);
			if (n > k + 2 && s[k + 1] == '}' &&
			    strncasecmp(s + 1, ldap_schemes[i], k) == 0) {
				*name = "LDAP {scheme}";
				return -1;
			}
		}
	}
	return 0;
}

int
uimp_is_hash(const char *s)
{
	const char *name;

	return hash_kind(s, strlen(s), &name);
}

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * The number of bytes the unpadded standard base64 s[0..n) decodes to,
 * or -1 when it is not such base64 (unused bits must be zero, as
 * libargon2 wants them).
 */
static long
b64_len(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++)
		if ((v = b64_value((unsigned char)s[i])) < 0)
			return -1;
	if ((n % 4 == 2 && (v & 0x0f)) || (n % 4 == 3 && (v & 0x03)))
		return -1;
	return (long)(n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0));
}

/* Parse "NAME=DIGITS" at *p up to a ',' or '$'; 0 when good. */
static int
phc_param(const char **p, const char *end, const char *name,
    unsigned long *val)
{
	size_t k = strlen(name), digits = 0;
	const char *s = *p;

	if ((size_t)(end - s) <= k || memcmp(s, name, k) != 0 || s[k] != '=')
		return -1;
	s += k + 1;
	*val = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (++digits > 10)
			return -1;
		*val = *val * 10 + (unsigned long)(*s - '0');
		s++;
	}
	if (digits == 0 || (digits > 1 && (*p)[k + 1] == '0'))
		return -1;
	*p = s;
	return 0;
}

static int
phc_check(const char *s, size_t n, struct uimp_verdict *v)
{
	static const char shape[] = "not an argon2id PHC string: expected "
	    "$argon2id$v=19$m=KiB,t=N,p=N$salt$hash";
	const char *p = s + 10, *end = s + n, *salt, *hash;
	unsigned long ver, m, t, lanes;
	long nsalt, nhash;

	v->code = NULL;
	v->msg[0] = '\0';
	if (!has_prefix(s, n, "$argon2id$"))
		return verdict(v, "hash", "%s", shape);
	if (phc_param(&p, end, "v", &ver) == -1 || p == end || *p++ != '$')
		return verdict(v, "hash", "%s", shape);
	if (ver != 19)
		return verdict(v, "hash", "argon2id hash of version %lu: only "
		    "version 19 (v=19) is taken", ver);
	if (phc_param(&p, end, "m", &m) == -1 || p == end || *p++ != ',' ||
	    phc_param(&p, end, "t", &t) == -1 || p == end || *p++ != ',' ||
	    phc_param(&p, end, "p", &lanes) == -1 || p == end || *p++ != '$')
		return verdict(v, "hash", "%s", shape);
	if (m < 8 || m > 1048576)
		return verdict(v, "hash", "argon2id hash with m=%lu: memory "
		    "must be 8-1048576 KiB (1 GiB)", m);
	if (t < 1 || t > 64)
		return verdict(v, "hash", "argon2id hash with t=%lu: "
		    "iterations must be 1-64", t);
	if (lanes < 1 || lanes > 64)
		return verdict(v, "hash", "argon2id hash with p=%lu: "
		    "parallelism must be 1-64", lanes);
	if (m < 8 * lanes)
		return verdict(v, "hash", "argon2id hash with m=%lu and "
		    "p=%lu: memory must be at least 8 KiB per lane", m, lanes);
	salt = p;
	if ((hash = memchr(salt, '$', (size_t)(end - salt))) == NULL)
		return verdict(v, "hash", "%s", shape);
	if ((nsalt = b64_len(salt, (size_t)(hash - salt))) < 0)
		return verdict(v, "hash", "argon2id hash whose salt is not "
		    "unpadded base64");
	hash++;
	if ((nhash = b64_len(hash, (size_t)(end - hash))) < 0)
		return verdict(v, "hash", "argon2id hash whose hash part is "
		    "not unpadded base64");
	if (nsalt < 8 || nsalt > 64)
		return verdict(v, "hash", "argon2id hash with a salt of %ld "
		    "bytes: 8-64 are taken", nsalt);
	if (nhash < 16 || nhash > 64)
		return verdict(v, "hash", "argon2id hash with a hash of %ld "
		    "bytes: 16-64 are taken", nhash);
	return 0;
}

int
uimp_phc_check(const char *s, struct uimp_verdict *v)
{
	return phc_check(s, strlen(s), v);
}

/* What the policy asks for, for messages. */
static void
policy_text(const struct uimp_policy *pol, char *out, size_t outsz)
{
	const char *need = "";

	if (pol->need_letter && pol->need_digit)
		need = ", a letter and a digit";
	else if (pol->need_letter)
		need = ", a letter";
	else if (pol->need_digit)
		need = ", a digit";
	snprintf(out, outsz, "the password policy asks for %d-%d "
	    "characters%s%s", pol->min_len, pol->max_len, need,
	    pol->allow_space ? "" : ", no white space");
}

void
uimp_field_rule(int f, const struct uimp_policy *pol, char *out, size_t outsz)
{
	struct uimp_policy defaults;
	char ask[160];

	if (f != UIMP_F_PASSWORD) {
		snprintf(out, outsz, "%s", uimp_field_info(f)->rule);
		return;
	}
	if (pol == NULL) {
		uimp_policy_init(&defaults);
		pol = &defaults;
	}
	policy_text(pol, ask, sizeof(ask));
	/* "the password policy asks for 8-100 ..." without its subject */
	snprintf(out, outsz, "%s (the store's password policy); or an "
	    "argon2id PHC string, taken as already hashed",
	    ask + strlen("the password policy asks for "));
}

static int
check_password(const char *in, size_t len, const struct uimp_policy *pol,
    struct uimp_verdict *v)
{
	const unsigned char *p = (const unsigned char *)in;
	char ask[160];
	const char *name;
	unsigned long cp;
	size_t i, k, bad;
	long n;
	int letter = 0, digit = 0, space = 0, kind;

	kind = hash_kind(in, len, &name);
	if (kind == -1)
		return verdict(v, "hash_format", "a password hash in another "
		    "format (%s): only argon2id PHC strings are taken", name);
	if (kind == 1)
		return phc_check(in, len, v);
	if ((n = uimp_utf8_len(in, len, &bad)) < 0)
		return verdict(v, "utf8", "the password is not valid UTF-8 "
		    "(at byte offset %zu)", bad);
	for (i = 0; i < len; i += k) {
		k = utf8_decode(p + i, len - i, &cp);
		if (is_space(cp))
			space = 1;
		else if (is_control(cp))
			return verdict(v, "control", "the password holds a "
			    "control character (U+%04lX)", cp);
		else if (cp >= '0' && cp <= '9')
			digit = 1;
		else if (is_letter(cp))
			letter = 1;
	}
	policy_text(pol, ask, sizeof(ask));
	if (n < pol->min_len)
		return verdict(v, "policy", "password shorter than %d "
		    "characters: %s", pol->min_len, ask);
	if (n > pol->max_len)
		return verdict(v, "policy", "password longer than %d "
		    "characters: %s", pol->max_len, ask);
	if (pol->need_letter && !letter)
		return verdict(v, "policy", "password without a letter: %s",
		    ask);
	if (pol->need_digit && !digit)
		return verdict(v, "policy", "password without a digit: %s",
		    ask);
	if (!pol->allow_space && space)
		return verdict(v, "policy", "password with white space: %s",
		    ask);
	return 0;
}

void
uimp_policy_init(struct uimp_policy *p)
{
	p->min_len = 8;
	p->max_len = 100;
	p->need_letter = 1;
	p->need_digit = 1;
	p->allow_space = 0;
}

/* Field formats: s[0..n) is trimmed, valid UTF-8 without controls. */

static int
check_username(const char *s, size_t n, struct uimp_verdict *v)
{
	static const char ok[] = "/\\_.-@";
	unsigned long cp;
	size_t i, k;
	char q[200], c[40];

	for (i = 0; i < n; i += k) {
		k = next_char(s + i, n - i, &cp);
		if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= '0' && cp <= '9') ||
		    (cp < 0x80 && cp != 0 && strchr(ok, (int)cp) != NULL))
			continue;
		quote(q, sizeof(q), s, n);
		show_char(c, sizeof(c), s + i, k, cp);
		return verdict(v, "format", "%s holds %s: a username takes "
		    "A-Z a-z 0-9 / \\ _ . - @ only", q, c);
	}
	return 0;
}

static int
check_name(const char *s, size_t n, struct uimp_verdict *v)
{
	static const char ok[] = " '-/\\.";
	unsigned long cp;
	size_t i, k;
	char q[200], c[40];

	for (i = 0; i < n; i += k) {
		k = next_char(s + i, n - i, &cp);
		if (is_letter(cp) || (cp >= '0' && cp <= '9') ||
		    (cp < 0x80 && cp != 0 && strchr(ok, (int)cp) != NULL) ||
		    cp == 0x2019 || cp == 0x200c || cp == 0x200d)
			continue;
		quote(q, sizeof(q), s, n);
		show_char(c, sizeof(c), s + i, k, cp);
		return verdict(v, "format", "%s holds %s: a name takes "
		    "letters, digits, space and ' - / \\ . only", q, c);
	}
	return 0;
}

static int
is_alnum(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

static int
check_email(const char *s, size_t n, struct uimp_verdict *v)
{
	const char *at, *d, *end = s + n, *label, *tld = NULL;
	char q[200];
	size_t i;
	int c;

	if ((at = memchr(s, '@', n)) == NULL ||
	    memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
		return verdict(v, "format", "%s is not an email address: "
		    "expected local@domain.tld with one @",
		    quoted(q, sizeof(q), s, n));
	if (at == s)
		return verdict(v, "format", "%s is not an email address: "
		    "nothing before the @", quoted(q, sizeof(q), s, n));
	if (at + 1 == end)
		return verdict(v, "format", "%s is not an email address: "
		    "nothing after the @", quoted(q, sizeof(q), s, n));
	for (i = 0; s + i < at; i++) {
		c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>()[],;:\"", c) != NULL)
			return verdict(v, "format", "%s is not an email "
			    "address: the part before the @ takes printable "
			    "ASCII without spaces or < > ( ) [ ] , ; : \"",
			    quoted(q, sizeof(q), s, n));
	}
	for (d = label = at + 1; d <= end; d++) {
		if (d < end && *d != '.') {
			if (!is_alnum((unsigned char)*d) && *d != '-')
				return verdict(v, "format", "%s is not an "
				    "email address: the domain takes letters, "
				    "digits, hyphens and dots",
				    quoted(q, sizeof(q), s, n));
			continue;
		}
		if (d == label || *label == '-' || d[-1] == '-' ||
		    d - label > 63)
			return verdict(v, "format", "%s is not an email "
			    "address: expected local@domain.tld, each part "
			    "of the domain 1-63 letters, digits or inner "
			    "hyphens", quoted(q, sizeof(q), s, n));
		if (d < end)
			tld = label = d + 1;
	}
	if (tld == NULL)
		return verdict(v, "format", "%s is not an email address: "
		    "expected local@domain.tld, with a dot in the domain",
		    quoted(q, sizeof(q), s, n));
	for (d = tld; d < end; d++)
		if (!((*d >= 'A' && *d <= 'Z') || (*d >= 'a' && *d <= 'z')))
			break;
	if (d < end || end - tld < 2)
		return verdict(v, "format", "%s is not an email address: the "
		    "domain must end in a dot and 2 or more letters",
		    quoted(q, sizeof(q), s, n));
	return 0;
}

/* Drop spaces ( ) - . and check: + and 5-15 digits; out gets the rest. */
static int
check_phone(const char *s, size_t n, char *out, struct uimp_verdict *v)
{
	char q[200];
	size_t i, k = 0, digits = 0;
	int c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == ' ' || c == '(' || c == ')' || c == '-' || c == '.')
			continue;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
			i++;
			continue;
		}
		if (c == '+' && k == 0) {
			out[k++] = '+';
			continue;
		}
		if (c < '0' || c > '9') {
			out[0] = '\0';	/* not the digits kept so far */
			return verdict(v, "format", "%s is not a phone "
			    "number: expected an optional + and 5-15 digits "
			    "(spaces and ( ) - . are dropped)",
			    quoted(q, sizeof(q), s, n));
		}
		out[k++] = (char)c;
		digits++;
	}
	out[k] = '\0';
	if (digits < 5 || digits > 15)
		return verdict(v, "format", "%s is not a phone number: %zu "
		    "digits, expected 5-15",
		    quoted(q, sizeof(q), s, n), digits);
	return 0;
}

static int
check_website(const char *s, size_t n, struct uimp_verdict *v)
{
	const char *p, *end = s + n, *host, *hend, *at;
	char q[200];
	size_t i;

	if (n >= 7 && strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
		p = s + 8;
	else
		return verdict(v, "format", "%s is not a web address: expected "
		    "http://host/... or https://host/...",
		    quoted(q, sizeof(q), s, n));
	for (i = 0; i < n; i++)
		if (is_space((unsigned char)s[i]) ||
		    ((unsigned char)s[i] == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] == 0xa0))
			return verdict(v, "format", "%s is not a web address: "
			    "it holds a space (write it as %%20)",
			    quoted(q, sizeof(q), s, n));
	for (hend = p; hend < end && *hend != '/' && *hend != '?' &&
	    *hend != '#'; hend++)
		;
	host = p;
	if ((at = memchr(host, '@', (size_t)(hend - host))) != NULL)
		host = at + 1;
	if (host < hend && *host == '[') {
		/* an IPv6 literal */
		for (p = host + 1; p < hend && *p != ']'; p++)
			if (!is_alnum((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				break;
		if (p == hend || *p != ']' || p == host + 1)
			goto bad;
		p++;
	} else {
		for (p = host; p < hend && *p != ':'; p++)
			if (!is_alnum((unsigned char)*p) && *p != '-' &&
			    *p != '.' && (unsigned char)*p < 0x80)
				goto bad;
		if (p == host || *host == '.' || *host == '-')
			goto bad;
	}
	if (p < hend) {
		/* a port */
		if (*p++ != ':' || p == hend)
			goto bad;
		for (; p < hend; p++)
			if (*p < '0' || *p > '9')
				goto bad;
	}
	return 0;
bad:
	return verdict(v, "format", "%s is not a web address: expected "
	    "http:// or https:// and a host name", quoted(q, sizeof(q), s, n));
}

/* true/false, yes/no, 1/0: 1, 0, or -1 for anything else. */
static int
parse_flag(const char *s, size_t n)
{
	static const char *const yes[] = { "1", "true", "yes" };
	static const char *const no[] = { "0", "false", "no" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
			return 1;
		if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
			return 0;
	}
	return -1;
}

static int
check_contact_no(const char *s, size_t n, char *out, struct uimp_verdict *v)
{
	char q[200];
	size_t i, start = 0;
	unsigned long val = 0;

	if (n > 1 && s[0] == '-')
		start = 1;
	for (i = start; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return verdict(v, "format", "%s is not a whole number: "
			    "expected digits, 1-10000",
			    quoted(q, sizeof(q), s, n));
	for (i = start; i < n && s[i] == '0'; i++)
		;
	if (start == 1 || i == n || n - i > 5)
		return verdict(v, "range", "%s is out of range: expected a "
		    "whole number 1-10000", quoted(q, sizeof(q), s, n));
	for (; i < n; i++)
		val = val * 10 + (unsigned long)(s[i] - '0');
	if (val > 10000)
		return verdict(v, "range", "%s is out of range: expected a "
		    "whole number 1-10000", quoted(q, sizeof(q), s, n));
	snprintf(out, 6, "%lu", val);
	return 0;
}

/* Cells */

/* The length of a trailing or leading U+00A0 at s[0..n), or 0. */
static int
nbsp_at(const char *s, size_t n)
{
	return n >= 2 && (unsigned char)s[0] == 0xc2 &&
	    (unsigned char)s[1] == 0xa0;
}

static void
trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;

	for (;;) {
		if (len > 0 && p[0] != '\0' && strchr(" \t\r\n", p[0]) != NULL)
			p++, len--;
		else if (nbsp_at(p, len))
			p += 2, len -= 2;
		else
			break;
	}
	for (;;) {
		if (len > 0 && p[len - 1] != '\0' &&
		    strchr(" \t\r\n", p[len - 1]) != NULL)
			len--;
		else if (len >= 2 && nbsp_at(p + len - 2, 2))
			len -= 2;
		else
			break;
	}
	*s = p;
	*n = len;
}

static const char *
control_name(unsigned long cp)
{
	switch (cp) {
	case '\n':
	case '\r':
		return "a line break";
	case '\t':
		return "a tab";
	}
	return NULL;
}

int
uimp_field_check(int f, int active, const char *in, size_t len,
    const struct uimp_policy *pol, char *out, size_t outsz,
    struct uimp_verdict *v)
{
	const struct uimp_field_info *fi = uimp_field_info(f);
	struct uimp_policy defaults;
	const char *s = in, *what;
	char q[200];
	unsigned long cp;
	size_t n = len, i, k, bad;
	long chars, at;
	int flag;

	v->code = NULL;
	v->msg[0] = '\0';
	if (outsz < len + 1 || (f == UIMP_F_STATUS && outsz < 8))
		UIMP_BUG("uimp_field_check: %zu bytes for a %zu-byte value",
		    outsz, len);
	out[0] = '\0';
	if (f == UIMP_F_PASSWORD) {
		if (len == 0)
			return 0;
		if (pol == NULL) {
			uimp_policy_init(&defaults);
			pol = &defaults;
		}
		if (check_password(in, len, pol, v))
			return 1;
		memcpy(out, in, len);
		out[len] = '\0';
		return 0;
	}
	if (f == UIMP_F_CREATED_AT || f == UIMP_F_UPDATED_AT) {
		trim(&s, &n);
		memcpy(out, s, n);
		out[n] = '\0';
		return 0;
	}
	if (uimp_utf8_len(in, len, &bad) < 0)
		return verdict(v, "utf8", "not valid UTF-8 (at byte offset "
		    "%zu); save the file as UTF-8", bad);
	trim(&s, &n);
	if (n == 0)
		return 0;
	for (i = 0, at = 1; i < n; i += k, at++) {
		k = next_char(s + i, n - i, &cp);
		if (!is_control(cp))
			continue;
		if ((what = control_name(cp)) != NULL) {
			if (fi->flags & UIMP_FIELD_MULTILINE)
				continue;
			return verdict(v, "control", "%s at character %ld: "
			    "only about_me and address take line breaks and "
			    "tabs", what, at);
		}
		return verdict(v, "control", "a control character (U+%04lX) at "
		    "character %ld", cp, at);
	}
	chars = at - 1;		/* the loop counted them */
	if (fi->maxlen > 0 && (size_t)chars > fi->maxlen)
		return verdict(v, "too_long", "longer than %zu characters "
		    "(%ld)", fi->maxlen, chars);
	switch (f) {
	case UIMP_F_USERNAME:
		if (check_username(s, n, v))
			return 1;
		break;
	case UIMP_F_EMAIL:
	case UIMP_F_MANAGER_EMAIL:
		if (check_email(s, n, v))
			return 1;
		break;
	case UIMP_F_FIRST_NAME:
	case UIMP_F_LAST_NAME:
		if (check_name(s, n, v))
			return 1;
		break;
	case UIMP_F_WHATSAPP:
	case UIMP_F_WORK_PHONE:
	case UIMP_F_MOBILE_PHONE:
	case UIMP_F_FAX:
		return check_phone(s, n, out, v);
	case UIMP_F_WEBSITE:
		if (check_website(s, n, v))
			return 1;
		break;
	case UIMP_F_IS_MANAGER:
	case UIMP_F_MUST_CHANGE_PASSWORD:
		if ((flag = parse_flag(s, n)) == -1) {
			quote(q, sizeof(q), s, n);
			return verdict(v, "format", "%s is not a flag: "
			    "expected 0 or 1 (also true/false, yes/no)", q);
		}
		strcpy(out, flag ? "1" : "0");
		return 0;
	case UIMP_F_STATUS:
		if (active) {
			if ((flag = parse_flag(s, n)) == -1) {
				quote(q, sizeof(q), s, n);
				return verdict(v, "format", "%s is not a "
				    "flag: the column active takes true/false "
				    "(also 1/0, yes/no)", q);
			}
			strcpy(out, flag ? "active" : "blocked");
			return 0;
		}
		if (n == 6 && strncasecmp(s, "active", 6) == 0) {
			strcpy(out, "active");
			return 0;
		}
		if (n == 7 && strncasecmp(s, "blocked", 7) == 0) {
			strcpy(out, "blocked");
			return 0;
		}
		quote(q, sizeof(q), s, n);
		return verdict(v, "format", "%s is not a status: expected "
		    "active or blocked", q);
	case UIMP_F_CONTACT_NO:
		return check_contact_no(s, n, out, v);
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}
