// SPDX-License-Identifier: GPL-2.0
/* A VF of the user-space model: a device of its own in this process. */
#include <errno.h>

#include "migsim.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_sriov_vfio.h"

static struct xe_device *model_xe(struct mig_vf *v)
{
	return v->priv;
}

static int model_open(struct mig_vf *v, const struct opts *o,
		      enum mig_role role, u64 seed)
{
	struct xe_device_config cfg = o->cfg;
	struct xe_device *xe;

	(void)role;
	cfg.seed = seed;
	cfg.fill_vf = o->vf;
	xe = xe_device_create(&cfg);
	if (!xe)
		return -errno;
	v->priv = xe;
	v->vf = o->vf;
	v->gt_count = xe->info.gt_count;
	return 0;
}

static void model_close(struct mig_vf *v)
{
	xe_device_destroy(model_xe(v));
	v->priv = NULL;
}

static int model_step(struct mig_vf *v, enum mig_step step)
{
	struct xe_device *xe = model_xe(v);

	switch (step) {
	case MIG_SUSPEND:
		return xe_sriov_vfio_suspend_device(xe, v->vf);
	case MIG_RESUME:
		return xe_sriov_vfio_resume_device(xe, v->vf);
	case MIG_SAVE_ENTER:
		return xe_sriov_vfio_stop_copy_enter(xe, v->vf);
	case MIG_SAVE_EXIT:
		return xe_sriov_vfio_stop_copy_exit(xe, v->vf);
	case MIG_RESTORE_ENTER:
		return xe_sriov_vfio_resume_data_enter(xe, v->vf);
	case MIG_RESTORE_EXIT:
		return xe_sriov_vfio_resume_data_exit(xe, v->vf);
	}
	return -EINVAL;
}

/*
 * VFIO_DEVICE_RESET as xe-vfio-pci runs it on 7.1+: reset_prepare tells
 * the PF first (xe_sriov_vfio_flr_prepare; refused where, as on 6.19, it
 * does not exist), the FLR on the bus makes GuC notify the PF, and
 * reset_done waits for the PF to finish the FLR.
 */
static void model_flr(struct mig_vf *v, int *prepare, int *wait)
{
	struct xe_device *xe = model_xe(v);

	*prepare = xe_sriov_vfio_flr_prepare(xe, v->vf);
	xe_gt_sriov_pf_control_handle_vf_flr(&xe->gts[0], v->vf);
	*wait = xe_sriov_vfio_wait_flr_done(xe, v->vf);
}

static ssize_t model_size(struct mig_vf *v)
{
	return xe_sriov_vfio_stop_copy_size(model_xe(v), v->vf);
}

static ssize_t model_read(struct mig_vf *v, char *buf, size_t len)
{
	return xe_sriov_vfio_data_read(model_xe(v), v->vf, buf, len);
}

static ssize_t model_write(struct mig_vf *v, const char *buf, size_t len)
{
	return xe_sriov_vfio_data_write(model_xe(v), v->vf, buf, len);
}

static int model_digest(struct mig_vf *v, u64 seed, struct xe_vf_digest *d)
{
	if (seed)
		xe_device_vf_expected_digest(model_xe(v), v->vf, seed, d);
	else
		xe_device_vf_digest(model_xe(v), v->vf, d);
	return 0;
}

static void model_vram_stats(struct mig_vf *v, u64 *ns, u64 *bytes)
{
	*ns = model_xe(v)->stats.vram_copy_ns;
	*bytes = model_xe(v)->stats.vram_copy_bytes;
}

static void model_states(struct mig_vf *v, struct side *s)
{
	struct xe_device *xe = model_xe(v);
	unsigned int id;

	for (id = 0; id < v->gt_count; id++)
		xe_gt_sriov_pf_control_state_str(
			xe_gt_sriov_pf_control_state(&xe->gts[id], v->vf),
			s->states[id], sizeof(s->states[id]));
}

const struct mig_vf_ops mig_vf_model = {
	.open = model_open,
	.close = model_close,
	.step = model_step,
	.flr = model_flr,
	.size = model_size,
	.data_read = model_read,
	.data_write = model_write,
	.digest = model_digest,
	.vram_stats = model_vram_stats,
	.states = model_states,
};
