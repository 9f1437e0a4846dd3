/*
 * dircmd.h: what userimp-groups, userimp-labels and userimp-fields share:
 * their options, the lists and the reports of a change.
 */
#ifndef USERIMP_DIRCMD_H
#define USERIMP_DIRCMD_H

#include "cmd.h"

/* The options of the three commands: the common ones, --force, --type. */
extern const struct option dir_longopts[];

/*
 * Parse the options; on return *argc and *argv hold the operands (the
 * subcommand first).  force and type get --force and --type.
 */
void	dir_options(int *argc, char ***argv, int *force, const char **type,
	    void (*usage)(FILE *, int));

/* Print every entry of kind (groups: of type, may be NULL) and exit. */
void	dir_list(int kind, const char *type) __attribute__((noreturn));

/*
 * Apply c, then report each entry it touched: a line on stderr unless
 * -q, one JSON object on stdout with --json.  Exits.
 */
void	dir_apply(const struct uimp_dir_change *c)
	    __attribute__((noreturn));

/*
 * Whether s is the subcommand sub; when it is, a usage error unless it has
 * from min to max operands (max -1: no limit) after it in argc.
 */
int	dir_sub(const char *s, const char *sub, int argc, int min, int max,
	    void (*usage)(FILE *, int));

#endif
