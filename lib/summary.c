// SPDX-License-Identifier: GPL-2.0
/* The summary records' common envelope: see summary.h. */
#include "migscope_abi.h"
#include "summary.h"

void ms_summary_begin(struct json *j, const char *command, uint64_t drops)
{
	json_obj_begin(j);
	json_kstr(j, "type", "summary");
	json_kstr(j, "command", command);
	json_ku64(j, "abi", MS_ABI_VERSION);
	json_ku64(j, "drops", drops);
}
