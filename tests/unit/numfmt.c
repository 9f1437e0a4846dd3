/*
 * numfmt.c: unit tests of lib/numfmt.c: General numbers, zero padding,
 * date serials and the format code scanner.
 */
#include <string.h>

#include "internal.h"
#include "tap.h"

static void
number(double v, const char *want)
{
	char out[NUMFMT_BUFSZ];
	const char *got = out;

	numfmt_number(v, out, sizeof(out));
	is(got, want, "number %.17g is %s", v, want);
}

static void
parsed(const char *text, const char *want)
{
	char out[NUMFMT_BUFSZ];
	const char *got = out;
	double v;

	if (!ok(numfmt_parse(text, strlen(text), &v) == 0, "parse '%s'",
	    text))
		return;
	numfmt_number(v, out, sizeof(out));
	is(got, want, "'%s' reads %s", text, want);
}

static void
serial(double v, int date1904, int kind, const char *want)
{
	char out[NUMFMT_BUFSZ] = "";
	const char *got;
	int rc;

	rc = numfmt_serial(v, date1904, kind, out, sizeof(out));
	got = rc == 0 ? out : "(fail)";
	if (want == NULL)
		ok(rc == -1, "serial %.17g (%s) is no date", v,
		    date1904 ? "1904" : "1900");
	else
		is(got, want, "serial %.17g (%s) is %s",
		    v, date1904 ? "1904" : "1900", want);
}

static void
kind(const char *code, int want, int wantwidth)
{
	int width, k;

	k = numfmt_classify(code, &width);
	ok(k == want && (want != NUMFMT_ZEROPAD || width == wantwidth),
	    "format '%s' is kind %d (got %d, width %d)", code, want, k, width);
}

static void
iso(const char *text, int k, const char *want)
{
	char out[NUMFMT_BUFSZ] = "";
	const char *got;
	int rc;

	rc = numfmt_iso(text, k, out, sizeof(out));
	got = rc == 0 ? out : "(fail)";
	if (want == NULL)
		ok(rc == -1, "iso '%s' refused", text);
	else
		is(got, want, "iso '%s' as %d is %s", text,
		    k, want);
}

int
main(void)
{
	char out[NUMFMT_BUFSZ];
	double v;

	/* General numbers (SPEC §7, SOURCES.md "How to use") */
	number(0, "0");
	number(-0.0, "0");
	number(1, "1");
	number(-3, "-3");
	number(1.5, "1.5");
	number(0.3, "0.3");
	number(0.1 + 0.2, "0.3");
	number(79161234567.0, "79161234567");
	number(999999999999999.0, "999999999999999");
	number(1e15, "1E+15");
	number(1234567890123456.0, "1.23456789012346E+15");
	number(1.2010000000000001, "1.201");
	number(1.23456789e22, "1.23456789E+22");
	number(112300000000.0, "112300000000");
	number(1.2345678912, "1.2345678912");
	number(1e-9, "0.000000001");
	number(-1.0000000000000001e-9, "-0.000000001");
	number(1.0999999999999999e-10, "1.1E-10");
	number(1.123451e-10, "1.123451E-10");
	number(1e-10, "1E-10");
	number(123456789012.345678, "123456789012.346");
	number(10.6320601851852, "10.6320601851852");
	number(-1e300, "-1E+300");
	number(2.5e-300, "2.5E-300");
	number(0.000123, "0.000123");

	parsed("7.9161234567E10", "79161234567");
	parsed("1.2345678899999999", "1.23456789");
	parsed("-1.0000000000000001E-9", "-0.000000001");
	parsed(" 42 ", "42");
	parsed("1.23456789e+22", "1.23456789E+22");
	parsed("-8", "-8");
	parsed(".5", "0.5");
	ok(numfmt_parse("abc", 3, &v) == -1, "'abc' is no number");
	ok(numfmt_parse("inf", 3, &v) == -1, "'inf' is no number");
	ok(numfmt_parse("nan", 3, &v) == -1, "'nan' is no number");
	ok(numfmt_parse("0x10", 4, &v) == -1, "'0x10' is no number");
	ok(numfmt_parse("1e999", 5, &v) == -1, "'1e999' is no number");
	ok(numfmt_parse("", 0, &v) == -1, "'' is no number");
	ok(numfmt_parse("1e", 2, &v) == -1, "'1e' is no number");
	ok(numfmt_parse("1.5.2", 5, &v) == -1, "'1.5.2' is no number");

	/* zero padding */
	ok(numfmt_zeropad(123, 5, out, sizeof(out)) == 0 &&
	    strcmp(out, "00123") == 0, "123 padded to 5 is 00123 (%s)", out);
	ok(numfmt_zeropad(-42, 4, out, sizeof(out)) == 0 &&
	    strcmp(out, "-0042") == 0, "-42 padded to 4 is -0042 (%s)", out);
	ok(numfmt_zeropad(1234567, 5, out, sizeof(out)) == 0 &&
	    strcmp(out, "1234567") == 0, "wider numbers stay whole (%s)", out);
	ok(numfmt_zeropad(1.5, 5, out, sizeof(out)) == -1,
	    "1.5 is not padded");

	/* serials: 1900 system with its 1900-02-29, and 1904 */
	serial(1, 0, NUMFMT_DATE, "1900-01-01");
	serial(11, 0, NUMFMT_DATE, "1900-01-11");
	serial(59, 0, NUMFMT_DATE, "1900-02-28");
	serial(61, 0, NUMFMT_DATE, "1900-03-01");
	serial(111, 0, NUMFMT_DATE, "1900-04-20");
	serial(1111, 0, NUMFMT_DATE, "1903-01-15");
	serial(11111, 0, NUMFMT_DATE, "1930-06-02");
	serial(1000, 0, NUMFMT_DATE, "1902-09-26");
	serial(5000, 0, NUMFMT_DATE, "1913-09-08");
	serial(10000, 0, NUMFMT_DATE, "1927-05-18");
	serial(100000, 0, NUMFMT_DATE, "2173-10-14");
	serial(1000000, 0, NUMFMT_DATE, "4637-11-26");
	serial(44197, 0, NUMFMT_DATE, "2021-01-01");
	serial(2958465, 0, NUMFMT_DATE, "9999-12-31");
	serial(2958466, 0, NUMFMT_DATE, NULL);
	serial(-1, 0, NUMFMT_DATE, NULL);
	serial(1, 1, NUMFMT_DATE, "1904-01-02");
	serial(11111, 1, NUMFMT_DATE, "1934-06-03");
	serial(42735, 1, NUMFMT_DATE, "2021-01-01");
	serial(41689.4375, 0, NUMFMT_DATE, "2014-02-19");
	serial(41689.4375, 0, NUMFMT_DATETIME, "2014-02-19T10:30:00");
	serial(41689.4375, 0, NUMFMT_TIME, "10:30:00");
	serial(1.5, 0, NUMFMT_TIME, "12:00:00");
	serial(0.99999999, 0, NUMFMT_TIME, "00:00:00");
	serial(0.5 + 0.4 / 86400, 0, NUMFMT_TIME, "12:00:00");
	serial(0.5 + 0.6 / 86400, 0, NUMFMT_TIME, "12:00:01");
	serial(10.6320601851852, 0, NUMFMT_ELAPSED, "255:10:10");
	serial(10.6320601851852, 1, NUMFMT_ELAPSED, "255:10:10");
	serial(1.5, 0, NUMFMT_ELAPSED, "36:00:00");
	serial(-1.5, 0, NUMFMT_ELAPSED, "-36:00:00");

	/* built-in ids */
	ok(numfmt_builtin(0) == NUMFMT_GENERAL, "id 0 is General");
	ok(numfmt_builtin(1) == NUMFMT_GENERAL, "id 1 is a number");
	ok(numfmt_builtin(14) == NUMFMT_DATE, "id 14 is a date");
	ok(numfmt_builtin(18) == NUMFMT_TIME, "id 18 is a time");
	ok(numfmt_builtin(21) == NUMFMT_TIME, "id 21 is a time");
	ok(numfmt_builtin(22) == NUMFMT_DATETIME, "id 22 is a date and time");
	ok(numfmt_builtin(46) == NUMFMT_ELAPSED, "id 46 is elapsed");
	ok(numfmt_builtin(31) == NUMFMT_DATE, "id 31 is a date");
	ok(numfmt_builtin(57) == NUMFMT_DATE, "id 57 is a date");
	ok(numfmt_builtin(39) == NUMFMT_GENERAL, "id 39 is a number");

	/* format codes */
	kind("General", NUMFMT_GENERAL, 0);
	kind("", NUMFMT_GENERAL, 0);
	kind("0", NUMFMT_GENERAL, 0);
	kind("0.00", NUMFMT_GENERAL, 0);
	kind("0.00E+00", NUMFMT_GENERAL, 0);
	kind("0%", NUMFMT_GENERAL, 0);
	kind("00.000%", NUMFMT_GENERAL, 0);
	kind("#,##0.00 [$\xe2\x82\xac-407]", NUMFMT_GENERAL, 0);
	kind("\"This is \"\\ 0.0", NUMFMT_GENERAL, 0);
	kind("00000", NUMFMT_ZEROPAD, 5);
	kind("000000;-000000", NUMFMT_ZEROPAD, 6);
	kind("yyyy-mm-dd", NUMFMT_DATE, 0);
	kind("yyyy\\-mm\\-dd;@", NUMFMT_DATE, 0);
	kind("m/d/yyyy", NUMFMT_DATE, 0);
	kind("mmm", NUMFMT_DATE, 0);
	kind("mmmm yyyy", NUMFMT_DATE, 0);
	kind("[$-409]mmmm\\ yyyy;@", NUMFMT_DATE, 0);
	kind("[$-411]ggge\"\xe5\xb9\xb4\"m\"\xe6\x9c\x88\"d\"\xe6\x97\xa5\";@",
	    NUMFMT_DATE, 0);
	kind("yyyy-mm-dd h:mm:ss", NUMFMT_DATETIME, 0);
	kind("m/d/yyyy h:mm", NUMFMT_DATETIME, 0);
	kind("h:mm AM/PM", NUMFMT_TIME, 0);
	kind("h:mm:ss", NUMFMT_TIME, 0);
	kind("mm:ss", NUMFMT_TIME, 0);
	kind("[h]:mm:ss", NUMFMT_ELAPSED, 0);
	kind("[hh]:mm:ss", NUMFMT_ELAPSED, 0);
	kind("[mm]:ss", NUMFMT_ELAPSED, 0);
	kind("[Red]0.00", NUMFMT_GENERAL, 0);
	kind("\"day\" 0", NUMFMT_GENERAL, 0);
	kind("0_);[Red]\\(0\\)", NUMFMT_GENERAL, 0);
	kind("_-* #,##0 \"d\"_-", NUMFMT_GENERAL, 0);
	kind("\"\xe4\xb8\x8a\xe5\x8d\x88/\xe4\xb8\x8b\xe5\x8d\x88 \""
	    "hh\"\xe6\x99\x82\"mm", NUMFMT_TIME, 0);
	kind("[Blue][<=100]0;General", NUMFMT_GENERAL, 0);

	/* t="d" cells */
	iso("2021-01-01", NUMFMT_GENERAL, "2021-01-01");
	iso("2021-01-01T10:10:10", NUMFMT_GENERAL, "2021-01-01T10:10:10");
	iso("10:10:10", NUMFMT_GENERAL, "10:10:10");
	iso("2021-01-01", NUMFMT_DATE, "2021-01-01");
	iso("2021-01-01T10:10:10", NUMFMT_DATETIME, "2021-01-01T10:10:10");
	iso("10:10:10", NUMFMT_TIME, "10:10:10");
	iso("2014-02-14T08:27:48.765Z", NUMFMT_DATE, "2014-02-14");
	iso("2014-02-14T08:27:48.765Z", NUMFMT_DATETIME,
	    "2014-02-14T08:27:49");
	iso("2014-02-14T08:27:48.765Z", NUMFMT_TIME, "08:27:49");
	iso("1990-01-01T00:00:00", NUMFMT_DATE, "1990-01-01");
	iso("2021-01-01T10:10:10+02:00", NUMFMT_DATETIME,
	    "2021-01-01T10:10:10");
	iso("1899-12-31T12:00:00", NUMFMT_ELAPSED, "36:00:00");
	iso("hello", NUMFMT_DATE, NULL);
	iso("2021-13-01", NUMFMT_DATE, NULL);
	iso("2021-01-01x", NUMFMT_DATE, NULL);
	iso("", NUMFMT_DATE, NULL);

	return done_testing();
}
