/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Draining a migscope BPF object's event ring buffer: batched polling (the
 * BPF side never wakes us), and the exact count of events dropped when the
 * ring was full.
 */
#ifndef MIGSCOPE_EVENTS_H
#define MIGSCOPE_EVENTS_H

#include <stdint.h>
#include <bpf/libbpf.h>
#include "migscope_abi.h"

typedef int (*ms_event_fn)(void *ctx, const struct ms_event *e);

struct ms_events {
	struct ring_buffer *rb;
	int drops_fd;
	ms_event_fn fn;
	void *ctx;
	uint64_t received;
};

/* events_map: the object's "events" ringbuf; drops_map: its "drops" array */
int ms_events_open(struct ms_events *ev, struct bpf_map *events_map,
		   struct bpf_map *drops_map, ms_event_fn fn, void *ctx);
/* drain for up to timeout_ms; returns events handled or -errno */
int ms_events_poll(struct ms_events *ev, int timeout_ms);
/* drain what is left without waiting */
int ms_events_drain(struct ms_events *ev);
uint64_t ms_events_drops(const struct ms_events *ev);
void ms_events_close(struct ms_events *ev);

#endif /* MIGSCOPE_EVENTS_H */
