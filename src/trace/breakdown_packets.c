// SPDX-License-Identifier: GPL-2.0
/*
 * Both sides' events as packets in stream order.  The source sends its
 * packets in the order its reader takes them off the rings (descriptor
 * first, trailer last); the destination parses them in the same order, so
 * the n-th packet parsed is the n-th sent: that is how the two sides'
 * packets are joined, and a type that differs is counted as a mismatch.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "breakdown_packets.h"
#include "xe_sriov_abi.h"

static struct mb_pkt *new_pkt(struct mb_sides *s)
{
	struct mb_pkt *p;

	if (mb_reserve((void **)&s->pkts, s->npkts, &s->cap, sizeof(*p)))
		return NULL;
	p = &s->pkts[s->npkts++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* the latest packet at addr still missing the time *field */
static struct mb_pkt *by_addr(struct mb_sides *s, uint64_t addr, bool dst,
			      size_t field)
{
	uint32_t i;

	for (i = s->npkts; i-- > 0;) {
		struct mb_pkt *p = &s->pkts[i];

		if ((dst ? p->dst_addr : p->src_addr) == addr &&
		    !*(uint64_t *)((char *)p + field))
			return p;
	}
	return NULL;
}

static bool gt_ok(const struct ms_event *e)
{
	return e->gt < MS_MAX_GT;
}

static void first(uint64_t *t, uint64_t ts)
{
	if (!*t)
		*t = ts;
}

static void src_state(struct mb_sides *s, const struct mb_ev *m)
{
	const struct ms_event *e = &m->e;

	if (!e->state.entered)
		return;
	if (m->state == MB_ST_PAUSE_WIP)
		first(&s->start, e->ts_ns);
	else if (m->state == MB_ST_PAUSED && e->ts_ns > s->paused)
		s->paused = e->ts_ns;
	if (!gt_ok(e))
		return;
	if (m->state == MB_ST_SAVE_WIP) {
		first(&s->save_start[e->gt], e->ts_ns);
		first(&s->last_bound[e->gt], e->ts_ns);
	} else if (m->state == MB_ST_SAVE_DATA_DONE) {
		s->save_done[e->gt] = e->ts_ns;
	}
}

static int src_packet(struct mb_sides *s, const struct mb_ev *m)
{
	const struct ms_event *e = &m->e;
	struct mb_pkt *p;

	if (e->packet.ret)
		return 0;
	if (e->op == MS_PKT_INIT) {
		p = new_pkt(s);
		if (!p)
			return -1;
		p->src_addr = e->packet.pkt;
		p->type = m->ptype;
		p->gt = e->gt;
		p->size = e->packet.size;
	} else if (e->op == MS_PKT_PRODUCE && gt_ok(e)) {
		p = by_addr(s, e->packet.pkt, false, offsetof(struct mb_pkt, P));
		if (!p)
			return 0;
		p->P = e->ts_ns;
		p->S = s->last_bound[e->gt] ? s->last_bound[e->gt] : s->paused;
		p->on_ring = true;
		s->last_bound[e->gt] = e->ts_ns;
	} else if (e->op == MS_PKT_CONSUME) {
		p = by_addr(s, e->packet.pkt, false, offsetof(struct mb_pkt, C));
		if (p && p->P)
			p->C = e->ts_ns;
	}
	return 0;
}

static int scan_source(const struct mb_sidev *src, struct mb_sides *s)
{
	uint32_t i;

	for (i = 0; i < src->n; i++) {
		const struct mb_ev *m = &src->ev[i];
		const struct ms_event *e = &m->e;

		if (e->type == MS_EV_STATE)
			src_state(s, m);
		else if (e->type == MS_EV_PACKET && src_packet(s, m))
			return -1;
		else if (e->type == MS_EV_DATA && !e->data.dir)
			first(&s->read_start, e->ts_ns - e->data.dur_ns);
		if (e->type == MS_EV_STATE && gt_ok(e) && e->gt >= s->ngt)
			s->ngt = e->gt + 1;
	}
	return 0;
}

static int cmp_c(const void *a, const void *b, void *arg)
{
	const struct mb_pkt *p = arg;
	uint64_t x = p[*(const uint32_t *)a].C, y = p[*(const uint32_t *)b].C;

	return x < y ? -1 : x > y;
}

/* descriptor first, ring packets as the reader took them, trailer last */
static int stream_order(struct mb_sides *s)
{
	uint32_t i, n = 0, desc = UINT32_MAX, trailer = UINT32_MAX;

	s->stream = malloc((s->npkts + 1) * sizeof(*s->stream));
	if (!s->stream)
		return -1;
	for (i = 0; i < s->npkts; i++) {
		if (s->pkts[i].type == XE_SRIOV_PACKET_TYPE_DESCRIPTOR &&
		    desc == UINT32_MAX)
			desc = i;
		else if (s->pkts[i].type == XE_SRIOV_PACKET_TYPE_TRAILER)
			trailer = i;
	}
	if (desc != UINT32_MAX)
		s->stream[n++] = desc;
	/* the ends are placed once: a crafted file may mark them consumed */
	for (i = 0; i < s->npkts; i++)
		if (s->pkts[i].C && i != desc && i != trailer)
			s->stream[n++] = i;
	qsort_r(s->stream + (desc != UINT32_MAX), n - (desc != UINT32_MAX),
		sizeof(*s->stream), cmp_c, s->pkts);
	if (trailer != UINT32_MAX)
		s->stream[n++] = trailer;
	s->nstream = n;
	return 0;
}

static void dst_parsed(struct mb_sides *s, const struct mb_ev *m)
{
	struct mb_pkt *p;

	if (s->nparsed >= s->nstream)
		return;
	p = &s->pkts[s->stream[s->nparsed++]];
	if (p->type != m->ptype)
		s->mismatch++;
	p->A = m->e.ts_ns;
	p->dst_addr = m->e.packet.pkt;
}

static void dst_packet(struct mb_sides *s, const struct mb_ev *m,
		       struct mb_pkt **cur)
{
	const struct ms_event *e = &m->e;
	struct mb_pkt *p;

	if (e->packet.ret)
		return;
	if (e->op == MS_PKT_INIT_FROM_HDR) {
		dst_parsed(s, m);
	} else if (e->op == MS_PKT_PRODUCE) {
		p = by_addr(s, e->packet.pkt, true, offsetof(struct mb_pkt, Q));
		if (p)
			p->Q = e->ts_ns;
	} else if (e->op == MS_PKT_CONSUME && gt_ok(e)) {
		p = by_addr(s, e->packet.pkt, true, offsetof(struct mb_pkt, R));
		if (!p)
			return;
		p->R = e->ts_ns;
		if (cur[e->gt] && !cur[e->gt]->D)
			cur[e->gt]->D = e->ts_ns;
		cur[e->gt] = p;
	}
}

static void dst_state(struct mb_sides *s, const struct mb_ev *m,
		      struct mb_pkt **cur)
{
	const struct ms_event *e = &m->e;

	if (!e->state.entered)
		return;
	if (m->state == MB_ST_RESUME_WIP)
		first(&s->resume, e->ts_ns);
	else if (m->state == MB_ST_RESUMED && e->ts_ns > s->end)
		s->end = e->ts_ns;
	if (!gt_ok(e))
		return;
	if (m->state == MB_ST_RESTORED)
		s->restored[e->gt] = e->ts_ns;
	if ((m->state == MB_ST_RESTORE_WAIT_DATA ||
	     m->state == MB_ST_RESTORE_DATA_DONE) && cur[e->gt]) {
		if (!cur[e->gt]->D)
			cur[e->gt]->D = e->ts_ns;
		cur[e->gt] = NULL;
	}
}

static void scan_dest(const struct mb_sidev *dst, struct mb_sides *s)
{
	struct mb_pkt *cur[MS_MAX_GT] = { 0 };
	uint32_t i;

	for (i = 0; i < dst->n; i++) {
		const struct mb_ev *m = &dst->ev[i];

		if (m->e.type == MS_EV_PACKET)
			dst_packet(s, m, cur);
		else if (m->e.type == MS_EV_STATE)
			dst_state(s, m, cur);
	}
}

/* data calls, VRAM copies and the waiting/pausing states as spans */
static int raw_spans(const struct mb_sidev *sd, unsigned int side,
		     struct mb_result *r)
{
	uint64_t since[MS_MAX_GT][MB_ST_RESUMED + 1] = { { 0 } };
	struct mb_key k;
	uint32_t i;
	int err = 0;

	for (i = 0; i < sd->n && !err; i++) {
		const struct mb_ev *m = &sd->ev[i];
		const struct ms_event *e = &m->e;

		k.gt = e->gt;
		k.ptype = 0;
		if (e->type == MS_EV_DATA && e->data.ret > 0) {
			k.phase = MB_PH_DATA_CALL;
			err = mb_add_span(r, side, k, e->ts_ns - e->data.dur_ns,
					  e->ts_ns, e->data.ret);
		} else if (e->type == MS_EV_VRAM && !e->vram.ret) {
			k.phase = MB_PH_VRAM_COPY;
			k.ptype = XE_SRIOV_PACKET_TYPE_VRAM;
			err = mb_add_span(r, side, k, e->ts_ns - e->vram.dur_ns,
					  e->ts_ns, e->vram.bytes);
		} else if (e->type == MS_EV_STATE && gt_ok(e) &&
			   (m->state == MB_ST_PAUSE_WIP ||
			    m->state == MB_ST_RESTORE_WAIT_DATA ||
			    m->state == MB_ST_RESUME_WIP)) {
			uint64_t *t = &since[e->gt][m->state];

			if (e->state.entered) {
				*t = e->ts_ns;
				continue;
			}
			k.phase = m->state == MB_ST_PAUSE_WIP ? MB_PH_PAUSE :
				  m->state == MB_ST_RESUME_WIP ? MB_PH_RESUME :
				  MB_PH_RESTORE_WAIT;
			if (*t)
				err = mb_add_span(r, side, k, *t, e->ts_ns, 0);
			*t = 0;
		}
	}
	return err;
}

int mb_scan(const struct mb_sidev *src, const struct mb_sidev *dst,
	    struct mb_sides *s, struct mb_result *r)
{
	memset(s, 0, sizeof(*s));
	if (scan_source(src, s) || stream_order(s))
		return ms_err("out of memory");
	scan_dest(dst, s);
	r->stream_pkts = s->nstream;
	r->stream_mismatch = s->mismatch;
	if (!s->start || !s->end)
		return ms_err("the migration is incomplete: %s",
			      !s->start ? "the source never paused" :
			      "the destination never resumed");
	if (s->mismatch)
		fprintf(stderr, "migscope: warning: %u packets parsed on the destination differ in type from those sent: the two sides are not one migration?\n",
			s->mismatch);
	if (raw_spans(src, MB_SRC, r) || raw_spans(dst, MB_DST, r))
		return ms_err("out of memory");
	return 0;
}

void mb_sides_free(struct mb_sides *s)
{
	free(s->pkts);
	free(s->stream);
}
