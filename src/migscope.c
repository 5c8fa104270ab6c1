// SPDX-License-Identifier: GPL-2.0
/* migscope: trace, profile and fault-inject Xe VF migration and KVM LAPIC timers. */
#include <string.h>
#include "common.h"
#include "subcommands.h"

extern const struct ms_subcommand __start_ms_subcommands[];
extern const struct ms_subcommand __stop_ms_subcommands[];

#define for_each_subcommand(c) \
	for (c = __start_ms_subcommands; c < __stop_ms_subcommands; c++)

static void usage(FILE *f)
{
	const struct ms_subcommand *c;
	int order, last = -1;

	fputs("Usage: migscope <command> [options]   (migscope <command> --help)\n\n"
	      "Commands:\n", f);
	/* a handful of commands: a selection by order is simplest */
	for (;;) {
		order = -1;
		for_each_subcommand(c)
			if (c->order > last && (order < 0 || c->order < order))
				order = c->order;
		if (order < 0)
			break;
		for_each_subcommand(c)
			if (c->order == order)
				fprintf(f, "  %-8s %s\n", c->name, c->what);
		last = order;
	}
}

int main(int argc, char **argv)
{
	const struct ms_subcommand *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("migscope " MIGSCOPE_VERSION);
		return 0;
	}
	ms_libbpf_setup();
	for_each_subcommand(c) {
		if (!strcmp(argv[1], c->name)) {
			optind = 1;
			return c->run(argc - 1, argv + 1);
		}
	}
	ms_err("unknown command '%s' (run 'migscope --help' for the list)",
	       argv[1]);
	return 2;
}
