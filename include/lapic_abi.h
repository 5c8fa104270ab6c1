/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/lapic.bpf.c and src/lapic.c: the per-vCPU aggregate
 * the BPF side keeps for every KVM LAPIC timer it sees, and the sample every
 * entry point hands to the one classification function.
 */
#ifndef MIGSCOPE_LAPIC_ABI_H
#define MIGSCOPE_LAPIC_ABI_H

#include "migscope_abi.h"

/*
 * Per-timer aggregates live in a direct-mapped array (open addressing on the
 * timer address, a few probes): an inlined array lookup instead of a hash
 * lookup on every expiry.  User space reads it through mmap.
 */
#define LAPIC_TIMER_BITS	13
#define LAPIC_MAX_TIMERS	(1u << LAPIC_TIMER_BITS)
#define LAPIC_PROBES		8

/*
 * tp_btf rung: a target that moved by more than a period between two
 * entries of a timer whose interrupt was taken is the callback's clamp if
 * it lies within this of the earlier entry (the callback's own run time),
 * else a re-arm from outside (see bpf/lapic.bpf.c).
 */
#define LAPIC_CLAMP_WINDOW_NS	20000

/*
 * Without direct loads (KVM as modules), one bpf_probe_read_kernel() copies
 * this much of a kvm_timer, from its period on: every field an expiry
 * reads (period, target, mode, pending, hv) lies in it on every layout
 * followed (49 bytes on 6.12 to 7.2); user space checks that it does.
 */
#define LAPIC_KT_SPAN		64

/* kvm_timer.timer_mode (LVTT bits 17-18) */
#define LAPIC_MODE_ONESHOT	0
#define LAPIC_MODE_PERIODIC	0x20000
#define LAPIC_MODE_TSCDEADLINE	0x40000

/* ms_lapic_ev.why for MS_LAPIC_ALERT */
enum lapic_alert {
	LAPIC_ALERT_LAG = 1,	/* lag at expiry >= --alert-lag */
	LAPIC_ALERT_BURST,	/* a replay burst reached --alert-burst */
};

/*
 * One expiry as seen by an entry point.  pass_now is the time the timer
 * interrupt pass started (tracepoint `now`) or, without tracepoints, the
 * time the callback was entered: a pre-fix kernel re-runs the callback in
 * the same pass while target_new <= pass_now.  real_now is the time the
 * expiry was observed, the reference for the lag.
 */
struct lapic_sample {
	__u64 timer;		/* struct kvm_timer address: the key */
	__s64 period;		/* kvm_timer.period after the callback */
	__s64 target_old;	/* target_expiration before advancing */
	__s64 target_new;	/* ... and after */
	__s64 pass_now;
	__s64 real_now;
	__u32 mode;		/* kvm_timer.timer_mode */
	__u32 hv;		/* kvm_timer.hv_timer_in_use */
	__u32 pid;		/* with have_ident: VMM pid and vcpu id given */
	__u32 vcpu;
	__u64 kvm;
	__u32 have_ident;	/* 0: resolve pid/vcpu from the timer address */
	__u32 pad;
	__u32 advanced;		/* 0: not a periodic advance (one-shot expiry) */
};

/*
 * Cumulative per-timer counters (user space diffs them per interval).  One
 * timer expires on one CPU at a time, so BPF updates them without atomics.
 * What every expiry touches comes first, in the first two cache lines of
 * the row (rows are 64-byte multiples in a page-aligned mmapped array).
 */
struct lapic_vcpu {
	__u64 timer;		/* the key: kvm_timer address, 0 for a free slot */
	__u32 ignored;		/* not the -p process: counted nowhere */
	__u32 mode;
	__u32 hv;		/* hv_timer_in_use at the last expiry */
	/*
	 * tp_btf rung: the timer's last expiry, seen at its entry and
	 * classified at the next one, whose target is the one it set.
	 */
	__u32 prev_mode;
	__u32 prev_valid;
	__u32 pad;
	__s64 period_ns;
	__u64 expiries;
	__u64 lag_sum;
	__u64 lag_max;
	__u64 last_lag;
	__u64 last_ts;
	__u64 burst_len;	/* replays so far in the burst in progress */
	__s64 burst_pass;	/* pass_now of that burst */
	__s64 prev_target;	/* target_expiration before its callback */
	__s64 prev_pass_now;	/* the now of the pass that ran it */
	/* then what only some expiries touch */
	__u64 kvm;		/* struct kvm address: tells VMs of one VMM apart */
	__u32 pid;		/* VMM (kvm->userspace_pid) */
	__u32 vcpu;		/* vcpu_id */
	__u64 late;		/* lag >= 1 period */
	__u64 clamped;		/* target forced to now: the fix in action */
	__u64 replays;		/* callbacks re-run in the same pass (pre-fix) */
	__u64 bursts;		/* passes with at least one replay */
	__u64 burst_max;
	__u64 prefix_replays;	/* sum of floor(lag / period): pre-fix cost */
	__u64 alerts;
	__u64 burst_lag;	/* lag of the burst's first callback */
	__u64 lag_hist[MS_LOG2_SLOTS];
	__u64 pad_row[8];	/* to a multiple of 64 bytes */
};
_Static_assert(sizeof(struct lapic_vcpu) % 64 == 0,
	       "lapic_vcpu rows must stay cache-line multiples");

/* kvm:kvm_hv_timer_state, keyed by (VMM pid, vcpu id) */
struct lapic_hv_key {
	__u32 pid;
	__u32 vcpu;
};

struct lapic_hv {
	__u32 state;		/* last hv_timer_in_use */
	__u32 seen;
	__u64 events;
	__u64 to_hv;
	__u64 to_sw;
};

#endif /* MIGSCOPE_LAPIC_ABI_H */
