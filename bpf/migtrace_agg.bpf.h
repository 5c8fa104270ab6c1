/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace's in-BPF totals (include/migtrace_agg.h), in the libbpf-tools
 * way (runqlat, biolatency): when no view needs the events one by one
 * (trace -q with or without --hist, top), each emitter of
 * migtrace_core.bpf.h counts into a per-CPU slot instead of reserving a
 * ring record, and user space sums the CPUs' slots at exit and at each top
 * refresh.  Per-CPU, so plain increments: a program does not race itself
 * on one CPU.  top's units map is shared by the CPUs: atomic adds there.
 */
#ifndef MIGTRACE_AGG_BPF_H
#define MIGTRACE_AGG_BPF_H

#include "bits.bpf.h"
#include "migtrace_agg.h"
#include "xe_sriov_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ms_agg);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MS_AGG_UNITS);
	__type(key, struct ms_unit_key);
	__type(value, struct ms_unit_totals);
} units SEC(".maps");

/* the calling process's unit for VF vf, made on first sight; NULL if off */
static __always_inline struct ms_unit_totals *agg_unit(__u32 vf)
{
	struct ms_unit_key k = {
		.tgid = bpf_get_current_pid_tgid() >> 32, .vf = vf,
	};
	struct ms_unit_totals fresh = {}, *u;

	if (!mt_cfg.totals_units)
		return NULL;
	u = bpf_map_lookup_elem(&units, &k);
	if (u)
		return u;
	bpf_map_update_elem(&units, &k, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&units, &k);
}

/* this CPU's totals with one more event at time ts counted, or NULL */
static __always_inline struct ms_agg *agg_event(__u64 ts)
{
	__u32 zero = 0;
	struct ms_agg *a = bpf_map_lookup_elem(&totals, &zero);

	if (!a)
		return NULL;
	a->events++;
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

/* top's view of a ring: the occupancy a (GT, VF) ring was last seen at */
static __always_inline void agg_ring(const struct mt_pkt *p)
{
	struct ms_unit_totals *u;
	__u32 gt = p->gt;

	if (gt >= MS_MAX_GT || p->vf == MS_VF_UNKNOWN)
		return;
	u = agg_unit(p->vf);
	if (!u)
		return;
	/* clang drops the mask the check made redundant; the verifier needs it */
	barrier_var(gt);
	gt &= MS_MAX_GT - 1;
	u->occ[gt] = p->occ;
	u->seen[gt] = 1;
}

static __always_inline void agg_packet(__u16 op, __u64 ts,
				       const struct mt_pkt *p, __u64 queued)
{
	struct ms_agg *a = agg_event(ts);
	struct ms_agg_type *t;

	if (!a)
		return;
	t = &a->types[p->type < MS_AGG_TYPES ? p->type : 0];
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
	} else if (op == MS_PKT_PRODUCE) {
		if (!p->ret)
			t->ring_produce++;
		agg_ring(p);
	} else if (op == MS_PKT_CONSUME) {
		t->ring_consume++;
		agg_hist_us(&a->h_queue, queued);
		agg_ring(p);
	}
}

static __always_inline void agg_state(__u64 ts, __u32 vf, __u32 gt,
				      __u32 bit, bool entered, __u64 held)
{
	struct ms_agg *a = agg_event(ts);
	struct ms_unit_totals *u = agg_unit(vf);

	/* the bits themselves: user space reads them from state_since */
	if (u && gt < MS_MAX_GT) {
		barrier_var(gt);	/* keep the mask: see agg_ring */
		u->seen[gt & (MS_MAX_GT - 1)] = 1;
	}
	if (!a)
		return;
	bit &= MS_AGG_STATES - 1;
	if (entered)
		a->state_entered[bit]++;
	else
		a->state_ns[bit] += held;
}

static __always_inline void agg_vram(__u64 ts, __u32 vf, __u32 dir,
				     __u64 bytes, __u64 dur, __s64 ret)
{
	struct ms_agg *a = agg_event(ts);
	struct ms_unit_totals *u;
	struct ms_agg_vram *v;

	if (!a)
		return;
	v = &a->vram[dir ? 1 : 0];
	if (ret < 0) {
		v->errors++;
		a->errors++;
		return;
	}
	v->chunks++;
	v->bytes += bytes;
	v->dur_ns += dur;
	agg_hist_us(&a->h_vram, dur);
	u = agg_unit(vf);
	if (u)
		__sync_fetch_and_add(&u->vram_bytes, bytes);
}

static __always_inline void agg_data(__u64 ts, __u32 vf, __u32 dir,
				     __u64 dur, __s64 ret)
{
	struct ms_agg *a = agg_event(ts);
	struct ms_unit_totals *u = agg_unit(vf);
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
		if (u)
			__sync_fetch_and_add(dir ? &u->write_bytes :
					     &u->read_bytes, ret);
	}
	agg_hist_us(dir ? &a->h_write : &a->h_read, dur);
}

static __always_inline void agg_inject(void)
{
	struct ms_agg *a = agg_event(bpf_ktime_get_ns());

	if (a)
		a->injects++;
}

#endif /* MIGTRACE_AGG_BPF_H */
