/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points of migscope's subcommands: return the process exit code. */
#ifndef MIGSCOPE_SUBCOMMANDS_H
#define MIGSCOPE_SUBCOMMANDS_H

int cmd_doctor(int argc, char **argv);

#endif
