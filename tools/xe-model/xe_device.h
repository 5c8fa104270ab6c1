/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference model of the upstream xe SR-IOV PF migration data path:
 * device, tiles, GTs and per-VF bookkeeping.
 *
 * The structures mirror where upstream keeps things
 * (xe->sriov.pf.vfs[vfid].migration, gt->sriov.pf.vfs[vfid].control and
 * .migration) so that readers of the kernel code find their way around.
 * Kernel primitives are replaced by pthread equivalents: a wait queue is a
 * mutex + condvar, a completion a flag + condvar, the control worker one
 * thread per GT.  See docs/upstream-xe.md.
 */
#ifndef XE_DEVICE_H
#define XE_DEVICE_H

#ifdef __KERNEL__
/* the kernel module build (tools/xe-twin): kernel primitives */
#include "xe_twin_compat.h"
#else
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#endif

#include "xe_sriov_abi.h"

#ifndef __KERNEL__
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#endif

/*
 * A function the kernel programs attach to (fentry/fexit, kprobes): a real
 * symbol every caller goes through, never inlined nor replaced by an IPA
 * clone (.constprop, .isra), so that it fires in the twin as in xe.ko.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define __xe_traced	__attribute__((noipa))
#else
#define __xe_traced	__attribute__((noinline))
#endif

#define XE_MAX_GT		2
#define XE_MAX_TILE		1
#define XE_PAGE_SIZE		4096ULL
#define SZ_1M			(1ULL << 20)
#define SZ_8M			(8ULL << 20)

#ifndef __KERNEL__
/* errno values the kernel has and libc does not export */
#ifndef ERESTARTSYS
#define ERESTARTSYS		512
#endif

/* ERR_PTR convention, as in the kernel, so return values read the same */
#define MAX_ERRNO		4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

#define __user

/* user copies are plain copies; 0 or the bytes not copied, as the kernel's */
static inline unsigned long copy_to_user(void *to, const void *from,
					 unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

static inline unsigned long copy_from_user(void *to, const void *from,
					   unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/*
 * A work item: one thread per item runs func each time the item was
 * queued, never two at once, as a work item on a kernel workqueue.
 */
struct work_struct {
	void (*func)(struct work_struct *work);
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool pending;
	bool stop;
	bool started;
};
#endif

struct xe_device;
struct xe_gt;
struct xe_sriov_packet;

/* wait_queue_head_t: waiters sleep on cond, wakers broadcast under lock */
struct xe_waitqueue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* struct completion */
struct xe_completion {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

/* A ptr_ring of XE_GT_SRIOV_PF_MIGRATION_RING_SIZE packets */
struct xe_ring {
	pthread_mutex_t lock;
	struct xe_sriov_packet *slot[XE_GT_SRIOV_PF_MIGRATION_RING_SIZE];
	unsigned int head;
	unsigned int count;
};

/* A buffer object: VRAM (the VF's LMEM) or pinned system memory */
struct xe_bo {
	void *vaddr;
	size_t size;		/* what the user asked for */
	size_t map_size;	/* page-aligned mapping */
	bool vram;
};

/* The VF's GGTT node: one 8-byte PTE per 4 KiB page */
struct xe_ggtt_node {
	u64 *ptes;
	u64 size;		/* bytes of GGTT address space */
};

/* gt->sriov.pf.vfs[vfid].control */
struct xe_gt_sriov_control_state {
	unsigned long state[1];	/* bitmap of enum xe_gt_sriov_control_bits */
	struct xe_completion done;
	bool queued;		/* on the GT's worker list */
};

/* gt->sriov.pf.vfs[vfid].migration */
struct xe_gt_sriov_migration_data {
	struct xe_ring ring;
	struct {
		unsigned long data_remaining;	/* bit per packet type */
		u64 vram_offset;
	} save;
};

/*
 * gt->sriov.pf.vfs[vfid]: control, migration and the VF's provisioned
 * resources.  Upstream's type and field names, so that CO-RE relocates the
 * kernel programs against the twin's BTF as against xe.ko's.
 */
struct xe_gt_sriov_metadata {
	struct xe_gt_sriov_control_state control;
	struct xe_gt_sriov_migration_data migration;
	struct xe_ggtt_node *ggtt;	/* main GT only */
	struct xe_bo *lmem;		/* main GT with VRAM only */
	u32 mmio[XE_SRIOV_MMIO_PAYLOAD_SIZE / 4];	/* VF_SW_FLAG(n) */
	u8 *guc_state;			/* what GuC holds for this VF */
	size_t guc_size;
};

/* gt->sriov.pf.control: the worker and its FIFO of vfids */
struct xe_gt_sriov_pf_control {
	struct work_struct worker;
	pthread_mutex_t lock;
	unsigned int *list;
	unsigned int head, count;
	bool stop;
};

struct xe_gt_sriov_pf {
	struct xe_gt_sriov_pf_control control;
	struct xe_gt_sriov_metadata *vfs;	/* [0] is the PF, unused */
};

struct xe_tile {
	struct xe_device *xe;
	u8 id;
	struct xe_gt *primary_gt;
	struct xe_gt *media_gt;		/* NULL without a media GT */
};

struct xe_gt {
	struct xe_device *xe;
	struct xe_tile *tile;
	struct {
		u8 id;			/* device-global GT id */
		bool media;		/* media GT: no GGTT, no VRAM */
	} info;
	union {
		struct xe_gt_sriov_pf pf;
	} sriov;
};

/* xe->sriov.pf.vfs[vfid].migration */
struct xe_sriov_migration_state {
	struct xe_waitqueue wq;
	pthread_mutex_t lock;
	struct xe_sriov_packet *pending;
	struct xe_sriov_packet *trailer;
	struct xe_sriov_packet *descriptor;
	/* XE_DEFECT_CONSUME_DONE_LATE: GTs the reader has seen done */
	unsigned long drained;
};

struct xe_device_config {
	const char *platform;		/* "bmg" or "ptl" */
	unsigned int num_vfs;
	u64 vram_size;			/* per VF, platforms with VRAM */
	u64 vram_chunk;			/* VF_VRAM_STATE_CHUNK_MAX_SIZE */
	u64 ggtt_size;			/* per VF */
	size_t guc_size;		/* per (GT, VF) GuC blob */
	u64 seed;			/* content of VF state, 0 = zeroes */
	unsigned int fill_vf;		/* fill only this VF (0 = all) */
	u64 max_alloc;			/* larger packet payloads fail -ENOMEM */
	unsigned int restore_timeout_ms;	/* upstream 20 s */
	unsigned int defects;		/* XE_DEFECT_* to re-enable */
	bool quiet;			/* no notices */
	bool verbose;			/* dbg_verbose messages */
};

struct xe_platform {
	const char *name;
	u16 devid;
	u8 revid;
	bool has_vram;
	u8 num_gts;
};

struct xe_device {
	struct xe_device_config cfg;
	const struct xe_platform *platform;
	struct {
		u16 devid;
		u8 revid;
		u8 tile_count;
		u8 gt_count;
		bool has_vram;
	} info;
	bool is_pf;
	struct {
		union {
			struct xe_device_pf {
				u16 driver_max_vfs;
			} pf;
		};
	} sriov;
	struct xe_tile tiles[XE_MAX_TILE];
	struct xe_gt gts[XE_MAX_GT];
	bool migration_disabled;
	struct xe_sriov_migration_state *vfs;	/* [0] is the PF, unused */
	/* BO page pool: pinned sysmem buffers are reused like TTM's pool */
	struct {
		pthread_mutex_t lock;
		struct xe_bo *free[8];
		unsigned int count;
	} pool;
	/* timing of VRAM chunk copies, for reports */
	struct {
		u64 vram_copy_ns;
		u64 vram_copy_bytes;
		u64 vram_copies;
	} stats;
};

#define for_each_gt(gt__, xe__, id__) \
	for ((id__) = 0; (id__) < (xe__)->info.gt_count && \
	     ((gt__) = &(xe__)->gts[(id__)]); (id__)++)

struct xe_device *xe_device_create(const struct xe_device_config *cfg);
void xe_device_destroy(struct xe_device *xe);
void xe_device_config_defaults(struct xe_device_config *cfg);
const struct xe_platform *xe_platform_lookup(const char *name);

struct xe_gt *xe_device_get_gt(struct xe_device *xe, unsigned int gt_id);
bool xe_gt_is_main_type(const struct xe_gt *gt);
unsigned int xe_sriov_pf_num_vfs(const struct xe_device *xe);
bool xe_device_has_lmem(const struct xe_device *xe);

/* Config layer (upstream xe_gt_sriov_pf_config.c) */
struct xe_bo *xe_gt_sriov_pf_config_get_lmem_obj(struct xe_gt *gt,
						 unsigned int vfid);
ssize_t xe_gt_sriov_pf_config_ggtt_save(struct xe_gt *gt, unsigned int vfid,
					void *buf, size_t size);
int xe_gt_sriov_pf_config_ggtt_restore(struct xe_gt *gt, unsigned int vfid,
				       const void *buf, size_t size);
void xe_gt_sriov_pf_config_sanitize(struct xe_gt *gt, unsigned int vfid);

/* Buffer objects */
struct xe_bo *xe_bo_create_pin_map_novm(struct xe_device *xe, size_t size);
void xe_bo_unpin_map_no_vm(struct xe_device *xe, struct xe_bo *bo);
void *xe_kvzalloc(struct xe_device *xe, size_t size);
void xe_kvfree(void *p, size_t size);

/* Kernel-like primitives */
int xe_worker_init(struct work_struct *work,
		   void (*func)(struct work_struct *work));
void xe_worker_queue(struct work_struct *work);
/* cancel a pending run, wait for a running one; no run after this */
void xe_worker_fini(struct work_struct *work);
void xe_wait_init(struct xe_waitqueue *wq);
void wake_up_all(struct xe_waitqueue *wq);
void init_completion(struct xe_completion *c);
void reinit_completion(struct xe_completion *c);
void complete_all(struct xe_completion *c);
void xe_completion_fini(struct xe_completion *c);
/* 0 on timeout, else > 0, as wait_for_completion_timeout */
long wait_for_completion_timeout(struct xe_completion *c, unsigned int ms);
u64 xe_now_ns(void);

/*
 * wait_event_interruptible's sleep (0, or -ERESTARTSYS: a signal is
 * pending) and mutex_lock_interruptible (0 or -EINTR).  User space only:
 * the kernel build maps them onto the real ones (xe_twin_compat.h).  The
 * caller's signal handler calls xe_signal_arrived(); the VFIO data calls
 * return through xe_syscall_return(), which delivers the signal and turns
 * -ERESTARTSYS into -EINTR (xe_signal.c).
 */
#ifndef __KERNEL__
int xe_cond_wait_interruptible(pthread_cond_t *c, pthread_mutex_t *m);
int xe_mutex_lock_interruptible(pthread_mutex_t *m);
void xe_signal_arrived(void);
long xe_syscall_return(long ret);
#endif

/* Always-on messages (notice/error) and dbg_verbose ones */
void xe_notice(struct xe_device *xe, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xe_dbg(struct xe_device *xe, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* VF content: deterministic patterns and a digest to compare two devices */
struct xe_vf_digest {
	u64 vram;
	u64 ggtt;		/* PTEs with the VFID field masked */
	bool ggtt_vfid_ok;	/* every PTE carries this VF's id */
	u64 mmio[XE_MAX_GT];
	u64 guc[XE_MAX_GT];
};

void xe_device_fill_vf(struct xe_device *xe, unsigned int vfid, u64 seed);
void xe_device_vf_digest(struct xe_device *xe, unsigned int vfid,
			 struct xe_vf_digest *d);
/* what xe_device_vf_digest would give after filling with seed */
void xe_device_vf_expected_digest(struct xe_device *xe, unsigned int vfid,
				  u64 seed, struct xe_vf_digest *d);
/* name of the first differing part, NULL if equal */
const char *xe_vf_digest_diff(const struct xe_vf_digest *a,
			      const struct xe_vf_digest *b,
			      unsigned int gt_count);

#endif /* XE_DEVICE_H */
