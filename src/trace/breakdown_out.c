// SPDX-License-Identifier: GPL-2.0
/* The breakdown and the comparison of two migrations, as text and JSON. */
#include <stdlib.h>
#include <string.h>
#include "breakdown.h"
#include "common.h"
#include "xe_sriov_names.h"

static const char *const align_names[] = {
	[MB_ALIGN_AUTO] = "auto",
	[MB_ALIGN_CLOCK] = "clock",
	[MB_ALIGN_STREAM] = "stream",
};

static const char *const side_names[MB_SIDES] = {
	[MB_SRC] = "source",
	[MB_DST] = "destination",
};

static uint64_t uncertainty(const struct mb_result *r)
{
	return r->align.uncertainty_ns + r->clamped_ns;
}

static int by_ns_desc(const void *a, const void *b)
{
	const struct mb_total *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* the critical path's phases, largest first */
static void sorted_crit(const struct mb_result *r, struct mb_total *out)
{
	memcpy(out, r->crit, r->ncrit * sizeof(*out));
	qsort(out, r->ncrit, sizeof(*out), by_ns_desc);
}

static void wait_text(const struct mb_wait *w, char *buf, size_t len)
{
	const char *t = xe_packet_type_name(w->pkt.ptype);
	const char *bt = xe_packet_type_name(w->behind.ptype);

	if (w->behind_pkts)
		snprintf(buf, len, "GT%u's %s packet waited %.3f ms in the ring behind GT%u's %s (%llu packets)",
			 w->pkt.gt, t ? t : "?", w->wait_ns / 1e6,
			 w->behind.gt, bt ? bt : "?",
			 (unsigned long long)w->behind_pkts);
	else
		snprintf(buf, len, "GT%u's %s packet waited %.3f ms in the ring for the reader",
			 w->pkt.gt, t ? t : "?", w->wait_ns / 1e6);
}

static void align_text(FILE *f, const struct mb_alignment *a)
{
	if (a->method == MB_ALIGN_CLOCK)
		fprintf(f, "  clocks: one CLOCK_MONOTONIC (same host), alignment uncertainty 0\n");
	else
		fprintf(f, "  clocks: aligned on the stream (%llu read/write pairs): destination = source %+.3f ms, uncertainty %.3f ms (destination events may be early by up to that)\n",
			(unsigned long long)a->pairs, a->offset_ns / 1e6,
			a->uncertainty_ns / 1e6);
}

void mb_text(FILE *f, const struct mb_result *r)
{
	struct mb_total t[MB_MAX_PHASES];
	char name[64], w[160];
	uint64_t sum = 0;
	uint32_t i;

	fprintf(f, "\nDowntime %.3f ms: source pid %u -> destination pid %u, VF%u, %llu packets\n",
		r->downtime_ns / 1e6, r->src_pid, r->dst_pid, r->vf,
		(unsigned long long)r->stream_pkts);
	align_text(f, &r->align);
	fprintf(f, "  critical path (adds up to the downtime, +-%.3f ms):\n",
		uncertainty(r) / 1e6);
	sorted_crit(r, t);
	for (i = 0; i < r->ncrit; i++) {
		mb_key_text(&t[i].key, name, sizeof(name));
		fprintf(f, "    %-28s %10.3f ms %5.1f%%\n", name, t[i].ns / 1e6,
			r->downtime_ns ? 100.0 * t[i].ns / r->downtime_ns : 0);
		sum += t[i].ns;
	}
	fprintf(f, "    %-28s %10.3f ms\n", "sum", sum / 1e6);
	if (r->ncrit) {
		mb_key_text(&t[0].key, name, sizeof(name));
		fprintf(f, "  bounded by: %s (%.3f ms)\n", name, t[0].ns / 1e6);
	}
	for (i = 0; i < r->nwaits; i++) {
		wait_text(&r->waits[i], w, sizeof(w));
		fprintf(f, "  %s\n", w);
	}
	fprintf(f, "  activity per side and GT (overlapping):\n");
	for (i = 0; i < r->nact; i++) {
		if (r->act[i].key.phase == MB_PH_DATA_CALL ||
		    !r->act[i].ns)
			continue;
		mb_key_text(&r->act[i].key, name, sizeof(name));
		fprintf(f, "    %-11s %-28s %10.3f ms %6llu\n",
			side_names[r->act[i].side], name, r->act[i].ns / 1e6,
			(unsigned long long)r->act[i].count);
	}
}

static void key_json(struct json *j, const struct mb_key *k)
{
	char name[64];

	mb_key_text(k, name, sizeof(name));
	json_kstr(j, "key", name);
	json_kstr(j, "phase", mb_phase_name(k->phase));
	if (k->gt != MS_GT_UNKNOWN)
		json_ku64(j, "gt", k->gt);
	if (k->ptype)
		json_kstr(j, "ptype", xe_packet_type_name(k->ptype) ?
			  xe_packet_type_name(k->ptype) : "UNKNOWN");
}

static void totals_json(struct json *j, const struct mb_total *t, uint32_t n,
			bool side)
{
	uint32_t i;

	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		if (side)
			json_kstr(j, "side", side_names[t[i].side]);
		key_json(j, &t[i].key);
		json_ku64(j, "ns", t[i].ns);
		json_ku64(j, "count", t[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void waits_json(struct json *j, const struct mb_result *r)
{
	char w[160];
	uint32_t i;

	json_key(j, "waits");
	json_arr_begin(j);
	for (i = 0; i < r->nwaits; i++) {
		json_obj_begin(j);
		key_json(j, &r->waits[i].pkt);
		json_ku64(j, "wait_ns", r->waits[i].wait_ns);
		json_ku64(j, "behind_gt", r->waits[i].behind.gt);
		json_kstr(j, "behind_ptype",
			  xe_packet_type_name(r->waits[i].behind.ptype) ?: "");
		json_ku64(j, "behind_packets", r->waits[i].behind_pkts);
		wait_text(&r->waits[i], w, sizeof(w));
		json_kstr(j, "text", w);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void mb_json(struct json *j, const struct mb_result *r)
{
	struct mb_total t[MB_MAX_PHASES];

	sorted_crit(r, t);
	json_obj_begin(j);
	json_kstr(j, "type", "breakdown");
	json_ku64(j, "source_pid", r->src_pid);
	json_ku64(j, "destination_pid", r->dst_pid);
	json_ku64(j, "vf", r->vf);
	json_key(j, "alignment");
	json_obj_begin(j);
	json_kstr(j, "method", align_names[r->align.method]);
	json_ki64(j, "offset_ns", r->align.offset_ns);
	json_ku64(j, "uncertainty_ns", r->align.uncertainty_ns);
	json_ku64(j, "pairs", r->align.pairs);
	json_obj_end(j);
	json_ku64(j, "start_ns", r->start_ns);
	json_ku64(j, "downtime_ns", r->downtime_ns);
	json_ku64(j, "clamped_ns", r->clamped_ns);
	json_ku64(j, "uncertainty_ns", uncertainty(r));
	json_ku64(j, "stream_packets", r->stream_pkts);
	json_ku64(j, "stream_mismatch", r->stream_mismatch);
	if (r->ncrit) {
		json_key(j, "bounded_by");
		json_obj_begin(j);
		key_json(j, &t[0].key);
		json_ku64(j, "ns", t[0].ns);
		json_obj_end(j);
	}
	json_key(j, "critical_path");
	totals_json(j, t, r->ncrit, false);
	json_ku64(j, "critical_segments", r->nsegs);
	json_key(j, "activity");
	totals_json(j, r->act, r->nact, true);
	waits_json(j, r);
	json_obj_end_line(j);
}
