// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace: VF migration tracing.  One object, two targets:
 *
 *  - the reference model, through its USDT probes (provider "xe", see
 *    tools/xe-model/xe_usdt.h): the u_* programs;
 *  - a real kernel's xe driver, through fentry/fexit (f_*, fx_*) or, where
 *    trampolines are refused, kprobe/kretprobe twins (kp_*, krp_*) on the
 *    same functions.
 *
 * The attach ladder (src/ladder/ladders.c) loads one family.  Every
 * program decodes its arguments and calls the shared emitters of
 * migtrace_core.bpf.h, so both targets produce the same events.  The
 * families live in migtrace_model.bpf.h (USDT), migtrace_kernel.bpf.h
 * (what the kernel flavours share), migtrace_fentry.bpf.h and
 * migtrace_kprobe.bpf.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "usdt_args.bpf.h"
#include "xe_sriov_abi.h"
#include "inject_abi.h"
#include "migtrace_core.bpf.h"
#include "migtrace_xe.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* ======================================================================
 * Process tree following for `migscope trace -- COMMAND`: children of a
 * traced process are traced too (migsim runs source and destination as
 * two children).
 */
SEC("tp/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	/* current is the parent; parent_pid would be the forking thread */
	__u32 parent = mt_tgid(), child = ctx->child_pid;
	__u8 one = 1;

	if (bpf_map_lookup_elem(&tgids, &parent))
		bpf_map_update_elem(&tgids, &child, &one, BPF_ANY);
	return 0;
}

/* the model target, then the kernel target's shared part and flavours */
#include "migtrace_model.bpf.h"
#include "migtrace_kernel.bpf.h"
#include "migtrace_fentry.bpf.h"
#include "migtrace_kprobe.bpf.h"
