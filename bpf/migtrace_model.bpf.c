// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace_model: VF migration tracing on the reference model, through its
 * USDT probes (provider "xe", tools/xe-model/xe_usdt.h): the u_* programs,
 * and on_fork to follow a launched command's children.  The kernel
 * target's programs are in migtrace.bpf.c; both decode their arguments and
 * call the shared emitters of migtrace_core.bpf.h, so both produce the
 * same events.
 *
 * This object has no CO-RE relocation and no program that needs the
 * kernel's BTF, so libbpf never parses vmlinux BTF to load it (several MB,
 * the largest part of a start-up): vmlinux.h is included for its types
 * only, USDT arguments are read by bpf/lib/usdt_args.bpf.h, and on_fork
 * reads the tracepoint's record at the offset its tracefs format gives.
 * tests/trace/test_model_object.sh checks it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "usdt_args.bpf.h"
#include "xe_sriov_abi.h"
#include "inject_abi.h"
#include "migtrace_core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* offset of child_pid in sched_process_fork's record (its tracefs format) */
const volatile __u32 fork_child_pid_off;

/*
 * Process tree following for `migscope trace -- COMMAND`: children of a
 * traced process are traced too (migsim runs source and destination as
 * two children).  The record's layout changed across kernels (6.18 made
 * the comms __data_loc strings), hence the offset from user space.
 */
SEC("tp/sched/sched_process_fork")
int on_fork(void *ctx)
{
	/* current is the parent; parent_pid would be the forking thread */
	__u32 parent = mt_tgid(), child = 0;
	__u8 one = 1;

	if (!bpf_map_lookup_elem(&tgids, &parent))
		return 0;
	if (bpf_probe_read_kernel(&child, sizeof(child),
				  ctx + fork_child_pid_off) || !child)
		return 0;
	bpf_map_update_elem(&tgids, &child, &one, BPF_ANY);
	return 0;
}

/* ======================================================================
 * Model target: USDT.  Arguments arrive as longs, in contract order.  A
 * program reads only the arguments its view uses: U_EV() marks those only
 * a per-event record shows, never read when counting in BPF.  Where user
 * space knew a site's arguments before load (mt_usdt_fixed), reading one
 * is a single load; otherwise the site's spec is looked up
 * (bpf/lib/usdt_args.bpf.h).
 */
const volatile struct ms_usdt_fixed mt_usdt_fixed[MT_U_NR];

/* probe: MT_U_<name>, a constant once inlined, so the rodata offset is too */
#define U_ENTER(probe)						\
	const volatile struct ms_usdt_fixed *fixed = &mt_usdt_fixed[probe]; \
	const struct ms_usdt_spec *spec = NULL;			\
	__u64 cookie;						\
								\
	if (!mt_tgid_ok())					\
		return 0;					\
	cookie = ms_usdt_cookie(ctx);				\
	/* no cookies: the site's spec by its address, once */	\
	if (!LINUX_HAS_BPF_COOKIE && !(spec = ms_usdt_spec_of(ctx, 0))) \
		return 0
#define U_ARG(n)	(LINUX_HAS_BPF_COOKIE ?				\
			 ms_usdt_arg_fixed(ctx, cookie, fixed, n) :	\
			 ms_usdt_arg(ctx, spec, n))
#define U_EV(n)		(mt_cfg.totals_only ? 0 : U_ARG(n))

SEC("usdt")
int u_packet_alloc(struct pt_regs *ctx)
{
	struct mt_pkt p = { .vf = MS_VF_UNKNOWN, .gt = MS_GT_UNKNOWN };
	U_ENTER(MT_U_packet_alloc);

	p.pkt = U_EV(0);
	mt_packet(MS_PKT_ALLOC, &p);
	return 0;
}

/* packet_init and packet_init_from_hdr: (pkt, vfid, tile, gt, type, offset, size, ret) */
static __always_inline int u_init(struct pt_regs *ctx, __u16 op, int probe)
{
	struct mt_pkt p = {
		.dir = op == MS_PKT_INIT ? MS_DIR_SAVE : MS_DIR_RESTORE,
	};
	U_ENTER(probe);

	p.pkt = U_EV(0);
	p.vf = U_ARG(1);
	p.tile = U_EV(2);
	p.gt = U_ARG(3);
	p.type = U_ARG(4);
	p.offset = U_EV(5);
	p.size = U_ARG(6);
	p.ret = U_ARG(7);
	mt_packet(op, &p);
	return 0;
}

SEC("usdt")
int u_packet_init(struct pt_regs *ctx)
{
	return u_init(ctx, MS_PKT_INIT, MT_U_packet_init);
}

SEC("usdt")
int u_packet_init_from_hdr(struct pt_regs *ctx)
{
	return u_init(ctx, MS_PKT_INIT_FROM_HDR, MT_U_packet_init_from_hdr);
}

/* (pkt, type, size) */
SEC("usdt")
int u_packet_free(struct pt_regs *ctx)
{
	struct mt_pkt p = { .vf = MS_VF_UNKNOWN, .gt = MS_GT_UNKNOWN };
	U_ENTER(MT_U_packet_free);

	p.pkt = U_EV(0);
	p.type = U_ARG(1);
	p.size = U_EV(2);
	mt_packet(MS_PKT_FREE, &p);
	return 0;
}

/*
 * ring_produce (gt, vfid, pkt, type, occ, ret, dir) and
 * ring_consume (gt, vfid, pkt, type, occ, dir)
 */
static __always_inline int u_ring(struct pt_regs *ctx, __u16 op, int probe)
{
	struct mt_pkt p = {};
	U_ENTER(probe);

	p.gt = U_ARG(0);
	p.vf = U_ARG(1);
	p.pkt = U_ARG(2);
	p.type = U_ARG(3);
	p.occ = U_ARG(4);
	if (op == MS_PKT_PRODUCE) {
		p.ret = U_ARG(5);
		p.dir = U_EV(6);
	} else {
		p.dir = U_EV(5);
	}
	mt_packet(op, &p);
	return 0;
}

SEC("usdt")
int u_ring_produce(struct pt_regs *ctx)
{
	return u_ring(ctx, MS_PKT_PRODUCE, MT_U_ring_produce);
}

SEC("usdt")
int u_ring_consume(struct pt_regs *ctx)
{
	return u_ring(ctx, MS_PKT_CONSUME, MT_U_ring_consume);
}

/* state_enter and state_exit: (gt, vfid, bit, bitmap) */
static __always_inline int u_state(struct pt_regs *ctx, bool entered, int probe)
{
	U_ENTER(probe);

	mt_state(U_ARG(0), U_ARG(1), U_ARG(2), entered, U_EV(3));
	return 0;
}

SEC("usdt")
int u_state_enter(struct pt_regs *ctx)
{
	return u_state(ctx, true, MT_U_state_enter);
}

SEC("usdt")
int u_state_exit(struct pt_regs *ctx)
{
	return u_state(ctx, false, MT_U_state_exit);
}

/* (gt, vfid, dir, offset, bytes) */
SEC("usdt")
int u_vram_copy_begin(struct pt_regs *ctx)
{
	U_ENTER(MT_U_vram_copy_begin);

	mt_vram_begin(U_ARG(0), U_ARG(1), U_ARG(2), U_EV(3), U_ARG(4),
		      XE_SRIOV_PACKET_TYPE_VRAM);
	return 0;
}

/*
 * End probes stamp the time first and read only the argument they need
 * (the return value): the copy or call is timed, not our own work.
 */
SEC("usdt")
int u_vram_copy_end(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	U_ENTER(MT_U_vram_copy_end);

	mt_vram_end(U_ARG(5), now);
	return 0;
}

/* data_read_entry and data_write_entry: (vfid, len) */
SEC("usdt")
int u_data_read_entry(struct pt_regs *ctx)
{
	U_ENTER(MT_U_data_read_entry);

	mt_data_entry(U_ARG(0), MS_DIR_SAVE, U_EV(1));
	return 0;
}

SEC("usdt")
int u_data_write_entry(struct pt_regs *ctx)
{
	U_ENTER(MT_U_data_write_entry);

	mt_data_entry(U_ARG(0), MS_DIR_RESTORE, U_EV(1));
	return 0;
}

/* data_read_return and data_write_return: (vfid, len, ret) */
static __always_inline int u_data_return(struct pt_regs *ctx, int probe)
{
	__u64 now = bpf_ktime_get_ns();
	U_ENTER(probe);

	mt_data_return(U_ARG(2), now);
	return 0;
}

SEC("usdt")
int u_data_read_return(struct pt_regs *ctx)
{
	return u_data_return(ctx, MT_U_data_read_return);
}

SEC("usdt")
int u_data_write_return(struct pt_regs *ctx)
{
	return u_data_return(ctx, MT_U_data_write_return);
}

/* (vfid, devid, revid, ret) */
SEC("usdt")
int u_descriptor(struct pt_regs *ctx)
{
	struct mt_pkt p = {
		.gt = 0, .type = XE_SRIOV_PACKET_TYPE_DESCRIPTOR,
		.dir = MS_DIR_RESTORE,
	};
	U_ENTER(MT_U_descriptor);

	p.vf = U_ARG(0);
	p.offset = U_EV(1);
	p.size = U_EV(2);
	p.ret = U_ARG(3);
	mt_packet(MS_PKT_DESCRIPTOR, &p);
	return 0;
}

/* (vfid, ret) */
SEC("usdt")
int u_trailer(struct pt_regs *ctx)
{
	struct mt_pkt p = {
		.gt = 0, .type = XE_SRIOV_PACKET_TYPE_TRAILER,
		.dir = MS_DIR_RESTORE,
	};
	U_ENTER(MT_U_trailer);

	p.vf = U_ARG(0);
	p.ret = U_ARG(1);
	mt_packet(MS_PKT_TRAILER, &p);
	return 0;
}

/*
 * A fault the model took, whoever injected it: shown on the timeline.
 * (site, vfid, gt, type, offset, err)
 */
SEC("usdt")
int u_fault_injected(struct pt_regs *ctx)
{
	struct ms_event *e;
	__u32 vf, gt;
	U_ENTER(MT_U_fault_injected);

	vf = U_ARG(1);
	gt = U_ARG(2);
	if (!mt_pass(vf, gt, U_ARG(3)))
		return 0;
	if (mt_cfg.totals_only) {
		agg_inject(vf, gt);
		return 0;
	}
	e = mt_reserve(MS_EV_INJECT, INJ_MECH_MODEL, vf, gt);
	if (!e)
		return 0;
	e->inject.site = U_ARG(0);
	e->inject.err = U_ARG(5);
	e->inject.mechanism = INJ_MECH_MODEL;
	ms_event_submit(e);
	return 0;
}

