// SPDX-License-Identifier: GPL-2.0
/*
 * The merged timeline as an SVG picture that opens anywhere offline: the
 * downtime and its critical path on top, then a row per side, GT and kind
 * of activity (state spans, save steps, packets in rings, restores, data
 * calls, VRAM copies drawn as tall as their throughput), a time axis and a
 * legend.  Every box has a tooltip with its figures.
 */
#include <string.h>
#include "common.h"
#include "timeline_layout.h"
#include "svg.h"
#include "svg_timeline.h"

#define W		1400.0
#define LEFT		150.0
#define RIGHT		20.0
#define TOP		64.0
#define ROW		15.0
#define CRIT_H		20.0
#define AXIS_H		34.0
#define LEGEND_H	40.0

static const char *const colors[MB_PH_NR] = {
	[MB_PH_PAUSE] = "#8c564b",
	[MB_PH_STOP_COPY] = "#7f7f7f",
	[MB_PH_SAVE] = "#1f77b4",
	[MB_PH_SAVE_DONE] = "#aec7e8",
	[MB_PH_SRC_RING] = "#ff7f0e",
	[MB_PH_READ_OUT] = "#bcbd22",
	[MB_PH_TRANSFER] = "#17becf",
	[MB_PH_RECEIVE] = "#9edae5",
	[MB_PH_DST_RING] = "#ffbb78",
	[MB_PH_RESTORE] = "#2ca02c",
	[MB_PH_WRAP_UP] = "#98df8a",
	[MB_PH_RESUME_START] = "#c7c7c7",
	[MB_PH_RESUME] = "#9467bd",
	[MB_PH_RESTORE_WAIT] = "#f7b6d2",
	[MB_PH_VRAM_COPY] = "#d62728",
	[MB_PH_DATA_CALL] = "#e377c2",
};

struct scale {
	uint64_t t0, t1;
	double w;
};

static double x_of(const struct scale *sc, uint64_t t)
{
	double span = sc->t1 > sc->t0 ? (double)(sc->t1 - sc->t0) : 1.0;

	if (t < sc->t0)
		t = sc->t0;
	return LEFT + (double)(t - sc->t0) / span * sc->w;
}

static const char *color(unsigned int phase)
{
	return phase < MB_PH_NR && colors[phase] ? colors[phase] : "#333333";
}

static void header(struct svg *s, const struct mb_result *r)
{
	char line[200], name[64];
	uint64_t best = 0;
	uint32_t i, b = 0;

	for (i = 0; i < r->ncrit; i++)
		if (r->crit[i].ns > best) {
			best = r->crit[i].ns;
			b = i;
		}
	snprintf(line, sizeof(line), "VF%u migration: downtime %.3f ms (source pid %u, destination pid %u, clocks: %s)",
		 r->vf, r->downtime_ns / 1e6, r->src_pid, r->dst_pid,
		 r->align.method == MB_ALIGN_STREAM ? "aligned on the stream" :
		 "one host");
	svg_text(s, 10, 20, 14, "start", line);
	if (r->ncrit) {
		mb_key_text(&r->crit[b].key, name, sizeof(name));
		snprintf(line, sizeof(line), "bounded by %s: %.3f ms of the critical path",
			 name, r->crit[b].ns / 1e6);
		svg_text(s, 10, 38, 12, "start", line);
	}
}

static void critical(struct svg *s, const struct mb_result *r,
		     const struct scale *sc)
{
	char tip[120], name[64];
	uint32_t i;
	double x1 = x_of(sc, r->start_ns), x2 = x_of(sc, r->end_ns);

	svg_rect(s, x1, TOP - 4, x2 - x1, 0, "#eeeeee", NULL);
	svg_text(s, LEFT - 6, TOP + 14, 11, "end", "critical path");
	for (i = 0; i < r->nsegs; i++) {
		const struct mb_seg *g = &r->segs[i];
		uint64_t t = r->start_ns + g->start_ns;

		mb_key_text(&g->key, name, sizeof(name));
		snprintf(tip, sizeof(tip), "%s: %.3f ms", name, g->dur_ns / 1e6);
		svg_rect(s, x_of(sc, t), TOP, x_of(sc, t + g->dur_ns) - x_of(sc, t),
			 CRIT_H, color(g->key.phase), tip);
	}
}

static double max_gbps(const struct mb_result *r)
{
	double m = 0, g;
	uint32_t i;

	for (i = 0; i < r->nspans; i++) {
		const struct mb_span *p = &r->spans[i];

		if (p->key.phase != MB_PH_VRAM_COPY || !p->dur_ns)
			continue;
		g = p->bytes * 8.0 / p->dur_ns;
		m = g > m ? g : m;
	}
	return m;
}

static void span(struct svg *s, const struct mb_span *p, double y,
		 const struct scale *sc, double gmax)
{
	double x = x_of(sc, p->start_ns), h = ROW - 3, gbps = 0;
	char tip[160], name[64];

	mb_key_text(&p->key, name, sizeof(name));
	if (p->key.phase == MB_PH_VRAM_COPY && p->dur_ns) {
		gbps = p->bytes * 8.0 / p->dur_ns;
		h = gmax > 0 ? (ROW - 3) * gbps / gmax : h;
	}
	snprintf(tip, sizeof(tip), "%s: %.3f ms", name, p->dur_ns / 1e6);
	if (p->bytes)
		snprintf(tip + strlen(tip), sizeof(tip) - strlen(tip),
			 ", %llu bytes", (unsigned long long)p->bytes);
	if (gbps)
		snprintf(tip + strlen(tip), sizeof(tip) - strlen(tip),
			 ", %.2f Gbit/s", gbps);
	svg_rect(s, x, y + (ROW - 3 - h), x_of(sc, p->start_ns + p->dur_ns) - x,
		 h, color(p->key.phase), tip);
}

static void axis(struct svg *s, const struct scale *sc, double y)
{
	double span_ms = (sc->t1 - sc->t0) / 1e6, step = 1, x;
	char lab[32];
	int i;

	while (span_ms / step > 12)
		step *= span_ms / step > 60 ? 10 : 2;
	svg_line(s, LEFT, y, LEFT + sc->w, y, "#000000", 1);
	for (i = 0; i * step <= span_ms; i++) {
		x = x_of(sc, sc->t0 + (uint64_t)(i * step * 1e6));
		svg_line(s, x, y, x, y + 5, "#000000", 1);
		snprintf(lab, sizeof(lab), "%g ms", i * step);
		svg_text(s, x, y + 17, 10, "middle", lab);
	}
}

static void legend(struct svg *s, double y)
{
	static const unsigned int shown[] = {
		MB_PH_PAUSE, MB_PH_SAVE, MB_PH_SRC_RING, MB_PH_READ_OUT,
		MB_PH_TRANSFER, MB_PH_RECEIVE, MB_PH_DST_RING, MB_PH_RESTORE,
		MB_PH_RESTORE_WAIT, MB_PH_VRAM_COPY, MB_PH_DATA_CALL,
		MB_PH_RESUME,
	};
	double x = LEFT;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		svg_rect(s, x, y, 10, 10, color(shown[i]), NULL);
		svg_text(s, x + 13, y + 9, 10, "start", mb_phase_name(shown[i]));
		x += 100;
	}
}

int mb_svg(const char *path, const struct mb_result *r)
{
	struct scale sc = { .w = W - LEFT - RIGHT };
	struct mb_layout l;
	struct svg s;
	double y0 = TOP + CRIT_H + 10, h, gmax = max_gbps(r);
	uint32_t i;
	int err;

	if (mb_layout(r, &l))
		return -1;
	sc.t0 = l.t0;
	sc.t1 = l.t1;
	h = y0 + l.nrows * ROW + AXIS_H + LEGEND_H;
	if (svg_open(&s, path, W, h)) {
		mb_layout_free(&l);
		return -1;
	}
	header(&s, r);
	svg_rect(&s, x_of(&sc, r->start_ns), TOP - 6,
		 x_of(&sc, r->end_ns) - x_of(&sc, r->start_ns),
		 y0 + l.nrows * ROW - TOP + 6, "#f4f4f4", "downtime");
	critical(&s, r, &sc);
	for (i = 0; i < l.nrows; i++) {
		if (!l.rows[i].lane)
			svg_line(&s, 0, y0 + i * ROW - 1, W, y0 + i * ROW - 1,
				 "#dddddd", 0.5);
		svg_text(&s, LEFT - 6, y0 + i * ROW + 10, 10, "end",
			 l.rows[i].name);
	}
	for (i = 0; i < r->nspans; i++)
		span(&s, &r->spans[i], y0 + l.row_of[i] * ROW, &sc, gmax);
	axis(&s, &sc, y0 + l.nrows * ROW + 4);
	legend(&s, y0 + l.nrows * ROW + AXIS_H);
	mb_layout_free(&l);
	err = svg_close(&s);
	if (err)
		ms_err("writing the picture %s failed: %s", path,
		       strerror(-err));
	return err;
}
