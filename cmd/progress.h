/*
 * progress.h: what a terminal gets beyond plain text: the progress bar of
 * import and check, colour in findings (userimp(1) PROGRESS, ENVIRONMENT).
 */
#ifndef USERIMP_PROGRESS_H
#define USERIMP_PROGRESS_H

#include <stdio.h>

#include "userimp.h"

/* --progress and --no-progress; the default is PROGRESS_AUTO. */
enum { PROGRESS_AUTO = 0, PROGRESS_ON, PROGRESS_OFF };

/* Set by --progress (PROGRESS_ON) and --no-progress (PROGRESS_OFF). */
void	progress_mode(int mode);

/*
 * Hook the bar into o for the file named file (borrowed until the run
 * ends) when one is to be drawn: forced by --progress, or stderr is a
 * terminal, TERM is not "dumb", and neither -q nor --json was given.
 * Otherwise o is left alone and nothing is ever drawn.  Call after the
 * options are parsed.
 */
void	progress_start(struct uimp_import_opts *o, const char *file);

/*
 * Erase the bar if it is on the screen, so that a message can take the
 * line; does nothing otherwise.  print_finding() and die_err() call it.
 */
void	progress_clear(void);

/*
 * Whether out is a terminal that gets colour: NO_COLOR unset or empty
 * (https://no-color.org) and TERM not "dumb".  1 or 0.
 */
int	term_color(FILE *out);

#endif
