// SPDX-License-Identifier: GPL-2.0
/*
 * Phases: the critical path summed by what it was spent on (these add up
 * to the downtime), the activity of every side and GT summed the same way
 * (these overlap: two GTs save at once), and the longest waits in the
 * source's rings with what the reader was busy with meanwhile.
 */
#include <string.h>
#include "common.h"
#include "breakdown_packets.h"
#include "xe_sriov_names.h"

static const char *const phase_names[MB_PH_NR] = {
	[MB_PH_PAUSE] = "pause",
	[MB_PH_STOP_COPY] = "stop_copy_start",
	[MB_PH_SAVE] = "save",
	[MB_PH_SAVE_DONE] = "save_done",
	[MB_PH_SRC_RING] = "source_ring",
	[MB_PH_READ_OUT] = "read_out",
	[MB_PH_TRANSFER] = "transfer",
	[MB_PH_RECEIVE] = "receive",
	[MB_PH_DST_RING] = "destination_ring",
	[MB_PH_RESTORE] = "restore",
	[MB_PH_WRAP_UP] = "restore_wrap_up",
	[MB_PH_RESUME_START] = "resume_start",
	[MB_PH_RESUME] = "resume",
	[MB_PH_RESTORE_WAIT] = "restore_wait_data",
	[MB_PH_VRAM_COPY] = "vram_copy",
	[MB_PH_DATA_CALL] = "data_call",
};

const char *mb_phase_name(unsigned int phase)
{
	return phase < MB_PH_NR ? phase_names[phase] : "?";
}

void mb_key_text(const struct mb_key *k, char *buf, size_t len)
{
	const char *type = k->ptype ? xe_packet_type_name(k->ptype) : NULL;
	int n = snprintf(buf, len, "%s", mb_phase_name(k->phase));

	if (k->gt != MS_GT_UNKNOWN && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " GT%u", k->gt);
	if (k->ptype && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " %s", type ? type : "UNKNOWN");
}

static bool same(const struct mb_key *a, const struct mb_key *b)
{
	return a->phase == b->phase && a->gt == b->gt && a->ptype == b->ptype;
}

static void add(struct mb_total *t, uint32_t *n, struct mb_key k,
		unsigned int side, uint64_t ns)
{
	uint32_t i;

	for (i = 0; i < *n; i++)
		if (same(&t[i].key, &k) && t[i].side == side)
			break;
	if (i == *n) {
		if (*n == MB_MAX_PHASES)
			return;
		memset(&t[i], 0, sizeof(t[i]));
		t[i].key = k;
		t[i].side = side;
		(*n)++;
	}
	t[i].ns += ns;
	t[i].count++;
}

/* only what fell inside the downtime counts toward it */
static uint64_t inside(const struct mb_result *r, const struct mb_span *s)
{
	uint64_t a = s->start_ns, b = s->start_ns + s->dur_ns;

	a = a < r->start_ns ? r->start_ns : a;
	b = b > r->end_ns ? r->end_ns : b;
	return b > a ? b - a : 0;
}

void mb_totals(struct mb_result *r)
{
	uint32_t i;

	for (i = 0; i < r->nsegs; i++)
		add(r->crit, &r->ncrit, r->segs[i].key, MB_SRC,
		    r->segs[i].dur_ns);
	for (i = 0; i < r->nspans; i++)
		add(r->act, &r->nact, r->spans[i].key, r->spans[i].side,
		    inside(r, &r->spans[i]));
}

/* what the reader streamed while p waited: the (GT, type) with most bytes */
static void behind(const struct mb_sides *s, const struct mb_pkt *p,
		   struct mb_wait *w)
{
	uint64_t bytes[MS_MAX_GT][8] = { { 0 } }, n[MS_MAX_GT][8] = { { 0 } };
	unsigned int g, t, bg = 0, bt = 0;
	uint32_t j;

	for (j = 0; j < s->nstream; j++) {
		const struct mb_pkt *q = &s->pkts[s->stream[j]];

		if (q->C <= p->P || q->C >= p->C || q->gt >= MS_MAX_GT ||
		    q->type >= 8)
			continue;
		bytes[q->gt][q->type] += q->size;
		n[q->gt][q->type]++;
	}
	for (g = 0; g < MS_MAX_GT; g++)
		for (t = 0; t < 8; t++)
			if (bytes[g][t] > bytes[bg][bt])
				bg = g, bt = t;
	w->behind = (struct mb_key){ .phase = MB_PH_READ_OUT, .gt = bg,
				     .ptype = bt };
	w->behind_pkts = n[bg][bt];
}

void mb_waits(const struct mb_sides *s, struct mb_result *r)
{
	uint32_t i, k;

	for (i = 0; i < s->npkts; i++) {
		const struct mb_pkt *p = &s->pkts[i];
		uint64_t wait = p->C > p->P && p->P ? p->C - p->P : 0;

		if (!wait)
			continue;
		for (k = r->nwaits; k > 0 && r->waits[k - 1].wait_ns < wait; k--)
			if (k < MB_MAX_WAITS)
				r->waits[k] = r->waits[k - 1];
		if (k >= MB_MAX_WAITS)
			continue;
		r->waits[k] = (struct mb_wait){
			.pkt = { .phase = MB_PH_SRC_RING, .gt = p->gt,
				 .ptype = p->type },
			.wait_ns = wait,
		};
		behind(s, p, &r->waits[k]);
		if (r->nwaits < MB_MAX_WAITS)
			r->nwaits++;
	}
}
