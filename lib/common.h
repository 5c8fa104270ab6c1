/* SPDX-License-Identifier: GPL-2.0 */
/* What every migscope subcommand needs: errors, logging, signals, parsing. */
#ifndef MIGSCOPE_COMMON_H
#define MIGSCOPE_COMMON_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern int ms_verbose;
extern volatile sig_atomic_t ms_exiting;

/* "migscope: <msg>" on stderr; returns -1 so callers can `return ms_err()` */
int ms_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ms_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Route libbpf's messages: warnings and debug only with -v, except while a
 * capture is active (doctor probes), when they are kept to explain a failure.
 */
void ms_libbpf_setup(void);
void ms_libbpf_capture_begin(void);
/* the captured log, reduced to the lines that explain a failure (the
 * same answer however often it is called, until the next capture) */
const char *ms_libbpf_capture_end(void);

/* Fail with one line saying what to do unless we may load BPF programs. */
int ms_require_bpf_privileges(const char *cmd);

/* SIGINT/SIGTERM/SIGHUP set ms_exiting; SIGPIPE is ignored. */
void ms_setup_signals(void);

int ms_parse_u64(const char *s, uint64_t *out);
/* accepts K, M, G (binary) suffixes */
int ms_parse_size(const char *s, uint64_t *out);
/* a running process, or an error naming what is wrong */
int ms_parse_pid(const char *s, pid_t *out);
/* "EIO", "eio", "5" or "-5" -> 5; -1 if unknown */
int ms_errno_from_name(const char *s);
const char *ms_errno_name(int err);
/* for a command line that must parse back: the name, or the number */
void ms_errno_arg(int err, char *buf, size_t len);
/* the shortest decimal text strtod() turns back into v */
void ms_double_arg(double v, char *buf, size_t len);

/* Report an option parsing problem in one line; returns 2 (usage exit code). */
int ms_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* handle getopt's '?' and ':' results in one line */
int ms_getopt_err(const char *cmd, int opt, char *const argv[]);

/* CLOCK_MONOTONIC, the bpf_ktime_get_ns clock */
uint64_t ms_now_ns(void);
/*
 * With MIGSCOPE_PHASES set in the environment: "migscope: phase WHAT
 * +N.NNN ms" on stderr, the time since the previous call (the first call
 * only starts the clock), to see where a start-up goes.
 */
void ms_phase(const char *what);

/* command name -> executable path, the way execvp would find it */
int ms_resolve_command(const char *cmd, char *out, size_t len);
/*
 * The offset of field in the records of tracepoint event ("sched/
 * sched_process_fork"), from its tracefs format; -errno if unknown.
 */
int ms_tracepoint_field_offset(const char *event, const char *field);

#endif /* MIGSCOPE_COMMON_H */
