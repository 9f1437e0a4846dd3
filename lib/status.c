/*
 * status.c: status codes, their texts, and the one way lib/ reports a
 * failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userimp.h"

const char *
uimp_strstatus(int status)
{
	switch (status) {
	case UIMP_OK:		return "success";
	case UIMP_ENOMEM:	return "out of memory";
	case UIMP_EIO:		return "cannot read the file";
	case UIMP_EXLSX:	return "not a readable xlsx workbook";
	case UIMP_EINPUT:	return "not a readable table";
	case UIMP_EDB:		return "store unavailable";
	case UIMP_EBUSY:	return "store locked";
	case UIMP_EHASH:	return "password hashing failed";
	case UIMP_EINVAL:	return "invalid argument";
	case UIMP_EWRITE:	return "cannot write the output";
	case UIMP_EINTERNAL:	return "internal error";
	case UIMP_ENOENT:	return "not found";
	case UIMP_EREFUSED:	return "refused";
	}
	return "unknown status";
}

int
uimp_err_set(struct uimp_err *e, int status, int sys_errno,
    const char *where, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return status;
	e->status = status;
	e->sys_errno = sys_errno;
	snprintf(e->where, sizeof(e->where), "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return status;
}

void
uimp_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: BUG: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
