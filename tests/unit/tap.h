/*
 * tap.h: a minimal Test Anything Protocol producer for the C unit tests.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!cond) {
		printf(" # %s:%d", file, line);
		tap_failed++;
	}
	printf("\n");
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static int
tap_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Print both strings when they differ; returns whether they are equal. */
static int
tap_diag(int same, const char *got, const char *want)
{
	if (!same)
		printf("#   got: '%s'\n#  want: '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
	return same;
}

/* ok() on two strings, printing both when they differ */
#define is(got, want, ...) tap_diag(ok(tap_streq((got), (want)), \
	__VA_ARGS__), (got), (want))

/*
 * s with control characters shown as \n \r \t \xHH, for TAP lines; one of
 * four static buffers, so that a line may show a few.
 */
static inline const char *
tap_vis(const char *s)
{
	static char out[4][700];
	static int k;
	char *o = out[k++ % 4];
	size_t n = 0;

	for (; s && *s && n < sizeof(out[0]) - 8; s++) {
		if (*s == '\n')
			n += (size_t)sprintf(o + n, "\\n");
		else if (*s == '\r')
			n += (size_t)sprintf(o + n, "\\r");
		else if (*s == '\t')
			n += (size_t)sprintf(o + n, "\\t");
		else if ((unsigned char)*s < 0x20)
			n += (size_t)sprintf(o + n, "\\x%02x", *s);
		else
			o[n++] = *s;
	}
	o[n] = '\0';
	return o;
}

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
