// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common.h"
#include "events.h"

static int on_record(void *ctx, void *data, size_t size)
{
	struct ms_events *ev = ctx;

	if (size < sizeof(struct ms_event))
		return 0;
	ev->received++;
	return ev->fn(ev->ctx, data);
}

int ms_events_open(struct ms_events *ev, struct bpf_map *events_map,
		   struct bpf_map *drops_map, ms_event_fn fn, void *ctx)
{
	memset(ev, 0, sizeof(*ev));
	ev->fn = fn;
	ev->ctx = ctx;
	ev->drops_fd = bpf_map__fd(drops_map);
	ev->rb = ring_buffer__new(bpf_map__fd(events_map), on_record, ev, NULL);
	if (!ev->rb)
		return ms_err("cannot open the event ring buffer: %s",
			      strerror(errno));
	return 0;
}

int ms_events_poll(struct ms_events *ev, int timeout_ms)
{
	int n;

	/*
	 * The BPF side submits without wake-ups, so epoll would sleep the
	 * whole timeout: sleep ourselves, then drain everything at once.
	 */
	n = ms_events_drain(ev);
	if (n == 0 && timeout_ms > 0 && !ms_exiting) {
		usleep(timeout_ms * 1000);
		n = ms_events_drain(ev);
	}
	return n;
}

int ms_events_drain(struct ms_events *ev)
{
	int n = ring_buffer__consume(ev->rb);

	/* the batch's records were rendered unflushed: show them now */
	if (n > 0)
		fflush(NULL);
	return n == -EINTR ? 0 : n;
}

uint64_t ms_events_drops(const struct ms_events *ev)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals, sum = 0;
	__u32 zero = 0;
	int i;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(ev->drops_fd, &zero, vals))
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

void ms_events_close(struct ms_events *ev)
{
	ring_buffer__free(ev->rb);
	ev->rb = NULL;
}
