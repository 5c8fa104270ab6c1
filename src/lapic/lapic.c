// SPDX-License-Identifier: GPL-2.0
/*
 * migscope lapic: the KVM periodic LAPIC timer on the running kernel, per
 * VM and vCPU: expiry rate, period, lag at expiry, late expiries, clamps
 * (the upstream catch-up fix at work), catch-up replays (pre-fix behaviour)
 * and hv/sw timer switches.  BPF aggregates per timer; user space diffs the
 * cumulative counters every interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "lapic.h"
#include "ladders.h"
#include "perfetto_events.h"
#include "commands.h"
#include "lapic.skel.h"

#define POLL_MS		100

/* --- opening the rung ladder picked ----------------------------------- */

static int pick_rung(struct lapic_run *r)
{
	struct ms_ladder_choice c;

	ms_ladder_pick(&ms_feature_lapic, r->o.rung, &c);
	if (c.rung < 0) {
		if (r->o.rung)
			return ms_err("lapic: rung %s cannot be used: %s",
				      r->o.rung, c.why);
		return ms_err("lapic: no rung of the attach ladder works here: %s",
			      c.why);
	}
	r->rung = &ms_feature_lapic.rungs[c.rung];
	fprintf(stderr, "migscope lapic: rung %s%s%s%s\n", r->rung->name,
		c.why[0] ? " (" : "", c.why, c.why[0] ? ")" : "");
	return 0;
}

/* the object with the rung's programs for these kernel facts, configured */
static int open_obj(struct lapic_run *r, struct btf *btf, unsigned int facts)
{
	r->obj = lapic_bpf__open();
	if (!r->obj)
		return ms_err("cannot open the lapic BPF object: %s",
			      strerror(errno));
	if (lapic_kvm_offsets(r->obj, btf) ||
	    ms_rung_select(r->rung, r->obj->obj, facts) < 0)
		return -1;
	r->obj->rodata->targ_pid = r->o.pid;
	r->obj->rodata->alert_lag_ns = r->o.alert_lag;
	r->obj->rodata->alert_burst = r->o.alert_burst;
	return 0;
}

static int load_obj(struct lapic_run *r, const char **why)
{
	int err;

	*why = "";
	if (ms_events_init(&r->ev, r->obj->maps.events, 0))
		return -EINVAL;
	ms_libbpf_capture_begin();
	err = lapic_bpf__load(r->obj);
	*why = ms_libbpf_capture_end();
	/* the rings exist before any program can write to them */
	if (!err && ms_events_open(&r->ev, r->obj->maps.drops,
				   lapic_on_event, r)) {
		*why = "setting up the event rings failed";
		return -EINVAL;
	}
	if (err)
		return err;
	ms_libbpf_capture_begin();
	err = lapic_bpf__attach(r->obj);
	*why = ms_libbpf_capture_end();
	return err;
}

static int open_bpf(struct lapic_run *r)
{
	struct btf *btf = ms_vmlinux_btf();
	unsigned int facts = ms_kernel_facts();
	const char *why;
	int err;

	if (!btf)
		return ms_err("the kernel has no BTF (/sys/kernel/btf/vmlinux): migscope lapic needs it");
	/* --probe-read: the helper-based reads, to compare their cost */
	if (r->o.probe_read)
		facts &= ~MS_FACT_KVM_RDONLY_CAST;
	if (open_obj(r, btf, facts))
		return -1;
	err = load_obj(r, &why);
	/*
	 * A `now` passed by pointer is read through bpf_rdonly_cast() to void,
	 * which verifiers before 6.17 refuse: then read it with helpers.
	 */
	if (err && (facts & MS_FACT_HRTIMER_NOW_PTR) &&
	    (facts & MS_FACT_KVM_RDONLY_CAST)) {
		ms_events_close(&r->ev);
		lapic_bpf__destroy(r->obj);
		facts &= ~MS_FACT_KVM_RDONLY_CAST;
		if (open_obj(r, btf, facts))
			return -1;
		err = load_obj(r, &why);
	}
	if (err)
		return ms_err("lapic: cannot load or attach the %s programs: %s%s%s",
			      r->rung->name, strerror(-err), *why ? ": " : "",
			      why);
	ms_info("hrtimer_expire_entry passes now %s; kvm_timer reads %s",
		facts & MS_FACT_HRTIMER_NOW_PTR ? "by pointer" : "by value",
		facts & MS_FACT_KVM_RDONLY_CAST ? "direct (bpf_rdonly_cast)" :
		"by bpf_probe_read_kernel");
	return 0;
}

/* --- main loop ----------------------------------------------------------- */

static int run(struct lapic_run *r)
{
	uint64_t now, end, step;

	step = (uint64_t)(r->o.interval_s * 1e9);
	end = r->o.duration_s > 0 ? r->t0 + (uint64_t)(r->o.duration_s * 1e9) : 0;
	while (!ms_exiting) {
		ms_events_poll(&r->ev, POLL_MS);
		lapic_metrics_tick(r, false);
		now = ms_now_ns();
		if (r->pf)
			lapic_perfetto_sample(r);
		if (end && now >= end)
			break;
		if (now - r->last_tick >= step) {
			lapic_report_interval(r, now);
			lapic_metrics_tick(r, true);
			if (r->o.count && r->intervals >= r->o.count)
				break;
		}
	}
	/* the hooks keep firing; stop counting before the last read */
	r->obj->bss->counted_fn = 0;
	ms_events_drain(&r->ev);
	now = ms_now_ns();
	if (r->pf)
		lapic_perfetto_sample(r);
	if (now - r->last_tick >= step / 2 && !(r->o.count && r->intervals >= r->o.count))
		lapic_report_interval(r, now);
	lapic_report_summary(r, now);
	lapic_metrics_tick(r, true);
	lapic_report_cost(r);
	return 0;
}
int cmd_lapic(int argc, char **argv)
{
	struct lapic_run r = { .http.fd = -1 };
	uint64_t timer_fn = 0;
	int err;

	err = lapic_parse_args(argc, argv, &r.o);
	if (err)
		return err < 0 ? 0 : err;
	if (lapic_check_kvm(&timer_fn))
		return 1;
	if (r.o.pid && lapic_check_vmm(r.o.pid))
		return 1;
	if (ms_require_bpf_privileges("lapic"))
		return 1;
	ms_setup_signals();
	if (pick_rung(&r) || open_bpf(&r)) {
		lapic_bpf__destroy(r.obj);
		return 1;
	}
	err = lapic_map_table(&r);
	r.t0 = r.last_tick = ms_now_ns();
	if (!err)
		err = lapic_metrics_open(&r);
	if (!err && r.o.perfetto)
		err = (r.pf = ms_pf_open(r.o.perfetto, r.t0)) ? 0 : -1;
	if (!err) {
		json_init(&r.j, stdout);
		r.obj->bss->counted_fn = timer_fn;
		err = run(&r);
	}
	if (r.pf && ms_pf_close(r.pf, ms_now_ns()))
		err = ms_err("writing the Perfetto trace %s failed", r.o.perfetto);
	lapic_metrics_close(&r);
	ms_events_close(&r.ev);
	if (r.table)
		munmap((void *)r.table, LAPIC_MAX_TIMERS * sizeof(*r.table));
	lapic_bpf__destroy(r.obj);
	free(r.rows);
	ms_vm_names_free(&r.names);
	return err ? 1 : 0;
}
