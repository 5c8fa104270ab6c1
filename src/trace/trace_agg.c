// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation of migration events: per unit (pid, VF, GT) counts, their
 * sum (the summary and the histograms) and the per-(pid, VF) rows `top`
 * shows.  Fed by the live ring buffer and by record files alike, so live
 * and offline summaries cannot disagree; the in-BPF totals
 * (trace_totals.c) fill the same units.
 */
#include <string.h>
#include "trace.h"
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

static bool unit_is(const struct mt_unit *u, uint32_t pid, uint16_t vf,
		    uint8_t gt)
{
	return u->pid == pid && u->vf == vf && u->gt == gt;
}

struct mt_unit *mt_agg_unit(struct mt_agg *a, uint32_t pid, uint16_t vf,
			    uint8_t gt)
{
	struct mt_unit *u;
	int i;

	for (i = MT_UNIT_OTHER + 1; i < MT_MAX_UNITS; i++) {
		u = &a->units[i];
		if (!u->used) {
			u->used = true;
			u->pid = pid;
			u->vf = vf;
			u->gt = gt;
			return u;
		}
		if (unit_is(u, pid, vf, gt))
			return u;
	}
	u = &a->units[MT_UNIT_OTHER];
	u->used = true;
	u->vf = MS_VF_UNKNOWN;
	u->gt = MS_GT_UNKNOWN;
	return u;
}

static void add_packet(struct mt_counts *c, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;
	struct ms_agg_type *t = &c->types[p->ptype < MT_MAX_TYPES ?
					    p->ptype : 0];

	if (p->ret < 0) {
		t->errors++;
		c->errors++;
	}
	switch (e->op) {
	case MS_PKT_INIT:
		if (p->ret)
			break;
		t->produced++;
		t->bytes += p->size;
		c->stream_bytes += XE_SRIOV_PACKET_HDR_SIZE + p->size;
		break;
	case MS_PKT_INIT_FROM_HDR:
		if (p->ret)
			break;
		t->consumed++;
		t->consumed_bytes += p->size;
		c->restore_stream_bytes += XE_SRIOV_PACKET_HDR_SIZE + p->size;
		break;
	case MS_PKT_PRODUCE:
		if (!p->ret)
			t->ring_produce++;
		break;
	case MS_PKT_CONSUME:
		t->ring_consume++;
		log2_hist_add(&c->h_queue, p->queued_ns / 1000);
		break;
	default:
		break;
	}
}

static void add_state(struct mt_unit *u, const struct ms_event *e)
{
	const struct ms_state_ev *s = &e->state;
	unsigned int bit = s->bit & 63;

	if (s->entered) {
		u->c.states[bit].entered++;
		u->bits |= 1ull << bit;
		u->since[bit] = e->ts_ns;
	} else {
		u->c.states[bit].total_ns += s->held_ns;
		u->bits &= ~(1ull << bit);
		u->since[bit] = 0;
	}
}

static void add_data(struct mt_counts *c, const struct ms_event *e)
{
	const struct ms_data_ev *d = &e->data;
	struct ms_agg_data *st = &c->data[d->dir ? 1 : 0];

	st->calls++;
	if (d->ret < 0) {
		st->errors++;
		c->errors++;
	} else if (d->ret == 0) {
		st->eof++;
	} else {
		st->bytes += d->ret;
	}
	log2_hist_add(d->dir ? &c->h_write : &c->h_read, d->dur_ns / 1000);
}

static void add_vram(struct mt_counts *c, const struct ms_event *e)
{
	const struct ms_vram_ev *v = &e->vram;
	struct ms_agg_vram *st = &c->vram[v->dir ? 1 : 0];

	if (v->ret < 0) {
		st->errors++;
		c->errors++;
		return;
	}
	st->chunks++;
	st->bytes += v->bytes;
	st->dur_ns += v->dur_ns;
	log2_hist_add(&c->h_vram, v->dur_ns / 1000);
}

/*
 * Whether the event's time moves its unit's span (first_ts, last_ts):
 * every event but the packet ones outside a ring.  When counting in BPF
 * those take no clock read, a third of the model's events (see
 * bpf/migtrace_agg.bpf.h); the span from events is kept the same way.
 */
static bool moves_span(const struct ms_event *e)
{
	return e->type != MS_EV_PACKET || e->op == MS_PKT_PRODUCE ||
	       e->op == MS_PKT_CONSUME;
}

/* the event's unit: BPF counts the same way (bpf/migtrace_agg.bpf.h) */
static void add_to_unit(struct mt_unit *u, const struct ms_event *e)
{
	struct mt_counts *c = &u->c;

	c->events++;
	if (moves_span(e) && (!c->first_ts || e->ts_ns < c->first_ts))
		c->first_ts = e->ts_ns;
	if (moves_span(e) && e->ts_ns > c->last_ts)
		c->last_ts = e->ts_ns;
	switch (e->type) {
	case MS_EV_PACKET:
		add_packet(c, e);
		if (e->op == MS_PKT_PRODUCE || e->op == MS_PKT_CONSUME) {
			u->occ = e->packet.ring_occ;
			u->occ_ts = e->ts_ns;
		}
		break;
	case MS_EV_STATE:
		add_state(u, e);
		break;
	case MS_EV_DATA:
		add_data(c, e);
		break;
	case MS_EV_VRAM:
		add_vram(c, e);
		break;
	case MS_EV_INJECT:
		c->injects++;
		break;
	default:
		break;
	}
}

void mt_agg_add(struct mt_agg *a, const struct ms_event *e)
{
	add_to_unit(mt_agg_unit(a, e->pid, e->vf, e->gt), e);
}

static void merge_types(struct ms_agg_type *t, const struct ms_agg_type *s)
{
	t->produced += s->produced;
	t->consumed += s->consumed;
	t->bytes += s->bytes;
	t->consumed_bytes += s->consumed_bytes;
	t->ring_produce += s->ring_produce;
	t->ring_consume += s->ring_consume;
	t->errors += s->errors;
}

static void merge_io(struct mt_counts *c, const struct mt_counts *s, int dir)
{
	c->data[dir].calls += s->data[dir].calls;
	c->data[dir].bytes += s->data[dir].bytes;
	c->data[dir].errors += s->data[dir].errors;
	c->data[dir].eof += s->data[dir].eof;
	c->vram[dir].chunks += s->vram[dir].chunks;
	c->vram[dir].bytes += s->vram[dir].bytes;
	c->vram[dir].dur_ns += s->vram[dir].dur_ns;
	c->vram[dir].errors += s->vram[dir].errors;
}

void mt_counts_merge(struct mt_counts *c, const struct mt_counts *s)
{
	unsigned int i;

	c->events += s->events;
	c->injects += s->injects;
	c->errors += s->errors;
	if (s->first_ts && (!c->first_ts || s->first_ts < c->first_ts))
		c->first_ts = s->first_ts;
	if (s->last_ts > c->last_ts)
		c->last_ts = s->last_ts;
	c->stream_bytes += s->stream_bytes;
	c->restore_stream_bytes += s->restore_stream_bytes;
	for (i = 0; i < MT_MAX_TYPES; i++)
		merge_types(&c->types[i], &s->types[i]);
	merge_io(c, s, MS_DIR_SAVE);
	merge_io(c, s, MS_DIR_RESTORE);
	for (i = 0; i < 64; i++) {
		c->states[i].entered += s->states[i].entered;
		c->states[i].total_ns += s->states[i].total_ns;
	}
	log2_hist_merge(&c->h_vram, &s->h_vram);
	log2_hist_merge(&c->h_read, &s->h_read);
	log2_hist_merge(&c->h_write, &s->h_write);
	log2_hist_merge(&c->h_queue, &s->h_queue);
}

void mt_agg_sum(struct mt_agg *a)
{
	int i;

	memset(&a->all, 0, sizeof(a->all));
	for (i = 0; i < MT_MAX_UNITS; i++)
		if (a->units[i].used)
			mt_counts_merge(&a->all, &a->units[i].c);
}

/* still-set states count their time up to the last event of all */
void mt_agg_close(struct mt_agg *a)
{
	struct mt_unit *u;
	int i, b;

	mt_agg_sum(a);
	for (i = 0; i < MT_MAX_UNITS; i++) {
		u = &a->units[i];
		for (b = 0; u->used && b < 64; b++)
			if ((u->bits >> b & 1) && u->since[b] &&
			    a->all.last_ts > u->since[b])
				u->c.states[b].total_ns +=
					a->all.last_ts - u->since[b];
	}
	mt_agg_sum(a);
}

void mt_top_row(const struct mt_agg *a, uint32_t pid, uint16_t vf,
		struct mt_top_row *r)
{
	uint32_t occ[MS_MAX_GT] = {};
	unsigned int ngt = 0, g;
	size_t used = 0;
	int i;

	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->vf = vf;
	for (i = MT_UNIT_OTHER + 1; i < MT_MAX_UNITS; i++) {
		const struct mt_unit *u = &a->units[i];

		if (!u->used || u->pid != pid || u->vf != vf)
			continue;
		r->moved += u->c.data[0].bytes + u->c.data[1].bytes;
		if (u->gt >= MS_MAX_GT)
			continue;
		r->bits[u->gt] = u->bits;
		occ[u->gt] = u->occ;
		if (u->gt >= ngt)
			ngt = u->gt + 1;
	}
	snprintf(r->rings, sizeof(r->rings), "-");
	for (g = 0; g < ngt && used < sizeof(r->rings); g++)
		used += snprintf(r->rings + used, sizeof(r->rings) - used,
				 "%s%u", g ? "/" : "", occ[g]);
}

const char *mt_top_phase(const struct mt_top_row *r)
{
	uint64_t bits = 0;
	unsigned int g;

	for (g = 0; g < MS_MAX_GT; g++)
		bits |= r->bits[g];
	return mt_phase(bits);
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

