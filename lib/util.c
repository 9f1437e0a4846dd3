/*
 * util.c: small helpers shared inside lib/: a growable buffer, JSON
 * string quoting, UTF-8, the time in ISO 8601, files written atomically.
 */
/* O_TMPFILE is Linux's, behind _GNU_SOURCE */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "internal.h"

/* Room for n more bytes; a secret's old memory is wiped, not realloc'd. */
static int
grow(struct buf *b, size_t n, int secret)
{
	size_t cap;
	char *s;

	if (b->cap > b->len && n < b->cap - b->len)
		return UIMP_OK;
	if (n > (size_t)-1 / 4 - b->len)
		return UIMP_ENOMEM;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	if (!secret)
		s = realloc(b->s, cap);
	else if ((s = malloc(cap)) != NULL && b->s) {
		memcpy(s, b->s, b->len + 1);
		explicit_bzero(b->s, b->cap);
		free(b->s);
	}
	if (s == NULL)
		return UIMP_ENOMEM;
	b->s = s;
	b->cap = cap;
	return UIMP_OK;
}

int
buf_grow(struct buf *b, size_t n)
{
	return grow(b, n, 0);
}

int
buf_grow_secret(struct buf *b, size_t n)
{
	return grow(b, n, 1);
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) != UIMP_OK)
		return UIMP_ENOMEM;
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return UIMP_OK;
}

int
buf_addc(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) != UIMP_OK)
		return UIMP_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return UIMP_OK;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
buf_release(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/*
 * Decode the UTF-8 character at s[0..n) into *cp; returns its length, or
 * 0 when the bytes there are not UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included).
 */
size_t
utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void
buf_wipe(struct buf *b)
{
	if (b->s)
		explicit_bzero(b->s, b->cap);
	buf_release(b);
}

int
buf_add_json(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	char esc[7];
	size_t i, k;
	int rc = buf_addc(b, '"');

	for (i = 0; i < n && rc == UIMP_OK; i++) {
		if (p[i] >= 0x80) {
			k = utf8_decode(p + i, n - i, &cp);
			if (k == 0) {
				rc = buf_add(b, "\\ufffd", 6);
			} else {
				rc = buf_add(b, p + i, k);
				i += k - 1;
			}
			continue;
		}
		switch (p[i]) {
		case '"':  rc = buf_add(b, "\\\"", 2); break;
		case '\\': rc = buf_add(b, "\\\\", 2); break;
		case '\n': rc = buf_add(b, "\\n", 2); break;
		case '\r': rc = buf_add(b, "\\r", 2); break;
		case '\t': rc = buf_add(b, "\\t", 2); break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[p[i] >> 4];
				esc[5] = hex[p[i] & 15];
				rc = buf_add(b, esc, 6);
			} else
				rc = buf_addc(b, p[i]);
		}
	}
	return rc == UIMP_OK ? buf_addc(b, '"') : rc;
}

int
formula_like(const char *s)
{
	switch (*s) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
		return 1;
	}
	return 0;
}

void
utc_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
uimp_json_quote(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	if (buf_add_json(&b, s, n) != UIMP_OK) {
		buf_release(&b);
		return NULL;
	}
	return b.s;
}

/*
 * The file is made without a name (O_TMPFILE) where the file system can,
 * so that even SIGKILL leaves nothing behind; writers reach it through
 * /proc/self/fd.  It gets a name beside the destination only at the commit,
 * for the moment of the rename.  Elsewhere it is a named temporary file.
 */
int
atomic_open(struct atomic *a, const char *dst, int secret, int force,
    struct uimp_err *e)
{
	struct stat sb;
	const char *slash = strrchr(dst, '/');
	size_t dirlen = slash ? (size_t)(slash - dst) + 1 : 0;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->secret = secret;
	if (lstat(dst, &sb) == 0 && S_ISDIR(sb.st_mode))
		return uimp_err_set(e, UIMP_EINVAL, 0, dst, "is a directory: "
		    "name a file");
	if (!force && lstat(dst, &sb) == 0)
		return uimp_err_set(e, UIMP_EINVAL, 0, dst, "exists: --force "
		    "overwrites it");
	if ((a->dst = strdup(dst)) == NULL ||
	    (a->tmp = malloc(dirlen + 32)) == NULL) {
		free(a->dst);
		a->dst = NULL;
		return uimp_err_set(e, UIMP_ENOMEM, 0, dst, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	}
	/* beside the destination, so that rename() replaces it whole */
	memcpy(a->tmp, dst, dirlen);
	strcpy(a->tmp + dirlen, dirlen ? "" : ".");
	a->fd = open(a->tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (a->fd != -1) {
		a->unnamed = 1;
		snprintf(a->tmp, dirlen + 32, "/proc/self/fd/%d", a->fd);
		return UIMP_OK;
	}
	memcpy(a->tmp, dst, dirlen);
	strcpy(a->tmp + dirlen, ".userimp.XXXXXX");
	if ((a->fd = mkostemp(a->tmp, O_CLOEXEC)) == -1) {
		uimp_err_set(e, UIMP_EWRITE, errno, dst, "cannot create a file "
		    "beside it");
		free(a->tmp);
		free(a->dst);
		a->tmp = a->dst = NULL;
		return UIMP_EWRITE;
	}
	return UIMP_OK;
}

/* Give the unnamed file a temporary name beside dst, into a->tmp. */
static int
atomic_name(struct atomic *a)
{
	const char *slash = strrchr(a->dst, '/');
	size_t dirlen = slash ? (size_t)(slash - a->dst) + 1 : 0;
	unsigned char r[6];
	char proc[32];
	int i, tries;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", a->fd);
	for (tries = 0; tries < 100; tries++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		memcpy(a->tmp, a->dst, dirlen);
		strcpy(a->tmp + dirlen, ".userimp.");
		for (i = 0; i < 6; i++)
			a->tmp[dirlen + 9 + i] = "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[r[i] % 62];
		a->tmp[dirlen + 15] = '\0';
		if (linkat(AT_FDCWD, proc, AT_FDCWD, a->tmp,
		    AT_SYMLINK_FOLLOW) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* Flush the file to the disk and give it its mode: 0600, or by the umask. */
static int
atomic_seal(struct atomic *a, struct uimp_err *e)
{
	mode_t mask, mode = 0600;

	if (!a->secret) {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fsync(a->fd) == -1 || fchmod(a->fd, mode) == -1)
		return uimp_err_set(e, UIMP_EWRITE, errno, a->dst,
		    "cannot write");
	return UIMP_OK;
}

int
atomic_commit(struct atomic *a, struct uimp_err *e)
{
	int rc, named = !a->unnamed;

	rc = atomic_seal(a, e);
	if (rc == UIMP_OK && a->unnamed) {
		if (atomic_name(a) == 0)
			named = 1;
		else
			rc = uimp_err_set(e, UIMP_EWRITE, errno, a->dst,
			    "cannot write");
	}
	if (close(a->fd) == -1 && rc == UIMP_OK)
		rc = uimp_err_set(e, UIMP_EWRITE, errno, a->dst,
		    "cannot write");
	a->fd = -1;
	if (rc == UIMP_OK && rename(a->tmp, a->dst) == -1)
		rc = uimp_err_set(e, UIMP_EWRITE, errno, a->dst,
		    "cannot write");
	if (rc != UIMP_OK && named)
		unlink(a->tmp);
	free(a->tmp);
	free(a->dst);
	a->tmp = a->dst = NULL;
	return rc;
}

int
atomic_commit_new(struct atomic *a, struct uimp_err *e)
{
	char proc[32];
	int rc, r;

	if ((rc = atomic_seal(a, e)) == UIMP_OK) {
		if (a->unnamed) {
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", a->fd);
			r = linkat(AT_FDCWD, proc, AT_FDCWD, a->dst,
			    AT_SYMLINK_FOLLOW);
		} else
			r = link(a->tmp, a->dst);
		if (r == -1 && errno == EEXIST)
			rc = uimp_err_set(e, UIMP_EINVAL, 0, a->dst, "exists "
			    "now: made while this one was written");
		else if (r == -1)
			rc = uimp_err_set(e, UIMP_EWRITE, errno, a->dst,
			    "cannot write");
	}
	if (close(a->fd) == -1 && rc == UIMP_OK) {
		rc = uimp_err_set(e, UIMP_EWRITE, errno, a->dst,
		    "cannot write");
		unlink(a->dst);
	}
	a->fd = -1;
	if (!a->unnamed)
		unlink(a->tmp);
	free(a->tmp);
	free(a->dst);
	a->tmp = a->dst = NULL;
	return rc;
}

void
atomic_abort(struct atomic *a)
{
	if (a->fd != -1)
		close(a->fd);
	if (a->tmp && !a->unnamed)
		unlink(a->tmp);
	free(a->tmp);
	free(a->dst);
	a->tmp = a->dst = NULL;
	a->fd = -1;
}

/* An unnamed temporary file (mode 0600) in $TMPDIR, else /tmp. */
int
temp_file(FILE **f, struct uimp_err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	*f = NULL;
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/userimp.XXXXXX", dir) >=
	    sizeof(path))
		return uimp_err_set(e, UIMP_EINTERNAL, 0, dir, "TMPDIR is too "
		    "long");
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return uimp_err_set(e, UIMP_EINTERNAL, errno, dir, "cannot "
		    "create a temporary file");
	unlink(path);
	if ((*f = fdopen(fd, "w+")) == NULL) {
		close(fd);
		return uimp_err_set(e, UIMP_EINTERNAL, errno, dir, "cannot "
		    "create a temporary file");
	}
	return UIMP_OK;
}
