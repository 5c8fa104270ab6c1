/* SPDX-License-Identifier: GPL-2.0 */
/* xe_twin.ko: one model PF and its debugfs directory */
#ifndef XE_TWIN_H
#define XE_TWIN_H

struct dentry;
struct xe_device;

struct xe_twin;

/* what a VF's debugfs files point at */
struct xe_twin_vf {
	struct xe_twin *twin;
	unsigned int vfid;
	u64 expected_seed;	/* twin_digest: the pattern to compare with */
};

struct xe_twin {
	struct xe_device *xe;
	unsigned int index;
	struct xe_twin_vf *vfs;		/* [0] is the PF, unused */
};

void xe_twin_debugfs_register(struct xe_twin *twin, struct dentry *root);

#endif /* XE_TWIN_H */
