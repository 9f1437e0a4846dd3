/*
 * check.c: userimp-check, validate a spreadsheet against the rules and
 * the store without writing anything.
 */
#include "cmd.h"

int
main(int argc, char *argv[])
{
	return run_import(argc, argv, 1);
}
