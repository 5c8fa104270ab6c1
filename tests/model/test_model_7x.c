// SPDX-License-Identifier: GPL-2.0
/*
 * The model follows upstream 7.2 where 7.1 and 7.2 changed 6.19, and each
 * 6.19 switch (--defect v619_*) brings the old behaviour back:
 *   - the FLR prepare step: FLR_PREPARE in the VFIO reset's walk, a waiter
 *     covered before GuC reports the FLR; none of it with
 *     v619_no_flr_prepare;
 *   - trigger_flr while an FLR runs: -EALREADY, 0 with
 *     v619_flr_retrigger_ok;
 *   - the reader passes over a GT with nothing yet: a later GT's packets
 *     are read while an earlier GT has produced nothing; strict GT order
 *     with v619_strict_consume.
 * Every check is deterministic: a GT's worker is stopped where a state
 * must hold still.
 */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "model_dev.h"
#include "xe_defects.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_sriov_names.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_vfio.h"

#define VF		1
#define ST(n)		(1ULL << XE_GT_SRIOV_STATE_##n)
#define MAX_WALK	256

/* GT0's transitions for VF, in hook order ("+NAME"/"-NAME") */
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;
static char walk[MAX_WALK][40];
static unsigned int walk_len;

static void walk_hook(struct xe_gt *gt, unsigned int vfid, unsigned int bit,
		      bool enter, u64 state)
{
	(void)state;
	if (gt->info.id || vfid != VF)
		return;
	pthread_mutex_lock(&walk_lock);
	if (walk_len < MAX_WALK)
		snprintf(walk[walk_len++], sizeof(walk[0]), "%c%s",
			 enter ? '+' : '-', xe_state_name(bit));
	pthread_mutex_unlock(&walk_lock);
}

static void walk_start(void)
{
	pthread_mutex_lock(&walk_lock);
	walk_len = 0;
	pthread_mutex_unlock(&walk_lock);
	__atomic_store_n(&xe_gt_sriov_pf_control_state_hook, walk_hook,
			 __ATOMIC_RELEASE);
}

static void walk_stop(void)
{
	__atomic_store_n(&xe_gt_sriov_pf_control_state_hook, NULL,
			 __ATOMIC_RELEASE);
}

/* position of step in the walk, -1 if absent */
static int walk_find(const char *step)
{
	unsigned int i;

	for (i = 0; i < walk_len; i++)
		if (!strcmp(walk[i], step))
			return i;
	return -1;
}

static struct xe_device *dev(unsigned int defects)
{
	struct xe_device *xe = mkdev("ptl", 0, 512ULL << 20, 4096, 16384, 1);

	xe->cfg.defects |= defects;
	return xe;
}

static u64 state(struct xe_device *xe, unsigned int gt)
{
	return xe_gt_sriov_pf_control_state(&xe->gts[gt], VF);
}

/* VFIO_DEVICE_RESET as xe-vfio-pci runs it: prepare, the FLR, the wait */
static int vfio_reset(struct xe_device *xe, int *prepare)
{
	*prepare = xe_sriov_vfio_flr_prepare(xe, VF);
	xe_gt_sriov_pf_control_handle_vf_flr(&xe->gts[0], VF);
	return xe_sriov_vfio_wait_flr_done(xe, VF);
}

static void test_flr_prepare(void)
{
	struct xe_device *xe = dev(0);
	int prep, err, p, s;

	walk_start();
	err = vfio_reset(xe, &prep);
	walk_stop();
	p = walk_find("+FLR_PREPARE");
	s = walk_find("+FLR_SEND_START");
	check(!prep && !err && p >= 0 && walk_find("-FLR_PREPARE") > p &&
	      s > p && walk_find("-FLR_WIP") > s && !state(xe, 0),
	      "7.2: a VFIO reset walks FLR_WIP, FLR_PREPARE, FLR_SEND_START... READY",
	      "prepare %d wait %d, +FLR_PREPARE at %d, +FLR_SEND_START at %d",
	      prep, err, p, s);
	xe_device_destroy(xe);

	xe = dev(XE_V619_NO_FLR_PREPARE);
	walk_start();
	err = vfio_reset(xe, &prep);
	walk_stop();
	check(prep == -EOPNOTSUPP && !err && walk_find("+FLR_PREPARE") < 0 &&
	      walk_find("+FLR_SEND_START") >= 0 && !state(xe, 0),
	      "6.19 (v619_no_flr_prepare): no prepare step, no FLR_PREPARE",
	      "prepare %d wait %d, +FLR_PREPARE at %d", prep, err,
	      walk_find("+FLR_PREPARE"));
	xe_device_destroy(xe);
}

/* a reset_done that runs before GuC's FLR event: is the waiter covered? */
static void test_wait_before_event(void)
{
	struct xe_device *xe = dev(0);
	int prep;

	prep = xe_sriov_vfio_flr_prepare(xe, VF);
	check(!prep && (state(xe, 0) & ST(FLR_WIP)) &&
	      (state(xe, 1) & ST(FLR_PREPARE)),
	      "7.2: after prepare every GT is in FLR_WIP: wait_flr waits for the FLR",
	      "prepare %d, state %#llx", prep,
	      (unsigned long long)state(xe, 0));
	check(xe_gt_sriov_pf_control_prepare_flr(&xe->gts[0], VF) == -EALREADY,
	      "7.2: a second prepare on a GT -> -EALREADY", "wrong error");
	/* the device level combines GT errors as upstream: -EUCLEAN */
	check(xe_sriov_vfio_flr_prepare(xe, VF) == -EUCLEAN,
	      "7.2: a second device prepare -> -EUCLEAN", "wrong error");
	xe_gt_sriov_pf_control_handle_vf_flr(&xe->gts[0], VF);
	check(!xe_sriov_vfio_wait_flr_done(xe, VF) && !state(xe, 0),
	      "7.2: GuC's event then runs the prepared FLR to READY",
	      "state %#llx", (unsigned long long)state(xe, 0));
	xe_device_destroy(xe);

	xe = dev(XE_V619_NO_FLR_PREPARE);
	xe_sriov_vfio_flr_prepare(xe, VF);
	check(!xe_sriov_vfio_wait_flr_done(xe, VF) && !state(xe, 0),
	      "6.19 (v619_no_flr_prepare): wait_flr returns 0 before the FLR began",
	      "state %#llx", (unsigned long long)state(xe, 0));
	xe_device_destroy(xe);
}

/* GT0's worker stopped: the FLR it was asked for stays in progress */
static int retrigger(unsigned int defects, int *first)
{
	struct xe_device *xe = dev(defects);
	int again;

	xe_gt_sriov_pf_control_stop(&xe->gts[0]);
	*first = xe_gt_sriov_pf_control_trigger_flr(&xe->gts[0], VF);
	again = xe_gt_sriov_pf_control_trigger_flr(&xe->gts[0], VF);
	xe_device_destroy(xe);
	return again;
}

static void test_flr_already(void)
{
	int first, again;

	again = retrigger(0, &first);
	check(!first && again == -EALREADY,
	      "7.2: trigger_flr while an FLR runs -> -EALREADY",
	      "first %d, again %d", first, again);
	again = retrigger(XE_V619_FLR_RETRIGGER_OK, &first);
	check(!first && !again,
	      "6.19 (v619_flr_retrigger_ok): trigger_flr while an FLR runs -> 0",
	      "first %d, again %d", first, again);
}

/* read the stream up to and including n packets; their GT ids */
static int read_packets(struct xe_device *xe, unsigned int n, u8 *gts,
			u8 *types)
{
	struct xe_sriov_packet_hdr h;
	char payload[8192];
	unsigned int i;
	ssize_t r;

	for (i = 0; i < n; i++) {
		r = xe_sriov_vfio_data_read(xe, VF, (char *)&h, sizeof(h));
		if (r != sizeof(h) || h.size > sizeof(payload))
			return -EIO;
		if (h.size && xe_sriov_vfio_data_read(xe, VF, payload,
						      h.size) != (ssize_t)h.size)
			return -EIO;
		gts[i] = h.gt_id;
		types[i] = h.type;
	}
	return 0;
}

/*
 * GT0's worker stopped after the pause: GT0 produces nothing, GT1 its
 * GUC and MMIO packets.  7.2 reads them (DESCRIPTOR, GT1 GUC, GT1 MMIO)
 * without waiting for GT0.
 */
static void test_consume_passes_over(void)
{
	struct xe_device *xe = dev(0);
	u8 gts[3], types[3];
	int err;

	err = xe_sriov_vfio_suspend_device(xe, VF);
	xe_gt_sriov_pf_control_stop(&xe->gts[0]);
	if (!err)
		err = xe_sriov_vfio_stop_copy_enter(xe, VF);
	if (!err)
		err = read_packets(xe, 3, gts, types);
	check(!err && types[0] == XE_SRIOV_PACKET_TYPE_DESCRIPTOR &&
	      gts[1] == 1 && gts[2] == 1,
	      "7.2: GT1's packets are read while GT0 has produced nothing",
	      "err %d, packets of GT %u/%u", err, gts[1], gts[2]);
	xe_device_destroy(xe);
}

/* 6.19: every packet of GT0 comes before the first of GT1 */
static void test_consume_strict(void)
{
	struct xe_device *xe = dev(XE_V619_STRICT_CONSUME);
	struct xe_sriov_packet_hdr h;
	char payload[8192];
	bool in_order = true;
	unsigned int last = 0, n = 0;
	int err;

	err = xe_sriov_vfio_suspend_device(xe, VF);
	if (!err)
		err = xe_sriov_vfio_stop_copy_enter(xe, VF);
	while (!err && xe_sriov_vfio_data_read(xe, VF, (char *)&h,
					       sizeof(h)) == sizeof(h)) {
		if (h.size > sizeof(payload) ||
		    xe_sriov_vfio_data_read(xe, VF, payload, h.size) !=
		    (ssize_t)h.size) {
			err = -EIO;
			break;
		}
		n++;
		if (h.type == XE_SRIOV_PACKET_TYPE_TRAILER)
			break;
		in_order = in_order && h.gt_id >= last;
		last = h.gt_id;
	}
	check(!err && n == 7 && in_order,
	      "6.19 (v619_strict_consume): GTs read strictly in order",
	      "err %d, %u packets, in order %d", err, n, in_order);
	xe_device_destroy(xe);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_flr_prepare();
	test_wait_before_event();
	test_flr_already();
	test_consume_passes_over();
	test_consume_strict();
	return check_exit();
}
