/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The injection session shared by `migscope inject` and `migscope fuzz`:
 * the BPF object is loaded and attached once, then armed, disarmed and
 * re-armed by writing its .bss (a USDT detach costs ~110 ms, a write
 * nothing).  Nothing is pinned, so everything is disarmed when migscope
 * exits, whatever the reason.
 */
#ifndef MIGSCOPE_INJECT_SESSION_H
#define MIGSCOPE_INJECT_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "events.h"
#include "fault_sites.h"
#include "inject_abi.h"

/* one injection plan: what `migscope inject`'s options describe */
struct inj_plan {
	unsigned int mech;		/* enum inject_mech */
	unsigned int site;		/* enum ms_fault_site */
	int err;			/* positive errno */
	unsigned int delay_us;		/* delay sites (ms_site_is_delay) */
	int sig;			/* signal mechanism */
	uint64_t nth, interval, times, seed;
	double prob;			/* 0..1; < 0: not given */
	uint32_t vf, gt, type;		/* MS_ANY: no filter */
	uint64_t off_lo, off_hi;	/* off_hi 0: no offset filter */
	bool dry_run;
	uint64_t kdev, ino;		/* kernel mechanism: --file */
	const char *file;
};

struct inj_session {
	struct inject_bpf *obj;		/* its skeleton holds every link */
	struct ms_events ev;
	bool ev_open;
	unsigned int mech;
	bool leaks;			/* the packet probes are loaded (fuzz) */
};

void inj_plan_init(struct inj_plan *p);
/* the options that reproduce the plan: "--site data_read --errno EIO --nth 3" */
void inj_plan_args(const struct inj_plan *p, char *buf, size_t len);

/*
 * Open and load the object for one mechanism.  reuse_map_fd >= 0 makes
 * the verdict map that map (a running model's, for -p PID).  leaks: keep
 * live model packets per process (fuzz).
 */
int inj_session_open(struct inj_session *s, unsigned int mech,
		     int reuse_map_fd, bool leaks, ms_event_fn fn, void *ctx);
/* attach fault_site (and with leaks the packet probes) to a binary */
int inj_attach_model(struct inj_session *s, const char *binary, bool leaks);
int inj_attach_kernel(struct inj_session *s);
/* arm n plans at once (1..INJ_MAX_FAULTS): a multi-fault plan */
void inj_arm(struct inj_session *s, const struct inj_plan *p, unsigned int n);
void inj_disarm(struct inj_session *s);
struct inject_stats inj_stats(const struct inj_session *s);
int inj_scope_add(struct inj_session *s, pid_t pid);
/* pid and every live descendant of it (a scan of /proc) */
int inj_scope_add_tree(struct inj_session *s, pid_t pid);
void inj_scope_clear(struct inj_session *s);
/* the coverage keys the probes saw since the last call; clears them */
typedef void (*inj_cov_fn)(void *ctx, const struct inject_cov_key *k);
int inj_cov_take(struct inj_session *s, inj_cov_fn fn, void *ctx);
/* each process's GTs' last state bits (fuzz); clears them */
typedef void (*inj_state_fn)(void *ctx, const struct inject_state_key *k,
			     const struct inject_state_val *v);
int inj_states_take(struct inj_session *s, inj_state_fn fn, void *ctx);
/* live packets left by in-scope processes; clears the record */
uint64_t inj_leaks_take(struct inj_session *s);
unsigned int inj_map_id(const struct inj_session *s);
void inj_session_close(struct inj_session *s);

/*
 * Start argv with XE_FAULT_MAP_ID set, in scope before it runs its first
 * instruction: the child waits on a pipe until it is in the scope map.
 * own_group: put it in its own process group (fuzz kills groups on a
 * hang) and have it die with us.  out_fd[0] >= 0 becomes its stdout,
 * out_fd[1] >= 0 its stderr.
 */
pid_t inj_spawn(struct inj_session *s, char **argv, bool own_group,
		const int out_fd[2]);

/* the verdict map a running model created (by name in its fds), or -1 */
int inj_find_model_map(pid_t pid);

#endif /* MIGSCOPE_INJECT_SESSION_H */
