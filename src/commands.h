/* SPDX-License-Identifier: GPL-2.0 */
/* The entry point of every migscope command; src/migscope.c lists them. */
#ifndef MIGSCOPE_COMMANDS_H
#define MIGSCOPE_COMMANDS_H

/* each returns the exit status: 0, 1 on a runtime error, 2 on a usage error */
int cmd_trace(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_lapic(int argc, char **argv);
int cmd_inject(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

#endif /* MIGSCOPE_COMMANDS_H */
