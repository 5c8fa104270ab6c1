/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommands register themselves with MS_SUBCOMMAND() in their own file,
 * so adding one never edits a shared table.
 */
#ifndef MIGSCOPE_SUBCOMMANDS_H
#define MIGSCOPE_SUBCOMMANDS_H

struct ms_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);	/* returns the exit code */
	const char *what;
	int order;				/* position in --help */
};

#define MS_SUBCOMMAND(cmd, fn, text, pos)				\
	static const struct ms_subcommand ms_subcommand_##cmd		\
	__attribute__((used, section("ms_subcommands"), aligned(8))) = {	\
		.name = #cmd, .run = fn, .what = text, .order = pos,	\
	}

#endif
