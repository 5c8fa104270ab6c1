// SPDX-License-Identifier: GPL-2.0
/*
 * The critical path of the downtime.
 *
 * Every moment the trace saw (a packet produced, taken off a ring, parsed,
 * restored; the source paused, a GT restored, the destination resumed) is
 * a node; each node lists the moments it had to wait for, and the stretch
 * between them is labelled with what was going on (a save step, a ring
 * wait, the reader streaming the previous packet, ...).  Walking back from
 * the destination's RESUMED, always to the predecessor that came last,
 * gives the chain that set the downtime: its stretches are contiguous, so
 * they add up to it.
 */
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "breakdown_packets.h"
#include "xe_sriov_abi.h"

#define MB_PREDS	(MS_MAX_GT + 2)
#define NONE		UINT32_MAX

struct mb_node {
	uint64_t t;
	uint32_t npred;
	uint32_t pred[MB_PREDS];
	struct mb_key why[MB_PREDS];	/* what the wait for pred[i] was */
};

struct mb_build {
	struct mb_node *n;
	uint32_t count;
	uint32_t start, paused, read_start, trailer, end;
	uint32_t last_save[MS_MAX_GT];	/* last save boundary per GT */
	uint32_t last_restore[MS_MAX_GT];
	uint32_t save_done[MS_MAX_GT];
};

static struct mb_key key(unsigned int phase, unsigned int gt,
			 unsigned int ptype)
{
	return (struct mb_key){ .phase = phase, .gt = gt, .ptype = ptype };
}

/* a node seen at t; 0 if unseen: it then takes its last predecessor's */
static uint32_t node(struct mb_build *b, uint64_t t)
{
	struct mb_node *n = &b->n[b->count];

	memset(n, 0, sizeof(*n));
	n->t = t;
	return b->count++;
}

static void pred(struct mb_build *b, uint32_t to, uint32_t from,
		 struct mb_key why)
{
	struct mb_node *n = &b->n[to];

	if (n->npred == MB_PREDS || from == NONE)
		return;
	n->pred[n->npred] = from;
	n->why[n->npred++] = why;
}

static void settle(struct mb_build *b, uint32_t id)
{
	struct mb_node *n = &b->n[id];
	uint32_t i;

	if (n->t)
		return;
	for (i = 0; i < n->npred; i++)
		if (b->n[n->pred[i]].t > n->t)
			n->t = b->n[n->pred[i]].t;
}

/* node + one predecessor + settle, the common case */
static uint32_t step(struct mb_build *b, uint64_t t, uint32_t from,
		     struct mb_key why)
{
	uint32_t id = node(b, t);

	pred(b, id, from, why);
	settle(b, id);
	return id;
}

static void build_source(struct mb_build *b, struct mb_sides *s)
{
	struct mb_key stop = key(MB_PH_STOP_COPY, MS_GT_UNKNOWN, 0);
	uint32_t i, gt;

	b->start = node(b, s->start);
	b->paused = step(b, s->paused, b->start,
			 key(MB_PH_PAUSE, MS_GT_UNKNOWN, 0));
	b->read_start = step(b, s->read_start, b->paused, stop);
	for (gt = 0; gt < MS_MAX_GT; gt++) {
		b->last_save[gt] = step(b, s->save_start[gt], b->paused,
					key(MB_PH_STOP_COPY, gt, 0));
		b->last_restore[gt] = NONE;
	}
	/* save steps in the order they were made (pkts is in init order) */
	for (i = 0; i < s->npkts; i++) {
		struct mb_pkt *p = &s->pkts[i];

		if (!p->P || p->gt >= MS_MAX_GT)
			continue;
		p->node_p = step(b, p->P, b->last_save[p->gt],
				 key(MB_PH_SAVE, p->gt, p->type));
		b->last_save[p->gt] = p->node_p;
	}
	for (gt = 0; gt < MS_MAX_GT; gt++)
		b->save_done[gt] = step(b, s->save_done[gt], b->last_save[gt],
					key(MB_PH_SAVE_DONE, gt, 0));
}

/* when the source sent p: off its ring, or (trailer) once all was saved */
static uint32_t sent(struct mb_build *b, const struct mb_sides *s,
		     const struct mb_pkt *p, uint32_t prev_c,
		     const struct mb_pkt *prev)
{
	struct mb_key out = key(MB_PH_READ_OUT, prev ? prev->gt : MS_GT_UNKNOWN,
				prev ? prev->type : 0);
	uint32_t id, gt;

	if (p->type == XE_SRIOV_PACKET_TYPE_DESCRIPTOR)
		return b->read_start;
	id = node(b, p->on_ring ? p->C : 0);
	pred(b, id, prev_c, out);
	if (p->on_ring)
		pred(b, id, p->node_p, key(MB_PH_SRC_RING, p->gt, p->type));
	else
		for (gt = 0; gt < s->ngt && gt < MS_MAX_GT; gt++)
			pred(b, id, b->save_done[gt],
			     key(MB_PH_READ_OUT, MS_GT_UNKNOWN, p->type));
	settle(b, id);
	return id;
}

/* the destination's side of p: parsed, queued, taken, restored */
static uint32_t received(struct mb_build *b, const struct mb_pkt *p,
			 uint32_t c, uint32_t prev_a, const struct mb_pkt *prev)
{
	uint32_t a, q, r;

	a = node(b, p->A);
	pred(b, a, c, key(MB_PH_TRANSFER, MS_GT_UNKNOWN, p->type));
	if (prev)
		pred(b, a, prev_a, key(MB_PH_RECEIVE, prev->gt, prev->type));
	settle(b, a);
	if (!p->on_ring || !p->Q || p->gt >= MS_MAX_GT)
		return a;
	q = step(b, p->Q, a, key(MB_PH_RECEIVE, p->gt, p->type));
	r = node(b, p->R);
	pred(b, r, q, key(MB_PH_DST_RING, p->gt, 0));
	pred(b, r, b->last_restore[p->gt], key(MB_PH_DST_RING, p->gt, 0));
	settle(b, r);
	b->last_restore[p->gt] = step(b, p->D, r,
				      key(MB_PH_RESTORE, p->gt, p->type));
	return a;
}

static void build_stream(struct mb_build *b, const struct mb_sides *s)
{
	const struct mb_pkt *prev = NULL;
	uint32_t j, c, a, prev_c = b->read_start, prev_a = NONE;

	b->trailer = NONE;
	for (j = 0; j < s->nstream; j++) {
		const struct mb_pkt *p = &s->pkts[s->stream[j]];

		if (!p->A)
			break;	/* the destination stopped parsing here */
		c = sent(b, s, p, prev_c, prev);
		a = received(b, p, c, prev_a, prev);
		if (p->type == XE_SRIOV_PACKET_TYPE_TRAILER)
			b->trailer = a;
		prev = p;
		prev_c = c;
		prev_a = a;
	}
}

static void build_dest(struct mb_build *b, const struct mb_sides *s)
{
	struct mb_key wrap = key(MB_PH_WRAP_UP, MS_GT_UNKNOWN, 0);
	uint32_t gt, id, resume;

	resume = node(b, s->resume);
	for (gt = 0; gt < s->ngt && gt < MS_MAX_GT; gt++) {
		id = node(b, s->restored[gt]);
		pred(b, id, b->trailer, wrap);
		pred(b, id, b->last_restore[gt], key(MB_PH_WRAP_UP, gt, 0));
		settle(b, id);
		pred(b, resume, id, key(MB_PH_RESUME_START, MS_GT_UNKNOWN, 0));
	}
	settle(b, resume);
	b->end = step(b, s->end, resume, key(MB_PH_RESUME, MS_GT_UNKNOWN, 0));
}

int mb_reserve(void **arr, uint32_t n, uint32_t *cap, size_t size)
{
	uint32_t want = *cap ? *cap * 2 : 256;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, want * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = want;
	return 0;
}

static int add_seg(struct mb_result *r, struct mb_key k, uint64_t start,
		   uint64_t dur)
{
	if (mb_reserve((void **)&r->segs, r->nsegs, &r->cap_segs,
		       sizeof(*r->segs)))
		return -1;
	r->segs[r->nsegs++] = (struct mb_seg){ .key = k, .start_ns = start,
					       .dur_ns = dur };
	return 0;
}

/* back from the end, always to the predecessor that came last */
static int walk(const struct mb_build *b, struct mb_result *r)
{
	uint32_t cur = b->end, i, best;
	uint64_t t0 = b->n[b->start].t;

	while (b->n[cur].npred) {
		const struct mb_node *n = &b->n[cur];
		uint64_t from;

		best = 0;
		for (i = 1; i < n->npred; i++)
			if (b->n[n->pred[i]].t > b->n[n->pred[best]].t)
				best = i;
		from = b->n[n->pred[best]].t;
		if (from > n->t)
			r->clamped_ns += from - n->t;
		else if (add_seg(r, n->why[best], from - t0, n->t - from))
			return -1;
		cur = n->pred[best];
	}
	/* time order */
	for (i = 0; i < r->nsegs / 2; i++) {
		struct mb_seg t = r->segs[i];

		r->segs[i] = r->segs[r->nsegs - 1 - i];
		r->segs[r->nsegs - 1 - i] = t;
	}
	return 0;
}

int mb_add_span(struct mb_result *r, unsigned int side, struct mb_key key,
		uint64_t start, uint64_t end, uint64_t bytes)
{
	if (!start || end < start)
		return 0;
	if (mb_reserve((void **)&r->spans, r->nspans, &r->cap_spans,
		       sizeof(*r->spans)))
		return -1;
	r->spans[r->nspans++] = (struct mb_span){
		.key = key, .side = side, .start_ns = start,
		.dur_ns = end - start, .bytes = bytes,
	};
	return 0;
}

/* each packet's stretches on both sides, for the activity and timelines */
static int packet_spans(const struct mb_sides *s, struct mb_result *r)
{
	uint32_t i, gt;
	int err = 0;

	for (i = 0; i < s->npkts && !err; i++) {
		const struct mb_pkt *p = &s->pkts[i];

		if (!p->on_ring)
			continue;
		err = mb_add_span(r, MB_SRC, key(MB_PH_SAVE, p->gt, p->type),
				  p->S, p->P, p->size) ||
		      mb_add_span(r, MB_SRC, key(MB_PH_SRC_RING, p->gt, p->type),
				  p->P, p->C, p->size) ||
		      mb_add_span(r, MB_DST, key(MB_PH_RECEIVE, p->gt, p->type),
				  p->A, p->Q, p->size) ||
		      mb_add_span(r, MB_DST, key(MB_PH_DST_RING, p->gt, p->type),
				  p->Q, p->R, p->size) ||
		      mb_add_span(r, MB_DST, key(MB_PH_RESTORE, p->gt, p->type),
				  p->R, p->D, p->size);
	}
	for (gt = 0; gt < MS_MAX_GT && !err; gt++)
		err = mb_add_span(r, MB_SRC, key(MB_PH_SAVE_DONE, gt, 0),
				  s->last_bound[gt], s->save_done[gt], 0);
	return err;
}

int mb_critical(const struct mb_sidev *src, const struct mb_sidev *dst,
		struct mb_result *r)
{
	struct mb_sides s;
	struct mb_build b = { 0 };
	int err = -1;

	if (mb_scan(src, dst, &s, r))
		goto out;
	b.n = calloc(6 * s.npkts + 4 * MS_MAX_GT + 32, sizeof(*b.n));
	if (!b.n) {
		ms_err("out of memory");
		goto out;
	}
	build_source(&b, &s);
	build_stream(&b, &s);
	build_dest(&b, &s);
	r->start_ns = b.n[b.start].t;
	r->end_ns = b.n[b.end].t;
	if (r->end_ns < r->start_ns) {
		ms_err("the destination resumed before the source paused: these recordings are not one migration");
		goto out;
	}
	r->downtime_ns = r->end_ns - r->start_ns;
	if (walk(&b, r) || packet_spans(&s, r)) {
		ms_err("out of memory");
		goto out;
	}
	mb_totals(r);
	mb_waits(&s, r);
	err = 0;
out:
	free(b.n);
	mb_sides_free(&s);
	return err;
}
