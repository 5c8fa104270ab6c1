// SPDX-License-Identifier: GPL-2.0
/*
 * Per (GT, VF) migration data: the ring of 5 packets shared by save and
 * restore, save bookkeeping, and the save/restore of each data type
 * (GuC blob, GGTT PTEs, MMIO scratch registers, VRAM chunks).
 */
#include <stdlib.h>
#include <string.h>

#include "xe_defects.h"
#include "xe_fault.h"
#include "xe_ggtt.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_guc.h"
#include "xe_migrate.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_migration.h"
#include "xe_usdt.h"

#define RING_SIZE	XE_GT_SRIOV_PF_MIGRATION_RING_SIZE

static struct xe_gt_sriov_migration_data *pf_pick_gt_migration(struct xe_gt *gt,
							       unsigned int vfid)
{
	return &gt->sriov.pf.vfs[vfid].migration;
}

struct xe_ring *xe_gt_sriov_pf_migration_ring(struct xe_gt *gt,
					      unsigned int vfid)
{
	return &pf_pick_gt_migration(gt, vfid)->ring;
}

/* --- the ring: a ptr_ring of RING_SIZE entries ------------------------- */

unsigned int xe_ring_count_locked(struct xe_ring *r)
{
	return r->count;
}

static int ring_produce_locked(struct xe_ring *r, struct xe_sriov_packet *p)
{
	if (r->count == RING_SIZE)
		return -ENOSPC;
	r->slot[(r->head + r->count) % RING_SIZE] = p;
	r->count++;
	return 0;
}

static struct xe_sriov_packet *ring_consume_locked(struct xe_ring *r)
{
	struct xe_sriov_packet *p;

	if (!r->count)
		return NULL;
	p = r->slot[r->head];
	r->slot[r->head] = NULL;
	r->head = (r->head + 1) % RING_SIZE;
	r->count--;
	return p;
}

bool xe_gt_sriov_pf_migration_ring_empty(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	bool empty;

	pthread_mutex_lock(&r->lock);
	empty = !r->count;
	pthread_mutex_unlock(&r->lock);
	return empty;
}

bool xe_gt_sriov_pf_migration_ring_full(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	bool full;

	pthread_mutex_lock(&r->lock);
	full = r->count == RING_SIZE;
	pthread_mutex_unlock(&r->lock);
	return full;
}

__xe_traced void xe_gt_sriov_pf_migration_ring_free(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	struct xe_sriov_packet *p;
	bool notice = false;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		p = ring_consume_locked(r);
		pthread_mutex_unlock(&r->lock);
		if (!p)
			break;
		notice = true;
		xe_sriov_packet_free(p);
	}
	if (notice)
		xe_notice(gt->xe, "GT%u: VF%u unprocessed migration data left in the ring!",
			  gt->info.id, vfid);
}

int xe_gt_sriov_pf_migration_init(struct xe_gt *gt)
{
	unsigned int n = xe_sriov_pf_num_vfs(gt->xe), vfid;

	for (vfid = 1; vfid <= n; vfid++)
		pthread_mutex_init(&xe_gt_sriov_pf_migration_ring(gt, vfid)->lock,
				   NULL);
	return 0;
}

void xe_gt_sriov_pf_migration_fini(struct xe_gt *gt)
{
	unsigned int n = xe_sriov_pf_num_vfs(gt->xe), vfid;

	for (vfid = 1; vfid <= n; vfid++) {
		struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
		struct xe_sriov_packet *p;

		while ((p = ring_consume_locked(r)))
			xe_sriov_packet_free(p);
		pthread_mutex_destroy(&r->lock);
	}
}

/* --- save direction: the worker produces, the reader consumes ---------- */

__xe_traced int xe_gt_sriov_pf_migration_save_produce(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	unsigned int occ, type = data->hdr.type;
	int ret;

	ret = xe_fault_check(MS_SITE_RING_PRODUCE, vfid, gt->info.id,
			     data->hdr.type, data->hdr.offset);
	pthread_mutex_lock(&r->lock);
	if (!ret)
		ret = ring_produce_locked(r, data);
	occ = r->count;
	pthread_mutex_unlock(&r->lock);
	/*
	 * Once in the ring the packet belongs to the reader, who may already
	 * have freed it: the probe gets the type read before the produce.
	 */
	XE_USDT(ring_produce, U(gt->info.id), U(vfid), U(data), U(type),
		U(occ), S(ret), U(MS_DIR_SAVE));
	if (ret)
		return ret;
	wake_up_all(xe_sriov_pf_migration_waitqueue(gt->xe, vfid));
	return 0;
}

__xe_traced struct xe_sriov_packet *
xe_gt_sriov_pf_migration_save_consume(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	struct xe_sriov_packet *data;
	unsigned int occ;
	bool done = false;
	int ret;

	/*
	 * DATA_DONE is read before the ring: it is set only after the last
	 * produce, so an empty ring seen after it really is the end.  The
	 * other order (a defect) drops a packet produced between the two
	 * checks; the delay site after an empty take holds that gap open.
	 */
	if (!(gt->xe->cfg.defects & XE_DEFECT_CONSUME_DONE_LATE))
		done = xe_gt_sriov_pf_control_check_save_data_done(gt, vfid);
	pthread_mutex_lock(&r->lock);
	data = ring_consume_locked(r);
	occ = r->count;
	pthread_mutex_unlock(&r->lock);
	if (!data)
		xe_fault_delay(MS_SITE_SAVE_CONSUME, vfid, gt->info.id, 0, 0);
	if (gt->xe->cfg.defects & XE_DEFECT_CONSUME_DONE_LATE)
		done = xe_gt_sriov_pf_control_check_save_data_done(gt, vfid);

	if (data) {
		XE_USDT(ring_consume, U(gt->info.id), U(vfid), U(data),
			U(data->hdr.type), U(occ), U(MS_DIR_SAVE));
		ret = xe_gt_sriov_pf_control_process_save_data(gt, vfid);
		if (ret) {
			xe_sriov_packet_free(data);
			return ERR_PTR(ret);
		}
		return data;
	}
	if (done)
		return NULL;
	if (xe_gt_sriov_pf_control_check_save_failed(gt, vfid))
		return ERR_PTR(-EIO);
	return ERR_PTR(-EAGAIN);
}

/* --- restore direction: the writer produces, the worker consumes ------- */

static bool pf_restore_can_produce(struct xe_gt *gt, unsigned int vfid)
{
	return xe_gt_sriov_pf_control_check_restore_failed(gt, vfid) ||
	       !xe_gt_sriov_pf_migration_ring_full(gt, vfid);
}

int __xe_gt_sriov_pf_migration_restore_produce(struct xe_gt *gt,
					       unsigned int vfid,
					       struct xe_sriov_packet *data,
					       bool *consumed)
{
	struct xe_waitqueue *wq = xe_sriov_pf_migration_waitqueue(gt->xe, vfid);
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	unsigned int occ, type = data->hdr.type;
	int ret;

	ret = xe_fault_check(MS_SITE_RING_PRODUCE, vfid, gt->info.id,
			     data->hdr.type, data->hdr.offset);
	if (ret)
		return ret;
	/*
	 * After the trailer the restore worker finishes and never looks at
	 * the ring again: a packet arriving then is never restored.  The
	 * model drops it at once, so the loss does not depend on whether
	 * the worker happened to still be running.
	 */
	if (xe_gt_sriov_pf_control_check_restore_ended(gt, vfid)) {
		xe_notice(gt->xe, "GT%u: VF%u packet type %u after the trailer: not restored",
			  gt->info.id, vfid, type);
		*consumed = true;
		xe_sriov_packet_free(data);
		return 0;
	}
	for (;;) {
		if (xe_gt_sriov_pf_control_check_restore_failed(gt, vfid))
			return -EIO;
		pthread_mutex_lock(&r->lock);
		ret = ring_produce_locked(r, data);
		occ = r->count;
		pthread_mutex_unlock(&r->lock);
		XE_USDT(ring_produce, U(gt->info.id), U(vfid), U(data),
			U(type), U(occ), S(ret), U(MS_DIR_RESTORE));
		if (!ret)
			break;
		/* a signal sent here is pending when the writer sleeps */
		xe_fault_delay(MS_SITE_RESTORE_WAIT, vfid, gt->info.id, type, 0);
		/* wait_event_interruptible, no timeout */
		pthread_mutex_lock(&wq->lock);
		ret = 0;
		while (!ret && !pf_restore_can_produce(gt, vfid))
			ret = xe_cond_wait_interruptible(&wq->cond, &wq->lock);
		pthread_mutex_unlock(&wq->lock);
		if (ret) {
			XE_USDT(wait_interrupted, U(vfid), U(gt->info.id),
				U(MS_DIR_RESTORE));
			return ret;
		}
	}
	/* from here the ring owns the packet, whatever process says */
	*consumed = true;
	return xe_gt_sriov_pf_control_process_restore_data(gt, vfid);
}

__xe_traced int xe_gt_sriov_pf_migration_restore_produce(struct xe_gt *gt,
					     unsigned int vfid,
					     struct xe_sriov_packet *data)
{
	bool consumed;

	return __xe_gt_sriov_pf_migration_restore_produce(gt, vfid, data,
							  &consumed);
}

__xe_traced struct xe_sriov_packet *
xe_gt_sriov_pf_migration_restore_consume(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_ring *r = xe_gt_sriov_pf_migration_ring(gt, vfid);
	struct xe_sriov_packet *data;
	unsigned int occ;

	pthread_mutex_lock(&r->lock);
	data = ring_consume_locked(r);
	occ = r->count;
	pthread_mutex_unlock(&r->lock);
	if (data) {
		XE_USDT(ring_consume, U(gt->info.id), U(vfid), U(data),
			U(data->hdr.type), U(occ), U(MS_DIR_RESTORE));
		wake_up_all(xe_sriov_pf_migration_waitqueue(gt->xe, vfid));
	}
	return data;
}

/* --- save bookkeeping --------------------------------------------------- */

static size_t pf_migration_ggtt_size(struct xe_gt *gt, unsigned int vfid)
{
	ssize_t size;

	if (!xe_gt_is_main_type(gt))
		return 0;
	size = xe_gt_sriov_pf_config_ggtt_save(gt, vfid, NULL, 0);
	return size > 0 ? size : 0;
}

static size_t pf_migration_mmio_size(struct xe_gt *gt)
{
	(void)gt;
	return XE_SRIOV_MMIO_PAYLOAD_SIZE;
}

static u64 pf_migration_vram_size(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_bo *lmem;

	if (!xe_gt_is_main_type(gt))
		return 0;
	lmem = xe_gt_sriov_pf_config_get_lmem_obj(gt, vfid);
	return lmem ? lmem->size : 0;
}

void xe_gt_sriov_pf_migration_save_init(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt_sriov_migration_data *m = pf_pick_gt_migration(gt, vfid);

	m->save.data_remaining = 0;
	m->save.vram_offset = 0;
	m->save.data_remaining |= 1UL << XE_SRIOV_PACKET_TYPE_GUC;
	m->save.data_remaining |= 1UL << XE_SRIOV_PACKET_TYPE_MMIO;
	if (pf_migration_ggtt_size(gt, vfid))
		m->save.data_remaining |= 1UL << XE_SRIOV_PACKET_TYPE_GGTT;
	if (pf_migration_vram_size(gt, vfid))
		m->save.data_remaining |= 1UL << XE_SRIOV_PACKET_TYPE_VRAM;
}

bool xe_gt_sriov_pf_migration_save_data_pending(struct xe_gt *gt,
						unsigned int vfid,
						enum xe_sriov_packet_type type)
{
	return pf_pick_gt_migration(gt, vfid)->save.data_remaining &
	       (1UL << type);
}

void xe_gt_sriov_pf_migration_save_data_complete(struct xe_gt *gt,
						 unsigned int vfid,
						 enum xe_sriov_packet_type type)
{
	pf_pick_gt_migration(gt, vfid)->save.data_remaining &= ~(1UL << type);
}

/*
 * One header per part; only one for VRAM although it is chunked
 * (docs/upstream-xe.md §5.4).
 */
ssize_t xe_gt_sriov_pf_migration_size(struct xe_gt *gt, unsigned int vfid)
{
	ssize_t total = 0, size;

	size = xe_guc_query_vf_mig_data_size(gt, vfid);
	if (size < 0)
		return size;
	total += size ? size * sizeof(u32) + XE_SRIOV_PACKET_HDR_SIZE : 0;
	size = pf_migration_ggtt_size(gt, vfid);
	total += size ? size + XE_SRIOV_PACKET_HDR_SIZE : 0;
	size = pf_migration_mmio_size(gt);
	total += size ? size + XE_SRIOV_PACKET_HDR_SIZE : 0;
	size = pf_migration_vram_size(gt, vfid);
	total += size ? size + XE_SRIOV_PACKET_HDR_SIZE : 0;
	return total;
}

/* --- per-type save and restore ----------------------------------------- */

static struct xe_sriov_packet *pf_save_packet(struct xe_gt *gt,
					      unsigned int vfid,
					      enum xe_sriov_packet_type type,
					      u64 offset, size_t size)
{
	struct xe_sriov_packet *data = xe_sriov_packet_alloc(gt->xe);
	int ret;

	if (!data)
		return ERR_PTR(-ENOMEM);
	data->vfid = vfid;
	ret = xe_sriov_packet_init(data, gt->tile->id, gt->info.id, type,
				   offset, size);
	if (ret) {
		xe_sriov_packet_free(data);
		return ERR_PTR(ret);
	}
	return data;
}

static int pf_produce_or_free(struct xe_gt *gt, unsigned int vfid,
			      struct xe_sriov_packet *data)
{
	int ret = xe_gt_sriov_pf_migration_save_produce(gt, vfid, data);

	if (ret)
		xe_sriov_packet_free(data);
	return ret;
}

static void pf_save_restore_failed(struct xe_gt *gt, unsigned int vfid,
				   bool save, const char *what, int err)
{
	xe_notice(gt->xe, "GT%u: Failed to %s VF%u %s data (%d)", gt->info.id,
		  save ? "save" : "restore", vfid, what, err);
}

__xe_traced int xe_gt_sriov_pf_migration_guc_save(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_sriov_packet *data;
	ssize_t ndwords, ret;

	if (!xe_sriov_pf_migration_supported(gt->xe))
		return -ENOPKG;
	ndwords = xe_guc_query_vf_mig_data_size(gt, vfid);
	if (ndwords == 0)
		ndwords = -ENODATA;
	if (ndwords < 0) {
		ret = ndwords;
		goto fail;
	}
	data = pf_save_packet(gt, vfid, XE_SRIOV_PACKET_TYPE_GUC, 0,
			      ndwords * sizeof(u32));
	if (IS_ERR(data)) {
		ret = PTR_ERR(data);
		goto fail;
	}
	ret = xe_guc_save_vf_mig_data(gt, vfid, data->vaddr, ndwords);
	if (ret == 0)
		ret = -ENODATA;
	else if (ret > ndwords)
		ret = -EPROTO;
	if (ret < 0) {
		xe_sriov_packet_free(data);
		goto fail;
	}
	/* GuC may have written less than it asked for */
	data->hdr.size = ret * sizeof(u32);
	data->remaining = data->hdr.size;
	ret = pf_produce_or_free(gt, vfid, data);
	if (ret)
		goto fail;
	return 0;
fail:
	pf_save_restore_failed(gt, vfid, true, "GuC", ret);
	return ret;
}

int xe_gt_sriov_pf_migration_guc_restore(struct xe_gt *gt, unsigned int vfid,
					 struct xe_sriov_packet *data)
{
	size_t ndwords = data->hdr.size / sizeof(u32);
	ssize_t ret;

	if (!xe_sriov_pf_migration_supported(gt->xe))
		return -ENOPKG;
	ret = xe_guc_restore_vf_mig_data(gt, vfid, data->vaddr, ndwords);
	if (ret == 0)
		ret = -ENODATA;
	else if (ret > (ssize_t)ndwords)
		ret = -EPROTO;
	if (ret < 0) {
		pf_save_restore_failed(gt, vfid, false, "GuC", ret);
		return ret;
	}
	return 0;
}

__xe_traced int xe_gt_sriov_pf_migration_ggtt_save(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_sriov_packet *data;
	size_t size = pf_migration_ggtt_size(gt, vfid);
	int ret;

	data = pf_save_packet(gt, vfid, XE_SRIOV_PACKET_TYPE_GGTT, 0, size);
	if (IS_ERR(data)) {
		ret = PTR_ERR(data);
		goto fail;
	}
	ret = xe_gt_sriov_pf_config_ggtt_save(gt, vfid, data->vaddr, size);
	if (ret) {
		xe_sriov_packet_free(data);
		goto fail;
	}
	ret = pf_produce_or_free(gt, vfid, data);
	if (ret)
		goto fail;
	return 0;
fail:
	pf_save_restore_failed(gt, vfid, true, "GGTT", ret);
	return ret;
}

int xe_gt_sriov_pf_migration_ggtt_restore(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data)
{
	int ret;

	ret = xe_gt_sriov_pf_config_ggtt_restore(gt, vfid, data->vaddr,
						 data->hdr.size);
	if (ret)
		pf_save_restore_failed(gt, vfid, false, "GGTT", ret);
	return ret;
}

/*
 * Upstream sets up a VF MMIO view and then uses the PF's own (§10.15).
 * The model accesses the VF's registers unless that defect is enabled.
 */
static u32 *pf_mmio_regs(struct xe_gt *gt, unsigned int vfid)
{
	if (gt->xe->cfg.defects & XE_DEFECT_MMIO_PF_VIEW)
		return gt->sriov.pf.vfs[0].mmio;
	return gt->sriov.pf.vfs[vfid].mmio;
}

__xe_traced int xe_gt_sriov_pf_migration_mmio_save(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_sriov_packet *data;
	int ret;

	data = pf_save_packet(gt, vfid, XE_SRIOV_PACKET_TYPE_MMIO, 0,
			      pf_migration_mmio_size(gt));
	if (IS_ERR(data)) {
		ret = PTR_ERR(data);
		goto fail;
	}
	memcpy(data->vaddr, pf_mmio_regs(gt, vfid), XE_SRIOV_MMIO_PAYLOAD_SIZE);
	ret = pf_produce_or_free(gt, vfid, data);
	if (ret)
		goto fail;
	return 0;
fail:
	pf_save_restore_failed(gt, vfid, true, "MMIO", ret);
	return ret;
}

int xe_gt_sriov_pf_migration_mmio_restore(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data)
{
	if (data->hdr.size != pf_migration_mmio_size(gt)) {
		pf_save_restore_failed(gt, vfid, false, "MMIO", -EINVAL);
		return -EINVAL;
	}
	memcpy(pf_mmio_regs(gt, vfid), data->vaddr, XE_SRIOV_MMIO_PAYLOAD_SIZE);
	return 0;
}

/*
 * __pf_save_restore_vram: one chunk copy and its fence wait.  The copy is
 * synchronous in the model; the VRAM_COPY fault site stands for the fence
 * wait timing out (-ETIME) or any other migrate-job error.
 */
static int __pf_save_restore_vram(struct xe_gt *gt, unsigned int vfid,
				  struct xe_bo *vram, u64 vram_offset,
				  struct xe_bo *sysmem, u64 size, bool save)
{
	unsigned int dir = save ? MS_DIR_SAVE : MS_DIR_RESTORE;
	u64 t0, t1;
	int ret;

	/*
	 * The fault site (a gettid syscall, a preemption point) stays outside
	 * the probes, so the traced span holds the copy and nothing else.
	 */
	ret = xe_fault_check(MS_SITE_VRAM_COPY, vfid, gt->info.id,
			     XE_SRIOV_PACKET_TYPE_VRAM, vram_offset);
	XE_USDT(vram_copy_begin, U(gt->info.id), U(vfid), U(dir),
		U(vram_offset), U(size));
	t0 = xe_now_ns();
	if (!ret)
		ret = xe_migrate_vram_copy_chunk(vram, vram_offset, sysmem, 0,
						 size,
						 save ? XE_MIGRATE_COPY_TO_SRAM :
							XE_MIGRATE_COPY_TO_VRAM);
	t1 = xe_now_ns();
	XE_USDT(vram_copy_end, U(gt->info.id), U(vfid), U(dir),
		U(vram_offset), U(size), S(ret));
	if (!ret) {
		__atomic_add_fetch(&gt->xe->stats.vram_copy_ns, t1 - t0,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&gt->xe->stats.vram_copy_bytes, size,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&gt->xe->stats.vram_copies, 1,
				   __ATOMIC_RELAXED);
	}
	return ret;
}

__xe_traced int xe_gt_sriov_pf_migration_vram_save(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt_sriov_migration_data *m = pf_pick_gt_migration(gt, vfid);
	struct xe_bo *lmem = xe_gt_sriov_pf_config_get_lmem_obj(gt, vfid);
	struct xe_sriov_packet *data;
	u64 offset = m->save.vram_offset, size;
	int ret;

	if (!lmem) {
		ret = -ENXIO;
		goto fail;
	}
	size = min_t(u64, lmem->size - offset, gt->xe->cfg.vram_chunk);
	data = pf_save_packet(gt, vfid, XE_SRIOV_PACKET_TYPE_VRAM, offset,
			      size);
	if (IS_ERR(data)) {
		ret = PTR_ERR(data);
		goto fail;
	}
	ret = __pf_save_restore_vram(gt, vfid, lmem, offset, data->bo, size,
				     true);
	if (ret) {
		xe_sriov_packet_free(data);
		goto fail;
	}
	ret = pf_produce_or_free(gt, vfid, data);
	if (ret) {
		/* the defect: as if both error paths shared one free */
		if (gt->xe->cfg.defects & XE_DEFECT_SAVE_DOUBLE_FREE)
			xe_sriov_packet_free(data);
		goto fail;
	}
	m->save.vram_offset = offset + size;
	return m->save.vram_offset < lmem->size ? -EAGAIN : 0;
fail:
	pf_save_restore_failed(gt, vfid, true, "VRAM", ret);
	return ret;
}

__xe_traced int xe_gt_sriov_pf_migration_vram_restore(struct xe_gt *gt, unsigned int vfid,
					  struct xe_sriov_packet *data)
{
	struct xe_bo *lmem = xe_gt_sriov_pf_config_get_lmem_obj(gt, vfid);
	u64 offset = data->hdr.offset, size = data->hdr.size;
	u64 end = offset + size;
	int ret;

	if (!lmem) {
		ret = -ENXIO;
		goto fail;
	}
	if (end > lmem->size || end < size) {
		ret = -EINVAL;
		goto fail;
	}
	/*
	 * A zero-size VRAM packet has no sysmem BO; upstream would lock a
	 * NULL BO here (§10.3).  The model rejects it instead.
	 * Alignment is not checked, as in release builds (§10.4).
	 */
	if (!size || !data->bo) {
		ret = -EINVAL;
		goto fail;
	}
	ret = __pf_save_restore_vram(gt, vfid, lmem, offset, data->bo, size,
				     false);
	if (ret)
		goto fail;
	return 0;
fail:
	pf_save_restore_failed(gt, vfid, false, "VRAM", ret);
	return ret;
}
