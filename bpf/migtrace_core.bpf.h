/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Target-independent half of migtrace: filters, the small BPF-side state
 * (packet queue stamps, state enter stamps, pending VRAM and data calls) and
 * one emitter per sub-concern.  The USDT programs (model) and the
 * fentry/kprobe programs (kernel) are thin wrappers that decode their
 * arguments and call these, so both targets produce identical events.
 *
 * Durations are computed here rather than in user space so that one event
 * per call is enough (no separate entry/begin records in the ring).
 */
#ifndef MIGTRACE_CORE_BPF_H
#define MIGTRACE_CORE_BPF_H

#include "events.bpf.h"
#include "migtrace_config.h"

#define MT_MAX_TGIDS	4096
#define MT_MAX_INFLIGHT	16384

/* set from user space before load (include/migtrace_config.h) */
const volatile struct mt_config mt_cfg = {
	.targ_vf = MS_ANY, .targ_gt = MS_ANY, .targ_type = MS_ANY,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MT_MAX_TGIDS);
	__type(key, __u32);
	__type(value, __u8);
} tgids SEC(".maps");

/*
 * The maps of what is in progress keep their entries and mark "none" with
 * a zero time: a lookup and two stores per event instead of an update, a
 * lookup and a delete, the costliest steps of a program (README,
 * Performance).  LRU maps, so keys of gone threads, processes and packets
 * age out.
 */

/*
 * (tgid, packet) -> time it entered a ring, 0 once consumed.  A packet
 * freed while queued (a ring drained on failure) keeps its stamp until the
 * next produce at that address overwrites it.
 */
struct mt_pkt_key {
	__u64 pkt;
	__u32 tgid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, struct mt_pkt_key);
	__type(value, __u64);
} pkt_queued SEC(".maps");

/*
 * (tgid, gt, vf, bit) -> time the bit was entered, 0 once it is left
 * (include/migtrace_agg.h)
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, struct mt_state_key);
	__type(value, __u64);
} state_since SEC(".maps");

/* per thread: a VRAM copy or a data_read/data_write call; ts 0: none */
struct mt_call {
	__u64 ts;
	__u64 offset;
	__u64 len;
	__u32 dir;
	__u32 vf;
	__u32 gt;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct mt_call);
} vram_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct mt_call);
} data_calls SEC(".maps");

/* the entry of key in map, made from fresh on first use; NULL if full */
static __always_inline void *mt_slot(void *map, const void *key,
				     const void *fresh)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

static __always_inline __u32 mt_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

static __always_inline __u32 mt_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline bool mt_tgid_ok(void)
{
	__u32 tgid;

	if (!mt_cfg.filter_tgid)
		return true;
	tgid = mt_tgid();
	return bpf_map_lookup_elem(&tgids, &tgid) != NULL;
}

/*
 * vf 0xffff, gt 0xff and type 0 mean "not known here" (a packet_alloc has
 * none of them) and never filter an event out.
 */
static __always_inline bool mt_pass(__u32 vf, __u32 gt, __u32 type)
{
	__u32 want_vf = mt_cfg.targ_vf, want_gt = mt_cfg.targ_gt;
	__u32 want_type = mt_cfg.targ_type;

	if (want_vf != MS_ANY && vf != MS_VF_UNKNOWN && vf != want_vf)
		return false;
	if (want_gt != MS_ANY && gt != MS_GT_UNKNOWN && gt != want_gt)
		return false;
	if (want_type != MS_ANY && type && type != want_type)
		return false;
	return true;
}

static __always_inline struct ms_event *
mt_reserve(__u16 type, __u16 op, __u32 vf, __u32 gt)
{
	struct ms_event *e = ms_event_reserve(type, op);

	if (e) {
		e->vf = vf;
		e->gt = gt;
	}
	return e;
}

/* --- packets ------------------------------------------------------------ */

struct mt_pkt {
	__u64 pkt;
	__u64 offset;
	__u64 size;
	__s64 ret;
	__u32 vf;
	__u32 gt;
	__u32 tile;
	__u32 type;
	__u32 occ;
	__u32 dir;
};

/* the in-BPF totals' emitters take a struct mt_pkt */
#include "migtrace_agg.bpf.h"

static __always_inline void mt_packet(__u16 op, const struct mt_pkt *p)
{
	struct mt_pkt_key k = { .pkt = p->pkt };
	__u64 now = 0, queued = 0, none = 0, *since;
	struct ms_event *e;

	if (!mt_pass(p->vf, p->gt, p->type))
		return;
	/*
	 * the unit's tgid, and the queue stamps' (queueing time is measured
	 * between produce and consume, in BPF)
	 */
	k.tgid = mt_tgid();
	if (op == MS_PKT_PRODUCE && p->ret == 0) {
		since = mt_slot(&pkt_queued, &k, &none);
		now = bpf_ktime_get_ns();
		if (since)
			*since = now;
	} else if (op == MS_PKT_CONSUME) {
		since = bpf_map_lookup_elem(&pkt_queued, &k);
		if (since && *since) {
			now = bpf_ktime_get_ns();
			queued = now - *since;
			*since = 0;
		}
	}
	if (mt_cfg.totals_only) {
		/*
		 * A ring operation moves its unit's span, stamped or not (a
		 * failed produce, a consume of an unstamped packet: rare);
		 * other packet events read no clock (agg_event()).
		 */
		if (!now && (op == MS_PKT_PRODUCE || op == MS_PKT_CONSUME))
			now = bpf_ktime_get_ns();
		agg_packet(op, now, k.tgid, p, queued);
		return;
	}
	e = mt_reserve(MS_EV_PACKET, op, p->vf, p->gt);
	if (!e)
		return;
	if (now)
		e->ts_ns = now;
	e->tile = p->tile;
	e->packet.pkt = p->pkt;
	e->packet.offset = p->offset;
	e->packet.size = p->size;
	e->packet.ret = p->ret;
	e->packet.ptype = p->type;
	e->packet.ring_occ = p->occ;
	e->packet.dir = p->dir;
	e->packet.queued_ns = queued;
	ms_event_submit(e);
}

/* --- control state bits ------------------------------------------------- */

/* a state bit changed, seen at time now */
static __always_inline void mt_state_at(__u32 gt, __u32 vf, __u32 bit,
					bool entered, __u64 bitmap, __u64 now)
{
	struct mt_state_key k = {
		.tgid = mt_tgid(), .vf = vf, .gt = gt, .bit = bit,
	};
	__u64 held = 0, none = 0, *since;
	struct ms_event *e;

	if (!mt_pass(vf, gt, 0))
		return;
	if (entered) {
		since = mt_slot(&state_since, &k, &none);
		if (since)
			*since = now;
	} else {
		since = bpf_map_lookup_elem(&state_since, &k);
		if (since && *since) {
			held = now - *since;
			*since = 0;
		}
	}
	if (mt_cfg.totals_only) {
		agg_state(now, &k, entered, held);
		return;
	}
	e = mt_reserve(MS_EV_STATE, entered ? 1 : 0, vf, gt);
	if (!e)
		return;
	e->ts_ns = now;
	e->state.bit = bit;
	e->state.entered = entered;
	e->state.bitmap = bitmap;
	e->state.held_ns = held;
	ms_event_submit(e);
}

static __always_inline void mt_state(__u32 gt, __u32 vf, __u32 bit,
				     bool entered, __u64 bitmap)
{
	mt_state_at(gt, vf, bit, entered, bitmap, bpf_ktime_get_ns());
}

/* --- calls in progress: VRAM chunk copies, data_read/data_write ------- */

/* note the call this thread begins, in map (vram_calls or data_calls) */
static __always_inline void mt_call_begin(void *map, __u32 gt, __u32 vf,
					  __u32 dir, __u64 offset, __u64 len)
{
	struct mt_call fresh = {};
	__u32 tid = mt_tid();
	struct mt_call *c = mt_slot(map, &tid, &fresh);

	if (!c)
		return;
	c->offset = offset;
	c->len = len;
	c->dir = dir;
	c->vf = vf;
	c->gt = gt;
	/*
	 * Stamp the start as late as we can, and the end (the end probe's
	 * caller) as early: the call is timed, not our own map work.
	 */
	c->ts = bpf_ktime_get_ns();
}

/* vram_type: the VRAM packet type's value on this target (for --type) */
static __always_inline void mt_vram_begin(__u32 gt, __u32 vf, __u32 dir,
					  __u64 offset, __u64 bytes,
					  __u32 vram_type)
{
	if (mt_pass(vf, gt, vram_type))
		mt_call_begin(&vram_calls, gt, vf, dir, offset, bytes);
}

/*
 * End, at time now, of the copy begun on this thread; ret < 0 is a failed
 * copy.
 */
static __always_inline void mt_vram_end(__s64 ret, __u64 now)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct mt_call *c = bpf_map_lookup_elem(&vram_calls, &tid);
	struct ms_event *e = NULL;

	if (!c || !c->ts)
		return;
	if (mt_cfg.totals_only)
		agg_vram(now, id >> 32, c, now - c->ts, ret);
	else
		e = mt_reserve(MS_EV_VRAM, c->dir, c->vf, c->gt);
	if (e) {
		e->ts_ns = now;
		e->vram.offset = c->offset;
		e->vram.bytes = c->len;
		e->vram.dur_ns = now - c->ts;
		e->vram.ret = ret;
		e->vram.dir = c->dir;
		ms_event_submit(e);
	}
	c->ts = 0;
}

/* --- data_read / data_write ------------------------------------------- */

static __always_inline void mt_data_entry(__u32 vf, __u32 dir, __u64 len)
{
	if (mt_pass(vf, MS_GT_UNKNOWN, 0))
		mt_call_begin(&data_calls, MS_GT_UNKNOWN, vf, dir, 0, len);
}

static __always_inline void mt_data_return(__s64 ret, __u64 now)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct mt_call *c = bpf_map_lookup_elem(&data_calls, &tid);
	struct ms_event *e = NULL;

	if (!c || !c->ts)
		return;
	if (mt_cfg.totals_only)
		agg_data(now, id >> 32, c, now - c->ts, ret);
	else
		e = mt_reserve(MS_EV_DATA, c->dir, c->vf, MS_GT_UNKNOWN);
	if (e) {
		e->ts_ns = now;
		e->data.len = c->len;
		e->data.ret = ret;
		e->data.dur_ns = now - c->ts;
		e->data.dir = c->dir;
		ms_event_submit(e);
	}
	c->ts = 0;
}

#endif /* MIGTRACE_CORE_BPF_H */
