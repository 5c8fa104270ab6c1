// SPDX-License-Identifier: GPL-2.0
/*
 * The attach ladder of every migscope feature, best rung first, with the
 * programs each rung loads from the feature's BPF object.  Features pick
 * their rung with ms_ladder_pick() and their programs with ms_rung_select()
 * on these; doctor prints them.  Programs a command adds for its own
 * options (following forks, counting leaks) work on every rung and are not
 * listed here.
 */
#include "ladders.h"
#include "xe_btf.h"

/*
 * --- migration tracing: one object per target, so a start-up loads (and
 * libbpf relocates) only the chosen family: bpf/migtrace.bpf.c for the
 * kernel, bpf/migtrace_model.bpf.c for the model ----------------------- */

static const struct ms_rung_prog mig_fentry_progs[] = {
	MS_PROGS_IN("fentry/"), MS_PROGS_IN("fexit/"), {}
};

static const struct ms_rung_prog mig_kprobe_progs[] = {
	MS_PROGS_IN("kprobe/"), MS_PROGS_IN("kretprobe/"), {}
};

static const struct ms_rung mig_kernel_rungs[] = {
	{ "fentry", MS_HOOK_FENTRY, MS_HOOK_FEXIT, MS_ANY_MODULE,
	  XE_KMOD_ANCHOR, NULL, mig_fentry_progs, NULL },
	{ "kprobe", MS_HOOK_KPROBE, MS_HOOK_KRETPROBE, MS_ANY_MODULE,
	  XE_KMOD_ANCHOR, NULL, mig_kprobe_progs, NULL },
};

const struct ms_feature ms_feature_mig_kernel = {
	"trace-kernel", "migration tracing on the real xe driver", "migtrace",
	mig_kernel_rungs, ARRAY_SIZE(mig_kernel_rungs),
};

/*
 * one program per probe of the model's xe provider, attached by hand: a
 * uprobe per site of the binary's notes, read once (src/trace/trace_usdt.c)
 */
static const struct ms_rung_prog mig_usdt_progs[] = {
	MS_PROGS_IN("usdt"), {}
};

static const struct ms_rung mig_model_rungs[] = {
	{ "usdt", MS_HOOK_USDT, MS_HOOK_RINGBUF, NULL, NULL, NULL,
	  mig_usdt_progs, NULL },
};

const struct ms_feature ms_feature_mig_model = {
	"trace-model", "migration tracing on the reference model (USDT)",
	"migtrace_model", mig_model_rungs, ARRAY_SIZE(mig_model_rungs),
};

/* --- the LAPIC timer monitor: bpf/lapic.bpf.c ---------------------------- */

#define NOW_PTR	MS_FACT_HRTIMER_NOW_PTR
#define CAST	MS_FACT_KVM_RDONLY_CAST

static const struct ms_rung_prog lapic_fentry_progs[] = {
	MS_PROG("fentry_pass"), MS_PROG("fentry_timer_fn"),
	MS_PROG("fentry_advance"), MS_PROG("fexit_advance"),
	MS_PROG("tp_hv_timer_state"), {}
};

static const struct ms_rung_prog lapic_kprobe_progs[] = {
	MS_PROG("kprobe_pass"), MS_PROG("kprobe_timer_fn"),
	MS_PROG("kprobe_advance"), MS_PROG("kretprobe_advance"),
	MS_PROG("tp_hv_timer_state"), {}
};

/*
 * One program per expiry, on hrtimer_expire_entry, for this kernel: `now`
 * by pointer (6.18) or by value (7.x), and with KVM built in, direct loads
 * through bpf_rdonly_cast instead of bpf_probe_read_kernel.
 */
static const struct ms_rung_prog lapic_tp_btf_progs[] = {
	MS_PROG_IF("tp_btf_expiry_ptr_cast", NOW_PTR | CAST, 0),
	MS_PROG_IF("tp_btf_expiry_val_cast", CAST, NOW_PTR),
	MS_PROG_IF("tp_btf_expiry_ptr", NOW_PTR, CAST),
	MS_PROG_IF("tp_btf_expiry_val", 0, NOW_PTR | CAST),
	MS_PROG("tp_hv_timer_state"), {}
};

static const struct ms_rung_prog lapic_tracepoint_progs[] = {
	MS_PROG("tp_entry"), MS_PROG("tp_exit"), MS_PROG("tp_hv_timer_state"),
	{}
};

#undef NOW_PTR
#undef CAST

static const struct ms_rung lapic_rungs[] = {
	/* the pass's now comes from __hrtimer_run_queues (docs/lapic-storm.md) */
	{ "fentry", MS_HOOK_FENTRY, MS_HOOK_FEXIT, "kvm",
	  "advance_periodic_target_expiration", "/dev/kvm",
	  lapic_fentry_progs, "__hrtimer_run_queues" },
	{ "kprobe", MS_HOOK_KPROBE, MS_HOOK_KRETPROBE, "kvm",
	  "advance_periodic_target_expiration", "/dev/kvm",
	  lapic_kprobe_progs, "__hrtimer_run_queues" },
	{ "tp_btf", MS_HOOK_TP_BTF, MS_HOOK_TP_BTF, "kvm", "apic_timer_fn",
	  "/dev/kvm", lapic_tp_btf_progs, NULL },
	{ "tracepoint", MS_HOOK_TRACEPOINT, MS_HOOK_TRACEPOINT, NULL, NULL,
	  "/dev/kvm", lapic_tracepoint_progs, NULL },
};

const struct ms_feature ms_feature_lapic = {
	"lapic", "LAPIC periodic timer monitor (real KVM)", "lapic",
	lapic_rungs, ARRAY_SIZE(lapic_rungs),
};

/* --- fault injection: bpf/inject.bpf.c ----------------------------------- */

/* the model's fault site, scoped to the target's process tree */
static const struct ms_rung_prog inject_site_progs[] = {
	MS_PROG("fault_site"), MS_PROG("track_fork"), MS_PROG("track_exit"),
	{}
};

static const struct ms_rung inject_model_rungs[] = {
	{ "fault-site", MS_HOOK_USDT, MS_HOOK_MMAPABLE, NULL, NULL, NULL,
	  inject_site_progs, NULL },
};

const struct ms_feature ms_feature_inject_model = {
	"inject-model", "fault injection at the model's cooperative fault sites",
	"inject", inject_model_rungs, ARRAY_SIZE(inject_model_rungs),
};

static const struct ms_rung inject_signal_rungs[] = {
	{ "send-signal", MS_HOOK_USDT, MS_HOOK_SEND_SIGNAL, NULL, NULL, NULL,
	  inject_site_progs, NULL },
};

const struct ms_feature ms_feature_inject_signal = {
	"inject-signal", "interrupting blocking reads/writes with a signal",
	"inject", inject_signal_rungs, ARRAY_SIZE(inject_signal_rungs),
};

static const struct ms_rung_prog inject_fmod_ret_progs[] = {
	MS_PROG("file_perm"), MS_PROG("track_fork"), MS_PROG("track_exit"),
	{}
};

/*
 * bpf_override_return and should_failslab need a kernel with function
 * error injection; none we can test on has it, so no rung claims them.
 */
static const struct ms_rung inject_kernel_rungs[] = {
	{ "fmod_ret", MS_HOOK_FMOD_RET, MS_HOOK_FMOD_RET, NULL,
	  "security_file_permission", NULL, inject_fmod_ret_progs,
	  NULL },
};

const struct ms_feature ms_feature_inject_kernel = {
	"inject-kernel", "fault injection at the VFIO read/write boundary of a real kernel",
	"inject", inject_kernel_rungs, ARRAY_SIZE(inject_kernel_rungs),
};

const struct ms_feature *const ms_features[] = {
	&ms_feature_mig_kernel,
	&ms_feature_mig_model,
	&ms_feature_lapic,
	&ms_feature_inject_model,
	&ms_feature_inject_signal,
	&ms_feature_inject_kernel,
};

const int ms_nr_features = ARRAY_SIZE(ms_features);
