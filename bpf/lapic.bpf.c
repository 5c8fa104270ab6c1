// SPDX-License-Identifier: GPL-2.0
/*
 * migscope lapic: the KVM periodic LAPIC timer, expiry by expiry.
 *
 * Every entry point (fentry/fexit, kprobe/kretprobe, tp_btf, classic
 * tracepoints, and a raw_tp wrapper for BPF_PROG_TEST_RUN) reduces an
 * expiry to a struct lapic_sample and hands it to classify_row() (through
 * lapic_classify() where the timer's row is not found yet), the one place
 * that decides what happened: a normal advance, a late expiry, a clamp
 * (the upstream fix forcing the target to now) or a catch-up replay (the
 * pre-fix behaviour: the target is still not after the pass's now, so the
 * hrtimer code runs the callback again at once).  Counters live in an
 * array indexed by a hash of the kvm_timer address; only clamps, replay
 * bursts, hv/sw switches and alerts go through the ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bits.bpf.h"
#include "events.bpf.h"
#include "lapic_abi.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_pid;			/* -p, 0 for every VMM */
const volatile __u64 alert_lag_ns;		/* 0: off */
const volatile __u32 alert_burst;		/* 0: off */
/*
 * Offsets into KVM's structures, from the BTF that holds them.  With KVM
 * built as modules, kvm.ko and kvm_amd.ko/kvm_intel.ko each carry a copy of
 * these types and CO-RE refuses the ambiguity, so user space resolves them
 * in kvm's own BTF.  Only the *_cast programs (KVM built in) use CO-RE.
 */
const volatile __u32 off_kt_timer;		/* kvm_timer.timer */
const volatile __u32 off_kt_period;
const volatile __u32 off_kt_target;
const volatile __u32 off_kt_mode;
const volatile __u32 off_kt_hv;
const volatile __u32 off_kt_pending;
const volatile __u32 off_apic_timer;		/* kvm_lapic.lapic_timer */
const volatile __u32 off_apic_vcpu;
const volatile __u32 off_vcpu_id;		/* kvm_vcpu.vcpu_id */
const volatile __u32 off_vcpu_kvm;
const volatile __u32 off_kvm_pid;		/* kvm.userspace_pid */

/*
 * apic_timer_fn's address (from /proc/kallsyms) while counting: user space
 * sets it once every program is attached and clears it before its last
 * read.  One load both picks the LAPIC timers out of all hrtimers and says
 * whether to count.
 */
volatile __u64 counted_fn;
/* expiries of timers that found no slot (table full around their hash) */
__u64 untracked;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, LAPIC_MAX_TIMERS);
	__type(key, __u32);
	__type(value, struct lapic_vcpu);
} timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAPIC_MAX_TIMERS);
	__type(key, struct lapic_hv_key);
	__type(value, struct lapic_hv);
} hvstate SEC(".maps");

/*
 * What an entry hook saw, for its exit hook on the same CPU.  Two levels:
 * the timer interrupt can nest inside a vCPU thread's own advance
 * (start_sw_period), and the two must not mix.
 */
struct stash_slot {
	__u64 timer;		/* kvm_timer address, 0 if free */
	__s64 target_old;
	__s64 real_now;
	__s64 now;		/* the pass's now */
	__u32 mode;
	__u32 pad;
};

struct stash {
	__u32 depth;
	__u32 pad;
	__u64 cb_timer;		/* fentry/kprobe: apic_timer_fn in progress */
	__s64 cb_now;
	__s64 pass_now;		/* fentry/kprobe: now of this CPU's last pass */
	__u64 number;		/* tp_btf: a kernel address turned into a number */
	struct stash_slot slot[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stash);
} stashes SEC(".maps");

extern void *bpf_rdonly_cast(void *obj, __u32 btf_id) __ksym __weak;

static __always_inline struct stash *this_stash(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stashes, &zero);
}

#include "lapic_classify.bpf.h"

/* --- reading a kvm_timer ------------------------------------------------ */

struct kt_snap {
	__s64 period;
	__s64 target;
	__u32 mode;
	__u32 hv;
	__u32 pending;		/* interrupts the vCPU has not taken yet */
};

/* a field of the kvm_timer span read_timer() copied, at its offset */
#define KT_FIELD(span, type, off)					\
	(*(type *)((__u8 *)(span) +					\
		   (((off) - off_kt_period) & (LAPIC_KT_SPAN - sizeof(type)))))

static __always_inline void read_timer(__u64 timer, struct kt_snap *k,
				       bool cast)
{
	struct kvm_timer *kt = (void *)timer;
	__u64 span[LAPIC_KT_SPAN / 8];

	if (cast) {
		/* direct loads instead of a probe-read helper call */
		kt = bpf_rdonly_cast(kt, bpf_core_type_id_kernel(struct kvm_timer));
		k->period = kt->period;
		k->target = kt->target_expiration;
		k->mode = kt->timer_mode;
		k->hv = kt->hv_timer_in_use;
		k->pending = kt->pending.counter;
		return;
	}
	/* one helper call for every field (user space checked they fit) */
	bpf_probe_read_kernel(span, sizeof(span), (void *)(timer + off_kt_period));
	k->period = KT_FIELD(span, __s64, off_kt_period);
	k->target = KT_FIELD(span, __s64, off_kt_target);
	k->mode = KT_FIELD(span, __u32, off_kt_mode);
	k->hv = KT_FIELD(span, __u8, off_kt_hv);
	k->pending = KT_FIELD(span, __u32, off_kt_pending);
}

static __always_inline __u64 hrtimer_to_timer(const void *hrtimer)
{
	return (__u64)hrtimer - off_kt_timer;
}

static __always_inline __u64 apic_to_timer(const void *apic)
{
	return (__u64)apic + off_apic_timer;
}

static __always_inline struct stash_slot *push(struct stash *st)
{
	__u32 d = st->depth;

	/* more than two levels means an exit was missed: start over */
	if (d >= 2)
		d = 0;
	st->depth = d + 1;
	return &st->slot[d & 1];
}

/* the innermost entry, if it is the one of this timer (0: any) */
static __always_inline struct stash_slot *pop(struct stash *st, __u64 timer)
{
	struct stash_slot *sl;
	__u32 d = st->depth;

	if (d == 0 || d > 2)
		return NULL;
	sl = &st->slot[(d - 1) & 1];
	if (timer && sl->timer != timer)
		return NULL;
	st->depth = d - 1;
	return sl;
}

/* entry of an expiry: remember the target before the callback moves it */
static __always_inline int on_entry(__u64 timer, __s64 now)
{
	struct stash *st = this_stash();
	struct stash_slot *sl;
	struct kt_snap k;

	if (!st || !counted_fn)
		return 0;
	sl = push(st);
	if (!sl)
		return 0;
	read_timer(timer, &k, false);
	sl->timer = timer;
	sl->target_old = k.target;
	sl->real_now = bpf_ktime_get_ns();
	sl->now = now;
	sl->mode = k.mode;
	return 0;
}

static __always_inline int on_exit(struct stash *st, __u64 timer,
				   bool check_timer)
{
	struct lapic_sample s = {};
	struct stash_slot *sl;
	struct kt_snap k;

	if (!st)
		return 0;
	sl = pop(st, check_timer ? timer : 0);
	if (!sl)
		return 0;
	/*
	 * Reload from the map: the register that matched it may still be
	 * typed as a kernel pointer, which the hash may not multiply.
	 */
	s.timer = *(volatile __u64 *)&sl->timer;
	read_timer(s.timer, &k, false);
	s.period = k.period;
	s.target_old = sl->target_old;
	s.target_new = k.target;
	s.pass_now = sl->now;
	s.real_now = sl->real_now;
	s.mode = sl->mode;
	s.hv = k.hv;
	s.advanced = 1;
	sl->timer = 0;
	lapic_classify(&s);
	return 0;
}

#include "lapic_tp_btf.bpf.h"

/* --- classic tracepoints ------------------------------------------------- */

SEC("tp/timer/hrtimer_expire_entry")
int tp_entry(struct trace_event_raw_hrtimer_expire_entry *ctx)
{
	if ((__u64)ctx->function != counted_fn)
		return 0;
	return on_entry(hrtimer_to_timer(ctx->hrtimer), ctx->now);
}

SEC("tp/timer/hrtimer_expire_exit")
int tp_exit(struct trace_event_raw_hrtimer_class *ctx)
{
	struct stash *st = this_stash();

	if (!st || !st->depth)
		return 0;
	return on_exit(st, hrtimer_to_timer(ctx->hrtimer), true);
}

/* --- fentry/fexit: the advance itself, hrtimer and HV timer paths ------- */

/*
 * __hrtimer_run_queues(cpu_base, now, ...) runs the callbacks of one pass,
 * replays included, against that now (the monotonic base has offset 0).
 * A hard timer's callback only runs inside one, with interrupts off, so the
 * last pass entered on this CPU is the callback's.  The time a callback
 * starts is no stand-in: a pre-fix replay burst would then span as many
 * "passes" as callbacks, and a target due between the pass's now and the
 * callback's start would count as a replay the kernel never ran.
 */
static __always_inline int pass_begins(__s64 now)
{
	struct stash *st = this_stash();

	if (st && counted_fn)
		st->pass_now = now;
	return 0;
}

/* remember the pass the callback runs in (before the first one: its start) */
static __always_inline int callback_begins(__u64 timer)
{
	struct stash *st = this_stash();

	if (!st || !counted_fn)
		return 0;
	st->cb_timer = timer;
	st->cb_now = st->pass_now ? st->pass_now : bpf_ktime_get_ns();
	return 0;
}

SEC("fentry/__hrtimer_run_queues")
int BPF_PROG(fentry_pass, void *cpu_base, ktime_t now)
{
	return pass_begins(now);
}

static __always_inline int advance_begins(__u64 timer)
{
	struct stash *st = this_stash();
	__u64 now;

	if (!st || !counted_fn)
		return 0;
	/* from apic_timer_fn: the callback's start; else (HV timer, restart) now */
	now = st->cb_timer == timer ? st->cb_now : bpf_ktime_get_ns();
	st->cb_timer = 0;
	return on_entry(timer, now);
}

SEC("fentry/apic_timer_fn")
int BPF_PROG(fentry_timer_fn, struct hrtimer *t)
{
	return callback_begins(hrtimer_to_timer(t));
}

SEC("fentry/advance_periodic_target_expiration")
int BPF_PROG(fentry_advance, struct kvm_lapic *apic)
{
	return advance_begins(apic_to_timer(apic));
}

SEC("fexit/advance_periodic_target_expiration")
int BPF_PROG(fexit_advance, struct kvm_lapic *apic)
{
	return on_exit(this_stash(), apic_to_timer(apic), true);
}

/* --- kprobe/kretprobe: same, where trampolines are refused --------------- */

SEC("kprobe/__hrtimer_run_queues")
int BPF_KPROBE(kprobe_pass, void *cpu_base, ktime_t now)
{
	return pass_begins(now);
}

SEC("kprobe/apic_timer_fn")
int BPF_KPROBE(kprobe_timer_fn, struct hrtimer *t)
{
	return callback_begins(hrtimer_to_timer(t));
}

SEC("kprobe/advance_periodic_target_expiration")
int BPF_KPROBE(kprobe_advance, struct kvm_lapic *apic)
{
	return advance_begins(apic_to_timer(apic));
}

/* no arguments on return: the stash depth pairs it with its entry */
SEC("kretprobe/advance_periodic_target_expiration")
int BPF_KRETPROBE(kretprobe_advance)
{
	return on_exit(this_stash(), 0, false);
}

/* --- hv/sw timer switches ------------------------------------------------ */

SEC("tp/kvm/kvm_hv_timer_state")
int tp_hv_timer_state(struct trace_event_raw_kvm_hv_timer_state *ctx)
{
	struct lapic_hv_key key = {
		.pid = bpf_get_current_pid_tgid() >> 32,
		.vcpu = ctx->vcpu_id,
	};
	__u32 hv = ctx->hv_timer_in_use ? 1 : 0;
	struct lapic_hv *h, init = {};
	struct ms_event *e;

	if (!counted_fn || (targ_pid && key.pid != targ_pid))
		return 0;
	h = bpf_map_lookup_elem(&hvstate, &key);
	if (!h) {
		bpf_map_update_elem(&hvstate, &key, &init, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hvstate, &key);
		if (!h)
			return 0;
	}
	h->events++;
	/* fired on every (re)start: only a change of state is a switch */
	if (h->seen && h->state != hv) {
		if (hv)
			h->to_hv++;
		else
			h->to_sw++;
		e = ms_event_reserve(MS_EV_LAPIC, MS_LAPIC_HV_SWITCH);
		if (e) {
			e->lapic.vcpu = key.vcpu;
			e->lapic.hv = hv;
			ms_event_submit(e);
		}
	}
	h->seen = 1;
	h->state = hv;
	return 0;
}

/* --- BPF_PROG_TEST_RUN: synthetic expiries ------------------------------- */

/*
 * One expiry: args[] = timer, pid, vcpu, period, target_old, target_new,
 * pass_now, real_now, mode.  The raw_tp section is never attached.
 */
SEC("raw_tp/hrtimer_expire_exit")
int test_expiry(__u64 *ctx)
{
	struct lapic_sample s = {
		.timer = ctx[0],
		.pid = ctx[1],
		.vcpu = ctx[2],
		.period = ctx[3],
		.target_old = ctx[4],
		.target_new = ctx[5],
		.pass_now = ctx[6],
		.real_now = ctx[7],
		.mode = ctx[8],
		.kvm = ctx[1],
		.have_ident = 1,
		.advanced = 1,
	};

	return lapic_classify(&s);
}

struct storm_ctx {
	struct lapic_sample s;
	__u32 fixed;
	__u32 ran;
};

/*
 * One hrtimer interrupt pass as the kernel runs it: advance the target
 * (pre-fix: by one period; fixed: clamped to now) and re-run the callback
 * while the new target is not after the pass's now.
 */
static long storm_step(__u32 i, struct storm_ctx *c)
{
	struct lapic_sample *s = &c->s;

	s->target_new = s->target_old + s->period;
	if (c->fixed && s->target_new < s->real_now)
		s->target_new = s->real_now;
	lapic_classify(s);
	c->ran++;
	if (s->target_new > s->pass_now)
		return 1;
	s->target_old = s->target_new;
	return 0;
}

/*
 * args[] = timer, pid, vcpu, period, target_old, pass_now, real_now,
 * fixed, max_callbacks; returns the callbacks run.
 */
SEC("raw_tp/hrtimer_expire_exit")
int test_storm(__u64 *ctx)
{
	struct storm_ctx c = {
		.s = {
			.timer = ctx[0],
			.pid = ctx[1],
			.vcpu = ctx[2],
			.period = ctx[3],
			.target_old = ctx[4],
			.pass_now = ctx[5],
			.real_now = ctx[6],
			.mode = LAPIC_MODE_PERIODIC,
			.kvm = ctx[1],
			.have_ident = 1,
			.advanced = 1,
		},
		.fixed = ctx[7],
	};

	if (c.s.period <= 0)
		return 0;
	bpf_loop(ctx[8], storm_step, &c, 0);
	return c.ran;
}
