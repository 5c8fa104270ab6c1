// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the restore stream parser.  Each input is written as a
 * migration stream (in calls whose size the input picks) into a paused VF
 * with restore triggered; then the VF is stopped and FLRed back to READY.
 * ASan/UBSan catch memory errors; a hang is caught by libFuzzer's timeout.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_quiesce.h"
#include "xe_device.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_vfio.h"

#define BIT(n)	(1ULL << XE_GT_SRIOV_STATE_##n)

static struct xe_device *xe;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fini(void)
{
	xe_device_destroy(xe);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xe_device_config cfg;

	(void)argc;
	(void)argv;
	xe_device_config_defaults(&cfg);
	cfg.vram_size = 256 << 10;
	cfg.vram_chunk = 64 << 10;
	cfg.guc_size = 256;
	cfg.ggtt_size = 16384;
	cfg.max_alloc = 1 << 20;
	cfg.restore_timeout_ms = 2000;
	cfg.quiet = true;
	cfg.seed = 1;
	xe = xe_device_create(&cfg);
	if (!xe)
		abort();
	atexit(fuzz_fini);
	return 0;
}

/* the worker has an answer for every GT: restored, failed or told done */
static bool restore_settled(void)
{
	unsigned int id;

	for (id = 0; id < xe->info.gt_count; id++) {
		u64 s = xe_gt_sriov_pf_control_state(&xe->gts[id], 1);

		if (!(s & (BIT(RESTORED) | BIT(RESTORE_FAILED) |
			   BIT(RESTORE_DATA_DONE))))
			return false;
	}
	return true;
}

/*
 * The next control call must not race a worker still finishing the last
 * one: its completion would end the new call's wait (model_quiesce.h).
 */
static void quiesce(const char *when)
{
	char why[640];

	/* within libFuzzer's -timeout=10, so this message is the one seen */
	if (model_quiesce(xe, 1, 5000, why, sizeof(why))) {
		fprintf(stderr, "fuzz_restore: %s: not quiet after 5 s: %s\n",
			when, why);
		abort();
	}
}

static void fail_call(const char *call, int err)
{
	char buf[512];
	unsigned int id;

	fprintf(stderr, "fuzz_restore: %s: %d\n", call, err);
	for (id = 0; id < xe->info.gt_count; id++)
		fprintf(stderr, "fuzz_restore: GT%u VF1 %s\n", id,
			xe_gt_sriov_pf_control_state_str(
				xe_gt_sriov_pf_control_state(&xe->gts[id], 1),
				buf, sizeof(buf)));
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step = size ? data[0] % 61 + 1 : 1, off = 0;
	ssize_t n;
	int err;

	err = xe_sriov_vfio_suspend_device(xe, 1);
	if (err)
		fail_call("suspend_device", err);
	err = xe_sriov_vfio_resume_data_enter(xe, 1);
	if (err)
		fail_call("resume_data_enter", err);
	while (off < size) {
		size_t len = size - off < step ? size - off : step;

		n = xe_sriov_vfio_data_write(xe, 1, (const char *)data + off, len);
		if (n < 0)
			break;
		if ((size_t)n != len)
			abort();
		off += n;
	}
	quiesce("after the stream");
	if (restore_settled())
		xe_sriov_vfio_resume_data_exit(xe, 1);
	/* back to READY: stop, FLR, and drop any half-written packet */
	xe_sriov_vfio_error(xe, 1);
	err = xe_sriov_pf_control_reset_vf(xe, 1);
	if (err)
		fail_call("reset_vf", err);
	quiesce("after the FLR");
	xe_sriov_packet_save_init(xe, 1);
	return 0;
}
