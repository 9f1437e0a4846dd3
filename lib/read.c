/*
 * read.c: opening a table whatever its format: stdin spooled to a file,
 * the format told from the name and the first bytes, the file's digest.
 */
#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "internal.h"

/* Bytes of standard input copied at most (userimp(1) LIMITS). */
#define SPOOL_MAX	((unsigned long long)2 << 30)

static const char *
ending(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');

	return dot ? dot + 1 : "";
}

/*
 * The digest of a named file, on a thread of its own: the format's reader
 * and the caller need not wait for a pass over the whole file first.
 */
static void *
digest(void *arg)
{
	struct uimp_reader *r = arg;
	unsigned char buf[1 << 16], d[32];
	struct sha256 c;
	off_t off = 0;
	ssize_t n;

	sha256_init(&c);
	while ((n = pread(r->digest_fd, buf, sizeof(buf), off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		sha256_update(&c, buf, (size_t)n);
		off += n;
	}
	explicit_bzero(buf, sizeof(buf));	/* cells, passwords too */
	r->digest_errno = n == -1 ? errno : 0;
	if (n == 0) {
		sha256_final(&c, d);
		sha256_hex(d, r->sha);
		r->have_sha = 1;
	}
	return NULL;
}

/* Wait for the digest thread, if there is one. */
static void
digest_join(struct uimp_reader *r)
{
	if (r->digest_fd == -1)
		return;
	pthread_join(r->digest_tid, NULL);
	close(r->digest_fd);
	r->digest_fd = -1;
}

static int	copy_in(struct uimp_reader *, int, unsigned char *, size_t *,
		    struct uimp_err *);

/*
 * The format reads the file that fd opened, through /proc, not the name
 * again: a file renamed over the name in between would be read, and the
 * job would record the digest of another.  Without /proc, the name.
 */
static void
same_file(struct uimp_reader *r, int fd)
{
	int dfd;

	if ((dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return;
	if ((r->spool = malloc(32)) == NULL) {
		close(dfd);
		return;
	}
	snprintf(r->spool, 32, "/proc/self/fd/%d", dfd);
	if (access(r->spool, R_OK) == -1) {
		free(r->spool);
		r->spool = NULL;
		close(dfd);
		return;
	}
	r->spool_fd = dfd;
}

/*
 * A named file: its first bytes and size now, its digest on a thread
 * (digest_join()); without a thread, the digest here.  A pipe or a
 * device is copied like standard input.
 */
static int
scan(struct uimp_reader *r, const char *path, unsigned char *head,
    size_t *nhead, struct uimp_err *e)
{
	struct stat st;
	ssize_t n;
	int fd, rc;

	*nhead = 0;
	if (strcmp(path, "-") == 0)
		return copy_in(r, STDIN_FILENO, head, nhead, e);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return uimp_err_set(e, UIMP_EIO, errno, path, "cannot open");
	if (fstat(fd, &st) == -1) {
		close(fd);
		return uimp_err_set(e, UIMP_EIO, errno, path, "cannot read");
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		rc = copy_in(r, fd, head, nhead, e);
		close(fd);
		return rc;
	}
	if ((n = pread(fd, head, 8, 0)) == -1) {
		close(fd);
		return uimp_err_set(e, UIMP_EIO, errno, path, "cannot read");
	}
	*nhead = (size_t)n;
	r->size = (unsigned long long)st.st_size;
	same_file(r, fd);
	r->digest_fd = fd;
	if (pthread_create(&r->digest_tid, NULL, digest, r) != 0) {
		digest(r);
		close(fd);
		r->digest_fd = -1;
	}
	return UIMP_OK;
}

/*
 * Standard input, or a pipe given by name: copied from fd to a temporary
 * file (mode 0600) for the format's reader, its digest and first bytes on
 * the way.
 */
static int
copy_in(struct uimp_reader *r, int fd, unsigned char *head, size_t *nhead,
    struct uimp_err *e)
{
	static char buf[1 << 16];
	struct sha256 c;
	unsigned char d[32];
	const char *tmpdir = "/tmp";
	unsigned long long total = 0;
	ssize_t n;
	size_t k;
	int out = -1, rc = UIMP_OK;
	const char *what = fd == STDIN_FILENO ? "standard input" :
	    "the pipe";	/* or device, given by name */

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	if ((r->spool = malloc(strlen(tmpdir) + 32)) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, r->display, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	sprintf(r->spool, "%s/userimp-stdin.XXXXXX", tmpdir);
	if ((out = mkostemp(r->spool, O_CLOEXEC)) == -1 ||
	    (r->spool_fd = dup(out)) == -1) {
		rc = uimp_err_set(e, UIMP_EINTERNAL, errno, r->spool,
		    "cannot create a temporary file for %s", what);
		if (out != -1) {
			unlink(r->spool);
			close(out);
		}
		free(r->spool);
		r->spool = NULL;
		return rc;
	}
	/*
	 * The copy holds passwords: unlinked at once, so that no kill can
	 * leave it behind, and read again through /proc.
	 */
	unlink(r->spool);
	sprintf(r->spool, "/proc/self/fd/%d", r->spool_fd);
	sha256_init(&c);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = uimp_err_set(e, UIMP_EIO, errno, r->display,
			    "cannot read");
			break;
		}
		if (n == 0)
			break;
		total += (unsigned long long)n;
		if (total > SPOOL_MAX) {
			rc = uimp_err_set(e, UIMP_EINPUT, 0, r->display,
			    "%s is larger than 2 GiB, the limit of its copy: "
			    "refused; give a file by its name", what);
			break;
		}
		sha256_update(&c, buf, (size_t)n);
		k = *nhead < 8 ? 8 - *nhead : 0;
		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(head + *nhead, buf, k);
		*nhead += k;
		if (write(out, buf, (size_t)n) != n) {
			rc = uimp_err_set(e, UIMP_EINTERNAL, errno, tmpdir,
			    "cannot write a copy of %s", what);
			break;
		}
	}
	explicit_bzero(buf, sizeof(buf));	/* it held cells, passwords too */
	if (close(out) == -1 && rc == UIMP_OK)
		rc = uimp_err_set(e, UIMP_EINTERNAL, errno, tmpdir,
		    "cannot write a copy of %s", what);
	if (rc == UIMP_OK) {
		sha256_final(&c, d);
		sha256_hex(d, r->sha);
		r->have_sha = 1;
		r->size = total;
	}
	return rc;
}

/*
 * The format from the first bytes, else the name: a zip is xlsx, an OLE2
 * file is refused, and the rest is CSV text.  NUL bytes are no sign of a
 * binary file: UTF-16 has them, and csv_read.c tells it by its BOM.
 */
static int
pick_format(const char *display, const unsigned char *head, size_t nhead,
    int *format, struct uimp_err *e)
{
	static const unsigned char zip[4] = { 'P', 'K', 3, 4 };
	static const unsigned char empty_zip[4] = { 'P', 'K', 5, 6 };
	static const unsigned char ole[8] = {
		0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
	};
	const char *ext = ending(display);

	if (nhead >= 8 && memcmp(head, ole, 8) == 0)
		return uimp_err_set(e, UIMP_EXLSX, 0, display,
		    "an OLE2 compound file: a .xls workbook (Excel 97-2003) or "
		    "an encrypted workbook; save it unencrypted as .xlsx or "
		    "CSV (UTF-8)");
	if (*format != UIMP_FORMAT_AUTO)
		return UIMP_OK;
	if (nhead >= 4 && (memcmp(head, zip, 4) == 0 ||
	    memcmp(head, empty_zip, 4) == 0))
		*format = UIMP_FORMAT_XLSX;
	else if (strcasecmp(ext, "xlsx") == 0 || strcasecmp(ext, "xlsm") == 0)
		/* an xlsx file starts with a zip entry; a CSV file renamed? */
		return uimp_err_set(e, UIMP_EXLSX, 0, display,
		    "not an xlsx file: not a zip archive; a CSV file must be "
		    "named .csv, .tsv or .txt");
	else if (strcasecmp(ext, "xls") == 0 || strcasecmp(ext, "xlsb") == 0 ||
	    strcasecmp(ext, "ods") == 0 || strcasecmp(ext, "numbers") == 0)
		return uimp_err_set(e, UIMP_EXLSX, 0, display,
		    "a .%s file cannot be read; save it as .xlsx or CSV (UTF-8)",
		    ext);
	else
		*format = UIMP_FORMAT_CSV;
	return UIMP_OK;
}

int
uimp_reader_open(struct uimp_reader **out, const char *path,
    const struct uimp_read_opts *opts, struct uimp_err *e)
{
	static const struct uimp_read_opts defaults;
	struct uimp_reader *r;
	unsigned char head[8];
	size_t nhead;
	const char *real;
	int rc, format;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, path, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	r->display = path;
	r->digest_fd = -1;
	if ((rc = scan(r, path, head, &nhead, e)) != UIMP_OK)
		goto out;
	real = r->spool ? r->spool : path;
	format = opts->format;
	if ((rc = pick_format(path, head, nhead, &format, e)) != UIMP_OK)
		goto out;
	if (format == UIMP_FORMAT_XLSX && opts->encoding != NULL)
		rc = uimp_err_set(e, UIMP_EINVAL, 0, path, "--encoding %s is "
		    "for CSV files: an xlsx workbook is always Unicode; drop "
		    "--encoding", opts->encoding);
	else if (format == UIMP_FORMAT_XLSX)
		rc = xlsx_reader_init(r, real, path, opts->sheet, e);
	else
		rc = csv_reader_init(r, real, path, opts->delimiter,
		    opts->encoding, e);
	if (rc == UIMP_OK && !opts->same_thread)
		rc = readahead_start(r, e);
out:
	if (rc != UIMP_OK) {
		uimp_reader_close(r);
		return rc;
	}
	*out = r;
	return UIMP_OK;
}

int
uimp_reader_next_row(struct uimp_reader *r, const struct uimp_row **row,
    struct uimp_err *e)
{
	if (r->ra)
		return readahead_next(r, row, e);
	return r->next(r, row, e);
}

/*
 * A format that knows better sets r->bad_text; in xlsx such a cell is a
 * character XML cannot hold (U+0000, a lone surrogate).
 */
const char *
uimp_reader_bad_text(const struct uimp_reader *r)
{
	if (r->bad_text != NULL)
		return r->bad_text;
	return "not valid UTF-8: save the file as UTF-8";
}

const char *
uimp_reader_sheet(const struct uimp_reader *r)
{
	return r->sheet;
}

/*
 * Fields the format keeps as it reads, so a progress bar may ask after
 * every row: no system call here.
 */
int
uimp_reader_progress(const struct uimp_reader *r, unsigned long long *done,
    unsigned long long *total)
{
	*done = r->ra ? readahead_done(r) : r->done;
	*total = r->total;
	if (*total && *done > *total)
		*done = *total;
	return UIMP_OK;
}

int
uimp_reader_sha256(struct uimp_reader *r, char hex[65])
{
	digest_join(r);
	if (!r->have_sha) {
		errno = r->digest_errno;
		return UIMP_EIO;
	}
	memcpy(hex, r->sha, 65);
	return UIMP_OK;
}

int
uimp_reader_close(struct uimp_reader *r)
{
	if (r == NULL)
		return UIMP_OK;
	readahead_stop(r);
	digest_join(r);
	if (r->release)
		r->release(r);
	if (r->spool) {
		close(r->spool_fd);
		free(r->spool);
	}
	free(r);
	return UIMP_OK;
}
