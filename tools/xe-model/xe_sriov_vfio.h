/* SPDX-License-Identifier: GPL-2.0 */
/* The PF API exported to xe-vfio-pci: include/drm/intel/xe_sriov_vfio.h. */
#ifndef XE_SRIOV_VFIO_H
#define XE_SRIOV_VFIO_H

#include "xe_device.h"

bool xe_sriov_vfio_migration_supported(struct xe_device *xe);
int xe_sriov_vfio_wait_flr_done(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_flr_prepare(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_suspend_device(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_resume_device(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_stop_copy_enter(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_stop_copy_exit(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_resume_data_enter(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_resume_data_exit(struct xe_device *xe, unsigned int vfid);
int xe_sriov_vfio_error(struct xe_device *xe, unsigned int vfid);
ssize_t xe_sriov_vfio_stop_copy_size(struct xe_device *xe, unsigned int vfid);
ssize_t xe_sriov_vfio_data_read(struct xe_device *xe, unsigned int vfid,
				char *buf, size_t len);
ssize_t xe_sriov_vfio_data_write(struct xe_device *xe, unsigned int vfid,
				 const char *buf, size_t len);

#endif /* XE_SRIOV_VFIO_H */
