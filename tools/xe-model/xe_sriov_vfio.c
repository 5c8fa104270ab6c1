// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO-facing API: each call checks that xe is a PF (-EPERM) and that
 * vfid is 1..num_vfs (-EINVAL), then calls the PF control or migration
 * function (the PM guard has no model equivalent).
 */
#include "xe_fault.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_pf_migration.h"
#include "xe_sriov_vfio.h"
#include "xe_usdt.h"

static int pf_vfio_check(struct xe_device *xe, unsigned int vfid)
{
	if (!xe || !xe->is_pf)
		return -EPERM;
	if (!vfid || vfid > xe_sriov_pf_num_vfs(xe))
		return -EINVAL;
	return 0;
}

bool xe_sriov_vfio_migration_supported(struct xe_device *xe)
{
	if (!xe || !xe->is_pf)
		return false;
	return xe_sriov_pf_migration_supported(xe);
}

#define DEFINE_XE_SRIOV_VFIO_FUNCTION(_type, _name, _impl)		\
__xe_traced _type							\
xe_sriov_vfio_##_name(struct xe_device *xe, unsigned int vfid)		\
{									\
	int err = pf_vfio_check(xe, vfid);				\
									\
	if (err)							\
		return err;						\
	return _impl(xe, vfid);						\
}

DEFINE_XE_SRIOV_VFIO_FUNCTION(int, wait_flr_done, xe_sriov_pf_control_wait_flr)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, flr_prepare, xe_sriov_pf_control_prepare_flr)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, suspend_device, xe_sriov_pf_control_pause_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, resume_device, xe_sriov_pf_control_resume_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, stop_copy_enter,
			      xe_sriov_pf_control_trigger_save_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, stop_copy_exit,
			      xe_sriov_pf_control_finish_save_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, resume_data_enter,
			      xe_sriov_pf_control_trigger_restore_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, resume_data_exit,
			      xe_sriov_pf_control_finish_restore_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(int, error, xe_sriov_pf_control_stop_vf)
DEFINE_XE_SRIOV_VFIO_FUNCTION(ssize_t, stop_copy_size,
			      xe_sriov_pf_migration_size)

__xe_traced ssize_t xe_sriov_vfio_data_read(struct xe_device *xe, unsigned int vfid,
				char *buf, size_t len)
{
	ssize_t ret;

	XE_USDT(data_read_entry, U(vfid), U(len));
	ret = pf_vfio_check(xe, vfid);
	if (!ret)
		ret = xe_fault_check(MS_SITE_DATA_READ, vfid, XE_FAULT_NO_GT,
				     0, 0);
	if (!ret)
		ret = xe_sriov_pf_migration_read(xe, vfid, buf, len);
	ret = xe_syscall_return(ret);
	XE_USDT(data_read_return, U(vfid), U(len), S(ret));
	return ret;
}

__xe_traced ssize_t xe_sriov_vfio_data_write(struct xe_device *xe, unsigned int vfid,
				 const char *buf, size_t len)
{
	ssize_t ret;

	XE_USDT(data_write_entry, U(vfid), U(len));
	ret = pf_vfio_check(xe, vfid);
	if (!ret)
		ret = xe_fault_check(MS_SITE_DATA_WRITE, vfid, XE_FAULT_NO_GT,
				     0, 0);
	if (!ret)
		ret = xe_sriov_pf_migration_write(xe, vfid, buf, len);
	ret = xe_syscall_return(ret);
	XE_USDT(data_write_return, U(vfid), U(len), S(ret));
	return ret;
}
