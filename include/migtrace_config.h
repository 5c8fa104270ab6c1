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
#include "usdt_spec.h"	/* the model's rodata: struct ms_usdt_fixed */

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

/*
 * The model's USDT probes (tools/xe-model/xe_usdt.h), each traced by the
 * program u_<probe> of migtrace_model.bpf.c, whose argument specs known
 * before load are mt_usdt_fixed[MT_U_<probe>] (include/usdt_spec.h).
 */
#define MT_USDT_PROBES(X)						\
	X(packet_alloc) X(packet_init) X(packet_init_from_hdr)		\
	X(packet_free) X(ring_produce) X(ring_consume)			\
	X(state_enter) X(state_exit) X(vram_copy_begin)			\
	X(vram_copy_end) X(data_read_entry) X(data_read_return)		\
	X(data_write_entry) X(data_write_return) X(descriptor)		\
	X(trailer) X(fault_injected)

enum mt_usdt_probe {
#define MT_USDT_ENUM(probe)	MT_U_##probe,
	MT_USDT_PROBES(MT_USDT_ENUM)
#undef MT_USDT_ENUM
	MT_U_NR
};

#endif /* MIGTRACE_CONFIG_H */
