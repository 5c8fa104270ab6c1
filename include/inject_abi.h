/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `migscope inject` and `migscope fuzz` share with bpf/inject.bpf.c:
 * the arming record user space writes into the object's .bss between runs
 * (re-arming is a memory write; detaching USDT links costs ~110 ms each).
 */
#ifndef MIGSCOPE_INJECT_ABI_H
#define MIGSCOPE_INJECT_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* struct ms_inject_ev.mechanism */
enum inject_mech {
	INJ_MECH_MODEL = 1,	/* verdict written into the model's slot */
	INJ_MECH_SIGNAL,	/* bpf_send_signal_thread at the site */
	INJ_MECH_KERNEL,	/* fmod_ret on security_file_permission */
};


#define INJ_MAX_FAULTS	4	/* faults armed at once (fuzz's plans) */
#define INJ_MAX_GTS	8	/* GTs whose save rings fuzz follows */

/*
 * One armed fault, should_fail()-style, among the hits that pass every
 * filter: nth fails exactly hit N; otherwise every `interval`-th hit is a
 * candidate and a candidate fails with probability prob/2^32, the draw
 * being a hash of (seed, hit) so that a run can be replayed.  Each fault
 * counts its own hits; when two fire on the same call the first wins.
 */
struct inject_fault {
	__u32 armed;		/* 0: this slot is unused */
	__u32 mech;		/* enum inject_mech */
	__u32 site;		/* enum ms_fault_site */
	__s32 err;		/* positive errno to inject */
	__u32 sig;		/* INJ_MECH_SIGNAL: signal number */
	__u32 delay_us;		/* delay sites: the sleep, err unused */
	__u64 nth;		/* 0: not used */
	__u64 interval;		/* 0 or 1: every candidate */
	__u64 prob;		/* out of 2^32; 1 << 32 always */
	__u64 seed;
	__u64 times;		/* 0: unlimited */
	__u32 vf, gt, type;	/* MS_ANY: no filter */
	__u32 pad;
	__u64 off_lo, off_hi;	/* offset range, inclusive; hi 0: none */
};

struct inject_cfg {
	__u32 armed;		/* 0: every program returns at once */
	__u32 dry_run;		/* decide and log, never inject */
	__u32 all_tasks;	/* 1: no pid scope (never set by migscope) */
	__u32 track_leaks;	/* fuzz: live packets, polls, coverage */
	__u64 kdev, ino;	/* INJ_MECH_KERNEL: file; ino 0: by name */
	struct inject_fault f[INJ_MAX_FAULTS];
};

struct inject_fault_stats {
	__u64 hits;		/* hits that passed every filter */
	__u64 seq;		/* injection attempts (capped by times) */
	__u64 injected;		/* injections done (or would be: dry run) */
};

struct inject_stats {
	struct inject_fault_stats f[INJ_MAX_FAULTS];
	/* fuzz: GT-level save consumes that found the ring empty, and those
	 * that got a packet: a reader that sleeps until something changes
	 * polls an empty ring about once per packet, a spinning one far more */
	__u64 empty_polls;
	__u64 consumed;
	/* fuzz: when the target last did something (a site hit, a state
	 * change, a packet), CLOCK_MONOTONIC: a hang is a long silence */
	__u64 last_ns;
	/* fuzz: packets in each GT's save ring, +1 produced, -1 taken by the
	 * reader, 0 when a save starts (SAVE_WIP): after a successful save
	 * anything left was never read into the stream */
	__s64 save_ring[INJ_MAX_GTS];
	/* fuzz: interruptible waits a signal ended, save and restore side */
	__u64 interrupted_waits[2];
};

/*
 * fuzz's coverage: what the probes saw in the target, one key each.  A
 * campaign keeps the plans that reach keys no earlier run reached.
 */
enum inject_cov_kind {
	INJ_COV_STATE = 1,	/* a: gt, b: state bit, c: 1 enter, 0 exit */
	INJ_COV_SITE,		/* a: site, b: gt, c: type */
	INJ_COV_FAULT,		/* a: site, b: verdict (-errno or delay), c: mech */
};

struct inject_cov_key {
	__u32 kind;
	__u32 a;
	__s32 b;
	__u32 c;
};

/* fuzz: a process's GT, and its control state bits after the last change */
struct inject_state_key {
	__u32 tgid;
	__u32 gt;
};

struct inject_state_val {
	__u64 bits;		/* 1 << enum xe_gt_sriov_control_bits */
	__u64 ns;		/* when they changed */
};

/* a live packet of the model, for leak accounting */
struct inject_pkt_key {
	__u32 tgid;
	__u32 pad;
	__u64 pkt;
};

#endif /* MIGSCOPE_INJECT_ABI_H */
