/*
 * import.c: userimp-import, create and update users from a spreadsheet.
 */
#include "cmd.h"

int
main(int argc, char *argv[])
{
	return run_import(argc, argv, 0);
}
