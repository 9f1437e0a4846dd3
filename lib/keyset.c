/*
 * keyset.c: sets of strings with the row that first held each, and the
 * values a file must not repeat, kept in memory up to a budget and in
 * temporary files past it.
 */
#define _GNU_SOURCE	/* getdelim */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NPART	64	/* the temporary files of values past the budget */
#define DEPTH	4	/* at most, files split in NPART: 6 bits of hash a
			 * level */

/*
 * A file bigger than this is split in NPART by the next bits of hash, and
 * each part read alone: at most about 3 times as much memory (the file,
 * the set of its values) whatever the number of rows.  Each level keeps
 * its NPART files open while it walks them: NPART * DEPTH descriptors at
 * most.  The records of one value all go to one file, which a value on
 * very many rows fills alone: it is read whole, about 20 bytes a row.
 */
size_t	uniq_part_max = 2UL << 20;

static int
nomem(struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, NULL, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

static unsigned long
hashstr(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

int
keyset_add(struct keyset *k, const char *key, unsigned long row,
    unsigned long *first)
{
	struct kslot *ns;
	size_t i, j, ncap, len = strlen(key) + 1;

	*first = 0;
	if (row > UINT32_MAX || k->arena.len + len > UINT32_MAX - 1)
		return UIMP_ENOMEM;
	if (k->n * 2 >= k->cap) {
		ncap = k->cap ? k->cap * 2 : 1024;
		if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
			return UIMP_ENOMEM;
		for (i = 0; i < k->cap; i++) {
			if (k->slot[i].off == 0)
				continue;
			j = hashstr(k->arena.s + k->slot[i].off - 1) &
			    (ncap - 1);
			while (ns[j].off)
				j = (j + 1) & (ncap - 1);
			ns[j] = k->slot[i];
		}
		free(k->slot);
		k->slot = ns;
		k->cap = ncap;
	}
	i = hashstr(key) & (k->cap - 1);
	while (k->slot[i].off) {
		if (strcmp(k->arena.s + k->slot[i].off - 1, key) == 0) {
			*first = k->slot[i].row;
			return UIMP_OK;
		}
		i = (i + 1) & (k->cap - 1);
	}
	k->slot[i].off = (uint32_t)k->arena.len + 1;
	k->slot[i].row = (uint32_t)row;
	k->n++;
	return buf_add(&k->arena, key, len);
}

unsigned long
keyset_has(const struct keyset *k, const char *key)
{
	size_t i;

	if (k->cap == 0)
		return 0;
	for (i = hashstr(key) & (k->cap - 1); k->slot[i].off;
	    i = (i + 1) & (k->cap - 1))
		if (strcmp(k->arena.s + k->slot[i].off - 1, key) == 0)
			return k->slot[i].row;
	return 0;
}

size_t
keyset_bytes(const struct keyset *k)
{
	return k->arena.cap + k->cap * sizeof(*k->slot);
}

size_t
keyset_room(const struct keyset *k, size_t len)
{
	size_t arena = k->arena.cap ? k->arena.cap : 64;
	size_t slots = k->cap * sizeof(*k->slot);

	while (arena < k->arena.len + len + 2)
		arena *= 2;
	/* the table grows: the old one and the new one, while keys move */
	if (k->n * 2 >= k->cap)
		slots += (k->cap ? k->cap * 2 : 1024) * sizeof(*k->slot);
	return arena + slots;
}

void
keyset_release(struct keyset *k)
{
	buf_release(&k->arena);
	free(k->slot);
	memset(k, 0, sizeof(*k));
}

/* uniq */

/*
 * A value is stored as one string: its kind + 1 in the first byte (never
 * a NUL), then the value.  Past the budget, a row's values wait in pend
 * as records (row: 4 bytes, fate: 1, the string and its NUL) until the
 * row's fate is known, then go to the partition their hash names.
 */
struct uniq {
	struct keyset	 mem;		/* the values within the budget */
	size_t		 budget;	/* bytes of mem, SIZE_MAX: no limit */
	int		 spilling;	/* the budget is spent */
	struct buf	 pend;		/* this row's records */
	struct buf	 key;		/* kind and value */
	FILE		*part[NPART];
	unsigned long	 probes;	/* probes in them */
};

int
uniq_open(struct uniq **up, size_t budget, struct uimp_err *e)
{
	if ((*up = calloc(1, sizeof(**up))) == NULL)
		return nomem(e);
	(*up)->budget = budget;
	return UIMP_OK;
}

static int
kind_key(struct uniq *u, int kind, const char *value)
{
	buf_reset(&u->key);
	return buf_addc(&u->key, kind + 1) || buf_adds(&u->key, value) ?
	    UIMP_ENOMEM : UIMP_OK;
}

int
uniq_add(struct uniq *u, int kind, const char *value, unsigned long row,
    unsigned long *first, struct uimp_err *e)
{
	uint32_t r32 = (uint32_t)row;

	*first = 0;
	if (row > UINT32_MAX)
		return uimp_err_set(e, UIMP_EINPUT, 0, NULL, "row %lu: past "
		    "the 4294967295 rows in which repeats are found", row);
	if (kind < 0 || kind > 250)
		UIMP_BUG("value kind %d", kind);
	if (kind_key(u, kind, value) != UIMP_OK)
		return nomem(e);
	if (!u->spilling && keyset_room(&u->mem, u->key.len) > u->budget)
		u->spilling = 1;
	if (!u->spilling)
		return keyset_add(&u->mem, u->key.s, row, first) ? nomem(e) :
		    UIMP_OK;
	/* a value first held within the budget is found at once */
	if ((*first = keyset_has(&u->mem, u->key.s)) != 0)
		return UIMP_OK;
	if (buf_add(&u->pend, &r32, sizeof(r32)) || buf_addc(&u->pend, 0) ||
	    buf_add(&u->pend, u->key.s, u->key.len + 1))
		return nomem(e);
	return UIMP_OK;
}

unsigned long
uniq_has(struct uniq *u, int kind, const char *value)
{
	if (kind < 0 || kind > 250 || kind_key(u, kind, value) != UIMP_OK)
		return 0;
	return keyset_has(&u->mem, u->key.s);
}

int
uniq_keep(struct uniq *u, int kind, struct uimp_err *e)
{
	struct keyset k;
	unsigned long first;
	size_t i;
	const char *v;

	memset(&k, 0, sizeof(k));
	for (i = 0; i < u->mem.cap; i++) {
		if (u->mem.slot[i].off == 0)
			continue;
		v = u->mem.arena.s + u->mem.slot[i].off - 1;
		if ((unsigned char)*v == kind + 1 &&
		    keyset_add(&k, v, u->mem.slot[i].row, &first)) {
			keyset_release(&k);
			return nomem(e);
		}
	}
	keyset_release(&u->mem);
	u->mem = k;
	return UIMP_OK;
}

size_t
uniq_bytes(const struct uniq *u)
{
	return keyset_bytes(&u->mem);
}

int
uniq_spilled(const struct uniq *u)
{
	return u->spilling;
}

/* The partition of a value at depth: 6 bits of its mixed hash. */
static size_t
part_at(const char *s, int depth)
{
	return (size_t)((hashstr(s) * 0x9e3779b97f4a7c15ULL) >>
	    (58 - 6 * depth)) % NPART;
}

int
uniq_row_end(struct uniq *u, int fate, struct uimp_err *e)
{
	FILE **f;
	size_t at, len;

	for (at = 0; at < u->pend.len; at += len) {
		u->pend.s[at + 4] = (char)fate;
		len = 5 + strlen(u->pend.s + at + 5) + 1;
		f = &u->part[part_at(u->pend.s + at + 5, 0)];
		if (*f == NULL && temp_file(f, e) != UIMP_OK)
			return e->status;
		if (fwrite(u->pend.s + at, 1, len, *f) != len)
			return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL,
			    "cannot write a temporary file");
	}
	buf_reset(&u->pend);
	return UIMP_OK;
}

static int
late_cmp(const void *a, const void *b)
{
	const struct uniq_late *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/*
 * Read partition f, of size bytes (written out), whole into in, and leave
 * it at its end to append to.
 */
static int
load_part(FILE *f, size_t size, struct buf *in, struct uimp_err *e)
{
	if (fseek(f, 0, SEEK_SET) != 0)
		goto fail;
	buf_reset(in);
	if (buf_grow(in, size))
		return nomem(e);
	if (fread(in->s, 1, size, f) != size || fseek(f, 0, SEEK_END) != 0)
		goto fail;
	in->len = size;
	return UIMP_OK;
fail:
	return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot read a "
	    "temporary file");
}

/*
 * The record at in->s + at: its row (0: a probe, whose id follows the
 * string), its string; *next: the offset of the next.  0, or -1 when the
 * partition is cut short.
 */
static int
record(const struct buf *in, size_t at, uint32_t *row, const char **str,
    long long *id, size_t *next)
{
	size_t len;

	if (at + 6 > in->len)
		return -1;
	memcpy(row, in->s + at, sizeof(*row));
	*str = in->s + at + 5;
	len = 5 + strnlen(*str, in->len - at - 5) + 1;
	if (*row == 0)
		len += sizeof(*id);
	if (at + len > in->len)
		return -1;
	if (*row == 0)
		memcpy(id, in->s + at + len - sizeof(*id), sizeof(*id));
	*next = at + len;
	return 0;
}

static int
cut_short(struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_EINTERNAL, 0, NULL, "a temporary file is "
	    "cut short");
}

/* Find the repeats among one partition's records, in the order written. */
static int
finish_part(const struct buf *in, struct uniq_late **late, size_t *n,
    size_t *cap, struct uimp_err *e)
{
	struct uniq_late *nl;
	struct keyset seen;
	unsigned long first;
	uint32_t row;
	long long id;
	const char *str;
	size_t at, next;
	int rc = UIMP_OK;

	memset(&seen, 0, sizeof(seen));
	for (at = 0; at < in->len && rc == UIMP_OK; at = next) {
		if (record(in, at, &row, &str, &id, &next) != 0) {
			rc = cut_short(e);
			break;
		}
		if (keyset_add(&seen, str, row, &first)) {
			rc = nomem(e);
			break;
		}
		if (first == 0)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			if ((nl = realloc(*late, *cap * sizeof(*nl))) ==
			    NULL) {
				rc = nomem(e);
				break;
			}
			*late = nl;
		}
		(*late)[*n].row = row;
		(*late)[*n].first = first;
		(*late)[*n].kind = (unsigned char)*str - 1;
		(*late)[*n].fate = (unsigned char)in->s[at + 4];
		(*n)++;
	}
	keyset_release(&seen);
	return rc;
}

/* A pass over the partitions: fn for each, read whole. */
struct walk;
static int	walk_part(struct walk *, FILE *, int, struct uimp_err *);

struct walk {
	int			(*fn)(struct walk *, struct uimp_err *);
	struct buf		 in;		/* the partition */
	struct uniq_late	*late;		/* uniq_finish() */
	size_t			 n, cap;
	int			(*missing)(long long, void *); /* probes */
	void			*arg;
};

static int
walk_finish(struct walk *w, struct uimp_err *e)
{
	return finish_part(&w->in, &w->late, &w->n, &w->cap, e);
}

/*
 * Copy f's records to files of their own by the bits of hash of depth + 1,
 * and walk each.  f is left at its end, to append to.
 */
static int
split_part(struct walk *w, FILE *f, int depth, struct uimp_err *e)
{
	FILE *part[NPART] = { NULL };
	char hdr[5], *str = NULL, id[8];
	size_t cap = 0, p, n;
	ssize_t len;
	int rc = UIMP_OK;

	if (fseek(f, 0, SEEK_SET) != 0)
		rc = uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	while (rc == UIMP_OK) {
		if ((n = fread(hdr, 1, sizeof(hdr), f)) == 0 && feof(f))
			break;
		if (n != sizeof(hdr) ||
		    (len = getdelim(&str, &cap, '\0', f)) <= 0 ||
		    str[len - 1] != '\0' || (memcmp(hdr, "\0\0\0\0", 4) ==
		    0 && fread(id, sizeof(id), 1, f) != 1)) {
			rc = cut_short(e);
			break;
		}
		p = part_at(str, depth + 1);
		if (part[p] == NULL && (rc = temp_file(&part[p], e)) !=
		    UIMP_OK)
			break;
		if (fwrite(hdr, sizeof(hdr), 1, part[p]) != 1 ||
		    fwrite(str, (size_t)len, 1, part[p]) != 1 ||
		    (memcmp(hdr, "\0\0\0\0", 4) == 0 &&
		    fwrite(id, sizeof(id), 1, part[p]) != 1))
			rc = uimp_err_set(e, UIMP_EINTERNAL, errno, NULL,
			    "cannot write a temporary file");
	}
	if (rc == UIMP_OK && (ferror(f) || fseek(f, 0, SEEK_END) != 0))
		rc = uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	free(str);
	/* all in one part: the same value, or bits alike; split no more */
	for (p = n = 0; p < NPART; p++)
		n += part[p] != NULL;
	for (p = 0; p < NPART; p++) {
		if (part[p] == NULL)
			continue;
		if (rc == UIMP_OK)
			rc = walk_part(w, part[p], n == 1 ? DEPTH : depth + 1,
			    e);
		fclose(part[p]);
	}
	return rc;
}

/* Walk partition f of depth: whole, or split when it is too big. */
static int
walk_part(struct walk *w, FILE *f, int depth, struct uimp_err *e)
{
	long size;

	if (fflush(f) != 0)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "write a temporary file");
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "read a temporary file");
	if ((size_t)size > uniq_part_max && depth + 1 < DEPTH)
		return split_part(w, f, depth, e);
	return load_part(f, (size_t)size, &w->in, e) != UIMP_OK ? e->status :
	    w->fn(w, e);
}

/* Walk every partition of u. */
static int
walk(struct uniq *u, struct walk *w, struct uimp_err *e)
{
	size_t p;
	int rc = UIMP_OK;

	for (p = 0; p < NPART && rc == UIMP_OK; p++)
		if (u->part[p])
			rc = walk_part(w, u->part[p], 0, e);
	buf_release(&w->in);
	return rc;
}

int
uniq_finish(struct uniq *u, struct uniq_late **late, size_t *n,
    struct uimp_err *e)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.fn = walk_finish;
	*late = NULL;
	*n = 0;
	if ((rc = walk(u, &w, e)) != UIMP_OK) {
		free(w.late);
		return rc;
	}
	if (w.n > 0)
		qsort(w.late, w.n, sizeof(*w.late), late_cmp);
	*late = w.late;
	*n = w.n;
	return UIMP_OK;
}

int
uniq_probe(struct uniq *u, int kind, const char *value, long long id,
    int *found, struct uimp_err *e)
{
	uint32_t zero = 0;
	FILE **f;

	if (kind < 0 || kind > 250)
		UIMP_BUG("value kind %d", kind);
	if (kind_key(u, kind, value) != UIMP_OK)
		return nomem(e);
	*found = keyset_has(&u->mem, u->key.s) != 0;
	if (*found || !u->spilling)
		return UIMP_OK;
	*found = -1;
	f = &u->part[part_at(u->key.s, 0)];
	if (*f == NULL && temp_file(f, e) != UIMP_OK)
		return e->status;
	if (fwrite(&zero, sizeof(zero), 1, *f) != 1 || putc(0, *f) == EOF ||
	    fwrite(u->key.s, u->key.len + 1, 1, *f) != 1 ||
	    fwrite(&id, sizeof(id), 1, *f) != 1)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, NULL, "cannot "
		    "write a temporary file");
	u->probes++;
	return UIMP_OK;
}

/* The probes of one partition that no record of the file has. */
static int
probe_part(const struct buf *in, int (*missing)(long long, void *),
    void *arg, struct uimp_err *e)
{
	struct keyset seen;
	unsigned long first;
	uint32_t row;
	long long id;
	const char *str;
	size_t at, next;
	int pass, rc = UIMP_OK;

	memset(&seen, 0, sizeof(seen));
	for (pass = 0; pass < 2 && rc == UIMP_OK; pass++)
		for (at = 0; at < in->len && rc == UIMP_OK; at = next) {
			if (record(in, at, &row, &str, &id, &next) != 0)
				rc = cut_short(e);
			else if (pass == 0 && row != 0 &&
			    keyset_add(&seen, str, row, &first))
				rc = nomem(e);
			else if (pass == 1 && row == 0 &&
			    keyset_has(&seen, str) == 0 &&
			    missing(id, arg) != 0)
				rc = nomem(e);
		}
	keyset_release(&seen);
	return rc;
}

static int
walk_probes(struct walk *w, struct uimp_err *e)
{
	return probe_part(&w->in, w->missing, w->arg, e);
}

int
uniq_probe_end(struct uniq *u, int (*missing)(long long, void *), void *arg,
    struct uimp_err *e)
{
	struct walk w;

	if (u->probes == 0)
		return UIMP_OK;
	u->probes = 0;
	memset(&w, 0, sizeof(w));
	w.fn = walk_probes;
	w.missing = missing;
	w.arg = arg;
	return walk(u, &w, e);
}

void
uniq_close(struct uniq *u)
{
	size_t p;

	if (u == NULL)
		return;
	keyset_release(&u->mem);
	buf_release(&u->pend);
	buf_release(&u->key);
	for (p = 0; p < NPART; p++)
		if (u->part[p])
			fclose(u->part[p]);
	free(u);
}
