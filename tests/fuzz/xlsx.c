/*
 * xlsx.c: libFuzzer target for the xlsx reader, on the input's bytes as a
 * workbook; an input that starts with "%%" is a list of parts instead,
 * zipped here (stored, right CRCs) so that mutations reach the XML.
 */
#define _GNU_SOURCE	/* memfd_create() */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <minizip/zip.h>

#include "fuzz.h"

/* Parts zipped from one input at most. */
#define PARTS_MAX	64

/*
 * Zip the parts of data[0..size) to path: each part is "%%NAME\n" and its
 * bytes, up to the next "\n%%".  Returns 0, or -1 when the zip could not
 * be written (nothing to read then).
 */
static int
zip_parts(const char *path, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nl, *next;
	char name[256];
	size_t k, nparts = 0;
	zipFile zf;
	int rc = 0;

	if ((zf = zipOpen64(path, APPEND_STATUS_CREATE)) == NULL)
		return -1;
	while (p < end && nparts++ < PARTS_MAX) {
		p += 2;		/* "%%" */
		for (next = p; next + 3 <= end; next++)
			if (next[0] == '\n' && next[1] == '%' && next[2] == '%')
				break;
		if (next + 3 > end)
			next = end;
		if ((nl = memchr(p, '\n', (size_t)(next - p))) == NULL)
			nl = next;
		k = (size_t)(nl - p) < sizeof(name) - 1 ? (size_t)(nl - p) :
		    sizeof(name) - 1;
		memcpy(name, p, k);
		name[k] = '\0';
		if (nl < next)
			nl++;
		if (zipOpenNewFileInZip64(zf, name, NULL, NULL, 0, NULL, 0,
		    NULL, 0, 0, 0) != ZIP_OK ||
		    zipWriteInFileInZip(zf, nl, (unsigned)(next - nl)) !=
		    ZIP_OK ||
		    zipCloseFileInZip(zf) != ZIP_OK) {
			rc = -1;
			break;
		}
		p = next < end ? next + 1 : end;
	}
	if (zipClose(zf, NULL) != ZIP_OK)
		rc = -1;
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uimp_read_opts o;
	const char *path;
	int fd;

	if (size >= 2 && data[0] == '%' && data[1] == '%') {
		path = fuzz_path(&fd);
		if (zip_parts(path, data, size) == -1)
			return 0;
	} else
		path = fuzz_put(data, size);
	memset(&o, 0, sizeof(o));
	o.format = UIMP_FORMAT_XLSX;
	fuzz_read(path, &o);
	/* the sheet at a position: odd sizes read the second one too */
	if (size % 2 == 1) {
		o.sheet = "2";
		fuzz_read(path, &o);
	}
	return 0;
}
