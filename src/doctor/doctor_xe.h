/* SPDX-License-Identifier: GPL-2.0 */
/* doctor's report on the xe driver the running kernel has (see .c). */
#ifndef MIGSCOPE_DOCTOR_XE_H
#define MIGSCOPE_DOCTOR_XE_H

#include <stdbool.h>
#include "json.h"

/* summary lines, or with full every name and requirement; 1 if unusable */
int doctor_xe_text(bool full);
/* the "xe" member of doctor's JSON object */
void doctor_xe_json(struct json *j);

#endif /* MIGSCOPE_DOCTOR_XE_H */
