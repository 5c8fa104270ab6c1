/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The envelope every command's summary record starts with, so that one
 * script reads any command's summary the same way:
 *
 *   {"type":"summary","command":"trace","abi":2,"drops":0, <its own keys>}
 *
 * command: the migscope command whose run the summary describes; abi:
 * MS_ABI_VERSION; drops: events lost because the command's event ring was
 * full.  The caller writes its own keys after these and closes the object.
 */
#ifndef MIGSCOPE_SUMMARY_H
#define MIGSCOPE_SUMMARY_H

#include <stdint.h>
#include "json.h"

void ms_summary_begin(struct json *j, const char *command, uint64_t drops);

#endif /* MIGSCOPE_SUMMARY_H */
