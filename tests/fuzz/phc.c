/*
 * phc.c: libFuzzer target for the argon2id PHC string check: what it
 * takes, libargon2 must be able to verify.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "userimp.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/*
 * Verify only hashes cheaper than this, in KiB times passes, and with
 * at most this many threads started (lanes times passes): a 1 GiB, 64
 * pass hash is valid but would take the fuzzer's whole time.
 */
#define VERIFY_KIB_PASSES	8192UL
#define VERIFY_THREADS		256UL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uimp_verdict v, fv;
	unsigned long m, t, p;
	char *s, *out;
	size_t len;
	int rc, kind;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	memset(&v, 'Z', sizeof(v));
	rc = uimp_phc_check(s, &v);
	kind = uimp_is_hash(s);
	CHECK(kind >= -1 && kind <= 1);
	CHECK(memchr(v.msg, '\0', sizeof(v.msg)) != NULL);
	CHECK(rc == 0 || rc == 1);
	if (rc == 1) {
		CHECK(v.code != NULL && strcmp(v.code, "hash") == 0);
		CHECK(v.msg[0] != '\0');
		goto out;
	}
	CHECK(v.code == NULL);
	CHECK(strncmp(s, "$argon2id$v=19$", 15) == 0);
	CHECK(kind == 1);

	/* the password rule takes it as it is */
	if ((out = malloc(len + 1)) != NULL) {
		CHECK(uimp_field_check(UIMP_F_PASSWORD, 0, s, len, NULL, out,
		    len + 1, &fv) == 0);
		CHECK(strcmp(out, s) == 0);
		free(out);
	}

	CHECK(sscanf(s, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$", &m, &t, &p) ==
	    3);
	if (m * t <= VERIFY_KIB_PASSES && t * p <= VERIFY_THREADS) {
		rc = argon2id_verify(s, "x", 1);
		CHECK(rc == ARGON2_VERIFY_MISMATCH || rc == ARGON2_OK);
	}
out:
	free(s);
	return 0;
}
