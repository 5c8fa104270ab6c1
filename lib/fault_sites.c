// SPDX-License-Identifier: GPL-2.0
/*
 * The fault sites of the migration data path: their names, what each can
 * filter on and what upstream fails with there.  Shared by inject, fuzz and
 * every view that shows an injected fault.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "fault_sites.h"
#include "inject_abi.h"
#include "migscope_abi.h"

/* which of VF and GT the model reports at a site: a filter needs them */
#define HAS_VF	1
#define HAS_GT	2

static const struct {
	const char *name;
	int err;		/* what the upstream path fails with there */
	unsigned int has;
} sites[MS_SITE_MAX] = {
	[MS_SITE_DATA_READ] = { "data_read", EIO, HAS_VF },
	[MS_SITE_DATA_WRITE] = { "data_write", EIO, HAS_VF },
	[MS_SITE_PACKET_ALLOC] = { "packet_alloc", ENOMEM, 0 },
	[MS_SITE_USER_COPY] = { "user_copy", EFAULT, HAS_VF | HAS_GT },
	[MS_SITE_GUC_SAVE] = { "guc_save", EIO, HAS_VF | HAS_GT },
	[MS_SITE_GUC_RESTORE] = { "guc_restore", EIO, HAS_VF | HAS_GT },
	[MS_SITE_GGTT_SAVE] = { "ggtt_save", EINVAL, HAS_VF | HAS_GT },
	[MS_SITE_GGTT_LOAD] = { "ggtt_load", EINVAL, HAS_VF | HAS_GT },
	[MS_SITE_VRAM_COPY] = { "vram_copy", ETIME, HAS_VF | HAS_GT },
	[MS_SITE_RING_PRODUCE] = { "ring_produce", ENOSPC, HAS_VF | HAS_GT },
	/* delay sites */
	[MS_SITE_SAVE_STEP] = { "save_step", 0, HAS_VF | HAS_GT },
	[MS_SITE_SAVE_CONSUME] = { "save_consume", 0, HAS_VF | HAS_GT },
	[MS_SITE_SAVE_WAIT] = { "save_wait", 0, HAS_VF | HAS_GT },
	[MS_SITE_RESTORE_STEP] = { "restore_step", 0, HAS_VF | HAS_GT },
	[MS_SITE_RESTORE_WAIT] = { "restore_wait", 0, HAS_VF | HAS_GT },
};

bool inj_site_has_vf(unsigned int site)
{
	return site && site < MS_SITE_MAX && (sites[site].has & HAS_VF);
}

bool inj_site_has_gt(unsigned int site)
{
	return site && site < MS_SITE_MAX && (sites[site].has & HAS_GT);
}

const char *inj_site_name(unsigned int site)
{
	return site && site < MS_SITE_MAX ? sites[site].name : "?";
}

int inj_site_from_name(const char *name)
{
	unsigned int i;

	for (i = 1; i < MS_SITE_MAX; i++)
		if (!strcmp(name, sites[i].name))
			return i;
	return -1;
}

int inj_site_default_errno(unsigned int site)
{
	return site && site < MS_SITE_MAX ? sites[site].err : EIO;
}

const char *inj_verdict_text(unsigned int site, int err, char *buf,
			     size_t len)
{
	if (ms_site_is_delay(site))
		snprintf(buf, len, "delay %d us", err);
	else
		snprintf(buf, len, "%s", ms_errno_name(err));
	return buf;
}

const char *inj_site_list(void)
{
	static char buf[256];
	unsigned int i;
	size_t n = 0;

	if (buf[0])
		return buf;
	for (i = 1; i < MS_SITE_MAX; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i > 1 ? ", " : "",
			      sites[i].name);
	return buf;
}

const char *inj_mech_name(unsigned int mech)
{
	switch (mech) {
	case INJ_MECH_MODEL: return "model";
	case INJ_MECH_SIGNAL: return "signal";
	case INJ_MECH_KERNEL: return "kernel";
	}
	return "?";
}
