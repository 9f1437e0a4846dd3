/*
 * fuzz.h: what the reader targets (xlsx.c, csv.c) share: the input's bytes
 * in a memory file, and a full read of the table with the cells checked.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "userimp.h"

/* Rows read from one input at most: bounds the work, not the reader. */
#define FUZZ_ROWS_MAX	100000UL

/*
 * The path of a memory file (one per process, made on first use), as the
 * reader opens it again by name.
 */
static const char *
fuzz_path(int *fdp)
{
	static char path[64];
	static int fd = -1;

	if (fd == -1) {
		if ((fd = memfd_create("fuzz-input", 0)) == -1) {
			perror("memfd_create");
			__builtin_trap();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	*fdp = fd;
	return path;
}

/* Replace the memory file's bytes with data[0..size); returns its path. */
static const char *
fuzz_put(const uint8_t *data, size_t size)
{
	const char *path;
	size_t off = 0;
	ssize_t n;
	int fd;

	path = fuzz_path(&fd);
	if (ftruncate(fd, 0) == -1)
		__builtin_trap();
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			__builtin_trap();
		off += (size_t)n;
	}
	return path;
}

/* A borrowed cell must keep the promises of struct uimp_cell. */
static void
fuzz_check_cell(const struct uimp_cell *c)
{
	if (c->text == NULL || c->text[c->len] != '\0' ||
	    strlen(c->text) > c->len)
		__builtin_trap();
	if (c->type < UIMP_CELL_EMPTY || c->type > UIMP_CELL_ERROR)
		__builtin_trap();
	if (c->type == UIMP_CELL_EMPTY && c->len != 0)
		__builtin_trap();
	/* UIMP_CELL_MAX characters of at most 4 bytes */
	if (c->len > 4 * (size_t)UIMP_CELL_MAX)
		__builtin_trap();
	if (!(c->flags & UIMP_CELL_BAD_UTF8) &&
	    uimp_utf8_len(c->text, c->len, NULL) < 0)
		__builtin_trap();
}

/* Messages are NUL-terminated inside their arrays. */
static void
fuzz_check_err(const struct uimp_err *e)
{
	if (memchr(e->where, '\0', sizeof(e->where)) == NULL ||
	    memchr(e->msg, '\0', sizeof(e->msg)) == NULL)
		__builtin_trap();
}

/* Open path with o, read every row (up to FUZZ_ROWS_MAX), close. */
static void
fuzz_read(const char *path, const struct uimp_read_opts *o)
{
	struct uimp_reader *r;
	const struct uimp_row *row;
	struct uimp_err e;
	unsigned long n;
	size_t i;
	char hex[65];

	memset(&e, 0, sizeof(e));
	if (uimp_reader_open(&r, path, o, &e) != UIMP_OK) {
		if (r != NULL)
			__builtin_trap();
		fuzz_check_err(&e);
		return;
	}
	for (n = 0; n < FUZZ_ROWS_MAX; n++) {
		if (uimp_reader_next_row(r, &row, &e) != UIMP_OK) {
			fuzz_check_err(&e);
			break;
		}
		if (row == NULL)
			break;
		if (row->ncells > UIMP_COLS_MAX ||
		    (row->ncells > 0 && row->cells == NULL))
			__builtin_trap();
		for (i = 0; i < row->ncells; i++)
			fuzz_check_cell(&row->cells[i]);
	}
	(void)uimp_reader_sheet(r);
	if (uimp_reader_sha256(r, hex) == UIMP_OK && strlen(hex) != 64)
		__builtin_trap();
	uimp_reader_close(r);
}

#endif
