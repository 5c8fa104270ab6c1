/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cooperative fault sites.  BPF cannot write user memory on the target
 * kernels, so at every upstream error point the model fires
 * xe:fault_site(site, vfid, gt, type, offset) and then reads, and clears,
 * its verdict slot (gettid() % MS_FAULT_SLOTS) in a BPF_F_MMAPABLE array
 * named MS_FAULT_MAP_NAME that it created itself.  An injector finds the
 * map through /proc/PID/fdinfo, writes a negative errno from its USDT
 * program, and the model takes the upstream error path with that value.
 * Without CAP_BPF the map cannot be created and sites never fail.
 */
#ifndef XE_FAULT_H
#define XE_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "migscope_abi.h"

#define XE_FAULT_NO_GT	255

/* create and mmap the verdict map once per process tree; 0 or -errno */
int xe_fault_init(bool verbose);
void xe_fault_fini(void);
/* fd of the map, -1 if none */
int xe_fault_map_fd(void);
/* 0, or the negative errno to fail with */
int xe_fault_check(unsigned int site, unsigned int vfid, unsigned int gt,
		   unsigned int type, uint64_t offset);
/*
 * A delay site: sleep for a positive verdict (microseconds, capped at
 * MS_DELAY_MAX_US); an errno verdict is left in the slot for the next
 * error site of the thread.  Returns the microseconds slept.
 */
unsigned int xe_fault_delay(unsigned int site, unsigned int vfid,
			    unsigned int gt, unsigned int type,
			    uint64_t offset);
/* tests: write a verdict for the calling thread, as an injector would */
int xe_fault_arm_self(int err);
/* tests: write a verdict into every slot but the caller's (0 clears) */
int xe_fault_arm_others(int err);

#endif /* XE_FAULT_H */
