/*
 * rules.c: libFuzzer target for the field rules: byte 0 picks the field,
 * byte 1 the "active" column, the rest is the cell.
 */
#define _GNU_SOURCE	/* memmem() */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userimp.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/*
 * Whether s[0..n) is made only of bytes that the fixed words of password
 * messages use: such a password may show up in them by chance ("word" in
 * "password shorter than 8 characters"), which is no leak.
 */
static int
plain(const char *s, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && strchr(" $=,.()-:+{}/", c) == NULL)
			return 0;
	}
	return 1;
}

static int
is_utf8(const char *s)
{
	return uimp_utf8_len(s, strlen(s), NULL) >= 0;
}

static void
check_cell(int f, int active, const char *in, size_t len)
{
	struct uimp_policy pol;
	struct uimp_verdict v;
	size_t outsz = len + 8;
	char *out;
	int rc;

	if ((out = malloc(outsz)) == NULL)
		return;
	/* no NUL to be found by chance */
	memset(out, 'Z', outsz);
	memset(&v, 'Z', sizeof(v));
	uimp_policy_init(&pol);
	rc = uimp_field_check(f, active, in, len, &pol, out, outsz, &v);
	CHECK(memchr(out, '\0', outsz) != NULL);
	CHECK(memchr(v.msg, '\0', sizeof(v.msg)) != NULL);
	CHECK(rc == 0 || rc == 1);
	if (rc == 0) {
		CHECK(v.code == NULL);
		/* len + 1 bytes are enough, 8 for status */
		CHECK(strlen(out) <= (len > 7 ? len : 7));
		if (f == UIMP_F_PASSWORD)	/* neither trimmed nor changed */
			CHECK(len == 0 || (memcmp(out, in, len) == 0 &&
			    out[len] == '\0'));
		else if (f != UIMP_F_CREATED_AT && f != UIMP_F_UPDATED_AT)
			CHECK(is_utf8(out));
	} else {
		CHECK(v.code != NULL && v.code[0] != '\0');
		CHECK(v.msg[0] != '\0');
		CHECK(is_utf8(v.msg));
	}
	/* never quotes a password into the message */
	if (f == UIMP_F_PASSWORD && rc == 1) {
		CHECK(strchr(v.msg, '\'') == NULL);
		if (len >= 4 && !plain(in, len))
			CHECK(memmem(v.msg, strlen(v.msg), in, len) == NULL);
	}
	free(out);
}

/* The header functions, on the cell as a C string. */
static void
check_header(const char *s, size_t small)
{
	char norm[300], *big;
	size_t n = strlen(s);
	const char *near;
	int f, active;

	memset(norm, 'Z', sizeof(norm));
	uimp_header_normalize(s, norm, small);
	CHECK(small == 0 || memchr(norm, '\0', small) != NULL);
	CHECK(norm[small] == 'Z');
	if ((big = malloc(n + 1)) != NULL) {
		uimp_header_normalize(s, big, n + 1);
		CHECK(strlen(big) <= n);
		free(big);
	}
	f = uimp_field_lookup(s, &active);
	CHECK(f >= -1 && f < UIMP_F_COUNT);
	CHECK(!active || f == UIMP_F_STATUS);
	if ((near = uimp_field_nearest(s)) != NULL)
		CHECK(uimp_field_lookup(near, NULL) >= 0);
	f = uimp_is_hash(s);
	CHECK(f >= -1 && f <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *s, *q;
	size_t len, bad;
	long chars;
	int f, active;

	if (size < 2)
		return 0;
	f = data[0] % UIMP_F_COUNT;
	active = data[1] & 1;
	len = size - 2;
	/* the cell without a NUL after it: reads past it are caught */
	if ((in = malloc(len ? len : 1)) == NULL ||
	    (s = malloc(len + 1)) == NULL) {
		free(in);
		return 0;
	}
	memcpy(in, data + 2, len);
	memcpy(s, data + 2, len);
	s[len] = '\0';

	check_cell(f, active, in, len);
	check_header(s, data[1] >> 1);

	bad = (size_t)-1;
	chars = uimp_utf8_len(in, len, &bad);
	CHECK(chars >= -1 && (chars == -1 || (size_t)chars <= len));
	CHECK(chars != -1 || bad < len);
	if ((q = uimp_json_quote(in, len)) != NULL) {
		CHECK(q[0] == '"' && strlen(q) >= 2 && q[strlen(q) - 1] == '"');
		CHECK(is_utf8(q));
		free(q);
	}
	free(s);
	free(in);
	return 0;
}
