// SPDX-License-Identifier: GPL-2.0
/*
 * The per (GT, VF) control state machine: a 39-bit bitmap with upstream's
 * bit numbers, one worker thread per GT that runs one step of the VF state
 * machine at a time in upstream's priority order, and the pause, resume,
 * stop, FLR, save and restore flows with their preconditions and error
 * codes (docs/upstream-xe.md §3).  GuC round trips are simulated synchronously
 * inside the
 * worker, but every intermediate state is entered and left as upstream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe_gt_sriov_pf_control.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_defects.h"
#include "xe_fault.h"
#include "xe_guc.h"
#include "xe_sriov_names.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_migration.h"
#include "xe_usdt.h"

#ifndef BIT
#define BIT(n)		(1ULL << (n))
#endif

/* model only: tests observe every transition through this hook */
xe_gt_sriov_pf_control_state_hook_fn xe_gt_sriov_pf_control_state_hook;
#define ST(name)	XE_GT_SRIOV_STATE_##name

static void pf_call_state_hook(struct xe_gt *gt, unsigned int vfid,
			       unsigned int bit, bool enter, u64 state)
{
	xe_gt_sriov_pf_control_state_hook_fn hook;

	hook = __atomic_load_n(&xe_gt_sriov_pf_control_state_hook,
			       __ATOMIC_ACQUIRE);
	if (hook)
		hook(gt, vfid, bit, enter, state);
}

static struct xe_gt_sriov_control_state *pf_pick_vf_control(struct xe_gt *gt,
							    unsigned int vfid)
{
	return &gt->sriov.pf.vfs[vfid].control;
}

/*
 * --- bitmap primitives --------------------------------------------------
 * test_and_set_bit()/test_and_clear_bit() are fully ordered in the kernel;
 * seq_cst gives the same here (and costs nothing more on x86).
 */

static bool pf_check_vf_state(struct xe_gt *gt, unsigned int vfid,
			      enum xe_gt_sriov_control_bits bit)
{
	return __atomic_load_n(&pf_pick_vf_control(gt, vfid)->state[0],
			       __ATOMIC_SEQ_CST) & BIT(bit);
}

static bool pf_enter_vf_state(struct xe_gt *gt, unsigned int vfid,
			      enum xe_gt_sriov_control_bits bit)
{
	unsigned long *state = pf_pick_vf_control(gt, vfid)->state;
	u64 old = __atomic_fetch_or(state, BIT(bit), __ATOMIC_SEQ_CST);

	if (old & BIT(bit))
		return false;
	XE_USDT(state_enter, U(gt->info.id), U(vfid), U(bit),
		U(old | BIT(bit)));
	pf_call_state_hook(gt, vfid, bit, true, old | BIT(bit));
	xe_dbg(gt->xe, "GT%u: VF%u state %s enter", gt->info.id, vfid,
	       xe_state_name(bit));
	return true;
}

static bool pf_exit_vf_state(struct xe_gt *gt, unsigned int vfid,
			     enum xe_gt_sriov_control_bits bit)
{
	unsigned long *state = pf_pick_vf_control(gt, vfid)->state;
	u64 old = __atomic_fetch_and(state, ~BIT(bit), __ATOMIC_SEQ_CST);

	if (!(old & BIT(bit)))
		return false;
	XE_USDT(state_exit, U(gt->info.id), U(vfid), U(bit),
		U(old & ~BIT(bit)));
	pf_call_state_hook(gt, vfid, bit, false, old & ~BIT(bit));
	xe_dbg(gt->xe, "GT%u: VF%u state %s exit", gt->info.id, vfid,
	       xe_state_name(bit));
	return true;
}

static void pf_escape_vf_state(struct xe_gt *gt, unsigned int vfid,
			       enum xe_gt_sriov_control_bits bit)
{
	if (pf_exit_vf_state(gt, vfid, bit))
		xe_dbg(gt->xe, "GT%u: VF%u state %s escaped", gt->info.id,
		       vfid, xe_state_name(bit));
}

static void pf_dump_vf_state(struct xe_gt *gt, unsigned int vfid)
{
	char buf[512];

	xe_dbg(gt->xe, "GT%u: VF%u state %s", gt->info.id, vfid,
	       xe_gt_sriov_pf_control_state_str(
		       xe_gt_sriov_pf_control_state(gt, vfid), buf,
		       sizeof(buf)));
}

static bool pf_expect_vf_state(struct xe_gt *gt, unsigned int vfid,
			       enum xe_gt_sriov_control_bits bit)
{
	bool result = pf_check_vf_state(gt, vfid, bit);

	if (!result)
		pf_dump_vf_state(gt, vfid);
	return result;
}

static void pf_enter_vf_mismatch(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_enter_vf_state(gt, vfid, ST(MISMATCH)))
		xe_dbg(gt->xe, "GT%u: VF%u state mismatch detected",
		       gt->info.id, vfid);
}

static void pf_exit_vf_mismatch(struct xe_gt *gt, unsigned int vfid)
{
	pf_escape_vf_state(gt, vfid, ST(MISMATCH));
	pf_exit_vf_state(gt, vfid, ST(STOP_FAILED));
	pf_exit_vf_state(gt, vfid, ST(PAUSE_FAILED));
	pf_exit_vf_state(gt, vfid, ST(RESUME_FAILED));
	pf_exit_vf_state(gt, vfid, ST(FLR_FAILED));
	pf_exit_vf_state(gt, vfid, ST(SAVE_FAILED));
	pf_exit_vf_state(gt, vfid, ST(RESTORE_FAILED));
}

static void pf_enter_vf_state_machine_bug(struct xe_gt *gt, unsigned int vfid)
{
	pf_enter_vf_mismatch(gt, vfid);
}

/* --- the worker --------------------------------------------------------- */

static void pf_queue_vf(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt_sriov_control_state *cs = pf_pick_vf_control(gt, vfid);
	struct xe_gt_sriov_pf_control *pfc = &gt->sriov.pf.control;
	unsigned int cap = xe_sriov_pf_num_vfs(gt->xe) + 1;

	pthread_mutex_lock(&pfc->lock);
	/* upstream moves a queued VF to the tail; the model leaves it */
	if (!cs->queued) {
		pfc->list[(pfc->head + pfc->count) % cap] = vfid;
		pfc->count++;
		cs->queued = true;
	}
	if (!pfc->stop)
		xe_worker_queue(&pfc->worker);
	pthread_mutex_unlock(&pfc->lock);
}

static bool pf_process_vf_state_machine(struct xe_gt *gt, unsigned int vfid);

/* take the VF at the head of the GT's list; false when there is none */
static bool pf_worker_pop_vf(struct xe_gt *gt, unsigned int *vfid)
{
	struct xe_gt_sriov_pf_control *pfc = &gt->sriov.pf.control;
	unsigned int cap = xe_sriov_pf_num_vfs(gt->xe) + 1;
	bool found = false;

	pthread_mutex_lock(&pfc->lock);
	if (pfc->count && !pfc->stop) {
		*vfid = pfc->list[pfc->head];
		pfc->head = (pfc->head + 1) % cap;
		pfc->count--;
		pf_pick_vf_control(gt, *vfid)->queued = false;
		/* the others wait for the next run, as upstream */
		if (pfc->count)
			xe_worker_queue(&pfc->worker);
		found = true;
	}
	pthread_mutex_unlock(&pfc->lock);
	return found;
}

/* one step of one VF's state machine per run, as upstream's worker */
static __xe_traced void control_worker_func(struct work_struct *w)
{
	struct xe_gt *gt = container_of(w, struct xe_gt,
					sriov.pf.control.worker);
	unsigned int vfid;

	if (!pf_worker_pop_vf(gt, &vfid))
		return;
	if (pf_process_vf_state_machine(gt, vfid))
		pf_queue_vf(gt, vfid);
}

/* --- timeouts and WIP --------------------------------------------------- */

static unsigned int pf_get_default_timeout(struct xe_gt *gt,
					   enum xe_gt_sriov_control_bits bit)
{
	switch (bit) {
	case ST(FLR_WAIT_GUC):
	case ST(PAUSE_WAIT_GUC):
		return 500;
	case ST(FLR_WIP):
	case ST(FLR_RESET_CONFIG):
		return 5000;
	case ST(RESTORE_WIP):
		return gt->xe->cfg.restore_timeout_ms;
	default:
		return 1000;
	}
}

static int pf_wait_vf_wip_done(struct xe_gt *gt, unsigned int vfid,
			       unsigned int ms)
{
	struct xe_gt_sriov_control_state *cs = pf_pick_vf_control(gt, vfid);

	return wait_for_completion_timeout(&cs->done, ms) ? 0 : -ETIMEDOUT;
}

static void pf_enter_vf_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_enter_vf_state(gt, vfid, ST(WIP)))
		reinit_completion(&pf_pick_vf_control(gt, vfid)->done);
}

static void pf_flr_sync_release(struct xe_device *xe, unsigned int vfid);

static void pf_exit_vf_flr_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(FLR_WIP))) {
		pf_escape_vf_state(gt, vfid, ST(FLR_PREPARE));
		pf_escape_vf_state(gt, vfid, ST(FLR_SEND_FINISH));
		pf_escape_vf_state(gt, vfid, ST(FLR_RESET_MMIO));
		pf_escape_vf_state(gt, vfid, ST(FLR_RESET_DATA));
		pf_escape_vf_state(gt, vfid, ST(FLR_RESET_CONFIG));
		pf_escape_vf_state(gt, vfid, ST(FLR_SYNC));
		pf_escape_vf_state(gt, vfid, ST(FLR_GUC_DONE));
		pf_escape_vf_state(gt, vfid, ST(FLR_WAIT_GUC));
		pf_escape_vf_state(gt, vfid, ST(FLR_SEND_START));
		/* a GT parked in FLR_SYNC may have been waiting on this one */
		pf_flr_sync_release(gt->xe, vfid);
	}
}

static void pf_exit_vf_stop_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(STOP_WIP)))
		pf_escape_vf_state(gt, vfid, ST(STOP_SEND_STOP));
}

static void pf_exit_vf_save_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(SAVE_WIP))) {
		pf_escape_vf_state(gt, vfid, ST(SAVE_PROCESS_DATA));
		pf_escape_vf_state(gt, vfid, ST(SAVE_WAIT_DATA));
		pf_escape_vf_state(gt, vfid, ST(SAVE_DATA_DONE));
		xe_gt_sriov_pf_migration_ring_free(gt, vfid);
	}
}

static void pf_exit_vf_restore_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(RESTORE_WIP))) {
		pf_escape_vf_state(gt, vfid, ST(RESTORE_PROCESS_DATA));
		pf_escape_vf_state(gt, vfid, ST(RESTORE_WAIT_DATA));
		pf_escape_vf_state(gt, vfid, ST(RESTORE_DATA_DONE));
		xe_gt_sriov_pf_migration_ring_free(gt, vfid);
	}
}

static void pf_exit_vf_pause_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(PAUSE_WIP))) {
		pf_escape_vf_state(gt, vfid, ST(PAUSE_SEND_PAUSE));
		pf_escape_vf_state(gt, vfid, ST(PAUSE_WAIT_GUC));
		pf_escape_vf_state(gt, vfid, ST(PAUSE_GUC_DONE));
	}
}

static void pf_exit_vf_resume_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(RESUME_WIP)))
		pf_escape_vf_state(gt, vfid, ST(RESUME_SEND_RESUME));
}

/*
 * WIP is cleared before the completion is signalled, as upstream: a
 * control call that starts in between re-arms the completion and is
 * woken by this one (§3.6).  Kept, not fixed.
 */
static void pf_exit_vf_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_state(gt, vfid, ST(WIP))) {
		pf_exit_vf_flr_wip(gt, vfid);
		pf_exit_vf_stop_wip(gt, vfid);
		pf_exit_vf_save_wip(gt, vfid);
		pf_exit_vf_restore_wip(gt, vfid);
		pf_exit_vf_pause_wip(gt, vfid);
		pf_exit_vf_resume_wip(gt, vfid);
		complete_all(&pf_pick_vf_control(gt, vfid)->done);
	}
}

/* --- READY / STOP ------------------------------------------------------- */

static void pf_enter_vf_ready(struct xe_gt *gt, unsigned int vfid)
{
	pf_escape_vf_state(gt, vfid, ST(PAUSED));
	pf_escape_vf_state(gt, vfid, ST(STOPPED));
	pf_escape_vf_state(gt, vfid, ST(RESUMED));
	pf_escape_vf_state(gt, vfid, ST(SAVED));
	pf_escape_vf_state(gt, vfid, ST(RESTORED));
	pf_exit_vf_mismatch(gt, vfid);
	pf_exit_vf_wip(gt, vfid);
}

static void pf_enter_vf_stopped(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(STOPPED)))
		pf_enter_vf_state_machine_bug(gt, vfid);
	pf_escape_vf_state(gt, vfid, ST(RESUMED));
	pf_escape_vf_state(gt, vfid, ST(PAUSED));
	pf_escape_vf_state(gt, vfid, ST(SAVED));
	pf_escape_vf_state(gt, vfid, ST(RESTORED));
	pf_exit_vf_mismatch(gt, vfid);
	pf_exit_vf_wip(gt, vfid);
	xe_dbg(gt->xe, "GT%u: VF%u stopped!", gt->info.id, vfid);
}

static bool pf_exit_vf_stop_send_stop(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(STOP_SEND_STOP)))
		return false;
	if (xe_guc_vf_control(gt, vfid, GUC_PF_TRIGGER_VF_STOP)) {
		pf_enter_vf_state(gt, vfid, ST(STOP_FAILED));
		pf_exit_vf_wip(gt, vfid);
	} else {
		pf_enter_vf_stopped(gt, vfid);
	}
	return true;
}

__xe_traced int xe_gt_sriov_pf_control_stop_vf(struct xe_gt *gt, unsigned int vfid)
{
	int err;

	if (pf_check_vf_state(gt, vfid, ST(STOPPED)))
		return -ESTALE;
	if (!pf_enter_vf_state(gt, vfid, ST(STOP_WIP)))
		return -EALREADY;
	pf_enter_vf_wip(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(STOP_SEND_STOP));
	pf_queue_vf(gt, vfid);

	err = pf_wait_vf_wip_done(gt, vfid,
				  pf_get_default_timeout(gt, ST(STOP_WIP)));
	if (err)
		return err;
	if (pf_expect_vf_state(gt, vfid, ST(STOPPED)))
		return 0;
	if (pf_check_vf_state(gt, vfid, ST(STOP_FAILED)))
		return -EIO;
	return -ECANCELED;
}

/* --- PAUSE -------------------------------------------------------------- */

static void pf_enter_vf_paused(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(PAUSED)))
		pf_enter_vf_state_machine_bug(gt, vfid);
	pf_exit_vf_mismatch(gt, vfid);
	pf_exit_vf_wip(gt, vfid);
	xe_dbg(gt->xe, "GT%u: VF%u paused!", gt->info.id, vfid);
}

static void pf_enter_vf_pause_failed(struct xe_gt *gt, unsigned int vfid)
{
	pf_enter_vf_state(gt, vfid, ST(PAUSE_FAILED));
	pf_exit_vf_wip(gt, vfid);
}

/* the G2H VF_STATE_NOTIFY(PAUSE_DONE) handler */
static void pf_handle_vf_pause_done(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(PAUSE_WAIT_GUC))) {
		pf_enter_vf_state_machine_bug(gt, vfid);
		return;
	}
	pf_enter_vf_state(gt, vfid, ST(PAUSE_GUC_DONE));
	pf_queue_vf(gt, vfid);
}

static void pf_guc_notify(struct xe_gt *gt, unsigned int vfid, u32 event);

static bool pf_exit_vf_pause_send_pause(struct xe_gt *gt, unsigned int vfid)
{
	int err;

	if (!pf_exit_vf_state(gt, vfid, ST(PAUSE_SEND_PAUSE)))
		return false;
	/* WAIT_GUC first, so the G2H cannot arrive before it is expected */
	pf_enter_vf_state(gt, vfid, ST(PAUSE_WAIT_GUC));
	err = xe_guc_vf_control(gt, vfid, GUC_PF_TRIGGER_VF_PAUSE);
	if (err == -EBUSY) {
		pf_exit_vf_state(gt, vfid, ST(PAUSE_WAIT_GUC));
		pf_enter_vf_state(gt, vfid, ST(PAUSE_SEND_PAUSE));
	} else if (err) {
		pf_exit_vf_state(gt, vfid, ST(PAUSE_WAIT_GUC));
		if (err == -EIO)
			pf_enter_vf_mismatch(gt, vfid);
		pf_enter_vf_pause_failed(gt, vfid);
	} else {
		pf_guc_notify(gt, vfid, GUC_PF_NOTIFY_VF_PAUSE_DONE);
	}
	return true;
}

static bool pf_exit_vf_pause_guc_done(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(PAUSE_GUC_DONE)))
		return false;
	pf_enter_vf_paused(gt, vfid);
	return true;
}

__xe_traced int xe_gt_sriov_pf_control_pause_vf(struct xe_gt *gt, unsigned int vfid)
{
	int err;

	if (pf_check_vf_state(gt, vfid, ST(STOPPED)))
		return -EPERM;
	if (pf_check_vf_state(gt, vfid, ST(PAUSED)))
		return -ESTALE;
	if (!pf_enter_vf_state(gt, vfid, ST(PAUSE_WIP)))
		return -EALREADY;
	pf_enter_vf_wip(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(PAUSE_SEND_PAUSE));
	pf_queue_vf(gt, vfid);

	err = pf_wait_vf_wip_done(gt, vfid,
				  pf_get_default_timeout(gt, ST(PAUSE_WIP)));
	if (err)
		return err;
	if (pf_expect_vf_state(gt, vfid, ST(PAUSED)))
		return 0;
	if (pf_check_vf_state(gt, vfid, ST(PAUSE_FAILED)))
		return -EIO;
	return -ECANCELED;
}

/* --- RESUME ------------------------------------------------------------- */

static void pf_enter_vf_resumed(struct xe_gt *gt, unsigned int vfid)
{
	pf_enter_vf_state(gt, vfid, ST(RESUMED));
	pf_escape_vf_state(gt, vfid, ST(PAUSED));
	pf_escape_vf_state(gt, vfid, ST(SAVED));
	pf_escape_vf_state(gt, vfid, ST(RESTORED));
	pf_exit_vf_mismatch(gt, vfid);
	pf_exit_vf_wip(gt, vfid);
	xe_dbg(gt->xe, "GT%u: VF%u resumed!", gt->info.id, vfid);
}

static bool pf_exit_vf_resume_send_resume(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(RESUME_SEND_RESUME)))
		return false;
	if (xe_guc_vf_control(gt, vfid, GUC_PF_TRIGGER_VF_RESUME)) {
		pf_enter_vf_state(gt, vfid, ST(RESUME_FAILED));
		pf_exit_vf_wip(gt, vfid);
	} else {
		pf_enter_vf_resumed(gt, vfid);
	}
	return true;
}

__xe_traced int xe_gt_sriov_pf_control_resume_vf(struct xe_gt *gt, unsigned int vfid)
{
	int err;

	if (!pf_check_vf_state(gt, vfid, ST(PAUSED)))
		return -EPERM;
	if (pf_check_vf_state(gt, vfid, ST(SAVE_WIP)) ||
	    pf_check_vf_state(gt, vfid, ST(RESTORE_WIP)))
		return -EBUSY;
	if (!pf_enter_vf_state(gt, vfid, ST(RESUME_WIP)))
		return -EALREADY;
	pf_enter_vf_wip(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(RESUME_SEND_RESUME));
	pf_queue_vf(gt, vfid);

	err = pf_wait_vf_wip_done(gt, vfid,
				  pf_get_default_timeout(gt, ST(RESUME_WIP)));
	if (err)
		return err;
	if (pf_expect_vf_state(gt, vfid, ST(RESUMED)))
		return 0;
	if (pf_check_vf_state(gt, vfid, ST(RESUME_FAILED)))
		return -EIO;
	return -ECANCELED;
}

/* --- FLR ---------------------------------------------------------------- */

static void pf_enter_vf_flr_failed(struct xe_gt *gt, unsigned int vfid)
{
	pf_enter_vf_state(gt, vfid, ST(FLR_FAILED));
	pf_exit_vf_wip(gt, vfid);
}

/* the G2H VF_STATE_NOTIFY(FLR_DONE) handler */
static void pf_handle_vf_flr_done(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_WAIT_GUC))) {
		pf_enter_vf_state_machine_bug(gt, vfid);
		return;
	}
	pf_enter_vf_state(gt, vfid, ST(FLR_GUC_DONE));
	pf_queue_vf(gt, vfid);
}

/*
 * G2H GUC2PF_VF_STATE_NOTIFY, as the simulated GuC sends it: msg[0] the
 * VF, msg[1] the event.  A real function under upstream's name, so that
 * the kernel programs see GuC notifications on the twin as on xe.ko.
 */
__xe_traced int xe_gt_sriov_pf_control_process_guc2pf(struct xe_gt *gt,
						   const u32 *msg, u32 len)
{
	if (len < 2 || !msg[0] || msg[0] > xe_sriov_pf_num_vfs(gt->xe))
		return -EPROTO;
	switch (msg[1]) {
	case GUC_PF_NOTIFY_VF_PAUSE_DONE:
		pf_handle_vf_pause_done(gt, msg[0]);
		return 0;
	case GUC_PF_NOTIFY_VF_FLR_DONE:
		pf_handle_vf_flr_done(gt, msg[0]);
		return 0;
	default:
		return -EPROTO;
	}
}

/* the simulated GuC answers at once */
static void pf_guc_notify(struct xe_gt *gt, unsigned int vfid, u32 event)
{
	const u32 msg[] = { vfid, event };

	xe_gt_sriov_pf_control_process_guc2pf(gt, msg, 2);
}

static bool pf_exit_vf_flr_send_start(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_SEND_START)))
		return false;
	pf_enter_vf_state(gt, vfid, ST(FLR_WAIT_GUC));
	if (xe_guc_vf_control(gt, vfid, GUC_PF_TRIGGER_VF_FLR_START)) {
		pf_exit_vf_state(gt, vfid, ST(FLR_WAIT_GUC));
		pf_enter_vf_flr_failed(gt, vfid);
	} else {
		pf_guc_notify(gt, vfid, GUC_PF_NOTIFY_VF_FLR_DONE);
	}
	return true;
}

/*
 * FLR_SYNC: every GT doing this VF's FLR must have got GuC's FLR_DONE
 * before any GT resets the VF's config.  The last GT to arrive releases
 * all of them (test-and-clear makes each release happen once).
 *
 * A GT whose FLR is not triggered yet counts as not taking part, so with
 * the device-level triggers issued one GT after the other, GT0 can pass
 * the checkpoint alone and still be resetting when GT1 arrives.  GT1 then
 * waits on GT0's FLR_WIP, and GT0 leaving FLR_WIP must release it: the
 * check runs again there.  Setting SYNC/clearing FLR_WIP before checking
 * the other GTs (seq_cst bit ops) means one of two racing GTs sees both.
 */
static void pf_flr_sync_release(struct xe_device *xe, unsigned int vfid)
{
	struct xe_gt *gt;
	unsigned int id;

	for_each_gt(gt, xe, id) {
		if (pf_check_vf_state(gt, vfid, ST(FLR_WIP)) &&
		    !pf_check_vf_state(gt, vfid, ST(FLR_SYNC)))
			return;
	}
	for_each_gt(gt, xe, id) {
		if (pf_exit_vf_state(gt, vfid, ST(FLR_SYNC))) {
			pf_enter_vf_state(gt, vfid, ST(FLR_RESET_CONFIG));
			pf_queue_vf(gt, vfid);
		}
	}
}

int xe_gt_sriov_pf_control_sync_flr(struct xe_gt *gt, unsigned int vfid,
				    bool sync)
{
	if (sync)
		pf_flr_sync_release(gt->xe, vfid);
	return pf_check_vf_state(gt, vfid, ST(FLR_SYNC)) ? -EAGAIN : 0;
}

static bool pf_exit_vf_flr_guc_done(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_GUC_DONE)))
		return false;
	pf_enter_vf_state(gt, vfid, ST(FLR_SYNC));
	xe_gt_sriov_pf_control_sync_flr(gt, vfid, true);
	return false;
}

static bool pf_exit_vf_flr_reset_config(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_RESET_CONFIG)))
		return false;
	xe_gt_sriov_pf_config_sanitize(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(FLR_RESET_DATA));
	return true;
}

static bool pf_exit_vf_flr_reset_data(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_RESET_DATA)))
		return false;
	xe_guc_vf_reset_state(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(FLR_RESET_MMIO));
	return true;
}

static bool pf_exit_vf_flr_reset_mmio(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_RESET_MMIO)))
		return false;
	memset(gt->sriov.pf.vfs[vfid].mmio, 0, sizeof(gt->sriov.pf.vfs[vfid].mmio));
	pf_enter_vf_state(gt, vfid, ST(FLR_SEND_FINISH));
	return true;
}

static bool pf_exit_vf_flr_send_finish(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_SEND_FINISH)))
		return false;
	if (xe_guc_vf_control(gt, vfid, GUC_PF_TRIGGER_VF_FLR_FINISH))
		pf_enter_vf_flr_failed(gt, vfid);
	else
		pf_enter_vf_ready(gt, vfid);
	return false;
}

static bool pf_enter_vf_flr_wip(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(FLR_WIP)))
		return false;
	pf_enter_vf_wip(gt, vfid);
	return true;
}

static void pf_enter_vf_flr_send_start(struct xe_gt *gt, unsigned int vfid)
{
	pf_enter_vf_state(gt, vfid, ST(FLR_SEND_START));
	pf_queue_vf(gt, vfid);
}

/* the FLR a prepare announced has begun: on with the sequence */
static bool pf_exit_vf_flr_prepare(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(FLR_PREPARE)))
		return false;
	pf_enter_vf_flr_send_start(gt, vfid);
	return true;
}

/*
 * 7.1+: an FLR already announced by prepare_flr starts from FLR_PREPARE;
 * one already running is -EALREADY (6.19 said 0 and did nothing).
 */
static int pf_begin_vf_flr(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_enter_vf_flr_wip(gt, vfid)) {
		pf_enter_vf_flr_send_start(gt, vfid);
		return 0;
	}
	if (pf_exit_vf_flr_prepare(gt, vfid))
		return 0;
	xe_dbg(gt->xe, "GT%u: VF%u FLR is already in progress", gt->info.id,
	       vfid);
	return gt->xe->cfg.defects & XE_V619_FLR_RETRIGGER_OK ? 0 : -EALREADY;
}

/*
 * Early notice of a VF FLR (xe-vfio-pci's reset_prepare), before GuC
 * tells the PF: FLR_WIP is set at once, so a wait_flr that runs before
 * GuC's event waits for the FLR instead of returning at once.
 */
__xe_traced int xe_gt_sriov_pf_control_prepare_flr(struct xe_gt *gt, unsigned int vfid)
{
	if (gt->xe->cfg.defects & XE_V619_NO_FLR_PREPARE)
		return -EOPNOTSUPP;	/* 6.19 has no prepare step */
	if (!pf_enter_vf_flr_wip(gt, vfid))
		return -EALREADY;
	pf_enter_vf_state(gt, vfid, ST(FLR_PREPARE));
	return 0;
}

__xe_traced int xe_gt_sriov_pf_control_trigger_flr(struct xe_gt *gt, unsigned int vfid)
{
	return pf_begin_vf_flr(gt, vfid);
}

/*
 * GuC's VF_STATE_NOTIFY(FLR), sent after the VF's function level reset
 * on the bus: upstream's pf_handle_vf_flr, for every GT of the device.
 */
void xe_gt_sriov_pf_control_handle_vf_flr(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt *it;
	unsigned int id;

	xe_dbg(gt->xe, "GT%u: VF%u FLR notified by GuC", gt->info.id, vfid);
	for_each_gt(it, gt->xe, id)
		pf_begin_vf_flr(it, vfid);
}

int xe_gt_sriov_pf_control_wait_flr(struct xe_gt *gt, unsigned int vfid)
{
	int err;

	if (pf_check_vf_state(gt, vfid, ST(FLR_FAILED)))
		return -EIO;
	if (!pf_check_vf_state(gt, vfid, ST(FLR_WIP)))
		return 0;
	err = pf_wait_vf_wip_done(gt, vfid,
				  pf_get_default_timeout(gt, ST(FLR_WIP)));
	if (err)
		return err;
	if (pf_check_vf_state(gt, vfid, ST(FLR_FAILED)))
		return -EIO;
	return 0;
}

/* --- SAVE --------------------------------------------------------------- */

bool xe_gt_sriov_pf_control_check_save_data_done(struct xe_gt *gt,
						 unsigned int vfid)
{
	return pf_check_vf_state(gt, vfid, ST(SAVE_DATA_DONE));
}

bool xe_gt_sriov_pf_control_check_save_failed(struct xe_gt *gt,
					      unsigned int vfid)
{
	return pf_check_vf_state(gt, vfid, ST(SAVE_FAILED));
}

/*
 * An FLR triggered while this save step ran (a VMM resetting the VF after
 * a failed read) owns WIP from then on.  Exiting WIP here, as upstream's
 * shape does, escapes the FLR's states: the FLR is silently cancelled,
 * wait_flr reports it done and the VF stays PAUSED (found by migscope
 * fuzz with defects off).  The model leaves WIP to the FLR, which exits
 * the save flow when it completes.
 */
static void pf_enter_vf_save_failed(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(SAVE_FAILED)))
		pf_enter_vf_state_machine_bug(gt, vfid);
	wake_up_all(xe_sriov_pf_migration_waitqueue(gt->xe, vfid));
	if (!pf_check_vf_state(gt, vfid, ST(FLR_WIP)))
		pf_exit_vf_wip(gt, vfid);
}

static void pf_enter_vf_saved(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(SAVED)))
		pf_enter_vf_state_machine_bug(gt, vfid);
	pf_exit_vf_mismatch(gt, vfid);
	pf_exit_vf_wip(gt, vfid);
}

static void pf_enter_vf_save_data_done(struct xe_gt *gt, unsigned int vfid)
{
	pf_enter_vf_state(gt, vfid, ST(SAVE_DATA_DONE));
	/* upstream does not wake the reader here (§10.8) */
	if (!(gt->xe->cfg.defects & XE_DEFECT_LOST_WAKEUP))
		wake_up_all(xe_sriov_pf_migration_waitqueue(gt->xe, vfid));
}

/* one data type per step: GUC, GGTT, MMIO, then VRAM chunk by chunk */
static const enum xe_sriov_packet_type pf_save_order[] = {
	XE_SRIOV_PACKET_TYPE_GUC, XE_SRIOV_PACKET_TYPE_GGTT,
	XE_SRIOV_PACKET_TYPE_MMIO, XE_SRIOV_PACKET_TYPE_VRAM,
};

/* the type the next save step produces, 0 when it will enter DATA_DONE */
static unsigned int pf_save_next_type(struct xe_gt *gt, unsigned int vfid)
{
	unsigned int i;

	for (i = 0; i < sizeof(pf_save_order) / sizeof(pf_save_order[0]); i++)
		if (xe_gt_sriov_pf_migration_save_data_pending(gt, vfid,
							       pf_save_order[i]))
			return pf_save_order[i];
	return 0;
}

static int pf_handle_vf_save_data(struct xe_gt *gt, unsigned int vfid)
{
	const enum xe_sriov_packet_type *order = pf_save_order;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(pf_save_order) / sizeof(pf_save_order[0]); i++) {
		if (!xe_gt_sriov_pf_migration_save_data_pending(gt, vfid,
								order[i]))
			continue;
		switch (order[i]) {
		case XE_SRIOV_PACKET_TYPE_GUC:
			ret = xe_gt_sriov_pf_migration_guc_save(gt, vfid);
			break;
		case XE_SRIOV_PACKET_TYPE_GGTT:
			ret = xe_gt_sriov_pf_migration_ggtt_save(gt, vfid);
			break;
		case XE_SRIOV_PACKET_TYPE_MMIO:
			ret = xe_gt_sriov_pf_migration_mmio_save(gt, vfid);
			break;
		default:
			ret = xe_gt_sriov_pf_migration_vram_save(gt, vfid);
			break;
		}
		if (ret)
			return ret;	/* -EAGAIN: more VRAM chunks */
		xe_gt_sriov_pf_migration_save_data_complete(gt, vfid, order[i]);
		return -EAGAIN;
	}
	return 0;
}

/*
 * The model checks "ring full" and enters SAVE_WAIT_DATA under the ring
 * lock, so a consumer emptying a slot in between cannot miss the bit.
 * With XE_DEFECT_WAIT_DATA_RACE the bit is set after the lock is dropped:
 * a reader that drains the ring in that window finds no WAIT_DATA to
 * clear, and the worker parks with nobody left to requeue it.  The delay
 * site (a preemption point) sits in that window.
 */
static bool pf_save_ring_full_wait(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	bool racy = gt->xe->cfg.defects & XE_DEFECT_WAIT_DATA_RACE;
	bool full;

	pthread_mutex_lock(&r->lock);
	full = xe_ring_count_locked(r) == XE_GT_SRIOV_PF_MIGRATION_RING_SIZE;
	if (full && !racy)
		pf_enter_vf_state(gt, vfid, ST(SAVE_WAIT_DATA));
	pthread_mutex_unlock(&r->lock);
	if (!full)
		return false;
	xe_fault_delay(MS_SITE_SAVE_WAIT, vfid, gt->info.id, 0, 0);
	if (racy)
		pf_enter_vf_state(gt, vfid, ST(SAVE_WAIT_DATA));
	return true;
}

static bool pf_handle_vf_save(struct xe_gt *gt, unsigned int vfid)
{
	int ret;

	if (!pf_exit_vf_state(gt, vfid, ST(SAVE_PROCESS_DATA)))
		return false;
	if (pf_save_ring_full_wait(gt, vfid))
		return true;

	/*
	 * Upstream runs each step from a workqueue, so a step can start any
	 * time after the previous one; the delay site stretches that gap.
	 * Before the last step (type 0) it lets the reader drain the ring
	 * and sleep before DATA_DONE is entered, the window of §10.8.
	 */
	xe_fault_delay(MS_SITE_SAVE_STEP, vfid, gt->info.id,
		       pf_save_next_type(gt, vfid), 0);

	ret = pf_handle_vf_save_data(gt, vfid);
	if (ret == -EAGAIN) {
		pf_enter_vf_state(gt, vfid, ST(SAVE_PROCESS_DATA));
		return true;
	}
	if (ret) {
		pf_enter_vf_save_failed(gt, vfid);
		return false;
	}
	pf_enter_vf_save_data_done(gt, vfid);
	return false;
}

/*
 * Only a worker parked in WAIT_DATA is requeued, as upstream.  Setting
 * PROCESS_DATA on every consume would, once DATA_DONE is set, start an
 * extra save step that can still be running after finish_save (and re-set
 * DATA_DONE behind SAVED) or during the next trigger_save.
 */
static void pf_exit_vf_save_wait_data(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(SAVE_WAIT_DATA)))
		return;
	pf_enter_vf_state(gt, vfid, ST(SAVE_PROCESS_DATA));
	pf_queue_vf(gt, vfid);
}

__xe_traced int xe_gt_sriov_pf_control_process_save_data(struct xe_gt *gt,
					     unsigned int vfid)
{
	if (pf_check_vf_state(gt, vfid, ST(SAVE_FAILED)))
		return -EIO;
	pf_exit_vf_save_wait_data(gt, vfid);
	return 0;
}

__xe_traced int xe_gt_sriov_pf_control_trigger_save_vf(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_check_vf_state(gt, vfid, ST(STOPPED)))
		return -EPERM;
	if (!pf_check_vf_state(gt, vfid, ST(PAUSED)))
		return -EPERM;
	if (pf_check_vf_state(gt, vfid, ST(RESTORE_WIP)))
		return -EBUSY;
	if (!pf_enter_vf_state(gt, vfid, ST(SAVE_WIP)))
		return -EALREADY;
	xe_gt_sriov_pf_migration_save_init(gt, vfid);
	pf_enter_vf_wip(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(SAVE_PROCESS_DATA));
	pf_queue_vf(gt, vfid);
	return 0;
}

__xe_traced int xe_gt_sriov_pf_control_finish_save_vf(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_check_vf_state(gt, vfid, ST(SAVE_DATA_DONE))) {
		xe_notice(gt->xe, "GT%u: VF%u save is still in progress!",
			  gt->info.id, vfid);
		return -EIO;
	}
	pf_expect_vf_state(gt, vfid, ST(PAUSED));
	pf_exit_vf_state(gt, vfid, ST(SAVE_DATA_DONE));
	pf_enter_vf_saved(gt, vfid);
	return 0;
}

/* --- RESTORE ------------------------------------------------------------ */

bool xe_gt_sriov_pf_control_check_restore_failed(struct xe_gt *gt,
						 unsigned int vfid)
{
	return pf_check_vf_state(gt, vfid, ST(RESTORE_FAILED));
}

static void pf_enter_vf_restore_failed(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(RESTORE_FAILED)))
		pf_enter_vf_state_machine_bug(gt, vfid);
	wake_up_all(xe_sriov_pf_migration_waitqueue(gt->xe, vfid));
	pf_exit_vf_wip(gt, vfid);
}

static void pf_enter_vf_restored(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_enter_vf_state(gt, vfid, ST(RESTORED)))
		pf_enter_vf_state_machine_bug(gt, vfid);
	pf_exit_vf_mismatch(gt, vfid);
	pf_exit_vf_wip(gt, vfid);
}

static int pf_handle_vf_restore_data(struct xe_gt *gt, unsigned int vfid,
				     struct xe_sriov_packet *data)
{
	switch (data->hdr.type) {
	case XE_SRIOV_PACKET_TYPE_GGTT:
		return xe_gt_sriov_pf_migration_ggtt_restore(gt, vfid, data);
	case XE_SRIOV_PACKET_TYPE_MMIO:
		return xe_gt_sriov_pf_migration_mmio_restore(gt, vfid, data);
	case XE_SRIOV_PACKET_TYPE_GUC:
		return xe_gt_sriov_pf_migration_guc_restore(gt, vfid, data);
	case XE_SRIOV_PACKET_TYPE_VRAM:
		return xe_gt_sriov_pf_migration_vram_restore(gt, vfid, data);
	default:
		xe_notice(gt->xe, "GT%u: VF%u skipping unknown migration data type %u",
			  gt->info.id, vfid, data->hdr.type);
		return 0;
	}
}

/* ring-empty check and WAIT_DATA entry are atomic w.r.t. producers */
static struct xe_sriov_packet *pf_restore_pick(struct xe_gt *gt,
					       unsigned int vfid, bool *done)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	bool empty;

	*done = false;
	pthread_mutex_lock(&r->lock);
	empty = !xe_ring_count_locked(r);
	if (empty) {
		if (pf_check_vf_state(gt, vfid, ST(RESTORE_DATA_DONE)))
			*done = true;
		else
			pf_enter_vf_state(gt, vfid, ST(RESTORE_WAIT_DATA));
	}
	pthread_mutex_unlock(&r->lock);
	if (empty)
		return NULL;
	return xe_gt_sriov_pf_migration_restore_consume(gt, vfid);
}

static bool pf_handle_vf_restore(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_sriov_packet *data;
	bool done;
	int ret;

	if (!pf_exit_vf_state(gt, vfid, ST(RESTORE_PROCESS_DATA)))
		return false;
	data = pf_restore_pick(gt, vfid, &done);
	if (!data) {
		if (done) {
			pf_exit_vf_state(gt, vfid, ST(RESTORE_DATA_DONE));
			pf_enter_vf_restored(gt, vfid);
		}
		return false;
	}
	/* a worker run late: the writer fills the ring meanwhile */
	xe_fault_delay(MS_SITE_RESTORE_STEP, vfid, gt->info.id, data->hdr.type,
		       data->hdr.offset);
	ret = pf_handle_vf_restore_data(gt, vfid, data);
	xe_sriov_packet_free(data);
	if (ret) {
		pf_enter_vf_restore_failed(gt, vfid);
		return false;
	}
	pf_enter_vf_state(gt, vfid, ST(RESTORE_PROCESS_DATA));
	return true;
}

/* as on save: only a worker parked in WAIT_DATA is requeued */
static void pf_exit_vf_restore_wait_data(struct xe_gt *gt, unsigned int vfid)
{
	if (!pf_exit_vf_state(gt, vfid, ST(RESTORE_WAIT_DATA)))
		return;
	pf_enter_vf_state(gt, vfid, ST(RESTORE_PROCESS_DATA));
	pf_queue_vf(gt, vfid);
}

__xe_traced int xe_gt_sriov_pf_control_process_restore_data(struct xe_gt *gt,
						unsigned int vfid)
{
	if (pf_check_vf_state(gt, vfid, ST(RESTORE_FAILED))) {
		xe_gt_sriov_pf_migration_ring_free(gt, vfid);
		return -EIO;
	}
	pf_exit_vf_restore_wait_data(gt, vfid);
	return 0;
}

/*
 * The trailer has been seen: the stream is over for this GT (RESTORED
 * alone may be left from an earlier restore while a new one runs).
 */
bool xe_gt_sriov_pf_control_check_restore_ended(struct xe_gt *gt,
						unsigned int vfid)
{
	return pf_check_vf_state(gt, vfid, ST(RESTORE_DATA_DONE)) ||
	       (pf_check_vf_state(gt, vfid, ST(RESTORED)) &&
		!pf_check_vf_state(gt, vfid, ST(RESTORE_WIP)));
}

__xe_traced int xe_gt_sriov_pf_control_restore_data_done(struct xe_gt *gt,
					     unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	bool entered;

	pthread_mutex_lock(&r->lock);
	entered = pf_enter_vf_state(gt, vfid, ST(RESTORE_DATA_DONE));
	pthread_mutex_unlock(&r->lock);
	if (!entered) {
		pf_enter_vf_state_machine_bug(gt, vfid);
		return -EIO;
	}
	return xe_gt_sriov_pf_control_process_restore_data(gt, vfid);
}

__xe_traced int xe_gt_sriov_pf_control_trigger_restore_vf(struct xe_gt *gt,
					      unsigned int vfid)
{
	if (pf_check_vf_state(gt, vfid, ST(STOPPED)))
		return -EPERM;
	if (!pf_check_vf_state(gt, vfid, ST(PAUSED)))
		return -EPERM;
	if (pf_check_vf_state(gt, vfid, ST(SAVE_WIP)))
		return -EBUSY;
	if (!pf_enter_vf_state(gt, vfid, ST(RESTORE_WIP)))
		return -EALREADY;
	pf_enter_vf_wip(gt, vfid);
	pf_enter_vf_state(gt, vfid, ST(RESTORE_PROCESS_DATA));
	pf_queue_vf(gt, vfid);
	return 0;
}

__xe_traced int xe_gt_sriov_pf_control_finish_restore_vf(struct xe_gt *gt,
					     unsigned int vfid)
{
	unsigned int ms = pf_get_default_timeout(gt, ST(RESTORE_WIP));

	if (pf_wait_vf_wip_done(gt, vfid, ms)) {
		xe_notice(gt->xe, "GT%u: VF%u RESTORE didn't finish in %u ms",
			  gt->info.id, vfid, ms);
		return -ETIMEDOUT;
	}
	if (pf_check_vf_state(gt, vfid, ST(RESTORE_FAILED)))
		return -EIO;
	if (!pf_expect_vf_state(gt, vfid, ST(RESTORED))) {
		pf_enter_vf_mismatch(gt, vfid);
		return -EIO;
	}
	return 0;
}

/* --- the state machine step, in upstream priority order ----------------- */

static bool pf_process_vf_state_machine(struct xe_gt *gt, unsigned int vfid)
{
	if (pf_exit_vf_flr_send_start(gt, vfid))
		return true;
	if (pf_check_vf_state(gt, vfid, ST(FLR_WAIT_GUC)))
		return false;
	if (pf_exit_vf_flr_guc_done(gt, vfid))
		return true;
	if (pf_exit_vf_flr_reset_config(gt, vfid))
		return true;
	if (pf_exit_vf_flr_reset_data(gt, vfid))
		return true;
	if (pf_exit_vf_flr_reset_mmio(gt, vfid))
		return true;
	if (pf_exit_vf_flr_send_finish(gt, vfid))
		return true;
	if (pf_exit_vf_stop_send_stop(gt, vfid))
		return true;
	if (pf_exit_vf_pause_send_pause(gt, vfid))
		return true;
	if (pf_check_vf_state(gt, vfid, ST(PAUSE_WAIT_GUC)))
		return true;
	if (pf_exit_vf_pause_guc_done(gt, vfid))
		return true;
	if (pf_check_vf_state(gt, vfid, ST(SAVE_WAIT_DATA)))
		return false;
	if (pf_handle_vf_save(gt, vfid))
		return true;
	if (pf_check_vf_state(gt, vfid, ST(RESTORE_WAIT_DATA)))
		return false;
	if (pf_handle_vf_restore(gt, vfid))
		return true;
	if (pf_exit_vf_resume_send_resume(gt, vfid))
		return true;
	return false;
}

/* --- init, teardown, queries ------------------------------------------- */

int xe_gt_sriov_pf_control_init(struct xe_gt *gt)
{
	struct xe_gt_sriov_pf_control *pfc = &gt->sriov.pf.control;
	unsigned int n = xe_sriov_pf_num_vfs(gt->xe), vfid;

	pfc->list = calloc(n + 1, sizeof(*pfc->list));
	if (!pfc->list)
		return -ENOMEM;
	pthread_mutex_init(&pfc->lock, NULL);
	for (vfid = 1; vfid <= n; vfid++)
		init_completion(&pf_pick_vf_control(gt, vfid)->done);
	return xe_worker_init(&pfc->worker, control_worker_func);
}

void xe_gt_sriov_pf_control_stop(struct xe_gt *gt)
{
	struct xe_gt_sriov_pf_control *pfc = &gt->sriov.pf.control;

	if (!pfc->list)
		return;
	pthread_mutex_lock(&pfc->lock);
	pfc->stop = true;
	pthread_mutex_unlock(&pfc->lock);
	xe_worker_fini(&pfc->worker);
}

void xe_gt_sriov_pf_control_fini(struct xe_gt *gt)
{
	struct xe_gt_sriov_pf_control *pfc = &gt->sriov.pf.control;
	unsigned int n = xe_sriov_pf_num_vfs(gt->xe), vfid;

	xe_gt_sriov_pf_control_stop(gt);
	if (!pfc->list)
		return;
	for (vfid = 1; vfid <= n; vfid++)
		xe_completion_fini(&pf_pick_vf_control(gt, vfid)->done);
	pthread_mutex_destroy(&pfc->lock);
	free(pfc->list);
	pfc->list = NULL;
}

/* after a GT reset every VF is READY again; the worker keeps running */
void xe_gt_sriov_pf_control_restart(struct xe_gt *gt)
{
	unsigned int n = xe_sriov_pf_num_vfs(gt->xe), vfid, bit;

	for (vfid = 1; vfid <= n; vfid++) {
		for (bit = ST(WIP) + 1; bit < XE_GT_SRIOV_NUM_STATES; bit++)
			pf_escape_vf_state(gt, vfid, bit);
		pf_exit_vf_wip(gt, vfid);
		xe_gt_sriov_pf_migration_ring_free(gt, vfid);
	}
}

u64 xe_gt_sriov_pf_control_state(struct xe_gt *gt, unsigned int vfid)
{
	return __atomic_load_n(&pf_pick_vf_control(gt, vfid)->state[0],
			       __ATOMIC_ACQUIRE);
}

const char *xe_gt_sriov_pf_control_state_str(u64 state, char *buf,
					     size_t len)
{
	size_t used = 0;
	unsigned int bit;

	buf[0] = 0;
	for (bit = 1; bit < XE_GT_SRIOV_NUM_STATES; bit++) {
		if (!(state & BIT(bit)))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s", used ? "|" : "", xe_state_name(bit));
	}
	if (!state)
		snprintf(buf, len, "READY");
	return buf;
}
