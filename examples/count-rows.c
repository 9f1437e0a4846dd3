/*
 * count-rows.c: print how many non-empty rows each file's first sheet
 * holds, with libuserimp's reader (xlsx or CSV).
 *   cc -Ilib -o count-rows examples/count-rows.c build/libuserimp.a \
 *       $(pkg-config --libs expat minizip sqlite3 libargon2) -lm -pthread
 */
#include <stdio.h>

#include "userimp.h"

int
main(int argc, char *argv[])
{
	const struct uimp_row *row;
	struct uimp_reader *r;
	struct uimp_err e;
	unsigned long n;
	int i, rc, status = 0;

	for (i = 1; i < argc; i++) {
		if (uimp_reader_open(&r, argv[i], NULL, &e) != UIMP_OK) {
			fprintf(stderr, "%s: %s\n", e.where, e.msg);
			status = 1;
			continue;
		}
		n = 0;
		while ((rc = uimp_reader_next_row(r, &row, &e)) == UIMP_OK &&
		    row != NULL)
			if (row->ncells > 0)
				n++;
		if (rc != UIMP_OK) {
			fprintf(stderr, "%s: %s\n", e.where, e.msg);
			status = 1;
		}
		printf("%s\t%lu\n", argv[i], n);
		uimp_reader_close(r);
	}
	return status;
}
