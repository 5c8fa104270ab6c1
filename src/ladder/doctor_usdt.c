// SPDX-License-Identifier: GPL-2.0
/*
 * migscope's own USDT probe and uprobe target, so doctor can prove uprobes,
 * USDT and USDT semaphores work by firing them at itself.  Kept in its own
 * translation unit: semaphores apply to every probe of a unit.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include "doctor_usdt.h"

unsigned short migscope_doctor_semaphore
	__attribute__((unused, section(".probes")));

void ms_doctor_fire_usdt(long value)
{
	if (migscope_doctor_semaphore)
		DTRACE_PROBE1(migscope, doctor, value);
}

bool ms_doctor_semaphore_armed(void)
{
	return migscope_doctor_semaphore != 0;
}

__attribute__((noinline)) int ms_doctor_uprobe_target(int x)
{
	/* keep the call and its body from being folded away */
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}
