// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <strings.h>
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

static const char *const packet_type_names[] = {
	[XE_SRIOV_PACKET_TYPE_DESCRIPTOR] = "DESCRIPTOR",
	[XE_SRIOV_PACKET_TYPE_TRAILER] = "TRAILER",
	[XE_SRIOV_PACKET_TYPE_GGTT] = "GGTT",
	[XE_SRIOV_PACKET_TYPE_MMIO] = "MMIO",
	[XE_SRIOV_PACKET_TYPE_GUC] = "GUC",
	[XE_SRIOV_PACKET_TYPE_VRAM] = "VRAM",
};

static const char *const state_names[XE_GT_SRIOV_NUM_STATES] = {
	[XE_GT_SRIOV_STATE_WIP] = "WIP",
	[XE_GT_SRIOV_STATE_FLR_WIP] = "FLR_WIP",
	[XE_GT_SRIOV_STATE_FLR_SEND_START] = "FLR_SEND_START",
	[XE_GT_SRIOV_STATE_FLR_WAIT_GUC] = "FLR_WAIT_GUC",
	[XE_GT_SRIOV_STATE_FLR_GUC_DONE] = "FLR_GUC_DONE",
	[XE_GT_SRIOV_STATE_FLR_SYNC] = "FLR_SYNC",
	[XE_GT_SRIOV_STATE_FLR_RESET_CONFIG] = "FLR_RESET_CONFIG",
	[XE_GT_SRIOV_STATE_FLR_RESET_DATA] = "FLR_RESET_DATA",
	[XE_GT_SRIOV_STATE_FLR_RESET_MMIO] = "FLR_RESET_MMIO",
	[XE_GT_SRIOV_STATE_FLR_SEND_FINISH] = "FLR_SEND_FINISH",
	[XE_GT_SRIOV_STATE_FLR_FAILED] = "FLR_FAILED",
	[XE_GT_SRIOV_STATE_PAUSE_WIP] = "PAUSE_WIP",
	[XE_GT_SRIOV_STATE_PAUSE_SEND_PAUSE] = "PAUSE_SEND_PAUSE",
	[XE_GT_SRIOV_STATE_PAUSE_WAIT_GUC] = "PAUSE_WAIT_GUC",
	[XE_GT_SRIOV_STATE_PAUSE_GUC_DONE] = "PAUSE_GUC_DONE",
	[XE_GT_SRIOV_STATE_PAUSE_FAILED] = "PAUSE_FAILED",
	[XE_GT_SRIOV_STATE_PAUSED] = "PAUSED",
	[XE_GT_SRIOV_STATE_SAVE_WIP] = "SAVE_WIP",
	[XE_GT_SRIOV_STATE_SAVE_PROCESS_DATA] = "SAVE_PROCESS_DATA",
	[XE_GT_SRIOV_STATE_SAVE_WAIT_DATA] = "SAVE_WAIT_DATA",
	[XE_GT_SRIOV_STATE_SAVE_DATA_DONE] = "SAVE_DATA_DONE",
	[XE_GT_SRIOV_STATE_SAVE_FAILED] = "SAVE_FAILED",
	[XE_GT_SRIOV_STATE_SAVED] = "SAVED",
	[XE_GT_SRIOV_STATE_RESTORE_WIP] = "RESTORE_WIP",
	[XE_GT_SRIOV_STATE_RESTORE_PROCESS_DATA] = "RESTORE_PROCESS_DATA",
	[XE_GT_SRIOV_STATE_RESTORE_WAIT_DATA] = "RESTORE_WAIT_DATA",
	[XE_GT_SRIOV_STATE_RESTORE_DATA_DONE] = "RESTORE_DATA_DONE",
	[XE_GT_SRIOV_STATE_RESTORE_FAILED] = "RESTORE_FAILED",
	[XE_GT_SRIOV_STATE_RESTORED] = "RESTORED",
	[XE_GT_SRIOV_STATE_RESUME_WIP] = "RESUME_WIP",
	[XE_GT_SRIOV_STATE_RESUME_SEND_RESUME] = "RESUME_SEND_RESUME",
	[XE_GT_SRIOV_STATE_RESUME_FAILED] = "RESUME_FAILED",
	[XE_GT_SRIOV_STATE_RESUMED] = "RESUMED",
	[XE_GT_SRIOV_STATE_STOP_WIP] = "STOP_WIP",
	[XE_GT_SRIOV_STATE_STOP_SEND_STOP] = "STOP_SEND_STOP",
	[XE_GT_SRIOV_STATE_STOP_FAILED] = "STOP_FAILED",
	[XE_GT_SRIOV_STATE_STOPPED] = "STOPPED",
	[XE_GT_SRIOV_STATE_MISMATCH] = "MISMATCH",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const char *const *names, unsigned int n,
			  unsigned int i)
{
	return i < n ? names[i] : NULL;
}

static int reverse_lookup(const char *const *names, unsigned int n,
			  const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(names[i], name))
			return i;
	return -1;
}

const char *xe_packet_type_name(unsigned int type)
{
	return lookup(packet_type_names, ARRAY_LEN(packet_type_names), type);
}

const char *xe_state_name(unsigned int bit)
{
	return lookup(state_names, ARRAY_LEN(state_names), bit);
}

int xe_packet_type_from_name(const char *name)
{
	return reverse_lookup(packet_type_names, ARRAY_LEN(packet_type_names),
			      name);
}

int xe_state_from_name(const char *name)
{
	return reverse_lookup(state_names, ARRAY_LEN(state_names), name);
}
