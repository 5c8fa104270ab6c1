// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "xe_defects.h"

static const struct {
	const char *name;
	unsigned int bit;
} defects[] = {
	{ "lost_wakeup", XE_DEFECT_LOST_WAKEUP },
	{ "busy_consume", XE_DEFECT_BUSY_CONSUME },
	{ "save_init_leak", XE_DEFECT_SAVE_INIT_LEAK },
	{ "mmio_pf_view", XE_DEFECT_MMIO_PF_VIEW },
	/* upstream 6.19 as it was (see xe_defects.h) */
	{ "v619_no_flr_prepare", XE_V619_NO_FLR_PREPARE },
	{ "v619_flr_retrigger_ok", XE_V619_FLR_RETRIGGER_OK },
	{ "v619_strict_consume", XE_V619_STRICT_CONSUME },
	{ "6.19", XE_V619_ALL },
	/* fuzz targets */
	{ "restore_pending_uaf", XE_DEFECT_RESTORE_PENDING_UAF },
	{ "consume_done_late", XE_DEFECT_CONSUME_DONE_LATE },
	{ "wait_data_race", XE_DEFECT_WAIT_DATA_RACE },
	{ "save_double_free", XE_DEFECT_SAVE_DOUBLE_FREE },
	{ "sticky_restart", XE_DEFECT_STICKY_RESTART },
};

#define NR_DEFECTS	(sizeof(defects) / sizeof(defects[0]))

int xe_defects_parse(const char *list, const char **bad)
{
	static char word[64];
	unsigned int bits = 0, i;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		bool found = false;

		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, p, n);
		word[n] = 0;
		for (i = 0; i < NR_DEFECTS; i++) {
			if (!strcasecmp(word, defects[i].name)) {
				bits |= defects[i].bit;
				found = true;
			}
		}
		if (!found && n) {
			*bad = word;
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return bits;
}

const char *xe_defects_help(void)
{
	return "lost_wakeup,busy_consume,save_init_leak,mmio_pf_view,"
	       "v619_no_flr_prepare,v619_flr_retrigger_ok,v619_strict_consume,"
	       "6.19,restore_pending_uaf,consume_done_late,wait_data_race,"
	       "save_double_free,sticky_restart";
}
