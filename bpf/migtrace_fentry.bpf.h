/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace, kernel target, fentry/fexit flavour (f_*, fx_*).  Included
 * once, by migtrace.bpf.c, after migtrace_kernel.bpf.h.
 */
#ifndef MIGTRACE_FENTRY_BPF_H
#define MIGTRACE_FENTRY_BPF_H

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

#endif /* MIGTRACE_FENTRY_BPF_H */
