// SPDX-License-Identifier: GPL-2.0
/* Rows and lanes for the timeline views; see timeline_layout.h. */
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "timeline_layout.h"

enum { CAT_STATES, CAT_SAVE, CAT_RING, CAT_RECEIVE, CAT_RESTORE, CAT_DATA,
       CAT_VRAM, CAT_NR };

static const char *const cat_names[CAT_NR] = {
	"states", "save", "ring", "receive", "restore", "data calls", "VRAM",
};

const char *mb_cat_name(unsigned int cat)
{
	return cat < CAT_NR ? cat_names[cat] : "?";
}

unsigned int mb_cat_of(unsigned int phase)
{
	switch (phase) {
	case MB_PH_SAVE:
	case MB_PH_SAVE_DONE:
		return CAT_SAVE;
	case MB_PH_SRC_RING:
	case MB_PH_DST_RING:
		return CAT_RING;
	case MB_PH_RECEIVE:
		return CAT_RECEIVE;
	case MB_PH_RESTORE:
		return CAT_RESTORE;
	case MB_PH_DATA_CALL:
		return CAT_DATA;
	case MB_PH_VRAM_COPY:
		return CAT_VRAM;
	default:
		return CAT_STATES;
	}
}

static const struct mb_result *sort_r;

static int by_start(const void *a, const void *b)
{
	uint64_t x = sort_r->spans[*(const uint32_t *)a].start_ns;
	uint64_t y = sort_r->spans[*(const uint32_t *)b].start_ns;

	return x < y ? -1 : x > y;
}

/* rows sort by side, GT (device-wide last), kind, lane */
static uint32_t row_rank(const struct mb_row *w)
{
	return (w->side << 24) | ((w->gt == MS_GT_UNKNOWN ? 0xff : w->gt) << 16) |
	       (w->cat << 8) | w->lane;
}

static int by_rank(const void *a, const void *b)
{
	uint32_t x = row_rank(a), y = row_rank(b);

	return x < y ? -1 : x > y;
}

static uint32_t row(struct mb_layout *l, const struct mb_span *s,
		    unsigned int lane)
{
	struct mb_row w = { .side = s->side, .gt = s->key.gt,
			    .cat = mb_cat_of(s->key.phase), .lane = lane };
	uint32_t i;

	for (i = 0; i < l->nrows; i++)
		if (row_rank(&l->rows[i]) == row_rank(&w))
			return i;
	if (l->nrows == MB_MAX_ROWS)
		return MB_MAX_ROWS - 1;
	l->rows[l->nrows] = w;
	return l->nrows++;
}

/* first lane of the span's (side, GT, kind) whose last span has ended */
static unsigned int lane(uint64_t ends[][MB_LANES], unsigned int track,
			 const struct mb_span *s)
{
	unsigned int i;

	for (i = 0; i < MB_LANES - 1; i++)
		if (ends[track][i] <= s->start_ns)
			break;
	ends[track][i] = s->start_ns + s->dur_ns;
	return i;
}

static void name_rows(struct mb_layout *l)
{
	static const char *const side[] = { "src", "dst" };
	uint32_t i;

	for (i = 0; i < l->nrows; i++) {
		struct mb_row *w = &l->rows[i];
		char gt[8] = "dev";

		if (w->gt != MS_GT_UNKNOWN)
			snprintf(gt, sizeof(gt), "GT%u", w->gt);
		snprintf(w->name, sizeof(w->name), "%s %s %s%s", side[w->side & 1],
			 gt, mb_cat_name(w->cat), w->lane ? " +" : "");
	}
}

int mb_layout(const struct mb_result *r, struct mb_layout *l)
{
	uint64_t (*ends)[MB_LANES] = calloc(2 * 256 * CAT_NR, sizeof(*ends));
	uint32_t *idx = calloc(r->nspans + 1, sizeof(*idx)), i, k;
	struct mb_row tmp[MB_MAX_ROWS];

	memset(l, 0, sizeof(*l));
	l->row_of = calloc(r->nspans + 1, sizeof(*l->row_of));
	if (!ends || !idx || !l->row_of) {
		free(ends);
		free(idx);
		return ms_err("out of memory");
	}
	for (i = 0; i < r->nspans; i++)
		idx[i] = i;
	sort_r = r;
	qsort(idx, r->nspans, sizeof(*idx), by_start);
	l->t0 = r->start_ns;
	l->t1 = r->end_ns;
	for (i = 0; i < r->nspans; i++) {
		const struct mb_span *s = &r->spans[idx[i]];
		unsigned int track = ((s->side & 1) * 256 + s->key.gt) * CAT_NR +
				     mb_cat_of(s->key.phase);

		l->row_of[idx[i]] = row(l, s, lane(ends, track, s));
		if (s->start_ns < l->t0)
			l->t0 = s->start_ns;
		if (s->start_ns + s->dur_ns > l->t1)
			l->t1 = s->start_ns + s->dur_ns;
	}
	/* stable row order: sort, then renumber every span's row */
	memcpy(tmp, l->rows, l->nrows * sizeof(*tmp));
	qsort(l->rows, l->nrows, sizeof(*l->rows), by_rank);
	for (i = 0; i < r->nspans; i++)
		for (k = 0; k < l->nrows; k++)
			if (row_rank(&l->rows[k]) ==
			    row_rank(&tmp[l->row_of[i]])) {
				l->row_of[i] = k;
				break;
			}
	name_rows(l);
	free(ends);
	free(idx);
	return 0;
}

void mb_layout_free(struct mb_layout *l)
{
	free(l->row_of);
	l->row_of = NULL;
}
