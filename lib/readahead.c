/*
 * readahead.c: a reading thread.  It runs the format's reader (inflating,
 * parsing, decoding) and copies its rows into blocks; the caller takes
 * them from a ring of NBLOCK blocks, so reading goes on while the caller
 * checks, looks up and hashes, and the memory is the ring's, whatever the
 * length of the file.  Rows, cells, a failure and the end reach the caller
 * in the order the format gave them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NBLOCK		4		/* blocks in the ring */
#define BLOCK_ROWS	512		/* a block is handed over at this ... */
#define BLOCK_TEXT	(256UL << 10)	/* ... or this many bytes of text */

struct block {
	struct uimp_row		*rows;
	size_t			 nrows, caprows;
	size_t			*first;		/* rows[i]'s first cell */
	size_t			 capfirst;
	struct uimp_cell	*cells;
	size_t			 ncells, capcells;
	size_t			*off;		/* cells[i]'s text in text */
	size_t			 capoff;
	char			*text;
	size_t			 ntext, captext;
	unsigned long long	 done;		/* the reader's progress */
	int			 rc;		/* after the rows: a failure, */
	int			 end;		/* or the end of the table */
	struct uimp_err		 err;
};

struct readahead {
	pthread_t		 tid;
	pthread_mutex_t		 mu;
	pthread_cond_t		 filled;	/* a block for the caller */
	pthread_cond_t		 freed;		/* a block for the thread */
	struct block		 b[NBLOCK];
	size_t			 head;		/* next block the thread fills */
	size_t			 tail;		/* next block the caller takes */
	size_t			 nfull;		/* blocks between them */
	int			 cancel;	/* the caller is closing */
	struct block		*cur;		/* the caller's, or NULL */
	size_t			 pos;		/* its next row */
	unsigned long long	 done;		/* progress of the rows taken */
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = realloc(*p, n * size)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/*
 * Grow the text arena without leaving a copy of its bytes behind: they
 * are cells, passwords among them.
 */
static int
grow_text(struct block *b, size_t need)
{
	size_t n = b->captext ? b->captext : BLOCK_TEXT;
	char *q;

	if (need <= b->captext)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = malloc(n)) == NULL)
		return -1;
	if (b->text) {
		memcpy(q, b->text, b->ntext);
		explicit_bzero(b->text, b->captext);
		free(b->text);
	}
	b->text = q;
	b->captext = n;
	return 0;
}

/* Copy one row into b; -1: out of memory. */
static size_t	row_bytes(const struct uimp_row *);

static int
add_row(struct block *b, const struct uimp_row *row)
{
	size_t i, bytes = row_bytes(row);

	if (grow((void **)&b->rows, &b->caprows, b->nrows + 1,
	    sizeof(*b->rows)) == -1 ||
	    grow((void **)&b->first, &b->capfirst, b->nrows + 1,
	    sizeof(*b->first)) == -1 ||
	    grow((void **)&b->cells, &b->capcells, b->ncells + row->ncells,
	    sizeof(*b->cells)) == -1 ||
	    grow((void **)&b->off, &b->capoff, b->ncells + row->ncells,
	    sizeof(*b->off)) == -1 ||
	    grow_text(b, b->ntext + bytes) == -1)
		return -1;
	b->rows[b->nrows].num = row->num;
	b->rows[b->nrows].ncells = row->ncells;
	b->first[b->nrows++] = b->ncells;
	for (i = 0; i < row->ncells; i++) {
		b->cells[b->ncells] = row->cells[i];
		b->off[b->ncells++] = b->ntext;
		memcpy(b->text + b->ntext, row->cells[i].text,
		    row->cells[i].len);
		b->text[b->ntext + row->cells[i].len] = '\0';
		b->ntext += row->cells[i].len + 1;
	}
	return 0;
}

/* The pointers into the block, once it is filled. */
static void
seal(struct block *b)
{
	size_t i;

	for (i = 0; i < b->nrows; i++)
		b->rows[i].cells = b->rows[i].ncells ? b->cells + b->first[i] :
		    NULL;
	for (i = 0; i < b->ncells; i++)
		b->cells[i].text = b->text + b->off[i];
}

static void
empty(struct block *b)
{
	if (b->text)
		explicit_bzero(b->text, b->ntext);
	/* a block a huge row grew goes back to its usual size */
	if (b->captext > BLOCK_TEXT) {
		free(b->text);
		b->text = NULL;
		b->captext = 0;
	}
	b->nrows = b->ncells = b->ntext = 0;
	b->rc = b->end = 0;
	memset(&b->err, 0, sizeof(b->err));
}

static int
cancelled(struct readahead *ra)
{
	int c;

	pthread_mutex_lock(&ra->mu);
	c = ra->cancel;
	pthread_mutex_unlock(&ra->mu);
	return c;
}

/* The bytes a row takes in a block's text. */
static size_t
row_bytes(const struct uimp_row *row)
{
	size_t i, n = 0;

	for (i = 0; i < row->ncells; i++)
		n += row->cells[i].len + 1;
	return n;
}

static void *
fill(void *arg)
{
	struct uimp_reader *r = arg;
	struct readahead *ra = r->ra;
	const struct uimp_row *row, *next = NULL;
	struct block *b;
	int rc, last = 0;

	while (!last) {
		pthread_mutex_lock(&ra->mu);
		while (ra->nfull == NBLOCK && !ra->cancel)
			pthread_cond_wait(&ra->freed, &ra->mu);
		if (ra->cancel) {
			pthread_mutex_unlock(&ra->mu);
			break;
		}
		b = &ra->b[ra->head];
		pthread_mutex_unlock(&ra->mu);
		/*
		 * The block is the thread's alone until it is counted full.
		 * A row that would take it past BLOCK_TEXT opens the next
		 * one (next: the format keeps it until its next call), so a
		 * block holds rows of BLOCK_TEXT or one longer row.
		 */
		while (b->nrows < BLOCK_ROWS && b->ntext < BLOCK_TEXT) {
			if (b->nrows % 64 == 63 && cancelled(ra))
				break;
			if (next != NULL)
				row = next;
			else if ((rc = r->next(r, &row, &b->err)) != UIMP_OK) {
				b->rc = rc;
				last = 1;
				break;
			} else if (row == NULL) {
				b->end = last = 1;
				break;
			}
			next = NULL;
			if (b->nrows > 0 &&
			    b->ntext + row_bytes(row) > BLOCK_TEXT) {
				next = row;
				break;
			}
			if (add_row(b, row) == -1) {
				b->rc = uimp_err_set(&b->err, UIMP_ENOMEM, 0,
				    r->display, "%s",
				    uimp_strstatus(UIMP_ENOMEM));
				last = 1;
				break;
			}
		}
		seal(b);
		b->done = r->done;
		pthread_mutex_lock(&ra->mu);
		ra->head = (ra->head + 1) % NBLOCK;
		ra->nfull++;
		pthread_cond_signal(&ra->filled);
		pthread_mutex_unlock(&ra->mu);
	}
	return NULL;
}

int
readahead_start(struct uimp_reader *r, struct uimp_err *e)
{
	struct readahead *ra;

	if ((ra = calloc(1, sizeof(*ra))) == NULL)
		return uimp_err_set(e, UIMP_ENOMEM, 0, r->display, "%s",
		    uimp_strstatus(UIMP_ENOMEM));
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->filled, NULL);
	pthread_cond_init(&ra->freed, NULL);
	r->ra = ra;
	if (pthread_create(&ra->tid, NULL, fill, r) != 0) {
		r->ra = NULL;
		pthread_mutex_destroy(&ra->mu);
		pthread_cond_destroy(&ra->filled);
		pthread_cond_destroy(&ra->freed);
		free(ra);
		/* no thread: the caller reads in its own */
	}
	return UIMP_OK;
}

int
readahead_next(struct uimp_reader *r, const struct uimp_row **row,
    struct uimp_err *e)
{
	struct readahead *ra = r->ra;
	struct block *b;

	*row = NULL;
	for (;;) {
		if ((b = ra->cur) != NULL) {
			if (ra->pos < b->nrows) {
				*row = &b->rows[ra->pos++];
				return UIMP_OK;
			}
			if (b->rc != UIMP_OK) {
				*e = b->err;
				return b->rc;
			}
			if (b->end)
				return UIMP_OK;
			/* the block is done with: back to the thread */
			empty(b);
			pthread_mutex_lock(&ra->mu);
			ra->tail = (ra->tail + 1) % NBLOCK;
			ra->nfull--;
			pthread_cond_signal(&ra->freed);
			pthread_mutex_unlock(&ra->mu);
			ra->cur = NULL;
		}
		pthread_mutex_lock(&ra->mu);
		while (ra->nfull == 0)
			pthread_cond_wait(&ra->filled, &ra->mu);
		ra->cur = &ra->b[ra->tail];
		pthread_mutex_unlock(&ra->mu);
		ra->pos = 0;
		ra->done = ra->cur->done;
	}
}

unsigned long long
readahead_done(const struct uimp_reader *r)
{
	return r->ra->done;
}

void
readahead_stop(struct uimp_reader *r)
{
	struct readahead *ra = r->ra;
	size_t i;

	if (ra == NULL)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->cancel = 1;
	pthread_cond_signal(&ra->freed);
	pthread_mutex_unlock(&ra->mu);
	pthread_join(ra->tid, NULL);
	for (i = 0; i < NBLOCK; i++) {
		empty(&ra->b[i]);
		free(ra->b[i].rows);
		free(ra->b[i].first);
		free(ra->b[i].cells);
		free(ra->b[i].off);
		free(ra->b[i].text);
	}
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->filled);
	pthread_cond_destroy(&ra->freed);
	free(ra);
	r->ra = NULL;
}
