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
 * User space enables one family with bpf_program__set_autoload().  Every
 * program decodes its arguments and calls the shared emitters of
 * migtrace_core.bpf.h, so both targets produce the same events.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/usdt.bpf.h>
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
	e = mt_reserve(MS_EV_INJECT, INJ_MECH_MODEL, vfid, gt);
	if (!e)
		return 0;
	e->inject.site = site;
	e->inject.err = err;
	e->inject.mechanism = INJ_MECH_MODEL;
	ms_event_submit(e);
	return 0;
}

/* ======================================================================
 * Kernel target.  Shared handlers first (k_*), then the fentry/fexit and
 * kprobe/kretprobe entry points that call them.
 */

/* which VF the current thread works for: packet_alloc/init carry no vfid */
struct mt_ctx {
	__u32 vf;
	__u32 gt;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct mt_ctx);
} cur_ctx SEC(".maps");

/* kprobe flavour: arguments saved at entry for the kretprobe */
struct mt_args_key {
	__u32 tid;
	__u32 fn;
};

struct mt_args {
	__u64 a[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, struct mt_args_key);
	__type(value, struct mt_args);
} saved_args SEC(".maps");

/* (gt, vf) -> last control state bitmap seen, and ring occupancy */
struct mt_gtvf_key {
	__u64 gt;
	__u32 vf;
	__u32 pad;
};

struct mt_gtvf {
	__u64 bitmap;
	__s32 occ;
	__u32 seen;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct mt_gtvf_key);
	__type(value, struct mt_gtvf);
} gtvf SEC(".maps");

#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-4095)
#define MT_EAGAIN	11	/* the kernel's EAGAIN; BPF has no errno.h */

static __always_inline void k_set_ctx(__u32 vf, __u32 gt)
{
	struct mt_ctx c = { .vf = vf, .gt = gt };
	__u32 tid = mt_tid();

	bpf_map_update_elem(&cur_ctx, &tid, &c, BPF_ANY);
}

static __always_inline __u32 k_ctx_vf(void)
{
	__u32 tid = mt_tid();
	struct mt_ctx *c = bpf_map_lookup_elem(&cur_ctx, &tid);

	return c ? c->vf : MS_VF_UNKNOWN;
}

static __always_inline struct mt_gtvf *k_gtvf(struct xe_gt___ms *gt, __u32 vf)
{
	struct mt_gtvf_key k = { .gt = (__u64)gt, .vf = vf };
	struct mt_gtvf zero = {}, *v;

	v = bpf_map_lookup_elem(&gtvf, &k);
	if (v)
		return v;
	bpf_map_update_elem(&gtvf, &k, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&gtvf, &k);
}

/*
 * The enter/exit helpers of the state machine are static and inlined, so
 * transitions are found by diffing the bitmap against the last one seen
 * for (GT, VF).  The first look at a (GT, VF) only records a baseline.
 *
 * A global function: the verifier checks it once, not once per VF of the
 * worker's scan (inlined, 16 VFs x 64 bits is too much for it).  The GT
 * pointer travels as a scalar key: it is only read through probe-read
 * helpers.  The whole word is diffed: bit numbers differ between kernels
 * (7.1 inserted FLR_PREPARE), so no count of states is assumed here; user
 * space names the bits from the running kernel's BTF.
 */
__noinline int mt_state_diff(__u64 gt_key, __u32 gt_id, __u32 vf,
			     __u64 now_bits)
{
	struct mt_gtvf *v = k_gtvf((void *)gt_key, vf);
	__u64 changed;
	__u32 i;

	if (!v)
		return 0;
	if (!v->seen) {
		v->seen = 1;
		v->bitmap = now_bits;
		return 0;
	}
	changed = v->bitmap ^ now_bits;
	v->bitmap = now_bits;
	for (i = 0; i < 64; i++) {
		if (!(changed >> i))
			break;
		if (changed & (1ull << i))
			mt_state(gt_id, vf, i, now_bits & (1ull << i),
				 now_bits);
	}
	return 0;
}

static __always_inline void k_state_diff(__u64 gt_addr, __u32 vf)
{
	struct xe_gt___ms *gt = (void *)gt_addr;

	mt_state_diff(gt_addr, xe_gt_id(gt), vf, xe_vf_state(gt, vf));
}

/*
 * BPF_PROG_TEST_RUN entry for tests: (gt key, gt id, vf, bitmap) through
 * the same diff.  Never attached; its family ("test") is never loaded by
 * migscope itself.
 */
SEC("raw_tp/sched_process_exit")
int test_state_diff(__u64 *ctx)
{
	return mt_state_diff(ctx[0], ctx[1], ctx[2], ctx[3]);
}

/*
 * fentry arguments are typed pointers, and a global function takes only
 * scalars: launder the address through the stack.
 */
static __always_inline __u64 mt_scalar(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

static __always_inline void k_state_diff_all(struct xe_gt___ms *gt)
{
	__u32 n = xe_gt_max_vfs(gt), vf;

	for (vf = 1; vf <= MT_MAX_SCAN_VFS; vf++) {
		if (vf > n)
			break;
		k_state_diff(mt_scalar(gt), vf);
	}
}

/* every GT of the device (tile 0's primary and media GT) for one VF */
static __always_inline void k_state_diff_dev(__u64 xe_addr, __u32 vf)
{
	struct xe_device___ms *xe = (void *)xe_addr;
	struct xe_gt___ms *gt;

	gt = BPF_CORE_READ(xe, tiles[0].primary_gt);
	if (gt)
		k_state_diff(mt_scalar(gt), vf);
	gt = BPF_CORE_READ(xe, tiles[0].media_gt);
	if (gt)
		k_state_diff(mt_scalar(gt), vf);
}

static __always_inline void k_packet_hdr_event(__u16 op, void *pkt, __s64 ret,
					       __u32 vf, __u32 dir)
{
	struct mt_pkt p = { .pkt = (__u64)pkt, .ret = ret, .vf = vf,
			    .dir = dir };
	struct mt_hdr h;

	xe_packet_hdr(pkt, &h);
	p.type = h.type;
	p.tile = h.tile;
	p.gt = h.gt;
	p.offset = h.offset;
	p.size = h.size;
	mt_packet(op, &p);
}

static __always_inline void k_alloc(void *pkt)
{
	struct mt_pkt p = { .pkt = (__u64)pkt, .vf = k_ctx_vf(), .gt = MS_GT_UNKNOWN };

	if (!pkt)
		p.ret = -12;	/* -ENOMEM: alloc returns NULL */
	mt_packet(MS_PKT_ALLOC, &p);
}

static __always_inline void k_free(void *pkt)
{
	if (!pkt || IS_ERR_VALUE(pkt))
		return;
	k_packet_hdr_event(MS_PKT_FREE, pkt, 0, MS_VF_UNKNOWN, 0);
}

/*
 * A produce hands the packet to a ring another thread may consume and free
 * before the producer returns: everything the event needs is read at
 * entry, and the exit pairs with it by the packet pointer only.
 */
struct mt_produce {
	__u64 pkt;
	__u64 gt;
	__u32 vf;
	__u32 pad;
	struct mt_hdr h;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MT_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct mt_produce);
} produce_in SEC(".maps");

/* ring produce/consume with occupancy counted here: ptr_ring has no count */
static __always_inline void k_ring_event(__u16 op, struct xe_gt___ms *gt,
					 __u32 vf, void *pkt,
					 const struct mt_hdr *h, __s64 ret,
					 __u32 dir)
{
	struct mt_gtvf *v = k_gtvf(gt, vf);
	struct mt_pkt p = {
		.pkt = (__u64)pkt, .ret = ret, .vf = vf, .dir = dir,
		.type = h->type, .tile = h->tile, .offset = h->offset,
		.size = h->size,
	};

	if (v && op == MS_PKT_PRODUCE && !ret)
		v->occ++;
	else if (v && op == MS_PKT_CONSUME && v->occ > 0)
		v->occ--;
	p.gt = xe_gt_id(gt);
	p.occ = v ? v->occ : 0;
	mt_packet(op, &p);
}

static __always_inline void k_produce_entry(struct xe_gt___ms *gt, __u32 vf,
					    void *pkt)
{
	struct mt_produce in = { .pkt = (__u64)pkt, .gt = (__u64)gt,
				 .vf = vf };
	__u32 tid = mt_tid();

	xe_packet_hdr(pkt, &in.h);
	bpf_map_update_elem(&produce_in, &tid, &in, BPF_ANY);
}

/* pkt 0: the exit does not know it (kretprobe), take the entry's */
static __always_inline void k_produce_exit(__u64 pkt, __s64 ret, __u32 dir)
{
	__u32 tid = mt_tid();
	struct mt_produce *in = bpf_map_lookup_elem(&produce_in, &tid);

	if (!in)
		return;
	if (!pkt || pkt == in->pkt)
		k_ring_event(MS_PKT_PRODUCE, (void *)in->gt, in->vf,
			     (void *)in->pkt, &in->h, ret, dir);
	bpf_map_delete_elem(&produce_in, &tid);
}

/* the consumer owns what it got: its header is safe to read at exit */
static __always_inline void k_consume(struct xe_gt___ms *gt, __u32 vf,
				      void *pkt, __u32 dir)
{
	struct mt_hdr h;

	if (!pkt || IS_ERR_VALUE(pkt))
		return;		/* empty ring, or an error: nothing consumed */
	xe_packet_hdr(pkt, &h);
	k_ring_event(MS_PKT_CONSUME, gt, vf, pkt, &h, 0, dir);
}

static __always_inline void k_ring_free(struct xe_gt___ms *gt, __u32 vf)
{
	struct mt_gtvf *v = k_gtvf(gt, vf);

	if (v)
		v->occ = 0;
}

/* enum xe_migrate_copy_dir: TO_SRAM saves, TO_VRAM restores */
static __always_inline void k_vram_chunk(__u64 offset, __u64 size, __u32 dir)
{
	__u32 tid = mt_tid();
	struct mt_ctx *c = bpf_map_lookup_elem(&cur_ctx, &tid);

	if (!c)
		return;
	mt_vram_begin(c->gt, c->vf,
		      dir == XE_COPY_TO_SRAM ? MS_DIR_SAVE : MS_DIR_RESTORE,
		      offset, size, XE_TYPE(VRAM));
}

static __always_inline void k_save_args(__u32 fn, __u64 a0, __u64 a1,
					__u64 a2)
{
	struct mt_args_key k = { .tid = mt_tid(), .fn = fn };
	struct mt_args v = { .a = { a0, a1, a2 } };

	bpf_map_update_elem(&saved_args, &k, &v, BPF_ANY);
}

/* copy out and forget the saved arguments; false if there were none */
static __always_inline bool k_pop_args(__u32 fn, struct mt_args *out)
{
	struct mt_args_key k = { .tid = mt_tid(), .fn = fn };
	struct mt_args *v = bpf_map_lookup_elem(&saved_args, &k);

	if (!v)
		return false;
	*out = *v;
	bpf_map_delete_elem(&saved_args, &k);
	return true;
}

/* ids for saved_args, one per kretprobe that needs its entry arguments */
enum {
	FN_INIT = 1, FN_INIT_FROM_HDR, FN_SAVE_CONSUME, FN_RESTORE_CONSUME,
	FN_GUC2PF,
	FN_WORKER, FN_PROCESS_DESC,
	FN_CONTROL,	/* + 1..n: one per control function */
	FN_DEV_CONTROL = FN_CONTROL + 32,	/* + 1..n: device-level ones */
};

/* --- fentry/fexit flavour ------------------------------------------------- */

SEC("fexit/xe_sriov_packet_alloc")
int BPF_PROG(fx_packet_alloc, void *xe, void *ret)
{
	k_alloc(ret);
	return 0;
}

SEC("fexit/xe_sriov_packet_init")
int BPF_PROG(fx_packet_init, void *data, __u8 tile, __u8 gt, int type,
	     long long offset, __u64 size, int ret)
{
	k_packet_hdr_event(MS_PKT_INIT, data, ret, k_ctx_vf(), MS_DIR_SAVE);
	return 0;
}

SEC("fexit/xe_sriov_packet_init_from_hdr")
int BPF_PROG(fx_packet_init_from_hdr, void *data, int ret)
{
	k_packet_hdr_event(MS_PKT_INIT_FROM_HDR, data, ret, k_ctx_vf(),
			   MS_DIR_RESTORE);
	return 0;
}

SEC("fentry/xe_sriov_packet_free")
int BPF_PROG(f_packet_free, void *data)
{
	k_free(data);
	return 0;
}

SEC("fexit/xe_sriov_packet_process_descriptor")
int BPF_PROG(fx_process_descriptor, void *xe, unsigned int vfid, void *data,
	     int ret)
{
	struct mt_pkt p = { .vf = vfid, .type = XE_TYPE(DESCRIPTOR),
			    .ret = ret, .dir = MS_DIR_RESTORE };

	mt_packet(MS_PKT_DESCRIPTOR, &p);
	return 0;
}

SEC("fentry/xe_sriov_packet_save_init")
int BPF_PROG(f_save_init, void *xe, unsigned int vfid)
{
	k_set_ctx(vfid, 0);
	return 0;
}

SEC("fentry/xe_sriov_pf_migration_read")
int BPF_PROG(f_migration_read, void *xe, unsigned int vfid, void *buf,
	     size_t len)
{
	k_set_ctx(vfid, MS_GT_UNKNOWN);
	mt_data_entry(vfid, MS_DIR_SAVE, len);
	return 0;
}

SEC("fexit/xe_sriov_pf_migration_read")
int BPF_PROG(fx_migration_read, void *xe, unsigned int vfid, void *buf,
	     size_t len, long ret)
{
	mt_data_return(ret, bpf_ktime_get_ns());
	return 0;
}

SEC("fentry/xe_sriov_pf_migration_write")
int BPF_PROG(f_migration_write, void *xe, unsigned int vfid, void *buf,
	     size_t len)
{
	k_set_ctx(vfid, MS_GT_UNKNOWN);
	mt_data_entry(vfid, MS_DIR_RESTORE, len);
	return 0;
}

SEC("fexit/xe_sriov_pf_migration_write")
int BPF_PROG(fx_migration_write, void *xe, unsigned int vfid, void *buf,
	     size_t len, long ret)
{
	mt_data_return(ret, bpf_ktime_get_ns());
	return 0;
}

SEC("fentry/xe_gt_sriov_pf_migration_save_produce")
int BPF_PROG(f_save_produce, struct xe_gt___ms *gt, unsigned int vfid,
	     void *data)
{
	k_produce_entry(gt, vfid, data);
	return 0;
}

SEC("fexit/xe_gt_sriov_pf_migration_save_produce")
int BPF_PROG(fx_save_produce, struct xe_gt___ms *gt, unsigned int vfid,
	     void *data, int ret)
{
	k_produce_exit(mt_scalar(data), ret, MS_DIR_SAVE);
	return 0;
}

SEC("fexit/xe_gt_sriov_pf_migration_save_consume")
int BPF_PROG(fx_save_consume, struct xe_gt___ms *gt, unsigned int vfid,
	     void *ret)
{
	k_consume(gt, vfid, ret, MS_DIR_SAVE);
	return 0;
}

SEC("fentry/xe_gt_sriov_pf_migration_restore_produce")
int BPF_PROG(f_restore_produce, struct xe_gt___ms *gt, unsigned int vfid,
	     void *data)
{
	k_produce_entry(gt, vfid, data);
	return 0;
}

SEC("fexit/xe_gt_sriov_pf_migration_restore_produce")
int BPF_PROG(fx_restore_produce, struct xe_gt___ms *gt, unsigned int vfid,
	     void *data, int ret)
{
	k_produce_exit(mt_scalar(data), ret, MS_DIR_RESTORE);
	return 0;
}

SEC("fexit/xe_gt_sriov_pf_migration_restore_consume")
int BPF_PROG(fx_restore_consume, struct xe_gt___ms *gt, unsigned int vfid,
	     void *ret)
{
	k_consume(gt, vfid, ret, MS_DIR_RESTORE);
	return 0;
}

SEC("fentry/xe_gt_sriov_pf_migration_ring_free")
int BPF_PROG(f_ring_free, struct xe_gt___ms *gt, unsigned int vfid)
{
	k_ring_free(gt, vfid);
	return 0;
}

/* the per-type save steps run in the worker: they tell us the VF */
#define F_SAVE_CTX(name, fn)						\
SEC("fentry/" fn)							\
int BPF_PROG(name, struct xe_gt___ms *gt, unsigned int vfid)		\
{									\
	k_set_ctx(vfid, xe_gt_id(gt));					\
	return 0;							\
}

F_SAVE_CTX(f_guc_save, "xe_gt_sriov_pf_migration_guc_save")
F_SAVE_CTX(f_ggtt_save, "xe_gt_sriov_pf_migration_ggtt_save")
F_SAVE_CTX(f_mmio_save, "xe_gt_sriov_pf_migration_mmio_save")
F_SAVE_CTX(f_vram_save, "xe_gt_sriov_pf_migration_vram_save")
F_SAVE_CTX(f_vram_restore, "xe_gt_sriov_pf_migration_vram_restore")

/*
 * vram_save saves one chunk per call and says -EAGAIN while chunks remain
 * (docs/upstream-xe.md §4): that chunk was copied, it is no failure.
 */
static __always_inline __s64 k_vram_save_ret(int ret)
{
	return ret == -MT_EAGAIN ? 0 : ret;
}

SEC("fexit/xe_gt_sriov_pf_migration_vram_save")
int BPF_PROG(fx_vram_save, struct xe_gt___ms *gt, unsigned int vfid, int ret)
{
	mt_vram_end(k_vram_save_ret(ret), bpf_ktime_get_ns());
	return 0;
}

SEC("fexit/xe_gt_sriov_pf_migration_vram_restore")
int BPF_PROG(fx_vram_restore, struct xe_gt___ms *gt, unsigned int vfid,
	     void *data, int ret)
{
	mt_vram_end(ret, bpf_ktime_get_ns());
	return 0;
}

SEC("fentry/xe_migrate_vram_copy_chunk")
int BPF_PROG(f_vram_copy_chunk, void *vram_bo, __u64 vram_offset,
	     void *sysmem_bo, __u64 sysmem_offset, __u64 size, int dir)
{
	k_vram_chunk(vram_offset, size, dir);
	return 0;
}

/*
 * Control functions: diff the VF's bits before and after each call.  The
 * first argument is a GT (k_state_diff) or, for device-level entry points,
 * the device (k_state_diff_dev: every GT).
 */
#define F_DIFF(name, fn, type, diff)					\
SEC("fentry/" fn)							\
int BPF_PROG(f_##name, type *p, unsigned int vfid)			\
{									\
	diff(mt_scalar(p), vfid);					\
	return 0;							\
}									\
SEC("fexit/" fn)							\
int BPF_PROG(fx_##name, type *p, unsigned int vfid)			\
{									\
	diff(mt_scalar(p), vfid);					\
	return 0;							\
}

#define F_CONTROL(name, fn) \
	F_DIFF(name, fn, struct xe_gt___ms, k_state_diff)

F_CONTROL(pause_vf, "xe_gt_sriov_pf_control_pause_vf")
F_CONTROL(resume_vf, "xe_gt_sriov_pf_control_resume_vf")
F_CONTROL(stop_vf, "xe_gt_sriov_pf_control_stop_vf")
F_CONTROL(trigger_flr, "xe_gt_sriov_pf_control_trigger_flr")
F_CONTROL(trigger_save_vf, "xe_gt_sriov_pf_control_trigger_save_vf")
F_CONTROL(finish_save_vf, "xe_gt_sriov_pf_control_finish_save_vf")
F_CONTROL(trigger_restore_vf, "xe_gt_sriov_pf_control_trigger_restore_vf")
F_CONTROL(finish_restore_vf, "xe_gt_sriov_pf_control_finish_restore_vf")
F_CONTROL(process_save_data, "xe_gt_sriov_pf_control_process_save_data")
F_CONTROL(process_restore_data, "xe_gt_sriov_pf_control_process_restore_data")
F_CONTROL(restore_data_done, "xe_gt_sriov_pf_control_restore_data_done")
/* 7.1+: optional, dropped where the kernel lacks it */
F_CONTROL(prepare_flr, "xe_gt_sriov_pf_control_prepare_flr")

/*
 * Device-level entry points (xe, vfid): the 7.1+ FLR prepare and the
 * control calls xe-vfio-pci makes (absent where xe is built without it).
 * Each diffs the VF's state on every GT before and after the call, so a
 * VMM's request and what it changed line up on the timeline.
 */
#define XE_DEV_CONTROL_FUNCS(X)						\
	X(dev_prepare_flr, "xe_sriov_pf_control_prepare_flr", 1)	\
	X(vfio_flr_prepare, "xe_sriov_vfio_flr_prepare", 2)		\
	X(vfio_wait_flr_done, "xe_sriov_vfio_wait_flr_done", 3)	\
	X(vfio_suspend_device, "xe_sriov_vfio_suspend_device", 4)	\
	X(vfio_resume_device, "xe_sriov_vfio_resume_device", 5)	\
	X(vfio_stop_copy_enter, "xe_sriov_vfio_stop_copy_enter", 6)	\
	X(vfio_stop_copy_exit, "xe_sriov_vfio_stop_copy_exit", 7)	\
	X(vfio_resume_data_enter, "xe_sriov_vfio_resume_data_enter", 8) \
	X(vfio_resume_data_exit, "xe_sriov_vfio_resume_data_exit", 9)	\
	X(vfio_error, "xe_sriov_vfio_error", 10)

#define F_DEV(name, fn, n) \
	F_DIFF(name, fn, struct xe_device___ms, k_state_diff_dev)
XE_DEV_CONTROL_FUNCS(F_DEV)

/* GuC notifications (PAUSE_DONE, FLR_DONE) flip bits of some VF */
SEC("fexit/xe_gt_sriov_pf_control_process_guc2pf")
int BPF_PROG(fx_process_guc2pf, struct xe_gt___ms *gt)
{
	k_state_diff_all(gt);
	return 0;
}

/* one state machine step of some VF of this GT */
SEC("fexit/control_worker_func")
int BPF_PROG(fx_worker, struct work_struct *w)
{
	k_state_diff_all(xe_gt_of_worker(w));
	return 0;
}

/* --- kprobe/kretprobe flavour -------------------------------------------- */

SEC("kretprobe/xe_sriov_packet_alloc")
int BPF_KRETPROBE(krp_packet_alloc, void *ret)
{
	k_alloc(ret);
	return 0;
}

SEC("kprobe/xe_sriov_packet_init")
int BPF_KPROBE(kp_packet_init, void *data)
{
	k_save_args(FN_INIT, (__u64)data, 0, 0);
	return 0;
}

SEC("kretprobe/xe_sriov_packet_init")
int BPF_KRETPROBE(krp_packet_init, int ret)
{
	struct mt_args a;

	if (k_pop_args(FN_INIT, &a))
		k_packet_hdr_event(MS_PKT_INIT, (void *)a.a[0], ret,
				   k_ctx_vf(), MS_DIR_SAVE);
	return 0;
}

SEC("kprobe/xe_sriov_packet_init_from_hdr")
int BPF_KPROBE(kp_packet_init_from_hdr, void *data)
{
	k_save_args(FN_INIT_FROM_HDR, (__u64)data, 0, 0);
	return 0;
}

SEC("kretprobe/xe_sriov_packet_init_from_hdr")
int BPF_KRETPROBE(krp_packet_init_from_hdr, int ret)
{
	struct mt_args a;

	if (k_pop_args(FN_INIT_FROM_HDR, &a))
		k_packet_hdr_event(MS_PKT_INIT_FROM_HDR, (void *)a.a[0], ret,
				   k_ctx_vf(), MS_DIR_RESTORE);
	return 0;
}

SEC("kprobe/xe_sriov_packet_free")
int BPF_KPROBE(kp_packet_free, void *data)
{
	k_free(data);
	return 0;
}

SEC("kprobe/xe_sriov_packet_process_descriptor")
int BPF_KPROBE(kp_process_descriptor, void *xe, unsigned int vfid)
{
	k_save_args(FN_PROCESS_DESC, vfid, 0, 0);
	return 0;
}

SEC("kretprobe/xe_sriov_packet_process_descriptor")
int BPF_KRETPROBE(krp_process_descriptor, int ret)
{
	struct mt_pkt p = { .type = XE_TYPE(DESCRIPTOR),
			    .ret = ret, .dir = MS_DIR_RESTORE };
	struct mt_args a;

	if (!k_pop_args(FN_PROCESS_DESC, &a))
		return 0;
	p.vf = a.a[0];
	mt_packet(MS_PKT_DESCRIPTOR, &p);
	return 0;
}

SEC("kprobe/xe_sriov_packet_save_init")
int BPF_KPROBE(kp_save_init, void *xe, unsigned int vfid)
{
	k_set_ctx(vfid, 0);
	return 0;
}

SEC("kprobe/xe_sriov_pf_migration_read")
int BPF_KPROBE(kp_migration_read, void *xe, unsigned int vfid, void *buf,
	       size_t len)
{
	k_set_ctx(vfid, MS_GT_UNKNOWN);
	mt_data_entry(vfid, MS_DIR_SAVE, len);
	return 0;
}

SEC("kretprobe/xe_sriov_pf_migration_read")
int BPF_KRETPROBE(krp_migration_read, long ret)
{
	mt_data_return(ret, bpf_ktime_get_ns());
	return 0;
}

SEC("kprobe/xe_sriov_pf_migration_write")
int BPF_KPROBE(kp_migration_write, void *xe, unsigned int vfid, void *buf,
	       size_t len)
{
	k_set_ctx(vfid, MS_GT_UNKNOWN);
	mt_data_entry(vfid, MS_DIR_RESTORE, len);
	return 0;
}

SEC("kretprobe/xe_sriov_pf_migration_write")
int BPF_KRETPROBE(krp_migration_write, long ret)
{
	mt_data_return(ret, bpf_ktime_get_ns());
	return 0;
}

/* produce: the header at entry (the packet may be freed by the exit) */
#define KP_PRODUCE(name, fn, dir)					\
SEC("kprobe/" fn)							\
int BPF_KPROBE(kp_##name, void *gt, unsigned int vfid, void *data)	\
{									\
	k_produce_entry(gt, vfid, data);				\
	return 0;							\
}									\
SEC("kretprobe/" fn)							\
int BPF_KRETPROBE(krp_##name, long ret)					\
{									\
	k_produce_exit(0, (int)ret, dir);				\
	return 0;							\
}

/* consume: (gt, vfid) saved at entry, the packet is the return value */
#define KP_CONSUME(name, fn, id, dir)					\
SEC("kprobe/" fn)							\
int BPF_KPROBE(kp_##name, void *gt, unsigned int vfid)			\
{									\
	k_save_args(id, (__u64)gt, vfid, 0);				\
	return 0;							\
}									\
SEC("kretprobe/" fn)							\
int BPF_KRETPROBE(krp_##name, long ret)					\
{									\
	struct mt_args a;						\
									\
	if (k_pop_args(id, &a))						\
		k_consume((void *)a.a[0], a.a[1], (void *)ret, dir);	\
	return 0;							\
}

KP_PRODUCE(save_produce, "xe_gt_sriov_pf_migration_save_produce",
	   MS_DIR_SAVE)
KP_CONSUME(save_consume, "xe_gt_sriov_pf_migration_save_consume",
	   FN_SAVE_CONSUME, MS_DIR_SAVE)
KP_PRODUCE(restore_produce, "xe_gt_sriov_pf_migration_restore_produce",
	   MS_DIR_RESTORE)
KP_CONSUME(restore_consume, "xe_gt_sriov_pf_migration_restore_consume",
	   FN_RESTORE_CONSUME, MS_DIR_RESTORE)

SEC("kprobe/xe_gt_sriov_pf_migration_ring_free")
int BPF_KPROBE(kp_ring_free, struct xe_gt___ms *gt, unsigned int vfid)
{
	k_ring_free(gt, vfid);
	return 0;
}

#define KP_SAVE_CTX(name, fn)						\
SEC("kprobe/" fn)							\
int BPF_KPROBE(name, struct xe_gt___ms *gt, unsigned int vfid)		\
{									\
	k_set_ctx(vfid, xe_gt_id(gt));					\
	return 0;							\
}

KP_SAVE_CTX(kp_guc_save, "xe_gt_sriov_pf_migration_guc_save")
KP_SAVE_CTX(kp_ggtt_save, "xe_gt_sriov_pf_migration_ggtt_save")
KP_SAVE_CTX(kp_mmio_save, "xe_gt_sriov_pf_migration_mmio_save")
KP_SAVE_CTX(kp_vram_save, "xe_gt_sriov_pf_migration_vram_save")
KP_SAVE_CTX(kp_vram_restore, "xe_gt_sriov_pf_migration_vram_restore")

SEC("kretprobe/xe_gt_sriov_pf_migration_vram_save")
int BPF_KRETPROBE(krp_vram_save, int ret)
{
	mt_vram_end(k_vram_save_ret(ret), bpf_ktime_get_ns());
	return 0;
}

SEC("kretprobe/xe_gt_sriov_pf_migration_vram_restore")
int BPF_KRETPROBE(krp_vram_restore, int ret)
{
	mt_vram_end(ret, bpf_ktime_get_ns());
	return 0;
}

SEC("kprobe/xe_migrate_vram_copy_chunk")
int BPF_KPROBE(kp_vram_copy_chunk, void *vram_bo, __u64 vram_offset,
	       void *sysmem_bo, __u64 sysmem_offset, __u64 size)
{
	/* the sixth argument (dir) is in r9 on x86-64 */
	k_vram_chunk(vram_offset, size, (__u32)ctx->r9);
	return 0;
}

/* the kprobe twins of F_DIFF: the entry's arguments kept for the exit */
#define KP_DIFF(name, fn, id, diff)					\
SEC("kprobe/" fn)							\
int BPF_KPROBE(kp_##name, void *p, unsigned int vfid)			\
{									\
	diff((__u64)p, vfid);						\
	k_save_args(id, (__u64)p, vfid, 0);				\
	return 0;							\
}									\
SEC("kretprobe/" fn)							\
int BPF_KRETPROBE(krp_##name)						\
{									\
	struct mt_args a;						\
									\
	if (k_pop_args(id, &a))						\
		diff(a.a[0], a.a[1]);					\
	return 0;							\
}

#define KP_CONTROL(name, fn, id) KP_DIFF(name, fn, id, k_state_diff)

KP_CONTROL(pause_vf, "xe_gt_sriov_pf_control_pause_vf", FN_CONTROL + 1)
KP_CONTROL(resume_vf, "xe_gt_sriov_pf_control_resume_vf", FN_CONTROL + 2)
KP_CONTROL(stop_vf, "xe_gt_sriov_pf_control_stop_vf", FN_CONTROL + 3)
KP_CONTROL(trigger_flr, "xe_gt_sriov_pf_control_trigger_flr", FN_CONTROL + 4)
KP_CONTROL(trigger_save_vf, "xe_gt_sriov_pf_control_trigger_save_vf", FN_CONTROL + 5)
KP_CONTROL(finish_save_vf, "xe_gt_sriov_pf_control_finish_save_vf", FN_CONTROL + 6)
KP_CONTROL(trigger_restore_vf, "xe_gt_sriov_pf_control_trigger_restore_vf", FN_CONTROL + 7)
KP_CONTROL(finish_restore_vf, "xe_gt_sriov_pf_control_finish_restore_vf", FN_CONTROL + 8)
KP_CONTROL(process_save_data, "xe_gt_sriov_pf_control_process_save_data", FN_CONTROL + 9)
KP_CONTROL(process_restore_data, "xe_gt_sriov_pf_control_process_restore_data", FN_CONTROL + 10)
KP_CONTROL(restore_data_done, "xe_gt_sriov_pf_control_restore_data_done", FN_CONTROL + 11)
KP_CONTROL(prepare_flr, "xe_gt_sriov_pf_control_prepare_flr", FN_CONTROL + 12)

#define KP_DEV_CONTROL(name, fn, n) \
	KP_DIFF(name, fn, FN_DEV_CONTROL + (n), k_state_diff_dev)

XE_DEV_CONTROL_FUNCS(KP_DEV_CONTROL)

SEC("kprobe/xe_gt_sriov_pf_control_process_guc2pf")
int BPF_KPROBE(kp_process_guc2pf, void *gt)
{
	k_save_args(FN_GUC2PF, (__u64)gt, 0, 0);
	return 0;
}

SEC("kretprobe/xe_gt_sriov_pf_control_process_guc2pf")
int BPF_KRETPROBE(krp_process_guc2pf)
{
	struct mt_args a;

	if (k_pop_args(FN_GUC2PF, &a))
		k_state_diff_all((void *)a.a[0]);
	return 0;
}

SEC("kprobe/control_worker_func")
int BPF_KPROBE(kp_worker, void *w)
{
	k_save_args(FN_WORKER, (__u64)w, 0, 0);
	return 0;
}

SEC("kretprobe/control_worker_func")
int BPF_KRETPROBE(krp_worker)
{
	struct mt_args a;

	if (k_pop_args(FN_WORKER, &a))
		k_state_diff_all(xe_gt_of_worker((void *)a.a[0]));
	return 0;
}
