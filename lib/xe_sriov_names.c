// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in table mirrors include/xe_sriov_abi.h, the model's numbering.
 * Views never assume it describes a kernel: the kernel target installs the
 * table read from that kernel's BTF, report the one stored in the file.
 */
#include <stddef.h>
#include <strings.h>
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

#define S(x) [XE_GT_SRIOV_STATE_##x] = #x
#define T(x) [XE_SRIOV_PACKET_TYPE_##x] = #x
static const struct xe_names builtin = {
	.state = {
		S(WIP), S(FLR_WIP), S(FLR_PREPARE), S(FLR_SEND_START),
		S(FLR_WAIT_GUC), S(FLR_GUC_DONE), S(FLR_SYNC),
		S(FLR_RESET_CONFIG), S(FLR_RESET_DATA), S(FLR_RESET_MMIO),
		S(FLR_SEND_FINISH), S(FLR_FAILED), S(PAUSE_WIP),
		S(PAUSE_SEND_PAUSE), S(PAUSE_WAIT_GUC), S(PAUSE_GUC_DONE),
		S(PAUSE_FAILED), S(PAUSED), S(SAVE_WIP), S(SAVE_PROCESS_DATA),
		S(SAVE_WAIT_DATA), S(SAVE_DATA_DONE), S(SAVE_FAILED), S(SAVED),
		S(RESTORE_WIP), S(RESTORE_PROCESS_DATA), S(RESTORE_WAIT_DATA),
		S(RESTORE_DATA_DONE), S(RESTORE_FAILED), S(RESTORED),
		S(RESUME_WIP), S(RESUME_SEND_RESUME), S(RESUME_FAILED),
		S(RESUMED), S(STOP_WIP), S(STOP_SEND_STOP), S(STOP_FAILED),
		S(STOPPED), S(MISMATCH),
	},
	.type = {
		T(DESCRIPTOR), T(TRAILER), T(GGTT), T(MMIO), T(GUC), T(VRAM),
	},
	.origin = "built-in (upstream 7.2 numbering)",
};
#undef S
#undef T

_Static_assert(XE_GT_SRIOV_NUM_STATES <= XE_NAMES_BITS,
	       "the state word has 64 bits");

/* set once by migscope before it renders; the model never sets it */
static struct xe_names installed;
static const struct xe_names *active = &builtin;

void xe_names_builtin(struct xe_names *n)
{
	*n = builtin;
}

void xe_names_use(const struct xe_names *n)
{
	installed = *n;
	active = &installed;
}

const struct xe_names *xe_names_active(void)
{
	return active;
}

unsigned int xe_names_state_count(const struct xe_names *n)
{
	unsigned int i, count = 0;

	for (i = 0; i < XE_NAMES_BITS; i++)
		count += n->state[i][0] != 0;
	return count;
}

static const char *lookup(const char (*names)[XE_NAME_LEN], unsigned int n,
			  unsigned int i)
{
	return i < n && names[i][0] ? names[i] : NULL;
}

static int reverse_lookup(const char (*names)[XE_NAME_LEN], unsigned int n,
			  const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i][0] && !strcasecmp(names[i], name))
			return i;
	return -1;
}

const char *xe_packet_type_name(unsigned int type)
{
	return lookup(xe_names_active()->type, XE_NAMES_TYPES, type);
}

const char *xe_state_name(unsigned int bit)
{
	return lookup(xe_names_active()->state, XE_NAMES_BITS, bit);
}

int xe_packet_type_from_name(const char *name)
{
	return reverse_lookup(xe_names_active()->type, XE_NAMES_TYPES, name);
}

int xe_state_from_name(const char *name)
{
	return reverse_lookup(xe_names_active()->state, XE_NAMES_BITS, name);
}
