/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upstream behaviours of docs/upstream-xe.md §10 that the model fixes by
 * default and can re-enable, one bit each, in xe_device_config.defects;
 * and the 6.19 behaviours upstream itself has since changed
 * (docs/upstream-xe-7x.md).  The NULL dereferences (§10.2, §10.3) and
 * the restore double free of §10.7 are always fixed and only reported.
 */
#ifndef XE_DEFECTS_H
#define XE_DEFECTS_H

enum xe_defect {
	/* §10.8: entering SAVE_DATA_DONE does not wake the reader */
	XE_DEFECT_LOST_WAKEUP = 1u << 0,
	/* §10.10: reader wakes when any GT has data or is done (busy loop) */
	XE_DEFECT_BUSY_CONSUME = 1u << 1,
	/* §10.13: save_init overwrites descriptor/trailer/pending (leak) */
	XE_DEFECT_SAVE_INIT_LEAK = 1u << 2,
	/* §10.15: MMIO save/restore use the PF's registers, not the VF's */
	XE_DEFECT_MMIO_PF_VIEW = 1u << 3,

	/*
	 * Upstream 6.19 behaviours that 7.1/7.2 changed; the model follows
	 * 7.2 and each of these brings one 6.19 behaviour back, so a lab
	 * can rehearse against the kernel it runs (docs/upstream-xe-7x.md).
	 * "6.19" selects them all, with mmio_pf_view (fixed in 7.1-rc3).
	 */
	/* no FLR prepare step: prepare_flr is not there (-EOPNOTSUPP) */
	XE_V619_NO_FLR_PREPARE = 1u << 8,
	/* trigger_flr returns 0, not -EALREADY, while an FLR runs */
	XE_V619_FLR_RETRIGGER_OK = 1u << 9,
	/* pf_migration_consume compares with positive EAGAIN: GTs strictly
	 * in order, a later GT's packets held back behind an earlier one */
	XE_V619_STRICT_CONSUME = 1u << 10,

	/*
	 * Fuzz targets: bugs upstream had or plausibly could have on the
	 * error paths, each found by `migscope fuzz`.  The memory errors
	 * (XE_DEFECTS_MEMORY) corrupt the model's heap: run them in the
	 * AddressSanitizer build of migsim, where they are a crash with a
	 * report.
	 */
	/* §10.1, fixed in 7.1: a failed restore produce frees the packet
	 * and leaves `pending` pointing at it; teardown frees it again */
	XE_DEFECT_RESTORE_PENDING_UAF = 1u << 16,
	/* the save consumer reads DATA_DONE after taking from the ring and
	 * never polls a GT again once it saw it done: a packet produced
	 * between the take and the test is never read */
	XE_DEFECT_CONSUME_DONE_LATE = 1u << 17,
	/* the save worker tests "ring full" and enters SAVE_WAIT_DATA in
	 * two steps: a reader that drains the ring in between never kicks
	 * it again (lost wake-up) */
	XE_DEFECT_WAIT_DATA_RACE = 1u << 18,
	/* the VRAM save error path frees a packet the failed produce has
	 * already freed (double free) */
	XE_DEFECT_SAVE_DOUBLE_FREE = 1u << 19,
	/* upstream as written: a signal in the save read's wait stores its
	 * -ERESTARTSYS in `pending` like a consume error, and every later
	 * read of the stream returns it */
	XE_DEFECT_STICKY_RESTART = 1u << 20,
};

#define XE_V619_ALL	(XE_V619_NO_FLR_PREPARE | XE_V619_FLR_RETRIGGER_OK | \
			 XE_V619_STRICT_CONSUME | XE_DEFECT_MMIO_PF_VIEW)

#define XE_DEFECTS_MEMORY \
	(XE_DEFECT_RESTORE_PENDING_UAF | XE_DEFECT_SAVE_DOUBLE_FREE)

/* "lost_wakeup,busy_consume": bits, or -1 with *bad set to the bad name */
int xe_defects_parse(const char *list, const char **bad);
const char *xe_defects_help(void);

#endif /* XE_DEFECTS_H */
