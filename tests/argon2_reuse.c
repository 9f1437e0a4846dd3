/*
 * argon2_reuse.c: what libargon2's allocator callbacks are worth (make
 * bench).  Hashes COUNT passwords at T_COST and M_COST_KIB, one lane, with
 * libargon2: by default as userimp would call it (its own malloc and free
 * of the memory each hash); with "reuse", through callbacks that keep one
 * block for every hash.  Prints the milliseconds a hash.
 *   argon2_reuse [reuse] T_COST M_COST_KIB COUNT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <argon2.h>

static uint8_t	*kept;
static size_t	 keptsz;

static int
keep_alloc(uint8_t **memory, size_t n)
{
	if (n > keptsz) {
		free(kept);
		if ((kept = malloc(n)) == NULL)
			return ARGON2_MEMORY_ALLOCATION_ERROR;
		keptsz = n;
	}
	*memory = kept;
	return ARGON2_OK;
}

static void
keep_free(uint8_t *memory, size_t n)
{
	(void)memory;
	(void)n;
}

/* COUNT hashes, reusing the memory or not: milliseconds a hash, or -1 */
static double
run(uint32_t t, uint32_t m, int count, int reuse)
{
	uint8_t out[32], salt[16];
	char pw[32];
	struct timespec a, b;
	argon2_context c;
	int i;

	memset(salt, 7, sizeof(salt));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < count; i++) {
		snprintf(pw, sizeof(pw), "Bench2026x%d", i);
		memset(&c, 0, sizeof(c));
		c.out = out;
		c.outlen = sizeof(out);
		c.pwd = (uint8_t *)pw;
		c.pwdlen = (uint32_t)strlen(pw);
		c.salt = salt;
		c.saltlen = sizeof(salt);
		c.t_cost = t;
		c.m_cost = m;
		c.lanes = c.threads = 1;
		c.version = ARGON2_VERSION_13;
		c.flags = ARGON2_DEFAULT_FLAGS;
		if (reuse) {
			c.allocate_cbk = keep_alloc;
			c.free_cbk = keep_free;
		}
		if (argon2id_ctx(&c) != ARGON2_OK)
			return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6) / count;
}

int
main(int argc, char **argv)
{
	double ms;
	int count, reuse = argc > 1 && strcmp(argv[1], "reuse") == 0;

	argv += reuse;
	if (argc - reuse != 4 || (count = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: argon2_reuse [reuse] T_COST M_COST_KIB "
		    "COUNT\n");
		return 2;
	}
	ms = run((uint32_t)atoi(argv[1]), (uint32_t)atoi(argv[2]), count,
	    reuse);
	free(kept);
	if (ms < 0) {
		fprintf(stderr, "argon2_reuse: libargon2 refused the cost\n");
		return 1;
	}
	printf("libargon2%s ms_per_hash=%.2f\n", reuse ? "-reuse" : "", ms);
	return 0;
}
