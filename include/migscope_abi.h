/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event ABI shared by every migscope BPF object and by user space:
 * what travels through the ring buffers, what `migscope record` writes to
 * disk and what `migscope report` reads back.  Fixed-size records keep the
 * BPF side branch-free and make a record file seekable.
 *
 * Bump MS_ABI_VERSION on any layout change: record files carry it.
 */
#ifndef MIGSCOPE_ABI_H
#define MIGSCOPE_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define MS_ABI_VERSION		2	/* 2: record files carry their names table */
/*
 * The one set of sentinels: MS_ANY in a vf, gt or type filter means no
 * filter; MS_VF_UNKNOWN and MS_GT_UNKNOWN in an event mean the probe could
 * not tell (a packet allocated before it is bound to a VF, say).
 */
#define MS_ANY			0xffffffffu
#define MS_VF_UNKNOWN		0xffff
#define MS_GT_UNKNOWN		0xff
#define MS_MAX_GT		4	/* GTs per device the tools follow */

#define MS_EVENT_SIZE		64	/* sizeof(struct ms_event), on disk too */
#define MS_LOG2_SLOTS		40	/* 2^40 ns ~ 18 min: wide enough for any latency */

enum ms_event_type {
	MS_EV_PACKET = 1,
	MS_EV_STATE,
	MS_EV_VRAM,
	MS_EV_DATA,
	MS_EV_INJECT,
	MS_EV_LAPIC,
	MS_EV_TYPE_MAX,
};

/* MS_EV_PACKET ops: one per packet life-cycle point */
enum ms_packet_op {
	MS_PKT_ALLOC = 1,
	MS_PKT_INIT,		/* save side: header filled by the producer */
	MS_PKT_INIT_FROM_HDR,	/* restore side: header parsed from the stream */
	MS_PKT_PRODUCE,		/* queued to a (GT, VF) ring */
	MS_PKT_CONSUME,		/* taken off a (GT, VF) ring */
	MS_PKT_FREE,
	MS_PKT_DESCRIPTOR,	/* descriptor processed on restore */
	MS_PKT_TRAILER,		/* trailer processed on restore */
};

/* MS_EV_DATA and MS_EV_VRAM direction */
enum ms_dir {
	MS_DIR_SAVE = 0,	/* data_read, VRAM -> system memory */
	MS_DIR_RESTORE = 1,	/* data_write, system memory -> VRAM */
};

/* MS_EV_LAPIC ops */
enum ms_lapic_op {
	MS_LAPIC_EXPIRY = 1,
	MS_LAPIC_CLAMP,		/* the fix in action: target forced to now */
	MS_LAPIC_REPLAY,	/* pre-fix catch-up: fires again in the same pass */
	MS_LAPIC_HV_SWITCH,	/* kvm_hv_timer_state */
	MS_LAPIC_ALERT,
};

struct ms_packet_ev {
	__u64 pkt;		/* packet identity (address), pairs produce/consume */
	__u64 offset;
	__u64 size;
	__s32 ret;
	__u8 ptype;		/* enum xe_sriov_packet_type, 0 if unknown */
	__u8 ring_occ;		/* ring occupancy after the operation */
	__u8 dir;		/* enum ms_dir */
	__u8 pad;
	__u64 queued_ns;	/* CONSUME: time spent in the ring */
};

struct ms_state_ev {
	__u32 bit;		/* enum xe_gt_sriov_control_bits */
	__u32 entered;		/* 1 enter, 0 exit */
	__u64 bitmap;		/* full state after the change, 0 if unknown */
	__u64 held_ns;		/* exit: time since the matching enter */
};

struct ms_vram_ev {
	__u64 offset;
	__u64 bytes;
	__u64 dur_ns;
	__s32 ret;
	__u32 dir;		/* enum ms_dir */
};

struct ms_data_ev {
	__u64 len;		/* bytes asked */
	__s64 ret;		/* bytes moved, 0 at EOF, or -errno */
	__u64 dur_ns;
	__u32 dir;		/* enum ms_dir: read (save) or write (restore) */
	__u32 pad;
};

struct ms_inject_ev {
	__u64 seq;		/* injection sequence number, 1-based */
	__u64 hit;		/* which hit of the site this was, 1-based */
	__u32 site;		/* enum ms_fault_site */
	__s32 err;		/* injected -errno, signal number for signals,
				 * or microseconds at a delay site */
	__u32 dry_run;
	__u32 mechanism;
};

struct ms_lapic_ev {
	__u64 lag_ns;
	__u64 period_ns;
	__u32 vcpu;
	__u32 burst;		/* REPLAY, burst ALERT: replays in the pass */
	__u32 hv;		/* HV_SWITCH: new hv_timer_in_use */
	__u32 why;		/* ALERT: enum lapic_alert (include/lapic_abi.h) */
	__u64 prefix_replays;	/* CLAMP: floor(lag / period) */
};

struct ms_event {
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u16 type;		/* enum ms_event_type */
	__u16 op;		/* per-type op */
	__u16 vf;
	__u8 gt;
	__u8 tile;
	union {
		struct ms_packet_ev packet;
		struct ms_state_ev state;
		struct ms_vram_ev vram;
		struct ms_data_ev data;
		struct ms_inject_ev inject;
		struct ms_lapic_ev lapic;
	};
};

/*
 * Fault sites of the reference model (and names used by `migscope inject`).
 * The model fires USDT xe:fault_site(site, vfid, gt, type, offset) and then
 * reads and clears its verdict slot; see tools/xe-model/xe_fault.h.
 */
enum ms_fault_site {
	MS_SITE_DATA_READ = 1,
	MS_SITE_DATA_WRITE,
	MS_SITE_PACKET_ALLOC,
	MS_SITE_USER_COPY,
	MS_SITE_GUC_SAVE,
	MS_SITE_GUC_RESTORE,
	MS_SITE_GGTT_SAVE,
	MS_SITE_GGTT_LOAD,
	MS_SITE_VRAM_COPY,
	MS_SITE_RING_PRODUCE,
	/*
	 * A delay site, not an error point: the verdict is a positive number
	 * of microseconds to sleep before the save worker's next step (the
	 * workqueue latency upstream has), and errno verdicts are left alone.
	 */
	MS_SITE_SAVE_STEP,
	/*
	 * Two more delay sites, preemption points of the save data path: the
	 * reader between its ring and DATA_DONE checks after finding a GT's
	 * ring empty, and the worker between finding the ring full and
	 * parking in SAVE_WAIT_DATA.  Harmless in the fixed model; they hold
	 * open the windows of the consume_done_late and wait_data_race
	 * defects.
	 */
	MS_SITE_SAVE_CONSUME,
	MS_SITE_SAVE_WAIT,
	/*
	 * The restore side's: the worker before each packet it restores,
	 * and the writer between finding a GT's ring full and sleeping until
	 * there is room (the point fuzz sends a signal to interrupt that
	 * wait; a held worker fills the ring).
	 */
	MS_SITE_RESTORE_STEP,
	MS_SITE_RESTORE_WAIT,
	MS_SITE_MAX,
};

#define MS_DELAY_MAX_US		1000000	/* a delay verdict is capped at 1 s */

static inline int ms_site_is_delay(unsigned int site)
{
	return site == MS_SITE_SAVE_STEP || site == MS_SITE_SAVE_CONSUME ||
	       site == MS_SITE_SAVE_WAIT || site == MS_SITE_RESTORE_STEP ||
	       site == MS_SITE_RESTORE_WAIT;
}

/* Name of the model's BPF_F_MMAPABLE verdict array, found via fdinfo. */
#define MS_FAULT_MAP_NAME	"xe_fault_vrdct"
#define MS_FAULT_SLOTS		4096	/* indexed by tid % MS_FAULT_SLOTS */

#endif /* MIGSCOPE_ABI_H */
