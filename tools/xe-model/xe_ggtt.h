/* SPDX-License-Identifier: GPL-2.0 */
/* GGTT node save/load: upstream xe_ggtt.c (CONFIG_PCI_IOV part). */
#ifndef XE_GGTT_H
#define XE_GGTT_H

#include "xe_device.h"

/* GGTT_PTE_VFID: bits 11:2 of a GGTT PTE */
#define GGTT_PTE_VFID_SHIFT	2
#define GGTT_PTE_VFID		(0x3ffULL << GGTT_PTE_VFID_SHIFT)
#define GGTT_PTE_PRESENT	1ULL

struct xe_ggtt_node *xe_ggtt_node_alloc(u64 size);
void xe_ggtt_node_free(struct xe_ggtt_node *node);
size_t xe_ggtt_node_pt_size(const struct xe_ggtt_node *node);
int xe_ggtt_node_save(struct xe_ggtt_node *node, void *dst, size_t size,
		      u16 vfid);
int xe_ggtt_node_load(struct xe_ggtt_node *node, const void *src, size_t size,
		      u16 vfid);

#endif /* XE_GGTT_H */
