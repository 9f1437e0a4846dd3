/*
 * keyset.c: tests of lib/keyset.c: the set of strings, and the values a
 * file must not repeat, found in memory and past a budget alike (a
 * differential test over random files and budgets, and against a brute
 * force), with the fates, the order of the repeats and the probes.
 */
#include <sys/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

#define KINDS	3

static uint64_t seed = 0x2545f4914f6cdd1dULL;

static uint64_t
rnd(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
test_keyset(void)
{
	struct keyset k;
	unsigned long first;
	char s[32];
	size_t before;
	int i, good = 1;

	memset(&k, 0, sizeof(k));
	ok(keyset_add(&k, "ann", 2, &first) == UIMP_OK && first == 0,
	    "a new key");
	ok(keyset_add(&k, "ann", 7, &first) == UIMP_OK && first == 2,
	    "the same key again gives its first row");
	ok(keyset_has(&k, "ann") == 2 && keyset_has(&k, "bob") == 0,
	    "keyset_has");
	before = keyset_bytes(&k);
	for (i = 0; i < 5000; i++) {
		snprintf(s, sizeof(s), "k%d", i);
		if (keyset_add(&k, s, (unsigned long)i + 10, &first) ||
		    first != 0)
			good = 0;
	}
	for (i = 0; i < 5000 && good; i++) {
		snprintf(s, sizeof(s), "k%d", i);
		good = keyset_has(&k, s) == (unsigned long)i + 10;
	}
	ok(good, "5,000 keys through the table's growth, each with its row");
	ok(keyset_bytes(&k) > before, "keyset_bytes grows with them");
	ok(keyset_add(&k, "big", (unsigned long)UINT32_MAX + 1, &first) ==
	    UIMP_ENOMEM, "a row past 32 bits is refused");
	keyset_release(&k);
	ok(k.n == 0 && k.cap == 0 && keyset_has(&k, "ann") == 0,
	    "released: empty");
}

/* A repeat: row repeats kind's value of first. */
struct rep {
	unsigned long	row, first;
	int		kind, fate;
};

struct file {
	char		(*v)[KINDS][16];	/* "" : no value */
	unsigned long	 nrows;
};

static void
make_file(struct file *f, unsigned long nrows, unsigned spread)
{
	unsigned long r;
	int k;

	f->nrows = nrows;
	f->v = calloc(nrows + 1, sizeof(*f->v));
	for (r = 1; r <= nrows; r++)
		for (k = 0; k < KINDS; k++)
			if (rnd() % 8 != 0)
				snprintf(f->v[r][k], sizeof(f->v[r][k]),
				    "v%u", (unsigned)(rnd() % spread));
}

/* A row's fate, as the test gives it: from its number. */
static int
fate_of(unsigned long row)
{
	return (int)(row * 7 % 251);
}

static int
rep_cmp(const void *a, const void *b)
{
	const struct rep *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->kind - y->kind;
}

/*
 * Run the file through a uniq of budget: every repeat, found at once or by
 * uniq_finish(), sorted.  *late_sorted: uniq_finish() gave them in order.
 */
static size_t peak;	/* the most uniq_bytes() of the last run() */

static struct rep *
run(const struct file *f, size_t budget, size_t *n, int *late_sorted,
    int *fates_ok, struct uniq **keep)
{
	struct uniq *u;
	struct uniq_late *late;
	struct uimp_err e;
	struct rep *reps;
	unsigned long r, first;
	size_t nlate, i, cap = 1024;
	int k;

	*n = 0;
	peak = 0;
	reps = malloc(cap * sizeof(*reps));
	if (uniq_open(&u, budget, &e) != UIMP_OK)
		return NULL;
	for (r = 1; r <= f->nrows; r++) {
		for (k = 0; k < KINDS; k++) {
			if (f->v[r][k][0] == '\0')
				continue;
			if (uniq_add(u, k, f->v[r][k], r, &first, &e))
				return NULL;
			if (uniq_bytes(u) > peak)
				peak = uniq_bytes(u);
			if (first == 0)
				continue;
			if (*n == cap)
				reps = realloc(reps, (cap *= 2) *
				    sizeof(*reps));
			reps[(*n)++] = (struct rep){ r, first, k, -1 };
		}
		if (uniq_row_end(u, fate_of(r), &e) != UIMP_OK)
			return NULL;
	}
	if (uniq_finish(u, &late, &nlate, &e) != UIMP_OK)
		return NULL;
	*late_sorted = 1;
	*fates_ok = 1;
	for (i = 0; i < nlate; i++) {
		if (i > 0 && rep_cmp(&(struct rep){ late[i - 1].row, 0,
		    late[i - 1].kind, 0 }, &(struct rep){ late[i].row, 0,
		    late[i].kind, 0 }) > 0)
			*late_sorted = 0;
		if (late[i].fate != fate_of(late[i].row))
			*fates_ok = 0;
		if (*n == cap)
			reps = realloc(reps, (cap *= 2) * sizeof(*reps));
		reps[(*n)++] = (struct rep){ late[i].row, late[i].first,
		    late[i].kind, -1 };
	}
	free(late);
	qsort(reps, *n, sizeof(*reps), rep_cmp);
	if (keep)
		*keep = u;
	else
		uniq_close(u);
	return reps;
}

/* The repeats by brute force: for each value, the first row before. */
static int
brute_ok(const struct file *f, const struct rep *reps, size_t n)
{
	unsigned long r, s;
	size_t i = 0;
	int k;

	for (r = 1; r <= f->nrows; r++)
		for (k = 0; k < KINDS; k++) {
			if (f->v[r][k][0] == '\0')
				continue;
			for (s = 1; s < r; s++)
				if (strcmp(f->v[s][k], f->v[r][k]) == 0)
					break;
			if (s == r)
				continue;
			if (i >= n || reps[i].row != r || reps[i].kind != k ||
			    reps[i].first != s)
				return 0;
			i++;
		}
	return i == n;
}

static int
same(const struct rep *a, size_t na, const struct rep *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].row != b[i].row || a[i].kind != b[i].kind ||
		    a[i].first != b[i].first)
			return 0;
	return 1;
}

static void
test_small(size_t nb)
{
	static const size_t budgets[] = { 0, SIZE_MAX, 9000, 20000 };
	struct file f;
	struct rep *reps;
	size_t n, i;
	int sorted, fates;

	make_file(&f, 600, 400);
	for (i = 0; i < nb && i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		reps = run(&f, budgets[i], &n, &sorted, &fates, NULL);
		ok(reps && brute_ok(&f, reps, n) && sorted && fates,
		    "600 rows, budget %zd: the repeats a brute force finds "
		    "(%zu), late ones in order with their fates",
		    budgets[i] == SIZE_MAX ? (ssize_t)-1 : (ssize_t)budgets[i],
		    n);
		free(reps);
	}
	free(f.v);
}

/* nb: how many of the budgets to try */
static void
test_large(size_t nb)
{
	static const size_t budgets[] = { 0, 4096, 65536, 1 << 20 };
	struct file f;
	struct rep *ref, *reps;
	size_t nref, n, i;
	int sorted, fates;

	make_file(&f, 60000, 90000);
	ref = run(&f, SIZE_MAX, &nref, &sorted, &fates, NULL);
	ok(ref && nref > 1000, "60,000 rows in memory: %zu repeats", nref);
	for (i = 0; i < nb && i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		reps = run(&f, budgets[i], &n, &sorted, &fates, NULL);
		ok(reps && same(ref, nref, reps, n) && sorted && fates,
		    "budget %zu: the same repeats, late ones in order with "
		    "their fates", budgets[i]);
		ok(peak <= budgets[i], "within the budget (%zu)", peak);
		free(reps);
	}
	free(ref);
	free(f.v);
}

/* One value on every row: its file splits into one part, read whole. */
static void
test_skew(void)
{
	struct file f;
	struct rep *reps;
	unsigned long r;
	size_t n;
	int sorted, fates;

	make_file(&f, 2000, 5000);
	for (r = 1; r <= f.nrows; r++)
		snprintf(f.v[r][0], sizeof(f.v[r][0]), "same");
	reps = run(&f, 0, &n, &sorted, &fates, NULL);
	ok(reps && brute_ok(&f, reps, n) && sorted && fates && n >= 1999,
	    "one value on 2,000 rows: every repeat found (%zu)", n);
	free(reps);
	free(f.v);
}

struct missed {
	long long	ids[64];
	size_t		n;
};

static int
missed(long long id, void *arg)
{
	struct missed *m = arg;

	if (m->n == 64)
		return 1;
	m->ids[m->n++] = id;
	return 0;
}

static void
test_probes(size_t nb)
{
	static const size_t budgets[] = { 0, SIZE_MAX, 16384 };
	struct file f;
	struct uniq *u;
	struct uimp_err e;
	struct missed m;
	struct rep *reps;
	char v[16];
	size_t n, i, j;
	long long id, want[64];
	int sorted, fates, found, good, nwant;

	make_file(&f, 3000, 1000000);
	snprintf(f.v[3000][0], sizeof(f.v[3000][0]), "kind0only");
	for (i = 0; i < nb && i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		reps = run(&f, budgets[i], &n, &sorted, &fates, &u);
		free(reps);
		memset(&m, 0, sizeof(m));
		good = 1;
		nwant = 0;
		/* the values of kind 1 of rows 1..3000, and 20 never seen */
		for (id = 1; id <= 3020 && good; id++) {
			if (id <= 3000 && f.v[id][1][0] == '\0')
				continue;
			if (id <= 3000)
				snprintf(v, sizeof(v), "%s", f.v[id][1]);
			else
				snprintf(v, sizeof(v), "absent%lld", id);
			if (uniq_probe(u, 1, v, id, &found, &e) != UIMP_OK)
				good = 0;
			else if (found == 0)
				good = missed(id, &m) == 0;
			else if (found == 1 && id > 3000)
				good = 0;
			if (id > 3000)
				want[nwant++] = id;
		}
		/* a value of another kind is not one of kind 1 */
		if (good && uniq_probe(u, 1, "kind0only", 3021, &found,
		    &e) != UIMP_OK)
			good = 0;
		else if (good && found == 0)
			good = missed(3021, &m) == 0;
		want[nwant++] = 3021;
		if (good && uniq_probe_end(u, missed, &m, &e) != UIMP_OK)
			good = 0;
		for (j = 0; good && j < (size_t)nwant; j++) {
			size_t k;

			for (k = 0; k < m.n && m.ids[k] != want[j]; k++)
				;
			good = k < m.n;
		}
		ok(good && m.n == 21,
		    "budget %zd: every probe the file has is found, the 21 it "
		    "has not are missing (%zu)",
		    budgets[i] == SIZE_MAX ? (ssize_t)-1 : (ssize_t)budgets[i],
		    m.n);
		uniq_close(u);
	}
	free(f.v);
}

static void
test_errors(void)
{
	struct uniq *u;
	struct uimp_err e;
	unsigned long first;
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;

	uniq_open(&u, SIZE_MAX, &e);
	ok(uniq_add(u, 0, "x", (unsigned long)UINT32_MAX + 1, &first, &e) ==
	    UIMP_EINPUT, "a row past 32 bits is refused");
	is(e.msg, "row 4294967296: past the 4294967295 rows in which repeats "
	    "are found", "saying so");
	uniq_close(u);
	uniq_open(&u, 0, &e);
	setenv("TMPDIR", "/nonexistent/dir", 1);
	ok(uniq_add(u, 0, "x", 1, &first, &e) == UIMP_OK && first == 0 &&
	    uniq_spilled(u), "with no budget, a value waits for its row's end");
	ok(uniq_row_end(u, 0, &e) == UIMP_EINTERNAL,
	    "no temporary file can be made: an internal error");
	is(e.msg, "cannot create a temporary file", "that says so");
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	uniq_close(u);
	uniq_close(NULL);
	ok(1, "uniq_close(NULL) does nothing");
}

int
main(void)
{
	test_keyset();
	test_small(4);
	test_large(4);
	test_probes(3);
	/* the temporary files split, and small ones split again */
	uniq_part_max = 16384;
	printf("# temporary files split past %zu bytes\n", uniq_part_max);
	test_large(1);
	test_probes(1);
	uniq_part_max = 48;
	printf("# temporary files split past %zu bytes\n", uniq_part_max);
	test_small(1);
	test_skew();
	uniq_part_max = 2UL << 20;
	test_errors();
	return done_testing();
}
