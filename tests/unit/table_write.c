/*
 * table_write.c: unit tests of lib/table_write.c: tables written as CSV
 * and as xlsx into a temporary folder, read back with the project's own
 * reader; modes, no-replace, abort and a large table in little memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <minizip/unzip.h>

#include "internal.h"
#include "tap.h"
#include "zip.h"

static char tmpdir[64];

/* A path in the temporary folder (one of four static buffers). */
static const char *
T(const char *name)
{
	static char out[4][128];
	static int k;
	char *o = out[k++ % 4];

	snprintf(o, sizeof(out[0]), "%s/%s", tmpdir, name);
	return o;
}

/* The rows every format writes: text that must come back as it was. */
#define NROWS	4
#define NCOLS	6

static const char *const rows[NROWS][NCOLS] = {
	{ "Username", "Password", "Phone", "Note", "Formula", "Error" },
	{ "alice", "s3cret,\"pw\"", "0044123", "two\nlines", "=1+2",
	    "Email: does not match" },
	{ "bob", NULL, "007", "", "'@x", "a; b\x01c" },
	{ "ünïcødé", "-5", "+44 20", "tab\there", "@SUM(A1)", "" },
};

static int
write_table(const char *path, int secret, int replace, struct uimp_err *e)
{
	struct table_out *t;
	size_t lens[NCOLS], r, c;
	int rc;

	if ((rc = table_open(&t, path, secret, replace, e)) != 0)
		return rc;
	for (r = 0; r < NROWS; r++) {
		for (c = 0; c < NCOLS; c++)
			lens[c] = rows[r][c] ? strlen(rows[r][c]) : 0;
		if ((rc = table_row(t, rows[r], lens, NCOLS, e)) != 0) {
			table_abort(t);
			return rc;
		}
	}
	return table_commit(t, e);
}

/* Read the table at path back and compare it with rows[][]. */
static void
read_back(const char *path, int format, const char *what)
{
	struct uimp_read_opts ro = { 0, NULL, 0, NULL, 0 };
	struct uimp_reader *r = NULL;
	const struct uimp_row *row;
	struct uimp_err e;
	const char *got, *want;
	size_t n = 0, c;
	int rc, same = 1, text = 1;

	ro.format = format;
	ro.sheet = format == UIMP_FORMAT_XLSX ? "Users" : NULL;
	memset(&e, 0, sizeof(e));
	if (!ok((rc = uimp_reader_open(&r, path, &ro, &e)) == 0,
	    "%s: opens again (sheet Users)", what)) {
		printf("# %s: %s\n", e.where, e.msg);
		return;
	}
	while ((rc = uimp_reader_next_row(r, &row, &e)) == 0 && row != NULL) {
		if (n >= NROWS) {
			n++;
			continue;
		}
		for (c = 0; c < NCOLS; c++) {
			got = c < row->ncells ? row->cells[c].text : "";
			want = rows[n][c] ? rows[n][c] : "";
			if (strcmp(got, want) != 0) {
				printf("# row %zu col %zu: got '%s' want "
				    "'%s'\n", n + 1, c + 1, tap_vis(got),
				    tap_vis(want));
				same = 0;
			}
			if (c < row->ncells && *want != '\0' &&
			    row->cells[c].type != UIMP_CELL_TEXT)
				text = 0;
		}
		n++;
	}
	ok(rc == 0, "%s: reads to the end", what);
	ok(n == NROWS, "%s: %zu rows (want %d)", what, n, NROWS);
	ok(same, "%s: every cell's text kept", what);
	ok(text, "%s: every cell a string", what);
	uimp_reader_close(r);
}

/* The whole file at path, NUL-terminated; NULL if unreadable. */
static char *
slurp(const char *path)
{
	static char b[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	b[n] = '\0';
	return b;
}

/* How many entries the temporary folder holds, . and .. aside. */
static int
entries(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir(tmpdir)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dir);
	return n;
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return (mode_t)-1;
	return sb.st_mode & 07777;
}

static void
test_csv(void)
{
	struct uimp_err e;
	const char *s;
	int rc;

	memset(&e, 0, sizeof(e));
	if (!ok((rc = write_table(T("t.csv"), 0, 0, &e)) == 0,
	    "csv: written"))
		printf("# %s: %s\n", e.where, e.msg);
	if ((s = slurp(T("t.csv"))) == NULL)
		s = "";
	ok(strncmp(s, "Username,Password,Phone,Note,Formula,Error\r\n",
	    44) == 0, "csv: header line with CRLF: %s", tap_vis(s));
	ok(strstr(s, "alice,\"s3cret,\"\"pw\"\"\",0044123,\"two\nlines\","
	    "'=1+2,") != NULL, "csv: quoted as RFC 4180, formula guarded");
	ok(strstr(s, ",''@x,") != NULL, "csv: a guarded-looking cell guarded "
	    "again");
	ok(strstr(s, "'-5,") != NULL && strstr(s, "'@SUM(A1)") != NULL,
	    "csv: - and @ guarded");
	ok(strstr(s, "bob,,007,,") != NULL, "csv: NULL and empty cells "
	    "empty, leading zeros kept");
	read_back(T("t.csv"), UIMP_FORMAT_CSV, "csv");
}

static void
test_xlsx(void)
{
	struct uimp_err e;
	char *xml;
	int rc;

	memset(&e, 0, sizeof(e));
	if (!ok((rc = write_table(T("t.XLSX"), 0, 0, &e)) == 0,
	    "xlsx: written (name in capitals)"))
		printf("# %s: %s\n", e.where, e.msg);
	read_back(T("t.XLSX"), UIMP_FORMAT_XLSX, "xlsx");
	xml = zip_part(T("t.XLSX"), "xl/worksheets/sheet1.xml");
	ok(xml != NULL, "xlsx: has sheet1.xml");
	if (xml == NULL)
		return;
	ok(strstr(xml, "<f>") == NULL && strstr(xml, "<f ") == NULL,
	    "xlsx: no formula");
	ok(strstr(xml, "t=\"n\"") == NULL && strstr(xml, "<v>7</v>") == NULL,
	    "xlsx: no number cell");
	ok(strstr(xml, "<pane") != NULL && strstr(xml, "ySplit=\"1\"") !=
	    NULL, "xlsx: the header is frozen");
	ok(strstr(xml, "<cols>") != NULL, "xlsx: column formats set");
	free(xml);
	xml = zip_part(T("t.XLSX"), "xl/styles.xml");
	ok(xml != NULL && strstr(xml, "<b/>") != NULL &&
	    strstr(xml, "numFmtId=\"49\"") != NULL,
	    "xlsx: a bold header and the text format");
	free(xml);
}

/* Write the table at path and check its mode against want. */
static void
check_mode(const char *name, int secret, mode_t want, const char *what)
{
	struct uimp_err e;
	mode_t got;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = write_table(T(name), secret, 0, &e);
	got = mode_of(T(name));
	ok(rc == 0 && got == want, "%s: mode %04o (want %04o)", what,
	    (unsigned)got, (unsigned)want);
}

static void
test_modes(void)
{
	mode_t old;

	old = umask(022);
	check_mode("secret.csv", 1, 0600, "csv secret");
	check_mode("secret.xlsx", 1, 0600, "xlsx secret");
	check_mode("open.csv", 0, 0644, "csv, umask 022");
	umask(027);
	check_mode("open.xlsx", 0, 0640, "xlsx, umask 027");
	umask(0);
	check_mode("open0.csv", 0, 0666, "csv, umask 0");
	umask(old);
}

static void
test_replace(void)
{
	struct table_out *t = NULL;
	struct uimp_err e;
	const char *cells[1] = { "x" };
	size_t lens[1] = { 1 }, before;
	const char *s;
	int fd, rc;

	fd = open(T("old.csv"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd != -1) {
		(void)!write(fd, "old\n", 4);
		close(fd);
	}
	memset(&e, 0, sizeof(e));
	rc = table_open(&t, T("old.csv"), 0, 0, &e);
	ok(rc == UIMP_EINVAL && t == NULL, "no replace: an existing file is "
	    "refused at open");
	is(e.msg, "exists: --force overwrites it", "... saying it exists");
	s = slurp(T("old.csv"));
	ok(s != NULL && strcmp(s, "old\n") == 0, "... and is left alone");

	ok(write_table(T("old.csv"), 0, 1, &e) == 0, "replace: written");
	s = slurp(T("old.csv"));
	ok(s != NULL && strncmp(s, "Username,", 9) == 0, "... over the old "
	    "file");

	/* a file made while the table is written */
	before = (size_t)entries();
	rc = table_open(&t, T("race.xlsx"), 0, 0, &e);
	ok(rc == 0, "no replace: opens while the name is free");
	if (rc != 0)
		return;
	table_row(t, cells, lens, 1, &e);
	fd = open(T("race.xlsx"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd != -1) {
		(void)!write(fd, "theirs\n", 7);
		close(fd);
	}
	memset(&e, 0, sizeof(e));
	rc = table_commit(t, &e);
	ok(rc == UIMP_EINVAL, "... commit refuses a file made meanwhile: %s",
	    e.msg);
	s = slurp(T("race.xlsx"));
	ok(s != NULL && strcmp(s, "theirs\n") == 0, "... which is left "
	    "alone");
	ok((size_t)entries() == before + 1, "... and no temporary file "
	    "stays");

	t = NULL;
	rc = table_open(&t, T("race.csv"), 0, 0, &e);
	if (rc == 0) {
		table_row(t, cells, lens, 1, &e);
		fd = open(T("race.csv"), O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd != -1)
			close(fd);
		rc = table_commit(t, &e);
	}
	ok(rc == UIMP_EINVAL && mode_of(T("race.csv")) != (mode_t)-1,
	    "csv: commit refuses a file made meanwhile too");
}

static void
test_abort(void)
{
	struct table_out *t;
	struct uimp_err e;
	const char *cells[2] = { "a", "b" };
	size_t lens[2] = { 1, 1 };
	int before = entries(), rc;

	rc = table_open(&t, T("gone.csv"), 1, 0, &e);
	if (rc == 0) {
		table_row(t, cells, lens, 2, &e);
		table_abort(t);
	}
	rc |= table_open(&t, T("gone.xlsx"), 1, 1, &e);
	if (rc == 0) {
		table_row(t, cells, lens, 2, &e);
		table_row(t, cells, lens, 2, &e);
		table_abort(t);
	}
	ok(rc == 0 && entries() == before, "abort leaves nothing behind "
	    "(%d entries, %d before)", entries(), before);
	ok(access(T("gone.csv"), F_OK) == -1 && access(T("gone.xlsx"),
	    F_OK) == -1, "... not the file either");
}

/* A cell past the sheet's 32767 characters is cut, not refused. */
static void
test_long(void)
{
	struct uimp_read_opts ro = { UIMP_FORMAT_XLSX, "Users", 0, NULL, 0 };
	struct uimp_reader *r = NULL;
	const struct uimp_row *row = NULL;
	struct table_out *t;
	struct uimp_err e;
	const char *cells[1];
	size_t lens[1], i;
	char *big;
	int rc;

	memset(&e, 0, sizeof(e));
	if ((big = malloc(40000 * 2)) == NULL)
		return;
	/* 40000 two-byte characters */
	for (i = 0; i < 40000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	cells[0] = big;
	lens[0] = 80000;
	rc = table_open(&t, T("long.xlsx"), 0, 0, &e);
	if (rc == 0 && (rc = table_row(t, cells, lens, 1, &e)) == 0)
		rc = table_commit(t, &e);
	else if (rc == 0)
		table_abort(t);
	if (!ok(rc == 0, "xlsx: a cell of 40000 characters is written"))
		printf("# %s: %s\n", e.where, e.msg);
	if (rc == 0 && uimp_reader_open(&r, T("long.xlsx"), &ro, &e) == 0)
		uimp_reader_next_row(r, &row, &e);
	ok(row != NULL && row->ncells == 1 && row->cells[0].len == 2 * 32767,
	    "... cut at 32767 (%zu bytes)", row && row->ncells ?
	    row->cells[0].len : 0);
	uimp_reader_close(r);
	free(big);
}

/* The peak resident size so far, in KiB. */
static long
peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Write rows rows of four cells to path; 0 or the failure's status. */
static int
write_rows(const char *path, size_t rows, struct uimp_err *e)
{
	struct table_out *t;
	char a[32], b[32];
	const char *cells[4] = { a, b, "some text of a cell", NULL };
	size_t lens[4], r;
	int rc;

	if ((rc = table_open(&t, path, 0, 0, e)) != 0)
		return rc;
	for (r = 0; rc == 0 && r < rows; r++) {
		lens[0] = (size_t)snprintf(a, sizeof(a), "user%zu", r);
		lens[1] = (size_t)snprintf(b, sizeof(b), "%010zu", r);
		lens[2] = strlen(cells[2]);
		lens[3] = 0;
		rc = table_row(t, cells, lens, 4, e);
	}
	if (rc != 0) {
		table_abort(t);
		return rc;
	}
	return table_commit(t, e);
}

/*
 * Memory does not grow with rows: ten times the rows raise the peak set
 * by a first table by little.  Not under AddressSanitizer, whose
 * quarantine keeps what is freed.
 */
static void
test_large(void)
{
	struct uimp_err e;
	long peak;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = write_rows(T("small.xlsx"), 20000, &e);
	peak = peak_kib();
	if (rc == 0)
		rc = write_rows(T("big.xlsx"), 200000, &e);
	if (!ok(rc == 0, "xlsx: 20000 then 200000 rows written"))
		printf("# %s: %s\n", e.where, e.msg);
#if defined(__SANITIZE_ADDRESS__)
	(void)peak;
	ok(1, "# SKIP memory under AddressSanitizer");
#else
	ok(peak_kib() - peak < 8192, "... in constant memory (peak grew "
	    "%ld KiB)", peak_kib() - peak);
#endif
}

int
main(void)
{
	const char *env;
	char cmd[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((env = getenv("TMPDIR")) == NULL || *env == '\0' ||
	    strlen(env) > sizeof(tmpdir) - 20)
		env = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/table_write.XXXXXX", env);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! cannot create a temporary folder\n");
		return 1;
	}
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	test_csv();
	test_xlsx();
	test_modes();
	test_replace();
	test_abort();
	test_long();
	test_large();
	if (tap_failed == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# cannot remove %s\n", tmpdir);
	} else
		printf("# files kept in %s\n", tmpdir);
	return done_testing();
}
