/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace's in-BPF totals: what the trace summary and --hist show, kept
 * in a per-CPU array (one slot) when no view needs the events one by one.
 * User space sums the CPUs' copies at exit.  The figures are those of
 * src/trace/trace.h's struct mt_agg, counted at the same points.
 */
#ifndef MIGTRACE_AGG_H
#define MIGTRACE_AGG_H

#include "migscope_abi.h"

#define MS_AGG_TYPES	8	/* packet types 0..7 */
#define MS_AGG_STATES	64	/* state bits */
#define MS_AGG_UNITS	1024	/* (tgid, VF) pairs in the units map */

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
};

/* `top`'s per-(tgid, VF) figures, in the units map (only for top) */
struct ms_unit_key {
	__u32 tgid;
	__u32 vf;
};

struct ms_unit_totals {
	__u32 occ[MS_MAX_GT];	/* last ring occupancy per GT */
	__u8 seen[MS_MAX_GT];	/* 1 once GT g was seen (plain stores: no race) */
	__u32 pad;
	__u64 read_bytes, write_bytes, vram_bytes;
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
