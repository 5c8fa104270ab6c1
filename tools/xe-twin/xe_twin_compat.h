/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel build of the reference model (xe_twin.ko): the few libc and
 * pthread names the model's sources use, mapped onto kernel primitives, so
 * that the same sources build as the user-space library and as a module.
 *
 *   pthread mutex        -> struct mutex
 *   pthread condvar      -> a wait queue; waiters sleep with the mutex
 *                           dropped, wakers hold it (no lost wake-up)
 *   calloc/free          -> kvcalloc/kvfree
 *   mmap/munmap (VRAM, large buffers) -> vmalloc/vfree
 *   clock_gettime        -> ktime_get_ts64
 *
 * The model's own kernel-like primitives (wake_up_all on its wait queue,
 * its completion) keep the model's implementation on top of these; their
 * names are moved aside so they do not collide with the kernel's.  The
 * work item, the user copies and the log are the kernel's own
 * (xe_twin_shim.c).  Included first by every file of the model, through
 * xe_device.h or one of the libc-named headers in libc/.
 */
#ifndef XE_TWIN_COMPAT_H
#define XE_TWIN_COMPAT_H

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* errno: only ever assigned by the model (xe_device_create) */
extern int xe_twin_errno;
#define errno xe_twin_errno

/* --- mutex --------------------------------------------------------------- */
typedef struct mutex pthread_mutex_t;
#define pthread_mutex_init(m, attr)	({ mutex_init(m); 0; })
#define pthread_mutex_lock(m)		mutex_lock(m)
#define pthread_mutex_unlock(m)		mutex_unlock(m)
#define pthread_mutex_destroy(m)	mutex_destroy(m)

/* --- condition variable -------------------------------------------------- */
struct xe_twin_cond {
	wait_queue_head_t wq;
};
typedef struct xe_twin_cond pthread_cond_t;
typedef int pthread_condattr_t;
#define pthread_condattr_init(a)	(*(a) = 0)
#define pthread_condattr_setclock(a, c)	((void)(a))
#define pthread_condattr_destroy(a)	((void)(a))
#define pthread_cond_init(c, attr)	({ init_waitqueue_head(&(c)->wq); 0; })
#define pthread_cond_destroy(c)		((void)(c))
#define pthread_cond_signal(c)		__wake_up(&(c)->wq, TASK_NORMAL, 1, NULL)
#define pthread_cond_broadcast(c)	__wake_up(&(c)->wq, TASK_NORMAL, 0, NULL)
void xe_twin_cond_wait(struct xe_twin_cond *c, struct mutex *m);
/* 0, or ETIMEDOUT once the absolute CLOCK_MONOTONIC time ts has passed */
int xe_twin_cond_timedwait(struct xe_twin_cond *c, struct mutex *m,
			   const struct timespec64 *ts);
#define pthread_cond_wait(c, m)		xe_twin_cond_wait(c, m)
/* wait_event_interruptible's sleep: 0, or -ERESTARTSYS on a signal */
int xe_twin_cond_wait_interruptible(struct xe_twin_cond *c, struct mutex *m);
#define xe_cond_wait_interruptible(c, m) xe_twin_cond_wait_interruptible(c, m)
#define xe_mutex_lock_interruptible(m)	mutex_lock_interruptible(m)
/* the syscall's return delivers the signal and restarts or fails it */
#define xe_syscall_return(ret)		(ret)
#define pthread_cond_timedwait(c, m, ts) xe_twin_cond_timedwait(c, m, ts)

/* --- time ----------------------------------------------------------------- */
#define timespec			timespec64
#define CLOCK_MONOTONIC			1
#define clock_gettime(clk, ts)		({ ktime_get_ts64(ts); 0; })

/* --- memory --------------------------------------------------------------- */
#define calloc(n, size)			kvcalloc(n, size, GFP_KERNEL)
#define free(p)				kvfree(p)
#define PROT_READ			1
#define PROT_WRITE			2
#define MAP_PRIVATE			0
#define MAP_ANONYMOUS			0
#define MAP_NORESERVE			0
#define MAP_POPULATE			0
#define MAP_FAILED			((void *)-1)
void *xe_twin_vzalloc(size_t size);
#define mmap(addr, len, prot, flags, fd, off)	xe_twin_vzalloc(len)
#define munmap(p, len)			({ vfree(p); 0; })

/* --- the model's own primitives, out of the kernel's way ------------------ */
#undef wake_up_all
#define wake_up_all			xe_wake_up_all
#define init_completion			xe_init_completion
#define reinit_completion		xe_reinit_completion
#define complete_all			xe_complete_all
#define wait_for_completion_timeout	xe_wait_for_completion_timeout

/* the log: xe_notice and xe_dbg end here */
struct xe_device;
void xe_vlog(struct xe_device *xe, const char *fmt, va_list ap);

#endif /* XE_TWIN_COMPAT_H */
