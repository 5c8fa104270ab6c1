/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT probes of the reference model, provider "xe".  This list is the
 * contract the tracing BPF code is written against; do not reorder args.
 *
 *   xe:packet_alloc(pkt)
 *   xe:packet_init(pkt, vfid, tile, gt, type, offset, size, ret)
 *	save side, after xe_sriov_packet_init()
 *   xe:packet_init_from_hdr(pkt, vfid, tile, gt, type, offset, size, ret)
 *	restore side, after xe_sriov_packet_init_from_hdr()
 *   xe:packet_free(pkt, type, size)
 *   xe:ring_produce(gt, vfid, pkt, type, occupancy_after, ret, dir)
 *	dir 0 = save (worker produces), 1 = restore (writer produces)
 *   xe:ring_consume(gt, vfid, pkt, type, occupancy_after, dir)
 *   xe:state_enter(gt, vfid, bit, bitmap_after)
 *   xe:state_exit(gt, vfid, bit, bitmap_after)
 *	only for bits that actually change
 *   xe:vram_copy_begin(gt, vfid, dir, offset, bytes)
 *   xe:vram_copy_end(gt, vfid, dir, offset, bytes, ret)
 *	dir 0 = to system memory (save), 1 = to VRAM (restore)
 *   xe:data_read_entry(vfid, len)
 *   xe:data_read_return(vfid, len, ret)
 *   xe:data_write_entry(vfid, len)
 *   xe:data_write_return(vfid, len, ret)
 *   xe:wait_interrupted(vfid, gt, dir)
 *	a signal ended an interruptible wait (-ERESTARTSYS): the save
 *	reader's (dir 0, gt 255: it waits on every GT) or the restore
 *	writer's at a full ring (dir 1)
 *   xe:descriptor(vfid, devid, revid, ret)	restore side
 *   xe:trailer(vfid, ret)			restore side
 *   xe:fault_site(site, vfid, gt, type, offset)
 *	site is enum ms_fault_site; gt is 255 for device-level sites
 *   xe:fault_injected(site, vfid, gt, type, offset, err)
 *	a verdict was taken at that site: the error path runs with err;
 *	at a delay site (MS_SITE_SAVE_STEP) err is the sleep in microseconds
 *
 * Pointers are passed as unsigned long, everything else as 64-bit
 * integers; ret is signed.  The argument constraint is forced to register
 * or immediate ("nr") because libbpf 1.1 cannot parse RIP-relative
 * operands.  No probe computes anything for its arguments beyond values
 * the code has in hand, so none needs a semaphore and none is used: a
 * probe costs one NOP when nothing is attached.  Should a probe ever need
 * expensive arguments, put it in its own .c file with _SDT_HAS_SEMAPHORES
 * (the define applies to a whole translation unit).
 */
#ifndef XE_USDT_H
#define XE_USDT_H

#ifndef XE_NO_USDT
#define STAP_SDT_ARG_CONSTRAINT nr
#define SDT_USE_VARIADIC
#include <sys/sdt.h>
/*
 * A probe site is one 5-byte NOP, not sdt.h's 1-byte one.  Kernels from
 * 6.18 on rewrite a traced 5-byte NOP into a call to a per-process uprobe
 * trampoline that enters the kernel by a system call, which costs about
 * half of the breakpoint trap every traced 1-byte NOP takes (docs/usdt.md
 * gives the figures).  Older kernels trap on either.  The call pushes
 * below the stack pointer, so every file including this one is built with
 * -mno-red-zone (XE_PROBE_CFLAGS in xe-model.mk).
 */
#if defined(__x86_64__)
#undef _SDT_NOP
#define _SDT_NOP	.nops 5
#endif
#define XE_USDT(name, ...)	STAP_PROBEV(xe, name, ##__VA_ARGS__)
#else
/* no probes (the kernel build): the arguments stay used, never evaluated */
static inline void xe_usdt_none(int unused, ...)
{
}
#define XE_USDT(name, ...) \
	do { if (0) xe_usdt_none(0, ##__VA_ARGS__); } while (0)
#endif

/* argument helpers: always integers the width of a register */
#define U(x)	((unsigned long)(x))
#define S(x)	((long)(x))

#endif /* XE_USDT_H */
