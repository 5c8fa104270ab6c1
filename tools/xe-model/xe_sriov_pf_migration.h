/* SPDX-License-Identifier: GPL-2.0 */
/* Device-level migration: upstream xe_sriov_pf_migration.[ch]. */
#ifndef XE_SRIOV_PF_MIGRATION_H
#define XE_SRIOV_PF_MIGRATION_H

#include "xe_device.h"

struct xe_sriov_packet;

int xe_sriov_pf_migration_init(struct xe_device *xe);
void xe_sriov_pf_migration_fini(struct xe_device *xe);
bool xe_sriov_pf_migration_supported(struct xe_device *xe);
void xe_sriov_pf_migration_disable(struct xe_device *xe, const char *why);
ssize_t xe_sriov_pf_migration_size(struct xe_device *xe, unsigned int vfid);
struct xe_waitqueue *xe_sriov_pf_migration_waitqueue(struct xe_device *xe,
						     unsigned int vfid);
struct xe_sriov_packet *xe_sriov_pf_migration_save_consume(struct xe_device *xe,
							   unsigned int vfid);
int xe_sriov_pf_migration_restore_produce(struct xe_device *xe,
					  unsigned int vfid,
					  struct xe_sriov_packet *data);
/*
 * Model helper behind restore_produce: *consumed tells whether the packet
 * was taken (queued or freed) even when an error is returned, so the
 * caller never frees it twice (docs/upstream-xe.md §10.7).
 */
int __xe_sriov_pf_migration_restore_produce(struct xe_device *xe,
					    unsigned int vfid,
					    struct xe_sriov_packet *data,
					    bool *consumed);
ssize_t xe_sriov_pf_migration_read(struct xe_device *xe, unsigned int vfid,
				   char *buf, size_t len);
ssize_t xe_sriov_pf_migration_write(struct xe_device *xe, unsigned int vfid,
				    const char *buf, size_t len);

#endif /* XE_SRIOV_PF_MIGRATION_H */
