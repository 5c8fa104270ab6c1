/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record file written by `migscope record` and read by `migscope
 * report`: this header, then `events` fixed-size struct ms_event records.
 * Files travel between machines, so every size here is fixed and checked.
 */
#ifndef MIGSCOPE_RECORD_H
#define MIGSCOPE_RECORD_H

#include <stdint.h>
#include "migscope_abi.h"
#include "xe_sriov_names.h"

#define MT_REC_MAGIC	"MIGSCREC"

struct mt_rec_hdr {
	char magic[8];
	uint32_t abi_version;
	uint32_t hdr_size;
	uint32_t event_size;
	uint32_t complete;		/* 1 once the writer closed it cleanly */
	uint64_t mono_start_ns;		/* CLOCK_MONOTONIC at start */
	uint64_t realtime_start_ns;	/* CLOCK_REALTIME at the same moment */
	uint64_t events;
	uint64_t drops;
	char target[16];
	/* the kernel's boot_id UUID: equal on both sides means one host and
	 * one CLOCK_MONOTONIC (zero in files from before it was kept) */
	uint8_t boot_id[16];
	char reserved[32];
	/* the state and packet names the events' numbers were made with */
	struct xe_names names;
};

/* On-disk sizes: a change here is an ABI change (bump MS_ABI_VERSION). */
_Static_assert(sizeof(struct mt_rec_hdr) == 120 + sizeof(struct xe_names),
	       "record header size");
_Static_assert(sizeof(struct xe_names) == 2624, "names table size");
_Static_assert(sizeof(struct ms_event) == MS_EVENT_SIZE, "event record size");

#endif /* MIGSCOPE_RECORD_H */
