// SPDX-License-Identifier: GPL-2.0
/*
 * Two migrations compared phase by phase: the critical path of each,
 * joined by phase (GT and packet type included), largest change first, so
 * a regression between kernels or settings shows at the top.
 */
#include <stdlib.h>
#include <string.h>
#include "breakdown.h"
#include "common.h"

struct mb_delta {
	struct mb_key key;
	uint64_t a, b;
};

static bool same(const struct mb_key *x, const struct mb_key *y)
{
	return x->phase == y->phase && x->gt == y->gt && x->ptype == y->ptype;
}

static uint32_t join(const struct mb_total *t, uint32_t n, bool second,
		     struct mb_delta *d, uint32_t nd)
{
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < nd && !same(&d[k].key, &t[i].key); k++)
			;
		if (k == nd) {
			memset(&d[k], 0, sizeof(d[k]));
			d[k].key = t[i].key;
			nd++;
		}
		if (second)
			d[k].b = t[i].ns;
		else
			d[k].a = t[i].ns;
	}
	return nd;
}

static int64_t change(const struct mb_delta *d)
{
	return (int64_t)(d->b - d->a);
}

static int by_change(const void *x, const void *y)
{
	int64_t a = llabs(change(x)), b = llabs(change(y));

	return a < b ? 1 : a > b ? -1 : 0;
}

static uint32_t deltas(const struct mb_result *a, const struct mb_result *b,
		       struct mb_delta *d)
{
	uint32_t n = join(a->crit, a->ncrit, false, d, 0);

	n = join(b->crit, b->ncrit, true, d, n);
	qsort(d, n, sizeof(*d), by_change);
	return n;
}

void mb_diff_text(FILE *f, const struct mb_result *a, const struct mb_result *b)
{
	struct mb_delta d[2 * MB_MAX_PHASES];
	uint32_t i, n = deltas(a, b, d);
	char name[64];

	fprintf(f, "\nDowntime A %.3f ms, B %.3f ms: %+.3f ms\n",
		a->downtime_ns / 1e6, b->downtime_ns / 1e6,
		((int64_t)b->downtime_ns - (int64_t)a->downtime_ns) / 1e6);
	fprintf(f, "  %-28s %10s %10s %10s   (critical path, ms)\n", "phase",
		"A", "B", "B-A");
	for (i = 0; i < n; i++) {
		mb_key_text(&d[i].key, name, sizeof(name));
		fprintf(f, "  %-28s %10.3f %10.3f %+10.3f\n", name,
			d[i].a / 1e6, d[i].b / 1e6, change(&d[i]) / 1e6);
	}
	if (n) {
		mb_key_text(&d[0].key, name, sizeof(name));
		fprintf(f, "  largest change: %s (%+.3f ms)\n", name,
			change(&d[0]) / 1e6);
	}
}

static void delta_json(struct json *j, const struct mb_delta *d)
{
	char name[64];

	mb_key_text(&d->key, name, sizeof(name));
	json_obj_begin(j);
	json_kstr(j, "key", name);
	json_kstr(j, "phase", mb_phase_name(d->key.phase));
	json_ku64(j, "a_ns", d->a);
	json_ku64(j, "b_ns", d->b);
	json_ki64(j, "delta_ns", change(d));
	json_obj_end(j);
}

void mb_diff_json(struct json *j, const struct mb_result *a,
		  const struct mb_result *b)
{
	struct mb_delta d[2 * MB_MAX_PHASES];
	uint32_t i, n = deltas(a, b, d);

	json_obj_begin(j);
	json_kstr(j, "type", "diff");
	json_ku64(j, "a_downtime_ns", a->downtime_ns);
	json_ku64(j, "b_downtime_ns", b->downtime_ns);
	json_ki64(j, "delta_ns", (int64_t)(b->downtime_ns - a->downtime_ns));
	json_ku64(j, "uncertainty_ns", a->align.uncertainty_ns +
		  a->clamped_ns + b->align.uncertainty_ns + b->clamped_ns);
	if (n) {
		json_key(j, "largest");
		delta_json(j, &d[0]);
	}
	json_key(j, "phases");
	json_arr_begin(j);
	for (i = 0; i < n; i++)
		delta_json(j, &d[i]);
	json_arr_end(j);
	json_obj_end_line(j);
}
