/*
 * progress.c: the progress bar that import and check draw on a terminal's
 * stderr, and whether findings get colour.
 */
#include <sys/ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "progress.h"

#define BAR_WIDTH	10	/* characters between the brackets */
#define LINE_SIZE	512	/* bytes of a drawn line, NUL included */
#define REDRAW_NS	100000000LL	/* 10 redraws a second at most */
#define RATE_NS		500000000LL	/* seen before a rate shows */

static int	mode = PROGRESS_AUTO;
static int	visible;	/* a bar is on the line now */

static struct {
	const char		*name;	/* the file's base name */
	int			 cols;	/* the terminal's width */
	int			 seen;	/* 1 << phase: drawn once */
	long long		 last;	/* when, in ns */
	long long		 t0;	/* the first call */
	unsigned long		 rows0;	/* rows and bytes then */
	unsigned long long	 done0;
} bar;

void
progress_mode(int m)
{
	mode = m;
}

/* CLOCK_MONOTONIC in nanoseconds. */
static long long
now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Whether TERM says the terminal cannot move its cursor. */
static int
dumb_term(void)
{
	const char *t = getenv("TERM");

	return t != NULL && strcmp(t, "dumb") == 0;
}

/*
 * The width of the terminal on stderr, once at the start (a resize in
 * the middle of a run only wraps a line or two), 80 when it does not say.
 */
static int
term_cols(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Seconds as M:SS, or H:MM:SS from an hour on. */
static void
clock_text(unsigned long long s, char *out, size_t outsz)
{
	if (s >= 3600)
		snprintf(out, outsz, "%llu:%02llu:%02llu", s / 3600,
		    s / 60 % 60, s % 60);
	else
		snprintf(out, outsz, "%llu:%02llu", s / 60, s % 60);
}

/*
 * Join the pieces that fit in the terminal's width into line (size
 * LINE_SIZE bytes): each is dropped whole, the least wanted first (want[]
 * lists them from the most wanted), so that the carriage return finds its
 * line; the most wanted alone is cut if it must be.
 */
static void
fit(char *line, const char *const piece[], int npiece, const int want[])
{
	size_t room, len;
	int keep[8], i, k, n;

	room = (size_t)bar.cols - 1;
	if (room > LINE_SIZE - 1)
		room = LINE_SIZE - 1;
	for (n = npiece; n > 1; n--) {
		memset(keep, 0, sizeof(keep));
		len = 0;
		for (k = 0; k < n; k++) {
			keep[want[k]] = 1;
			len += strlen(piece[want[k]]);
		}
		if (len <= room)
			break;
	}
	if (n == 1) {
		memset(keep, 0, sizeof(keep));
		keep[want[0]] = 1;
	}
	*line = '\0';
	for (i = 0; i < npiece; i++)
		if (keep[i])
			strncat(line, piece[i], room - strlen(line));
	/* the pieces after the first start with their gap */
	for (len = 0; line[len] == ' '; len++)
		continue;
	memmove(line, line + len, strlen(line + len) + 1);
}

/*
 * The line while reading and hashing: the two take turns every few
 * hundred rows, so they share one line that does not flicker: percent,
 * bar, rows, rate and ETA (from the bytes, when their total is known),
 * then the passwords hashed so far.
 */
static void
read_line(const struct uimp_progress *p, long long t, char *line)
{
	/* pieces: name, bar and rows, rate, ETA, hashing */
	static const int want[] = { 1, 0, 3, 2, 4 };
	char core[96], bar_s[BAR_WIDTH + 1];
	char rate[48] = "", eta[48] = "", hash[48] = "";
	const char *piece[5];
	unsigned long long left, el = (unsigned long long)(t - bar.t0);
	double f;
	int i, fill;

	if (el >= (unsigned long long)RATE_NS && p->rows > bar.rows0)
		snprintf(rate, sizeof(rate), "  %.0f rows/s",
		    (double)(p->rows - bar.rows0) * 1e9 / (double)el);
	if (p->hashed > 0)
		snprintf(hash, sizeof(hash), "  hashing %lu passwords",
		    p->hashed);
	else if (p->phase == UIMP_PHASE_HASH)
		snprintf(hash, sizeof(hash), "  hashing passwords");
	if (p->total == 0)
		snprintf(core, sizeof(core), "  %lu rows", p->rows);
	else {
		f = (double)p->done / (double)p->total;
		if (f > 1)
			f = 1;
		fill = (int)(f * BAR_WIDTH);
		for (i = 0; i < BAR_WIDTH; i++)
			bar_s[i] = i < fill ? '#' : '.';
		bar_s[BAR_WIDTH] = '\0';
		snprintf(core, sizeof(core), "  %3d%% [%s] %lu rows",
		    (int)(f * 100), bar_s, p->rows);
	}
	/* the rows to come are unknown: the bytes tell how much is left */
	if (*rate && p->total > p->done && p->done > bar.done0) {
		left = (unsigned long long)((double)el / 1e9 *
		    (double)(p->total - p->done) /
		    (double)(p->done - bar.done0) + 0.5);
		memcpy(eta, "  ETA ", 7);
		clock_text(left, eta + 6, sizeof(eta) - 6);
	}
	piece[0] = bar.name;
	piece[1] = core;
	piece[2] = rate;
	piece[3] = eta;
	piece[4] = hash;
	fit(line, piece, 5, want);
}

/* Draw the line for p over the one before. */
static void
draw(const struct uimp_progress *p, long long t)
{
	static const int want[] = { 1, 0 };
	char line[LINE_SIZE], tail[64];
	const char *piece[2];

	if (p->phase == UIMP_PHASE_WRITE) {
		snprintf(tail, sizeof(tail), "  writing %lu/%lu", p->written,
		    p->to_write);
		piece[0] = bar.name;
		piece[1] = tail;
		fit(line, piece, 2, want);
	} else
		read_line(p, t, line);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	visible = 1;
}

/*
 * The callback for uimp_import(): draw on the first call of each phase
 * (so that each shows at least once, however fast the run) and after a
 * message took the line, else at most every REDRAW_NS; DONE erases.
 */
static void
show(const struct uimp_progress *p, void *arg)
{
	long long t;
	int bit;

	(void)arg;
	if (p->phase == UIMP_PHASE_DONE) {
		progress_clear();
		return;
	}
	t = now_ns();
	bit = 1 << (p->phase & 7);
	if (bar.seen == 0) {
		bar.t0 = t;
		bar.rows0 = p->rows;
		bar.done0 = p->done;
	} else if ((bar.seen & bit) && visible && t - bar.last < REDRAW_NS)
		return;
	bar.seen |= bit;
	bar.last = t;
	draw(p, t);
}

void
progress_start(struct uimp_import_opts *o, const char *file)
{
	const char *slash;

	if (mode == PROGRESS_OFF)
		return;
	if (mode == PROGRESS_AUTO && (opt.quiet || opt.json ||
	    !isatty(STDERR_FILENO) || dumb_term()))
		return;
	slash = strrchr(file, '/');
	bar.name = slash && slash[1] ? slash + 1 : file;
	if (strcmp(file, "-") == 0)
		bar.name = "stdin";
	bar.cols = term_cols();
	o->progress = show;
	o->progress_arg = NULL;
}

void
progress_clear(void)
{
	if (!visible)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	visible = 0;
}

int
term_color(FILE *out)
{
	static int known[3] = { -1, -1, -1 };
	const char *nc = getenv("NO_COLOR");
	int fd = fileno(out);

	if (nc != NULL && *nc != '\0')
		return 0;
	if (fd < 1 || fd > 2)
		return 0;
	if (known[fd] == -1)
		known[fd] = isatty(fd) && !dumb_term();
	return known[fd];
}
