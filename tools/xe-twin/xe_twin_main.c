// SPDX-License-Identifier: GPL-2.0
/*
 * xe_twin.ko: the reference model's PF migration data path built as a
 * kernel module, so that the kernel programs of `migscope trace --target
 * kernel` run against upstream-named functions and types in a real kernel.
 *
 * The module creates `devices` model PFs (a source and a destination, as
 * two hosts would have) and gives each VF the debugfs files of upstream's
 * PF debugfs (xe_twin_debugfs.c).  It must never be loaded beside xe.ko:
 * both define struct xe_gt and friends, and CO-RE would find two targets.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "xe_device.h"
#include "xe_twin.h"

static char *platform = "bmg";
module_param(platform, charp, 0444);
MODULE_PARM_DESC(platform, "bmg (VRAM) or ptl (no VRAM)");
static unsigned int devices = 2;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "model PFs to create (1..4)");
static unsigned int num_vfs = 2;
module_param(num_vfs, uint, 0444);
static unsigned long vram_size = 64UL << 20;
module_param(vram_size, ulong, 0444);
MODULE_PARM_DESC(vram_size, "LMEM per VF, bytes");
static unsigned long vram_chunk;
module_param(vram_chunk, ulong, 0444);
MODULE_PARM_DESC(vram_chunk, "VRAM packet size, bytes (0: upstream's)");
static unsigned long ggtt_size = 64UL << 20;
module_param(ggtt_size, ulong, 0444);
static unsigned long guc_size;
module_param(guc_size, ulong, 0444);
MODULE_PARM_DESC(guc_size, "GuC state per (GT, VF), bytes (0: upstream's)");

#define XE_TWIN_MAX_DEVICES	4

static struct xe_twin twins[XE_TWIN_MAX_DEVICES];
static struct dentry *twin_root;

static int xe_twin_config(struct xe_device_config *cfg)
{
	xe_device_config_defaults(cfg);
	cfg->platform = platform;
	cfg->num_vfs = num_vfs;
	cfg->vram_size = vram_size;
	if (vram_chunk)
		cfg->vram_chunk = vram_chunk;
	cfg->ggtt_size = ggtt_size;
	if (guc_size)
		cfg->guc_size = guc_size;
	/* VF content is filled on request (twin_fill), not at creation */
	cfg->seed = 0;
	if (!devices || devices > XE_TWIN_MAX_DEVICES)
		return -EINVAL;
	return 0;
}

static void xe_twin_cleanup(void)
{
	unsigned int i;

	debugfs_remove_recursive(twin_root);
	for (i = 0; i < XE_TWIN_MAX_DEVICES; i++) {
		xe_device_destroy(twins[i].xe);
		twins[i].xe = NULL;
		kfree(twins[i].vfs);
		twins[i].vfs = NULL;
	}
}

/* PF i of the twin, with its debugfs; 0 or -errno */
static int xe_twin_create(unsigned int i, const struct xe_device_config *cfg)
{
	twins[i].index = i;
	twins[i].vfs = kcalloc(num_vfs + 1, sizeof(*twins[i].vfs), GFP_KERNEL);
	if (!twins[i].vfs)
		return -ENOMEM;
	twins[i].xe = xe_device_create(cfg);
	if (!twins[i].xe)
		return xe_twin_errno ? -xe_twin_errno : -ENOMEM;
	xe_twin_debugfs_register(&twins[i], twin_root);
	return 0;
}

static int __init xe_twin_init(void)
{
	struct xe_device_config cfg;
	unsigned int i;
	int err;

	err = xe_twin_config(&cfg);
	if (err)
		return err;
	twin_root = debugfs_create_dir("xe_twin", NULL);
	for (i = 0; i < devices; i++) {
		err = xe_twin_create(i, &cfg);
		if (err) {
			pr_err("xe_twin: PF %u: %d (bad parameters, or no memory)\n",
			       i, err);
			xe_twin_cleanup();
			return err;
		}
	}
	pr_info("xe_twin: %u %s PFs with %u VFs each, debugfs xe_twin/\n",
		devices, platform, num_vfs);
	return 0;
}

static void __exit xe_twin_exit(void)
{
	xe_twin_cleanup();
}

module_init(xe_twin_init);
module_exit(xe_twin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("migscope's xe SR-IOV PF migration reference model in the kernel");
