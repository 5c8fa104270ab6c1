/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Perfetto renderer of every event type: a Chrome JSON trace for
 * ui.perfetto.dev built from struct ms_event, live or from a record file.
 */
#ifndef MIGSCOPE_PERFETTO_EVENTS_H
#define MIGSCOPE_PERFETTO_EVENTS_H

#include <stdint.h>
#include "migscope_abi.h"
#include "perfetto.h"

struct ms_pf;

struct ms_pf *ms_pf_open(const char *path, uint64_t t0_ns);
void ms_pf_event(struct ms_pf *pf, const struct ms_event *e);
/* the vCPU's track in its VMM's process, as LAPIC events use it */
void ms_pf_name_vcpu(struct ms_pf *pf, uint32_t pid, uint32_t vcpu);
/* the writer underneath, for what is sampled rather than an event */
struct perfetto *ms_pf_writer(struct ms_pf *pf);
/* closes still-open slices at end_ns; returns -errno on a write error */
int ms_pf_close(struct ms_pf *pf, uint64_t end_ns);

#endif /* MIGSCOPE_PERFETTO_EVENTS_H */
