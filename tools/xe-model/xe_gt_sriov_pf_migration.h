/* SPDX-License-Identifier: GPL-2.0 */
/* Per-GT migration data: upstream xe_gt_sriov_pf_migration.[ch]. */
#ifndef XE_GT_SRIOV_PF_MIGRATION_H
#define XE_GT_SRIOV_PF_MIGRATION_H

#include "xe_device.h"

struct xe_sriov_packet;

/* XE_GT_SRIOV_PF_MIGRATION_GUC_DATA_MAX_SIZE: the GuC buffer cache */
#define XE_GT_SRIOV_PF_MIGRATION_GUC_DATA_MAX_SIZE	SZ_8M

int xe_gt_sriov_pf_migration_init(struct xe_gt *gt);
void xe_gt_sriov_pf_migration_fini(struct xe_gt *gt);

bool xe_gt_sriov_pf_migration_ring_empty(struct xe_gt *gt, unsigned int vfid);
bool xe_gt_sriov_pf_migration_ring_full(struct xe_gt *gt, unsigned int vfid);
void xe_gt_sriov_pf_migration_ring_free(struct xe_gt *gt, unsigned int vfid);
/* model: the ring lock, so control can test-and-set WAIT_DATA atomically */
struct xe_ring *xe_gt_sriov_pf_migration_ring(struct xe_gt *gt,
					      unsigned int vfid);
unsigned int xe_ring_count_locked(struct xe_ring *r);

int xe_gt_sriov_pf_migration_save_produce(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data);
struct xe_sriov_packet *
xe_gt_sriov_pf_migration_save_consume(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_migration_restore_produce(struct xe_gt *gt,
					     unsigned int vfid,
					     struct xe_sriov_packet *data);
int __xe_gt_sriov_pf_migration_restore_produce(struct xe_gt *gt,
					       unsigned int vfid,
					       struct xe_sriov_packet *data,
					       bool *consumed);
struct xe_sriov_packet *
xe_gt_sriov_pf_migration_restore_consume(struct xe_gt *gt, unsigned int vfid);

void xe_gt_sriov_pf_migration_save_init(struct xe_gt *gt, unsigned int vfid);
bool xe_gt_sriov_pf_migration_save_data_pending(struct xe_gt *gt,
						unsigned int vfid,
						enum xe_sriov_packet_type type);
void xe_gt_sriov_pf_migration_save_data_complete(struct xe_gt *gt,
						 unsigned int vfid,
						 enum xe_sriov_packet_type type);
ssize_t xe_gt_sriov_pf_migration_size(struct xe_gt *gt, unsigned int vfid);

int xe_gt_sriov_pf_migration_guc_save(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_migration_guc_restore(struct xe_gt *gt, unsigned int vfid,
					 struct xe_sriov_packet *data);
int xe_gt_sriov_pf_migration_ggtt_save(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_migration_ggtt_restore(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data);
int xe_gt_sriov_pf_migration_mmio_save(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_migration_mmio_restore(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data);
/* one chunk per call: -EAGAIN while more chunks remain, then 0 */
int xe_gt_sriov_pf_migration_vram_save(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_migration_vram_restore(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data);

#endif /* XE_GT_SRIOV_PF_MIGRATION_H */
