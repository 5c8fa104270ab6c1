/* SPDX-License-Identifier: GPL-2.0 */
/* A model device for tests, with the model's messages off. */
#ifndef MODEL_DEV_H
#define MODEL_DEV_H

#include <stdio.h>
#include <stdlib.h>

#include "xe_device.h"

static inline struct xe_device *mkdev(const char *plat, u64 vram, u64 chunk,
			       u64 guc, u64 ggtt, u64 seed)
{
	struct xe_device_config cfg;
	struct xe_device *xe;

	xe_device_config_defaults(&cfg);
	cfg.platform = plat;
	cfg.vram_size = vram;
	cfg.vram_chunk = chunk;
	cfg.guc_size = guc;
	cfg.ggtt_size = ggtt;
	cfg.seed = seed;
	cfg.quiet = true;
	cfg.restore_timeout_ms = 200;
	xe = xe_device_create(&cfg);
	if (!xe) {
		printf("not ok - device: cannot create %s device\n", plat);
		exit(1);
	}
	return xe;
}

#endif /* MODEL_DEV_H */
