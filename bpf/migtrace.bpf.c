// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace: VF migration tracing on a real kernel's xe driver, through
 * fentry/fexit (f_*, fx_*) or, where trampolines are refused,
 * kprobe/kretprobe twins (kp_*, krp_*) on the same functions, with CO-RE
 * against the BTF of the module that holds them.  The reference model's
 * USDT programs are their own object (migtrace_model.bpf.c), so tracing
 * the model never pays for the kernel's BTF.
 *
 * The attach ladder (src/ladder/ladders.c) loads one family.  Every
 * program decodes its arguments and calls the shared emitters of
 * migtrace_core.bpf.h, so both targets produce the same events.  The
 * families live in migtrace_kernel.bpf.h (what the kernel flavours
 * share), migtrace_fentry.bpf.h and migtrace_kprobe.bpf.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "xe_sriov_abi.h"
#include "inject_abi.h"
#include "migtrace_core.bpf.h"
#include "migtrace_xe.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* what the kernel flavours share, then the flavours */
#include "migtrace_kernel.bpf.h"
#include "migtrace_fentry.bpf.h"
#include "migtrace_kprobe.bpf.h"
