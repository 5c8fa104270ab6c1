// SPDX-License-Identifier: GPL-2.0
/*
 * The VF's GGTT node: one 8-byte PTE per 4 KiB page.  Save checks that
 * every PTE belongs to the VF (-EPERM otherwise) and stores it with the
 * VFID field zeroed; load writes the stream's PTEs with the VFID field
 * forced to the target VF and everything else as given (docs/upstream-xe.md
 * §10.6).
 */
#include <stdlib.h>
#include <string.h>

#include "xe_fault.h"
#include "xe_ggtt.h"

struct xe_ggtt_node *xe_ggtt_node_alloc(u64 size)
{
	struct xe_ggtt_node *node = calloc(1, sizeof(*node));

	if (!node)
		return NULL;
	node->size = size;
	node->ptes = calloc(size / XE_PAGE_SIZE ? size / XE_PAGE_SIZE : 1,
			    sizeof(u64));
	if (!node->ptes) {
		free(node);
		return NULL;
	}
	return node;
}

void xe_ggtt_node_free(struct xe_ggtt_node *node)
{
	if (!node)
		return;
	free(node->ptes);
	free(node);
}

size_t xe_ggtt_node_pt_size(const struct xe_ggtt_node *node)
{
	return node->size / XE_PAGE_SIZE * sizeof(u64);
}

int xe_ggtt_node_save(struct xe_ggtt_node *node, void *dst, size_t size,
		      u16 vfid)
{
	u64 *out = dst;
	size_t i, n;
	int err;

	if (!node)
		return -ENOENT;
	if (size != xe_ggtt_node_pt_size(node))
		return -EINVAL;
	err = xe_fault_check(MS_SITE_GGTT_SAVE, vfid, 0,
			     XE_SRIOV_PACKET_TYPE_GGTT, 0);
	if (err)
		return err;
	n = size / sizeof(u64);
	for (i = 0; i < n; i++) {
		u64 pte = node->ptes[i];

		if (((pte & GGTT_PTE_VFID) >> GGTT_PTE_VFID_SHIFT) != vfid)
			return -EPERM;
		out[i] = pte & ~GGTT_PTE_VFID;
	}
	return 0;
}

int xe_ggtt_node_load(struct xe_ggtt_node *node, const void *src, size_t size,
		      u16 vfid)
{
	const u64 *in = src;
	size_t i, n;
	int err;

	if (!node)
		return -ENOENT;
	if (size != xe_ggtt_node_pt_size(node))
		return -EINVAL;
	err = xe_fault_check(MS_SITE_GGTT_LOAD, vfid, 0,
			     XE_SRIOV_PACKET_TYPE_GGTT, 0);
	if (err)
		return err;
	n = size / sizeof(u64);
	for (i = 0; i < n; i++)
		node->ptes[i] = (in[i] & ~GGTT_PTE_VFID) |
				((u64)vfid << GGTT_PTE_VFID_SHIFT);
	/* xe_ggtt_invalidate(): nothing is cached in the model */
	return 0;
}
