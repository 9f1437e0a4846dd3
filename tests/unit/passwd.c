/*
 * passwd.c: tests of lib/passwd.c: the default and weak costs, argon2id
 * hashes checked by libargon2 itself, hashing on threads with every
 * password wiped, also when a hash fails.  Hashes use t=1, m=64 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "internal.h"
#include "tap.h"

#define NJOBS	50

static const struct uimp_cost low = { 1, 64, 1 };

static void
test_cost(void)
{
	static const struct {
		uint32_t	t, m;
		int		weak;
	} table[] = {
		{ 1, 47104, 0 }, { 1, 47103, 1 },
		{ 2, 19456, 0 }, { 2, 19455, 1 },
		{ 3, 12288, 0 }, { 3, 12287, 1 },
		{ 4, 9216, 0 }, { 4, 9215, 1 },
		{ 5, 7168, 0 }, { 5, 7167, 1 },
		{ 6, 7168, 0 }, { 64, 7167, 1 },
		{ 1, 1048576, 0 }, { 64, 8, 1 },
	};
	struct uimp_cost c;
	size_t i;

	memset(&c, 0xff, sizeof(c));
	uimp_cost_init(&c);
	ok(c.t_cost == 2 && c.m_cost == 19456 && c.lanes == 1,
	    "uimp_cost_init: t=2, m=19456, p=1");
	ok(!uimp_cost_weak(&c), "the default cost is not weak");
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		c.t_cost = table[i].t;
		c.m_cost = table[i].m;
		c.lanes = 1;
		ok(uimp_cost_weak(&c) == table[i].weak, "t=%u m=%u is %s",
		    (unsigned)table[i].t, (unsigned)table[i].m,
		    table[i].weak ? "weak" : "not weak");
	}
	ok(uimp_cost_weak(&low), "the test cost t=1 m=64 is weak");
}

static void
test_hash(void)
{
	static const char prefix[] = "$argon2id$v=19$m=64,t=1,p=1$";
	struct uimp_verdict v;
	struct uimp_err e;
	size_t len = uimp_hash_len(&low);
	char *h1, *h2, small[16], head[sizeof(prefix)];
	int rc;

	h1 = calloc(1, len);
	h2 = calloc(1, len);
	if (h1 == NULL || h2 == NULL) {
		ok(0, "calloc");
		return;
	}
	ok(len > sizeof(prefix) && len < 200, "uimp_hash_len: %zu", len);
	rc = uimp_hash(&low, "Secret123", 9, h1, len, &e);
	ok(rc == UIMP_OK, "uimp_hash at t=1 m=64 p=1: %d %s", rc,
	    rc ? e.msg : "");
	snprintf(head, sizeof(head), "%s", h1);
	is(head, prefix,
	    "a PHC string for the cost: %s", h1);
	ok(strlen(h1) < len, "shorter than uimp_hash_len() (%zu < %zu)",
	    strlen(h1), len);
	ok(argon2id_verify(h1, "Secret123", 9) == ARGON2_OK,
	    "argon2id_verify accepts the password");
	ok(argon2id_verify(h1, "Secret124", 9) == ARGON2_VERIFY_MISMATCH,
	    "argon2id_verify refuses another password");
	ok(argon2id_verify(h1, "Secret12", 8) == ARGON2_VERIFY_MISMATCH,
	    "argon2id_verify refuses a prefix of the password");

	rc = uimp_hash(&low, "Secret123", 9, h2, len, &e);
	ok(rc == UIMP_OK && strcmp(h1, h2) != 0,
	    "two hashes of one password differ (random salt)");
	ok(strncmp(h1, h2, sizeof(prefix) - 1) == 0 &&
	    strncmp(h1 + sizeof(prefix) - 1, h2 + sizeof(prefix) - 1, 22) != 0,
	    "the salts differ");
	ok(argon2id_verify(h2, "Secret123", 9) == ARGON2_OK,
	    "the second hash verifies too");

	memset(&v, 0, sizeof(v));
	ok(uimp_phc_check(h1, &v) == 0, "uimp_phc_check accepts the hash%s%s",
	    v.code ? ": " : "", v.code ? v.msg : "");
	ok(uimp_is_hash(h1) == 1, "uimp_is_hash: 1 for the hash");
	ok(uimp_is_hash("Secret123") == 0, "uimp_is_hash: 0 for a password");

	/* a password with a NUL inside: len counts, not strlen */
	rc = uimp_hash(&low, "ab\0cd", 5, h1, len, &e);
	ok(rc == UIMP_OK && argon2id_verify(h1, "ab\0cd", 5) == ARGON2_OK &&
	    argon2id_verify(h1, "ab", 2) == ARGON2_VERIFY_MISMATCH,
	    "uimp_hash hashes len bytes, NULs included");

	memset(&e, 0, sizeof(e));
	rc = uimp_hash(&low, "Secret123", 9, small, sizeof(small), &e);
	ok(rc == UIMP_EHASH && e.status == UIMP_EHASH && e.msg[0] != '\0',
	    "uimp_hash into too small a buffer: UIMP_EHASH (%s)", e.msg);
	free(h1);
	free(h2);
}

/* Whether n bytes at p are all zero. */
static int
all_zero(const char *p, size_t n)
{
	while (n > 0)
		if (p[--n] != '\0')
			return 0;
	return 1;
}

struct jobs {
	struct uimp_hash_job	j[NJOBS];
	char			pw[NJOBS][32];
	char			want[NJOBS][32];	/* a copy to verify */
	char			*out[NJOBS];
};

/* Fill NJOBS jobs with distinct passwords of distinct lengths. */
static int
jobs_make(struct jobs *s)
{
	size_t len = uimp_hash_len(&low), i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < NJOBS; i++) {
		snprintf(s->pw[i], sizeof(s->pw[i]), "pw%zu-%.*s", i,
		    (int)(i % 13), "xxxxxxxxxxxxx");
		memcpy(s->want[i], s->pw[i], sizeof(s->pw[i]));
		if ((s->out[i] = calloc(1, len)) == NULL)
			return -1;
		s->j[i].pw = s->pw[i];
		s->j[i].len = strlen(s->pw[i]);
		s->j[i].out = s->out[i];
		s->j[i].outsz = len;
	}
	return 0;
}

static void
jobs_free(struct jobs *s)
{
	size_t i;

	for (i = 0; i < NJOBS; i++)
		free(s->out[i]);
}

static void
test_many(void)
{
	static const int threads[] = { 1, 2, 4 };
	static struct jobs s;
	struct uimp_cost fail = { 1, 1, 1 };
	struct uimp_err e;
	size_t i, t;
	int rc, verified, wiped;

	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		if (jobs_make(&s) == -1) {
			ok(0, "calloc");
			return;
		}
		rc = uimp_hash_many(&low, s.j, NJOBS, threads[t], &e);
		ok(rc == UIMP_OK, "uimp_hash_many: %d jobs on %d threads: %d",
		    NJOBS, threads[t], rc);
		verified = wiped = 0;
		for (i = 0; i < NJOBS; i++) {
			if (argon2id_verify(s.out[i], s.want[i],
			    strlen(s.want[i])) == ARGON2_OK &&
			    (i == 0 || argon2id_verify(s.out[i], s.want[i - 1],
			    strlen(s.want[i - 1])) == ARGON2_VERIFY_MISMATCH))
				verified++;
			if (all_zero(s.pw[i], sizeof(s.pw[i])))
				wiped++;
		}
		ok(verified == NJOBS, "%d threads: every hash verifies against "
		    "its own password only (%d of %d)", threads[t], verified,
		    NJOBS);
		ok(wiped == NJOBS, "%d threads: every password wiped (%d of %d)",
		    threads[t], wiped, NJOBS);
		jobs_free(&s);
	}

	/* libargon2 refuses m=1: the first job fails, every one is wiped */
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		if (jobs_make(&s) == -1) {
			ok(0, "calloc");
			return;
		}
		memset(&e, 0, sizeof(e));
		rc = uimp_hash_many(&fail, s.j, NJOBS, threads[t], &e);
		ok(rc == UIMP_EHASH && e.status == UIMP_EHASH &&
		    e.msg[0] != '\0', "m_cost=1 on %d threads: UIMP_EHASH (%s)",
		    threads[t], e.msg);
		wiped = 0;
		for (i = 0; i < NJOBS; i++)
			if (all_zero(s.pw[i], sizeof(s.pw[i])))
				wiped++;
		ok(wiped == NJOBS, "m_cost=1 on %d threads: every password "
		    "wiped (%d of %d)", threads[t], wiped, NJOBS);
		jobs_free(&s);
	}

	/* 0 threads: all CPUs; and no jobs at all */
	if (jobs_make(&s) == -1) {
		ok(0, "calloc");
		return;
	}
	rc = uimp_hash_many(&low, s.j, 3, 0, &e);
	ok(rc == UIMP_OK && argon2id_verify(s.out[2], s.want[2],
	    strlen(s.want[2])) == ARGON2_OK && all_zero(s.pw[0], sizeof(s.pw[0])) &&
	    all_zero(s.pw[1], sizeof(s.pw[1])) &&
	    all_zero(s.pw[2], sizeof(s.pw[2])),
	    "uimp_hash_many on 0 threads (all CPUs)");
	ok(s.out[3][0] == '\0' && !all_zero(s.pw[3], sizeof(s.pw[3])),
	    "uimp_hash_many leaves jobs past n alone");
	ok(uimp_hash_many(&low, s.j, 0, 4, &e) == UIMP_OK, "uimp_hash_many "
	    "with no jobs");
	jobs_free(&s);
}

/*
 * One lane hashes with libsodium, more with libargon2: both must give
 * strings libargon2 verifies, with the lanes in them.
 */
static void
test_lanes(void)
{
	struct uimp_cost c = { 1, 64, 2 };
	struct uimp_err e;
	char out[256], head[40];
	int rc;

	rc = uimp_hash(&c, "Lanes2024", 9, out, sizeof(out), &e);
	ok(rc == UIMP_OK, "two lanes hash: %d %s", rc, rc ? e.msg : "");
	memcpy(head, out, 28);
	head[28] = '\0';
	ok(strncmp(out, "$argon2id$v=19$m=64,t=1,p=2$", 28) == 0,
	    "the string says p=2: %s", head);
	ok(argon2id_verify(out, "Lanes2024", 9) == ARGON2_OK,
	    "and verifies");
	c.lanes = 1;
	rc = uimp_hash(&c, "Lanes2024", 9, out, sizeof(out), &e);
	ok(rc == UIMP_OK && strncmp(out, "$argon2id$v=19$m=64,t=1,p=1$", 28)
	    == 0 && argon2id_verify(out, "Lanes2024", 9) == ARGON2_OK,
	    "one lane (libsodium) verifies with libargon2 too");
	rc = uimp_hash(&c, "Lanes2024", 9, out, 100, &e);
	ok(rc == UIMP_OK && argon2id_verify(out, "Lanes2024", 9) == ARGON2_OK,
	    "a buffer too small for libsodium's falls back to libargon2");
}

int
main(void)
{
	test_cost();
	test_hash();
	test_many();
	test_lanes();
	return done_testing();
}
