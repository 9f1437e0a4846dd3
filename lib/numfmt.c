/*
 * numfmt.c: how a number cell reads as text: General numbers to 15
 * significant digits, zero padding, and date serials as ISO 8601 (SPEC §7).
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Days from 1970-01-01 to the two epochs' day 0. */
#define DAY0_1900	(-25569)	/* 1899-12-30 */
#define DAY0_1904	(-24107)	/* 1904-01-01 */
/* The largest serial a spreadsheet shows as a date: 9999-12-31. */
#define SERIAL_MAX	2958466.0

int
numfmt_builtin(unsigned id)
{
	switch (id) {
	case 14: case 15: case 16: case 17:
	case 27: case 28: case 29: case 30: case 31: case 36:
	case 50: case 51: case 52: case 53: case 54: case 57: case 58:
		return NUMFMT_DATE;
	case 22:
		return NUMFMT_DATETIME;
	case 18: case 19: case 20: case 21: case 45: case 47:
	case 32: case 33: case 34: case 35: case 55: case 56:
		return NUMFMT_TIME;
	case 46:
		return NUMFMT_ELAPSED;
	}
	return NUMFMT_GENERAL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
prefix_ci(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (lower((unsigned char)*s) != *p)
			return 0;
	return 1;
}

/*
 * Whether the bracket text b[0..n) is an elapsed-time token: [h] [hh]
 * [mm] [ss] and so on, one letter repeated.
 */
static int
elapsed_token(const char *b, size_t n)
{
	size_t i;
	int c;

	if (n == 0)
		return 0;
	c = lower((unsigned char)b[0]);
	if (c != 'h' && c != 'm' && c != 's')
		return 0;
	for (i = 1; i < n; i++)
		if (lower((unsigned char)b[i]) != c)
			return 0;
	return 1;
}

int
numfmt_classify(const char *code, int *width)
{
	const char *p, *q;
	int date = 0, time = 0, month = 0, elapsed = 0, zeros = 0, other = 0;
	int c;

	*width = 0;
	for (p = code; *p && *p != ';'; p++) {
		c = lower((unsigned char)*p);
		switch (c) {
		case '"':
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
			other = 1;
			continue;
		case '\\': case '_': case '*':
			if (p[1])
				p++;
			other = 1;
			continue;
		case '[':
			if ((q = strchr(p, ']')) == NULL)
				return NUMFMT_GENERAL;
			if (elapsed_token(p + 1, (size_t)(q - p - 1)))
				elapsed = 1;
			p = q;
			other = 1;
			continue;
		case 'g':
			if (prefix_ci(p, "general"))
				p += 6;
			other = 1;
			continue;
		case 'a':
			if (prefix_ci(p, "am/pm"))
				p += 4;
			else if (prefix_ci(p, "a/p"))
				p += 2;
			time = 1;
			other = 1;
			continue;
		case 'd': case 'y':
			date = 1;
			break;
		case 'h': case 's':
			time = 1;
			break;
		case 'm':
			month = 1;
			break;
		case '0':
			zeros++;
			continue;
		}
		other = 1;
	}
	if (elapsed)
		return NUMFMT_ELAPSED;
	if (month && !time)
		date = 1;
	if (date && time)
		return NUMFMT_DATETIME;
	if (date)
		return NUMFMT_DATE;
	if (time)
		return NUMFMT_TIME;
	if (zeros > 1 && !other) {
		*width = zeros > NUMFMT_PAD_MAX ? NUMFMT_PAD_MAX : zeros;
		return NUMFMT_ZEROPAD;
	}
	return NUMFMT_GENERAL;
}

int
numfmt_parse(const char *s, size_t len, double *v)
{
	char tmp[512], *end;
	const char *dp;
	size_t i, j;
	int digits = 0, whole;

	while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' ||
	    *s == '\n'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	/* Check the grammar by hand: strtod() also takes "inf" and hex. */
	i = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	whole = i == len;	/* no fraction, no exponent */
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != len)
		return -1;
	/* a whole number of up to 15 digits is exact as a double */
	if (whole && digits <= 15) {
		long long n = 0;

		for (i = s[0] == '+' || s[0] == '-'; i < len; i++)
			n = n * 10 + (s[i] - '0');
		*v = s[0] == '-' ? -(double)n : (double)n;
		return 0;
	}
	/* strtod() reads the locale's decimal point. */
	dp = localeconv()->decimal_point;
	for (i = j = 0; i < len; i++)
		if (s[i] == '.' && dp[0] != '.')
			tmp[j++] = dp[0] ? dp[0] : '.';
		else
			tmp[j++] = s[i];
	tmp[j] = '\0';
	*v = strtod(tmp, &end);
	if (!isfinite(*v))
		return -1;
	return 0;
}

/* n in decimal, as "%lld" would write it */
static void
whole(long long n, char *out, size_t outsz)
{
	char tmp[24];
	unsigned long long u = n < 0 ? -(unsigned long long)n :
	    (unsigned long long)n;
	size_t i = sizeof(tmp), k = 0;

	do
		tmp[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		tmp[--i] = '-';
	if (outsz == 0)
		return;
	while (i < sizeof(tmp) && k + 1 < outsz)
		out[k++] = tmp[i++];
	out[k] = '\0';
}

/* v (0 to 9999) in width digits at p */
static void
put_digits(char *p, int v, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
numfmt_number(double v, char *out, size_t outsz)
{
	char tmp[64], digits[20];
	char *p;
	int exp, nd, i, k;
	size_t n = 0;

	if (v == 0 || !isfinite(v)) {
		snprintf(out, outsz, "0");
		return;
	}
	if (fabs(v) < 1e15 && v == floor(v)) {
		whole((long long)v, out, outsz);
		return;
	}
	/* 15 significant digits: d.dddddddddddddde[+-]X */
	snprintf(tmp, sizeof(tmp), "%.14e", fabs(v));
	nd = 0;
	for (p = tmp; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < 15)
			digits[nd++] = *p;
	exp = *p == 'e' ? atoi(p + 1) : 0;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (v < 0)
		tmp[n++] = '-';
	if (exp >= 15 || exp < -9) {
		tmp[n++] = digits[0];
		if (nd > 1) {
			tmp[n++] = '.';
			for (i = 1; i < nd; i++)
				tmp[n++] = digits[i];
		}
		snprintf(tmp + n, sizeof(tmp) - n, "E%c%d", exp < 0 ? '-' : '+',
		    exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		tmp[n++] = '0';
		tmp[n++] = '.';
		for (k = -1; k > exp; k--)
			tmp[n++] = '0';
		for (i = 0; i < nd; i++)
			tmp[n++] = digits[i];
		tmp[n] = '\0';
	} else {
		for (i = 0; i <= exp; i++)
			tmp[n++] = i < nd ? digits[i] : '0';
		if (nd > exp + 1) {
			tmp[n++] = '.';
			for (; i < nd; i++)
				tmp[n++] = digits[i];
		}
		tmp[n] = '\0';
	}
	snprintf(out, outsz, "%s", tmp);
}

int
numfmt_zeropad(double v, int width, char *out, size_t outsz)
{
	if (v != floor(v) || fabs(v) >= 1e15)
		return -1;
	if (width > NUMFMT_PAD_MAX)
		width = NUMFMT_PAD_MAX;
	if (v < 0)
		snprintf(out, outsz, "-%0*.0f", width, -v);
	else
		snprintf(out, outsz, "%0*.0f", width, v == 0 ? 0.0 : v);
	return 0;
}

/* Gregorian date of day z counted from 1970-01-01 (H. Hinnant's method). */
static void
civil(long long z, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Day count from 1970-01-01 of y-m-d. */
static long long
days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * Write day (from 1970-01-01) and second of the day sod as kind says;
 * elapsed is the total of seconds for NUMFMT_ELAPSED.
 */
static int
render(long long day, long long sod, long long elapsed, int kind, char *out,
    size_t outsz)
{
	int y, m, d, hh, mi, ss;

	hh = (int)(sod / 3600);
	mi = (int)(sod / 60 % 60);
	ss = (int)(sod % 60);
	switch (kind) {
	case NUMFMT_DATE:
		civil(day, &y, &m, &d);
		if (y >= 0 && y <= 9999 && outsz >= 11) {
			put_digits(out, y, 4);
			out[4] = '-';
			put_digits(out + 5, m, 2);
			out[7] = '-';
			put_digits(out + 8, d, 2);
			out[10] = '\0';
		} else
			snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
		break;
	case NUMFMT_DATETIME:
		civil(day, &y, &m, &d);
		snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
		    hh, mi, ss);
		break;
	case NUMFMT_TIME:
		snprintf(out, outsz, "%02d:%02d:%02d", hh, mi, ss);
		break;
	case NUMFMT_ELAPSED:
		snprintf(out, outsz, "%s%lld:%02lld:%02lld",
		    elapsed < 0 ? "-" : "", llabs(elapsed) / 3600,
		    llabs(elapsed) / 60 % 60, llabs(elapsed) % 60);
		break;
	default:
		return -1;
	}
	return 0;
}

int
numfmt_serial(double v, int date1904, int kind, char *out, size_t outsz)
{
	long long secs, days, sod;

	if (!isfinite(v) || fabs(v) >= SERIAL_MAX)
		return -1;
	secs = llround(v * 86400.0);
	if (kind == NUMFMT_ELAPSED)
		return render(0, 0, secs, kind, out, outsz);
	if (secs < 0)
		return -1;
	days = secs / 86400;
	sod = secs % 86400;
	if (date1904)
		days += DAY0_1904;
	else if (days < 61)
		/* Excel counts a 1900-02-29 that never was (serial 60). */
		days += DAY0_1900 + 1;
	else
		days += DAY0_1900;
	return render(days, sod, 0, kind, out, outsz);
}

/* Read n digits at *p into *val; 0 or -1. */
static int
digits(const char **p, int n, int *val)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	*val = v;
	return 0;
}

int
numfmt_iso(const char *s, int kind, char *out, size_t outsz)
{
	const char *p = s;
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
	int has_date = 0, has_time = 0;
	long long day = 0, secs, ms = 0, scale;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (strlen(p) >= 10 && p[4] == '-') {
		if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
		    *p++ != '-' || digits(&p, 2, &d))
			return -1;
		if (mo < 1 || mo > 12 || d < 1 || d > 31)
			return -1;
		has_date = 1;
		if (*p == 'T' || *p == ' ')
			p++;
	}
	if (p[0] >= '0' && p[0] <= '9') {
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
			if (*p == '.' || *p == ',') {
				/* milliseconds, further digits dropped */
				for (p++, scale = 100; *p >= '0' && *p <= '9';
				    p++, scale /= 10)
					ms += (*p - '0') * scale;
			}
		}
		if (h > 24 || mi > 59 || sec > 60)
			return -1;
		has_time = 1;
	}
	/* A zone is dropped: the cell shows the wall-clock time written. */
	if (*p == 'Z')
		p++;
	else if ((*p == '+' || *p == '-') && has_time)
		p += strspn(p + 1, "0123456789:") + 1;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p != '\0' || (!has_date && !has_time))
		return -1;
	secs = (long long)h * 3600 + mi * 60 + sec + (ms >= 500);
	if (has_date)
		day = days_from_civil(y, mo, d);
	day += secs / 86400;
	secs %= 86400;
	if (kind == NUMFMT_GENERAL || kind == NUMFMT_ZEROPAD)
		kind = !has_date ? NUMFMT_TIME :
		    has_time ? NUMFMT_DATETIME : NUMFMT_DATE;
	else if (!has_date && kind != NUMFMT_ELAPSED)
		kind = NUMFMT_TIME;
	if (kind == NUMFMT_ELAPSED)
		return render(0, 0, (has_date ? (day - DAY0_1900) * 86400 : 0) +
		    secs, kind, out, outsz);
	return render(day, secs, 0, kind, out, outsz);
}
