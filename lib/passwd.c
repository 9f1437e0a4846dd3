/*
 * passwd.c: argon2id password hashing on a pool of threads, with the
 * plaintext wiped whatever happens: libsodium's vectorized argon2id for
 * one lane (the default), libargon2 for more lanes, which libsodium does
 * not offer.  Both write the same PHC string.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <argon2.h>
#include <sodium.h>

#include "internal.h"

#define SALT_LEN	16
#define HASH_LEN	32

void
uimp_cost_init(struct uimp_cost *c)
{
	c->t_cost = 2;
	c->m_cost = 19456;
	c->lanes = 1;
}

int
uimp_cost_weak(const struct uimp_cost *c)
{
	/* OWASP's equivalent settings, one lane each: m (KiB) for t */
	static const struct { uint32_t t, m; } owasp[] = {
		{ 1, 47104 }, { 2, 19456 }, { 3, 12288 }, { 4, 9216 },
		{ 5, 7168 }
	};
	size_t i;

	for (i = 0; i < sizeof(owasp) / sizeof(owasp[0]); i++)
		if (c->t_cost >= owasp[i].t && c->m_cost >= owasp[i].m)
			return 0;
	return 1;
}

size_t
uimp_hash_len(const struct uimp_cost *c)
{
	size_t n = argon2_encodedlen(c->t_cost, c->m_cost, c->lanes, SALT_LEN,
	    HASH_LEN, Argon2_id);

	/* libsodium asks for room for its longest string */
	return n > crypto_pwhash_argon2id_STRBYTES ? n :
	    crypto_pwhash_argon2id_STRBYTES;
}

static int
salt(unsigned char *s, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = getrandom(s, n, 0);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

int
uimp_hash(const struct uimp_cost *c, const char *pw, size_t len, char *out,
    size_t outsz, struct uimp_err *e)
{
	unsigned char s[SALT_LEN];
	int rc;

	if (c->lanes == 1 && outsz >= crypto_pwhash_argon2id_STRBYTES) {
		/* its salt is 16 bytes from getrandom, its hash 32 bytes */
		if (sodium_init() < 0)
			return uimp_err_set(e, UIMP_EHASH, 0, NULL, "argon2id: "
			    "libsodium cannot start");
		if (crypto_pwhash_argon2id_str(out, pw, len, c->t_cost,
		    (size_t)c->m_cost * 1024) != 0)
			return uimp_err_set(e, UIMP_EHASH, errno, NULL,
			    "argon2id: libsodium refused the cost (t=%u, "
			    "m=%u KiB) or ran out of memory", c->t_cost,
			    c->m_cost);
		return UIMP_OK;
	}
	if (salt(s, sizeof(s)) == -1)
		return uimp_err_set(e, UIMP_EIO, errno, NULL,
		    "cannot get random bytes for a salt");
	rc = argon2id_hash_encoded(c->t_cost, c->m_cost, c->lanes, pw, len,
	    s, sizeof(s), HASH_LEN, out, outsz);
	explicit_bzero(s, sizeof(s));
	if (rc != ARGON2_OK)
		return uimp_err_set(e, UIMP_EHASH, 0, NULL, "argon2id: %s",
		    argon2_error_message(rc));
	return UIMP_OK;
}

struct pool {
	const struct uimp_cost	*cost;
	struct uimp_hash_job	*jobs;
	size_t			 n, next;
	pthread_mutex_t		 mu;
	int			 status;
	struct uimp_err		 err;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct uimp_hash_job *j;
	struct uimp_err e;
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		j = &p->jobs[i];
		rc = uimp_hash(p->cost, j->pw, j->len, j->out, j->outsz, &e);
		explicit_bzero(j->pw, j->len);
		if (rc != UIMP_OK) {
			pthread_mutex_lock(&p->mu);
			if (p->status == UIMP_OK) {
				p->status = rc;
				p->err = e;
			}
			p->next = p->n;
			pthread_mutex_unlock(&p->mu);
		}
	}
}

int
uimp_hash_many(const struct uimp_cost *c, struct uimp_hash_job *jobs,
    size_t n, int nthreads, struct uimp_err *e)
{
	pthread_t tid[64];
	struct pool p;
	size_t i;
	int k, started = 0;

	memset(&p, 0, sizeof(p));
	/* once, before the threads: sodium_init() picks its code paths */
	if (sodium_init() < 0) {
		for (i = 0; i < n; i++)
			explicit_bzero(jobs[i].pw, jobs[i].len);
		return uimp_err_set(e, UIMP_EHASH, 0, NULL, "argon2id: "
		    "libsodium cannot start");
	}
	p.cost = c;
	p.jobs = jobs;
	p.n = n;
	if (nthreads <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = cpus > 0 ? (int)cpus : 1;
	}
	if (nthreads > 64)
		nthreads = 64;
	if ((size_t)nthreads > n)
		nthreads = (int)n;
	pthread_mutex_init(&p.mu, NULL);
	for (k = 1; k < nthreads; k++) {
		if (pthread_create(&tid[started], NULL, worker, &p) != 0)
			break;
		started++;
	}
	worker(&p);
	for (k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	pthread_mutex_destroy(&p.mu);
	/* whatever failed, no plaintext stays behind */
	for (i = 0; i < n; i++)
		explicit_bzero(jobs[i].pw, jobs[i].len);
	if (p.status != UIMP_OK && e)
		*e = p.err;
	return p.status;
}

/* A uniformly random index below n (n <= 256), from a pool of bytes. */
static int
random_below(unsigned n, unsigned char *pool, size_t *left, size_t poolsz)
{
	/* bytes at or past the largest multiple of n are thrown away */
	unsigned limit = 256 - 256 % n, b;

	for (;;) {
		if (*left == 0) {
			if (salt(pool, poolsz) == -1)
				return -1;
			*left = poolsz;
		}
		b = pool[--*left];
		pool[*left] = 0;
		if (b < limit)
			return (int)(b % n);
	}
}

int
uimp_password_generate(const struct uimp_policy *pol, char *out,
    size_t outsz, struct uimp_err *e)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char pool[64];
	size_t n = UIMP_GEN_LEN, left = 0, i;
	int k, letter, digit;

	if (pol->min_len > (int)n)
		n = (size_t)pol->min_len;
	if (pol->max_len < (int)n)
		n = (size_t)pol->max_len;
	if (n < 16)
		return uimp_err_set(e, UIMP_EINVAL, 0, NULL, "the password "
		    "policy allows at most %d characters; a generated "
		    "password has at least 16 (userimp config "
		    "password.max_length)", pol->max_len);
	if (outsz <= n)
		UIMP_BUG("no room for a generated password");
	do {
		letter = digit = 0;
		for (i = 0; i < n; i++) {
			if ((k = random_below(sizeof(alnum) - 1, pool, &left,
			    sizeof(pool))) < 0) {
				explicit_bzero(pool, sizeof(pool));
				explicit_bzero(out, n);
				return uimp_err_set(e, UIMP_EINTERNAL, errno,
				    NULL, "cannot get random bytes for a "
				    "password");
			}
			out[i] = alnum[k];
			letter |= k < 52;
			digit |= k >= 52;
		}
	} while (!letter || !digit);	/* 20 characters: about 1 in 2000 */
	out[n] = '\0';
	explicit_bzero(pool, sizeof(pool));
	return UIMP_OK;
}
