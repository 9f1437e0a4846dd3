/*
 * csv_read.c: a streaming RFC 4180 reader for CSV and TSV files in UTF-8,
 * or converted to it block by block with iconv(3), lenient where
 * spreadsheet programs are.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"

int	csv_byte_by_byte;

#define RBUF_SIZE	(1 << 16)

/* Bytes kept in one field: UIMP_CELL_MAX characters of up to 4 bytes. */
#define FIELD_BYTES_MAX	((size_t)UIMP_CELL_MAX * 4)
/* Bytes kept for one record (userimp(1) LIMITS). */
#define RECORD_MAX	((size_t)64 << 20)

/* Where one field of the current record lies in csv.text. */
struct field {
	size_t	off;
	size_t	len;
	int	flags;
};

struct csv {
	int		 fd;
	const char	*display;
	int		 delim;

	unsigned char	*rbuf;		/* RBUF_SIZE bytes */
	size_t		 rpos;
	size_t		 rlen;
	int		 eof;
	int		 ioerr;		/* errno of a failed read, or 0 */
	int		 prev;		/* the byte read before, for CR LF */
	unsigned long	 line;		/* the line of the next byte */
	uint64_t	 off;		/* the offset of the next byte */

	/*
	 * Another encoding: the file's bytes wait in ibuf, and rbuf holds
	 * them converted to UTF-8.  Line breaks stay line breaks, so lines
	 * count as in the file; offsets count converted bytes.
	 */
	iconv_t		 cd;		/* (iconv_t)-1: the file is UTF-8 */
	char		 encoding[64];	/* its name as given or found */
	unsigned char	*ibuf;		/* RBUF_SIZE bytes */
	size_t		 ipos;
	size_t		 ilen;
	int		 ieof;		/* the file's bytes all in ibuf */
	int		 cut;		/* ibuf ends in a cut sequence */
	int		 unit;		/* bytes of an invalid one skipped */
	uint64_t	 inoff;		/* the file's bytes converted */
	char		 bad_text[256];	/* uimp_reader_bad_text() */
	char		 hint[120];	/* how to fix text that is not */

	/* the header (the first record with a value): where it is not UTF-8 */
	int		 header_seen;
	int		 need;		/* continuation bytes to come */
	int		 lo, hi;	/* the range of the next one */
	int		 bad;
	uint64_t	 badoff;	/* the last sequence's first byte */
	int		 badbyte;

	/* the current record: field bytes, each followed by a NUL */
	struct buf	 text;
	struct field	*fields;
	size_t		 nfields;
	size_t		 fieldcap;
	struct uimp_cell *cells;
	size_t		 cellcap;
	struct uimp_row	 row;

	/* the field being read */
	size_t		 fchars;
	int		 fskip;

	/* a stopping failure, returned again by later calls */
	int		 failed;
	struct uimp_err	 err;
};

/* Read up to n bytes of the file into p: their count, 0 at the end, -1. */
static ssize_t
read_some(struct csv *c, unsigned char *p, size_t n)
{
	ssize_t k;

	for (;;) {
		k = read(c->fd, p, n);
		if (k == -1 && errno == EINTR)
			continue;
		break;
	}
	if (k == -1)
		c->ioerr = errno;
	return k;
}

/*
 * Top up ibuf with the file's next bytes, after what is left of the last
 * block (a sequence cut by the block's end); -1 on a read error.
 */
static int
fill_input(struct csv *c)
{
	ssize_t n;

	memmove(c->ibuf, c->ibuf + c->ipos, c->ilen - c->ipos);
	c->ilen -= c->ipos;
	c->ipos = 0;
	c->cut = 0;
	if ((n = read_some(c, c->ibuf + c->ilen, RBUF_SIZE - c->ilen)) == -1)
		return -1;
	if (n == 0)
		c->ieof = 1;
	c->ilen += (size_t)n;
	return 0;
}

/*
 * Convert the file's next bytes into rbuf; 0 when there are no more.
 * A sequence that is invalid in the encoding, or cut by the file's end,
 * becomes the byte 0xFF, never valid in UTF-8: the field that holds it
 * is flagged UIMP_CELL_BAD_UTF8, and the rest of the file reads on.
 */
static int
convert(struct csv *c)
{
	char *in, *out = (char *)c->rbuf;
	size_t inleft, outleft = RBUF_SIZE, skip;

	while (outleft == RBUF_SIZE) {
		if ((c->ipos == c->ilen || c->cut) && !c->ieof &&
		    fill_input(c) == -1)
			return 0;
		in = (char *)c->ibuf + c->ipos;
		inleft = c->ilen - c->ipos;
		if (inleft == 0) {
			/* the end: a stateful encoding may shift back */
			iconv(c->cd, NULL, NULL, &out, &outleft);
			break;
		}
		if (iconv(c->cd, &in, &inleft, &out, &outleft) != (size_t)-1) {
			c->inoff += (size_t)(in - (char *)c->ibuf) - c->ipos;
			c->ipos = (size_t)(in - (char *)c->ibuf);
			continue;
		}
		c->inoff += (size_t)(in - (char *)c->ibuf) - c->ipos;
		c->ipos = (size_t)(in - (char *)c->ibuf);
		if (errno == E2BIG || outleft == 0)
			break;
		if (errno == EINVAL && !c->ieof) {
			c->cut = 1;	/* the rest comes with the next block */
			continue;
		}
		skip = errno == EINVAL ? inleft : (size_t)c->unit;
		if (skip > inleft)
			skip = inleft;
		*out++ = (char)0xff;
		outleft--;
		c->ipos += skip;
		c->inoff += skip;
	}
	c->rpos = 0;
	c->rlen = RBUF_SIZE - outleft;
	return c->rlen > 0;
}

/* The next block of bytes (UTF-8) into rbuf; 0 at the end or on error. */
static int
fill(struct csv *c)
{
	ssize_t n;

	if (c->eof)
		return 0;
	if (c->cd != (iconv_t)-1)
		n = convert(c);
	else
		n = read_some(c, c->rbuf, RBUF_SIZE);
	if (n <= 0) {
		c->eof = 1;
		return 0;
	}
	if (c->cd == (iconv_t)-1) {
		c->rpos = 0;
		c->rlen = (size_t)n;
	}
	return 1;
}

/* The next byte, or EOF; counts lines (CR LF, LF and a lone CR end one). */
static int
next_byte(struct csv *c)
{
	int ch;

	if (c->rpos == c->rlen && !fill(c))
		return EOF;
	ch = c->rbuf[c->rpos++];
	c->off++;
	if (ch == '\r' || (ch == '\n' && c->prev != '\r'))
		c->line++;
	c->prev = ch;
	return ch;
}

static int
peek_byte(struct csv *c)
{
	if (c->rpos == c->rlen && !fill(c))
		return EOF;
	return c->rbuf[c->rpos];
}

/*
 * Start over at the first byte of the file, after a BOM (converted, a
 * UTF-16 or UTF-32 one is U+FEFF in UTF-8 too); -1 on a read error.
 */
static int
rewind_csv(struct csv *c)
{
	if (lseek(c->fd, 0, SEEK_SET) == (off_t)-1) {
		c->ioerr = errno;
		return -1;
	}
	c->rpos = c->rlen = 0;
	c->eof = 0;
	c->prev = EOF;
	c->line = 1;
	c->off = 0;
	c->ipos = c->ilen = 0;
	c->ieof = c->cut = 0;
	c->inoff = 0;
	if (c->cd != (iconv_t)-1)
		iconv(c->cd, NULL, NULL, NULL, NULL);
	/* a regular file reads in full blocks: a BOM is in the first one */
	if (peek_byte(c) == 0xef && c->rlen >= 3 &&
	    c->rbuf[1] == 0xbb && c->rbuf[2] == 0xbf) {
		c->rpos = 3;
		c->off = 3;
	}
	return c->ioerr ? -1 : 0;
}

/*
 * The delimiter of the first non-empty line: the most frequent of ',' ';'
 * and tab outside quotes; ',' on a tie or when there is none.
 */
static int
sniff(struct csv *c)
{
	unsigned long comma = 0, semi = 0, tab = 0;
	int ch, quoted = 0, seen = 0;

	while ((ch = next_byte(c)) != EOF) {
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\r' || ch == '\n')) {
			if (seen)
				break;
		} else if (!quoted && ch == ',')
			comma++;
		else if (!quoted && ch == ';')
			semi++;
		else if (!quoted && ch == '\t')
			tab++;
		seen = seen || (ch != '\r' && ch != '\n');
	}
	if (semi > comma && semi > tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

/* Set the stopping failure of c at line, and e (if not NULL) to it. */
static int
fail(struct csv *c, struct uimp_err *e, int status, unsigned long line,
    const char *fmt, ...)
{
	char where[128], msg[256];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%lu", c->display, line);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->failed = uimp_err_set(&c->err, status, 0, where, "%s", msg);
	if (e != NULL)
		*e = c->err;
	return status;
}

/*
 * Follow the header's bytes as UTF-8 (RFC 3629, as uimp_utf8_len() reads
 * it) to tell where the first byte that is not lies.
 */
static void
utf8_track(struct csv *c, int ch)
{
	if (c->bad)
		return;
	if (c->need > 0) {
		if (ch < c->lo || ch > c->hi) {
			/* the sequence is bad from its first byte */
			c->bad = 1;
			return;
		}
		c->need--;
		c->lo = 0x80;
		c->hi = 0xbf;
		return;
	}
	if (ch < 0x80)
		return;
	c->badoff = c->off - 1;
	c->badbyte = ch;
	c->lo = 0x80;
	c->hi = 0xbf;
	if (ch >= 0xc2 && ch <= 0xdf)
		c->need = 1;
	else if (ch >= 0xe0 && ch <= 0xef) {
		c->need = 2;
		if (ch == 0xe0)
			c->lo = 0xa0;	/* overlong */
		else if (ch == 0xed)
			c->hi = 0x9f;	/* surrogates */
	} else if (ch >= 0xf0 && ch <= 0xf4) {
		c->need = 3;
		if (ch == 0xf0)
			c->lo = 0x90;	/* overlong */
		else if (ch == 0xf4)
			c->hi = 0x8f;	/* past U+10FFFF */
	} else
		c->bad = 1;
}

/* A new field; UIMP_EINPUT when the record has too many. */
static int
begin_field(struct csv *c)
{
	struct field *f;
	size_t cap;

	if (c->nfields == UIMP_COLS_MAX)
		return UIMP_EINPUT;
	if (c->nfields == c->fieldcap) {
		cap = c->fieldcap ? c->fieldcap * 2 : 16;
		if (cap > UIMP_COLS_MAX)
			cap = UIMP_COLS_MAX;
		if ((f = realloc(c->fields, cap * sizeof(*f))) == NULL)
			return UIMP_ENOMEM;
		c->fields = f;
		c->fieldcap = cap;
	}
	f = &c->fields[c->nfields++];
	f->off = c->text.len;
	f->len = 0;
	f->flags = 0;
	c->fchars = 0;
	c->fskip = 0;
	return UIMP_OK;
}

/*
 * Add a byte to the field being read, up to UIMP_CELL_MAX characters (and
 * FIELD_BYTES_MAX bytes, for runs of stray continuation bytes); the rest
 * is skipped and the field flagged.  A NUL byte, or a record past
 * RECORD_MAX bytes, stops the reading.
 */
static int
add_byte(struct csv *c, int ch, struct uimp_err *e)
{
	struct field *f = &c->fields[c->nfields - 1];

	/* text has none; UTF-16 has one in every other byte of ASCII */
	if (ch == 0 && c->cd != (iconv_t)-1)
		return fail(c, e, UIMP_EINPUT, c->line, "a NUL character "
		    "(U+0000): not a text file in %s; %s", c->encoding,
		    c->hint);
	if (ch == 0)
		return fail(c, e, UIMP_EINPUT, c->line, "a NUL byte at byte "
		    "%llu: not a text file (UTF-16 without a BOM?); give "
		    "--encoding UTF-16LE, or save it as CSV UTF-8",
		    (unsigned long long)(c->off - 1));
	if (c->fskip)
		return UIMP_OK;
	if (!c->header_seen)
		utf8_track(c, ch);
	/* kept under RECORD_MAX with room for NULs: no doubling past it */
	if (c->text.len + c->nfields + 1 >= RECORD_MAX)
		return fail(c, e, UIMP_EINPUT, c->row.num, "a record longer "
		    "than 64 MiB: refused");
	if ((ch & 0xc0) != 0x80) {
		if (c->fchars == UIMP_CELL_MAX) {
			c->fskip = 1;
			f->flags |= UIMP_CELL_TOO_LONG;
			return UIMP_OK;
		}
		c->fchars++;
	}
	if (f->len == FIELD_BYTES_MAX) {
		c->fskip = 1;
		f->flags |= UIMP_CELL_TOO_LONG;
		return UIMP_OK;
	}
	if (c->text.len + 1 < c->text.cap)
		c->text.s[c->text.len++] = (char)ch;
	else if (buf_addc(&c->text, ch) != UIMP_OK)
		return UIMP_ENOMEM;
	f->len++;
	return UIMP_OK;
}

/* Close the field being read: NUL, UTF-8 check, the formula guard. */
static int
end_field(struct csv *c)
{
	struct field *f = &c->fields[c->nfields - 1];
	const char *s;

	if (buf_addc(&c->text, '\0') != UIMP_OK)
		return UIMP_ENOMEM;
	if (c->need > 0)
		c->bad = 1;	/* a sequence cut short by the field's end */
	c->need = 0;
	s = c->text.s + f->off;
	if (uimp_utf8_len(s, f->len, NULL) < 0)
		f->flags |= UIMP_CELL_BAD_UTF8;
	/*
	 * SPEC §8: the ' that export put before =, +, -, @, tab or CR; also
	 * before a ' and one of those, so that a value that itself starts
	 * with ' and = comes back as it was.
	 */
	if (f->len >= 2 && s[0] == '\'' && (formula_like(s + 1) ||
	    (s[1] == '\'' && formula_like(s + 2)))) {
		f->off++;
		f->len--;
	}
	return UIMP_OK;
}

/*
 * After add_byte(), the bytes that follow in the buffer up to the next
 * stop (for an unquoted field the delimiter, CR, LF or NUL; in quotes a
 * quote, CR, LF or NUL), copied at once: what add_byte() would do one by
 * one.  Nothing is done where add_byte() has more to do (the header, a
 * cell cut or near a limit): the caller goes on byte by byte.
 */
static int
add_run(struct csv *c, int quoted)
{
	struct field *f = &c->fields[c->nfields - 1];
	const unsigned char *p = c->rbuf + c->rpos;
	size_t n, max = c->rlen - c->rpos, chars = 0;
	int b;

	if (!c->header_seen || c->fskip || csv_byte_by_byte)
		return UIMP_OK;
	for (n = 0; n < max; n++) {
		b = p[n];
		if (b == '\r' || b == '\n' || b == 0 ||
		    b == (quoted ? '"' : c->delim))
			break;
		chars += (b & 0xc0) != 0x80;
	}
	if (n == 0 || c->text.len + n + c->nfields + 1 >= RECORD_MAX ||
	    c->fchars + chars > UIMP_CELL_MAX || f->len + n > FIELD_BYTES_MAX)
		return UIMP_OK;
	if (buf_grow(&c->text, n) != UIMP_OK)
		return UIMP_ENOMEM;
	memcpy(c->text.s + c->text.len, p, n);
	c->text.len += n;
	f->len += n;
	c->fchars += chars;
	c->rpos += n;
	c->off += n;
	c->prev = p[n - 1];
	return UIMP_OK;
}

/*
 * Read one record into c->fields; *end is set when the file ended before
 * it began.
 */
static int
read_record(struct csv *c, int *end, struct uimp_err *e)
{
	unsigned long qline;
	int ch, rc;

	*end = 0;
	ch = next_byte(c);
	if (ch == EOF) {
		*end = 1;
		return UIMP_OK;
	}
	if (ch == '\r' || ch == '\n') {
		if (ch == '\r' && peek_byte(c) == '\n')
			next_byte(c);
		return UIMP_OK;		/* a blank line: no cells */
	}
	for (;;) {
		if ((rc = begin_field(c)) == UIMP_EINPUT)
			return fail(c, e, rc, c->row.num,
			    "more than 16384 fields in one record: refused "
			    "(a sheet has at most 16384 columns)");
		if (rc != UIMP_OK)
			return rc;
		if (ch == '"') {
			qline = c->line;
			for (;;) {
				if ((ch = next_byte(c)) == EOF) {
					if (c->ioerr)
						return UIMP_EIO;
					return fail(c, e, UIMP_EINPUT, qline,
					    "unterminated quoted field: its "
					    "quote never closes (a quote "
					    "inside a field is written \"\")");
				}
				if (ch == '"') {
					if (peek_byte(c) != '"')
						break;
					next_byte(c);
				}
				if ((rc = add_byte(c, ch, e)) != UIMP_OK ||
				    (rc = add_run(c, 1)) != UIMP_OK)
					return rc;
			}
			ch = next_byte(c);
		}
		/* unquoted, or what follows a closing quote: kept as is */
		while (ch != EOF && ch != c->delim && ch != '\r' &&
		    ch != '\n') {
			if ((rc = add_byte(c, ch, e)) != UIMP_OK ||
			    (rc = add_run(c, 0)) != UIMP_OK)
				return rc;
			ch = next_byte(c);
		}
		if ((rc = end_field(c)) != UIMP_OK)
			return rc;
		if (ch != c->delim)
			break;
		ch = next_byte(c);
	}
	if (ch == '\r' && peek_byte(c) == '\n')
		next_byte(c);
	return UIMP_OK;
}

/*
 * The first record with a value is the header (SPEC §3): when it is not
 * UTF-8, no column can be known, so the file is refused, saying where.
 */
static int
check_header(struct csv *c, struct uimp_err *e)
{
	size_t i;
	int any = 0, bad = 0;

	for (i = 0; i < c->nfields; i++) {
		any |= c->fields[i].len > 0;
		bad |= c->fields[i].flags & UIMP_CELL_BAD_UTF8;
	}
	if (!any)
		return UIMP_OK;
	c->header_seen = 1;
	if (!bad)
		return UIMP_OK;
	/* converted, offsets are not the file's: the line says where */
	if (c->cd != (iconv_t)-1)
		return fail(c, e, UIMP_EINPUT, c->row.num, "the header is not "
		    "valid %s: %s", c->encoding, c->hint);
	if (!c->bad)
		return fail(c, e, UIMP_EINPUT, c->row.num, "the header is not "
		    "valid UTF-8: %s", c->hint);
	return fail(c, e, UIMP_EINPUT, c->row.num, "the header is not valid "
	    "UTF-8 (byte 0x%02X at byte %llu of the file): %s", c->badbyte,
	    (unsigned long long)c->badoff, c->hint);
}

static int
csv_next(struct uimp_reader *r, const struct uimp_row **row,
    struct uimp_err *e)
{
	struct csv *c = r->impl;
	struct uimp_cell *cells;
	struct field *f;
	size_t i;
	int rc, end;

	*row = NULL;
	if (c->failed) {
		if (e != NULL)
			*e = c->err;
		return c->failed;
	}
	buf_reset(&c->text);
	c->nfields = 0;
	c->row.num = c->line;
	rc = read_record(c, &end, e);
	if (rc == UIMP_OK && c->ioerr)
		rc = UIMP_EIO;
	if (rc == UIMP_EIO || rc == UIMP_ENOMEM) {
		c->failed = uimp_err_set(&c->err, rc, rc == UIMP_EIO ?
		    c->ioerr : 0, c->display, "%s", rc == UIMP_EIO ?
		    "cannot read" : uimp_strstatus(rc));
		if (e != NULL)
			*e = c->err;
		return rc;
	}
	r->done = c->cd != (iconv_t)-1 ? c->inoff : c->off;
	if (rc != UIMP_OK)
		return rc;
	if (end)
		return UIMP_OK;
	if (!c->header_seen && (rc = check_header(c, e)) != UIMP_OK)
		return rc;
	if (c->nfields > c->cellcap) {
		cells = realloc(c->cells, c->fieldcap * sizeof(*cells));
		if (cells == NULL) {
			c->failed = uimp_err_set(&c->err, UIMP_ENOMEM, 0,
			    c->display, "%s", uimp_strstatus(UIMP_ENOMEM));
			if (e != NULL)
				*e = c->err;
			return UIMP_ENOMEM;
		}
		c->cells = cells;
		c->cellcap = c->fieldcap;
	}
	for (i = 0; i < c->nfields; i++) {
		f = &c->fields[i];
		c->cells[i].type = f->len ? UIMP_CELL_TEXT : UIMP_CELL_EMPTY;
		c->cells[i].flags = f->flags;
		c->cells[i].text = c->text.s + f->off;
		c->cells[i].len = f->len;
	}
	c->row.ncells = c->nfields;
	c->row.cells = c->cells;
	*row = &c->row;
	return UIMP_OK;
}

static void
csv_release(struct uimp_reader *r)
{
	struct csv *c = r->impl;

	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	/* the cells may have held passwords */
	if (c->rbuf)
		explicit_bzero(c->rbuf, RBUF_SIZE);
	if (c->ibuf)
		explicit_bzero(c->ibuf, RBUF_SIZE);
	free(c->rbuf);
	free(c->ibuf);
	buf_wipe(&c->text);
	free(c->fields);
	free(c->cells);
	free(c);
	r->impl = NULL;
}

/* Whether name is UTF-8 itself, which needs no conversion. */
static int
is_utf8(const char *name)
{
	return strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0;
}

/*
 * The encoding a byte order mark at the start of the file names, as
 * iconv(3) knows it ("UTF-8" for UTF-8's), or NULL; *shown gets the name
 * for messages.  A UTF-32 mark starts like a UTF-16 one: it goes first.
 */
static const char *
bom_encoding(struct csv *c, const char **shown)
{
	unsigned char b[4];
	ssize_t n;

	while ((n = pread(c->fd, b, sizeof(b), 0)) == -1 && errno == EINTR)
		;
	if (n == -1)
		c->ioerr = errno;
	*shown = "UTF-32";
	if (n == 4 && memcmp(b, "\xff\xfe\0\0", 4) == 0)
		return "UTF-32LE";
	if (n == 4 && memcmp(b, "\0\0\xfe\xff", 4) == 0)
		return "UTF-32BE";
	*shown = "UTF-16";
	if (n >= 2 && b[0] == 0xff && b[1] == 0xfe)
		return "UTF-16LE";
	if (n >= 2 && b[0] == 0xfe && b[1] == 0xff)
		return "UTF-16BE";
	*shown = "UTF-8";
	if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		return "UTF-8";
	return NULL;
}

/*
 * The bytes of one code unit of the encoding, skipped past a sequence
 * that is invalid in it so that the next one starts in step: what a line
 * break takes once the encoder started (after a BOM it may write), 2 for
 * UTF-16, 4 for UTF-32, else 1.
 */
static int
unit_of(const char *name)
{
	char nl[2], out[32], *in, *o;
	size_t inleft, outleft = sizeof(out), before;
	iconv_t cd;
	int i, unit = 1;

	if ((cd = iconv_open(name, "UTF-8")) == (iconv_t)-1)
		return 1;
	for (i = 0; i < 2; i++) {
		memcpy(nl, "\n", 2);
		in = nl;
		inleft = 1;
		o = out;
		before = outleft;
		if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1)
			break;
		if (i == 1 && before - outleft >= 1 && before - outleft <= 4)
			unit = (int)(before - outleft);
	}
	iconv_close(cd);
	return unit;
}

/* The file is read as UTF-8, as it is: what to say of bytes that are not. */
static void
read_as_utf8(struct csv *c)
{
	c->encoding[0] = '\0';
	snprintf(c->hint, sizeof(c->hint), "save the file as CSV UTF-8, or "
	    "give --encoding (e.g. --encoding windows-1251)");
	snprintf(c->bad_text, sizeof(c->bad_text), "not valid UTF-8: save "
	    "the file as UTF-8, or give --encoding (e.g. --encoding "
	    "windows-1251)");
}

/*
 * Read the file through iconv from the encoding name (shown as shown in
 * messages; by_bom: found from a byte order mark, not given); nothing to
 * do for UTF-8.  UIMP_EINVAL when iconv does not know the name.
 */
static int
open_iconv(struct csv *c, const char *name, const char *shown, int by_bom,
    struct uimp_err *e)
{
	if (c->cd != (iconv_t)-1) {
		iconv_close(c->cd);
		c->cd = (iconv_t)-1;
	}
	if (is_utf8(name)) {
		read_as_utf8(c);
		return UIMP_OK;
	}
	/* "" would be the locale's encoding: not a name */
	if (*name == '\0' ||
	    (c->cd = iconv_open("UTF-8", name)) == (iconv_t)-1) {
		if (*name == '\0' || errno == EINVAL)
			return uimp_err_set(e, UIMP_EINVAL, 0, c->display,
			    "unknown encoding '%s': 'iconv -l' lists the "
			    "names known", name);
		return uimp_err_set(e, UIMP_EINTERNAL, errno, c->display,
		    "cannot convert from %s", name);
	}
	if (c->ibuf == NULL && (c->ibuf = malloc(RBUF_SIZE)) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, c->display, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	c->unit = unit_of(name);
	snprintf(c->encoding, sizeof(c->encoding), "%s", shown);
	if (by_bom)
		snprintf(c->hint, sizeof(c->hint), "save the file as CSV "
		    "UTF-8");
	else
		snprintf(c->hint, sizeof(c->hint), "give the file's own "
		    "encoding with --encoding, or save it as CSV UTF-8");
	snprintf(c->bad_text, sizeof(c->bad_text), "not valid %s: bytes "
	    "that are no character in it; %s", c->encoding, c->hint);
	return UIMP_OK;
}

int
csv_reader_init(struct uimp_reader *r, const char *path, const char *display,
    int delimiter, const char *encoding, struct uimp_err *e)
{
	struct csv *c;
	const char *bom, *shown;
	int rc = UIMP_OK;

	if (delimiter == '"' || delimiter == '\r' || delimiter == '\n' ||
	    delimiter < 0 || delimiter > 0x7f)
		return uimp_err_set(e, UIMP_EINVAL, 0, display,
		    "the delimiter must be one ASCII character other than a "
		    "quote or a line break");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, display, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	c->fd = -1;
	c->cd = (iconv_t)-1;
	c->display = display;
	read_as_utf8(c);
	r->impl = c;
	r->next = csv_next;
	r->release = csv_release;
	r->bad_text = c->bad_text;
	if ((c->rbuf = malloc(RBUF_SIZE)) == NULL ||
	    buf_grow(&c->text, 1024) != UIMP_OK) {
		rc = uimp_err_set(e, UIMP_ENOMEM, 0, display, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
		goto out;
	}
	buf_reset(&c->text);
	/* an unknown name is refused even where a byte order mark wins */
	if (encoding != NULL &&
	    (rc = open_iconv(c, encoding, encoding, 0, e)) != UIMP_OK)
		goto out;
	if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		rc = uimp_err_set(e, UIMP_EIO, errno, display, "cannot open");
		goto out;
	}
	/* "Unicode text" as Excel saves it is UTF-16 with a BOM */
	if ((bom = bom_encoding(c, &shown)) != NULL &&
	    (rc = open_iconv(c, bom, shown, 1, e)) != UIMP_OK)
		goto out;
	if (c->ioerr || rewind_csv(c) == -1)
		goto ioerr;
	c->delim = delimiter;
	if (c->delim == 0) {
		c->delim = sniff(c);
		if (c->ioerr || rewind_csv(c) == -1)
			goto ioerr;
	}
	r->done = 0;
	r->total = r->size;	/* read.c read the whole file once already */
	rc = UIMP_OK;
	goto out;
ioerr:
	rc = uimp_err_set(e, UIMP_EIO, c->ioerr, display, "cannot read");
out:
	/* on failure read.c closes the reader, which calls csv_release() */
	return rc;
}
