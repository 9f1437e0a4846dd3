/*
 * sha256.c: tests of lib/sha256.c: the FIPS 180-4 / NIST vectors, and
 * updates split at every size giving the digest of one update, each with
 * the CPU's SHA instructions (where it has them) and with portable C; and
 * both giving the same digests of every length up to 4 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* The hex digest of s[0..n) in one update. */
static const char *
digest(const void *s, size_t n)
{
	static char hex[65];
	unsigned char d[32];
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, s, n);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return hex;
}

/* The hex digest of s[0..n) fed in pieces of piece bytes (the last less). */
static const char *
digest_split(const void *s, size_t n, size_t piece)
{
	static char hex[65];
	const unsigned char *p = s;
	unsigned char d[32];
	struct sha256 c;
	size_t k;

	sha256_init(&c);
	while (n > 0) {
		k = n < piece ? n : piece;
		sha256_update(&c, p, k);
		p += k;
		n -= k;
	}
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return hex;
}

static void
test_vectors(void)
{
	static const char abc448[] =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	/* one million 'a' in chunks of 1, 3, 7, ... bytes, none a power of 2 */
	static const size_t chunk[] = { 1, 3, 7, 13, 63, 65, 127, 1000, 4099 };
	unsigned char d[32];
	char hex[65];
	struct sha256 c;
	char *a;
	size_t i, done, k, m;

	is(digest("", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "sha256(\"\")");
	is(digest("abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256(\"abc\")");
	is(digest(abc448, strlen(abc448)),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	    "sha256 of the 448-bit message");

	if ((a = malloc(1000000)) == NULL) {
		ok(0, "malloc");
		return;
	}
	memset(a, 'a', 1000000);
	is(digest(a, 1000000),
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    "sha256 of one million 'a' in one update");
	sha256_init(&c);
	for (done = 0, i = 0; done < 1000000; done += k, i++) {
		m = chunk[i % (sizeof(chunk) / sizeof(chunk[0]))];
		k = 1000000 - done < m ? 1000000 - done : m;
		sha256_update(&c, a + done, k);
	}
	sha256_final(&c, d);
	sha256_hex(d, hex);
	is(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    "sha256 of one million 'a' in odd-sized chunks");
	free(a);
}

/* Lengths around the padding edges (55, 56, 63, 64, 119, 120 ...). */
static void
test_split(void)
{
	static const size_t lens[] = { 55, 56, 63, 64, 65, 119, 120, 128, 300 };
	unsigned char msg[300];
	char whole[65];
	size_t i, l, piece;
	int bad;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 1);
	for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		snprintf(whole, sizeof(whole), "%s", digest(msg, lens[l]));
		bad = 0;
		for (piece = 1; piece <= 130; piece++)
			if (strcmp(digest_split(msg, lens[l], piece), whole)) {
				bad = 1;
				printf("# %zu bytes in %zu-byte pieces differ\n",
				    lens[l], piece);
				break;
			}
		ok(!bad, "%zu bytes in pieces of 1..130 bytes: one digest",
		    lens[l]);
	}
	/* a known digest across the padding edge: 64 'a' */
	memset(msg, 'a', 64);
	is(digest_split(msg, 64, 5),
	    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
	    "64 'a' in 5-byte pieces");
	/* the split digest still moves with the content */
	msg[63] = 'b';
	ok(strcmp(digest_split(msg, 64, 5),
	    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
	    != 0, "a changed last byte changes the digest");
}

static void
test_hex(void)
{
	unsigned char d[32];
	char hex[65];
	int i;

	for (i = 0; i < 32; i++)
		d[i] = (unsigned char)(i * 8 + 7);
	memset(hex, 'X', sizeof(hex));
	sha256_hex(d, hex);
	is(hex, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff",
	    "sha256_hex writes lowercase hex and a NUL");
}

/* Both block functions: the same digest of every length 0..4096. */
static void
test_same(void)
{
	static unsigned char msg[4096];
	char fast[65];
	size_t i, n;
	int bad = 0;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 131 + (i >> 8) * 17 + 5);
	for (n = 0; n <= sizeof(msg) && !bad; n++) {
		sha256_portable = 0;
		snprintf(fast, sizeof(fast), "%s", digest(msg, n));
		sha256_portable = 1;
		if (strcmp(digest(msg, n), fast) != 0) {
			printf("# %zu bytes: %s against the portable %s\n", n,
			    fast, digest(msg, n));
			bad = 1;
		}
	}
	sha256_portable = 0;
	ok(!bad, "the CPU's instructions and portable C agree on every "
	    "length up to 4096 bytes");
}

int
main(void)
{
	int portable;

	for (portable = 0; portable <= 1; portable++) {
		printf("# %s\n", portable ? "portable C" : "the CPU's SHA "
		    "instructions, where it has them");
		sha256_portable = portable;
		test_vectors();
		test_split();
	}
	sha256_portable = 0;
	test_same();
	test_hex();
	return done_testing();
}
