/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated GuC: PF2GUC_SAVE_RESTORE_VF (0x550B) and PF2GUC_VF_CONTROL.
 * Replies are synchronous; results follow the CT conventions: a dword
 * count (>= 0) or a negative errno.
 */
#ifndef XE_GUC_H
#define XE_GUC_H

#include "xe_device.h"

#define GUC_ACTION_PF2GUC_SAVE_RESTORE_VF	0x550B
#define GUC_PF_OPCODE_VF_SAVE			0
#define GUC_PF_OPCODE_VF_RESTORE		1

enum xe_guc_vf_control_cmd {
	GUC_PF_TRIGGER_VF_PAUSE = 1,
	GUC_PF_TRIGGER_VF_RESUME,
	GUC_PF_TRIGGER_VF_STOP,
	GUC_PF_TRIGGER_VF_FLR_START,
	GUC_PF_TRIGGER_VF_FLR_FINISH,
};

/* events of G2H GUC2PF_VF_STATE_NOTIFY */
enum xe_guc_vf_notify_event {
	GUC_PF_NOTIFY_VF_FLR_DONE = 2,
	GUC_PF_NOTIFY_VF_PAUSE_DONE = 3,
};

/* SAVE with addr 0, size 0: the dword count GuC needs */
ssize_t xe_guc_query_vf_mig_data_size(struct xe_gt *gt, unsigned int vfid);
/* SAVE into dst (ndwords long): dwords written or -errno */
ssize_t xe_guc_save_vf_mig_data(struct xe_gt *gt, unsigned int vfid,
				void *dst, size_t ndwords);
/* RESTORE from src: dwords consumed or -errno */
ssize_t xe_guc_restore_vf_mig_data(struct xe_gt *gt, unsigned int vfid,
				   const void *src, size_t ndwords);
/* PF2GUC_VF_CONTROL: 0 or -errno */
int xe_guc_vf_control(struct xe_gt *gt, unsigned int vfid,
		      enum xe_guc_vf_control_cmd cmd);
/* FLR's data reset: GuC forgets the VF's state */
void xe_guc_vf_reset_state(struct xe_gt *gt, unsigned int vfid);

#endif /* XE_GUC_H */
