// SPDX-License-Identifier: GPL-2.0
/*
 * The merged migration for Perfetto: a process per side with a thread per
 * row of the layout (GT, kind of activity, lane), and a "critical path"
 * process whose slices are the stretches that set the downtime.
 */
#include <string.h>
#include "common.h"
#include "timeline_layout.h"
#include "perfetto.h"

#define PF_CRIT_PID	3

/* a complete slice, with its bytes when it moved some */
static void slice(struct perfetto *p, const char *name, const char *cat,
		  uint32_t pid, uint32_t tid, uint64_t ts, uint64_t dur,
		  uint64_t bytes)
{
	perfetto_event_begin(p, 'X', name, cat, pid, tid, ts);
	perfetto_event_dur(p, dur);
	if (bytes) {
		perfetto_event_args(p);
		json_ku64(&p->j, "bytes", bytes);
	}
	perfetto_event_end(p);
}

static void rows(struct perfetto *p, const struct mb_layout *l)
{
	uint32_t i;

	perfetto_process_name(p, 1, "source");
	perfetto_process_name(p, 2, "destination");
	perfetto_process_name(p, PF_CRIT_PID, "critical path");
	perfetto_thread_name(p, PF_CRIT_PID, 1, "downtime");
	perfetto_thread_name(p, PF_CRIT_PID, 2, "critical path");
	for (i = 0; i < l->nrows; i++)
		perfetto_thread_name(p, l->rows[i].side + 1, i + 1,
				     l->rows[i].name);
}

int mb_perfetto(const char *path, const struct mb_result *r)
{
	struct mb_layout l;
	struct perfetto p;
	char name[64];
	uint32_t i;
	int err;

	if (mb_layout(r, &l))
		return -1;
	if (perfetto_open(&p, path, l.t0)) {
		mb_layout_free(&l);
		return -1;
	}
	rows(&p, &l);
	slice(&p, "downtime", "downtime", PF_CRIT_PID, 1, r->start_ns,
	      r->downtime_ns, 0);
	for (i = 0; i < r->nsegs; i++) {
		mb_key_text(&r->segs[i].key, name, sizeof(name));
		slice(&p, name, "critical", PF_CRIT_PID, 2,
		      r->start_ns + r->segs[i].start_ns, r->segs[i].dur_ns, 0);
	}
	for (i = 0; i < r->nspans; i++) {
		const struct mb_span *s = &r->spans[i];

		mb_key_text(&s->key, name, sizeof(name));
		slice(&p, name, mb_phase_name(s->key.phase), s->side + 1,
		      l.row_of[i] + 1, s->start_ns, s->dur_ns, s->bytes);
	}
	mb_layout_free(&l);
	err = perfetto_close(&p);
	if (err)
		ms_err("writing the Perfetto trace %s failed: %s", path,
		       strerror(-err));
	return err;
}
