/*
 * sha256.c: SHA-256 (FIPS 180-4), for the input file's digest in the job
 * record.  On an x86-64 CPU with the SHA extensions the blocks go through
 * those instructions (about eight times as fast); elsewhere, portable C.
 */
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_SHANI
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "internal.h"

int	sha256_portable;

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
block(struct sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 7] + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#ifdef HAVE_SHANI
/* Whether the CPU has the SHA extensions and SSSE3 and SSE4.1 beside. */
static int
has_shani(void)
{
	static int known = -1;	/* threads may ask at once: atomic */
	unsigned a, b, cx, d;
	int has = __atomic_load_n(&known, __ATOMIC_RELAXED);

	if (has < 0) {
		has = __get_cpuid(1, &a, &b, &cx, &d) &&
		    (cx & bit_SSSE3) && (cx & bit_SSE4_1) &&
		    __get_cpuid_count(7, 0, &a, &b, &cx, &d) &&
		    (b & bit_SHA);
		__atomic_store_n(&known, has, __ATOMIC_RELAXED);
	}
	return has;
}

/*
 * n blocks at p with the SHA extensions.  The state lives in two
 * registers as the instructions want it, ABEF and CDGH; each turn of the
 * loop does four rounds, and the message schedule keeps the last four
 * groups of four words in m[], oldest at m[i & 3].
 */
__attribute__((target("sha,ssse3,sse4.1")))
static void
blocks_shani(struct sha256 *c, const unsigned char *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);	/* big-endian words */
	__m128i abef, cdgh, abef0, cdgh0, t, k, m[4];
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&c->h[0]),
	    0xb1);					/* CDAB */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&c->h[4]),
	    0x1b);					/* EFGH */
	abef = _mm_alignr_epi8(t, cdgh, 8);		/* ABEF */
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);		/* CDGH */
	for (; n > 0; n--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				m[i] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(p + 16 * i)), swap);
			else
				m[i & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(
				    _mm_sha256msg1_epu32(m[i & 3],
				    m[(i + 1) & 3]), _mm_alignr_epi8(
				    m[(i + 3) & 3], m[(i + 2) & 3], 4)),
				    m[(i + 3) & 3]);
			k = _mm_add_epi32(m[i & 3],
			    _mm_loadu_si128((const __m128i *)&K[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
			    _mm_shuffle_epi32(k, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);		/* FEBA */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);		/* DCHG */
	_mm_storeu_si128((__m128i *)&c->h[0],
	    _mm_blend_epi16(t, cdgh, 0xf0));		/* DCBA */
	_mm_storeu_si128((__m128i *)&c->h[4],
	    _mm_alignr_epi8(cdgh, t, 8));		/* HGFE */
}
#endif

/* n whole blocks at p. */
static void
blocks(struct sha256 *c, const unsigned char *p, size_t n)
{
#ifdef HAVE_SHANI
	if (!sha256_portable && has_shani()) {
		blocks_shani(c, p, n);
		return;
	}
#endif
	for (; n > 0; n--, p += 64)
		block(c, p);
}

void
sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(c->h, iv, sizeof(iv));
	c->nbytes = 0;
	c->nblk = 0;
}

void
sha256_update(struct sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t k;

	c->nbytes += n;
	while (n > 0) {
		if (c->nblk == 0 && n >= 64) {
			k = n / 64;
			blocks(c, p, k);
			p += 64 * k;
			n -= 64 * k;
			continue;
		}
		k = 64 - c->nblk < n ? 64 - c->nblk : n;
		memcpy(c->blk + c->nblk, p, k);
		c->nblk += k;
		p += k;
		n -= k;
		if (c->nblk == 64) {
			blocks(c, c->blk, 1);
			c->nblk = 0;
		}
	}
}

void
sha256_final(struct sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->nbytes * 8;
	unsigned char pad[72];
	size_t npad = (c->nblk < 56 ? 56 : 120) - c->nblk;
	int i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[npad + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, pad, npad + 8);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void
sha256_hex(const unsigned char d[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
