/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test reporting shared by the C tests.  Each check prints one line
 * that tests/run aggregates:
 *   ok - NAME
 *   not ok - NAME: WHY
 *   skip - NAME: WHY
 * A test program exits 1 if any of its checks failed.
 */
#ifndef MIGSCOPE_CHECK_H
#define MIGSCOPE_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

static inline void check_line(const char *verdict, const char *name,
			      const char *fmt, va_list ap)
{
	printf("%s - %s", verdict, name);
	if (fmt) {
		printf(": ");
		vprintf(fmt, ap);
	}
	printf("\n");
	fflush(stdout);
}

static inline void check_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_line("skip", name, fmt, ap);
	va_end(ap);
}

/* Report NAME as passed if cond holds, else failed with the formatted why. */
static inline int check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (cond) {
		check_line("ok", name, NULL, ap);
	} else {
		check_line("not ok", name, fmt, ap);
		check_failures++;
	}
	va_end(ap);
	return cond;
}

static inline int check_exit(void)
{
	return check_failures ? 1 : 0;
}

#endif /* MIGSCOPE_CHECK_H */
