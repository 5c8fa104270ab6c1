// SPDX-License-Identifier: GPL-2.0
/*
 * The trace's totals as Prometheus metrics: the same units the summary
 * prints, read afresh at each scrape (from the in-BPF totals when BPF
 * counts), so a scrape at the end equals the summary.  Labels stay
 * few and small: side (source: save path, destination: restore path),
 * type (packet type), state, vf, gt.
 */
#include "common.h"
#include "metrics.h"
#include "trace.h"
#include "trace_sinks.h"
#include "xe_sriov_names.h"

static const char *const sides[2] = { "source", "destination" };

static void lbl_side(char *b, size_t n, unsigned int dir)
{
	snprintf(b, n, "side=\"%s\"", sides[dir & 1]);
}

/* a family with a sample per side and packet type */
static void per_type(FILE *f, const char *name, const char *help,
		     const struct mt_counts *a, bool bytes)
{
	char l[96];
	unsigned int t;

	om_family(f, name, "counter", help);
	for (t = 1; t < MT_MAX_TYPES; t++) {
		const struct ms_agg_type *s = &a->types[t];
		const char *type = xe_packet_type_name(t);

		if (!type)
			continue;
		snprintf(l, sizeof(l), "side=\"source\",type=\"%s\"", type);
		om_u64(f, name, l, bytes ? s->bytes : s->produced);
		snprintf(l, sizeof(l), "side=\"destination\",type=\"%s\"", type);
		om_u64(f, name, l, bytes ? s->consumed_bytes : s->consumed);
	}
}

static void packets(FILE *f, const struct mt_counts *a)
{
	per_type(f, "migscope_packets_total",
		 "Packets made: by the save path (source) or parsed by the restore path (destination).",
		 a, false);
	per_type(f, "migscope_packet_payload_bytes_total",
		 "Packet payload bytes, by side and packet type.", a, true);
}

/* one counter family with a sample per side */
static void per_side(FILE *f, const char *name, const char *help,
		     uint64_t src, uint64_t dst)
{
	char l[32];

	om_family(f, name, "counter", help);
	lbl_side(l, sizeof(l), 0);
	om_u64(f, name, l, src);
	lbl_side(l, sizeof(l), 1);
	om_u64(f, name, l, dst);
}

static void data_vram(FILE *f, const struct mt_counts *a)
{
	char l[32];

	per_side(f, "migscope_data_calls_total",
		 "data_read (source) and data_write (destination) calls.",
		 a->data[0].calls, a->data[1].calls);
	per_side(f, "migscope_data_bytes_total",
		 "Bytes moved by data_read (source) and data_write (destination).",
		 a->data[0].bytes, a->data[1].bytes);
	per_side(f, "migscope_data_errors_total",
		 "data_read/data_write calls that failed.",
		 a->data[0].errors, a->data[1].errors);
	per_side(f, "migscope_stream_bytes_total",
		 "Migration stream bytes: headers and payloads.",
		 a->stream_bytes, a->restore_stream_bytes);
	per_side(f, "migscope_vram_chunks_total",
		 "VRAM chunks copied (source: to system memory).",
		 a->vram[0].chunks, a->vram[1].chunks);
	per_side(f, "migscope_vram_bytes_total", "VRAM bytes copied.",
		 a->vram[0].bytes, a->vram[1].bytes);
	om_family(f, "migscope_vram_copy_seconds_total", "counter",
		  "Time spent copying VRAM chunks.");
	lbl_side(l, sizeof(l), 0);
	om_f64(f, "migscope_vram_copy_seconds_total", l, a->vram[0].dur_ns / 1e9);
	lbl_side(l, sizeof(l), 1);
	om_f64(f, "migscope_vram_copy_seconds_total", l, a->vram[1].dur_ns / 1e9);
}

/* a family with a sample per state bit entered */
static void per_state(FILE *f, const char *name, const char *help,
		      const struct mt_counts *a, bool seconds)
{
	char l[64];
	unsigned int b;

	om_family(f, name, "counter", help);
	for (b = 0; b < 64; b++) {
		if (!a->states[b].entered || !xe_state_name(b))
			continue;
		snprintf(l, sizeof(l), "state=\"%s\"", xe_state_name(b));
		if (seconds)
			om_f64(f, name, l, a->states[b].total_ns / 1e9);
		else
			om_u64(f, name, l, a->states[b].entered);
	}
}

static void states(FILE *f, const struct mt_counts *a)
{
	per_state(f, "migscope_state_entered_total",
		  "Control state bits entered, every GT and VF.", a, false);
	per_state(f, "migscope_state_seconds_total",
		  "Time spent in each control state bit.", a, true);
}

static void units(FILE *f, const struct mt_agg *a)
{
	const struct mt_unit *u;
	char l[80];
	unsigned int i, dir;

	om_family(f, "migscope_vf_data_bytes_total", "counter",
		  "Bytes moved by data_read/data_write, per process and VF.");
	for (i = MT_UNIT_OTHER + 1; i < MT_MAX_UNITS; i++) {
		u = &a->units[i];
		for (dir = 0; u->used && dir < 2; dir++) {
			if (!u->c.data[dir].calls)
				continue;
			snprintf(l, sizeof(l), "vf=\"%u\",side=\"%s\",pid=\"%u\"",
				 u->vf, sides[dir], u->pid);
			om_u64(f, "migscope_vf_data_bytes_total", l,
			       u->c.data[dir].bytes);
		}
	}
	om_family(f, "migscope_ring_occupancy", "gauge",
		  "Packets in a (VF, GT) ring after its last produce or consume.");
	for (i = MT_UNIT_OTHER + 1; i < MT_MAX_UNITS; i++) {
		u = &a->units[i];
		if (!u->used || !u->occ_ts || u->gt >= MS_MAX_GT)
			continue;
		snprintf(l, sizeof(l), "vf=\"%u\",gt=\"%u\",pid=\"%u\"",
			 u->vf, u->gt, u->pid);
		om_u64(f, "migscope_ring_occupancy", l, u->occ);
	}
}

static void hists(FILE *f, const struct mt_counts *a)
{
	om_family(f, "migscope_vram_copy_duration_seconds", "histogram",
		  "VRAM chunk copy latency.");
	om_log2_hist(f, "migscope_vram_copy_duration_seconds", NULL,
		     &a->h_vram, 1e-6);
	om_family(f, "migscope_data_call_duration_seconds", "histogram",
		  "data_read (source) and data_write (destination) latency.");
	om_log2_hist(f, "migscope_data_call_duration_seconds",
		     "side=\"source\"", &a->h_read, 1e-6);
	om_log2_hist(f, "migscope_data_call_duration_seconds",
		     "side=\"destination\"", &a->h_write, 1e-6);
	om_family(f, "migscope_packet_queue_duration_seconds", "histogram",
		  "Time packets spent queued in a ring.");
	om_log2_hist(f, "migscope_packet_queue_duration_seconds", NULL,
		     &a->h_queue, 1e-6);
}

static void render(FILE *f, const struct mt_sinks *k)
{
	const struct mt_agg *agg = &k->out->agg;
	const struct mt_counts *a = &agg->all;
	const struct {
		const char *name, *help;
		uint64_t v;
	} totals[] = {
		{ "migscope_events_total",
		  "Events traced: counted in BPF or received through the ring buffer (self).",
		  a->events },
		{ "migscope_events_dropped_total",
		  "Events lost because the ring buffer was full (self).",
		  k->drops },
		{ "migscope_injected_faults_total",
		  "Injected faults the traced model took.", a->injects },
		{ "migscope_errors_total",
		  "Packet, data and VRAM operations that failed.", a->errors },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(totals); i++) {
		om_family(f, totals[i].name, "counter", totals[i].help);
		om_u64(f, totals[i].name, NULL, totals[i].v);
	}
	if (k->stats_fd >= 0) {
		om_family(f, "migscope_bpf_run_seconds_total", "counter",
			  "Time the tracing BPF programs ran (self).");
		om_f64(f, "migscope_bpf_run_seconds_total", NULL,
		       k->bpf_ns / 1e9);
		om_family(f, "migscope_bpf_runs_total", "counter",
			  "Runs of the tracing BPF programs (self).");
		om_u64(f, "migscope_bpf_runs_total", NULL, k->bpf_runs);
	}
	packets(f, a);
	data_vram(f, a);
	states(f, a);
	units(f, agg);
	hists(f, a);
}

void mt_metrics_render(FILE *f, void *ctx)
{
	struct mt_sinks *k = ctx;

	/* while tracing: the figures as they are now (it says if it fails) */
	if (k->s)
		mt_session_totals(k->s, &k->out->agg);
	render(f, k);
}
