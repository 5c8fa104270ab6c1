/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace, kernel target: the handlers (k_*) and maps the fentry/fexit
 * and kprobe/kretprobe flavours share, the state diff, and the list of
 * device-level control entry points.  Included once, by migtrace.bpf.c.
 */
#ifndef MIGTRACE_KERNEL_BPF_H
#define MIGTRACE_KERNEL_BPF_H

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
 * Hooks on two CPUs can look at one (GT, VF) at once.  So that no look
 * undoes a newer one, each takes the last-seen word before it reads the
 * kernel's, and replaces it only if it is still the one taken (a
 * compare-and-swap); a look overtaken that way reports nothing, as the
 * look that overtook it saw the same or a later state.  All the changes
 * one look reports carry one time, read after its snapshot: later than
 * the swap of any look it follows, so sorting by time gives the order of
 * the looks.  The whole word is diffed: bit numbers differ between kernels
 * (7.1 inserted FLR_PREPARE), so no count of states is assumed here; user
 * space names the bits from the running kernel's BTF.
 */
static __always_inline int mt_state_apply(struct mt_gtvf *v, __u32 gt_id,
					  __u32 vf, __u64 seen_bits,
					  __u64 now_bits)
{
	__u64 changed, now = bpf_ktime_get_ns();
	__u32 i;

	if (__sync_val_compare_and_swap(&v->bitmap, seen_bits, now_bits) !=
	    seen_bits)
		return 0;
	if (!v->seen) {
		v->seen = 1;
		return 0;
	}
	changed = seen_bits ^ now_bits;
	for (i = 0; i < 64; i++) {
		if (!(changed >> i))
			break;
		if (changed & (1ull << i))
			mt_state_at(gt_id, vf, i, now_bits & (1ull << i),
				    now_bits, now);
	}
	return 0;
}

/*
 * A global function: the verifier checks it once, not once per VF of the
 * worker's scan (inlined, 16 VFs x 64 bits is too much for it).  The GT
 * pointer travels as a scalar key: it is only read through probe-read
 * helpers.
 */
__noinline int mt_state_diff(__u64 gt_key, __u32 gt_id, __u32 vf)
{
	struct mt_gtvf *v = k_gtvf((void *)gt_key, vf);
	__u64 seen_bits;

	if (!v)
		return 0;
	seen_bits = *(volatile __u64 *)&v->bitmap;
	return mt_state_apply(v, gt_id, vf, seen_bits,
			      xe_vf_state((void *)gt_key, vf));
}

static __always_inline void k_state_diff(__u64 gt_addr, __u32 vf)
{
	mt_state_diff(gt_addr, xe_gt_id((void *)gt_addr), vf);
}

/*
 * BPF_PROG_TEST_RUN entry for tests: (gt key, gt id, vf, bitmap, stale)
 * through the same diff, as a look whose snapshot was overtaken when stale
 * is set.  Never attached; its family ("test") is never loaded by migscope
 * itself.
 */
SEC("raw_tp/sched_process_exit")
int test_state_diff(__u64 *ctx)
{
	struct mt_gtvf *v = k_gtvf((void *)ctx[0], ctx[2]);
	__u64 seen_bits;

	if (!v)
		return 0;
	seen_bits = v->bitmap;
	if (ctx[4])
		seen_bits = ~seen_bits;
	return mt_state_apply(v, ctx[1], ctx[2], seen_bits, ctx[3]);
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

#endif /* MIGTRACE_KERNEL_BPF_H */
