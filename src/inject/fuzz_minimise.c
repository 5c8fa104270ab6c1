// SPDX-License-Identifier: GPL-2.0
/*
 * Minimising a finding's plan and measuring its reproduction rate.  A
 * candidate is kept when it still shows the finding's signature on both
 * of two confirmation runs.  Order: fewer faults, then smaller nth, then the smallest
 * migration (VRAM size and chunking) that still shows it.  A flaky result
 * moves on to the next plan that showed the finding.
 */
#include <string.h>

#include "common.h"
#include "fuzz.h"

static bool shows(struct fuzz *fz, const struct fuzz_plan *p,
		  const struct fuzz_finding *f)
{
	unsigned int tries = 2, i;
	struct fuzz_run r;

	for (i = 0; i < tries && !ms_exiting; i++) {
		memset(&r, 0, sizeof(r));
		r.plan = *p;
		if (fuzz_run_one(fz, &r) || strcmp(r.sig, f->sig))
			return false;
		ms_info("minimise: %s still shows it", r.sig);
	}
	return !ms_exiting;
}

static bool drop_faults(struct fuzz *fz, struct fuzz_finding *f)
{
	struct fuzz_plan c;
	unsigned int i;

	for (i = 0; f->min.n > 1 && i < f->min.n; i++) {
		c = f->min;
		memmove(&c.f[i], &c.f[i + 1], (c.n - i - 1) * sizeof(c.f[0]));
		c.n--;
		if (shows(fz, &c, f)) {
			f->min = c;
			return true;
		}
	}
	return false;
}

static bool smaller_nth(struct fuzz *fz, struct fuzz_finding *f)
{
	uint64_t tries[3];
	struct fuzz_plan c;
	unsigned int i, k;

	for (i = 0; i < f->min.n; i++) {
		uint64_t nth = f->min.f[i].nth;

		if (nth <= 1)
			continue;
		tries[0] = 1;
		tries[1] = nth / 2;
		tries[2] = nth - 1;
		for (k = 0; k < 3; k++) {
			if (tries[k] < 1 || (k && tries[k] <= tries[k - 1]))
				continue;
			c = f->min;
			c.f[i].nth = tries[k];
			if (shows(fz, &c, f)) {
				f->min = c;
				return true;
			}
		}
	}
	return false;
}

/* the smallest VRAM and, for it, the fewest chunks that still show it */
static void smaller_migration(struct fuzz *fz, struct fuzz_finding *f)
{
	static const struct { uint64_t vram, chunk; } sizes[] = {
		{ 1 << 20, 1 << 20 }, { 2 << 20, 2 << 20 },
		{ 2 << 20, 1 << 20 }, { 4 << 20, 4 << 20 },
	};
	struct fuzz_plan c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (f->min.vram && sizes[i].vram >= f->min.vram)
			break;
		c = f->min;
		c.vram = sizes[i].vram;
		c.chunk = sizes[i].chunk;
		if (shows(fz, &c, f)) {
			f->min = c;
			return;
		}
	}
}

static void minimise(struct fuzz *fz, struct fuzz_finding *f)
{
	unsigned int rounds = 0;

	while (rounds++ < 8 && !ms_exiting &&
	       (drop_faults(fz, f) || smaller_nth(fz, f)))
		;
	if (!ms_exiting)
		smaller_migration(fz, f);
}

static void reproduce(struct fuzz *fz, struct fuzz_finding *f)
{
	struct fuzz_run r;
	unsigned int i;

	f->repro_ok = f->repro_n = 0;
	for (i = 0; i < fz->o.repro && !ms_exiting; i++) {
		memset(&r, 0, sizeof(r));
		r.plan = f->min;
		if (fuzz_run_one(fz, &r))
			break;
		f->repro_n++;
		f->repro_ok += !strcmp(r.sig, f->sig);
	}
}

static bool has_delay(const struct fuzz_plan *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (ms_site_is_delay(p->f[i].site))
			return true;
	return false;
}

static bool same_plan(const struct fuzz_plan *a, const struct fuzz_plan *b)
{
	char ta[FUZZ_PLAN_LEN], tb[FUZZ_PLAN_LEN];

	fuzz_plan_text(a, ta, sizeof(ta));
	fuzz_plan_text(b, tb, sizeof(tb));
	return !strcmp(ta, tb);
}

void fuzz_finding_candidate(struct fuzz_finding *f, const struct fuzz_plan *p)
{
	unsigned int i;

	for (i = 0; i < f->ncand; i++)
		if (same_plan(&f->cand[i], p))
			return;
	if (f->ncand < FUZZ_CANDIDATES) {
		f->cand[f->ncand++] = *p;
		return;
	}
	/* keep one plan with a delay if any run had one */
	for (i = 0; i < f->ncand; i++)
		if (has_delay(&f->cand[i]))
			return;
	if (has_delay(p))
		f->cand[FUZZ_CANDIDATES - 1] = *p;
}

static void keep_better(struct fuzz_finding *best,
			const struct fuzz_finding *f, bool *have)
{
	if (!*have || f->repro_ok * best->repro_n > best->repro_ok * f->repro_n)
		*best = *f;
	*have = true;
}

static bool reliable(const struct fuzz_finding *f)
{
	return f->repro_n && f->repro_ok * 10 >= f->repro_n * 9;
}

void fuzz_minimise_finding(struct fuzz *fz, struct fuzz_finding *f)
{
	struct fuzz_finding best = *f;
	bool have = false;
	unsigned int i;

	for (i = 0; i < f->ncand && !ms_exiting; i++) {
		f->min = f->cand[i];
		minimise(fz, f);
		reproduce(fz, f);
		if (f->repro_ok < f->repro_n &&
		    !same_plan(&f->min, &f->cand[i])) {
			/* the shrinking itself may have cost reliability */
			keep_better(&best, f, &have);
			f->min = f->cand[i];
			reproduce(fz, f);
		}
		keep_better(&best, f, &have);
		if (reliable(f))
			break;
		ms_info("candidate %u reproduces %u/%u: trying the next", i + 1,
			f->repro_ok, f->repro_n);
	}
	*f = best;
	f->minimised = !ms_exiting;
}
