// SPDX-License-Identifier: GPL-2.0
/*
 * The trace summary, as text and as a JSON line: the figures of every unit
 * together, then one row (text) or object (JSON) per unit when there is
 * more than one.
 */
#include <stdlib.h>
#include "render.h"
#include "summary.h"
#include "trace.h"
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

static void type_json(struct json *j, const struct ms_agg_type *t)
{
	json_obj_begin(j);
	json_ku64(j, "produced", t->produced);
	json_ku64(j, "consumed", t->consumed);
	json_ku64(j, "bytes", t->bytes);
	json_ku64(j, "consumed_bytes", t->consumed_bytes);
	json_ku64(j, "ring_produce", t->ring_produce);
	json_ku64(j, "ring_consume", t->ring_consume);
	json_ku64(j, "errors", t->errors);
	json_obj_end(j);
}

static void data_json(struct json *j, const char *key,
		      const struct ms_agg_data *d)
{
	json_key(j, key);
	json_obj_begin(j);
	json_ku64(j, "calls", d->calls);
	json_ku64(j, "bytes", d->bytes);
	json_ku64(j, "errors", d->errors);
	json_ku64(j, "eof", d->eof);
	json_obj_end(j);
}

static void vram_fields(struct json *j, const struct ms_agg_vram *v)
{
	json_ku64(j, "chunks", v->chunks);
	json_ku64(j, "bytes", v->bytes);
	json_ku64(j, "copy_ns", v->dur_ns);
	json_kf64(j, "gbps", ms_gbps(v->bytes, v->dur_ns));
	json_ku64(j, "errors", v->errors);
}

static void vram_json(struct json *j, const struct mt_counts *a)
{
	struct ms_agg_vram all = {
		.chunks = a->vram[0].chunks + a->vram[1].chunks,
		.bytes = a->vram[0].bytes + a->vram[1].bytes,
		.dur_ns = a->vram[0].dur_ns + a->vram[1].dur_ns,
		.errors = a->vram[0].errors + a->vram[1].errors,
	};

	json_key(j, "vram");
	json_obj_begin(j);
	vram_fields(j, &all);
	json_key(j, "save");
	json_obj_begin(j);
	vram_fields(j, &a->vram[0]);
	json_obj_end(j);
	json_key(j, "restore");
	json_obj_begin(j);
	vram_fields(j, &a->vram[1]);
	json_obj_end(j);
	json_obj_end(j);
}

static void hist_json(struct json *j, const struct mt_counts *a)
{
	json_key(j, "hist");
	json_obj_begin(j);
	json_key(j, "vram_copy_us");
	log2_hist_json(j, &a->h_vram, "usecs");
	json_key(j, "data_read_us");
	log2_hist_json(j, &a->h_read, "usecs");
	json_key(j, "data_write_us");
	log2_hist_json(j, &a->h_write, "usecs");
	json_key(j, "packet_queue_us");
	log2_hist_json(j, &a->h_queue, "usecs");
	json_obj_end(j);
}

static int unit_cmp(const void *pa, const void *pb)
{
	const struct mt_unit *a = *(const struct mt_unit *const *)pa;
	const struct mt_unit *b = *(const struct mt_unit *const *)pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->vf != b->vf)
		return a->vf < b->vf ? -1 : 1;
	return a->gt < b->gt ? -1 : a->gt > b->gt;
}

/*
 * The units that counted something, by pid, VF, GT ("other" last): the
 * same order whichever side counted and whatever order they came in.
 */
static unsigned int units_sorted(const struct mt_agg *a,
				 const struct mt_unit **v)
{
	unsigned int i, n = 0;

	for (i = MT_UNIT_OTHER + 1; i < MT_MAX_UNITS; i++)
		if (a->units[i].used && a->units[i].c.events)
			v[n++] = &a->units[i];
	qsort(v, n, sizeof(*v), unit_cmp);
	if (a->units[MT_UNIT_OTHER].used && a->units[MT_UNIT_OTHER].c.events)
		v[n++] = &a->units[MT_UNIT_OTHER];
	return n;
}

/* the figures of the whole trace or of one unit */
static void counts_json(struct json *j, const struct mt_counts *a)
{
	unsigned int i;

	json_ku64(j, "events", a->events);
	json_ku64(j, "duration_ns", a->last_ts - a->first_ts);
	json_ku64(j, "stream_bytes", a->stream_bytes);
	json_ku64(j, "restore_stream_bytes", a->restore_stream_bytes);
	json_key(j, "packets");
	json_obj_begin(j);
	for (i = 1; i < MT_MAX_TYPES; i++) {
		const struct ms_agg_type *t = &a->types[i];
		const char *name = xe_packet_type_name(i);

		if (!t->produced && !t->consumed && !t->ring_produce &&
		    !t->ring_consume && !t->errors)
			continue;
		json_key(j, name ? name : "UNKNOWN");
		type_json(j, t);
	}
	json_obj_end(j);
	data_json(j, "data_read", &a->data[MS_DIR_SAVE]);
	data_json(j, "data_write", &a->data[MS_DIR_RESTORE]);
	vram_json(j, a);
	json_key(j, "states");
	json_obj_begin(j);
	for (i = 0; i < 64; i++) {
		const char *name = xe_state_name(i);

		if (!a->states[i].entered && !a->states[i].total_ns)
			continue;
		json_key(j, name ? name : "UNKNOWN");
		json_obj_begin(j);
		json_ku64(j, "entered", a->states[i].entered);
		json_ku64(j, "total_ns", a->states[i].total_ns);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_ku64(j, "injected", a->injects);
	json_ku64(j, "errors", a->errors);
	hist_json(j, a);
}

static void u64_or_null(struct json *j, const char *key, bool known,
			uint64_t v)
{
	json_key(j, key);
	if (known)
		json_u64(j, v);
	else
		json_null(j);
}

/* pid, vf, gt (null: not known), or "other": units past the cap */
static void unit_json(struct json *j, const struct mt_unit *u, bool other)
{
	json_obj_begin(j);
	if (other) {
		json_kbool(j, "other", true);
	} else {
		json_ku64(j, "pid", u->pid);
		u64_or_null(j, "vf", u->vf != MS_VF_UNKNOWN, u->vf);
		u64_or_null(j, "gt", u->gt != MS_GT_UNKNOWN, u->gt);
	}
	counts_json(j, &u->c);
	json_obj_end(j);
}

void mt_agg_summary_json(const struct mt_agg *a, struct json *j,
			 const char *command, uint64_t drops)
{
	const struct mt_unit *v[MT_MAX_UNITS];
	unsigned int i, n = units_sorted(a, v);

	ms_summary_begin(j, command, drops);
	counts_json(j, &a->all);
	if (n > 1) {
		json_key(j, "units");
		json_arr_begin(j);
		for (i = 0; i < n; i++)
			unit_json(j, v[i], v[i] == &a->units[MT_UNIT_OTHER]);
		json_arr_end(j);
	}
	json_obj_end_line(j);
}

static void text_data(FILE *f, const char *what, const struct ms_agg_data *d)
{
	fprintf(f, "  %-10s %8llu calls %14llu bytes %6llu errors %4llu eof\n",
		what, (unsigned long long)d->calls,
		(unsigned long long)d->bytes, (unsigned long long)d->errors,
		(unsigned long long)d->eof);
}

static void text_vram(FILE *f, const char *what, const struct ms_agg_vram *v)
{
	if (!v->chunks && !v->errors)
		return;
	fprintf(f, "  vram %-7s %6llu chunks %14llu bytes %8.3f Gbit/s %4llu errors\n",
		what, (unsigned long long)v->chunks,
		(unsigned long long)v->bytes, ms_gbps(v->bytes, v->dur_ns),
		(unsigned long long)v->errors);
}

static void text_counts(FILE *f, const struct mt_counts *a)
{
	unsigned int i;

	fprintf(f, "  %-11s %9s %9s %14s %8s %8s\n", "packet", "produced",
		"consumed", "bytes", "ring in", "ring out");
	for (i = 1; i < MT_MAX_TYPES; i++) {
		const struct ms_agg_type *t = &a->types[i];
		const char *name = xe_packet_type_name(i);

		if (!t->produced && !t->consumed && !t->ring_produce)
			continue;
		fprintf(f, "  %-11s %9llu %9llu %14llu %8llu %8llu\n",
			name ? name : "UNKNOWN",
			(unsigned long long)t->produced,
			(unsigned long long)t->consumed,
			(unsigned long long)t->bytes,
			(unsigned long long)t->ring_produce,
			(unsigned long long)t->ring_consume);
	}
	fprintf(f, "  stream     %llu bytes saved, %llu bytes restored\n",
		(unsigned long long)a->stream_bytes,
		(unsigned long long)a->restore_stream_bytes);
	text_data(f, "data_read", &a->data[MS_DIR_SAVE]);
	text_data(f, "data_write", &a->data[MS_DIR_RESTORE]);
	text_vram(f, "save", &a->vram[MS_DIR_SAVE]);
	text_vram(f, "restore", &a->vram[MS_DIR_RESTORE]);
	fprintf(f, "  %-22s %8s %14s\n", "state", "entered", "total ms");
	for (i = 0; i < 64; i++) {
		const char *name = xe_state_name(i);

		if (!a->states[i].entered)
			continue;
		fprintf(f, "  %-22s %8llu %14.3f\n", name ? name : "UNKNOWN",
			(unsigned long long)a->states[i].entered,
			a->states[i].total_ns / 1e6);
	}
	if (a->injects)
		fprintf(f, "  injected faults: %llu\n",
			(unsigned long long)a->injects);
}

static void text_unit(FILE *f, const struct mt_unit *u, bool other)
{
	const struct mt_counts *c = &u->c;
	char vf[8] = "-", gt[8] = "-";
	unsigned long long made = 0, parsed = 0;
	unsigned int t;

	for (t = 0; t < MT_MAX_TYPES; t++) {
		made += c->types[t].produced;
		parsed += c->types[t].consumed;
	}
	if (u->vf != MS_VF_UNKNOWN)
		snprintf(vf, sizeof(vf), "%u", u->vf);
	if (u->gt != MS_GT_UNKNOWN)
		snprintf(gt, sizeof(gt), "%u", u->gt);
	if (other)
		fprintf(f, "  %-8s %-3s %-3s", "other", "-", "-");
	else
		fprintf(f, "  %-8u %-3s %-3s", u->pid, vf, gt);
	fprintf(f, " %8llu %8llu %8llu %14llu %14llu %7llu %6llu\n",
		(unsigned long long)c->events, made, parsed,
		(unsigned long long)c->data[MS_DIR_SAVE].bytes,
		(unsigned long long)c->data[MS_DIR_RESTORE].bytes,
		(unsigned long long)(c->vram[0].chunks + c->vram[1].chunks),
		(unsigned long long)c->errors);
}

/* one row per unit; VF/GT "-": not known (VF-wide work, unbound packets) */
static void text_units(FILE *f, const struct mt_agg *a,
		       const struct mt_unit **v, unsigned int n)
{
	const struct mt_unit *other = &a->units[MT_UNIT_OTHER];
	unsigned int i;

	fprintf(f, "  %-8s %-3s %-3s %8s %8s %8s %14s %14s %7s %6s\n", "pid",
		"VF", "GT", "events", "made", "parsed", "read bytes",
		"write bytes", "vram", "errors");
	for (i = 0; i < n; i++)
		text_unit(f, v[i], v[i] == other);
	if (other->used && other->c.events)
		fprintf(f, "  WARNING: more than %d units: %llu events of the later ones are counted as \"other\" (totals exact, not split by unit)\n",
			MT_MAX_UNITS - 1, (unsigned long long)other->c.events);
}

void mt_agg_summary_text(const struct mt_agg *a, FILE *f, uint64_t drops)
{
	const struct mt_unit *v[MT_MAX_UNITS];
	unsigned int n = units_sorted(a, v);

	fprintf(f, "\nSummary: %llu events, %llu dropped, %.3f ms traced\n",
		(unsigned long long)a->all.events, (unsigned long long)drops,
		(a->all.last_ts - a->all.first_ts) / 1e6);
	text_counts(f, &a->all);
	if (n > 1)
		text_units(f, a, v, n);
	if (drops)
		fprintf(f, "  WARNING: %llu events were dropped (ring buffer full): counts above are low\n",
			(unsigned long long)drops);
}

void mt_agg_hists(const struct mt_agg *a, FILE *f)
{
	const struct mt_counts *c = &a->all;

	log2_hist_print(f, &c->h_vram, "VRAM chunk copy latency", "usecs");
	log2_hist_print(f, &c->h_read, "data_read latency", "usecs");
	log2_hist_print(f, &c->h_write, "data_write latency", "usecs");
	log2_hist_print(f, &c->h_queue, "packet queueing time (ring)", "usecs");
}
