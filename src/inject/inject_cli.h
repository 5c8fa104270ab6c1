/* SPDX-License-Identifier: GPL-2.0 */
/* migscope inject's command line: the plan and the target it describes. */
#ifndef MIGSCOPE_INJECT_CLI_H
#define MIGSCOPE_INJECT_CLI_H

#include <stdbool.h>
#include <sys/types.h>
#include "inject.h"

struct inject_opts {
	struct inj_plan plan;
	bool have_site, have_errno, have_delay, json, list;
	const char *mechanism;		/* forced: model, signal, kernel */
	pid_t pid;
	char **command;
};

/* 0 to run, MS_CLI_HELP after --help, 2 after a usage error */
int inject_parse_args(struct inject_opts *o, int argc, char **argv);

#endif /* MIGSCOPE_INJECT_CLI_H */
