/* SPDX-License-Identifier: GPL-2.0 */
/* Migration packets: upstream xe_sriov_packet.[ch] and _types.h. */
#ifndef XE_SRIOV_PACKET_H
#define XE_SRIOV_PACKET_H

#include "xe_device.h"

struct xe_sriov_packet_hdr {
	u8 version;
	u8 type;
	u8 tile_id;
	u8 gt_id;
	u32 flags;
	u64 offset;
	u64 size;
} __attribute__((packed));

_Static_assert(sizeof(struct xe_sriov_packet_hdr) == XE_SRIOV_PACKET_HDR_SIZE,
	       "wire header is 24 bytes");

struct xe_sriov_packet {
	struct xe_device *xe;
	void *vaddr;		/* payload */
	size_t remaining;	/* payload bytes still to transfer */
	size_t hdr_remaining;	/* header bytes still to transfer */
	union {
		struct xe_bo *bo;	/* VRAM packets: pinned sysmem BO */
		void *buff;		/* other types */
	};
	struct xe_sriov_packet_hdr hdr;
	unsigned int vfid;	/* model only: for probes */
};

struct xe_sriov_packet *xe_sriov_packet_alloc(struct xe_device *xe);
void xe_sriov_packet_free(struct xe_sriov_packet *data);
int xe_sriov_packet_init(struct xe_sriov_packet *data, u8 tile_id, u8 gt_id,
			 enum xe_sriov_packet_type type, u64 offset,
			 size_t size);
int xe_sriov_packet_init_from_hdr(struct xe_sriov_packet *data);
int xe_sriov_packet_save_init(struct xe_device *xe, unsigned int vfid);
int xe_sriov_packet_process_descriptor(struct xe_device *xe, unsigned int vfid,
				       struct xe_sriov_packet *data);
ssize_t xe_sriov_packet_read_single(struct xe_device *xe, unsigned int vfid,
				    char *buf, size_t len);
ssize_t xe_sriov_packet_write_single(struct xe_device *xe, unsigned int vfid,
				     const char *buf, size_t len);

#endif /* XE_SRIOV_PACKET_H */
