/*
 * mkxlsx.c: write a test workbook with libxlsxwriter from a TSV on stdin.
 *
 * usage: mkxlsx [-i] [-s NAME] OUT.xlsx [SHEET]
 *
 * Each line is a row (the first one the headers), cells apart by tabs.  A
 * cell is a string unless it starts with one of:
 *	#n:123		a number
 *	#b:1		a boolean (1 or 0)
 *	#d:2021-01-01	a date with format yyyy-mm-dd (with a time after
 *			'T': format yyyy-mm-dd hh:mm:ss)
 *	#f:=1+1		a formula (libxlsxwriter caches 0)
 *	#F:FMT:123	a number with the number format FMT (up to the
 *			last ':')
 *	#e:		nothing: the cell is left out
 * Escapes in any cell: \t tab, \n line feed, \\ backslash.
 * -s NAME (or SHEET) names the sheet; -i writes in constant_memory mode,
 * where strings are inline strings.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

static void
usage(void)
{
	fprintf(stderr, "usage: mkxlsx [-i] [-s NAME] OUT.xlsx [SHEET]\n");
	exit(2);
}

/* Undo \t \n \\ in s, in place. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

static lxw_error
write_date(lxw_worksheet *ws, lxw_workbook *wb, lxw_row_t row, lxw_col_t col,
    const char *s)
{
	static lxw_format *fdate, *ftime;
	lxw_datetime dt;
	int n;

	memset(&dt, 0, sizeof(dt));
	n = sscanf(s, "%d-%d-%dT%d:%d:%lf", &dt.year, &dt.month, &dt.day,
	    &dt.hour, &dt.min, &dt.sec);
	if (n < 3)
		errx(1, "bad date '%s'", s);
	if (n > 3) {
		if (ftime == NULL) {
			ftime = workbook_add_format(wb);
			format_set_num_format(ftime, "yyyy-mm-dd hh:mm:ss");
		}
		return worksheet_write_datetime(ws, row, col, &dt, ftime);
	}
	if (fdate == NULL) {
		fdate = workbook_add_format(wb);
		format_set_num_format(fdate, "yyyy-mm-dd");
	}
	return worksheet_write_datetime(ws, row, col, &dt, fdate);
}

static lxw_error
write_cell(lxw_worksheet *ws, lxw_workbook *wb, lxw_row_t row, lxw_col_t col,
    char *s)
{
	lxw_format *f;
	char *colon;

	unescape(s);
	if (s[0] != '#' || s[1] == '\0' || s[2] != ':')
		return worksheet_write_string(ws, row, col, s, NULL);
	switch (s[1]) {
	case 'n':
		return worksheet_write_number(ws, row, col, strtod(s + 3, NULL),
		    NULL);
	case 'b':
		return worksheet_write_boolean(ws, row, col, atoi(s + 3), NULL);
	case 'd':
		return write_date(ws, wb, row, col, s + 3);
	case 'f':
		return worksheet_write_formula(ws, row, col, s + 3, NULL);
	case 'F':
		if ((colon = strrchr(s + 3, ':')) == NULL)
			errx(1, "bad cell '%s': #F:FORMAT:NUMBER", s);
		*colon = '\0';
		f = workbook_add_format(wb);
		format_set_num_format(f, s + 3);
		return worksheet_write_number(ws, row, col,
		    strtod(colon + 1, NULL), f);
	case 'e':
		return LXW_NO_ERROR;
	}
	return worksheet_write_string(ws, row, col, s, NULL);
}

int
main(int argc, char **argv)
{
	lxw_workbook_options opt;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_error rc;
	const char *sheet = NULL;
	char *line = NULL, *cell, *tab;
	size_t cap = 0;
	ssize_t n;
	lxw_row_t row = 0;
	lxw_col_t col;
	int ch;

	memset(&opt, 0, sizeof(opt));
	while ((ch = getopt(argc, argv, "is:")) != -1)
		switch (ch) {
		case 'i':
			opt.constant_memory = LXW_TRUE;
			break;
		case 's':
			sheet = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		usage();
	if (argc == 2)
		sheet = argv[1];
	if ((wb = workbook_new_opt(argv[0], &opt)) == NULL)
		errx(1, "cannot create '%s'", argv[0]);
	if ((ws = workbook_add_worksheet(wb, sheet)) == NULL)
		errx(1, "bad sheet name '%s'", sheet);
	while ((n = getline(&line, &cap, stdin)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (col = 0, cell = line; cell; col++, cell = tab) {
			if ((tab = strchr(cell, '\t')) != NULL)
				*tab++ = '\0';
			if ((rc = write_cell(ws, wb, row, col, cell)))
				errx(1, "row %u column %u: %s",
				    (unsigned)row + 1, (unsigned)col + 1,
				    lxw_strerror(rc));
		}
		row++;
	}
	if (ferror(stdin))
		err(1, "stdin");
	free(line);
	if ((rc = workbook_close(wb)) != LXW_NO_ERROR)
		errx(1, "cannot write '%s': %s", argv[0], lxw_strerror(rc));
	return 0;
}
