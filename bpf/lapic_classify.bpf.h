/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one LAPIC expiry classifier every entry point of lapic.bpf.c shares
 * (fentry, kprobe, tp_btf, tracepoints and BPF_PROG_TEST_RUN): per-timer
 * statistics in the mmapped table, late expiries, clamps (the catch-up
 * fix), replay bursts (pre-fix catch-up) and alerts.  Included by
 * lapic.bpf.c after its maps and read-only configuration.
 */
#ifndef MIGSCOPE_LAPIC_CLASSIFY_BPF_H
#define MIGSCOPE_LAPIC_CLASSIFY_BPF_H

/* pid and vcpu id of a timer: kvm_timer -> kvm_lapic -> vcpu -> kvm */
static __always_inline void resolve_ident(__u64 timer, __u32 *pid,
					  __u32 *vcpu, __u64 *kvm)
{
	__u64 apic = timer - off_apic_timer, v = 0, k = 0;

	*pid = *vcpu = 0;
	bpf_probe_read_kernel(&v, sizeof(v), (void *)(apic + off_apic_vcpu));
	bpf_probe_read_kernel(vcpu, sizeof(*vcpu), (void *)(v + off_vcpu_id));
	bpf_probe_read_kernel(&k, sizeof(k), (void *)(v + off_vcpu_kvm));
	bpf_probe_read_kernel(pid, sizeof(*pid), (void *)(k + off_kvm_pid));
	*kvm = k;
}

static __always_inline __u32 timer_hash(__u64 timer)
{
	return (timer * 0x9e3779b97f4a7c15ull) >> (64 - LAPIC_TIMER_BITS);
}

/*
 * A free slot becomes this timer's: first come, first served.  Returns
 * whether it is now this timer's.  Once per timer, so out of line.
 */
static __noinline bool claim(struct lapic_vcpu *v, struct lapic_sample *s)
{
	__u32 pid, vcpu;
	__u64 kvm;

	if (__sync_val_compare_and_swap(&v->timer, 0, s->timer) != 0)
		return v->timer == s->timer;
	if (s->have_ident) {
		pid = s->pid;
		vcpu = s->vcpu;
		kvm = s->kvm;
	} else {
		resolve_ident(s->timer, &pid, &vcpu, &kvm);
	}
	v->pid = pid;
	v->vcpu = vcpu;
	v->kvm = kvm;
	/* a filtered-out timer keeps its slot so the next lookup is cheap */
	v->ignored = targ_pid && pid != targ_pid;
	return true;
}

static __always_inline struct lapic_vcpu *timer_stats(struct lapic_sample *s)
{
	__u32 h = timer_hash(s->timer), i, idx;
	struct lapic_vcpu *v;

	for (i = 0; i < LAPIC_PROBES; i++) {
		idx = (h + i) & (LAPIC_MAX_TIMERS - 1);
		v = bpf_map_lookup_elem(&timers, &idx);
		if (!v)
			return NULL;
		if (v->timer == s->timer)
			return v;
		if (!v->timer && claim(v, s))
			return v;
	}
	__sync_fetch_and_add(&untracked, 1);
	return NULL;
}

/* what an event says beyond its timer's row */
struct lapic_note {
	__u16 op;
	__u32 why;
	__u64 lag;
	__u64 period;
	__u64 burst;
	__u64 prefix;
	__s64 ts;
};

/*
 * Rare, so out of line: inlined at its four call sites it made the
 * program's hot path several times longer (instruction cache misses at
 * low expiry rates).
 */
static __noinline void emit(struct lapic_vcpu *v, struct lapic_note *n)
{
	struct ms_event *e = ms_event_reserve(MS_EV_LAPIC, n->op);

	if (!e)
		return;
	/* interrupt context: current is whoever ran, not the VMM */
	e->ts_ns = n->ts;
	e->pid = v->pid;
	e->tid = 0;
	e->lapic.lag_ns = n->lag;
	e->lapic.period_ns = n->period;
	e->lapic.vcpu = v->vcpu;
	e->lapic.burst = n->burst;
	e->lapic.hv = v->hv;
	e->lapic.why = n->why;
	e->lapic.prefix_replays = n->prefix;
	ms_event_submit(e);
}

/*
 * A replay is a callback after which the target is still not after the
 * pass's now: the hrtimer code re-runs it in the same pass.  A burst is the
 * run of replays in one pass; the first non-replay callback ends it.  Its
 * events carry the lag of its first callback: how far behind the timer was.
 */
static __always_inline bool track_burst(struct lapic_vcpu *v,
					struct lapic_sample *s, bool replay,
					__u64 lag)
{
	if (replay) {
		if (v->burst_pass != s->pass_now || !v->burst_len) {
			v->burst_pass = s->pass_now;
			v->burst_len = 0;
			v->burst_lag = lag;
		}
		v->replays++;
		v->burst_len++;
		if (alert_burst && v->burst_len == alert_burst) {
			struct lapic_note n = {
				.op = MS_LAPIC_ALERT, .why = LAPIC_ALERT_BURST,
				.lag = v->burst_lag, .period = s->period,
				.burst = v->burst_len, .ts = s->real_now,
			};

			v->alerts++;
			emit(v, &n);
		}
		return true;
	}
	if (v->burst_len) {
		struct lapic_note n = {
			.op = MS_LAPIC_REPLAY, .lag = v->burst_lag,
			.period = s->period, .burst = v->burst_len,
			.ts = s->real_now,
		};

		v->bursts++;
		if (v->burst_len > v->burst_max)
			v->burst_max = v->burst_len;
		emit(v, &n);
		v->burst_len = 0;
	}
	return false;
}

/* a periodic timer whose callback advanced it */
static __always_inline bool periodic_advance(struct lapic_sample *s)
{
	return s->mode == LAPIC_MODE_PERIODIC && s->period > 0 && s->advanced;
}

/* the fix at work: the target forced to now, a move of more than a period */
static __always_inline bool clamped(struct lapic_sample *s)
{
	return periodic_advance(s) && s->target_new - s->target_old > s->period;
}

/* The classification of an expiry of timer v; returns 1 if counted. */
static __always_inline int classify_row(struct lapic_vcpu *v, struct lapic_sample *s)
{
	__u64 lag, period, prefix = 0;
	bool continued, periodic;

	if (!v)
		return 0;
	lag = s->real_now > s->target_old ? s->real_now - s->target_old : 0;
	period = s->period > 0 ? s->period : 0;
	periodic = periodic_advance(s);
	/* a replay's callback of the same pass: its lag was counted already */
	continued = v->burst_len && v->burst_pass == s->pass_now;

	v->expiries++;
	v->period_ns = s->period;
	v->mode = s->mode;
	v->hv = s->hv;
	v->lag_hist[log2_slot(lag)]++;
	v->lag_sum += lag;
	if (lag > v->lag_max)
		v->lag_max = lag;
	v->last_lag = lag;
	v->last_ts = s->real_now;

	if (periodic && lag >= period) {
		v->late++;
		if (!continued) {
			prefix = lag / period;
			v->prefix_replays += prefix;
		}
	}
	if (alert_lag_ns && lag >= alert_lag_ns && !continued) {
		struct lapic_note n = {
			.op = MS_LAPIC_ALERT, .why = LAPIC_ALERT_LAG,
			.lag = lag, .period = period, .prefix = prefix,
			.ts = s->real_now,
		};

		v->alerts++;
		emit(v, &n);
	}
	if (!periodic)
		return 1;
	if (clamped(s)) {
		struct lapic_note n = {
			.op = MS_LAPIC_CLAMP, .lag = lag, .period = period,
			.prefix = prefix, .ts = s->real_now,
		};

		v->clamped++;
		emit(v, &n);
	}
	track_burst(v, s, s->target_new - s->target_old == s->period &&
		    s->target_new <= s->pass_now, lag);
	return 1;
}

/*
 * The classification every two-hook entry point shares; returns 1 if
 * counted.  (The tp_btf rung finds the timer's row first, and inlines.)
 */
static __noinline int lapic_classify(struct lapic_sample *s)
{
	struct lapic_vcpu *v = timer_stats(s);

	if (!v || v->ignored)
		return 0;
	return classify_row(v, s);
}

#endif /* MIGSCOPE_LAPIC_CLASSIFY_BPF_H */
