/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event pipe every migscope BPF object shares: one ring buffer per
 * object, and a per-CPU drop counter bumped whenever a reservation fails, so
 * user space can report drops exactly (produced - consumed).  Wake-ups are
 * suppressed: user space polls with a short timeout, since a wake-up per
 * event costs more than the event itself.
 */
#ifndef MIGSCOPE_EVENTS_BPF_H
#define MIGSCOPE_EVENTS_BPF_H

#include "migscope_abi.h"

#ifndef MS_RINGBUF_BYTES
#define MS_RINGBUF_BYTES	(4 << 20)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, MS_RINGBUF_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void ms_count_drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&drops, &zero);

	if (n)
		*n += 1;
}

/* Reserve an event stamped with time, pid and type; NULL counts a drop. */
static __always_inline struct ms_event *ms_event_reserve(__u16 type, __u16 op)
{
	struct ms_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	__u64 id;

	if (!e) {
		ms_count_drop();
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	id = bpf_get_current_pid_tgid();
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->type = type;
	e->op = op;
	return e;
}

static __always_inline void ms_event_submit(struct ms_event *e)
{
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

#endif /* MIGSCOPE_EVENTS_BPF_H */
