/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migtrace, kernel target, kprobe/kretprobe flavour (kp_*, krp_*), for
 * kernels that refuse trampolines.  Included once, by migtrace.bpf.c,
 * after migtrace_kernel.bpf.h.
 */
#ifndef MIGTRACE_KPROBE_BPF_H
#define MIGTRACE_KPROBE_BPF_H

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

#endif /* MIGTRACE_KPROBE_BPF_H */
