/* SPDX-License-Identifier: GPL-2.0 */
/* Device-level VF control: upstream xe_sriov_pf_control.[ch]. */
#ifndef XE_SRIOV_PF_CONTROL_H
#define XE_SRIOV_PF_CONTROL_H

#include "xe_device.h"

int xe_sriov_pf_control_pause_vf(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_resume_vf(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_stop_vf(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_reset_vf(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_prepare_flr(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_wait_flr(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_sync_flr(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_trigger_save_vf(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_finish_save_vf(struct xe_device *xe, unsigned int vfid);
int xe_sriov_pf_control_trigger_restore_vf(struct xe_device *xe,
					   unsigned int vfid);
int xe_sriov_pf_control_finish_restore_vf(struct xe_device *xe,
					  unsigned int vfid);

#endif /* XE_SRIOV_PF_CONTROL_H */
