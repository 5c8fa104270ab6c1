// SPDX-License-Identifier: GPL-2.0
/*
 * The VRAM chunk copy.  VRAM is host memory in the model, so a "blit" is a
 * single memcpy between the VF's LMEM and the packet's sysmem BO: no
 * bounce buffer, which keeps the save path at memcpy speed.  Upstream's
 * range checks are debug-build asserts; here they are real checks because
 * an overflow would corrupt the model, not a GPU.
 */
#include <string.h>

#include "xe_migrate.h"

static bool range_ok(const struct xe_bo *bo, u64 offset, u64 size)
{
	return offset <= bo->size && size <= bo->size - offset;
}

__xe_traced int xe_migrate_vram_copy_chunk(struct xe_bo *vram_bo, u64 vram_offset,
			       struct xe_bo *sysmem_bo, u64 sysmem_offset,
			       u64 size, enum xe_migrate_copy_dir dir)
{
	u8 *vram, *sram;

	if (!vram_bo || !sysmem_bo || !vram_bo->vram || sysmem_bo->vram)
		return -EINVAL;
	if (!range_ok(vram_bo, vram_offset, size) ||
	    !range_ok(sysmem_bo, sysmem_offset, size))
		return -EINVAL;
	vram = (u8 *)vram_bo->vaddr + vram_offset;
	sram = (u8 *)sysmem_bo->vaddr + sysmem_offset;
	if (dir == XE_MIGRATE_COPY_TO_SRAM)
		memcpy(sram, vram, size);
	else
		memcpy(vram, sram, size);
	return 0;
}
