// SPDX-License-Identifier: GPL-2.0
/*
 * Collecting a migration's two sides: every event the breakdown needs is
 * kept, with its state bit and packet type resolved by name while the
 * names table it was recorded with is active (state bit numbers differ
 * between kernels).  The source is the process that ran SAVE_WIP, the
 * destination the one that ran RESTORE_WIP.
 */
#include <stdlib.h>
#include <string.h>
#include "breakdown.h"
#include "common.h"
#include "xe_sriov_names.h"

#define MB_MAX_FILES	2

static const char *const state_names[] = {
	[MB_ST_PAUSE_WIP] = "PAUSE_WIP",
	[MB_ST_PAUSED] = "PAUSED",
	[MB_ST_SAVE_WIP] = "SAVE_WIP",
	[MB_ST_SAVE_DATA_DONE] = "SAVE_DATA_DONE",
	[MB_ST_RESTORE_WIP] = "RESTORE_WIP",
	[MB_ST_RESTORE_WAIT_DATA] = "RESTORE_WAIT_DATA",
	[MB_ST_RESTORE_DATA_DONE] = "RESTORE_DATA_DONE",
	[MB_ST_RESTORED] = "RESTORED",
	[MB_ST_RESUME_WIP] = "RESUME_WIP",
	[MB_ST_RESUMED] = "RESUMED",
};

struct mb_coll {
	struct mb_ev *ev;
	uint32_t n, cap;
	int file;			/* current file, -1 live */
	int nfiles;
	uint8_t boot_id[MB_MAX_FILES][16];
	int8_t *file_of;		/* per event */
};

struct mb_coll *mb_coll_new(void)
{
	struct mb_coll *c = calloc(1, sizeof(*c));

	if (c)
		c->file = -1;
	return c;
}

void mb_coll_free(struct mb_coll *c)
{
	if (!c)
		return;
	free(c->ev);
	free(c->file_of);
	free(c);
}

void mb_coll_file(struct mb_coll *c, const struct mt_rec_hdr *hdr)
{
	if (c->nfiles >= MB_MAX_FILES)
		return;
	memcpy(c->boot_id[c->nfiles], hdr->boot_id, 16);
	c->file = c->nfiles++;
}

static uint8_t state_of(unsigned int bit)
{
	const char *name = xe_state_name(bit);
	unsigned int i;

	for (i = 1; name && i < ARRAY_SIZE(state_names); i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return MB_ST_NONE;
}

/* the packet type as the built-in numbering has it, found by name */
static uint8_t ptype_of(unsigned int type)
{
	const char *name = xe_packet_type_name(type);
	int t = name ? xe_packet_type_from_name(name) : -1;

	return t > 0 ? t : 0;
}

static bool wanted(const struct ms_event *e)
{
	switch (e->type) {
	case MS_EV_STATE:
	case MS_EV_DATA:
	case MS_EV_VRAM:
		return true;
	case MS_EV_PACKET:
		return e->op != MS_PKT_ALLOC && e->op != MS_PKT_FREE;
	default:
		return false;
	}
}

static int grow(struct mb_coll *c)
{
	uint32_t cap = c->cap ? c->cap * 2 : 4096;
	struct mb_ev *ev = realloc(c->ev, cap * sizeof(*ev));
	int8_t *fo;

	if (!ev)
		return -1;
	c->ev = ev;
	fo = realloc(c->file_of, cap);
	if (!fo)
		return -1;
	c->file_of = fo;
	c->cap = cap;
	return 0;
}

int mb_coll_add(void *ctx, const struct ms_event *e)
{
	struct mb_coll *c = ctx;
	struct mb_ev *m;

	if (!wanted(e))
		return 0;
	if (c->n == c->cap && grow(c))
		return ms_err("out of memory keeping events for the breakdown");
	m = &c->ev[c->n];
	c->file_of[c->n++] = c->file;
	m->e = *e;
	m->state = e->type == MS_EV_STATE ? state_of(e->state.bit) : 0;
	m->ptype = e->type == MS_EV_PACKET ? ptype_of(e->packet.ptype) : 0;
	return 0;
}

/* the first pid entering `state`, and its VF */
static int find_pid(const struct mb_coll *c, uint8_t state, uint32_t *pid,
		    uint16_t *vf, int *file)
{
	uint32_t i;

	for (i = 0; i < c->n; i++) {
		const struct mb_ev *m = &c->ev[i];

		if (m->e.type == MS_EV_STATE && m->e.state.entered &&
		    m->state == state) {
			*pid = m->e.pid;
			*vf = m->e.vf;
			*file = c->file_of[i];
			return 0;
		}
	}
	return -1;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct mb_ev *x = a, *y = b;

	return x->e.ts_ns < y->e.ts_ns ? -1 : x->e.ts_ns > y->e.ts_ns;
}

/* one side's events of the migrating VF (or of no VF), in time order */
static int side_events(const struct mb_coll *c, uint32_t pid, int file,
		       uint16_t vf, struct mb_sidev *s)
{
	uint32_t i;

	s->pid = pid;
	s->file = file;
	s->n = 0;
	s->ev = malloc((c->n + 1) * sizeof(*s->ev));
	if (!s->ev)
		return ms_err("out of memory");
	for (i = 0; i < c->n; i++) {
		const struct mb_ev *m = &c->ev[i];

		if (m->e.pid != pid || c->file_of[i] != file)
			continue;
		if (m->e.vf != vf && m->e.vf != MS_VF_UNKNOWN)
			continue;
		s->ev[s->n++] = *m;
	}
	/* a stable order: ring buffers from several CPUs may interleave */
	qsort(s->ev, s->n, sizeof(*s->ev), cmp_ts);
	return 0;
}

static bool same_boot(const struct mb_coll *c, int a, int b)
{
	static const uint8_t zero[16];

	if (a < 0 || b < 0 || a == b)
		return a == b;
	return memcmp(c->boot_id[a], zero, 16) &&
	       !memcmp(c->boot_id[a], c->boot_id[b], 16);
}

int mb_analyze(struct mb_coll *c, enum mb_align align, struct mb_result *r)
{
	struct mb_sidev side[MB_SIDES] = { 0 };
	uint16_t vf, dvf;
	int sf, df, err;

	memset(r, 0, sizeof(*r));
	if (find_pid(c, MB_ST_SAVE_WIP, &r->src_pid, &vf, &sf))
		return ms_err("no source side: no process entered SAVE_WIP (record the source, or trace both processes)");
	if (find_pid(c, MB_ST_RESTORE_WIP, &r->dst_pid, &dvf, &df))
		return ms_err("no destination side: no process entered RESTORE_WIP (record the destination too)");
	r->vf = vf;
	err = side_events(c, r->src_pid, sf, vf, &side[MB_SRC]) ||
	      side_events(c, r->dst_pid, df, dvf, &side[MB_DST]);
	if (!err)
		err = mb_align_sides(&side[MB_SRC], &side[MB_DST],
				     same_boot(c, sf, df), align, &r->align);
	if (!err)
		err = mb_critical(&side[MB_SRC], &side[MB_DST], r);
	free(side[MB_SRC].ev);
	free(side[MB_DST].ev);
	return err ? -1 : 0;
}

void mb_result_free(struct mb_result *r)
{
	free(r->segs);
	free(r->spans);
	r->segs = NULL;
	r->spans = NULL;
}
