// SPDX-License-Identifier: GPL-2.0
/*
 * The attach ladder of every migscope feature, best rung first.  Features
 * pick their hooks with ms_ladder_pick() on these; doctor prints them.
 */
#include "ladders.h"

static const struct ms_rung mig_kernel_rungs[] = {
	{ "fentry", MS_HOOK_FENTRY, MS_HOOK_FEXIT, "xe",
	  "xe_sriov_pf_migration_read", NULL },
	{ "kprobe", MS_HOOK_KPROBE, MS_HOOK_KRETPROBE, "xe",
	  "xe_sriov_pf_migration_read", NULL },
};

const struct ms_feature ms_feature_mig_kernel = {
	"trace-kernel", "migration tracing on the real xe driver",
	mig_kernel_rungs, ARRAY_SIZE(mig_kernel_rungs),
};

static const struct ms_rung mig_model_rungs[] = {
	{ "usdt", MS_HOOK_USDT, MS_HOOK_RINGBUF, NULL, NULL, NULL },
};

const struct ms_feature ms_feature_mig_model = {
	"trace-model", "migration tracing on the reference model (USDT)",
	mig_model_rungs, ARRAY_SIZE(mig_model_rungs),
};

static const struct ms_rung lapic_rungs[] = {
	{ "fentry", MS_HOOK_FENTRY, MS_HOOK_FEXIT, "kvm",
	  "advance_periodic_target_expiration", "/dev/kvm" },
	{ "kprobe", MS_HOOK_KPROBE, MS_HOOK_KRETPROBE, "kvm",
	  "advance_periodic_target_expiration", "/dev/kvm" },
	{ "tp_btf", MS_HOOK_TP_BTF, MS_HOOK_TP_BTF, "kvm", "apic_timer_fn",
	  "/dev/kvm" },
	{ "tracepoint", MS_HOOK_TRACEPOINT, MS_HOOK_TRACEPOINT, NULL, NULL,
	  "/dev/kvm" },
};

const struct ms_feature ms_feature_lapic = {
	"lapic", "LAPIC periodic timer monitor (real KVM)",
	lapic_rungs, ARRAY_SIZE(lapic_rungs),
};

static const struct ms_rung inject_model_rungs[] = {
	{ "fault-site", MS_HOOK_USDT, MS_HOOK_MMAPABLE, NULL, NULL, NULL },
};

const struct ms_feature ms_feature_inject_model = {
	"inject-model", "fault injection at the model's cooperative fault sites",
	inject_model_rungs, ARRAY_SIZE(inject_model_rungs),
};

static const struct ms_rung inject_signal_rungs[] = {
	{ "send-signal", MS_HOOK_USDT, MS_HOOK_SEND_SIGNAL, NULL, NULL, NULL },
};

const struct ms_feature ms_feature_inject_signal = {
	"inject-signal", "interrupting blocking reads/writes with a signal",
	inject_signal_rungs, ARRAY_SIZE(inject_signal_rungs),
};

/*
 * bpf_override_return and should_failslab need a kernel with function
 * error injection; none we can test on has it, so no rung claims them.
 */
static const struct ms_rung inject_kernel_rungs[] = {
	{ "fmod_ret", MS_HOOK_FMOD_RET, MS_HOOK_FMOD_RET, NULL,
	  "security_file_permission", NULL },
};

const struct ms_feature ms_feature_inject_kernel = {
	"inject-kernel", "fault injection at the VFIO read/write boundary of a real kernel",
	inject_kernel_rungs, ARRAY_SIZE(inject_kernel_rungs),
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
