/*
 * zip.h: for the unit tests that read back what they wrote: one part of a
 * zip (an xlsx workbook), whole.
 */
#ifndef USERIMP_TESTS_ZIP_H
#define USERIMP_TESTS_ZIP_H

#include <stdlib.h>

#include <minizip/unzip.h>

/* The part name of the zip at path, NUL-terminated; NULL if missing. */
static char *
zip_part(const char *path, const char *name)
{
	unzFile z;
	unz_file_info info;
	char *p = NULL;
	int n;

	if ((z = unzOpen(path)) == NULL)
		return NULL;
	if (unzLocateFile(z, name, 1) != UNZ_OK ||
	    unzGetCurrentFileInfo(z, &info, NULL, 0, NULL, 0, NULL, 0) !=
	    UNZ_OK || unzOpenCurrentFile(z) != UNZ_OK)
		goto out;
	if ((p = malloc(info.uncompressed_size + 1)) == NULL)
		goto close;
	n = unzReadCurrentFile(z, p, (unsigned)info.uncompressed_size);
	if (n < 0 || (unsigned long)n != info.uncompressed_size) {
		free(p);
		p = NULL;
		goto close;
	}
	p[n] = '\0';
close:
	unzCloseCurrentFile(z);
out:
	unzClose(z);
	return p;
}

#endif
