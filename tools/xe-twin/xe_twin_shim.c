// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of the model's shim (xe_twin_compat.h): the condition
 * variable on a wait queue, vmalloc'd buffers, the work item on a kernel
 * workqueue, the log, and fault sites that never fire (the twin is failed
 * from outside, at the file boundary, as upstream xe is).
 */
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "xe_device.h"
#include "xe_fault.h"

int xe_twin_errno;

/*
 * The waiter is on the queue before it drops the mutex, and wakers hold
 * the mutex: a wake-up between the caller's check and the sleep is not
 * lost.  TASK_IDLE: an uninterruptible sleep that is not counted as load
 * nor reported as hung, as the model's waits have no signal path.
 */
void xe_twin_cond_wait(struct xe_twin_cond *c, struct mutex *m)
{
	DEFINE_WAIT(wait);

	prepare_to_wait(&c->wq, &wait, TASK_IDLE);
	mutex_unlock(m);
	schedule();
	finish_wait(&c->wq, &wait);
	mutex_lock(m);
}

int xe_twin_cond_wait_interruptible(struct xe_twin_cond *c, struct mutex *m)
{
	DEFINE_WAIT(wait);

	prepare_to_wait(&c->wq, &wait, TASK_INTERRUPTIBLE);
	if (signal_pending(current)) {
		finish_wait(&c->wq, &wait);
		return -ERESTARTSYS;
	}
	mutex_unlock(m);
	schedule();
	finish_wait(&c->wq, &wait);
	mutex_lock(m);
	return signal_pending(current) ? -ERESTARTSYS : 0;
}

int xe_twin_cond_timedwait(struct xe_twin_cond *c, struct mutex *m,
			   const struct timespec64 *ts)
{
	DEFINE_WAIT(wait);
	struct timespec64 now;
	s64 left_ns;

	ktime_get_ts64(&now);
	left_ns = timespec64_to_ns(ts) - timespec64_to_ns(&now);
	if (left_ns <= 0)
		return ETIMEDOUT;
	prepare_to_wait(&c->wq, &wait, TASK_IDLE);
	mutex_unlock(m);
	schedule_timeout(nsecs_to_jiffies(left_ns) + 1);
	finish_wait(&c->wq, &wait);
	mutex_lock(m);
	return 0;
}

/* VRAM and large buffers; a corrupt size fails quietly with -ENOMEM */
void *xe_twin_vzalloc(size_t size)
{
	void *p = __vmalloc(size, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);

	return p ? p : MAP_FAILED;
}

void xe_vlog(struct xe_device *xe, const char *fmt, va_list ap)
{
	struct va_format vaf = { .fmt = fmt };
	va_list aq;

	va_copy(aq, ap);
	vaf.va = &aq;
	pr_notice("xe_twin %s: %pV\n", xe->platform->name, &vaf);
	va_end(aq);
}

/* --- the GT's control worker: a work item on an unbound workqueue ------- */

int xe_worker_init(struct work_struct *work,
		   void (*func)(struct work_struct *work))
{
	INIT_WORK(work, func);
	return 0;
}

void xe_worker_queue(struct work_struct *work)
{
	queue_work(system_unbound_wq, work);
}

void xe_worker_fini(struct work_struct *work)
{
	cancel_work_sync(work);
}

/* --- fault sites: inert in the kernel ------------------------------------ */

int xe_fault_check(unsigned int site, unsigned int vfid, unsigned int gt,
		   unsigned int type, uint64_t offset)
{
	return 0;
}

unsigned int xe_fault_delay(unsigned int site, unsigned int vfid,
			    unsigned int gt, unsigned int type,
			    uint64_t offset)
{
	return 0;
}
