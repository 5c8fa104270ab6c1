/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migscope lapic, tp_btf rung: one program per expiry, on
 * hrtimer_expire_entry.  Included once, by lapic.bpf.c, after its timer
 * readers and lapic_classify.bpf.h.
 */
#ifndef MIGSCOPE_LAPIC_TP_BTF_BPF_H
#define MIGSCOPE_LAPIC_TP_BTF_BPF_H

/* --- tp_btf: one program per expiry, on hrtimer_expire_entry ------------- */

/*
 * The target a callback set is the one its timer's next entry finds, so
 * each expiry is classified at the next one and no exit program runs: the
 * fixed cost of a second program per expiry was most of the monitor's.
 */

/*
 * Between two entries the target moves by the callback's own advance or by
 * a re-arm outside it (the guest writing TMICT, KVM_SET_LAPIC, a divide
 * change, a return from the HV timer), and a re-arm clears the pending
 * count the callback left.  With the count still set the advance is the
 * callback's.  Without it (the vCPU took the interrupt, or a re-arm), one
 * period is the callback's, and so is a clamp: a target set to the time the
 * callback ran, within LAPIC_CLAMP_WINDOW_NS of its pass's now.  Anything
 * else was a re-arm, and the expiry counts without an advance.
 */
static __always_inline bool seen_advance(struct lapic_vcpu *v,
					 struct kt_snap *k)
{
	__s64 adv = k->target - v->prev_target;

	if (k->pending || adv == k->period)
		return true;
	return adv > k->period &&
	       k->target - v->prev_pass_now < LAPIC_CLAMP_WINDOW_NS;
}

/*
 * Classify the timer's previous expiry now that its new target is known.
 * Its lag is taken at its pass's now, the clock the hrtimer interrupt read
 * before running its callbacks: a clock read of our own per expiry
 * (bpf_ktime_get_ns) cost as much as the rest of the program.
 */
static __always_inline void classify_prev(struct lapic_vcpu *v,
					  struct kt_snap *k, __u64 timer)
{
	struct lapic_sample s = {
		.timer = timer,
		.period = k->period,
		.target_old = v->prev_target,
		.target_new = k->target,
		.pass_now = v->prev_pass_now,
		.real_now = v->prev_pass_now,
		.mode = v->prev_mode,
		.hv = k->hv,
		.advanced = seen_advance(v, k),
	};

	/*
	 * A clamp set the target to the callback's own clock read: the time
	 * it ran, later than the pass's now and exactly known, so its lag is
	 * the move (a clamp is always a late expiry, as on the other rungs).
	 */
	if (clamped(&s))
		s.real_now = s.target_new;
	classify_row(v, &s);
}

/*
 * The pass's now: by value (7.x) or through a pointer (6.18), read directly
 * through a cast to void where the verifier takes one (6.17 on; user space
 * loads the helper-read programs when it does not).
 */
static __always_inline __s64 pass_time(__u64 now, bool now_is_ptr, bool cast)
{
	__s64 t = 0;

	if (!now_is_ptr)
		return now;
	if (cast)
		return *(__s64 *)bpf_rdonly_cast((void *)now, 0);
	bpf_probe_read_kernel(&t, sizeof(t), (void *)now);
	return t;
}

/* keep what this expiry's classification, at the next entry, needs */
static __always_inline void remember(struct lapic_vcpu *v, struct kt_snap *k,
				     __s64 pass_now)
{
	v->prev_target = k->target;
	v->prev_pass_now = pass_now;
	v->prev_mode = k->mode;
	v->prev_valid = 1;
}

static __always_inline int tp_btf_expiry(struct hrtimer *t, __u64 now,
					 bool now_is_ptr, bool cast)
{
	struct lapic_sample id = {};
	struct lapic_vcpu *v;
	struct stash *st;
	struct kt_snap k;

	/* every hrtimer passes here: reject the others before anything else */
	if ((__u64)t->function != counted_fn)
		return 0;
	/* through memory: the verifier does not let a pointer be hashed */
	st = this_stash();
	if (!st)
		return 0;
	st->number = hrtimer_to_timer(t);
	id.timer = *(volatile __u64 *)&st->number;
	v = timer_stats(&id);
	if (!v || v->ignored)
		return 0;
	read_timer(id.timer, &k, cast);
	if (v->prev_valid)
		classify_prev(v, &k, id.timer);
	remember(v, &k, pass_time(now, now_is_ptr, cast));
	return 0;
}

/*
 * One program per kernel: `now` by pointer (6.18) or by value (7.x), and
 * with KVM built in (_cast), direct loads through bpf_rdonly_cast.
 */
#define TP_BTF_EXPIRY(name, now_type, is_ptr, cast)			\
SEC("tp_btf/hrtimer_expire_entry")					\
int BPF_PROG(name, struct hrtimer *t, now_type now)			\
{									\
	return tp_btf_expiry(t, (__u64)now, is_ptr, cast);		\
}

TP_BTF_EXPIRY(tp_btf_expiry_ptr, ktime_t *, true, false)
TP_BTF_EXPIRY(tp_btf_expiry_val, ktime_t, false, false)
TP_BTF_EXPIRY(tp_btf_expiry_ptr_cast, ktime_t *, true, true)
TP_BTF_EXPIRY(tp_btf_expiry_val_cast, ktime_t, false, true)

#endif /* MIGSCOPE_LAPIC_TP_BTF_BPF_H */
