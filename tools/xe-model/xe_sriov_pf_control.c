// SPDX-License-Identifier: GPL-2.0
/*
 * Device-level VF control.  pause/resume/stop/reset/wait_flr visit every
 * GT and combine as upstream: result = result ? -EUCLEAN : err, so once a
 * GT failed every later GT turns the result into -EUCLEAN.  The save and
 * restore wrappers stop at the first error without rolling back earlier
 * GTs (docs/upstream-xe.md §10.12).
 */
#include "xe_defects.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_control.h"

typedef int (*gt_control_fn)(struct xe_gt *gt, unsigned int vfid);

static int pf_control_all_gts(struct xe_device *xe, unsigned int vfid,
			      gt_control_fn fn)
{
	struct xe_gt *gt;
	unsigned int id;
	int result = 0, err;

	for_each_gt(gt, xe, id) {
		err = fn(gt, vfid);
		result = result ? -EUCLEAN : err;
	}
	return result;
}

static int pf_control_first_error(struct xe_device *xe, unsigned int vfid,
				  gt_control_fn fn)
{
	struct xe_gt *gt;
	unsigned int id;
	int err;

	for_each_gt(gt, xe, id) {
		err = fn(gt, vfid);
		if (err)
			return err;
	}
	return 0;
}

int xe_sriov_pf_control_pause_vf(struct xe_device *xe, unsigned int vfid)
{
	return pf_control_all_gts(xe, vfid, xe_gt_sriov_pf_control_pause_vf);
}

int xe_sriov_pf_control_resume_vf(struct xe_device *xe, unsigned int vfid)
{
	return pf_control_all_gts(xe, vfid, xe_gt_sriov_pf_control_resume_vf);
}

int xe_sriov_pf_control_stop_vf(struct xe_device *xe, unsigned int vfid)
{
	return pf_control_all_gts(xe, vfid, xe_gt_sriov_pf_control_stop_vf);
}

/* 7.1+: every GT learns of the coming VF FLR before GuC reports it */
__xe_traced int xe_sriov_pf_control_prepare_flr(struct xe_device *xe, unsigned int vfid)
{
	if (xe->cfg.defects & XE_V619_NO_FLR_PREPARE)
		return -EOPNOTSUPP;	/* 6.19 has no prepare step */
	return pf_control_all_gts(xe, vfid, xe_gt_sriov_pf_control_prepare_flr);
}

int xe_sriov_pf_control_wait_flr(struct xe_device *xe, unsigned int vfid)
{
	return pf_control_all_gts(xe, vfid, xe_gt_sriov_pf_control_wait_flr);
}

/* FLR on every GT, then wait for every GT */
int xe_sriov_pf_control_reset_vf(struct xe_device *xe, unsigned int vfid)
{
	int err;

	err = pf_control_all_gts(xe, vfid, xe_gt_sriov_pf_control_trigger_flr);
	if (err)
		return err;
	return xe_sriov_pf_control_wait_flr(xe, vfid);
}

static int pf_sync_flr_one(struct xe_gt *gt, unsigned int vfid)
{
	return xe_gt_sriov_pf_control_sync_flr(gt, vfid, true);
}

int xe_sriov_pf_control_sync_flr(struct xe_device *xe, unsigned int vfid)
{
	return pf_control_first_error(xe, vfid, pf_sync_flr_one);
}

static int pf_gt_save_init_trigger(struct xe_gt *gt, unsigned int vfid)
{
	/* upstream re-runs save_init here and again in the GT trigger */
	xe_gt_sriov_pf_migration_save_init(gt, vfid);
	return xe_gt_sriov_pf_control_trigger_save_vf(gt, vfid);
}

int xe_sriov_pf_control_trigger_save_vf(struct xe_device *xe, unsigned int vfid)
{
	int err;

	err = xe_sriov_packet_save_init(xe, vfid);
	if (err)
		return err;
	return pf_control_first_error(xe, vfid, pf_gt_save_init_trigger);
}

int xe_sriov_pf_control_finish_save_vf(struct xe_device *xe, unsigned int vfid)
{
	return pf_control_first_error(xe, vfid,
				      xe_gt_sriov_pf_control_finish_save_vf);
}

int xe_sriov_pf_control_trigger_restore_vf(struct xe_device *xe,
					   unsigned int vfid)
{
	return pf_control_first_error(xe, vfid,
				      xe_gt_sriov_pf_control_trigger_restore_vf);
}

int xe_sriov_pf_control_finish_restore_vf(struct xe_device *xe,
					  unsigned int vfid)
{
	return pf_control_first_error(xe, vfid,
				      xe_gt_sriov_pf_control_finish_restore_vf);
}
