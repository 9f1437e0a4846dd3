/*
 * replay.c: run one fuzz target (built with -DFUZZ_TARGET='"name"') on
 * every file of its corpus and of its past crashes, one TAP test each.
 *
 * usage: replay-NAME [DIR ...]
 *
 * Without DIR, the folders are tests/fuzz/corpus/NAME and, if present,
 * tests/fuzz/crashes/NAME, found from the working folder or a parent.  A
 * crash ends the run: prove reports the binary as failed.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ntests, nfailed;

/* One TAP line, as tests/unit/tap.h's ok() prints it. */
static void
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	printf("%sok %d - ", cond ? "" : "not ", ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		nfailed++;
}

static int
done_testing(void)
{
	printf("1..%d\n", ntests);
	return nfailed != 0;
}

/* Read the file at path into a new buffer of exactly its size. */
static uint8_t *
slurp(const char *path, size_t *size)
{
	FILE *fp;
	uint8_t *p = NULL;
	long n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (p = malloc(n > 0 ? (size_t)n : 1)) != NULL &&
	    fread(p, 1, (size_t)n, fp) != (size_t)n) {
		free(p);
		p = NULL;
	}
	if (p != NULL)
		*size = (size_t)n;
	fclose(fp);
	return p;
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Run the target on each file of dir, in name order. */
static void
replay(const char *dir)
{
	struct dirent **names;
	char path[4096];
	uint8_t *data;
	size_t size;
	int i, n;

	if ((n = scandir(dir, &names, visible, alphasort)) == -1) {
		ok(0, "%s: cannot read the folder", dir);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if ((data = slurp(path, &size)) == NULL)
			ok(0, "%s: cannot read", path);
		else {
			LLVMFuzzerTestOneInput(data, size);
			ok(1, "%s", path);
			free(data);
		}
		free(names[i]);
	}
	free(names);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
main(int argc, char *argv[])
{
	char corpus[4096], crashes[4096], up[64] = "";
	int i;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			replay(argv[i]);
		return done_testing();
	}
	/* the repository's root: here or a few folders up */
	for (i = 0; i < 8; i++) {
		snprintf(corpus, sizeof(corpus), "%stests/fuzz/corpus/%s", up,
		    FUZZ_TARGET);
		if (is_dir(corpus))
			break;
		strcat(up, "../");
	}
	if (i == 8) {
		ok(0, "no tests/fuzz/corpus/%s here or above", FUZZ_TARGET);
		return done_testing();
	}
	replay(corpus);
	snprintf(crashes, sizeof(crashes), "%stests/fuzz/crashes/%s", up,
	    FUZZ_TARGET);
	if (is_dir(crashes))
		replay(crashes);
	return done_testing();
}
