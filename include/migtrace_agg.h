/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace's in-BPF totals: what the trace summary, --hist, top and the
 * metrics export show, kept per unit, a (tgid, VF, GT) triple, when no
 * view needs the events one by one.  The figures are those of
 * src/trace/trace.h's struct mt_counts, counted at the same points.
 *
 * The unit_ids hash maps a unit's key to its slot in the totals per-CPU
 * array; user space sums the CPUs' copies of each slot.  Slot 0 is
 * "other": the units that came after MS_AGG_UNITS - 1 were made.  It keeps
 * the totals exact when the map is full; only the split by unit is lost,
 * and user space says so.
 */
#ifndef MIGTRACE_AGG_H
#define MIGTRACE_AGG_H

#include "migscope_abi.h"

#define MS_AGG_TYPES	8	/* packet types 0..7 */
#define MS_AGG_STATES	64	/* state bits */
#define MS_AGG_UNITS	64	/* slots of the totals array, 0: "other" */
#define MS_AGG_OTHER	0

/* a unit's key in unit_ids: tgid in the high half, then VF and GT */
static inline __u64 ms_unit_key(__u32 tgid, __u32 vf, __u32 gt)
{
	return (__u64)tgid << 32 | (vf & 0xffff) << 8 | (gt & 0xff);
}

#define MS_UNIT_TGID(k)	((__u32)((k) >> 32))
#define MS_UNIT_VF(k)	((__u16)((k) >> 8))
#define MS_UNIT_GT(k)	((__u8)(k))

struct ms_agg_hist {
	__u64 slots[MS_LOG2_SLOTS];
	__u64 count, sum, max;
};

struct ms_agg_type {
	__u64 produced, consumed, bytes, consumed_bytes;
	__u64 ring_produce, ring_consume, errors;
};

struct ms_agg_data {
	__u64 calls, bytes, errors, eof;
};

struct ms_agg_vram {
	__u64 chunks, bytes, dur_ns, errors;
};

struct ms_agg {
	__u64 events, injects, errors;
	__u64 first_ts, last_ts;	/* of the events counted; 0: none */
	__u64 stream_bytes, restore_stream_bytes;
	struct ms_agg_type types[MS_AGG_TYPES];
	struct ms_agg_data data[2];	/* enum ms_dir */
	struct ms_agg_vram vram[2];
	__u64 state_entered[MS_AGG_STATES];
	__u64 state_ns[MS_AGG_STATES];	/* held time of exited states */
	/* microseconds, like the user-space histograms */
	struct ms_agg_hist h_vram, h_read, h_write, h_queue;
	/* the unit's ring occupancy after its last produce or consume here */
	__u64 occ_ts;
	__u32 occ;
	__u32 pad;
};

/*
 * The per-CPU cache of units' slots, direct-mapped by ms_unit_way(): the
 * threads a CPU runs (each GT's worker, the data caller, of the source and
 * the destination) mostly hit their own way.  A way holds ~key, so its
 * zeroed start matches no unit (tgid 0xffffffff is no process).
 */
#define MS_UNIT_WAYS	16

static inline __u32 ms_unit_way(__u64 key)
{
	__u32 fold = (__u32)(key >> 32) ^ (__u32)key;

	/* multiplicative hashing: the top 4 bits of the product */
	return (__u32)(fold * 0x9e3779b1u) >> 28;
}

struct ms_unit_cache {
	__u64 not_key[MS_UNIT_WAYS];
	__u32 slot[MS_UNIT_WAYS];
};

/*
 * The key of the state_since map, (tgid, gt, vf, bit) -> enter time: the
 * states still set at exit, whose time so far user space adds up.
 */
struct mt_state_key {
	__u32 tgid;
	__u16 vf;
	__u8 gt;
	__u8 bit;
};

#endif /* MIGTRACE_AGG_H */
