// SPDX-License-Identifier: GPL-2.0
/* migscope: trace, profile and fault-inject Xe VF migration and KVM LAPIC timers. */
#include <string.h>
#include "common.h"
#include "subcommands.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
};

static const struct subcommand subcommands[] = {
	{ "doctor", cmd_doctor, "what this kernel allows, and which hooks each feature will use" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: migscope <command> [options]   (migscope <command> --help)\n\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].what);
}

int main(int argc, char **argv)
{
	size_t i;

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
	for (i = 0; i < ARRAY_SIZE(subcommands); i++) {
		if (!strcmp(argv[1], subcommands[i].name)) {
			optind = 1;
			return subcommands[i].run(argc - 1, argv + 1);
		}
	}
	ms_err("unknown command '%s' (run 'migscope --help' for the list)",
	       argv[1]);
	return 2;
}
