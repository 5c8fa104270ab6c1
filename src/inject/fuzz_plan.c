// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz plans: the systematic phases, random plans and the mutations of
 * the coverage phase (fuzz_spec.c has their text form).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fuzz.h"

enum {
	PH_BASELINE, PH_SINGLE, PH_DELAY_PAIR, PH_ERROR_PAIR, PH_RETRY, PH_FLR,
	PH_SIGNAL, PH_DONE,
};

static const char *const phase_names[] = {
	"baseline", "single", "delay+delay", "fault+fault", "retry", "flr",
	"signal",
};

uint32_t fuzz_phases_parse(const char *list)
{
	char buf[128], *tok, *save = NULL;
	uint32_t mask = 1u << PH_BASELINE;
	unsigned int i;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < PH_DONE; i++)
			if (!strcmp(tok, phase_names[i]))
				break;
		if (i == PH_DONE)
			return 0;
		mask |= 1u << i;
	}
	return mask;
}

const char *fuzz_phase_list(void)
{
	return "baseline, single, delay+delay, fault+fault, retry, flr, signal";
}

static bool site_ok(const struct fuzz *fz, unsigned int site)
{
	return !fz->o.sites || (fz->o.sites & (1u << site));
}

static bool plan_ok(const struct fuzz *fz, const struct fuzz_plan *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (!site_ok(fz, p->f[i].site))
			return false;
	return true;
}

uint64_t fuzz_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fuzz_plan_baseline(struct fuzz_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->phase = phase_names[PH_BASELINE];
}

static unsigned int delay_for(unsigned int site)
{
	switch (site) {
	case MS_SITE_SAVE_CONSUME:
		return FUZZ_CONSUME_DELAY_US;
	case MS_SITE_SAVE_WAIT:
		return FUZZ_WAIT_DELAY_US;
	}
	return FUZZ_DELAY_US;
}

void fuzz_fault_base(struct inj_plan *f, unsigned int site)
{
	inj_plan_init(f);
	f->mech = INJ_MECH_MODEL;
	f->site = site;
	if (ms_site_is_delay(site))
		f->delay_us = delay_for(site);
	else
		f->err = inj_site_default_errno(site);
}

static struct inj_plan *add_fault(struct fuzz_plan *p, unsigned int site,
				  uint64_t nth)
{
	struct inj_plan *f = &p->f[p->n++];

	fuzz_fault_base(f, site);
	f->nth = nth;
	return f;
}

/*
 * Sites that report a GT are walked once per GT: a delay's window is per
 * GT, and the GTs' hits interleave differently from run to run, so an
 * nth counted over both would land on a different call each time.
 */
static bool per_gt(unsigned int site)
{
	return inj_site_has_gt(site);
}

/*
 * single: site by site, nth 1, 2, ... up to --nth-max, moving on as soon
 * as a run shows the site has fewer hits than the nth asked for.
 */
static bool next_single(struct fuzz *fz, const struct fuzz_run *last,
			struct fuzz_plan *p)
{
	if (!fz->site) {
		fz->site = 1;
		fz->gt = 0;
		fz->nth = 1;
	} else if (last->hits < fz->nth || fz->nth >= fz->o.nth_max) {
		if (per_gt(fz->site) && fz->gt + 1 < FUZZ_GTS) {
			fz->gt++;
		} else {
			fz->site++;
			fz->gt = 0;
		}
		fz->nth = 1;
	} else {
		fz->nth++;
	}
	while (fz->site < MS_SITE_MAX && !site_ok(fz, fz->site))
		fz->site++;
	if (fz->site >= MS_SITE_MAX)
		return false;
	if (per_gt(fz->site))
		add_fault(p, fz->site, fz->nth)->gt = fz->gt;
	else
		add_fault(p, fz->site, fz->nth);
	return true;
}

/*
 * delay+delay, per GT: the save worker stalled before its nth step while
 * the reader stalls after finding that GT's ring empty (nth2), so the
 * reader's window spans the worker's next produce; then the reader
 * stalled at an empty ring (nth) while the worker fills the ring and
 * stalls before parking (nth2), so the reader drains the ring inside the
 * worker's window.
 */
static const unsigned int delay_pairs[][2] = {
	{ MS_SITE_SAVE_STEP, MS_SITE_SAVE_CONSUME },
	{ MS_SITE_SAVE_CONSUME, MS_SITE_SAVE_WAIT },
};

static bool next_delay_pair(struct fuzz *fz, struct fuzz_plan *p)
{
	const unsigned int *pair;

	if (!fz->nth) {
		fz->site2 = fz->gt = 0;
		fz->nth = fz->nth2 = 1;
	} else if (++fz->nth2 > 2) {
		fz->nth2 = 1;
		if (++fz->nth > fz->o.nth_max) {
			fz->nth = 1;
			if (++fz->gt >= FUZZ_GTS) {
				fz->gt = 0;
				if (++fz->site2 >= ARRAY_SIZE(delay_pairs))
					return false;
			}
		}
	}
	pair = delay_pairs[fz->site2];
	add_fault(p, pair[0], fz->nth)->gt = fz->gt;
	add_fault(p, pair[1], fz->nth2)->gt = fz->gt;
	return true;
}

/* fault+fault: every two error sites, each failing its first hit */
static bool next_error_pair(struct fuzz *fz, struct fuzz_plan *p)
{
	do {
		if (!fz->site) {
			fz->site = 1;
			fz->site2 = 1;
		}
		if (++fz->site2 >= MS_SITE_MAX) {
			fz->site++;
			fz->site2 = fz->site + 1;
		}
		if (fz->site >= MS_SITE_MAX || fz->site2 >= MS_SITE_MAX)
			return false;
	} while (ms_site_is_delay(fz->site) || ms_site_is_delay(fz->site2));
	add_fault(p, fz->site, 1);
	add_fault(p, fz->site2, 1);
	return true;
}

/*
 * retry: the first data_read fails, migsim recovers the source and
 * migrates again; a second fault at nth 1..3 of each error site then
 * lands in the first attempt or, past its hits, in the second.
 */
static bool next_retry(struct fuzz *fz, struct fuzz_plan *p)
{
	do {
		if (!fz->site) {
			fz->site = 1;
			fz->nth = 0;
		}
		if (++fz->nth > 3) {
			fz->nth = 1;
			fz->site++;
		}
		if (fz->site >= MS_SITE_MAX)
			return false;
	} while (ms_site_is_delay(fz->site));
	add_fault(p, MS_SITE_DATA_READ, 1);
	add_fault(p, fz->site, fz->site == MS_SITE_DATA_READ ? fz->nth + 1 :
							       fz->nth);
	return true;
}

/*
 * flr: a VFIO reset (with the 7.x FLR prepare step) of the source after
 * its nth read, or of the destination after its nth write, nth 1..3:
 * an FLR arriving in the middle of save or restore.
 */
static bool next_flr(struct fuzz *fz, struct fuzz_plan *p)
{
	if (++fz->nth > 3) {
		fz->nth = 1;
		if (++fz->site2 > 1)
			return false;
	}
	p->flr_side = fz->site2 ? 'r' : 's';
	p->flr_n = fz->nth;
	return true;
}

/*
 * signal: SIGUSR1, nth 1..3, to the source's reader as its read starts
 * while every save worker is held at its first step (the read must sleep
 * on empty rings); to the reader as it finds a GT's ring empty; to the
 * destination's writer as it finds a GT's ring full (that GT's restore
 * worker held at its first packet, so that the ring fills); and as a
 * read or a write starts.  An interrupted wait must cost a call issued
 * again, never data nor the migration.
 */
static const struct {
	unsigned int site;
	unsigned int held;	/* a delay site at nth 1, on the GT or all */
	bool held_all;
} signal_plans[] = {
	{ MS_SITE_DATA_READ, MS_SITE_SAVE_STEP, true },
	{ MS_SITE_SAVE_CONSUME, 0, false },
	{ MS_SITE_RESTORE_WAIT, MS_SITE_RESTORE_STEP, false },
	{ MS_SITE_DATA_READ, 0, false },
	{ MS_SITE_DATA_WRITE, 0, false },
};

void fuzz_fault_signal(struct inj_plan *f)
{
	f->mech = INJ_MECH_SIGNAL;
	f->sig = SIGUSR1;
	f->err = 0;
	f->delay_us = 0;
}

static void signal_held(struct fuzz *fz, struct fuzz_plan *p)
{
	unsigned int held = signal_plans[fz->site2].held, gt;

	if (!held)
		return;
	if (!signal_plans[fz->site2].held_all) {
		add_fault(p, held, 1)->gt = fz->gt;
		return;
	}
	for (gt = 0; gt < FUZZ_GTS; gt++)
		add_fault(p, held, 1)->gt = gt;
}

static bool next_signal(struct fuzz *fz, struct fuzz_plan *p)
{
	unsigned int site;
	struct inj_plan *f;

	if (++fz->nth > 3) {
		fz->nth = 1;
		if (per_gt(signal_plans[fz->site2].site) &&
		    fz->gt + 1 < FUZZ_GTS) {
			fz->gt++;
		} else {
			fz->gt = 0;
			if (++fz->site2 >= ARRAY_SIZE(signal_plans))
				return false;
		}
	}
	signal_held(fz, p);
	site = signal_plans[fz->site2].site;
	f = add_fault(p, site, fz->nth);
	fuzz_fault_signal(f);
	if (per_gt(site))
		f->gt = fz->gt;
	return true;
}

static bool phase_next(struct fuzz *fz, const struct fuzz_run *last,
		       struct fuzz_plan *p)
{
	switch (fz->phase) {
	case PH_BASELINE:
		return !fz->started;
	case PH_SINGLE:
		return next_single(fz, last, p);
	case PH_DELAY_PAIR:
		return next_delay_pair(fz, p);
	case PH_ERROR_PAIR:
		return next_error_pair(fz, p);
	case PH_RETRY:
		return next_retry(fz, p);
	case PH_FLR:
		return next_flr(fz, p);
	case PH_SIGNAL:
		return next_signal(fz, p);
	}
	return false;
}

bool fuzz_next_systematic(struct fuzz *fz, const struct fuzz_run *last,
			  struct fuzz_plan *p)
{
	while (fz->phase < PH_DONE) {
		fuzz_plan_baseline(p);
		p->phase = phase_names[fz->phase];
		if (fz->o.phases && !(fz->o.phases & (1u << fz->phase))) {
			fz->phase++;
			continue;
		}
		if (phase_next(fz, last, p)) {
			fz->started = true;
			if (plan_ok(fz, p))
				return true;
			continue;
		}
		fz->phase++;
		fz->site = fz->site2 = fz->gt = fz->nth = fz->nth2 = 0;
	}
	return false;
}

static const int fuzz_errs[] = { EIO, ENOMEM, EINVAL, EFAULT, ENODEV, ETIME };

static void random_fault(struct fuzz *fz, struct fuzz_plan *p)
{
	uint64_t r = fuzz_rand(&fz->rng);
	struct inj_plan *f;

	if (p->n >= INJ_MAX_FAULTS)
		return;
	while (!site_ok(fz, 1 + r % (MS_SITE_MAX - 1)))
		r = fuzz_rand(&fz->rng);
	f = add_fault(p, 1 + r % (MS_SITE_MAX - 1), 0);
	r = fuzz_rand(&fz->rng);
	/* a delay site takes no errno: the bit picks its GT instead */
	if (per_gt(f->site))
		f->gt = r & 1;
	else if (r & 1)
		f->err = fuzz_errs[(r >> 1) % ARRAY_SIZE(fuzz_errs)];
	r = fuzz_rand(&fz->rng);
	if (r % 4) {
		f->nth = 1 + (r >> 2) % (fz->o.nth_max * 4);
	} else {
		f->prob = 0.05 + ((r >> 2) % 20) / 100.0;
		f->seed = fuzz_rand(&fz->rng) % 1000000;
		f->times = 1 + (r >> 8) % 3;
	}
}

void fuzz_next_random(struct fuzz *fz, struct fuzz_plan *p)
{
	fuzz_plan_baseline(p);
	p->phase = "random";
	random_fault(fz, p);
	if (fuzz_rand(&fz->rng) % 3 == 0)
		random_fault(fz, p);
}

static void mutate_nth(struct inj_plan *f, uint64_t r)
{
	if (!f->nth)
		return;
	if (r & 1)
		f->nth += 1 + (r >> 1) % 2;
	else if (f->nth > 1)
		f->nth--;
}

/* one of: nth up or down, a fault more, a fault less, errno, GT, size */
void fuzz_mutate(struct fuzz *fz, const struct fuzz_plan *from,
		 struct fuzz_plan *p)
{
	static const uint64_t vram[] = { 1 << 20, 2 << 20, 4 << 20, 8 << 20 };
	static const uint64_t chunk[] = { 256 << 10, 1 << 20, 4 << 20 };
	uint64_t r = fuzz_rand(&fz->rng);
	struct inj_plan *f;

	*p = *from;
	p->phase = "mutation";
	if (!p->n || r % 6 == 1) {
		random_fault(fz, p);
		return;
	}
	f = &p->f[(r >> 8) % p->n];
	switch (r % 6) {
	case 0:
		mutate_nth(f, r >> 16);
		break;
	case 2:
		if (p->n > 1)
			*f = p->f[--p->n];
		else
			mutate_nth(f, r >> 16);
		break;
	case 3:
		if (!ms_site_is_delay(f->site))
			f->err = fuzz_errs[(r >> 16) % ARRAY_SIZE(fuzz_errs)];
		break;
	case 4:
		if (inj_site_has_gt(f->site))
			f->gt = f->gt == MS_ANY ? (r >> 16) & 1 :
				(f->gt + 1) % FUZZ_GTS;
		break;
	default:
		p->vram = vram[(r >> 16) % ARRAY_SIZE(vram)];
		p->chunk = chunk[(r >> 24) % ARRAY_SIZE(chunk)];
		break;
	}
}
