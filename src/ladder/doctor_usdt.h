/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGSCOPE_DOCTOR_USDT_H
#define MIGSCOPE_DOCTOR_USDT_H

#include <stdbool.h>

void ms_doctor_fire_usdt(long value);
bool ms_doctor_semaphore_armed(void);
int ms_doctor_uprobe_target(int x);

#endif
