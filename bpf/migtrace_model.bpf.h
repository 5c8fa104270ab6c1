/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace, model target: the u_* programs on the reference model's USDT
 * probes (provider "xe", tools/xe-model/xe_usdt.h).  Included once, by
 * migtrace.bpf.c.
 */
#ifndef MIGTRACE_MODEL_BPF_H
#define MIGTRACE_MODEL_BPF_H

/* ======================================================================
 * Model target: USDT.  Arguments arrive as longs, in contract order.  A
 * program fetches its site's argument spec once and then only the
 * arguments its view uses (bpf/lib/usdt_args.bpf.h): U_EV() marks those
 * only a per-event record shows, never read when counting in BPF.
 */
#define U_ENTER()						\
	const struct ms_usdt_spec *spec;			\
								\
	if (!mt_tgid_ok())					\
		return 0;					\
	spec = ms_usdt_spec(ctx);				\
	if (!spec)						\
		return 0
#define U_ARG(n)	ms_usdt_arg(ctx, spec, n)
#define U_EV(n)		(totals_only ? 0 : U_ARG(n))

SEC("usdt")
int u_packet_alloc(struct pt_regs *ctx)
{
	struct mt_pkt p = { .vf = MS_VF_UNKNOWN, .gt = MS_GT_UNKNOWN };
	U_ENTER();

	p.pkt = U_EV(0);
	mt_packet(MS_PKT_ALLOC, &p);
	return 0;
}

/* packet_init and packet_init_from_hdr: (pkt, vfid, tile, gt, type, offset, size, ret) */
static __always_inline int u_init(struct pt_regs *ctx, __u16 op)
{
	struct mt_pkt p = {
		.dir = op == MS_PKT_INIT ? MS_DIR_SAVE : MS_DIR_RESTORE,
	};
	U_ENTER();

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
	return u_init(ctx, MS_PKT_INIT);
}

SEC("usdt")
int u_packet_init_from_hdr(struct pt_regs *ctx)
{
	return u_init(ctx, MS_PKT_INIT_FROM_HDR);
}

/* (pkt, type, size) */
SEC("usdt")
int u_packet_free(struct pt_regs *ctx)
{
	struct mt_pkt p = { .vf = MS_VF_UNKNOWN, .gt = MS_GT_UNKNOWN };
	U_ENTER();

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
static __always_inline int u_ring(struct pt_regs *ctx, __u16 op)
{
	struct mt_pkt p = {};
	U_ENTER();

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
	return u_ring(ctx, MS_PKT_PRODUCE);
}

SEC("usdt")
int u_ring_consume(struct pt_regs *ctx)
{
	return u_ring(ctx, MS_PKT_CONSUME);
}

/* state_enter and state_exit: (gt, vfid, bit, bitmap) */
static __always_inline int u_state(struct pt_regs *ctx, bool entered)
{
	U_ENTER();

	mt_state(U_ARG(0), U_ARG(1), U_ARG(2), entered, U_EV(3));
	return 0;
}

SEC("usdt")
int u_state_enter(struct pt_regs *ctx)
{
	return u_state(ctx, true);
}

SEC("usdt")
int u_state_exit(struct pt_regs *ctx)
{
	return u_state(ctx, false);
}

/* (gt, vfid, dir, offset, bytes) */
SEC("usdt")
int u_vram_copy_begin(struct pt_regs *ctx)
{
	U_ENTER();

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
	U_ENTER();

	mt_vram_end(U_ARG(5), now);
	return 0;
}

/* data_read_entry and data_write_entry: (vfid, len) */
SEC("usdt")
int u_data_read_entry(struct pt_regs *ctx)
{
	U_ENTER();

	mt_data_entry(U_ARG(0), MS_DIR_SAVE, U_EV(1));
	return 0;
}

SEC("usdt")
int u_data_write_entry(struct pt_regs *ctx)
{
	U_ENTER();

	mt_data_entry(U_ARG(0), MS_DIR_RESTORE, U_EV(1));
	return 0;
}

/* data_read_return and data_write_return: (vfid, len, ret) */
static __always_inline int u_data_return(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	U_ENTER();

	mt_data_return(U_ARG(2), now);
	return 0;
}

SEC("usdt")
int u_data_read_return(struct pt_regs *ctx)
{
	return u_data_return(ctx);
}

SEC("usdt")
int u_data_write_return(struct pt_regs *ctx)
{
	return u_data_return(ctx);
}

/* (vfid, devid, revid, ret) */
SEC("usdt")
int u_descriptor(struct pt_regs *ctx)
{
	struct mt_pkt p = {
		.gt = 0, .type = XE_SRIOV_PACKET_TYPE_DESCRIPTOR,
		.dir = MS_DIR_RESTORE,
	};
	U_ENTER();

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
	U_ENTER();

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
	U_ENTER();

	vf = U_ARG(1);
	gt = U_ARG(2);
	if (!mt_pass(vf, gt, U_ARG(3)))
		return 0;
	if (totals_only) {
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

#endif /* MIGTRACE_MODEL_BPF_H */
