/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace's in-BPF totals (include/migtrace_agg.h), in the libbpf-tools
 * way (runqlat, biolatency): when no view needs the events one by one
 * (trace -q with or without --hist or --metrics, top), each emitter of
 * migtrace_core.bpf.h counts into its unit's per-CPU slot instead of
 * reserving a ring record, and user space sums the CPUs' slots at
 * intervals and at exit.  Per-CPU, so plain increments: a program does not
 * race itself on one CPU.
 *
 * Finding the slot: a small per-CPU cache of units' keys and slots (an
 * inlined array lookup, a multiply and a compare: the common case, since
 * one thread works for one unit), the unit_ids hash on a miss, and a
 * newly claimed slot for a unit never seen.
 */
#ifndef MIGTRACE_AGG_BPF_H
#define MIGTRACE_AGG_BPF_H

#include "bits.bpf.h"
#include "migtrace_agg.h"
#include "xe_sriov_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MS_AGG_UNITS);
	__type(key, __u32);
	__type(value, struct ms_agg);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MS_AGG_UNITS);
	__type(key, __u64);		/* ms_unit_key() */
	__type(value, __u32);		/* its slot in totals */
} unit_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ms_unit_cache);
} unit_cache SEC(".maps");

/*
 * Who took each slot: an insert that fails if the slot is taken is the
 * claim (atomic fetch-and-add would need -mcpu=v3's return values).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MS_AGG_UNITS);
	__type(key, __u32);
	__type(value, __u64);
} slot_owner SEC(".maps");

/* the last slot handed out: a hint, the claims settle races */
__u32 units_made = 0;

/*
 * A claim fails only when another CPU took that slot in the meantime, so
 * a few tries are enough; past them the unit counts as "other" (said).
 */
#define AGG_CLAIM_TRIES	8

/*
 * A slot for a unit not in unit_ids, or "other" once they are all taken
 * (slot 0 is never handed out).  Two CPUs making the same unit at once
 * claim a slot each: the loser's stays unused.
 */
static __always_inline __u32 agg_new_slot(__u64 key)
{
	__u32 slot = units_made, *won;
	int i;

	for (i = 0; i < AGG_CLAIM_TRIES; i++) {
		if (++slot >= MS_AGG_UNITS)
			return MS_AGG_OTHER;
		if (!bpf_map_update_elem(&slot_owner, &slot, &key, BPF_NOEXIST))
			break;
	}
	if (i == AGG_CLAIM_TRIES)
		return MS_AGG_OTHER;
	units_made = slot;
	if (!bpf_map_update_elem(&unit_ids, &key, &slot, BPF_NOEXIST))
		return slot;
	won = bpf_map_lookup_elem(&unit_ids, &key);
	return won ? *won : MS_AGG_OTHER;
}

/* the unit (tgid, VF vf, GT gt)'s slot on this CPU, or NULL */
static __always_inline struct ms_agg *agg_unit(__u32 tgid, __u32 vf, __u32 gt)
{
	__u64 key = ms_unit_key(tgid, vf, gt);
	__u32 zero = 0, way = ms_unit_way(key), *slot;
	struct ms_unit_cache *c;

	c = bpf_map_lookup_elem(&unit_cache, &zero);
	if (!c)
		return NULL;
	/* the shift bounds it; keep the mask for the verifier */
	barrier_var(way);
	way &= MS_UNIT_WAYS - 1;
	if (c->not_key[way] != ~key) {
		slot = bpf_map_lookup_elem(&unit_ids, &key);
		c->slot[way] = slot ? *slot : agg_new_slot(key);
		c->not_key[way] = ~key;
	}
	zero = c->slot[way];
	return bpf_map_lookup_elem(&totals, &zero);
}

/*
 * This CPU's slot of the unit with one more event at time ts, or NULL.
 * ts 0: an event that reads no clock and leaves the unit's span alone
 * (packets outside a ring: a clock read was half their cost).
 */
static __always_inline struct ms_agg *agg_event(__u64 ts, __u32 tgid,
						__u32 vf, __u32 gt)
{
	struct ms_agg *a = agg_unit(tgid, vf, gt);

	if (!a)
		return NULL;
	a->events++;
	if (!ts)
		return a;
	if (!a->first_ts)
		a->first_ts = ts;
	a->last_ts = ts;
	return a;
}

static __always_inline void agg_hist_us(struct ms_agg_hist *h, __u64 ns)
{
	__u64 us = ns / 1000;
	__u32 slot = log2_slot(us);

	/* log2_slot bounds it, but clang may index with the unbounded copy */
	barrier_var(slot);
	if (slot >= MS_LOG2_SLOTS)
		return;
	h->slots[slot]++;
	h->count++;
	h->sum += us;
	if (us > h->max)
		h->max = us;
}

static __always_inline void agg_packet(__u16 op, __u64 ts, __u32 tgid,
				       const struct mt_pkt *p, __u64 queued)
{
	struct ms_agg *a = agg_event(ts, tgid, p->vf, p->gt);
	__u32 type = p->type < MS_AGG_TYPES ? p->type : 0;
	struct ms_agg_type *t;

	if (!a)
		return;
	/* clang may index with an unchecked copy: keep a mask (see agg_ring) */
	barrier_var(type);
	t = &a->types[type & (MS_AGG_TYPES - 1)];
	if (p->ret < 0) {
		t->errors++;
		a->errors++;
	}
	if (op == MS_PKT_INIT && !p->ret) {
		t->produced++;
		t->bytes += p->size;
		a->stream_bytes += XE_SRIOV_PACKET_HDR_SIZE + p->size;
	} else if (op == MS_PKT_INIT_FROM_HDR && !p->ret) {
		t->consumed++;
		t->consumed_bytes += p->size;
		a->restore_stream_bytes += XE_SRIOV_PACKET_HDR_SIZE + p->size;
	} else if (op == MS_PKT_PRODUCE || op == MS_PKT_CONSUME) {
		if (op == MS_PKT_CONSUME) {
			t->ring_consume++;
			agg_hist_us(&a->h_queue, queued);
		} else if (!p->ret) {
			t->ring_produce++;
		}
		a->occ = p->occ;
		a->occ_ts = ts;
	}
}

static __always_inline void agg_state(__u64 ts, const struct mt_state_key *k,
				      bool entered, __u64 held)
{
	struct ms_agg *a = agg_event(ts, k->tgid, k->vf, k->gt);
	__u32 bit = k->bit;

	/* the bits themselves: user space reads them from state_since */
	if (!a)
		return;
	bit &= MS_AGG_STATES - 1;
	if (entered)
		a->state_entered[bit]++;
	else
		a->state_ns[bit] += held;
}

static __always_inline void agg_vram(__u64 ts, __u32 tgid,
				     const struct mt_call *c, __u64 dur, __s64 ret)
{
	struct ms_agg *a = agg_event(ts, tgid, c->vf, c->gt);
	struct ms_agg_vram *v;

	if (!a)
		return;
	v = &a->vram[c->dir ? 1 : 0];
	if (ret < 0) {
		v->errors++;
		a->errors++;
		return;
	}
	v->chunks++;
	v->bytes += c->len;
	v->dur_ns += dur;
	agg_hist_us(&a->h_vram, dur);
}

static __always_inline void agg_data(__u64 ts, __u32 tgid,
				     const struct mt_call *c, __u64 dur, __s64 ret)
{
	struct ms_agg *a = agg_event(ts, tgid, c->vf, MS_GT_UNKNOWN);
	__u32 dir = c->dir;
	struct ms_agg_data *d;

	if (!a)
		return;
	d = &a->data[dir ? 1 : 0];
	d->calls++;
	if (ret < 0) {
		d->errors++;
		a->errors++;
	} else if (!ret) {
		d->eof++;
	} else {
		d->bytes += ret;
	}
	agg_hist_us(dir ? &a->h_write : &a->h_read, dur);
}

static __always_inline void agg_inject(__u32 vf, __u32 gt)
{
	struct ms_agg *a = agg_event(bpf_ktime_get_ns(), mt_tgid(), vf, gt);

	if (a)
		a->injects++;
}

#endif /* MIGTRACE_AGG_BPF_H */
