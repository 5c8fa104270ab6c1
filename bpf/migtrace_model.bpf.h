/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace, model target: the u_* programs on the reference model's USDT
 * probes (provider "xe", tools/xe-model/xe_usdt.h).  Included once, by
 * migtrace.bpf.c.
 */
#ifndef MIGTRACE_MODEL_BPF_H
#define MIGTRACE_MODEL_BPF_H

/* ======================================================================
 * Model target: USDT.  Arguments arrive as longs, in contract order.
 */
#define U_GUARD()	do { if (!mt_tgid_ok()) return 0; } while (0)

SEC("usdt")
int BPF_USDT(u_packet_alloc, long pkt)
{
	struct mt_pkt p = { .pkt = pkt, .vf = MS_VF_UNKNOWN, .gt = MS_GT_UNKNOWN };

	U_GUARD();
	mt_packet(MS_PKT_ALLOC, &p);
	return 0;
}

static __always_inline int u_init(__u16 op, long pkt, long vfid, long tile,
				  long gt, long type, long offset, long size,
				  long ret)
{
	struct mt_pkt p = {
		.pkt = pkt, .vf = vfid, .tile = tile, .gt = gt, .type = type,
		.offset = offset, .size = size, .ret = ret,
		.dir = op == MS_PKT_INIT ? MS_DIR_SAVE : MS_DIR_RESTORE,
	};

	mt_packet(op, &p);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_packet_init, long pkt, long vfid, long tile, long gt,
	     long type, long offset, long size, long ret)
{
	U_GUARD();
	return u_init(MS_PKT_INIT, pkt, vfid, tile, gt, type, offset, size,
		      ret);
}

SEC("usdt")
int BPF_USDT(u_packet_init_from_hdr, long pkt, long vfid, long tile, long gt,
	     long type, long offset, long size, long ret)
{
	U_GUARD();
	return u_init(MS_PKT_INIT_FROM_HDR, pkt, vfid, tile, gt, type, offset,
		      size, ret);
}

SEC("usdt")
int BPF_USDT(u_packet_free, long pkt, long type, long size)
{
	struct mt_pkt p = {
		.pkt = pkt, .vf = MS_VF_UNKNOWN, .gt = MS_GT_UNKNOWN, .type = type,
		.size = size,
	};

	U_GUARD();
	mt_packet(MS_PKT_FREE, &p);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_ring_produce, long gt, long vfid, long pkt, long type,
	     long occ, long ret, long dir)
{
	struct mt_pkt p = {
		.pkt = pkt, .vf = vfid, .gt = gt, .type = type, .occ = occ,
		.ret = ret, .dir = dir,
	};

	U_GUARD();
	mt_packet(MS_PKT_PRODUCE, &p);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_ring_consume, long gt, long vfid, long pkt, long type,
	     long occ, long dir)
{
	struct mt_pkt p = {
		.pkt = pkt, .vf = vfid, .gt = gt, .type = type, .occ = occ,
		.dir = dir,
	};

	U_GUARD();
	mt_packet(MS_PKT_CONSUME, &p);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_state_enter, long gt, long vfid, long bit, long bitmap)
{
	U_GUARD();
	mt_state(gt, vfid, bit, true, bitmap);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_state_exit, long gt, long vfid, long bit, long bitmap)
{
	U_GUARD();
	mt_state(gt, vfid, bit, false, bitmap);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_vram_copy_begin, long gt, long vfid, long dir, long offset,
	     long bytes)
{
	U_GUARD();
	mt_vram_begin(gt, vfid, dir, offset, bytes, XE_SRIOV_PACKET_TYPE_VRAM);
	return 0;
}

/*
 * End probes read only the argument they need, after stamping the time:
 * BPF_USDT would fetch all six first, each fetch a spec lookup, and that
 * time would be billed to the copy.
 */
static __always_inline long u_arg(struct pt_regs *ctx, __u64 n)
{
	long v = 0;

	bpf_usdt_arg(ctx, n, &v);
	return v;
}

SEC("usdt")
int u_vram_copy_end(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();

	U_GUARD();
	mt_vram_end(u_arg(ctx, 5), now);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_data_read_entry, long vfid, long len)
{
	U_GUARD();
	mt_data_entry(vfid, MS_DIR_SAVE, len);
	return 0;
}

SEC("usdt")
int u_data_read_return(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();

	U_GUARD();
	mt_data_return(u_arg(ctx, 2), now);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_data_write_entry, long vfid, long len)
{
	U_GUARD();
	mt_data_entry(vfid, MS_DIR_RESTORE, len);
	return 0;
}

SEC("usdt")
int u_data_write_return(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();

	U_GUARD();
	mt_data_return(u_arg(ctx, 2), now);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_descriptor, long vfid, long devid, long revid, long ret)
{
	struct mt_pkt p = {
		.vf = vfid, .gt = 0, .type = XE_SRIOV_PACKET_TYPE_DESCRIPTOR,
		.ret = ret, .offset = devid, .size = revid,
		.dir = MS_DIR_RESTORE,
	};

	U_GUARD();
	mt_packet(MS_PKT_DESCRIPTOR, &p);
	return 0;
}

SEC("usdt")
int BPF_USDT(u_trailer, long vfid, long ret)
{
	struct mt_pkt p = {
		.vf = vfid, .gt = 0, .type = XE_SRIOV_PACKET_TYPE_TRAILER,
		.ret = ret, .dir = MS_DIR_RESTORE,
	};

	U_GUARD();
	mt_packet(MS_PKT_TRAILER, &p);
	return 0;
}

/* a fault the model took, whoever injected it: shown on the timeline */
SEC("usdt")
int BPF_USDT(u_fault_injected, long site, long vfid, long gt, long type,
	     long offset, long err)
{
	struct ms_event *e;

	U_GUARD();
	if (!mt_pass(vfid, gt, type))
		return 0;
	if (totals_only) {
		agg_inject();
		return 0;
	}
	e = mt_reserve(MS_EV_INJECT, INJ_MECH_MODEL, vfid, gt);
	if (!e)
		return 0;
	e->inject.site = site;
	e->inject.err = err;
	e->inject.mechanism = INJ_MECH_MODEL;
	ms_event_submit(e);
	return 0;
}

#endif /* MIGTRACE_MODEL_BPF_H */
