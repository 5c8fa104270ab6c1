/* SPDX-License-Identifier: GPL-2.0 */
/* Per-GT VF control state machine: upstream xe_gt_sriov_pf_control.[ch]. */
#ifndef XE_GT_SRIOV_PF_CONTROL_H
#define XE_GT_SRIOV_PF_CONTROL_H

#include "xe_device.h"

int xe_gt_sriov_pf_control_init(struct xe_gt *gt);
/* model: stop and join the worker; fini does it too */
void xe_gt_sriov_pf_control_stop(struct xe_gt *gt);
void xe_gt_sriov_pf_control_fini(struct xe_gt *gt);
void xe_gt_sriov_pf_control_restart(struct xe_gt *gt);

int xe_gt_sriov_pf_control_pause_vf(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_resume_vf(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_stop_vf(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_prepare_flr(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_trigger_flr(struct xe_gt *gt, unsigned int vfid);
/* model: GuC's FLR notification for vfid after a VF FLR on the bus */
void xe_gt_sriov_pf_control_handle_vf_flr(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_wait_flr(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_sync_flr(struct xe_gt *gt, unsigned int vfid,
				    bool sync);

int xe_gt_sriov_pf_control_trigger_save_vf(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_finish_save_vf(struct xe_gt *gt, unsigned int vfid);
int xe_gt_sriov_pf_control_process_save_data(struct xe_gt *gt,
					     unsigned int vfid);
bool xe_gt_sriov_pf_control_check_save_data_done(struct xe_gt *gt,
						 unsigned int vfid);
bool xe_gt_sriov_pf_control_check_save_failed(struct xe_gt *gt,
					      unsigned int vfid);

int xe_gt_sriov_pf_control_trigger_restore_vf(struct xe_gt *gt,
					      unsigned int vfid);
int xe_gt_sriov_pf_control_finish_restore_vf(struct xe_gt *gt,
					     unsigned int vfid);
int xe_gt_sriov_pf_control_process_guc2pf(struct xe_gt *gt, const u32 *msg,
					  u32 len);
int xe_gt_sriov_pf_control_process_restore_data(struct xe_gt *gt,
						unsigned int vfid);
bool xe_gt_sriov_pf_control_check_restore_ended(struct xe_gt *gt,
						unsigned int vfid);
int xe_gt_sriov_pf_control_restore_data_done(struct xe_gt *gt,
					     unsigned int vfid);
bool xe_gt_sriov_pf_control_check_restore_failed(struct xe_gt *gt,
						 unsigned int vfid);

/* model: the whole bitmap, for reports and tests */
u64 xe_gt_sriov_pf_control_state(struct xe_gt *gt, unsigned int vfid);
/* model: "PAUSED|SAVED" into buf; "READY" when no bit is set */
const char *xe_gt_sriov_pf_control_state_str(u64 state, char *buf,
					     size_t len);

/*
 * model: called on every bit that changes (tests), after the change and
 * from whichever thread made it, with the bitmap as that change left it.
 * Calls from two threads can reach the hook in either order (as upstream's
 * enter/exit debug lines can); the state values give the real order.
 * Set and clear it with __atomic_store_n: worker threads read it.
 */
typedef void (*xe_gt_sriov_pf_control_state_hook_fn)(struct xe_gt *gt,
						     unsigned int vfid,
						     unsigned int bit,
						     bool enter, u64 state);
extern xe_gt_sriov_pf_control_state_hook_fn xe_gt_sriov_pf_control_state_hook;

#endif /* XE_GT_SRIOV_PF_CONTROL_H */
