// SPDX-License-Identifier: GPL-2.0
/*
 * The twin's debugfs, shaped like upstream's PF debugfs
 * (xe_sriov_pf_debugfs.c): xe_twin/<n>/sriov/vf<N>/ holds
 *
 *   pause resume stop reset    write a true bool to act
 *   save restore               write a true bool: enter; read: finish
 *                              (an empty read, or -errno)
 *   migration_data             read: the save stream; write: the restore
 *                              stream; a non-zero file position: -ESPIPE
 *   migration_size             "%zd\n" of the size estimate
 *
 * Everything goes through the exported xe_sriov_vfio_* API, the path
 * xe-vfio-pci takes, so that both layers run.  Files only the twin has,
 * to set up and check a migration without a guest, are named twin_*:
 *
 *   vf<N>/twin_fill     write a seed: fill the VF's VRAM, GGTT, MMIO and
 *                       GuC state with the model's pattern of that seed
 *   vf<N>/twin_digest   write a seed; read two lines, the VF's digest and
 *                       the digest the pattern of that seed would give
 *   vf<N>/twin_state    per GT: the control state bitmap and its names
 *   twin_stats          the device's VRAM copy time and bytes
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "xe_device.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_vfio.h"
#include "xe_twin.h"

EXPORT_SYMBOL_GPL(xe_sriov_vfio_migration_supported);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_wait_flr_done);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_flr_prepare);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_suspend_device);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_resume_device);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_stop_copy_enter);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_stop_copy_exit);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_resume_data_enter);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_resume_data_exit);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_error);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_stop_copy_size);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_data_read);
EXPORT_SYMBOL_GPL(xe_sriov_vfio_data_write);

static struct xe_twin_vf *file_vf(struct file *f)
{
	return f->private_data;
}

/* --- write a bool to act -------------------------------------------------- */

static ssize_t vf_bool_write(struct file *f, const char __user *ubuf,
			     size_t count,
			     int (*action)(struct xe_device *, unsigned int))
{
	struct xe_twin_vf *vf = file_vf(f);
	bool yes;
	int err;

	err = kstrtobool_from_user(ubuf, count, &yes);
	if (err)
		return err;
	if (yes) {
		err = action(vf->twin->xe, vf->vfid);
		if (err)
			return err;
	}
	return count;
}

#define XE_TWIN_BOOL_FILE(name, action)					\
static ssize_t name##_write(struct file *f, const char __user *ubuf,	\
			    size_t count, loff_t *ppos)			\
{									\
	return vf_bool_write(f, ubuf, count, action);			\
}									\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = simple_open,						\
	.write = name##_write,						\
	.llseek = default_llseek,					\
}

XE_TWIN_BOOL_FILE(pause, xe_sriov_vfio_suspend_device);
XE_TWIN_BOOL_FILE(resume, xe_sriov_vfio_resume_device);
XE_TWIN_BOOL_FILE(stop, xe_sriov_vfio_error);
XE_TWIN_BOOL_FILE(reset, xe_sriov_pf_control_reset_vf);

/* save and restore: write enters, read finishes */
#define XE_TWIN_ENTER_FINISH_FILE(name, enter, finish)			\
static ssize_t name##_write(struct file *f, const char __user *ubuf,	\
			    size_t count, loff_t *ppos)			\
{									\
	return vf_bool_write(f, ubuf, count, enter);			\
}									\
static ssize_t name##_read(struct file *f, char __user *ubuf,		\
			   size_t count, loff_t *ppos)			\
{									\
	struct xe_twin_vf *vf = file_vf(f);				\
									\
	return finish(vf->twin->xe, vf->vfid);				\
}									\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = simple_open,						\
	.read = name##_read,						\
	.write = name##_write,						\
	.llseek = default_llseek,					\
}

XE_TWIN_ENTER_FINISH_FILE(save, xe_sriov_vfio_stop_copy_enter,
			  xe_sriov_vfio_stop_copy_exit);
XE_TWIN_ENTER_FINISH_FILE(restore, xe_sriov_vfio_resume_data_enter,
			  xe_sriov_vfio_resume_data_exit);

/* --- the stream ----------------------------------------------------------- */

static ssize_t data_read(struct file *f, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct xe_twin_vf *vf = file_vf(f);

	if (*ppos)
		return -ESPIPE;
	return xe_sriov_vfio_data_read(vf->twin->xe, vf->vfid,
				       (char __force *)ubuf, count);
}

static ssize_t data_write(struct file *f, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct xe_twin_vf *vf = file_vf(f);

	if (*ppos)
		return -ESPIPE;
	return xe_sriov_vfio_data_write(vf->twin->xe, vf->vfid,
					(const char __force *)ubuf, count);
}

static const struct file_operations data_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = data_read,
	.write = data_write,
	.llseek = noop_llseek,
};

/* --- text files ----------------------------------------------------------- */

#define XE_TWIN_RO_FILE(name)						\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = simple_open,						\
	.read = name##_read,						\
	.llseek = default_llseek,					\
}

/* a short text, formatted now, read from *ppos */
static __printf(4, 5) ssize_t read_text(char __user *ubuf, size_t count,
					loff_t *ppos, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t size_read(struct file *f, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct xe_twin_vf *vf = file_vf(f);

	return read_text(ubuf, count, ppos, "%zd\n",
			 xe_sriov_vfio_stop_copy_size(vf->twin->xe, vf->vfid));
}
XE_TWIN_RO_FILE(size);

static ssize_t fill_write(struct file *f, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct xe_twin_vf *vf = file_vf(f);
	u64 seed;
	int err;

	err = kstrtou64_from_user(ubuf, count, 0, &seed);
	if (err)
		return err;
	xe_device_fill_vf(vf->twin->xe, vf->vfid, seed);
	return count;
}

static const struct file_operations fill_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fill_write,
	.llseek = default_llseek,
};

static int digest_line(char *buf, size_t len, const char *what,
		       const struct xe_vf_digest *d)
{
	return scnprintf(buf, len,
			 "%s vram=%016llx ggtt=%016llx ggtt_vfid_ok=%d mmio0=%016llx mmio1=%016llx guc0=%016llx guc1=%016llx\n",
			 what, d->vram, d->ggtt, d->ggtt_vfid_ok, d->mmio[0],
			 d->mmio[1], d->guc[0], d->guc[1]);
}

static ssize_t digest_read(struct file *f, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	struct xe_twin_vf *vf = file_vf(f);
	struct xe_vf_digest now, expected;
	char buf[512];
	int len;

	xe_device_vf_digest(vf->twin->xe, vf->vfid, &now);
	xe_device_vf_expected_digest(vf->twin->xe, vf->vfid,
				     vf->expected_seed, &expected);
	len = digest_line(buf, sizeof(buf), "now", &now);
	len += digest_line(buf + len, sizeof(buf) - len, "expected",
			   &expected);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t digest_write(struct file *f, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	int err = kstrtou64_from_user(ubuf, count, 0,
				      &file_vf(f)->expected_seed);

	return err ? err : count;
}

static const struct file_operations digest_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = digest_read,
	.write = digest_write,
	.llseek = default_llseek,
};

static ssize_t state_read(struct file *f, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct xe_twin_vf *vf = file_vf(f);
	struct xe_device *xe = vf->twin->xe;
	char names[320], buf[2 * 360];
	struct xe_gt *gt;
	unsigned int id;
	int len = 0;
	u64 state;

	for_each_gt(gt, xe, id) {
		state = xe_gt_sriov_pf_control_state(gt, vf->vfid);
		xe_gt_sriov_pf_control_state_str(state, names, sizeof(names));
		len += scnprintf(buf + len, sizeof(buf) - len,
				 "gt%u 0x%llx %s\n", id, state, names);
	}
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

XE_TWIN_RO_FILE(state);

static ssize_t stats_read(struct file *f, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct xe_twin *twin = f->private_data;

	return read_text(ubuf, count, ppos,
			 "vram_copy_ns %llu\nvram_copy_bytes %llu\nvram_copies %llu\n",
			 twin->xe->stats.vram_copy_ns,
			 twin->xe->stats.vram_copy_bytes,
			 twin->xe->stats.vram_copies);
}
XE_TWIN_RO_FILE(stats);

/* --- the tree ------------------------------------------------------------- */

static void xe_twin_debugfs_vf(struct xe_twin_vf *vf, struct dentry *sriov)
{
	struct dentry *d;
	char name[16];

	snprintf(name, sizeof(name), "vf%u", vf->vfid);
	d = debugfs_create_dir(name, sriov);
	debugfs_create_file("pause", 0200, d, vf, &pause_fops);
	debugfs_create_file("resume", 0200, d, vf, &resume_fops);
	debugfs_create_file("stop", 0200, d, vf, &stop_fops);
	debugfs_create_file("reset", 0200, d, vf, &reset_fops);
	debugfs_create_file("save", 0600, d, vf, &save_fops);
	debugfs_create_file("restore", 0600, d, vf, &restore_fops);
	debugfs_create_file("migration_data", 0600, d, vf, &data_fops);
	debugfs_create_file("migration_size", 0400, d, vf, &size_fops);
	debugfs_create_file("twin_fill", 0200, d, vf, &fill_fops);
	debugfs_create_file("twin_digest", 0600, d, vf, &digest_fops);
	debugfs_create_file("twin_state", 0400, d, vf, &state_fops);
}

void xe_twin_debugfs_register(struct xe_twin *twin, struct dentry *root)
{
	unsigned int n = xe_sriov_pf_num_vfs(twin->xe), vfid;
	struct dentry *dev, *sriov;
	char name[16];

	snprintf(name, sizeof(name), "%u", twin->index);
	dev = debugfs_create_dir(name, root);
	debugfs_create_file("twin_stats", 0400, dev, twin, &stats_fops);
	sriov = debugfs_create_dir("sriov", dev);
	for (vfid = 1; vfid <= n; vfid++) {
		twin->vfs[vfid].twin = twin;
		twin->vfs[vfid].vfid = vfid;
		xe_twin_debugfs_vf(&twin->vfs[vfid], sriov);
	}
}
