// SPDX-License-Identifier: GPL-2.0
/*
 * Device-level migration data path: the per-VF wait queue, mutex and
 * pending/descriptor/trailer slots; the save consumer that drains the GT
 * rings (passing over a GT with nothing yet, as 7.1+); the restore
 * dispatcher.
 */
#include <stdlib.h>

#include "xe_defects.h"
#include "xe_fault.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_migration.h"
#include "xe_usdt.h"

static struct xe_sriov_migration_state *pf_pick_migration(struct xe_device *xe,
							  unsigned int vfid)
{
	return &xe->vfs[vfid];
}

int xe_sriov_pf_migration_init(struct xe_device *xe)
{
	unsigned int n = xe_sriov_pf_num_vfs(xe), vfid;

	xe->vfs = calloc(n + 1, sizeof(*xe->vfs));
	if (!xe->vfs)
		return -ENOMEM;
	for (vfid = 1; vfid <= n; vfid++) {
		pthread_mutex_init(&xe->vfs[vfid].lock, NULL);
		xe_wait_init(&xe->vfs[vfid].wq);
	}
	return 0;
}

/* the devm cleanup: frees what was never read or written out */
void xe_sriov_pf_migration_fini(struct xe_device *xe)
{
	unsigned int n = xe_sriov_pf_num_vfs(xe), vfid;

	if (!xe->vfs)
		return;
	for (vfid = 1; vfid <= n; vfid++) {
		struct xe_sriov_migration_state *m = &xe->vfs[vfid];

		xe_sriov_packet_free(m->pending);
		xe_sriov_packet_free(m->trailer);
		xe_sriov_packet_free(m->descriptor);
		pthread_mutex_destroy(&m->lock);
		pthread_mutex_destroy(&m->wq.lock);
		pthread_cond_destroy(&m->wq.cond);
	}
	free(xe->vfs);
	xe->vfs = NULL;
}

bool xe_sriov_pf_migration_supported(struct xe_device *xe)
{
	return !xe->migration_disabled;
}

void xe_sriov_pf_migration_disable(struct xe_device *xe, const char *why)
{
	xe_notice(xe, "migration disabled: %s", why);
	xe->migration_disabled = true;
}

struct xe_waitqueue *xe_sriov_pf_migration_waitqueue(struct xe_device *xe,
						     unsigned int vfid)
{
	return &pf_pick_migration(xe, vfid)->wq;
}

/* The sum over GTs; descriptor and trailer are not counted, as upstream. */
ssize_t xe_sriov_pf_migration_size(struct xe_device *xe, unsigned int vfid)
{
	struct xe_gt *gt;
	ssize_t total = 0, size;
	unsigned int id;

	for_each_gt(gt, xe, id) {
		size = xe_gt_sriov_pf_migration_size(gt, vfid);
		if (size < 0)
			return size;
		total += size;
	}
	return total;
}

/*
 * 7.1-rc3 and later: a GT whose ring is momentarily empty (-EAGAIN) is
 * passed over and the next GT's packets are read; -EAGAIN only when no GT
 * had anything and one is still producing.  6.19 compared PTR_ERR() with
 * a positive EAGAIN, so the first GT's -EAGAIN was returned at once and
 * GTs were drained strictly in for_each_gt order (XE_V619_STRICT_CONSUME;
 * docs/upstream-xe.md §2.3, §10.10).
 */
static struct xe_sriov_packet *pf_migration_consume(struct xe_device *xe,
						    unsigned int vfid)
{
	bool strict = xe->cfg.defects & XE_V619_STRICT_CONSUME;
	bool late = xe->cfg.defects & XE_DEFECT_CONSUME_DONE_LATE;
	unsigned long *drained = &pf_pick_migration(xe, vfid)->drained;
	struct xe_sriov_packet *data;
	bool more_data = false;
	struct xe_gt *gt;
	unsigned int id;

	for_each_gt(gt, xe, id) {
		/* the defect: a GT once seen done is never polled again */
		if (late && (*drained & (1UL << id)))
			continue;
		data = xe_gt_sriov_pf_migration_save_consume(gt, vfid);
		if (late && !data)
			*drained |= 1UL << id;
		if (data && (strict || PTR_ERR(data) != -EAGAIN))
			return data;
		if (PTR_ERR(data) == -EAGAIN)
			more_data = true;
	}
	return more_data ? ERR_PTR(-EAGAIN) : NULL;
}

/*
 * Upstream wakes the reader when any GT failed, is done or has data.
 * Once one GT is done while another still produces, that is true with
 * nothing to read, and the reader busy-loops (§10.10); with strict GT
 * order (6.19) it also spins on a later GT's data while an earlier GT
 * has none.  By default the model wakes the reader when the consume would
 * make progress: on a failure, on data it would take, or when every GT
 * is done.  XE_DEFECT_BUSY_CONSUME restores the upstream condition.
 */
static bool pf_migration_data_ready_upstream(struct xe_device *xe,
					     unsigned int vfid)
{
	struct xe_gt *gt;
	unsigned int id;

	for_each_gt(gt, xe, id) {
		if (xe_gt_sriov_pf_control_check_save_failed(gt, vfid) ||
		    xe_gt_sriov_pf_control_check_save_data_done(gt, vfid) ||
		    !xe_gt_sriov_pf_migration_ring_empty(gt, vfid))
			return true;
	}
	return false;
}

static bool pf_migration_data_ready(struct xe_device *xe, unsigned int vfid)
{
	bool strict = xe->cfg.defects & XE_V619_STRICT_CONSUME;
	bool all_done = true;
	struct xe_gt *gt;
	unsigned int id;

	if (xe->cfg.defects & XE_DEFECT_BUSY_CONSUME)
		return pf_migration_data_ready_upstream(xe, vfid);
	for_each_gt(gt, xe, id) {
		/* XE_DEFECT_CONSUME_DONE_LATE: the reader ignores it now */
		if (pf_pick_migration(xe, vfid)->drained & (1UL << id))
			continue;
		if (xe_gt_sriov_pf_control_check_save_failed(gt, vfid) ||
		    !xe_gt_sriov_pf_migration_ring_empty(gt, vfid))
			return true;
		if (xe_gt_sriov_pf_control_check_save_data_done(gt, vfid))
			continue;
		/* strict order: nothing behind a GT still producing counts */
		if (strict)
			return false;
		all_done = false;
	}
	return all_done;
}

/* wait_event_interruptible: 0, or -ERESTARTSYS if a signal came first */
static int pf_wait_data_ready(struct xe_device *xe, unsigned int vfid)
{
	struct xe_waitqueue *wq = xe_sriov_pf_migration_waitqueue(xe, vfid);
	int ret = 0;

	pthread_mutex_lock(&wq->lock);
	while (!ret && !pf_migration_data_ready(xe, vfid))
		ret = xe_cond_wait_interruptible(&wq->cond, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
	return ret;
}

struct xe_sriov_packet *xe_sriov_pf_migration_save_consume(struct xe_device *xe,
							   unsigned int vfid)
{
	struct xe_sriov_packet *data;
	int ret;

	for (;;) {
		data = pf_migration_consume(xe, vfid);
		if (PTR_ERR(data) != -EAGAIN)
			return data;
		ret = pf_wait_data_ready(xe, vfid);
		if (ret) {
			XE_USDT(wait_interrupted, U(vfid), U(XE_FAULT_NO_GT),
				U(MS_DIR_SAVE));
			return ERR_PTR(ret);
		}
	}
}

static int pf_handle_descriptor(struct xe_device *xe, unsigned int vfid,
				struct xe_sriov_packet *data)
{
	int ret;

	ret = xe_sriov_packet_process_descriptor(xe, vfid, data);
	if (ret)
		return ret;
	xe_sriov_packet_free(data);
	return 0;
}

static int pf_handle_trailer(struct xe_device *xe, unsigned int vfid,
			     struct xe_sriov_packet *data)
{
	struct xe_gt *gt;
	unsigned int id;
	int ret = 0;

	if (data->hdr.tile_id || data->hdr.gt_id || data->hdr.offset ||
	    data->hdr.size || data->buff) {
		ret = -EINVAL;
		XE_USDT(trailer, U(vfid), S(ret));
		return ret;
	}
	xe_sriov_packet_free(data);
	/* upstream ignores these results (§10.14); so does the model */
	for_each_gt(gt, xe, id)
		xe_gt_sriov_pf_control_restore_data_done(gt, vfid);
	XE_USDT(trailer, U(vfid), S(ret));
	return 0;
}

int __xe_sriov_pf_migration_restore_produce(struct xe_device *xe,
					    unsigned int vfid,
					    struct xe_sriov_packet *data,
					    bool *consumed)
{
	struct xe_gt *gt;
	int ret;

	*consumed = false;
	if (data->hdr.type == XE_SRIOV_PACKET_TYPE_DESCRIPTOR) {
		ret = pf_handle_descriptor(xe, vfid, data);
		*consumed = !ret;
		return ret;
	}
	if (data->hdr.type == XE_SRIOV_PACKET_TYPE_TRAILER) {
		ret = pf_handle_trailer(xe, vfid, data);
		*consumed = !ret;
		return ret;
	}

	gt = xe_device_get_gt(xe, data->hdr.gt_id);
	if (!gt || data->hdr.tile_id != gt->tile->id || !data->hdr.type) {
		xe_notice(xe, "Received invalid restore packet for VF%u (type:%u, tile:%u, GT:%u)",
			  vfid, data->hdr.type, data->hdr.tile_id,
			  data->hdr.gt_id);
		return -EINVAL;
	}
	return __xe_gt_sriov_pf_migration_restore_produce(gt, vfid, data,
							  consumed);
}

int xe_sriov_pf_migration_restore_produce(struct xe_device *xe,
					  unsigned int vfid,
					  struct xe_sriov_packet *data)
{
	bool consumed;

	return __xe_sriov_pf_migration_restore_produce(xe, vfid, data,
						       &consumed);
}

/*
 * Both loops hold the per-VF mutex (taken interruptibly) across blocking
 * waits, as upstream, and drop the count of bytes already moved when an
 * error comes (§10.11).  A signal is not an error: bytes already moved
 * are reported and the caller comes back for the rest, as any read() or
 * write() interrupted part-way; upstream returns the -ERESTARTSYS and
 * the count is lost with the data (docs/fuzz.md, interrupted waits).
 */
static ssize_t pf_moved(ssize_t ret, size_t moved)
{
	if (ret == -ERESTARTSYS && moved)
		return moved;
	if (ret < 0 && ret != -ENODATA)
		return ret;
	return moved;
}

__xe_traced ssize_t xe_sriov_pf_migration_read(struct xe_device *xe, unsigned int vfid,
				   char *buf, size_t len)
{
	struct xe_sriov_migration_state *m = pf_pick_migration(xe, vfid);
	size_t consumed = 0;
	ssize_t ret;

	ret = xe_mutex_lock_interruptible(&m->lock);
	if (ret)
		return ret;
	while (consumed < len) {
		ret = xe_sriov_packet_read_single(xe, vfid, buf + consumed,
						  len - consumed);
		if (ret == -ENODATA)
			break;
		if (ret < 0)
			break;
		consumed += ret;
	}
	pthread_mutex_unlock(&m->lock);
	return pf_moved(ret, consumed);
}

__xe_traced ssize_t xe_sriov_pf_migration_write(struct xe_device *xe, unsigned int vfid,
				    const char *buf, size_t len)
{
	struct xe_sriov_migration_state *m = pf_pick_migration(xe, vfid);
	size_t produced = 0;
	ssize_t ret;

	ret = xe_mutex_lock_interruptible(&m->lock);
	if (ret)
		return ret;
	while (produced < len) {
		ret = xe_sriov_packet_write_single(xe, vfid, buf + produced,
						   len - produced);
		if (ret < 0)
			break;
		produced += ret;
	}
	pthread_mutex_unlock(&m->lock);
	return pf_moved(ret, produced);
}
