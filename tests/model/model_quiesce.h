/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait until no control worker will change a VF's state on its own, before
 * a test issues the next control operation (docs/upstream-xe.md §3.6).
 *
 * Every operation of a (GT, VF) shares one completion: entering WIP
 * re-arms it and leaving WIP completes it, but the worker clears the WIP
 * bit before it completes.  An operation started in between re-arms the
 * completion only to have the old one complete it, and its wait returns
 * at once.  Upstream has the same window, so a caller that starts the
 * next operation as soon as the state bits look finished must first wait
 * for the completion too.
 */
#ifndef MODEL_QUIESCE_H
#define MODEL_QUIESCE_H

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "xe_device.h"
#include "xe_gt_sriov_pf_control.h"

#define MQ_BIT(n)	(1ULL << XE_GT_SRIOV_STATE_##n)

/*
 * A GT is quiet for the VF when its last operation has completed (no WIP
 * and the completion delivered) or its restore worker is parked for data
 * that will not come (RESTORE_WAIT_DATA, no step pending).  Anything else
 * is a worker with a step to run.
 */
static inline bool mq_gt_quiet(struct xe_gt *gt, unsigned int vfid)
{
	u64 s = xe_gt_sriov_pf_control_state(gt, vfid);

	if (!(s & MQ_BIT(WIP)))
		return wait_for_completion_timeout(
			&gt->sriov.pf.vfs[vfid].control.done, 0) > 0;
	return (s & MQ_BIT(RESTORE_WAIT_DATA)) &&
	       !(s & MQ_BIT(RESTORE_PROCESS_DATA));
}

/*
 * 0 once every GT is quiet for the VF; -ETIMEDOUT after `ms`, with the
 * first GT still busy and its state in `why`.  Polls: the model has no
 * event for "this VF's worker is idle".  The device must
 * have run a control operation on the VF (a fresh VF's completion is not
 * yet delivered).
 */
static inline int model_quiesce(struct xe_device *xe, unsigned int vfid,
				unsigned int ms, char *why, size_t len)
{
	u64 deadline = xe_now_ns() + (u64)ms * 1000000, s;
	unsigned int id;
	char buf[512];

	for (;;) {
		for (id = 0; id < xe->info.gt_count; id++)
			if (!mq_gt_quiet(&xe->gts[id], vfid))
				break;
		if (id == xe->info.gt_count)
			return 0;
		if (xe_now_ns() >= deadline)
			break;
		usleep(200);
	}
	s = xe_gt_sriov_pf_control_state(&xe->gts[id], vfid);
	snprintf(why, len, "GT%u VF%u %s: %s", id, vfid,
		 xe_gt_sriov_pf_control_state_str(s, buf, sizeof(buf)),
		 s & MQ_BIT(WIP) ? "a worker step is pending" :
		 "WIP left but its completion not delivered");
	return -ETIMEDOUT;
}

#endif /* MODEL_QUIESCE_H */
