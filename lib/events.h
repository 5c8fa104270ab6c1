/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Draining a migscope BPF object's event rings, one per CPU, merged by
 * time: batched polling (the BPF side never wakes us), and the exact count
 * of events dropped when a ring was full.
 */
#ifndef MIGSCOPE_EVENTS_H
#define MIGSCOPE_EVENTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "migscope_abi.h"

typedef int (*ms_event_fn)(void *ctx, const struct ms_event *e);

struct ms_cpu_ring;

struct ms_events {
	struct ms_cpu_ring *rings;
	int nr_rings;
	int *active;			/* this pass: the rings with records */
	int nr_active;
	uint32_t ring_bytes;		/* each CPU's ring */
	int array_fd;			/* the "events" map: ring by CPU */
	pthread_t filler;		/* puts the rings in it during load */
	bool filling;
	int fill_err;
	int drops_fd;
	ms_event_fn fn;
	void *ctx;
	uint64_t horizon_ns;		/* poll: deliver what is stamped before */
};

/*
 * Before the object is loaded: one ring of ring_bytes (a power of two, at
 * least a page; 0: the default) per possible CPU, in the array that
 * becomes the object's "events" map.
 */
int ms_events_init(struct ms_events *ev, struct bpf_map *events_map,
		   uint32_t ring_bytes);
/* after loading: map the rings; drops_map is the object's "drops" */
int ms_events_open(struct ms_events *ev, struct bpf_map *drops_map,
		   ms_event_fn fn, void *ctx);
/* deliver for up to timeout_ms; returns events handled or -errno */
int ms_events_poll(struct ms_events *ev, int timeout_ms);
/* deliver everything the rings hold, without waiting */
int ms_events_drain(struct ms_events *ev);
uint64_t ms_events_drops(const struct ms_events *ev);
void ms_events_close(struct ms_events *ev);

#endif /* MIGSCOPE_EVENTS_H */
