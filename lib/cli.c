// SPDX-License-Identifier: GPL-2.0
/* Command lines from option tables: see cli.h. */
#include <getopt.h>
#include <string.h>
#include "cli.h"
#include "common.h"

#define CLI_MAX_OPTS	48

static const struct ms_opt help_opt = { "help", 'h', NULL, "this text" };

static void usage_line(FILE *f, const struct ms_opt *o)
{
	char left[48];
	int n = 0;

	if (o->key < 256)
		n = snprintf(left, sizeof(left), "-%c, ", o->key);
	else
		n = snprintf(left, sizeof(left), "    ");
	snprintf(left + n, sizeof(left) - n, "--%s%s%s", o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "");
	fprintf(f, "  %-24s %s\n", left, o->help);
}

void ms_cli_usage(const struct ms_cli *c, FILE *f)
{
	const struct ms_opt *o;

	fprintf(f, "%s\n%s\n", c->synopsis, c->about);
	for (o = c->opts; o->name; o++)
		if (o->help)
			usage_line(f, o);
	usage_line(f, &help_opt);
	if (c->footer)
		fprintf(f, "\n%s", c->footer);
	if (c->more)
		c->more(f);
}

/* the getopt_long view of the table; 0 or -1 if it is too long */
static int build(const struct ms_cli *c, struct option *lo, char *so,
		 size_t so_len)
{
	const struct ms_opt *o;
	size_t n = 0, s = 0;

	so[s++] = c->stop_at_operand ? '+' : ':';
	if (c->stop_at_operand)
		so[s++] = ':';
	for (o = c->opts; o->name && n < CLI_MAX_OPTS - 2; o++, n++) {
		lo[n] = (struct option){ o->name, o->arg ? required_argument :
					 no_argument, NULL, o->key };
		if (o->key >= 256 || s + 3 >= so_len)
			continue;
		so[s++] = o->key;
		if (o->arg)
			so[s++] = ':';
	}
	if (o->name)
		return -1;
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ 0 };
	so[s++] = 'h';
	so[s] = '\0';
	return 0;
}

int ms_cli_parse(const struct ms_cli *c, int argc, char **argv,
		 int (*fn)(void *ctx, int key, const char *arg), void *ctx)
{
	struct option lo[CLI_MAX_OPTS];
	char so[2 * CLI_MAX_OPTS + 4];
	int key, err;

	if (build(c, lo, so, sizeof(so)))
		return ms_usage_err(c->cmd, "too many options for the parser");
	opterr = 0;
	while ((key = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (key == 'h') {
			ms_cli_usage(c, stdout);
			return MS_CLI_HELP;
		}
		if (key == '?' || key == ':')
			return ms_getopt_err(c->cmd, key, argv);
		err = fn(ctx, key, optarg);
		if (err)
			return MS_CLI_USAGE;
	}
	return 0;
}
