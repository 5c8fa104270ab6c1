// SPDX-License-Identifier: GPL-2.0
/*
 * Model device: platform profiles, tiles and GTs, the VFs' provisioned
 * resources (LMEM, GGTT node, VF_SW_FLAG registers, GuC state), buffer
 * objects, kernel-like primitives, and the content patterns and digests
 * used to prove that a restore reproduced the source.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "xe_ggtt.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_sriov_pf_migration.h"

static const struct xe_platform platforms[] = {
	/* Battlemage: 1 tile, primary GT + media GT, VRAM */
	{ .name = "bmg", .devid = 0xe20b, .revid = 0, .has_vram = true,
	  .num_gts = 2 },
	/* Panther Lake: integrated, no VRAM */
	{ .name = "ptl", .devid = 0xb080, .revid = 0, .has_vram = false,
	  .num_gts = 2 },
};

const struct xe_platform *xe_platform_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (!strcasecmp(platforms[i].name, name))
			return &platforms[i];
	return NULL;
}

void xe_device_config_defaults(struct xe_device_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->platform = "bmg";
	cfg->num_vfs = 2;
	cfg->vram_size = 64 * SZ_1M;
	cfg->vram_chunk = VF_VRAM_STATE_CHUNK_MAX_SIZE;
	cfg->ggtt_size = 64 * SZ_1M;
	/* "currently maxes out at just over 4M" */
	cfg->guc_size = 4 * SZ_1M + 4096;
	cfg->max_alloc = 4096 * SZ_1M;
	cfg->restore_timeout_ms = 20000;
}

/* --- primitives ---------------------------------------------------------- */

u64 xe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#ifndef __KERNEL__	/* the kernel build has the real ones (tools/xe-twin) */
static void *xe_worker_thread(void *arg)
{
	struct work_struct *work = arg;

	pthread_mutex_lock(&work->lock);
	for (;;) {
		while (!work->pending && !work->stop)
			pthread_cond_wait(&work->cond, &work->lock);
		if (work->stop)
			break;
		work->pending = false;
		pthread_mutex_unlock(&work->lock);
		work->func(work);
		pthread_mutex_lock(&work->lock);
	}
	pthread_mutex_unlock(&work->lock);
	return NULL;
}

int xe_worker_init(struct work_struct *work,
		   void (*func)(struct work_struct *work))
{
	work->func = func;
	pthread_mutex_init(&work->lock, NULL);
	pthread_cond_init(&work->cond, NULL);
	if (pthread_create(&work->thread, NULL, xe_worker_thread, work))
		return -EAGAIN;
	work->started = true;
	return 0;
}

void xe_worker_queue(struct work_struct *work)
{
	pthread_mutex_lock(&work->lock);
	work->pending = true;
	pthread_cond_signal(&work->cond);
	pthread_mutex_unlock(&work->lock);
}

void xe_worker_fini(struct work_struct *work)
{
	if (!work->started)
		return;
	pthread_mutex_lock(&work->lock);
	work->stop = true;
	pthread_cond_signal(&work->cond);
	pthread_mutex_unlock(&work->lock);
	pthread_join(work->thread, NULL);
	work->started = false;
	pthread_mutex_destroy(&work->lock);
	pthread_cond_destroy(&work->cond);
}

#endif

void xe_wait_init(struct xe_waitqueue *wq)
{
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->cond, NULL);
}

void wake_up_all(struct xe_waitqueue *wq)
{
	pthread_mutex_lock(&wq->lock);
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
}

void init_completion(struct xe_completion *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	c->done = false;
}

void reinit_completion(struct xe_completion *c)
{
	pthread_mutex_lock(&c->lock);
	c->done = false;
	pthread_mutex_unlock(&c->lock);
}

void complete_all(struct xe_completion *c)
{
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void xe_completion_fini(struct xe_completion *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

long wait_for_completion_timeout(struct xe_completion *c, unsigned int ms)
{
	struct timespec ts;
	bool done;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	while (!c->done) {
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts))
			break;
	}
	done = c->done;
	pthread_mutex_unlock(&c->lock);
	return done ? 1 : 0;
}

#ifndef __KERNEL__
static void xe_vlog(struct xe_device *xe, const char *fmt, va_list ap)
{
	fprintf(stderr, "xe %s [%d]: ", xe->platform->name, (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}
#endif

void xe_notice(struct xe_device *xe, const char *fmt, ...)
{
	va_list ap;

	if (xe->cfg.quiet)
		return;
	va_start(ap, fmt);
	xe_vlog(xe, fmt, ap);
	va_end(ap);
}

void xe_dbg(struct xe_device *xe, const char *fmt, ...)
{
	va_list ap;

	if (!xe->cfg.verbose || xe->cfg.quiet)
		return;
	va_start(ap, fmt);
	xe_vlog(xe, fmt, ap);
	va_end(ap);
}

/* --- memory -------------------------------------------------------------- */

#define XE_MMAP_MIN	(64 * 1024)

static size_t page_align(size_t size)
{
	return (size + XE_PAGE_SIZE - 1) & ~(XE_PAGE_SIZE - 1);
}

/* kvzalloc: small sizes from malloc, large ones straight from mmap */
void *xe_kvzalloc(struct xe_device *xe, size_t size)
{
	void *p;

	(void)xe;
	if (size < XE_MMAP_MIN)
		return calloc(1, size);
	p = mmap(NULL, page_align(size), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void xe_kvfree(void *p, size_t size)
{
	if (!p)
		return;
	if (size < XE_MMAP_MIN)
		free(p);
	else
		munmap(p, page_align(size));
}

static struct xe_bo *bo_alloc(size_t size, bool populate, bool vram)
{
	struct xe_bo *bo = calloc(1, sizeof(*bo));
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	if (!bo)
		return NULL;
	bo->size = size;
	bo->map_size = page_align(size ? size : 1);
	bo->vram = vram;
	if (populate)
		flags |= MAP_POPULATE;
	bo->vaddr = mmap(NULL, bo->map_size, PROT_READ | PROT_WRITE, flags,
			 -1, 0);
	if (bo->vaddr == MAP_FAILED) {
		free(bo);
		return NULL;
	}
	return bo;
}

static void bo_free(struct xe_bo *bo)
{
	munmap(bo->vaddr, bo->map_size);
	free(bo);
}

/*
 * Pinned sysmem BOs for VRAM packets.  Pinned means the pages exist from
 * creation, so the mapping is populated: on restore too, where the user
 * copy into the BO otherwise took a page fault per 4K.  Only up to a chunk,
 * what a well-formed stream carries: a corrupt header's size (up to
 * max_alloc) is mapped but left to fault in, so fuzzing stays cheap.
 * Freed BOs are kept in a small pool and reused for the next chunk of the
 * same size, as TTM's page pool recycles pages.
 *
 * Every BO comes back zero-filled, recycled or new (a new mapping is the
 * kernel's zeroed pages), so no packet carries bytes of an earlier one.
 * Clearing a recycled BO here also makes its pages this thread's before
 * the chunk copy: the stream's reader on the other CPU read them last, and
 * without it the copy itself took every cache line back (at 64 KiB chunks
 * 0.75 x memcpy, about 1.0 x with it; README, "Performance").
 */
struct xe_bo *xe_bo_create_pin_map_novm(struct xe_device *xe, size_t size)
{
	struct xe_bo *bo = NULL;
	unsigned int i;

	pthread_mutex_lock(&xe->pool.lock);
	for (i = 0; i < xe->pool.count; i++) {
		if (xe->pool.free[i]->size == size) {
			bo = xe->pool.free[i];
			xe->pool.free[i] = xe->pool.free[--xe->pool.count];
			break;
		}
	}
	pthread_mutex_unlock(&xe->pool.lock);
	if (bo) {
		memset(bo->vaddr, 0, bo->size);
		return bo;
	}
	return bo_alloc(size, size <= xe->cfg.vram_chunk, false);
}

void xe_bo_unpin_map_no_vm(struct xe_device *xe, struct xe_bo *bo)
{
	const unsigned int max = sizeof(xe->pool.free) / sizeof(xe->pool.free[0]);

	if (!bo)
		return;
	pthread_mutex_lock(&xe->pool.lock);
	if (xe->pool.count < max && bo->size <= xe->cfg.vram_chunk) {
		xe->pool.free[xe->pool.count++] = bo;
		bo = NULL;
	}
	pthread_mutex_unlock(&xe->pool.lock);
	if (bo)
		bo_free(bo);
}

/* --- topology and config layer ----------------------------------------- */

struct xe_gt *xe_device_get_gt(struct xe_device *xe, unsigned int gt_id)
{
	return gt_id < xe->info.gt_count ? &xe->gts[gt_id] : NULL;
}

bool xe_gt_is_main_type(const struct xe_gt *gt)
{
	return !gt->info.media;
}

unsigned int xe_sriov_pf_num_vfs(const struct xe_device *xe)
{
	return xe->cfg.num_vfs;
}

bool xe_device_has_lmem(const struct xe_device *xe)
{
	return xe->info.has_vram;
}

struct xe_bo *xe_gt_sriov_pf_config_get_lmem_obj(struct xe_gt *gt,
						 unsigned int vfid)
{
	return gt->sriov.pf.vfs[vfid].lmem;
}

ssize_t xe_gt_sriov_pf_config_ggtt_save(struct xe_gt *gt, unsigned int vfid,
					void *buf, size_t size)
{
	struct xe_ggtt_node *node = gt->sriov.pf.vfs[vfid].ggtt;

	if (!buf)
		return node ? (ssize_t)xe_ggtt_node_pt_size(node) : 0;
	return xe_ggtt_node_save(node, buf, size, vfid);
}

int xe_gt_sriov_pf_config_ggtt_restore(struct xe_gt *gt, unsigned int vfid,
				       const void *buf, size_t size)
{
	return xe_ggtt_node_load(gt->sriov.pf.vfs[vfid].ggtt, buf, size, vfid);
}

/* FLR_RESET_CONFIG: scrub the VF's LMEM and point its PTEs at scratch */
void xe_gt_sriov_pf_config_sanitize(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];
	size_t i;

	if (vf->lmem)
		memset(vf->lmem->vaddr, 0, vf->lmem->size);
	if (vf->ggtt) {
		for (i = 0; i < vf->ggtt->size / XE_PAGE_SIZE; i++)
			vf->ggtt->ptes[i] = (u64)vfid << GGTT_PTE_VFID_SHIFT;
	}
}

/* --- create / destroy ---------------------------------------------------- */

static int vf_resources_init(struct xe_device *xe, struct xe_gt *gt,
			     unsigned int vfid)
{
	struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];

	vf->guc_size = xe->cfg.guc_size;
	vf->guc_state = xe_kvzalloc(xe, vf->guc_size);
	if (!vf->guc_state)
		return -ENOMEM;
	if (!xe_gt_is_main_type(gt))
		return 0;
	vf->ggtt = xe_ggtt_node_alloc(xe->cfg.ggtt_size);
	if (!vf->ggtt)
		return -ENOMEM;
	xe_gt_sriov_pf_config_sanitize(gt, vfid);
	if (xe->info.has_vram && xe->cfg.vram_size) {
		vf->lmem = bo_alloc(xe->cfg.vram_size, false, true);
		if (!vf->lmem)
			return -ENOMEM;
	}
	return 0;
}

static void vf_resources_fini(struct xe_gt *gt, unsigned int vfid)
{
	struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];

	xe_kvfree(vf->guc_state, vf->guc_size);
	xe_ggtt_node_free(vf->ggtt);
	if (vf->lmem)
		bo_free(vf->lmem);
}

static int gt_init(struct xe_device *xe, unsigned int id)
{
	struct xe_gt *gt = &xe->gts[id];
	unsigned int vfid;
	int err;

	gt->xe = xe;
	gt->tile = &xe->tiles[0];
	gt->tile->xe = xe;
	gt->info.id = id;
	gt->info.media = id == 1;
	if (gt->info.media)
		gt->tile->media_gt = gt;
	else
		gt->tile->primary_gt = gt;
	gt->sriov.pf.vfs = calloc(xe->cfg.num_vfs + 1, sizeof(*gt->sriov.pf.vfs));
	if (!gt->sriov.pf.vfs)
		return -ENOMEM;
	for (vfid = 1; vfid <= xe->cfg.num_vfs; vfid++) {
		err = vf_resources_init(xe, gt, vfid);
		if (err)
			return err;
	}
	err = xe_gt_sriov_pf_migration_init(gt);
	if (err)
		return err;
	return xe_gt_sriov_pf_control_init(gt);
}

static void gt_fini(struct xe_device *xe, struct xe_gt *gt)
{
	unsigned int vfid;

	if (!gt->sriov.pf.vfs)
		return;
	xe_gt_sriov_pf_control_fini(gt);
	xe_gt_sriov_pf_migration_fini(gt);
	for (vfid = 1; vfid <= xe->cfg.num_vfs; vfid++)
		vf_resources_fini(gt, vfid);
	free(gt->sriov.pf.vfs);
	gt->sriov.pf.vfs = NULL;
}

static bool config_valid(const struct xe_device_config *cfg)
{
	return cfg->num_vfs >= 1 && cfg->num_vfs <= 63 &&
	       cfg->vram_chunk >= XE_PAGE_SIZE &&
	       cfg->ggtt_size >= XE_PAGE_SIZE &&
	       cfg->guc_size >= 4 && cfg->guc_size % 8 == 0 &&
	       cfg->guc_size <= XE_GT_SRIOV_PF_MIGRATION_GUC_DATA_MAX_SIZE &&
	       cfg->fill_vf <= cfg->num_vfs;
}

struct xe_device *xe_device_create(const struct xe_device_config *cfg)
{
	const struct xe_platform *plat = xe_platform_lookup(cfg->platform);
	struct xe_device *xe;
	unsigned int id, vfid;

	if (!plat || !config_valid(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	xe = calloc(1, sizeof(*xe));
	if (!xe)
		return NULL;
	xe->cfg = *cfg;
	xe->platform = plat;
	xe->info.devid = plat->devid;
	xe->info.revid = plat->revid;
	xe->info.tile_count = 1;
	xe->info.gt_count = plat->num_gts;
	xe->info.has_vram = plat->has_vram;
	xe->is_pf = true;
	xe->sriov.pf.driver_max_vfs = cfg->num_vfs;
	pthread_mutex_init(&xe->pool.lock, NULL);
	if (xe_sriov_pf_migration_init(xe))
		goto fail;
	for (id = 0; id < xe->info.gt_count; id++)
		if (gt_init(xe, id))
			goto fail;
	for (vfid = 1; vfid <= cfg->num_vfs; vfid++)
		if (!cfg->fill_vf || cfg->fill_vf == vfid)
			xe_device_fill_vf(xe, vfid, cfg->seed);
	return xe;
fail:
	xe_device_destroy(xe);
	errno = ENOMEM;
	return NULL;
}

void xe_device_destroy(struct xe_device *xe)
{
	unsigned int id;

	if (!xe)
		return;
	/*
	 * Every worker stops before any GT is freed: a worker reaches the
	 * other GTs' state (FLR_SYNC release) and queues them.
	 */
	for (id = 0; id < xe->info.gt_count; id++)
		if (xe->gts[id].sriov.pf.vfs)
			xe_gt_sriov_pf_control_stop(&xe->gts[id]);
	for (id = 0; id < xe->info.gt_count; id++)
		gt_fini(xe, &xe->gts[id]);
	xe_sriov_pf_migration_fini(xe);
	while (xe->pool.count)
		bo_free(xe->pool.free[--xe->pool.count]);
	pthread_mutex_destroy(&xe->pool.lock);
	free(xe);
}

/* --- content patterns and digests --------------------------------------- */

static inline u64 mix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* word i of part `part` of VF vfid for seed; 0 when seed is 0 */
static inline u64 pattern(u64 seed, unsigned int vfid, u64 part, u64 i)
{
	if (!seed)
		return 0;
	return mix64(seed * 0x100000001b3ULL ^ ((u64)vfid << 48) ^
		     (part << 40) ^ i);
}

enum { PART_VRAM = 1, PART_GGTT, PART_MMIO, PART_GUC };

static inline u64 ggtt_pte(u64 seed, unsigned int vfid, u64 i)
{
	/* a present page somewhere in the first 1 TiB; VFID in bits 11:2 */
	u64 addr = pattern(seed, vfid, PART_GGTT, i) & 0xfffffff000ULL;

	return addr | ((u64)vfid << GGTT_PTE_VFID_SHIFT) |
	       (seed ? GGTT_PTE_PRESENT : 0);
}

void xe_device_fill_vf(struct xe_device *xe, unsigned int vfid, u64 seed)
{
	struct xe_gt *gt;
	unsigned int id;
	u64 i, n;

	for_each_gt(gt, xe, id) {
		struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];
		u64 *w;

		for (i = 0; i < XE_SRIOV_MMIO_PAYLOAD_SIZE / 4; i++)
			vf->mmio[i] = pattern(seed, vfid, PART_MMIO,
					      id * 16 + i);
		w = (u64 *)vf->guc_state;
		for (i = 0; i < vf->guc_size / 8; i++)
			w[i] = pattern(seed, vfid, PART_GUC + id * 16, i);
		if (vf->ggtt)
			for (i = 0; i < vf->ggtt->size / XE_PAGE_SIZE; i++)
				vf->ggtt->ptes[i] = ggtt_pte(seed, vfid, i);
		if (vf->lmem) {
			w = vf->lmem->vaddr;
			n = vf->lmem->size / 8;
			for (i = 0; i < n; i++)
				w[i] = pattern(seed, vfid, PART_VRAM, i);
			/* a tail that is not a whole word */
			for (i = n * 8; i < vf->lmem->size; i++)
				((u8 *)vf->lmem->vaddr)[i] =
					pattern(seed, vfid, PART_VRAM, n);
		}
	}
}

static inline u64 hash_step(u64 h, u64 w)
{
	h ^= w;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

static u64 hash_bytes(const void *p, size_t len)
{
	const u8 *b = p;
	u64 h = len, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, b + i, 8);
		h = hash_step(h, w);
	}
	for (; i < len; i++)
		h = hash_step(h, b[i]);
	return h;
}

void xe_device_vf_digest(struct xe_device *xe, unsigned int vfid,
			 struct xe_vf_digest *d)
{
	struct xe_gt *gt;
	unsigned int id;
	u64 i, h;

	memset(d, 0, sizeof(*d));
	d->ggtt_vfid_ok = true;
	for_each_gt(gt, xe, id) {
		struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];

		d->mmio[id] = hash_bytes(vf->mmio, sizeof(vf->mmio));
		d->guc[id] = hash_bytes(vf->guc_state, vf->guc_size);
		if (vf->lmem)
			d->vram = hash_bytes(vf->lmem->vaddr, vf->lmem->size);
		if (!vf->ggtt)
			continue;
		h = vf->ggtt->size;
		for (i = 0; i < vf->ggtt->size / XE_PAGE_SIZE; i++) {
			u64 pte = vf->ggtt->ptes[i];

			if (((pte & GGTT_PTE_VFID) >> GGTT_PTE_VFID_SHIFT) != vfid)
				d->ggtt_vfid_ok = false;
			h = hash_step(h, pte & ~GGTT_PTE_VFID);
		}
		d->ggtt = h;
	}
}

static u64 expected_words(u64 seed, unsigned int vfid, u64 part, size_t len)
{
	u64 h = len, i, n = len / 8, w;

	for (i = 0; i < n; i++)
		h = hash_step(h, pattern(seed, vfid, part, i));
	w = pattern(seed, vfid, part, n);
	for (i = n * 8; i < len; i++)
		h = hash_step(h, (u8)w);
	return h;
}

void xe_device_vf_expected_digest(struct xe_device *xe, unsigned int vfid,
				  u64 seed, struct xe_vf_digest *d)
{
	struct xe_gt *gt;
	unsigned int id;
	u32 mmio[XE_SRIOV_MMIO_PAYLOAD_SIZE / 4];
	u64 i, h;

	memset(d, 0, sizeof(*d));
	d->ggtt_vfid_ok = true;
	for_each_gt(gt, xe, id) {
		struct xe_gt_sriov_metadata *vf = &gt->sriov.pf.vfs[vfid];

		for (i = 0; i < XE_SRIOV_MMIO_PAYLOAD_SIZE / 4; i++)
			mmio[i] = pattern(seed, vfid, PART_MMIO, id * 16 + i);
		d->mmio[id] = hash_bytes(mmio, sizeof(mmio));
		d->guc[id] = expected_words(seed, vfid, PART_GUC + id * 16,
					    vf->guc_size);
		if (vf->lmem)
			d->vram = expected_words(seed, vfid, PART_VRAM,
						 vf->lmem->size);
		if (!vf->ggtt)
			continue;
		h = vf->ggtt->size;
		for (i = 0; i < vf->ggtt->size / XE_PAGE_SIZE; i++)
			h = hash_step(h, ggtt_pte(seed, vfid, i) & ~GGTT_PTE_VFID);
		d->ggtt = h;
	}
}

const char *xe_vf_digest_diff(const struct xe_vf_digest *a,
			      const struct xe_vf_digest *b,
			      unsigned int gt_count)
{
	static const char *const mmio[] = { "MMIO gt0", "MMIO gt1" };
	static const char *const guc[] = { "GuC gt0", "GuC gt1" };
	unsigned int id;

	if (a->vram != b->vram)
		return "VRAM";
	if (a->ggtt != b->ggtt)
		return "GGTT";
	if (!a->ggtt_vfid_ok || !b->ggtt_vfid_ok)
		return "GGTT VFID";
	for (id = 0; id < gt_count && id < XE_MAX_GT; id++) {
		if (a->mmio[id] != b->mmio[id])
			return mmio[id];
		if (a->guc[id] != b->guc[id])
			return guc[id];
	}
	return NULL;
}
