// SPDX-License-Identifier: GPL-2.0
/*
 * Interruptible sleeps in user space.  The kernel ends a
 * wait_event_interruptible with -ERESTARTSYS, and a contended
 * mutex_lock_interruptible with -EINTR, when a signal is pending for the
 * sleeping task; the syscall's return to user space delivers the signal
 * and turns -ERESTARTSYS into the -EINTR read()/write() report (no
 * SA_RESTART).  Here the pending signal is a per-thread flag that the
 * caller's signal handler sets (xe_signal_arrived) and the VFIO boundary
 * clears (xe_syscall_return).  A handler may not touch a condvar or a
 * mutex, so a sleeper looks at its flag every tick.  The kernel build
 * (tools/xe-twin) uses the real primitives instead of this file.
 */
#include <signal.h>
#include <time.h>

#include "xe_device.h"

#define XE_SIGNAL_TICK_NS	10000000L

static __thread volatile sig_atomic_t xe_sigpending;

void xe_signal_arrived(void)
{
	xe_sigpending = 1;
}

long xe_syscall_return(long ret)
{
	xe_sigpending = 0;
	return ret == -ERESTARTSYS ? -EINTR : ret;
}

static void xe_tick_deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_nsec += XE_SIGNAL_TICK_NS;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/*
 * One sleep of a wait_event_interruptible loop, until a wake-up (the
 * caller re-tests its condition) or a signal.  A tick is neither: the
 * condition is not re-tested then, so a wake-up the waker forgot stays
 * lost, as in the kernel (the lost_wakeup defect needs it to).
 */
int xe_cond_wait_interruptible(pthread_cond_t *c, pthread_mutex_t *m)
{
	struct timespec ts;

	while (!xe_sigpending) {
		xe_tick_deadline(&ts);
		if (pthread_cond_clockwait(c, m, CLOCK_MONOTONIC, &ts) !=
		    ETIMEDOUT)
			return 0;
	}
	return -ERESTARTSYS;
}

/* as the kernel's: an uncontended lock never looks at signals */
int xe_mutex_lock_interruptible(pthread_mutex_t *m)
{
	struct timespec ts;

	if (!pthread_mutex_trylock(m))
		return 0;
	for (;;) {
		if (xe_sigpending)
			return -EINTR;
		xe_tick_deadline(&ts);
		if (!pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &ts))
			return 0;
	}
}
