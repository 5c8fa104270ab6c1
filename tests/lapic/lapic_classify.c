// SPDX-License-Identifier: GPL-2.0
/*
 * The LAPIC classifier of bpf/lapic.bpf.c driven through BPF_PROG_TEST_RUN
 * with synthetic expiries: the classification the real hooks use, with no
 * KVM and no timing involved.
 *   - the seed's scenario: a target millions of periods behind now and the
 *     pre-fix advance (target += period): one replay storm of that length;
 *   - the fixed kernel on the same timer: one clamp, no replay;
 *   - on-time expiries: neither; bursts split at pass boundaries;
 *   - the -p filter.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "../lib/check.h"
#include "events.h"
#include "lapic_abi.h"
#include "lapic.skel.h"

#define PERIOD		1000000ull		/* 1 ms */
#define PASS_NOW	1000000000000000ull	/* some CLOCK_MONOTONIC time */
#define BEHIND		3000000ull		/* periods: ~50 min suspended */
#define ALERT_BURST	1000
#define ALERT_LAG	1000000000ull		/* 1 s */

struct seen {
	unsigned int clamps, replays, alerts_burst, alerts_lag;
	__u64 burst;			/* of the last REPLAY event */
	__u64 burst_lag;		/* its lag */
	__u64 prefix;			/* of the last CLAMP event */
};

static int on_event(void *ctx, const struct ms_event *e)
{
	struct seen *s = ctx;

	if (e->type != MS_EV_LAPIC)
		return 0;
	switch (e->op) {
	case MS_LAPIC_CLAMP:
		s->clamps++;
		s->prefix = e->lapic.prefix_replays;
		break;
	case MS_LAPIC_REPLAY:
		s->replays++;
		s->burst = e->lapic.burst;
		s->burst_lag = e->lapic.lag_ns;
		break;
	case MS_LAPIC_ALERT:
		if (e->lapic.why == LAPIC_ALERT_BURST)
			s->alerts_burst++;
		else
			s->alerts_lag++;
		break;
	}
	return 0;
}

struct fixture {
	struct lapic_bpf *obj;
	const struct lapic_vcpu *table;
	struct ms_events ev;		/* the rings the commands read */
	struct seen seen;
};

static int run_prog(struct bpf_program *prog, __u64 *args, int n, __u32 *ret)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args,
		    .ctx_size_in = n * sizeof(__u64));

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	*ret = opts.retval;
	return 0;
}

static int setup(struct fixture *f, __u32 targ_pid)
{
	struct bpf_program *p;

	memset(f, 0, sizeof(*f));
	f->obj = lapic_bpf__open();
	if (!f->obj)
		return -errno;
	/* only the test entry points: no hook is attached */
	bpf_object__for_each_program(p, f->obj->obj)
		bpf_program__set_autoload(p, p == f->obj->progs.test_expiry ||
					  p == f->obj->progs.test_storm);
	f->obj->rodata->alert_burst = ALERT_BURST;
	f->obj->rodata->alert_lag_ns = ALERT_LAG;
	f->obj->rodata->targ_pid = targ_pid;
	if (ms_events_init(&f->ev, f->obj->maps.events, 0) ||
	    lapic_bpf__load(f->obj))
		return -errno;
	f->table = mmap(NULL, LAPIC_MAX_TIMERS * sizeof(*f->table), PROT_READ,
			MAP_SHARED, bpf_map__fd(f->obj->maps.timers), 0);
	if (f->table == MAP_FAILED)
		return -errno;
	if (ms_events_open(&f->ev, f->obj->maps.drops, on_event,
			   &f->seen))
		return -EINVAL;
	return 0;
}

static void teardown(struct fixture *f)
{
	ms_events_close(&f->ev);
	if (f->table && f->table != MAP_FAILED)
		munmap((void *)f->table, LAPIC_MAX_TIMERS * sizeof(*f->table));
	lapic_bpf__destroy(f->obj);
}

static const struct lapic_vcpu *stats(struct fixture *f, __u64 timer)
{
	unsigned int i;

	for (i = 0; i < LAPIC_MAX_TIMERS; i++)
		if (f->table[i].timer == timer)
			return &f->table[i];
	return NULL;
}

/* one hrtimer pass: the pre-fix or the fixed kernel's re-run loop */
static int storm(struct fixture *f, __u64 timer, __u64 target, __u64 real_now,
		 int fixed, __u32 *ran)
{
	__u64 args[9] = { timer, 4242, 0, PERIOD, target, PASS_NOW, real_now,
			  fixed, 2 * BEHIND };

	return run_prog(f->obj->progs.test_storm, args, 9, ran);
}

static int expiry(struct fixture *f, __u64 timer, __u32 pid, __u64 old,
		  __u64 new, __u64 pass, __u64 real, __u32 *counted)
{
	__u64 args[9] = { timer, pid, 1, PERIOD, old, new, pass, real,
			  LAPIC_MODE_PERIODIC };

	return run_prog(f->obj->progs.test_expiry, args, 9, counted);
}

static void test_prefix_storm(struct fixture *f)
{
	__u64 real = PASS_NOW + 5000;
	const struct lapic_vcpu *v;
	__u32 ran = 0;
	int err;

	memset(&f->seen, 0, sizeof(f->seen));
	err = storm(f, 0x1000, PASS_NOW - BEHIND * PERIOD, real, 0, &ran);
	ms_events_drain(&f->ev);
	v = stats(f, 0x1000);
	if (!check(!err && v, "prefix-storm-ran", "test run failed: %s",
		   strerror(-err)))
		return;
	/* BEHIND replays, then the callback whose target passes now */
	check(ran == BEHIND + 1 && v->expiries == BEHIND + 1,
	      "prefix-storm-callbacks", "ran %u callbacks, counted %llu, want %llu",
	      ran, (unsigned long long)v->expiries, BEHIND + 1);
	check(v->replays == BEHIND, "prefix-storm-replays",
	      "replays %llu, want %llu", (unsigned long long)v->replays, BEHIND);
	check(v->bursts == 1 && v->burst_max == BEHIND, "prefix-storm-burst",
	      "bursts %llu max %llu, want 1 of %llu",
	      (unsigned long long)v->bursts, (unsigned long long)v->burst_max,
	      BEHIND);
	check(f->seen.replays == 1 && f->seen.burst == BEHIND,
	      "prefix-storm-event", "%u REPLAY events, burst %llu",
	      f->seen.replays, (unsigned long long)f->seen.burst);
	/* the event says how far behind the burst began: its first lag */
	check(f->seen.burst_lag == real - (PASS_NOW - BEHIND * PERIOD),
	      "prefix-storm-event-lag", "REPLAY lag %llu ns, want %llu",
	      (unsigned long long)f->seen.burst_lag,
	      (unsigned long long)(real - (PASS_NOW - BEHIND * PERIOD)));
	check(v->clamped == 0 && f->seen.clamps == 0, "prefix-storm-no-clamp",
	      "clamped %llu", (unsigned long long)v->clamped);
	/* lag of the first callback in whole periods: what it would replay */
	check(v->prefix_replays == BEHIND, "prefix-storm-floor",
	      "prefix_replays %llu, want %llu",
	      (unsigned long long)v->prefix_replays, BEHIND);
	check(f->seen.alerts_burst == 1 && f->seen.alerts_lag == 1,
	      "prefix-storm-alerts", "burst alerts %u (want 1), lag alerts %u (want 1)",
	      f->seen.alerts_burst, f->seen.alerts_lag);
	check(v->pid == 4242 && v->vcpu == 0 && v->period_ns == (__s64)PERIOD,
	      "prefix-storm-ident", "pid %u vcpu %u period %lld", v->pid,
	      v->vcpu, (long long)v->period_ns);
}

static void test_fixed_clamp(struct fixture *f)
{
	__u64 real = PASS_NOW + 5000;
	const struct lapic_vcpu *v;
	__u32 ran = 0;
	int err;

	memset(&f->seen, 0, sizeof(f->seen));
	err = storm(f, 0x2000, PASS_NOW - BEHIND * PERIOD, real, 1, &ran);
	ms_events_drain(&f->ev);
	v = stats(f, 0x2000);
	if (!check(!err && v, "fixed-ran", "test run failed: %s", strerror(-err)))
		return;
	check(ran == 1 && v->expiries == 1, "fixed-one-callback",
	      "ran %u callbacks", ran);
	check(v->clamped == 1 && f->seen.clamps == 1, "fixed-clamp",
	      "clamped %llu, %u CLAMP events", (unsigned long long)v->clamped,
	      f->seen.clamps);
	check(v->replays == 0 && v->bursts == 0 && f->seen.replays == 0,
	      "fixed-no-replay", "replays %llu bursts %llu",
	      (unsigned long long)v->replays, (unsigned long long)v->bursts);
	check(v->late == 1 && f->seen.prefix == BEHIND, "fixed-prefix",
	      "late %llu, CLAMP says a pre-fix kernel replays %llu (want %llu)",
	      (unsigned long long)v->late, (unsigned long long)f->seen.prefix,
	      BEHIND);
}

static void test_normal(struct fixture *f)
{
	const struct lapic_vcpu *v;
	__u64 t = PASS_NOW;
	__u32 counted;
	int i, err = 0;

	memset(&f->seen, 0, sizeof(f->seen));
	for (i = 0; i < 1000 && !err; i++, t += PERIOD)
		err = expiry(f, 0x3000, 4242, t, t + PERIOD, t + 20000,
			     t + 25000, &counted);
	ms_events_drain(&f->ev);
	v = stats(f, 0x3000);
	if (!check(!err && v, "normal-ran", "test run failed: %s", strerror(-err)))
		return;
	check(v->expiries == 1000, "normal-count", "%llu expiries",
	      (unsigned long long)v->expiries);
	check(!v->late && !v->clamped && !v->replays && !v->prefix_replays &&
	      !f->seen.clamps && !f->seen.replays && !f->seen.alerts_lag,
	      "normal-neither", "late %llu clamped %llu replays %llu",
	      (unsigned long long)v->late, (unsigned long long)v->clamped,
	      (unsigned long long)v->replays);
	/* 25 us lag: log2 slot 15 holds [16384, 32767] */
	check(v->lag_hist[15] == 1000 && v->lag_max == 25000, "normal-lag",
	      "slot 15 has %llu, max %llu", (unsigned long long)v->lag_hist[15],
	      (unsigned long long)v->lag_max);
}

/* two passes with 3 and 2 replays: two bursts, split where `now` changes */
static void test_bursts(struct fixture *f)
{
	static const int per_pass[] = { 3, 2 };
	__u64 t = PASS_NOW - 10 * PERIOD, pass = PASS_NOW - 7 * PERIOD;
	const struct lapic_vcpu *v;
	__u32 counted;
	int p, i, err = 0;

	memset(&f->seen, 0, sizeof(f->seen));
	for (p = 0; p < 2; p++) {
		/* replays: after advancing, still not after this pass's now */
		for (i = 0; i < per_pass[p] && !err; i++, t += PERIOD)
			err = expiry(f, 0x4000, 4242, t, t + PERIOD, pass,
				     pass + 1000, &counted);
		/* then the callback whose target passes now ends the burst */
		pass = t + PERIOD - 1;
		if (!err)
			err = expiry(f, 0x4000, 4242, t, t + PERIOD, pass,
				     pass + 1000, &counted);
		t += PERIOD;
		pass = t + per_pass[1] * PERIOD;
	}
	ms_events_drain(&f->ev);
	v = stats(f, 0x4000);
	if (!check(!err && v, "bursts-ran", "test run failed: %s", strerror(-err)))
		return;
	check(v->replays == 5 && v->bursts == 2 && v->burst_max == 3 &&
	      f->seen.replays == 2, "bursts-split-by-pass",
	      "replays %llu bursts %llu max %llu events %u (want 5, 2, 3, 2)",
	      (unsigned long long)v->replays, (unsigned long long)v->bursts,
	      (unsigned long long)v->burst_max, f->seen.replays);
}

static void test_pid_filter(void)
{
	struct fixture f;
	__u32 a = 1, b = 0;
	int err;

	err = setup(&f, 4242);
	if (!check(!err, "pid-filter-load", "%s", strerror(-err))) {
		teardown(&f);
		return;
	}
	err = expiry(&f, 0x5000, 999, PASS_NOW, PASS_NOW + PERIOD, PASS_NOW,
		     PASS_NOW + 1000, &a);
	if (!err)
		err = expiry(&f, 0x6000, 4242, PASS_NOW, PASS_NOW + PERIOD,
			     PASS_NOW, PASS_NOW + 1000, &b);
	check(!err && a == 0 && b == 1, "pid-filter",
	      "other VMM counted %u (want 0), ours %u (want 1)", a, b);
	teardown(&f);
}

int main(void)
{
	struct fixture f;
	int err;

	if (geteuid()) {
		check_skip("lapic-classify", "needs root to load BPF programs");
		return 0;
	}
	err = setup(&f, 0);
	if (!check(!err, "lapic-classify-load", "loading the test programs failed: %s",
		   strerror(-err))) {
		teardown(&f);
		return check_exit();
	}
	test_prefix_storm(&f);
	test_fixed_clamp(&f);
	test_normal(&f);
	test_bursts(&f);
	teardown(&f);
	test_pid_filter();
	return check_exit();
}
