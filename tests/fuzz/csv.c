/*
 * csv.c: libFuzzer target for the CSV reader, on the input's bytes as a
 * CSV file whose delimiter is found from its header line.
 */
#define _GNU_SOURCE	/* memfd_create() */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uimp_read_opts o;

	memset(&o, 0, sizeof(o));
	o.format = UIMP_FORMAT_CSV;
	fuzz_read(fuzz_put(data, size), &o);
	return 0;
}
