/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few xe driver structures migtrace reads on a real kernel, declared
 * locally with preserve_access_index so CO-RE relocates every field against
 * the xe module's BTF at load time (vmlinux.h has no xe types: xe is a
 * module).  Only the fields we read are listed; the ___ms flavour suffix is
 * dropped by libbpf when it matches names.
 */
#ifndef MIGTRACE_XE_BPF_H
#define MIGTRACE_XE_BPF_H

#include <bpf/bpf_core_read.h>

struct xe_sriov_packet_hdr___ms {
	__u8 version;
	__u8 type;
	__u8 tile_id;
	__u8 gt_id;
	__u32 flags;
	__u64 offset;
	__u64 size;
} __attribute__((preserve_access_index));

struct xe_sriov_packet___ms {
	struct xe_sriov_packet_hdr___ms hdr;
} __attribute__((preserve_access_index));

struct xe_device_pf___ms {
	__u16 driver_max_vfs;
} __attribute__((preserve_access_index));

struct xe_gt___ms;
struct xe_device___ms;

struct xe_tile___ms {
	struct xe_device___ms *xe;
	__u8 id;
	struct xe_gt___ms *primary_gt;
	struct xe_gt___ms *media_gt;
} __attribute__((preserve_access_index));

/* tiles[0] only: every SR-IOV migration platform has one tile */
struct xe_device___ms {
	struct {
		union {
			struct xe_device_pf___ms pf;
		};
	} sriov;
	struct xe_tile___ms tiles[1];
} __attribute__((preserve_access_index));

struct xe_gt_sriov_control_state___ms {
	unsigned long state[1];
} __attribute__((preserve_access_index));

/* one per VF, an array indexed by vfid: its size comes from the target BTF */
struct xe_gt_sriov_metadata___ms {
	struct xe_gt_sriov_control_state___ms control;
} __attribute__((preserve_access_index));

struct xe_gt_sriov_pf_control___ms {
	struct work_struct worker;
} __attribute__((preserve_access_index));

struct xe_gt_sriov_pf___ms {
	struct xe_gt_sriov_pf_control___ms control;
	struct xe_gt_sriov_metadata___ms *vfs;
} __attribute__((preserve_access_index));

struct xe_gt___ms {
	struct xe_tile___ms *tile;
	struct {
		__u8 id;
	} info;
	union {
		struct xe_gt_sriov_pf___ms pf;
	} sriov;
} __attribute__((preserve_access_index));

/*
 * Enum constants, relocated against the target's BTF: never a compiled-in
 * number (the values here only name the enumerators CO-RE looks up).
 */
enum xe_sriov_packet_type___ms {
	XE_SRIOV_PACKET_TYPE_DESCRIPTOR___ms = 1,
	XE_SRIOV_PACKET_TYPE_VRAM___ms = 6,
};

enum xe_migrate_copy_dir___ms {
	XE_MIGRATE_COPY_TO_SRAM___ms = 1,
};

#define XE_TYPE(x) \
	bpf_core_enum_value(enum xe_sriov_packet_type___ms, \
			    XE_SRIOV_PACKET_TYPE_##x##___ms)
#define XE_COPY_TO_SRAM \
	bpf_core_enum_value(enum xe_migrate_copy_dir___ms, \
			    XE_MIGRATE_COPY_TO_SRAM___ms)

#define MT_MAX_SCAN_VFS	16	/* VFs a worker pass is diffed over */

static __always_inline __u32 xe_gt_id(struct xe_gt___ms *gt)
{
	return BPF_CORE_READ(gt, info.id);
}

static __always_inline __u32 xe_gt_tile(struct xe_gt___ms *gt)
{
	return BPF_CORE_READ(gt, tile, id);
}

static __always_inline __u32 xe_gt_max_vfs(struct xe_gt___ms *gt)
{
	__u32 n;

	/* a kernel without the field: scan as many VFs as we can afford */
	if (!bpf_core_field_exists(struct xe_device_pf___ms, driver_max_vfs))
		return MT_MAX_SCAN_VFS;
	n = BPF_CORE_READ(gt, tile, xe, sriov.pf.driver_max_vfs);

	return n < MT_MAX_SCAN_VFS ? n : MT_MAX_SCAN_VFS;
}

/* gt->sriov.pf.vfs[vfid].control.state[0], 0 if unreadable */
static __always_inline __u64 xe_vf_state(struct xe_gt___ms *gt, __u32 vfid)
{
	struct xe_gt_sriov_metadata___ms *vfs;
	unsigned long state = 0;
	void *p;

	vfs = BPF_CORE_READ(gt, sriov.pf.vfs);
	if (!vfs)
		return 0;
	/* the element size is relocated: the local struct lists one field */
	p = (void *)vfs +
	    (__u64)vfid * bpf_core_type_size(struct xe_gt_sriov_metadata___ms) +
	    bpf_core_field_offset(struct xe_gt_sriov_metadata___ms,
				  control.state);
	bpf_probe_read_kernel(&state, sizeof(state), p);
	return state;
}

/* container_of(work, struct xe_gt, sriov.pf.control.worker) */
static __always_inline struct xe_gt___ms *xe_gt_of_worker(void *work)
{
	return work - bpf_core_field_offset(struct xe_gt___ms,
					    sriov.pf.control.worker);
}

struct mt_hdr {
	__u64 offset;
	__u64 size;
	__u32 type;
	__u32 tile;
	__u32 gt;
};

static __always_inline void xe_packet_hdr(struct xe_sriov_packet___ms *pkt,
					  struct mt_hdr *h)
{
	h->type = BPF_CORE_READ(pkt, hdr.type);
	h->tile = BPF_CORE_READ(pkt, hdr.tile_id);
	h->gt = BPF_CORE_READ(pkt, hdr.gt_id);
	h->offset = BPF_CORE_READ(pkt, hdr.offset);
	h->size = BPF_CORE_READ(pkt, hdr.size);
}

#endif /* MIGTRACE_XE_BPF_H */
