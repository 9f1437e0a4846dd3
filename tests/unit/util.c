/*
 * util.c: tests of lib/util.c and lib/status.c: the growable buffer, JSON
 * quoting (escapes, UTF-8 kept, bad bytes replaced), the UTC time, status
 * texts and uimp_err_set().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* The length of the strict UTF-8 sequence at p (n bytes left), 0 if bad. */
static size_t
utf8_ok(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t k, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		k = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		k = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		k = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) ||
	    (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* Whether s[0..n) is exactly one JSON string literal (RFC 8259 §7). */
static int
json_string_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k;

	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return 0;
	for (i = 1; i < n - 1; i += k) {
		if (p[i] == '"' || p[i] < 0x20)
			return 0;
		if (p[i] == '\\') {
			if (i + 1 >= n - 1)
				return 0;
			if (strchr("\"\\/bfnrt", p[i + 1]) != NULL &&
			    p[i + 1] != '\0') {
				k = 2;
				continue;
			}
			if (p[i + 1] != 'u' || i + 6 > n - 1)
				return 0;
			for (k = 2; k < 6; k++)
				if (strchr("0123456789abcdefABCDEF",
				    p[i + k]) == NULL || p[i + k] == '\0')
					return 0;
			continue;
		}
		if ((k = utf8_ok(p + i, n - 1 - i)) == 0)
			return 0;
	}
	return 1;
}

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	size_t i, cap;
	char *keep;
	int bad;

	ok(buf_grow(&b, 10) == UIMP_OK && b.s != NULL && b.cap >= 11 &&
	    b.len == 0, "buf_grow on an empty buffer makes room");
	ok(buf_add(&b, "abc", 3) == UIMP_OK && b.len == 3, "buf_add");
	is(b.s, "abc", "buf_add leaves the bytes NUL-terminated");
	ok(buf_addc(&b, 'd') == UIMP_OK && b.len == 4, "buf_addc");
	ok(buf_adds(&b, "efg") == UIMP_OK && b.len == 7, "buf_adds");
	is(b.s, "abcdefg", "add, addc, adds append in order");
	ok(buf_add(&b, "", 0) == UIMP_OK && b.len == 7 && b.s[7] == '\0',
	    "buf_add of nothing changes nothing");
	ok(buf_add(&b, "x\0y", 3) == UIMP_OK && b.len == 10 &&
	    memcmp(b.s + 7, "x\0y", 4) == 0, "buf_add keeps NUL bytes");

	/* grow across many reallocations; the content stays */
	bad = 0;
	for (i = 0; i < 10000; i++)
		if (buf_addc(&b, 'a' + (int)(i % 26)) != UIMP_OK)
			bad = 1;
	for (i = 0; i < 10000 && !bad; i++)
		if (b.s[10 + i] != 'a' + (int)(i % 26))
			bad = 1;
	ok(!bad && b.len == 10010 && b.cap > b.len && b.s[b.len] == '\0',
	    "10000 buf_addc: content and NUL kept over reallocations");
	ok(buf_grow(&b, SIZE_MAX) == UIMP_ENOMEM, "buf_grow(SIZE_MAX) is "
	    "UIMP_ENOMEM, not an overflow");
	ok(buf_grow(&b, SIZE_MAX - b.len) == UIMP_ENOMEM,
	    "buf_grow(SIZE_MAX - len) is UIMP_ENOMEM");
	ok(b.len == 10010, "a failed grow leaves the buffer as it was");

	cap = b.cap;
	keep = b.s;
	buf_reset(&b);
	ok(b.len == 0 && b.s == keep && b.cap == cap, "buf_reset keeps the "
	    "memory");
	is(b.s, "", "buf_reset leaves \"\"");
	ok(buf_adds(&b, "again") == UIMP_OK, "buf_adds after buf_reset");
	is(b.s, "again", "the buffer is usable after buf_reset");

	buf_release(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0, "buf_release empties "
	    "the buffer");
	buf_release(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0, "buf_release twice");
	buf_reset(&b);
	ok(b.s == NULL && b.len == 0, "buf_reset on an unused buffer");
	ok(buf_adds(&b, "new") == UIMP_OK, "the buffer is usable after "
	    "buf_release");
	is(b.s, "new", "content after buf_release and buf_adds");

	buf_adds(&b, "secret");
	buf_wipe(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0, "buf_wipe releases");
	buf_wipe(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0, "buf_wipe on an unused "
	    "buffer");
}

/* The JSON for s[0..n), via uimp_json_quote(); compared and validated. */
static void
json_is(const char *s, size_t n, const char *want, const char *desc)
{
	char *got = uimp_json_quote(s, n);

	is(got, want, "json %s", desc);
	ok(got != NULL && json_string_ok(got, strlen(got)),
	    "json %s: valid JSON", desc);
	free(got);
}

static void
test_json(void)
{
	/* each invalid sequence in a context of valid bytes */
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*desc;
	} bad[] = {
		{ "a\x80z", 3, "lone continuation byte" },
		{ "a\xbf\xbfz", 4, "two continuation bytes" },
		{ "a\xe2\x82", 3, "truncated 3-byte sequence at the end" },
		{ "a\xf0\x9f\x98", 4, "truncated 4-byte sequence at the end" },
		{ "a\xc3", 2, "truncated 2-byte sequence at the end" },
		{ "a\xe2\x82z", 4, "truncated sequence before ASCII" },
		{ "a\xc0\x80z", 4, "overlong NUL C0 80" },
		{ "a\xc1\xbfz", 4, "overlong C1 BF" },
		{ "a\xe0\x80\xafz", 5, "overlong 3-byte E0 80 AF" },
		{ "a\xf0\x82\x82\xacz", 6, "overlong 4-byte F0 82 82 AC" },
		{ "a\xed\xa0\x80z", 5, "surrogate ED A0 80" },
		{ "a\xed\xbf\xbfz", 5, "surrogate ED BF BF" },
		{ "a\xf4\x90\x80\x80z", 6, "above U+10FFFF F4 90 80 80" },
		{ "a\xf5\x80\x80\x80z", 6, "lead byte F5" },
		{ "a\xfe\xffz", 4, "bytes FE FF" },
	};
	struct buf b = BUF_INIT;
	char *got;
	size_t i;

	json_is("", 0, "\"\"", "empty");
	json_is("plain text", 10, "\"plain text\"", "plain");
	json_is("say \"hi\"", 8, "\"say \\\"hi\\\"\"", "quotes");
	json_is("a\\b", 3, "\"a\\\\b\"", "backslash");
	json_is("/", 1, "\"/\"", "slash kept");
	json_is("\n\r\t", 3, "\"\\n\\r\\t\"", "newline, return, tab");
	json_is("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"",
	    "control characters");
	json_is("a\0b", 3, "\"a\\u0000b\"", "NUL byte inside");
	json_is("\b\f", 2, "\"\\u0008\\u000c\"", "backspace, form feed");
	json_is("abc", 2, "\"ab\"", "only n bytes");
	json_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	    19, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
	    "\xf4\x8f\xbf\xbf\"", "valid 2, 3, 4-byte UTF-8 kept");
	json_is("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80", 14,
	    "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\"",
	    "UTF-8 at the edges of each length kept");
	json_is("\xee\x80\x80\xed\x9f\xbf", 6, "\"\xee\x80\x80\xed\x9f\xbf\"",
	    "U+E000 and U+D7FF beside the surrogates kept");

	/* exact where every policy agrees: one U+FFFD per byte */
	json_is("a\x80z", 3, "\"a\\ufffdz\"", "lone continuation byte");
	json_is("a\xc0\x80z", 4, "\"a\\ufffd\\ufffdz\"", "overlong C0 80");
	json_is("a\xed\xa0\x80z", 5, "\"a\\ufffd\\ufffd\\ufffdz\"",
	    "surrogate ED A0 80");
	json_is("a\xf4\x90\x80\x80z", 6,
	    "\"a\\ufffd\\ufffd\\ufffd\\ufffdz\"", "F4 90 80 80");
	/* the others: valid JSON, replaced, the valid bytes around kept */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		got = uimp_json_quote(bad[i].in, bad[i].len);
		ok(got != NULL && json_string_ok(got, strlen(got)) &&
		    strncmp(got, "\"a\\ufffd", 8) == 0 &&
		    strstr(got, "\xef\xbf\xbd") == NULL,
		    "json %s: \\ufffd, valid JSON", bad[i].desc);
		if (got != NULL && bad[i].in[bad[i].len - 1] == 'z')
			ok(strcmp(got + strlen(got) - 2, "z\"") == 0,
			    "json %s: the byte after it kept", bad[i].desc);
		free(got);
	}
	json_is("a\xe2\x82\xac\x80", 5, "\"a\xe2\x82\xac\\ufffd\"",
	    "a stray byte after a good sequence");

	/* buf_add_json appends */
	buf_adds(&b, "x=");
	ok(buf_add_json(&b, "q\"", 2) == UIMP_OK, "buf_add_json");
	is(b.s, "x=\"q\\\"\"", "buf_add_json appends to what is there");
	buf_release(&b);
}

static void
test_decode(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		size_t		 len;
		unsigned long	 cp;
	} t[] = {
		{ "A", 1, 1, 0x41 },
		{ "\x7f", 1, 1, 0x7f },
		{ "\xc2\x80", 2, 2, 0x80 },
		{ "\xc3\xa9x", 3, 2, 0xe9 },
		{ "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "\xe2\x82\xac", 3, 3, 0x20ac },
		{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "", 0, 0, 0 },
		{ "\x80", 1, 0, 0 },
		{ "\xbf", 1, 0, 0 },
		{ "\xc0\x80", 2, 0, 0 },
		{ "\xc1\xbf", 2, 0, 0 },
		{ "\xc3", 1, 0, 0 },
		{ "\xc3x", 2, 0, 0 },
		{ "\xe2\x82\xac", 2, 0, 0 },
		{ "\xe0\x9f\xbf", 3, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },
		{ "\xed\xbf\xbf", 3, 0, 0 },
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },
		{ "\xf4\x90\x80\x80", 4, 0, 0 },
		{ "\xf5\x80\x80\x80", 4, 0, 0 },
		{ "\xff", 1, 0, 0 },
	};
	unsigned long cp;
	size_t i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cp = 0xdeadUL;
		k = utf8_decode((const unsigned char *)t[i].in, t[i].n, &cp);
		if (t[i].len)
			ok(k == t[i].len && cp == t[i].cp, "utf8_decode case "
			    "%zu: length %zu, U+%04lX", i, t[i].len, t[i].cp);
		else
			ok(k == 0, "utf8_decode case %zu: not UTF-8", i);
	}
}

static void
test_time(void)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	char t[21];
	size_t i;
	int good;

	memset(t, 'X', sizeof(t));
	utc_now(t);
	good = strlen(t) == 20;
	for (i = 0; good && i < 20; i++)
		if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != pat[i])
			good = 0;
	ok(good, "utc_now gives YYYY-MM-DDTHH:MM:SSZ: %.20s", t);
	ok(strncmp(t, "2024", 4) >= 0 && strncmp(t + 5, "13", 2) < 0 &&
	    strncmp(t + 8, "32", 2) < 0 && strncmp(t + 11, "24", 2) < 0,
	    "utc_now: a plausible date and time");
}

static void
test_status(void)
{
	struct uimp_err e;
	int s, good = 1;
	const char *t;

	for (s = UIMP_OK; s <= UIMP_EINTERNAL; s++) {
		t = uimp_strstatus(s);
		if (t == NULL || *t == '\0' ||
		    strcmp(t, uimp_strstatus(-1)) == 0) {
			printf("# status %d: '%s'\n", s, t ? t : "(null)");
			good = 0;
		}
	}
	ok(good, "uimp_strstatus: every status has its own text");
	ok(strcmp(uimp_strstatus(UIMP_EDB), uimp_strstatus(UIMP_EBUSY)) != 0,
	    "UIMP_EDB and UIMP_EBUSY read differently");
	t = uimp_strstatus(1000);
	ok(t != NULL && *t != '\0', "uimp_strstatus of an unknown status");

	ok(uimp_err_set(NULL, UIMP_EDB, 5, "x", "m %d", 1) == UIMP_EDB,
	    "uimp_err_set(NULL, ...) returns the status");
	memset(&e, 'X', sizeof(e));
	ok(uimp_err_set(&e, UIMP_EINVAL, 2, "users.xlsx:3", "bad %s", "cell")
	    == UIMP_EINVAL && e.status == UIMP_EINVAL && e.sys_errno == 2,
	    "uimp_err_set fills status and errno");
	is(e.where, "users.xlsx:3", "uimp_err_set: where");
	is(e.msg, "bad cell", "uimp_err_set: msg formatted");
	uimp_err_set(&e, UIMP_EIO, 0, NULL, "%s", "no where");
	is(e.where, "", "uimp_err_set: NULL where is \"\"");
}

int
main(void)
{
	test_buf();
	test_json();
	test_decode();
	test_time();
	test_status();
	return done_testing();
}
