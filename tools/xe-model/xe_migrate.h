/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XE_MIGRATE_H
#define XE_MIGRATE_H

#include "xe_device.h"

enum xe_migrate_copy_dir {
	XE_MIGRATE_COPY_TO_VRAM,
	XE_MIGRATE_COPY_TO_SRAM,
};

/*
 * Upstream returns the fence of the last pass; the model copies
 * synchronously and returns 0 or -errno (what waiting that fence gives).
 */
int xe_migrate_vram_copy_chunk(struct xe_bo *vram_bo, u64 vram_offset,
			       struct xe_bo *sysmem_bo, u64 sysmem_offset,
			       u64 size, enum xe_migrate_copy_dir dir);

#endif /* XE_MIGRATE_H */
