/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What user space sets in a migtrace object (the kernel target's
 * migtrace.bpf.c or the model's migtrace_model.bpf.c) before loading it:
 * one read-only struct, so one function fills it for either skeleton and
 * the verifier prunes the branches it turns off.
 */
#ifndef MIGTRACE_CONFIG_H
#define MIGTRACE_CONFIG_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

struct mt_config {
	/* filters; MS_ANY disables one */
	__u32 targ_vf;
	__u32 targ_gt;
	__u32 targ_type;
	/* only tgids in the tgids map (a launched process tree) */
	__u8 filter_tgid;
	/* count in BPF, send nothing per event (include/migtrace_agg.h) */
	__u8 totals_only;
	__u8 pad[2];
};

#endif /* MIGTRACE_CONFIG_H */
