// SPDX-License-Identifier: GPL-2.0
/* migscope: trace, profile and fault-inject Xe VF migration and KVM LAPIC timers. */
#include <string.h>
#include "commands.h"
#include "common.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "trace", cmd_trace,
	  "trace a VF migration: packets, states, VRAM copies, data path" },
	{ "top", cmd_top, "live per-VF migration table" },
	{ "record", cmd_record,
	  "record the raw migration event stream to a file" },
	{ "report", cmd_report,
	  "render a recorded migration: summary, histograms, Perfetto" },
	{ "lapic", cmd_lapic,
	  "KVM LAPIC periodic timer: lag, late expiries, clamps, catch-up replays" },
	{ "inject", cmd_inject,
	  "fail chosen calls of the migration data path (fault injection)" },
	{ "fuzz", cmd_fuzz,
	  "run many migrations under generated injection plans, classify each" },
	{ "doctor", cmd_doctor,
	  "what this kernel allows, and which hooks each feature will use" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: migscope <command> [options]   (migscope <command> --help)\n\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
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
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			optind = 1;
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	ms_err("unknown command '%s' (run 'migscope --help' for the list)",
	       argv[1]);
	return 2;
}
