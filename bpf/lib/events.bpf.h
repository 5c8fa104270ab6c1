/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event pipe every migscope BPF object shares: one ring buffer per CPU,
 * and a per-CPU drop counter bumped whenever a reservation fails, so user
 * space can report drops exactly (produced - consumed).  Each CPU writes
 * its own ring: one shared ring made the CPUs take turns on its lock and
 * on the cache lines of its records (docs/architecture.md).  User space creates
 * the rings and merges them by time (lib/events.c).  Wake-ups are
 * suppressed: user space polls with a short timeout, since a wake-up per
 * event costs more than the event itself.
 */
#ifndef MIGSCOPE_EVENTS_BPF_H
#define MIGSCOPE_EVENTS_BPF_H

#include "migscope_abi.h"

/* the template of every CPU's ring; user space sets the size it creates */
struct ms_cpu_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

/* indexed by CPU; user space sizes it to the possible CPUs and fills it */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ms_cpu_ring);
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
	__u32 cpu = bpf_get_smp_processor_id();
	void *ring = bpf_map_lookup_elem(&events, &cpu);
	struct ms_event *e = NULL;
	__u64 id;

	/* the program cannot change CPU before it submits */
	if (ring)
		e = bpf_ringbuf_reserve(ring, sizeof(*e), 0);
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
