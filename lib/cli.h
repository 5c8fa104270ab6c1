/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One declarative command line per command: a table of options from which
 * the getopt_long array, the option string, the usage text and the usage
 * errors are all generated.  Usage errors exit 2, runtime errors 1, in
 * every command.
 */
#ifndef MIGSCOPE_CLI_H
#define MIGSCOPE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define MS_CLI_USAGE	2	/* exit status of a usage error */
#define MS_CLI_HELP	(-1)	/* --help was printed: exit 0 */

struct ms_opt {
	const char *name;	/* long name; NULL ends the table */
	int key;		/* a short letter, or an id >= 256 */
	const char *arg;	/* the value's name; NULL for a flag */
	const char *help;	/* NULL: accepted, not listed */
};

struct ms_cli {
	const char *cmd;	/* "lapic": for messages */
	const char *synopsis;	/* "Usage: ..." lines */
	const char *about;	/* what the command does */
	const struct ms_opt *opts;	/* -h/--help is added */
	const char *footer;	/* examples and notes, or NULL */
	void (*more)(FILE *f);	/* text known only at run time, or NULL */
	bool stop_at_operand;	/* options end at the first operand */
};

/*
 * Parse argv's options: fn(ctx, key, value) for each one, returning 0, or
 * MS_CLI_USAGE having said what is wrong with the value (ms_usage_err).
 * Returns 0 with optind at the first operand, MS_CLI_HELP after printing
 * the usage, or MS_CLI_USAGE after a one-line error.
 */
int ms_cli_parse(const struct ms_cli *c, int argc, char **argv,
		 int (*fn)(void *ctx, int key, const char *arg), void *ctx);
void ms_cli_usage(const struct ms_cli *c, FILE *f);

#endif /* MIGSCOPE_CLI_H */
