/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One renderer per event type, used by every command and by report: an
 * event as a line of text and as a JSON line.  (lib/perfetto_events.h is
 * the Perfetto one.)  Every line starts the same way, and every JSON record
 * carries the same keys for its type: type, ts_ns, pid, tid, vf, gt, op
 * (vf and gt null where the event has none), then the type's own keys.
 */
#ifndef MIGSCOPE_RENDER_H
#define MIGSCOPE_RENDER_H

#include <stdint.h>
#include <stdio.h>
#include "json.h"
#include "migscope_abi.h"

/* "packet", "state", "vram", "data", "inject", "lapic"; "unknown" */
const char *ms_event_type_name(const struct ms_event *e);
/* "produce", "enter", "to_vram", "read", "inject", "clamp", ... */
const char *ms_event_op_name(const struct ms_event *e);
/* "<seconds since t0> pid <pid> VF<n> GT<n> <type> ..." and a newline */
void ms_event_text(FILE *f, const struct ms_event *e, uint64_t t0_ns);
void ms_event_json(struct json *j, const struct ms_event *e);
/*
 * The same, naming the VM of an event whose pid is a VMM (lapic's): text
 * lines end with " vm NAME", JSON records of those types always carry
 * "vm_name" (null when vm is NULL: the name is not known).
 */
void ms_event_text_vm(FILE *f, const struct ms_event *e, uint64_t t0_ns,
		      const char *vm);
void ms_event_json_vm(struct json *j, const struct ms_event *e,
		      const char *vm);

/* bytes over ns as Gbit/s, the unit of every throughput migscope prints */
double ms_gbps(uint64_t bytes, uint64_t ns);

#endif /* MIGSCOPE_RENDER_H */
