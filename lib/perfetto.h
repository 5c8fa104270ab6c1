/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chrome JSON trace writer (opens in ui.perfetto.dev): process and thread
 * names, complete slices, counters and instant events.  Timestamps are ns
 * on CLOCK_MONOTONIC and written as fractional microseconds, so nanosecond
 * precision survives.
 */
#ifndef MIGSCOPE_PERFETTO_H
#define MIGSCOPE_PERFETTO_H

#include <stdint.h>
#include <stdio.h>
#include "json.h"

struct perfetto {
	FILE *f;
	struct json j;
	uint64_t t0_ns;		/* subtracted from every timestamp */
};

int perfetto_open(struct perfetto *p, const char *path, uint64_t t0_ns);
/* flushes and closes; returns -errno if anything failed to be written */
int perfetto_close(struct perfetto *p);

void perfetto_process_name(struct perfetto *p, uint32_t pid, const char *name);
void perfetto_thread_name(struct perfetto *p, uint32_t pid, uint32_t tid,
			  const char *name);
/*
 * Start an event of phase ph ('X', 'i', 'C') and leave its "args" object
 * open so the caller can add fields with json_k*(); end with
 * perfetto_event_end().
 */
void perfetto_event_begin(struct perfetto *p, char ph, const char *name,
			  const char *cat, uint32_t pid, uint32_t tid,
			  uint64_t ts_ns);
void perfetto_event_dur(struct perfetto *p, uint64_t dur_ns);
void perfetto_event_args(struct perfetto *p);
void perfetto_event_end(struct perfetto *p);

/* a counter sample: one value of series on the counter track name */
void perfetto_counter(struct perfetto *p, const char *name, uint32_t pid,
		      uint64_t ts_ns, const char *series, double value);

#endif /* MIGSCOPE_PERFETTO_H */
