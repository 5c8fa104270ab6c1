// SPDX-License-Identifier: GPL-2.0
/*
 * Putting the destination's events on the source's clock.
 *
 * On one host both sides read the same CLOCK_MONOTONIC: nothing to do.
 * Across hosts the stream itself is the reference: every byte the
 * destination's data_write is handed was returned earlier by a source
 * data_read.  So offset = dst clock - src clock is at most
 * (write entry - read return) for every byte, and the tightest such pair
 * gives the estimate.  The error is one-sided: the true offset is smaller
 * by the time that fastest byte spent between the two calls (in the VMMs
 * and on the wire), which the trace cannot see directly; it is bounded by
 * the time both VMMs spent outside the calls around that pair (the
 * source's gap before its next read, the destination's gap before that
 * write), which is stated as the uncertainty.
 */
#include <stdlib.h>
#include "breakdown.h"
#include "common.h"

struct mb_call {
	uint64_t entry, ret;	/* ns, own clock */
	uint64_t end_bytes;	/* stream offset after the call */
};

static uint32_t calls_of(const struct mb_sidev *s, uint32_t dir,
			 struct mb_call *out)
{
	uint64_t bytes = 0;
	uint32_t i, n = 0;

	for (i = 0; i < s->n; i++) {
		const struct ms_event *e = &s->ev[i].e;

		if (e->type != MS_EV_DATA || e->data.dir != dir ||
		    e->data.ret <= 0)
			continue;
		bytes += e->data.ret;
		out[n].ret = e->ts_ns;
		out[n].entry = e->ts_ns - e->data.dur_ns;
		out[n].end_bytes = bytes;
		n++;
	}
	return n;
}

/* the uncertainty of the pair (source read r, destination write w) */
static uint64_t pair_slack(const struct mb_call *rd, uint32_t nr, uint32_t r,
			   const struct mb_call *wr, uint32_t w)
{
	uint64_t slack = 0;

	if (r + 1 < nr && rd[r + 1].entry > rd[r].ret)
		slack += rd[r + 1].entry - rd[r].ret;
	if (w > 0 && wr[w].entry > wr[w - 1].ret)
		slack += wr[w].entry - wr[w - 1].ret;
	return slack;
}

static int stream_align(const struct mb_sidev *src, const struct mb_sidev *dst,
			struct mb_alignment *a)
{
	struct mb_call *rd = calloc(src->n + 1, sizeof(*rd));
	struct mb_call *wr = calloc(dst->n + 1, sizeof(*wr));
	uint32_t nr, nw, r = 0, w, best_r = 0, best_w = 0;
	int64_t best = INT64_MAX, gap;

	if (!rd || !wr) {
		free(rd);
		free(wr);
		return ms_err("out of memory");
	}
	nr = calls_of(src, MS_DIR_SAVE, rd);
	nw = calls_of(dst, MS_DIR_RESTORE, wr);
	for (w = 0; w < nw; w++) {
		/* the read that returned the write's last byte */
		while (r < nr && rd[r].end_bytes < wr[w].end_bytes)
			r++;
		if (r == nr)
			break;
		gap = (int64_t)(wr[w].entry - rd[r].ret);
		a->pairs++;
		if (gap < best) {
			best = gap;
			best_r = r;
			best_w = w;
		}
	}
	if (a->pairs) {
		a->offset_ns = best;
		a->uncertainty_ns = pair_slack(rd, nr, best_r, wr, best_w);
	}
	free(rd);
	free(wr);
	if (!a->pairs)
		return ms_err("cannot align on the stream: no data_read/data_write bytes in common (record data calls on both sides, or use --align clock on one host)");
	return 0;
}

int mb_align_sides(const struct mb_sidev *src, const struct mb_sidev *dst,
		   bool same_boot, enum mb_align want,
		   struct mb_alignment *a)
{
	uint32_t i;

	a->method = want;
	if (want == MB_ALIGN_AUTO)
		a->method = same_boot ? MB_ALIGN_CLOCK : MB_ALIGN_STREAM;
	else if (want == MB_ALIGN_CLOCK && !same_boot)
		return ms_err("--align clock: the recordings are not from one boot of one host (their boot ids differ or one is unknown), so their clocks cannot be compared; use --align stream or auto");
	if (a->method == MB_ALIGN_CLOCK)
		return 0;
	if (stream_align(src, dst, a))
		return -1;
	for (i = 0; i < dst->n; i++)
		dst->ev[i].e.ts_ns -= a->offset_ns;
	return 0;
}
