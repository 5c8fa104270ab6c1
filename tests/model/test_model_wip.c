// SPDX-License-Identifier: GPL-2.0
/*
 * The WIP completion that every control operation of a (GT, VF) shares
 * (docs/upstream-xe.md §3.6).  A worker leaving WIP clears the bit first
 * and completes afterwards; a call made in between is woken by that old
 * completion.  Upstream has the same window.  Two ways in, each forced
 * twice: once to show the model keeps upstream's outcome (the two aborts
 * the restore fuzz target used to hit now and then: a stop cancelled and
 * the reset after it lost, the VF left STOPPED; a pause after an FLR
 * cancelled, the VF left with a stray WIP), once to show that waiting for
 * the worker to be quiet (model_quiesce.h, what the fuzz target does)
 * refuses to go on while the completion is held, and then works.
 *
 * Deterministic: the state hook holds GT0's worker inside the window (it
 * runs after each bit operation, in the thread that made it) until the
 * main thread's own hook calls, at fixed points of the next call, let it
 * go.  No step depends on how long anything takes; the bounded waits only
 * turn a broken model into a failure instead of a hang.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "model_dev.h"
#include "model_quiesce.h"
#include "xe_device.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_vfio.h"

#define ST(n)		XE_GT_SRIOV_STATE_##n
#define HAS(xe, gt, n) \
	(!!(xe_gt_sriov_pf_control_state(&(xe)->gts[gt], 1) & (1ULL << ST(n))))
#define GATE_MS		5000

/* a point where GT0's worker waits until the main thread opens it */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool armed, held, open;
};

static struct gate restore_gate = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false
};
static struct gate stop_gate = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false
};
static struct gate flr_gate = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false
};
static bool gate_timed_out;

static void gate_deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += GATE_MS / 1000;
}

static void gate_arm(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->armed = true;
	g->held = false;
	g->open = false;
	pthread_mutex_unlock(&g->lock);
}

/* worker side: park here once, until opened (or the deadline) */
static void gate_hold(struct gate *g)
{
	struct timespec ts;

	gate_deadline(&ts);
	pthread_mutex_lock(&g->lock);
	if (g->armed) {
		g->armed = false;
		g->held = true;
		pthread_cond_broadcast(&g->cond);
		while (!g->open)
			if (pthread_cond_timedwait(&g->cond, &g->lock, &ts)) {
				gate_timed_out = true;
				break;
			}
	}
	pthread_mutex_unlock(&g->lock);
}

/* main side: let a held worker go; false if none was held */
static bool gate_release(struct gate *g)
{
	bool released;

	pthread_mutex_lock(&g->lock);
	released = g->held && !g->open;
	g->armed = false;
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return released;
}

static bool gate_wait_held(struct gate *g)
{
	struct timespec ts;
	bool held;

	gate_deadline(&ts);
	pthread_mutex_lock(&g->lock);
	while (!g->held)
		if (pthread_cond_timedwait(&g->cond, &g->lock, &ts))
			break;
	held = g->held;
	pthread_mutex_unlock(&g->lock);
	return held;
}

/*
 * GT0's worker, when the gate is armed, is held just after it leaves
 * RESTORE_WIP or FLR_WIP, i.e. inside its exit from WIP (the WIP bit
 * already clear, the completion not yet signalled), or just after it takes
 * STOP_SEND_STOP.  The main thread, on entering the next call's send state
 * (after that call re-armed the completion), lets a held worker go and
 * waits for the old completion to land; entering FLR_SEND_START lets a
 * held stop go.
 */
static pthread_t main_thread;

static void release_and_wait(struct gate *g, struct xe_completion *done)
{
	if (gate_release(g) && !wait_for_completion_timeout(done, GATE_MS))
		gate_timed_out = true;
}

static void race_hook(struct xe_gt *gt, unsigned int vfid, unsigned int bit,
		      bool enter, u64 state)
{
	struct xe_completion *done = &gt->sriov.pf.vfs[vfid].control.done;
	pthread_t self = pthread_self();

	(void)state;
	if (gt->info.id || vfid != 1)
		return;
	if (pthread_equal(self, gt->sriov.pf.control.worker.thread)) {
		if (enter)
			return;
		if (bit == ST(RESTORE_WIP))
			gate_hold(&restore_gate);
		else if (bit == ST(FLR_WIP))
			gate_hold(&flr_gate);
		else if (bit == ST(STOP_SEND_STOP))
			gate_hold(&stop_gate);
	} else if (pthread_equal(self, main_thread) && enter) {
		if (bit == ST(STOP_SEND_STOP))
			release_and_wait(&restore_gate, done);
		else if (bit == ST(PAUSE_SEND_PAUSE))
			release_and_wait(&flr_gate, done);
		else if (bit == ST(FLR_SEND_START))
			gate_release(&stop_gate);
	}
}

/* check names carry the test they come from: the helpers serve two */
static const char *part;

static const char *nm(const char *what)
{
	static char name[160];

	snprintf(name, sizeof(name), "wip %s: %s", part, what);
	return name;
}

static void set_hook(xe_gt_sriov_pf_control_state_hook_fn fn)
{
	__atomic_store_n(&xe_gt_sriov_pf_control_state_hook, fn,
			 __ATOMIC_RELEASE);
}

/*
 * Restore triggered, then one MMIO packet of the wrong size for GT0: its
 * worker fails the restore (RESTORE_FAILED) and is held leaving WIP,
 * while GT1 waits for data, as the fuzz target left it.
 */
static struct xe_device *restore_fails_held(void)
{
	struct xe_device *xe = mkdev("bmg", 256 << 10, 64 << 10, 256, 16384, 1);
	struct xe_sriov_packet_hdr hdr = {
		.version = XE_SRIOV_PACKET_SUPPORTED_VERSION,
		.type = XE_SRIOV_PACKET_TYPE_MMIO, .size = 8,
	};
	char pkt[sizeof(hdr) + 8] = { 0 };
	ssize_t n;

	memcpy(pkt, &hdr, sizeof(hdr));
	gate_arm(&restore_gate);
	set_hook(race_hook);
	check(!xe_sriov_vfio_suspend_device(xe, 1) &&
	      !xe_sriov_vfio_resume_data_enter(xe, 1),
	      nm("VF paused, restore triggered"), "state %#llx",
	      (unsigned long long)xe_gt_sriov_pf_control_state(&xe->gts[0], 1));
	n = xe_sriov_vfio_data_write(xe, 1, pkt, sizeof(pkt));
	check(n == (ssize_t)sizeof(pkt) && gate_wait_held(&restore_gate) &&
	      HAS(xe, 0, RESTORE_FAILED) && !HAS(xe, 0, WIP),
	      nm("GT0's worker fails the restore, held leaving WIP"),
	      "n %zd, state %#llx", n,
	      (unsigned long long)xe_gt_sriov_pf_control_state(&xe->gts[0], 1));
	return xe;
}

/* the bit is gone within the gate deadline */
static bool wait_clear(struct xe_device *xe, unsigned int gt, unsigned int bit)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	for (i = 0; i < GATE_MS; i++) {
		if (!(xe_gt_sriov_pf_control_state(&xe->gts[gt], 1) &
		      (1ULL << bit)))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* the fuzz target's old iteration end, with the window forced open */
static void test_stale_completion(void)
{
	struct xe_device *xe = restore_fails_held();
	int err;

	gate_arm(&stop_gate);
	err = xe_sriov_vfio_error(xe, 1);
	/* the worker has taken STOP_SEND_STOP and waits for the FLR */
	check(err == -EUCLEAN && gate_wait_held(&stop_gate) &&
	      HAS(xe, 0, STOP_WIP) && !HAS(xe, 0, STOPPED),
	      nm("a stop woken by the restore's completion is cancelled"),
	      "err %d, state %#llx", err,
	      (unsigned long long)xe_gt_sriov_pf_control_state(&xe->gts[0], 1));
	err = xe_sriov_pf_control_reset_vf(xe, 1);
	/* only the stop's exit from WIP clears FLR_WIP, after STOPPED */
	check(!err && wait_clear(xe, 0, ST(FLR_WIP)) && HAS(xe, 0, STOPPED) &&
	      !HAS(xe, 1, STOPPED),
	      nm("the stop lands after the FLR began and ends it: reset "
		 "says 0, GT0 stays STOPPED"), "err %d, state %#llx", err,
	      (unsigned long long)xe_gt_sriov_pf_control_state(&xe->gts[0], 1));
	set_hook(NULL);
	err = xe_sriov_vfio_suspend_device(xe, 1);
	check(err == -EUCLEAN,
	      nm("so the next suspend fails (the fuzz abort)"), "err %d", err);
	xe_device_destroy(xe);
}

/*
 * model_quiesce() while GT0's worker is held in the window: not quiet,
 * whatever the bound, since the completion cannot come; once the worker
 * goes, quiet.  Returns that last result; the hook is off afterwards.
 */
static int quiet_only_when_released(struct xe_device *xe, struct gate *g,
				    const char *what)
{
	char why[640] = "";
	int err;

	err = model_quiesce(xe, 1, 100, why, sizeof(why));
	check(err == -ETIMEDOUT && strstr(why, "GT0") &&
	      strstr(why, "completion not delivered"), nm(what),
	      "err %d, %s", err, why);
	gate_release(g);
	err = model_quiesce(xe, 1, GATE_MS, why, sizeof(why));
	set_hook(NULL);
	check(!err, nm("quiet once it is delivered"), "err %d, %s", err, why);
	return err;
}

/* the fuzz target's iteration end now: quiet first */
static void test_quiesce(void)
{
	struct xe_device *xe = restore_fails_held();
	char why[640] = "";
	int err;

	quiet_only_when_released(xe, &restore_gate,
				 "not quiet while the restore's completion "
				 "is held");
	err = xe_sriov_vfio_error(xe, 1);
	check(!err && HAS(xe, 0, STOPPED) && HAS(xe, 1, STOPPED),
	      nm("then the stop completes on both GTs"), "err %d", err);
	err = xe_sriov_pf_control_reset_vf(xe, 1);
	if (!err)
		err = model_quiesce(xe, 1, GATE_MS, why, sizeof(why));
	check(!err && !xe_gt_sriov_pf_control_state(&xe->gts[0], 1) &&
	      !xe_gt_sriov_pf_control_state(&xe->gts[1], 1),
	      nm("the FLR takes both GTs to READY"), "err %d %s", err, why);
	err = xe_sriov_vfio_suspend_device(xe, 1);
	check(!err, nm("the next suspend succeeds"), "err %d", err);
	xe_device_destroy(xe);
}

/*
 * An FLR, GT1 first so that GT1 never waits at FLR_SYNC for GT0's exit:
 * GT0's worker is held leaving WIP at the end of its FLR, FLR_WIP already
 * clear.  wait_flr then reports the reset done at once.
 */
static struct xe_device *flr_ends_held(void)
{
	struct xe_device *xe = mkdev("bmg", 256 << 10, 64 << 10, 256, 16384, 1);
	struct xe_completion *done = &xe->gts[0].sriov.pf.vfs[1].control.done;
	int err;

	gate_arm(&flr_gate);
	set_hook(race_hook);
	err = xe_gt_sriov_pf_control_trigger_flr(&xe->gts[1], 1) ||
	      xe_gt_sriov_pf_control_trigger_flr(&xe->gts[0], 1);
	check(!err && gate_wait_held(&flr_gate),
	      nm("GT0's worker is held leaving WIP at the FLR's end"),
	      "err %d", err);
	err = xe_sriov_pf_control_wait_flr(xe, 1);
	check(!err && !xe_gt_sriov_pf_control_state(&xe->gts[0], 1) &&
	      !wait_for_completion_timeout(done, 0),
	      nm("wait_flr says done before GT0's completion"),
	      "err %d, state %#llx", err,
	      (unsigned long long)xe_gt_sriov_pf_control_state(&xe->gts[0], 1));
	return xe;
}

/* the fuzz target's old iteration start, right after such an FLR */
static void test_late_flr_completion(void)
{
	struct xe_device *xe = flr_ends_held();
	u64 s;
	int err;

	err = xe_gt_sriov_pf_control_pause_vf(&xe->gts[0], 1);
	s = xe_gt_sriov_pf_control_state(&xe->gts[0], 1);
	check(err == -ECANCELED && s == 1ULL << ST(WIP),
	      nm("a pause woken by the FLR's completion is cancelled, "
		 "WIP left alone"), "err %d, state %#llx", err,
	      (unsigned long long)s);
	set_hook(NULL);
	xe_device_destroy(xe);
}

/* and the fuzz target's iteration start now */
static void test_quiesce_after_flr(void)
{
	struct xe_device *xe = flr_ends_held();
	int err;

	err = quiet_only_when_released(xe, &flr_gate, "not quiet while the "
				       "FLR's completion is held");
	if (!err)
		err = xe_sriov_vfio_suspend_device(xe, 1);
	check(!err && HAS(xe, 0, PAUSED) && HAS(xe, 1, PAUSED),
	      nm("then the suspend succeeds"), "err %d", err);
	xe_device_destroy(xe);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	main_thread = pthread_self();
	part = "stop";
	test_stale_completion();
	part = "stop quiesced";
	test_quiesce();
	part = "flr";
	test_late_flr_completion();
	part = "flr quiesced";
	test_quiesce_after_flr();
	check(!gate_timed_out, "wip: no gate waited out its deadline",
	      "a hold or a completion wait hit %d ms", GATE_MS);
	return check_exit();
}
