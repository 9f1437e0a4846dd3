/*
 * xlsx_read.c: rows from an xlsx package, streamed with minizip and expat:
 * the package's parts found through their relationships, the shared
 * strings kept in one arena, one row parsed per call (SPEC §7).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Debian builds expat with XML_DTD (expat_config.h), but expat.h declares
 * the billion-laughs guard only to includers that define it too.
 */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>
#include <minizip/unzip.h>

#include "internal.h"

#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
#define HAVE_AMPLIFICATION_GUARD 1
#endif

/*
 * The limits on untrusted packages (userimp(1) LIMITS); passing one stops
 * the reading with UIMP_EXLSX.
 */
#define CHUNK		(64 * 1024)	/* bytes fed to expat at once */
#define ENTRIES_MAX	1000		/* zip entries in a package */
#define ENTRY_NAME_MAX	1024		/* bytes in a zip entry's name */
#define RATIO_FLOOR	(100 * 1024)	/* bytes out before the ratio */
#define RATIO_MAX	100		/* inflated : compressed */
#define PART_MAX	((uint64_t)2 << 30)	/* inflated: the sheet, sst */
#define META_MAX	((uint64_t)64 << 20)	/* inflated: rels, workbook,
						 * styles */
#define TOTAL_MAX	((uint64_t)4 << 30)	/* inflated, all parts read */
#define DEPTH_MAX	256		/* nested XML elements */
#define TAG_MAX		(1 << 20)	/* bytes in one tag or comment */
#define TOKEN_MAX	(64 * 1024)	/* an element or attribute name, an
					 * attribute value */
#define VALUE_MAX	1024		/* a <v> that is not text */
#define SST_MAX		(1UL << 25)	/* shared strings */
#define SST_BYTES_MAX	((size_t)1 << 30)	/* their text */
#define AMPLIFICATION	10.0f		/* expat's guard, should a DTD */
#define AMPLIFY_FLOOR	(1ULL << 20)	/* pass the handler */
#define ROWS_MAX	1048576UL	/* rows in a sheet */
/* Raw bytes kept for one cell: _xHHHH_ takes 7 for one character. */
#define RAW_MAX		(8 * (size_t)UIMP_CELL_MAX)
#define ROW_BYTES_MAX	((size_t)64 << 20)	/* text in one row */

/* A zip entry: name with '/' and no leading '/', where it sits. */
struct entry {
	char		*name;
	unz64_file_pos	 pos;
	uint64_t	 start;		/* offset of its data in the file */
	uint64_t	 csize;
	uint64_t	 usize;
	int		 crypt;
};

/* A relationship: type is the last segment of its URI. */
struct rel {
	char	*id;
	char	*type;
	char	*target;
};

struct sheet {
	char	*name;
	char	*rid;
	int	 hidden;
};

/* A custom number format from styles.xml. */
struct fmtdef {
	unsigned	id;
	unsigned char	kind;
	unsigned char	width;
};

/* How the cells of one cellXfs entry read. */
struct style {
	unsigned char	kind;	/* enum numfmt_kind */
	unsigned char	width;	/* NUMFMT_ZEROPAD */
};

/*
 * Text being collected for one cell or shared string into b, from
 * cstart on; tstart is where the <t> being read began.
 */
struct tacc {
	struct buf	*b;
	size_t		 cstart;
	size_t		 tstart;
	size_t		 chars;
	int		 flags;
	int		 in_t;
	int		 preserve;
	int		 lead;
};

/* A cell of the row being built: its text is ext, or text.s + off. */
struct slot {
	int		 type;
	int		 flags;
	const char	*ext;
	size_t		 off;
	size_t		 len;
};

enum ctype { T_N, T_S, T_STR, T_INLINE, T_B, T_E, T_D };

/* Where the byte scan that bounds expat's tokens is (scan_tags()). */
enum {
	SCAN_OUT, SCAN_LT, SCAN_BANG, SCAN_BANG_DASH, SCAN_TAG, SCAN_QUOTE,
	SCAN_COMMENT, SCAN_PI, SCAN_CDATA
};
enum { ENC_8, ENC_16LE, ENC_16BE };

/* The state of one XML part's parse. */
struct ctx {
	struct xlsx	*x;
	XML_Parser	 p;
	const char	*part;
	struct uimp_err	*e;
	int		 status;
	XML_StartElementHandler start;
	XML_EndElementHandler end;
	unsigned	 depth;
	/* scan_tags() */
	uint64_t	 fed;		/* bytes of the part seen */
	unsigned long	 line;
	size_t		 run;		/* code units in the current tag */
	int		 enc;
	int		 state;
	int		 quote;
	int		 half;		/* UTF-16: the first byte of a unit */
	int		 seq;		/* '-', ']' or '?' just before */
	/* _rels */
	struct rel	*rels;
	size_t		 nrels;
	size_t		 caprels;
	/* styles.xml */
	int		 in_numfmts;
	int		 in_cellxfs;
	struct fmtdef	*fmts;
	size_t		 nfmts;
	size_t		 capfmts;
	unsigned	*xfids;
	size_t		 nxfids;
	size_t		 capxfids;
	/* sharedStrings.xml and the sheet */
	int		 in_si;
	int		 in_is;
	int		 in_v;
	int		 rph;
	struct tacc	 acc;
};

struct xlsx {
	unzFile		 zf;
	const char	*display;
	struct entry	*ent;
	size_t		 nent;
	int		 cur_open;	/* an entry is open in zf */
	const char	*cur_name;
	uint64_t	 cur_csize;
	uint64_t	 cur_usize;
	uint64_t	 cur_max;	/* PART_MAX or META_MAX */
	uint64_t	 cur_out;
	uint64_t	 total_out;	/* inflated from every entry read */

	/* shared strings: text NUL flags, offsets[nsst] is the end */
	struct buf	 sst;
	size_t		*sstoff;
	size_t		 nsst;
	size_t		 capsst;

	struct style	*xf;
	size_t		 nxf;
	int		 date1904;

	struct sheet	*sheets;
	size_t		 nsheets;
	size_t		 capsheets;
	char		*sheetname;
	char		*sheetpart;

	/* the sheet's parse */
	struct ctx	 c;
	struct uimp_err	 err;		/* kept for later calls */
	int		 failed;
	int		 suspended;
	int		 final;
	int		 have_row;

	/* the row being built */
	int		 in_row;
	int		 in_c;
	unsigned long	 rownum;
	long		 col;
	int		 ct;		/* enum ctype */
	unsigned long	 cs;		/* style index */
	int		 has_f;
	int		 has_v;
	int		 has_is;
	struct buf	 vbuf;
	struct buf	 text;
	struct slot	*slots;
	struct uimp_cell *cells;
	size_t		 nslots;
	size_t		 capslots;
	struct uimp_row	 row;
};

/*
 * Parts are parsed without expat's namespace processing, which would copy
 * a namespace's URI into every element's name: an element or attribute is
 * known by its local name, after its prefix's ':', and no URI is compared.
 */
static const char *
local(const char *name)
{
	const char *l = name;

	/* names are short: no call to strrchr() */
	for (; *name; name++)
		if (*name == ':')
			l = name + 1;
	return l;
}

/* Whether the attribute named name declares a namespace (xmlns, xmlns:p). */
static int
is_xmlns(const char *name)
{
	return name[0] == 'x' && strncmp(name, "xmlns", 5) == 0 &&
	    (name[5] == '\0' || name[5] == ':');
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ascii_casecmp(const char *a, const char *b)
{
	while (*a && ascii_lower((unsigned char)*a) ==
	    ascii_lower((unsigned char)*b))
		a++, b++;
	return ascii_lower((unsigned char)*a) - ascii_lower((unsigned char)*b);
}

static int
ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && ascii_casecmp(s + n - k, suffix) == 0;
}

/* The value of the attribute named lname (any namespace), or NULL. */
static const char *
attr(const char **atts, const char *lname)
{
	for (; atts[0]; atts += 2)
		if (strcmp(local(atts[0]), lname) == 0 && !is_xmlns(atts[0]))
			return atts[1];
	return NULL;
}

/*
 * A cell's r, t and s attributes in one pass over atts (a cell has few,
 * and there are millions of cells): as attr() would find each.
 */
static void
cell_attrs(const char **atts, const char **r, const char **t, const char **s)
{
	const char *ln, **to;

	*r = *t = *s = NULL;
	for (; atts[0]; atts += 2) {
		ln = local(atts[0]);
		if (ln[0] == '\0' || ln[1] != '\0')
			continue;
		to = ln[0] == 'r' ? r : ln[0] == 't' ? t : ln[0] == 's' ? s :
		    NULL;
		if (to && *to == NULL && !is_xmlns(atts[0]))
			*to = atts[1];
	}
}

/* Make room in *p (an array of size-byte items) for item n. */
static int
grow(void *pp, size_t *cap, size_t n, size_t size)
{
	void **p = pp, *q;
	size_t c;

	if (n < *cap)
		return UIMP_OK;
	c = *cap ? *cap : 16;
	while (c <= n) {
		if (c > (size_t)-1 / 2 / size)
			return UIMP_ENOMEM;
		c *= 2;
	}
	if ((q = realloc(*p, c * size)) == NULL)
		return UIMP_ENOMEM;
	*p = q;
	*cap = c;
	return UIMP_OK;
}

static int
nomem(struct uimp_err *e, const char *where)
{
	return uimp_err_set(e, UIMP_ENOMEM, 0, where, "%s",
	    uimp_strstatus(UIMP_ENOMEM));
}

/* Stop the parse of c with a failure (e already set when status is). */
static void
fail(struct ctx *c, int status)
{
	if (c->status == UIMP_OK)
		c->status = status;
	XML_StopParser(c->p, XML_FALSE);
}

static void
fail_nomem(struct ctx *c)
{
	if (c->status == UIMP_OK)
		nomem(c->e, c->part);
	fail(c, UIMP_ENOMEM);
}

/* Fail c with UIMP_EXLSX at the current line. */
static void
fail_at(struct ctx *c, const char *fmt, const char *arg)
{
	char where[128];

	if (c->status == UIMP_OK) {
		snprintf(where, sizeof(where), "%s:%lu", c->part,
		    (unsigned long)XML_GetCurrentLineNumber(c->p));
		uimp_err_set(c->e, UIMP_EXLSX, 0, where, fmt, arg);
	}
	fail(c, UIMP_EXLSX);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	struct ctx *c = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail_at(c, "a DTD in %s: refused (OOXML parts have no <!DOCTYPE>)",
	    c->part);
}

/* The zip layer: entries by name, one open at a time, with limits. */

static void
normalize(char *s)
{
	char *p;
	size_t skip;

	for (p = s; *p; p++)
		if (*p == '\\')
			*p = '/';
	skip = strspn(s, "/");
	memmove(s, s + skip, strlen(s + skip) + 1);
}

static const struct entry *
find_entry(struct xlsx *x, const char *name)
{
	size_t i;

	while (*name == '/')
		name++;
	for (i = 0; i < x->nent; i++)
		if (ascii_casecmp(x->ent[i].name, name) == 0)
			return &x->ent[i];
	return NULL;
}

/*
 * Why the raw name of an entry (n bytes) is refused, or NULL.  OPC part
 * names are relative URIs: no root, no "..", no control characters.
 */
static const char *
bad_name(const char *name, size_t n)
{
	const char *seg, *end;
	size_t i;

	if (n > ENTRY_NAME_MAX)
		return "a name longer than 1024 bytes";
	if (strlen(name) != n)
		return "a NUL byte in its name";
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return "a control character in its name";
	if (name[0] == '/' || name[0] == '\\' || (n >= 2 && name[1] == ':'))
		return "an absolute name";
	for (seg = name; *seg; seg = *end ? end + 1 : end) {
		end = seg + strcspn(seg, "/\\");
		if (end - seg == 2 && seg[0] == '.' && seg[1] == '.')
			return "a '..' segment in its name";
	}
	return NULL;
}

static int
by_start(const void *a, const void *b)
{
	const struct entry *ea = *(const struct entry *const *)a;
	const struct entry *eb = *(const struct entry *const *)b;

	return ea->start < eb->start ? -1 : ea->start > eb->start;
}

/*
 * The data of each entry lies inside the file, and no two overlap: entries
 * that share their bytes are how a small zip inflates many times over.
 */
static int
check_layout(struct xlsx *x, uint64_t fsize, struct uimp_err *e)
{
	const struct entry **ord;
	uint64_t end;
	size_t i;
	int rc = UIMP_OK;

	if (x->nent == 0)
		return UIMP_OK;
	if ((ord = calloc(x->nent, sizeof(*ord))) == NULL)
		return nomem(e, x->display);
	for (i = 0; i < x->nent; i++) {
		ord[i] = &x->ent[i];
		if (ord[i]->csize > fsize || ord[i]->start > fsize -
		    ord[i]->csize) {
			rc = uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "corrupt zip entry '%s': its data runs past the "
			    "end of the file (a truncated file?)",
			    ord[i]->name);
			goto out;
		}
	}
	qsort(ord, x->nent, sizeof(*ord), by_start);
	for (i = 1; i < x->nent; i++) {
		/* the next local header: 30 bytes and the name */
		end = ord[i - 1]->start + ord[i - 1]->csize;
		if (ord[i]->start < end + 30 + strlen(ord[i]->name)) {
			rc = uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "zip entries '%s' and '%s' overlap: refused (a zip "
			    "bomb)", ord[i - 1]->name, ord[i]->name);
			goto out;
		}
	}
out:
	free(ord);
	return rc;
}

/* Fill en from the current entry of x->zf, checking what it says. */
static int
read_entry(struct xlsx *x, struct entry *en, struct uimp_err *e)
{
	unz_file_info64 fi;
	const char *why;
	char name[64];
	size_t i;

	if (unzGetCurrentFileInfo64(x->zf, &fi, NULL, 0, NULL, 0, NULL, 0) !=
	    UNZ_OK)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "corrupt zip archive: cannot list its entries");
	if ((en->name = malloc(fi.size_filename + 1)) == NULL)
		return nomem(e, x->display);
	if (unzGetCurrentFileInfo64(x->zf, &fi, en->name,
	    fi.size_filename + 1, NULL, 0, NULL, 0) != UNZ_OK ||
	    unzGetFilePos64(x->zf, &en->pos) != UNZ_OK)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "corrupt zip archive: cannot list its entries");
	en->name[fi.size_filename] = '\0';
	if ((why = bad_name(en->name, fi.size_filename)) != NULL) {
		/* shown as far as the first control character */
		for (i = 0; i < sizeof(name) - 1 && (unsigned char)en->name[i] >=
		    0x20 && en->name[i] != 0x7f; i++)
			name[i] = en->name[i];
		name[i] = '\0';
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "zip entry '%s%s' has %s: refused", name,
		    strlen(en->name) >= sizeof(name) - 1 ? "..." : "", why);
	}
	normalize(en->name);
	en->csize = fi.compressed_size;
	en->usize = fi.uncompressed_size;
	/* bit 0: encrypted; bit 6: strong encryption */
	en->crypt = (fi.flag & 0x41) != 0;
	if (en->crypt)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "zip entry '%s' is encrypted: an encrypted workbook; save "
		    "it unencrypted as .xlsx or CSV (UTF-8)", en->name);
	if (fi.compression_method != 0 && fi.compression_method != Z_DEFLATED)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "zip entry '%s' uses compression method %lu: refused (only "
		    "stored (0) and deflate (8) are read)", en->name,
		    (unsigned long)fi.compression_method);
	/*
	 * Opened raw (no inflating), the entry's local header is read and
	 * checked against the directory: method, name, CRC and sizes.
	 */
	if (unzOpenCurrentFile2(x->zf, NULL, NULL, 1) != UNZ_OK)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "corrupt zip entry '%s': its local header is missing or "
		    "disagrees with the central directory", en->name);
	en->start = unzGetCurrentFileZStreamPos64(x->zf);
	unzCloseCurrentFile(x->zf);
	return UIMP_OK;
}

static int
list_entries(struct xlsx *x, uint64_t fsize, struct uimp_err *e)
{
	unz_global_info64 gi;
	size_t cap = 0, i, j;
	int rc;

	if (unzGetGlobalInfo64(x->zf, &gi) != UNZ_OK)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "not an xlsx file: not a zip archive");
	if (gi.number_entry > ENTRIES_MAX)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "more than %d zip entries: refused", ENTRIES_MAX);
	for (rc = unzGoToFirstFile(x->zf); rc == UNZ_OK;
	    rc = unzGoToNextFile(x->zf)) {
		if (x->nent >= ENTRIES_MAX)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "more than %d zip entries: refused", ENTRIES_MAX);
		if (grow(&x->ent, &cap, x->nent, sizeof(*x->ent)) != UIMP_OK)
			return nomem(e, x->display);
		memset(&x->ent[x->nent], 0, sizeof(*x->ent));
		/* counted first, so that release frees the name */
		if ((rc = read_entry(x, &x->ent[x->nent++], e)) != UIMP_OK)
			return rc;
	}
	if (rc != UNZ_END_OF_LIST_OF_FILE)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "corrupt zip archive: cannot list its entries");
	/* OPC part names compare without case (ECMA-376-2 M1.12). */
	for (i = 0; i < x->nent; i++)
		for (j = i + 1; j < x->nent; j++)
			if (ascii_casecmp(x->ent[i].name, x->ent[j].name) == 0)
				return uimp_err_set(e, UIMP_EXLSX, 0,
				    x->display, "zip entry '%s' appears twice: "
				    "refused", x->ent[j].name);
	return check_layout(x, fsize, e);
}

static void
entry_close(struct xlsx *x)
{
	if (x->cur_open) {
		unzCloseCurrentFile(x->zf);
		x->cur_open = 0;
	}
}

static int
too_big(struct xlsx *x, const char *name, uint64_t max, struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
	    "zip entry '%s' inflates past %llu MiB: refused (the limit for "
	    "this part)", name, (unsigned long long)(max >> 20));
}

static int
too_much(struct xlsx *x, struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
	    "the parts read inflate past %llu MiB in all: refused",
	    (unsigned long long)(TOTAL_MAX >> 20));
}

static int
bomb(struct xlsx *x, const char *name, struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
	    "zip entry '%s' inflates past %d:1 (once over %d KiB): refused "
	    "as a zip bomb", name, RATIO_MAX, RATIO_FLOOR / 1024);
}

/*
 * Open en for reading, to inflate to at most max bytes; its sizes as the
 * directory gives them are checked first, then again as it inflates.
 */
static int
entry_open(struct xlsx *x, const struct entry *en, uint64_t max,
    struct uimp_err *e)
{
	unz64_file_pos pos = en->pos;

	entry_close(x);
	if (en->usize > max)
		return too_big(x, en->name, max, e);
	if (en->usize > RATIO_FLOOR && en->usize / RATIO_MAX > en->csize)
		return bomb(x, en->name, e);
	if (unzGoToFilePos64(x->zf, &pos) != UNZ_OK ||
	    unzOpenCurrentFile(x->zf) != UNZ_OK)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "corrupt zip archive: cannot open entry '%s'", en->name);
	x->cur_open = 1;
	x->cur_name = en->name;
	x->cur_csize = en->csize;
	x->cur_usize = en->usize;
	x->cur_max = max;
	x->cur_out = 0;
	return UIMP_OK;
}

/*
 * Read up to n bytes of the open entry into p; *got is 0 at its end, when
 * the entry is closed and its size and CRC checked.
 */
static int
entry_read(struct xlsx *x, void *p, size_t n, size_t *got,
    struct uimp_err *e)
{
	int k, rc;

	*got = 0;
	k = unzReadCurrentFile(x->zf, p, (unsigned)n);
	if (k < 0) {
		entry_close(x);
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "corrupt zip entry '%s' (error %d)", x->cur_name, k);
	}
	if (k == 0) {
		x->cur_open = 0;
		rc = unzCloseCurrentFile(x->zf);
		/*
		 * minizip checks the CRC only once the size the directory
		 * gives is all out: a lying size would skip it.
		 */
		if (x->cur_out != x->cur_usize)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "corrupt zip entry '%s': %llu bytes inflated, "
			    "where its directory entry says %llu",
			    x->cur_name, (unsigned long long)x->cur_out,
			    (unsigned long long)x->cur_usize);
		if (rc == UNZ_CRCERROR)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "corrupt zip entry '%s': CRC mismatch",
			    x->cur_name);
		if (rc != UNZ_OK)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "corrupt zip entry '%s' (error %d)", x->cur_name,
			    rc);
		return UIMP_OK;
	}
	x->cur_out += (uint64_t)k;
	x->total_out += (uint64_t)k;
	if (x->cur_out > x->cur_max) {
		entry_close(x);
		return too_big(x, x->cur_name, x->cur_max, e);
	}
	if (x->total_out > TOTAL_MAX) {
		entry_close(x);
		return too_much(x, e);
	}
	if (x->cur_out > RATIO_FLOOR &&
	    x->cur_out / RATIO_MAX > x->cur_csize) {
		entry_close(x);
		return bomb(x, x->cur_name, e);
	}
	*got = (size_t)k;
	return UIMP_OK;
}

/* Text collection, shared by the shared strings and the sheet. */

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code unit of the _xHHHH_ at s (n bytes left), or -1. */
static long
xescape(const char *s, size_t n)
{
	long v = 0;
	int i, h;

	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((h = hexval((unsigned char)s[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t
put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode _xHHHH_ in s[0..n) in place (each shrinks); returns the new
 * length.  A surrogate pair written as two escapes joins; a lone
 * surrogate or U+0000 becomes U+FFFD and sets UIMP_CELL_BAD_UTF8.
 */
static size_t
unescape(char *s, size_t n, int *flags)
{
	size_t i = 0, w = 0;
	long cp, lo;

	while (i < n) {
		if (s[i] != '_' || (cp = xescape(s + i, n - i)) < 0) {
			s[w++] = s[i++];
			continue;
		}
		i += 7;
		if (cp >= 0xd800 && cp <= 0xdbff &&
		    (lo = xescape(s + i, n - i)) >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 7;
		} else if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0) {
			cp = 0xfffd;
			*flags |= UIMP_CELL_BAD_UTF8;
		}
		w += put_utf8(s + w, (unsigned long)cp);
	}
	return w;
}

static void
acc_begin(struct tacc *a, struct buf *b)
{
	a->b = b;
	a->cstart = a->tstart = b->len;
	a->chars = 0;
	a->flags = 0;
	a->in_t = 0;
}

static void
acc_t_start(struct tacc *a, int preserve)
{
	a->in_t = 1;
	a->preserve = preserve;
	a->lead = !preserve;
	a->tstart = a->b->len;
}

/* Append raw text s[0..n), within the cell's budget. */
static int
acc_data(struct tacc *a, const char *s, size_t n)
{
	size_t used, room;

	if (a->lead) {
		while (n > 0 && is_space((unsigned char)*s))
			s++, n--;
		if (n == 0)
			return UIMP_OK;
		a->lead = 0;
	}
	if (a->chars >= UIMP_CELL_MAX) {
		a->flags |= UIMP_CELL_TOO_LONG;
		return UIMP_OK;
	}
	used = a->b->len - a->cstart;
	room = used < RAW_MAX ? RAW_MAX - used : 0;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		a->flags |= UIMP_CELL_TOO_LONG;
	}
	return buf_add(a->b, s, n);
}

/* The <t> (or string) begun at a->tstart is complete: trim, decode, cut. */
static void
acc_t_end(struct tacc *a)
{
	char *s;
	size_t n, i, lead, chars;

	a->in_t = 0;
	if (a->b->s == NULL || a->b->len <= a->tstart)
		return;
	s = a->b->s + a->tstart;
	n = a->b->len - a->tstart;
	if (!a->preserve) {
		while (n > 0 && is_space((unsigned char)s[n - 1]))
			n--;
		for (lead = 0; lead < n && is_space((unsigned char)s[lead]);
		    lead++)
			;
		memmove(s, s + lead, n - lead);
		n -= lead;
	}
	n = unescape(s, n, &a->flags);
	for (i = 0, chars = a->chars; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == UIMP_CELL_MAX) {
			a->flags |= UIMP_CELL_TOO_LONG;
			break;
		}
		chars++;
	}
	a->chars = chars;
	a->b->len = a->tstart + i;
	a->b->s[a->b->len] = '\0';
}

/* Add a whole string (a <v>): kept as written, but decoded and cut. */
static int
acc_string(struct tacc *a, const char *s, size_t n)
{
	acc_t_start(a, 1);
	if (acc_data(a, s, n) != UIMP_OK)
		return UIMP_ENOMEM;
	acc_t_end(a);
	return UIMP_OK;
}

/* Parsing a whole part at open time. */

static int
xml_failure(struct ctx *c)
{
	char where[128];
	enum XML_Error code = XML_GetErrorCode(c->p);

	if (c->status != UIMP_OK)
		return c->status;
	snprintf(where, sizeof(where), "%s:%lu", c->part,
	    (unsigned long)XML_GetCurrentLineNumber(c->p));
	if (code == XML_ERROR_NO_MEMORY)
		return uimp_err_set(c->e, UIMP_ENOMEM, 0, where, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	return uimp_err_set(c->e, UIMP_EXLSX, 0, where, "%s",
	    XML_ErrorString(code));
}

/* The guards every part's parse goes through. */

/* Element names, attributes and depth within their limits, then start. */
static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	const char **a;
	int n;

	if (c->status)
		return;
	if (++c->depth > DEPTH_MAX)
		return fail_at(c, "elements nested deeper than %s levels: "
		    "refused", "256");
	/*
	 * A tag of at most TOKEN_MAX / 2 bytes has no name or value over
	 * TOKEN_MAX: UTF-16 takes at least 2 bytes for 3 of UTF-8, and with
	 * DTDs refused no reference stands for more than itself.
	 */
	n = XML_GetCurrentByteCount(c->p);
	if (n > 0 && n <= TOKEN_MAX / 2)
		return c->start(ud, name, atts);
	if (strlen(name) > TOKEN_MAX)
		return fail_at(c, "an element name longer than %s bytes: "
		    "refused", "65536");
	for (a = atts; a[0]; a += 2)
		if (strlen(a[0]) > TOKEN_MAX || strlen(a[1]) > TOKEN_MAX)
			return fail_at(c, "an attribute name or value longer "
			    "than %s bytes: refused", "65536");
	c->start(ud, name, atts);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct ctx *c = ud;

	if (c->depth > 0)
		c->depth--;
	if (c->status == UIMP_OK)
		c->end(ud, name);
}

/*
 * ECMA-376-2 §8.1.4: parts are UTF-8 or UTF-16.  Expat would also read
 * ISO-8859-1 by itself; it is refused too, so that every producer's file
 * reads the same (US-ASCII is a part of UTF-8).
 */
static void XMLCALL
on_xmldecl(void *ud, const XML_Char *version, const XML_Char *encoding,
    int standalone)
{
	static const char *const ok[] = {
		"UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE", "US-ASCII"
	};
	struct ctx *c = ud;
	char name[48];
	size_t i;

	(void)version, (void)standalone;
	if (c->status || encoding == NULL)
		return;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ascii_casecmp(encoding, ok[i]) == 0)
			return;
	snprintf(name, sizeof(name), "%s", encoding);
	fail_at(c, "the encoding '%s' is refused: parts must be UTF-8 or "
	    "UTF-16", name);
}

/* The line ends in n bytes at p. */
static unsigned long
lines(const unsigned char *p, size_t n)
{
	const unsigned char *q, *end = p + n;
	unsigned long k = 0;

	while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p = q + 1;
	}
	return k;
}

/*
 * Expat keeps a token whole in its buffer until its end, so a tag, comment
 * or processing instruction of a gigabyte would take a gigabyte.  The
 * bytes are lexed here before expat sees them, and one such token over
 * TAG_MAX characters is refused.  Text and CDATA sections go to expat in
 * pieces and are not counted.  UTF-16 (told from a BOM or a first '<') is
 * scanned by code units.
 */

/* Code unit u in c's scan; whether it counts towards the token's length. */
static int
scan_unit(struct ctx *c, unsigned u)
{
	switch (c->state) {
	case SCAN_OUT:
		if (u == '<') {
			c->state = SCAN_LT;
			c->run = 0;
		}
		return 0;
	case SCAN_LT:
		c->state = u == '?' ? SCAN_PI : u == '!' ? SCAN_BANG :
		    SCAN_TAG;
		break;
	case SCAN_BANG:
		c->state = u == '-' ? SCAN_BANG_DASH : u == '[' ?
		    SCAN_CDATA : SCAN_TAG;
		c->seq = 0;
		break;
	case SCAN_BANG_DASH:
		c->state = u == '-' ? SCAN_COMMENT : SCAN_TAG;
		break;
	case SCAN_TAG:
		if (u == '>')
			c->state = SCAN_OUT;
		else if (u == '"' || u == '\'') {
			c->state = SCAN_QUOTE;
			c->quote = (int)u;
		}
		break;
	case SCAN_QUOTE:
		if (u == (unsigned)c->quote)
			c->state = SCAN_TAG;
		break;
	case SCAN_COMMENT:
		if (u == '>' && c->seq >= 2)
			c->state = SCAN_OUT;
		c->seq = u == '-' ? c->seq + 1 : 0;
		break;
	case SCAN_PI:
		if (u == '>' && c->seq)
			c->state = SCAN_OUT;
		c->seq = u == '?';
		break;
	case SCAN_CDATA:
		if (u == '>' && c->seq >= 2)
			c->state = SCAN_OUT;
		c->seq = u == ']' ? c->seq + 1 : 0;
		return 0;
	}
	return 1;
}

/* The bytes a tag's plain run stops at (UTF-8). */
static const unsigned char tag_stop[256] = {
	['>'] = 1, ['"'] = 1, ['\''] = 1, ['\n'] = 1
};

/*
 * UTF-8: text goes by on to the next '<', a tag's plain bytes and quoted
 * values in runs, with the state in locals; comments, PIs, CDATA and
 * declarations code unit by code unit (scan_unit()).
 */
static int
scan_utf8(struct ctx *c, const unsigned char *s, const unsigned char *end)
{
	const unsigned char *q, *t;
	unsigned long line;
	size_t run;
	int st, quote;

	while (s < end) {
		if (c->state == SCAN_OUT) {
			if (*s != '<') {
				q = memchr(s, '<', (size_t)(end - s));
				c->line += lines(s, (size_t)((q ? q : end) - s));
				if (q == NULL)
					return UIMP_OK;
				s = q;
			}
			s++;
			c->state = SCAN_LT;
			c->run = 0;
			continue;
		}
		st = c->state;
		if ((st == SCAN_LT && *s != '?' && *s != '!') ||
		    st == SCAN_TAG || st == SCAN_QUOTE) {
			t = s;
			line = c->line;
			quote = c->quote;
			if (st == SCAN_LT) {
				st = SCAN_TAG;
				line += *s++ == '\n';
			}
			while (s < end) {
				if (st == SCAN_TAG) {
					while (s < end && !tag_stop[*s])
						s++;
					if (s == end)
						break;
					if (*s == '>') {
						s++;
						st = SCAN_OUT;
						break;
					}
					if (*s != '\n') {
						st = SCAN_QUOTE;
						quote = *s;
					}
				} else {
					while (s < end && *s != quote &&
					    *s != '\n')
						s++;
					if (s == end)
						break;
					if (*s != '\n')
						st = SCAN_TAG;
				}
				line += *s++ == '\n';
			}
			run = c->run + (size_t)(s - t);
			if (run > TAG_MAX) {
				/* the line of the unit that went over */
				c->line += lines(t, TAG_MAX - c->run + 1);
				return -1;
			}
			c->state = st;
			c->quote = quote;
			c->run = run;
			c->line = line;
			continue;
		}
		if (*s == '\n')
			c->line++;
		if (scan_unit(c, *s++) && ++c->run > TAG_MAX)
			return -1;
	}
	return UIMP_OK;
}

static int
scan_tags(struct ctx *c, const unsigned char *p, size_t n)
{
	char where[128];
	unsigned u;
	size_t i;

	if (c->fed == 0 && n >= 2) {
		if ((p[0] == 0xff && p[1] == 0xfe) ||
		    (p[0] == '<' && p[1] == 0))
			c->enc = ENC_16LE;
		else if ((p[0] == 0xfe && p[1] == 0xff) ||
		    (p[0] == 0 && p[1] == '<'))
			c->enc = ENC_16BE;
	}
	if (c->enc == ENC_8 && scan_utf8(c, p, p + n) != UIMP_OK)
		goto too_long;
	for (i = 0; c->enc != ENC_8 && i < n; i++) {
		if ((c->fed + i) % 2 == 0) {
			c->half = p[i];
			continue;
		}
		if (c->enc == ENC_16LE)
			u = (unsigned)c->half | (unsigned)p[i] << 8;
		else
			u = (unsigned)c->half << 8 | p[i];
		if (u == '\n')
			c->line++;
		if (scan_unit(c, u) && ++c->run > TAG_MAX)
			goto too_long;
	}
	c->fed += n;
	return UIMP_OK;
too_long:
	snprintf(where, sizeof(where), "%s:%lu", c->part, c->line);
	c->status = UIMP_EXLSX;
	return uimp_err_set(c->e, UIMP_EXLSX, 0, where, "a tag or comment "
	    "longer than 1048576 characters: refused");
}

/* A new parser for c, with every guard on; on failure c->p is NULL. */
static int
ctx_parser(struct ctx *c, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	if ((c->p = XML_ParserCreate(NULL)) == NULL)
		return nomem(c->e, c->part);
	c->start = start;
	c->end = end;
	c->depth = 0;
	c->fed = 0;
	c->line = 1;
	c->run = 0;
	c->enc = ENC_8;
	c->state = SCAN_OUT;
	XML_SetUserData(c->p, c);
	XML_SetElementHandler(c->p, on_start, on_end);
	if (text)
		XML_SetCharacterDataHandler(c->p, text);
	XML_SetStartDoctypeDeclHandler(c->p, on_doctype);
	XML_SetXmlDeclHandler(c->p, on_xmldecl);
#ifdef HAVE_AMPLIFICATION_GUARD
	/* never needed while DTDs are refused, but on should one pass */
	if (!XML_SetBillionLaughsAttackProtectionMaximumAmplification(c->p,
	    AMPLIFICATION) ||
	    !XML_SetBillionLaughsAttackProtectionActivationThreshold(c->p,
	    AMPLIFY_FLOOR)) {
		XML_ParserFree(c->p);
		c->p = NULL;
		return uimp_err_set(c->e, UIMP_EINTERNAL, 0, c->part,
		    "expat refused its billion-laughs guard");
	}
#endif
	return UIMP_OK;
}

/* Parse the part en, inflating to at most max bytes. */
static int
parse_part(struct ctx *c, const struct entry *en, uint64_t max,
    XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text)
{
	struct xlsx *x = c->x;
	void *p;
	size_t n;
	int rc;

	c->part = en->name;
	if ((rc = ctx_parser(c, start, end, text)) != UIMP_OK)
		return rc;
	if ((rc = entry_open(x, en, max, c->e)) != UIMP_OK)
		goto out;
	do {
		if ((p = XML_GetBuffer(c->p, CHUNK)) == NULL) {
			rc = nomem(c->e, c->part);
			goto out;
		}
		if ((rc = entry_read(x, p, CHUNK, &n, c->e)) != UIMP_OK ||
		    (rc = scan_tags(c, p, n)) != UIMP_OK)
			goto out;
		if (XML_ParseBuffer(c->p, (int)n, n == 0) !=
		    XML_STATUS_OK) {
			rc = xml_failure(c);
			goto out;
		}
	} while (n > 0);
out:
	entry_close(x);
	XML_ParserFree(c->p);
	c->p = NULL;
	return rc;
}

/* _rels parts */

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	struct rel *r;
	const char *id, *type, *target, *mode, *slash;

	if (c->status || strcmp(local(name), "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (id == NULL || type == NULL || target == NULL ||
	    (mode && strcmp(mode, "External") == 0))
		return;
	if (grow(&c->rels, &c->caprels, c->nrels, sizeof(*c->rels)))
		return fail_nomem(c);
	r = &c->rels[c->nrels];
	slash = strrchr(type, '/');
	r->id = strdup(id);
	r->type = strdup(slash ? slash + 1 : type);
	r->target = strdup(target);
	c->nrels++;
	if (r->id == NULL || r->type == NULL || r->target == NULL)
		fail_nomem(c);
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void
rels_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nrels; i++) {
		free(c->rels[i].id);
		free(c->rels[i].type);
		free(c->rels[i].target);
	}
	free(c->rels);
	c->rels = NULL;
	c->nrels = c->caprels = 0;
}

static const struct rel *
rel_by_type(const struct ctx *c, const char *type)
{
	size_t i;

	for (i = 0; i < c->nrels; i++)
		if (strcmp(c->rels[i].type, type) == 0)
			return &c->rels[i];
	return NULL;
}

static const struct rel *
rel_by_id(const struct ctx *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nrels; i++)
		if (strcmp(c->rels[i].id, id) == 0)
			return &c->rels[i];
	return NULL;
}

/*
 * The part name target points at from a part in folder dir ("" or ending
 * in '/'): a new string, or NULL when out of memory.
 */
static char *
resolve(const char *dir, const char *target)
{
	char *out, *seg, *next, *p;
	size_t n;

	if (target[0] == '/' || target[0] == '\\')
		dir = "";
	n = strlen(dir) + strlen(target) + 2;
	if ((out = malloc(n)) == NULL)
		return NULL;
	snprintf(out, n, "%s%s", dir, target);
	normalize(out);
	/* drop "." and "name/.." segments */
	p = out;
	for (seg = out; seg && *seg; seg = next) {
		next = strchr(seg, '/');
		n = next ? (size_t)(next - seg) : strlen(seg);
		if (next)
			next++;
		if ((n == 1 && seg[0] == '.') || n == 0)
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (p > out) {
				p--;
				while (p > out && p[-1] != '/')
					p--;
			}
			continue;
		}
		memmove(p, seg, n);
		p += n;
		if (next)
			*p++ = '/';
	}
	*p = '\0';
	return out;
}

static int
load_rels(struct ctx *c, const char *name)
{
	const struct entry *en;

	if ((en = find_entry(c->x, name)) == NULL)
		return UIMP_OK;
	return parse_part(c, en, META_MAX, rels_start, no_end, NULL);
}

/* workbook.xml */

static void XMLCALL
workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	struct xlsx *x = c->x;
	struct sheet *s;
	const char *ln = local(name), *v, *sname = NULL, *rid = NULL;
	const char **a;
	int hidden = 0;

	if (c->status)
		return;
	if (strcmp(ln, "workbookPr") == 0) {
		/* x15:workbookPr in extLst has no date1904: keep ours */
		if ((v = attr(atts, "date1904")) != NULL)
			x->date1904 = strcmp(v, "1") == 0 ||
			    strcmp(v, "true") == 0;
		return;
	}
	if (strcmp(ln, "sheet") != 0)
		return;
	for (a = atts; a[0]; a += 2) {
		if (is_xmlns(a[0]))
			continue;
		ln = local(a[0]);
		if (strcmp(ln, "name") == 0)
			sname = a[1];
		else if (strcmp(ln, "state") == 0)
			hidden = strcmp(a[1], "visible") != 0;
		else if (strcmp(ln, "id") == 0 && ln != a[0])
			rid = a[1];
	}
	if (sname == NULL)
		return;
	if (grow(&x->sheets, &x->capsheets, x->nsheets, sizeof(*x->sheets)))
		return fail_nomem(c);
	s = &x->sheets[x->nsheets++];
	s->name = strdup(sname);
	s->rid = strdup(rid ? rid : "");
	s->hidden = hidden;
	if (s->name == NULL || s->rid == NULL)
		fail_nomem(c);
}

static int
load_workbook(struct xlsx *x, const char *part, struct uimp_err *e)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	c.x = x;
	c.e = e;
	return parse_part(&c, find_entry(x, part), META_MAX, workbook_start,
	    no_end, NULL);
}

/* styles.xml */

static void XMLCALL
styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	const char *ln = local(name), *id, *code;
	struct fmtdef *f;
	int width;

	if (c->status)
		return;
	if (strcmp(ln, "numFmts") == 0)
		c->in_numfmts = 1;
	else if (strcmp(ln, "cellXfs") == 0)
		c->in_cellxfs = 1;
	else if (strcmp(ln, "numFmt") == 0 && c->in_numfmts) {
		id = attr(atts, "numFmtId");
		code = attr(atts, "formatCode");
		if (id == NULL)
			return;
		if (grow(&c->fmts, &c->capfmts, c->nfmts, sizeof(*c->fmts)))
			return fail_nomem(c);
		f = &c->fmts[c->nfmts++];
		f->id = (unsigned)strtoul(id, NULL, 10);
		f->kind = (unsigned char)numfmt_classify(code ? code : "",
		    &width);
		f->width = (unsigned char)width;
	} else if (strcmp(ln, "xf") == 0 && c->in_cellxfs) {
		id = attr(atts, "numFmtId");
		if (grow(&c->xfids, &c->capxfids, c->nxfids,
		    sizeof(*c->xfids)))
			return fail_nomem(c);
		c->xfids[c->nxfids++] = id ? (unsigned)strtoul(id, NULL, 10) :
		    0;
	}
}

static void XMLCALL
styles_end(void *ud, const XML_Char *name)
{
	struct ctx *c = ud;
	const char *ln = local(name);

	if (strcmp(ln, "numFmts") == 0)
		c->in_numfmts = 0;
	else if (strcmp(ln, "cellXfs") == 0)
		c->in_cellxfs = 0;
}

static int
fmtcmp(const void *a, const void *b)
{
	const struct fmtdef *fa = a, *fb = b;

	return fa->id < fb->id ? -1 : fa->id > fb->id;
}

static int
load_styles(struct xlsx *x, const char *part, struct uimp_err *e)
{
	struct ctx c;
	const struct entry *en;
	struct fmtdef key, *f;
	size_t i;
	int rc;

	if ((en = find_entry(x, part)) == NULL)
		return UIMP_OK;
	memset(&c, 0, sizeof(c));
	c.x = x;
	c.e = e;
	if ((rc = parse_part(&c, en, META_MAX, styles_start, styles_end,
	    NULL)))
		goto out;
	if (c.nfmts)
		qsort(c.fmts, c.nfmts, sizeof(*c.fmts), fmtcmp);
	if (c.nxfids && (x->xf = calloc(c.nxfids, sizeof(*x->xf))) == NULL) {
		rc = nomem(e, part);
		goto out;
	}
	x->nxf = c.nxfids;
	for (i = 0; i < c.nxfids; i++) {
		key.id = c.xfids[i];
		/* A custom format wins over the built-in meaning of its id. */
		f = c.nfmts ? bsearch(&key, c.fmts, c.nfmts, sizeof(*c.fmts),
		    fmtcmp) : NULL;
		if (f) {
			x->xf[i].kind = f->kind;
			x->xf[i].width = f->width;
		} else {
			x->xf[i].kind = (unsigned char)numfmt_builtin(key.id);
			x->xf[i].width = 0;
		}
	}
out:
	free(c.fmts);
	free(c.xfids);
	return rc;
}

/* sharedStrings.xml: one arena of "text NUL flags", offsets apart. */

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	const char *ln = local(name), *sp;

	if (c->status)
		return;
	if (strcmp(ln, "si") == 0) {
		c->in_si = 1;
		c->rph = 0;
		acc_begin(&c->acc, &c->x->sst);
	} else if (strcmp(ln, "rPh") == 0)
		c->rph++;
	else if (strcmp(ln, "t") == 0 && c->in_si && c->rph == 0) {
		sp = attr(atts, "space");
		acc_t_start(&c->acc, sp && strcmp(sp, "preserve") == 0);
	}
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
	struct ctx *c = ud;
	struct xlsx *x = c->x;
	const char *ln = local(name);

	if (c->status)
		return;
	if (strcmp(ln, "t") == 0 && c->acc.in_t)
		acc_t_end(&c->acc);
	else if (strcmp(ln, "rPh") == 0 && c->rph > 0)
		c->rph--;
	else if (strcmp(ln, "si") == 0 && c->in_si) {
		c->in_si = 0;
		if (x->nsst >= SST_MAX)
			return fail_at(c, "more than %s shared strings: "
			    "refused", "33554432");
		if (x->sst.len > SST_BYTES_MAX)
			return fail_at(c, "shared strings longer than %s in "
			    "all: refused", "1 GiB");
		if (grow(&x->sstoff, &x->capsst, x->nsst + 1,
		    sizeof(*x->sstoff)) ||
		    buf_addc(&x->sst, '\0') || buf_addc(&x->sst, c->acc.flags))
			return fail_nomem(c);
		x->sstoff[x->nsst++] = c->acc.cstart;
	}
}

static void XMLCALL
sst_text(void *ud, const XML_Char *s, int len)
{
	struct ctx *c = ud;

	if (c->status || !c->acc.in_t)
		return;
	if (acc_data(&c->acc, s, (size_t)len) != UIMP_OK)
		fail_nomem(c);
}

static int
load_sst(struct xlsx *x, const char *part, struct uimp_err *e)
{
	struct ctx c;
	const struct entry *en;
	char *s;
	int rc;

	if ((en = find_entry(x, part)) == NULL)
		return UIMP_OK;
	memset(&c, 0, sizeof(c));
	c.x = x;
	c.e = e;
	if ((rc = parse_part(&c, en, PART_MAX, sst_start, sst_end,
	    sst_text)))
		return rc;
	if (grow(&x->sstoff, &x->capsst, x->nsst, sizeof(*x->sstoff)))
		return nomem(e, part);
	x->sstoff[x->nsst] = x->sst.len;
	/* give back what doubling left over */
	if (x->sst.len + 1 < x->sst.cap &&
	    (s = realloc(x->sst.s, x->sst.len + 1)) != NULL) {
		x->sst.s = s;
		x->sst.cap = x->sst.len + 1;
	}
	return UIMP_OK;
}

/* The sheet: one row per call. */

static void
sheet_fail(struct xlsx *x, const char *fmt, const char *arg)
{
	fail_at(&x->c, fmt, arg);
}

static int
slot_get(struct xlsx *x, size_t col, struct slot **out)
{
	struct slot *s = x->slots;
	struct uimp_cell *c;
	size_t cap = x->capslots;

	if (col >= x->capslots) {
		if (grow(&s, &cap, col, sizeof(*s)) != UIMP_OK)
			return UIMP_ENOMEM;
		x->slots = s;
		if ((c = realloc(x->cells, cap * sizeof(*c))) == NULL)
			return UIMP_ENOMEM;
		x->cells = c;
		x->capslots = cap;
	}
	while (x->nslots <= col) {
		s = &x->slots[x->nslots++];
		memset(s, 0, sizeof(*s));
	}
	*out = &x->slots[col];
	return UIMP_OK;
}

/* Column index of the letters at the start of ref, or -1 when none. */
static long
ref_col(const char *ref, int *bad)
{
	long col = 0;
	int n = 0;

	*bad = 0;
	for (; (*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z');
	    ref++, n++) {
		col = col * 26 + (ascii_lower((unsigned char)*ref) - 'a' + 1);
		if (col > UIMP_COLS_MAX) {
			*bad = 1;
			return -1;
		}
	}
	return n ? col - 1 : -1;
}

static void XMLCALL
sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	struct xlsx *x = c->x;
	const char *ln = local(name), *v, *tv, *sv;
	char *end;
	unsigned long n;
	long col;
	int bad;
	char msg[96];

	if (c->status)
		return;
	if (x->in_c) {
		if (strcmp(ln, "v") == 0) {
			x->has_v = 1;
			c->in_v = 1;
			buf_reset(&x->vbuf);
		} else if (strcmp(ln, "f") == 0)
			x->has_f = 1;
		else if (strcmp(ln, "is") == 0) {
			x->has_is = 1;
			c->in_is = 1;
		} else if (strcmp(ln, "rPh") == 0)
			c->rph++;
		else if (strcmp(ln, "t") == 0 && c->in_is && c->rph == 0) {
			v = attr(atts, "space");
			acc_t_start(&c->acc, v && strcmp(v, "preserve") == 0);
		}
		return;
	}
	if (strcmp(ln, "row") == 0) {
		if ((v = attr(atts, "r")) != NULL) {
			n = strtoul(v, &end, 10);
			if (end == v || *end != '\0' || n == 0 ||
			    n > ROWS_MAX || v[0] == '-')
				return sheet_fail(x, "row number '%s' out of "
				    "range (1 to 1048576)", v);
			/* the rows' order is the file's (ECMA-376) */
			if (n <= x->rownum) {
				snprintf(msg, sizeof(msg), "row %lu after row "
				    "%lu: rows must go down the sheet", n,
				    x->rownum);
				return sheet_fail(x, "%s", msg);
			}
		} else if ((n = x->rownum + 1) > ROWS_MAX)
			return sheet_fail(x, "more than %s rows", "1048576");
		x->rownum = n;
		x->in_row = 1;
		x->nslots = 0;
		x->col = -1;
		buf_reset(&x->text);
	} else if (strcmp(ln, "c") == 0 && x->in_row) {
		cell_attrs(atts, &v, &tv, &sv);
		col = -1;
		if (v != NULL) {
			col = ref_col(v, &bad);
			if (bad)
				return sheet_fail(x, "cell reference '%s' "
				    "beyond column XFD (16384)", v);
		}
		if (col < 0)
			col = x->col + 1;
		if (col >= UIMP_COLS_MAX)
			return sheet_fail(x, "a cell beyond column XFD "
			    "(16384) in %s", c->part);
		x->col = col;
		x->in_c = 1;
		x->has_f = x->has_v = x->has_is = 0;
		c->in_is = c->in_v = 0;
		c->rph = 0;
		buf_reset(&x->vbuf);
		v = tv;
		if (v == NULL || strcmp(v, "n") == 0)
			x->ct = T_N;
		else if (strcmp(v, "s") == 0)
			x->ct = T_S;
		else if (strcmp(v, "str") == 0)
			x->ct = T_STR;
		else if (strcmp(v, "inlineStr") == 0)
			x->ct = T_INLINE;
		else if (strcmp(v, "b") == 0)
			x->ct = T_B;
		else if (strcmp(v, "e") == 0)
			x->ct = T_E;
		else if (strcmp(v, "d") == 0)
			x->ct = T_D;
		else
			x->ct = T_N;
		x->cs = sv ? strtoul(sv, NULL, 10) : 0;
		acc_begin(&c->acc, &x->text);
	}
}

static int
cell_kind(const struct xlsx *x, int *width)
{
	*width = 0;
	if (x->cs >= x->nxf)
		return NUMFMT_GENERAL;
	*width = x->xf[x->cs].width;
	return x->xf[x->cs].kind;
}

/* The slot s holds the cell's text in the arena, from the cell's start. */
static int
slot_arena(struct tacc *a, struct slot *s)
{
	s->flags = a->flags;
	s->off = a->cstart;
	s->len = a->b->len - a->cstart;
	/* each cell's text ends with its own NUL in the arena */
	return buf_addc(a->b, '\0');
}

/* Put the text out into the cell's slot s, in place of what it had. */
static int
cell_text(struct xlsx *x, struct slot *s, int type, const char *out)
{
	struct tacc *a = &x->c.acc;

	a->b->len = a->cstart;
	if (buf_adds(a->b, out) != UIMP_OK)
		return UIMP_ENOMEM;
	a->chars = strlen(out);
	s->type = type;
	return slot_arena(a, s);
}

/* The cell is complete: work out its type and text. */
static int
cell_end(struct xlsx *x)
{
	struct ctx *c = &x->c;
	struct tacc *a = &c->acc;
	struct slot *s;
	const char *v;
	char out[NUMFMT_BUFSZ], *end;
	unsigned long idx;
	size_t vlen;
	double d;
	int kind, width, rc;

	if ((rc = slot_get(x, (size_t)x->col, &s)) != UIMP_OK)
		return rc;
	memset(s, 0, sizeof(*s));
	v = x->vbuf.s ? x->vbuf.s : "";
	vlen = x->vbuf.len;
	if (x->has_f && !x->has_is &&
	    (!x->has_v || (vlen == 0 && x->ct != T_STR))) {
		s->type = UIMP_CELL_EMPTY;
		s->flags = UIMP_CELL_NO_CACHE;
		return UIMP_OK;
	}
	if (x->ct == T_INLINE || (x->has_is && !x->has_v)) {
		if (!x->has_is && x->has_v &&
		    acc_string(a, v, vlen) != UIMP_OK)
			return UIMP_ENOMEM;
		s->type = x->has_is || x->has_v ? UIMP_CELL_TEXT :
		    UIMP_CELL_EMPTY;
		goto arena;
	}
	/* every other type needs a value */
	a->b->len = a->cstart;
	if (!x->has_v || (vlen == 0 && x->ct != T_STR && x->ct != T_S)) {
		s->type = UIMP_CELL_EMPTY;
		return UIMP_OK;
	}
	switch (x->ct) {
	case T_S:
		while (vlen > 0 && is_space((unsigned char)v[vlen - 1]))
			vlen--;
		v += strspn(v, " \t\r\n");
		if (*v == '\0') {
			s->type = UIMP_CELL_EMPTY;
			return UIMP_OK;
		}
		idx = strtoul(v, &end, 10);
		if (v[0] < '0' || v[0] > '9' ||
		    (*end != '\0' && !is_space((unsigned char)*end)) ||
		    idx >= x->nsst) {
			snprintf(out, sizeof(out), "%.40s", v);
			fail_at(c, "shared string index '%s' out of range",
			    out);
			return UIMP_EXLSX;
		}
		s->type = UIMP_CELL_TEXT;
		s->ext = x->sst.s + x->sstoff[idx];
		s->len = x->sstoff[idx + 1] - x->sstoff[idx] - 2;
		s->flags = (unsigned char)x->sst.s[x->sstoff[idx + 1] - 1];
		return UIMP_OK;
	case T_STR:
		if (vlen == 0) {
			s->type = UIMP_CELL_EMPTY;
			return UIMP_OK;
		}
		s->type = UIMP_CELL_TEXT;
		break;
	case T_E:
		s->type = UIMP_CELL_ERROR;
		break;
	case T_B:
		if (numfmt_parse(v, vlen, &d) == 0)
			return cell_text(x, s, UIMP_CELL_BOOL, d != 0 ? "1" :
			    "0");
		if (strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0)
			return cell_text(x, s, UIMP_CELL_BOOL, "1");
		if (strcmp(v, "false") == 0 || strcmp(v, "FALSE") == 0)
			return cell_text(x, s, UIMP_CELL_BOOL, "0");
		s->type = UIMP_CELL_TEXT;
		break;
	case T_D:
		kind = cell_kind(x, &width);
		if (vlen < sizeof(out) &&
		    numfmt_iso(v, kind, out, sizeof(out)) == 0)
			return cell_text(x, s, UIMP_CELL_DATE, out);
		s->type = UIMP_CELL_TEXT;
		break;
	default:
		if (numfmt_parse(v, vlen, &d) != 0) {
			s->type = UIMP_CELL_TEXT;
			break;
		}
		kind = cell_kind(x, &width);
		if (kind == NUMFMT_ZEROPAD &&
		    numfmt_zeropad(d, width, out, sizeof(out)) == 0)
			return cell_text(x, s, UIMP_CELL_NUMBER, out);
		if (kind != NUMFMT_GENERAL && kind != NUMFMT_ZEROPAD &&
		    numfmt_serial(d, x->date1904, kind, out,
		    sizeof(out)) == 0)
			return cell_text(x, s, UIMP_CELL_DATE, out);
		numfmt_number(d, out, sizeof(out));
		return cell_text(x, s, UIMP_CELL_NUMBER, out);
	}
	if (acc_string(a, v, vlen) != UIMP_OK)
		return UIMP_ENOMEM;
arena:
	return slot_arena(a, s);
}

static void
row_end(struct xlsx *x)
{
	struct slot *s;
	struct uimp_cell *cl;
	size_t i, n = 0;

	for (i = 0; i < x->nslots; i++)
		if (x->slots[i].type != UIMP_CELL_EMPTY || x->slots[i].flags)
			n = i + 1;
	for (i = 0; i < n; i++) {
		s = &x->slots[i];
		cl = &x->cells[i];
		cl->type = s->type;
		cl->flags = s->flags;
		cl->len = s->len;
		if (s->ext)
			cl->text = s->ext;
		else if (s->type == UIMP_CELL_EMPTY || x->text.s == NULL)
			cl->text = "", cl->len = 0;
		else
			cl->text = x->text.s + s->off;
	}
	x->row.num = x->rownum;
	x->row.ncells = n;
	x->row.cells = n ? x->cells : NULL;
	x->have_row = 1;
}

static void XMLCALL
sheet_end(void *ud, const XML_Char *name)
{
	struct ctx *c = ud;
	struct xlsx *x = c->x;
	const char *ln = local(name);
	int rc;

	if (c->status)
		return;
	if (x->in_c) {
		if (strcmp(ln, "t") == 0 && c->acc.in_t)
			acc_t_end(&c->acc);
		else if (strcmp(ln, "v") == 0)
			c->in_v = 0;
		else if (strcmp(ln, "is") == 0)
			c->in_is = 0;
		else if (strcmp(ln, "rPh") == 0 && c->rph > 0)
			c->rph--;
		else if (strcmp(ln, "c") == 0) {
			x->in_c = 0;
			if ((rc = cell_end(x)) == UIMP_ENOMEM)
				fail_nomem(c);
		}
		return;
	}
	if (strcmp(ln, "row") == 0 && x->in_row) {
		x->in_row = 0;
		row_end(x);
		XML_StopParser(c->p, XML_TRUE);
	}
}

static void XMLCALL
sheet_text(void *ud, const XML_Char *s, int len)
{
	struct ctx *c = ud;
	struct xlsx *x = c->x;
	size_t n = (size_t)len;

	if (c->status)
		return;
	if ((c->acc.in_t || c->in_v) && x->text.len + x->vbuf.len + n >
	    ROW_BYTES_MAX)
		return sheet_fail(x, "a row with more than %s of text: refused",
		    "64 MiB");
	if (c->acc.in_t) {
		if (acc_data(&c->acc, s, n) != UIMP_OK)
			fail_nomem(c);
	} else if (c->in_v) {
		/* only text has a use for a long <v> */
		if (x->ct != T_STR && x->ct != T_INLINE &&
		    x->vbuf.len + n > VALUE_MAX)
			return sheet_fail(x, "a value longer than %s bytes "
			    "in a cell that is not text: refused", "1024");
		if (x->vbuf.len + n > RAW_MAX) {
			n = x->vbuf.len < RAW_MAX ? RAW_MAX - x->vbuf.len : 0;
			while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
			c->acc.flags |= UIMP_CELL_TOO_LONG;
		}
		if (buf_add(&x->vbuf, s, n) != UIMP_OK)
			fail_nomem(c);
	}
}

static int
xlsx_next(struct uimp_reader *r, const struct uimp_row **row,
    struct uimp_err *e)
{
	struct xlsx *x = r->impl;
	enum XML_Status st;
	void *p;
	size_t n;
	int rc;

	*row = NULL;
	if (x->failed)
		goto failed;
	x->have_row = 0;
	for (;;) {
		if (x->suspended) {
			x->suspended = 0;
			st = XML_ResumeParser(x->c.p);
		} else if (x->final)
			return UIMP_OK;
		else {
			if ((p = XML_GetBuffer(x->c.p, CHUNK)) == NULL) {
				x->failed = nomem(&x->err, x->c.part);
				goto failed;
			}
			rc = entry_read(x, p, CHUNK, &n, &x->err);
			if (rc == UIMP_OK)
				rc = scan_tags(&x->c, p, n);
			if (rc != UIMP_OK) {
				x->failed = rc;
				goto failed;
			}
			x->final = n == 0;
			r->done += n;
			st = XML_ParseBuffer(x->c.p, (int)n, x->final);
		}
		if (st == XML_STATUS_ERROR) {
			x->failed = xml_failure(&x->c);
			goto failed;
		}
		if (st == XML_STATUS_SUSPENDED) {
			x->suspended = 1;
			if (x->have_row) {
				*row = &x->row;
				return UIMP_OK;
			}
		}
	}
failed:
	if (e)
		*e = x->err;
	return x->failed;
}

static void
xlsx_release(struct uimp_reader *r)
{
	struct xlsx *x = r->impl;
	size_t i;

	if (x == NULL)
		return;
	if (x->c.p)
		XML_ParserFree(x->c.p);
	if (x->zf) {
		entry_close(x);
		unzClose(x->zf);
	}
	for (i = 0; i < x->nent; i++)
		free(x->ent[i].name);
	free(x->ent);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	free(x->sheets);
	/* the texts held cells, passwords too */
	buf_wipe(&x->sst);
	free(x->sstoff);
	free(x->xf);
	free(x->sheetname);
	free(x->sheetpart);
	buf_wipe(&x->vbuf);
	buf_wipe(&x->text);
	free(x->slots);
	free(x->cells);
	free(x);
	r->impl = NULL;
}

/* Opening: the package, the workbook, the sheet. */

/* Refuse zips that hold another format, naming it. */
static int
other_format(struct xlsx *x, struct uimp_err *e)
{
	const struct entry *en;
	char mime[128];
	size_t n = 0, got;
	int rc;

	if ((en = find_entry(x, "mimetype")) != NULL) {
		if ((rc = entry_open(x, en, META_MAX, e)) != UIMP_OK)
			return rc;
		while (n < sizeof(mime) - 1) {
			if ((rc = entry_read(x, mime + n, sizeof(mime) - 1 - n,
			    &got, e)) != UIMP_OK)
				return rc;
			if (got == 0)
				break;
			n += got;
		}
		entry_close(x);
		mime[n] = '\0';
		if (strncmp(mime,
		    "application/vnd.oasis.opendocument.spreadsheet", 46) == 0)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "an OpenDocument spreadsheet (.ods), not xlsx: "
			    "save it as .xlsx or CSV (UTF-8)");
		if (strncmp(mime, "application/vnd.oasis.opendocument.", 35) ==
		    0)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "an OpenDocument file, not a spreadsheet: save it "
			    "as .xlsx or CSV (UTF-8)");
	}
	return UIMP_OK;
}

static int
xlsb_error(struct xlsx *x, struct uimp_err *e)
{
	return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
	    "an Excel binary workbook (.xlsb), not xlsx: save it as .xlsx or "
	    "CSV (UTF-8)");
}

/* Find the workbook part through _rels/.rels; *out is a new string. */
static int
find_workbook(struct xlsx *x, char **out, struct uimp_err *e)
{
	struct ctx c;
	const struct rel *rel;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.x = x;
	c.e = e;
	if ((rc = load_rels(&c, "_rels/.rels")) != UIMP_OK)
		goto out;
	if ((rel = rel_by_type(&c, "officeDocument")) != NULL) {
		if ((*out = resolve("", rel->target)) == NULL) {
			rc = nomem(e, x->display);
			goto out;
		}
	} else if (find_entry(x, "xl/workbook.xml") != NULL) {
		/* no package relationships: try where Excel puts it */
		if ((*out = strdup("xl/workbook.xml")) == NULL)
			rc = nomem(e, x->display);
	} else if (find_entry(x, "xl/workbook.bin") != NULL)
		rc = xlsb_error(x, e);
	else
		rc = uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "not an xlsx file: no workbook part");
	if (rc == UIMP_OK && ends_with_ci(*out, ".bin"))
		rc = xlsb_error(x, e);
	if (rc == UIMP_OK && find_entry(x, *out) == NULL)
		rc = uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "not an xlsx file: no workbook part");
out:
	if (rc != UIMP_OK) {
		free(*out);
		*out = NULL;
	}
	rels_free(&c);
	return rc;
}

static int
is_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int
no_such_sheet(struct xlsx *x, const char *want, struct uimp_err *e)
{
	char list[200];
	size_t i, n = 0;

	list[0] = '\0';
	for (i = 0; i < x->nsheets && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s'%s'",
		    i ? ", " : "", x->sheets[i].name);
	if (n >= sizeof(list))
		memcpy(list + sizeof(list) - 5, "...", 4);
	if (x->nsheets == 0)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "no sheet '%s': the workbook has no sheets", want);
	return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
	    "no sheet '%s'; the sheets are %s", want, list);
}

/* Pick the sheet and set x->sheetname, x->sheetpart. */
static int
pick_sheet(struct xlsx *x, struct ctx *wr, const char *dir,
    const char *want, struct uimp_err *e)
{
	const struct rel *rel;
	struct sheet *s = NULL;
	unsigned long pos;
	size_t i;

	if (want == NULL) {
		for (i = 0; i < x->nsheets && s == NULL; i++) {
			rel = rel_by_id(wr, x->sheets[i].rid);
			if (!x->sheets[i].hidden && rel &&
			    strcmp(rel->type, "chartsheet") != 0)
				s = &x->sheets[i];
		}
		if (s == NULL)
			return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
			    "no visible worksheet in the workbook");
	} else {
		if (is_digits(want)) {
			pos = strtoul(want, NULL, 10);
			if (pos >= 1 && pos <= x->nsheets)
				s = &x->sheets[pos - 1];
		}
		for (i = 0; i < x->nsheets && s == NULL; i++)
			if (strcmp(x->sheets[i].name, want) == 0)
				s = &x->sheets[i];
		for (i = 0; i < x->nsheets && s == NULL; i++)
			if (ascii_casecmp(x->sheets[i].name, want) == 0)
				s = &x->sheets[i];
		if (s == NULL)
			return no_such_sheet(x, want, e);
	}
	if ((rel = rel_by_id(wr, s->rid)) == NULL)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "sheet '%s' has no part in the package", s->name);
	if (strcmp(rel->type, "chartsheet") == 0)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "sheet '%s' is a chart, not a worksheet", s->name);
	if ((x->sheetname = strdup(s->name)) == NULL ||
	    (x->sheetpart = resolve(dir, rel->target)) == NULL)
		return nomem(e, x->display);
	return UIMP_OK;
}

static int
open_sheet(struct xlsx *x, struct uimp_err *e)
{
	const struct entry *en;
	int rc;

	if ((en = find_entry(x, x->sheetpart)) == NULL)
		return uimp_err_set(e, UIMP_EXLSX, 0, x->display,
		    "no part '%s' for sheet '%s'", x->sheetpart, x->sheetname);
	x->c.x = x;
	x->c.e = &x->err;
	x->c.part = en->name;
	if ((rc = ctx_parser(&x->c, sheet_start, sheet_end, sheet_text))) {
		if (e)
			*e = x->err;
		return rc;
	}
	return entry_open(x, en, PART_MAX, e);
}

/* Why the file at path is no zip minizip can open. */
static int
not_zip(const char *path, const char *display, struct uimp_err *e)
{
	unsigned char head[4];
	FILE *fp;
	size_t n = 0;

	if ((fp = fopen(path, "rbe")) != NULL) {
		n = fread(head, 1, sizeof(head), fp);
		fclose(fp);
	}
	if (n == 4 && memcmp(head, "PK\003\004", 4) == 0)
		return uimp_err_set(e, UIMP_EXLSX, 0, display,
		    "corrupt zip archive: its central directory is missing or "
		    "misplaced (a truncated file?)");
	return uimp_err_set(e, UIMP_EXLSX, 0, display,
	    "not an xlsx file: not a zip archive");
}

int
xlsx_reader_init(struct uimp_reader *r, const char *path,
    const char *display, const char *sheet, struct uimp_err *e)
{
	struct xlsx *x;
	struct ctx wr;
	struct stat st;
	const struct rel *rel;
	char *wb = NULL, *dir = NULL, *relsname = NULL, *part = NULL;
	const char *base;
	size_t n;
	int rc;

	memset(&wr, 0, sizeof(wr));
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return nomem(e, display);
	x->display = display;
	r->impl = x;
	r->next = xlsx_next;
	r->release = xlsx_release;
	if (stat(path, &st) == -1)
		return uimp_err_set(e, UIMP_EIO, errno, display, "cannot open");
	if ((x->zf = unzOpen64(path)) == NULL)
		return not_zip(path, display, e);
	if ((rc = list_entries(x, (uint64_t)st.st_size, e)) != UIMP_OK ||
	    (rc = other_format(x, e)) != UIMP_OK ||
	    (rc = find_workbook(x, &wb, e)) != UIMP_OK)
		goto out;

	/* the workbook's folder and its own relationships */
	base = strrchr(wb, '/');
	n = base ? (size_t)(base - wb + 1) : 0;
	if ((dir = malloc(n + 1)) == NULL ||
	    (relsname = malloc(strlen(wb) + 16)) == NULL) {
		rc = nomem(e, display);
		goto out;
	}
	memcpy(dir, wb, n);
	dir[n] = '\0';
	sprintf(relsname, "%s_rels/%s.rels", dir, wb + n);
	wr.x = x;
	wr.e = e;
	if ((rc = load_rels(&wr, relsname)) != UIMP_OK)
		goto out;
	if ((rc = load_workbook(x, wb, e)) != UIMP_OK)
		goto out;
	if ((rc = pick_sheet(x, &wr, dir, sheet, e)) != UIMP_OK)
		goto out;
	if ((rel = rel_by_type(&wr, "styles")) != NULL) {
		if ((part = resolve(dir, rel->target)) == NULL) {
			rc = nomem(e, display);
			goto out;
		}
		if ((rc = load_styles(x, part, e)) != UIMP_OK)
			goto out;
		free(part);
		part = NULL;
	}
	if ((rel = rel_by_type(&wr, "sharedStrings")) != NULL) {
		if ((part = resolve(dir, rel->target)) == NULL) {
			rc = nomem(e, display);
			goto out;
		}
		if ((rc = load_sst(x, part, e)) != UIMP_OK)
			goto out;
	}
	if ((rc = open_sheet(x, e)) != UIMP_OK)
		goto out;
	r->sheet = x->sheetname;
	r->done = 0;
	r->total = x->cur_usize;	/* the sheet's, from the directory */
out:
	rels_free(&wr);
	free(part);
	free(relsname);
	free(dir);
	free(wb);
	return rc;
}
