// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated GuC.  Each (GT, VF) has a blob of cfg.guc_size bytes (content
 * derived from VF id and GT, see xe_device_fill_vf) that SAVE copies out
 * and RESTORE replaces.  Upstream goes through the GuC buffer cache
 * (8 MiB, -ENOBUFS beyond); the model keeps that limit.
 */
#include <string.h>

#include "xe_fault.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_guc.h"
#include "xe_sriov_abi.h"

ssize_t xe_guc_query_vf_mig_data_size(struct xe_gt *gt, unsigned int vfid)
{
	return gt->sriov.pf.vfs[vfid].guc_size / sizeof(u32);
}

static bool guc_buf_fits(size_t ndwords)
{
	return ndwords * sizeof(u32) <= XE_GT_SRIOV_PF_MIGRATION_GUC_DATA_MAX_SIZE;
}

ssize_t xe_guc_save_vf_mig_data(struct xe_gt *gt, unsigned int vfid,
				void *dst, size_t ndwords)
{
	struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];
	size_t have = vf->guc_size / sizeof(u32);
	int err;

	if (!guc_buf_fits(ndwords))
		return -ENOBUFS;
	err = xe_fault_check(MS_SITE_GUC_SAVE, vfid, gt->info.id,
			     XE_SRIOV_PACKET_TYPE_GUC, 0);
	if (err)
		return err;
	/* a GuC asked to save into too small a buffer fails the request */
	if (ndwords < have)
		return -EIO;
	memcpy(dst, vf->guc_state, have * sizeof(u32));
	return have;
}

ssize_t xe_guc_restore_vf_mig_data(struct xe_gt *gt, unsigned int vfid,
				   const void *src, size_t ndwords)
{
	struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];
	int err;

	if (!guc_buf_fits(ndwords))
		return -ENOBUFS;
	err = xe_fault_check(MS_SITE_GUC_RESTORE, vfid, gt->info.id,
			     XE_SRIOV_PACKET_TYPE_GUC, 0);
	if (err)
		return err;
	if (!ndwords)
		return 0;
	/*
	 * The real GuC validates the blob; the model only accepts a blob of
	 * the size it would itself produce and answers an error otherwise.
	 */
	if (ndwords * sizeof(u32) != vf->guc_size)
		return -EIO;
	memcpy(vf->guc_state, src, vf->guc_size);
	return ndwords;
}

int xe_guc_vf_control(struct xe_gt *gt, unsigned int vfid,
		      enum xe_guc_vf_control_cmd cmd)
{
	(void)gt;
	(void)vfid;
	(void)cmd;
	return 0;
}

void xe_guc_vf_reset_state(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];

	if (vf->guc_state)
		memset(vf->guc_state, 0, vf->guc_size);
}
