// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation of migration events: the summary record, the histograms and
 * the per-(pid, VF) view `top` shows.  Fed by the live ring buffer and by
 * record files alike, so live and offline summaries cannot disagree.
 */
#include <string.h>
#include "render.h"
#include "trace.h"
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

void mt_unit_saw_gt(struct mt_unit *u, unsigned int gt)
{
	if (gt >= u->ngt)
		u->ngt = gt + 1;
}

void mt_unit_rings(const struct mt_unit *u, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int g;

	snprintf(buf, len, "-");
	for (g = 0; g < u->ngt && used < len; g++)
		used += snprintf(buf + used, len - used, "%s%u", g ? "/" : "",
				 u->occ[g]);
}

const char *mt_unit_phase(const struct mt_unit *u)
{
	uint64_t bits = 0;
	unsigned int g;

	for (g = 0; g < MS_MAX_GT; g++)
		bits |= u->bits[g];
	return mt_phase(bits);
}

struct mt_unit *mt_agg_unit(struct mt_agg *a, uint32_t pid, uint16_t vf)
{
	struct mt_unit *free_slot = NULL;
	int i;

	for (i = 0; i < MT_MAX_UNITS; i++) {
		struct mt_unit *u = &a->units[i];

		if (u->used && u->pid == pid && u->vf == vf)
			return u;
		if (!u->used && !free_slot)
			free_slot = u;
	}
	if (free_slot) {
		free_slot->used = true;
		free_slot->pid = pid;
		free_slot->vf = vf;
	}
	return free_slot;
}

static void add_packet(struct mt_agg *a, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;
	struct mt_type_stats *t = &a->types[p->ptype < MT_MAX_TYPES ?
					    p->ptype : 0];
	struct mt_unit *u;

	if (p->ret < 0) {
		t->errors++;
		a->errors++;
	}
	switch (e->op) {
	case MS_PKT_INIT:
		if (p->ret)
			break;
		t->produced++;
		t->bytes += p->size;
		a->stream_bytes += XE_SRIOV_PACKET_HDR_SIZE + p->size;
		break;
	case MS_PKT_INIT_FROM_HDR:
		if (p->ret)
			break;
		t->consumed++;
		t->consumed_bytes += p->size;
		a->restore_stream_bytes += XE_SRIOV_PACKET_HDR_SIZE + p->size;
		break;
	case MS_PKT_PRODUCE:
		if (p->ret)
			break;
		t->ring_produce++;
		break;
	case MS_PKT_CONSUME:
		t->ring_consume++;
		log2_hist_add(&a->h_queue, p->queued_ns / 1000);
		break;
	default:
		return;
	}
	if ((e->op == MS_PKT_PRODUCE || e->op == MS_PKT_CONSUME) &&
	    e->gt < MS_MAX_GT && e->vf != MS_VF_UNKNOWN) {
		u = mt_agg_unit(a, e->pid, e->vf);
		if (u) {
			u->occ[e->gt] = p->ring_occ;
			mt_unit_saw_gt(u, e->gt);
		}
	}
}

static void add_state(struct mt_agg *a, const struct ms_event *e)
{
	const struct ms_state_ev *s = &e->state;
	struct mt_unit *u = mt_agg_unit(a, e->pid, e->vf);
	unsigned int bit = s->bit & 63;

	if (s->entered)
		a->states[bit].entered++;
	else
		a->states[bit].total_ns += s->held_ns;
	if (!u || e->gt >= MS_MAX_GT)
		return;
	mt_unit_saw_gt(u, e->gt);
	if (s->entered) {
		u->bits[e->gt] |= 1ull << bit;
		u->since[e->gt][bit] = e->ts_ns;
	} else {
		u->bits[e->gt] &= ~(1ull << bit);
		u->since[e->gt][bit] = 0;
	}
}

static void add_data(struct mt_agg *a, const struct ms_event *e)
{
	const struct ms_data_ev *d = &e->data;
	struct mt_data_stats *st = &a->data[d->dir ? 1 : 0];
	struct mt_unit *u = mt_agg_unit(a, e->pid, e->vf);

	st->calls++;
	if (d->ret < 0) {
		st->errors++;
		a->errors++;
	} else if (d->ret == 0) {
		st->eof++;
	} else {
		st->bytes += d->ret;
		if (u && d->dir)
			u->write_bytes += d->ret;
		else if (u)
			u->read_bytes += d->ret;
	}
	log2_hist_add(d->dir ? &a->h_write : &a->h_read, d->dur_ns / 1000);
}

static void add_vram(struct mt_agg *a, const struct ms_event *e)
{
	const struct ms_vram_ev *v = &e->vram;
	struct mt_vram_stats *st = &a->vram[v->dir ? 1 : 0];
	struct mt_unit *u;

	if (v->ret < 0) {
		st->errors++;
		a->errors++;
		return;
	}
	st->chunks++;
	st->bytes += v->bytes;
	st->dur_ns += v->dur_ns;
	log2_hist_add(&a->h_vram, v->dur_ns / 1000);
	u = mt_agg_unit(a, e->pid, e->vf);
	if (u)
		u->vram_bytes += v->bytes;
}

void mt_agg_add(struct mt_agg *a, const struct ms_event *e)
{
	a->events++;
	if (!a->first_ts || e->ts_ns < a->first_ts)
		a->first_ts = e->ts_ns;
	if (e->ts_ns > a->last_ts)
		a->last_ts = e->ts_ns;
	switch (e->type) {
	case MS_EV_PACKET:
		add_packet(a, e);
		break;
	case MS_EV_STATE:
		add_state(a, e);
		break;
	case MS_EV_DATA:
		add_data(a, e);
		break;
	case MS_EV_VRAM:
		add_vram(a, e);
		break;
	case MS_EV_INJECT:
		a->injects++;
		break;
	default:
		break;
	}
}

void mt_agg_close(struct mt_agg *a)
{
	int i, g, b;

	for (i = 0; i < MT_MAX_UNITS; i++) {
		struct mt_unit *u = &a->units[i];

		for (g = 0; u->used && g < MS_MAX_GT; g++)
			for (b = 0; b < 64; b++)
				if ((u->bits[g] >> b & 1) && u->since[g][b] &&
				    a->last_ts > u->since[g][b])
					a->states[b].total_ns +=
						a->last_ts - u->since[g][b];
	}
}

/* by state name: the bit numbers are those of the active names table */
const char *mt_phase(uint64_t bits)
{
	static const struct {
		const char *state;
		const char *phase;
	} order[] = {
		{ "MISMATCH", "MISMATCH" },
		{ "SAVE_FAILED", "SAVE_FAILED" },
		{ "RESTORE_FAILED", "RESTORE_FAILED" },
		{ "FLR_WIP", "FLR" },
		{ "SAVE_WIP", "SAVING" },
		{ "RESTORE_WIP", "RESTORING" },
		{ "PAUSE_WIP", "PAUSING" },
		{ "RESUME_WIP", "RESUMING" },
		{ "STOP_WIP", "STOPPING" },
		{ "SAVED", "SAVED" },
		{ "RESTORED", "RESTORED" },
		{ "PAUSED", "PAUSED" },
		{ "STOPPED", "STOPPED" },
		{ "RESUMED", "RESUMED" },
	};
	size_t i;
	int bit;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		bit = xe_state_from_name(order[i].state);
		if (bit >= 0 && (bits >> bit & 1))
			return order[i].phase;
	}
	return "READY";
}

static void type_json(struct json *j, const struct mt_type_stats *t)
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
		      const struct mt_data_stats *d)
{
	json_key(j, key);
	json_obj_begin(j);
	json_ku64(j, "calls", d->calls);
	json_ku64(j, "bytes", d->bytes);
	json_ku64(j, "errors", d->errors);
	json_ku64(j, "eof", d->eof);
	json_obj_end(j);
}

static void vram_fields(struct json *j, const struct mt_vram_stats *v)
{
	json_ku64(j, "chunks", v->chunks);
	json_ku64(j, "bytes", v->bytes);
	json_ku64(j, "copy_ns", v->dur_ns);
	json_kf64(j, "gbps", ms_gbps(v->bytes, v->dur_ns));
	json_ku64(j, "errors", v->errors);
}

static void vram_json(struct json *j, const struct mt_agg *a)
{
	struct mt_vram_stats all = {
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

static void hist_json(struct json *j, const struct mt_agg *a)
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

void mt_agg_summary_json(const struct mt_agg *a, struct json *j,
			 uint64_t drops)
{
	unsigned int i;

	json_obj_begin(j);
	json_kstr(j, "type", "summary");
	json_ku64(j, "abi", MS_ABI_VERSION);
	json_ku64(j, "events", a->events);
	json_ku64(j, "drops", drops);
	json_ku64(j, "duration_ns", a->last_ts - a->first_ts);
	json_ku64(j, "stream_bytes", a->stream_bytes);
	json_ku64(j, "restore_stream_bytes", a->restore_stream_bytes);
	json_key(j, "packets");
	json_obj_begin(j);
	for (i = 1; i < MT_MAX_TYPES; i++) {
		const struct mt_type_stats *t = &a->types[i];
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
	json_obj_end(j);
	json_newline(j);
}

static void text_data(FILE *f, const char *what, const struct mt_data_stats *d)
{
	fprintf(f, "  %-10s %8llu calls %14llu bytes %6llu errors %4llu eof\n",
		what, (unsigned long long)d->calls,
		(unsigned long long)d->bytes, (unsigned long long)d->errors,
		(unsigned long long)d->eof);
}

static void text_vram(FILE *f, const char *what, const struct mt_vram_stats *v)
{
	if (!v->chunks && !v->errors)
		return;
	fprintf(f, "  vram %-7s %6llu chunks %14llu bytes %8.3f Gbit/s %4llu errors\n",
		what, (unsigned long long)v->chunks,
		(unsigned long long)v->bytes, ms_gbps(v->bytes, v->dur_ns),
		(unsigned long long)v->errors);
}

void mt_agg_summary_text(const struct mt_agg *a, FILE *f, uint64_t drops)
{
	unsigned int i;

	fprintf(f, "\nSummary: %llu events, %llu dropped, %.3f ms traced\n",
		(unsigned long long)a->events, (unsigned long long)drops,
		(a->last_ts - a->first_ts) / 1e6);
	fprintf(f, "  %-11s %9s %9s %14s %8s %8s\n", "packet", "produced",
		"consumed", "bytes", "ring in", "ring out");
	for (i = 1; i < MT_MAX_TYPES; i++) {
		const struct mt_type_stats *t = &a->types[i];
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
	if (drops)
		fprintf(f, "  WARNING: %llu events were dropped (ring buffer full): counts above are low\n",
			(unsigned long long)drops);
}

void mt_agg_hists(const struct mt_agg *a, FILE *f)
{
	log2_hist_print(f, &a->h_vram, "VRAM chunk copy latency", "usecs");
	log2_hist_print(f, &a->h_read, "data_read latency", "usecs");
	log2_hist_print(f, &a->h_write, "data_write latency", "usecs");
	log2_hist_print(f, &a->h_queue, "packet queueing time (ring)", "usecs");
}
