// SPDX-License-Identifier: GPL-2.0
/*
 * `migscope top` shows every GT a unit has, up to MS_MAX_GT: a unit whose
 * only activity is on GT2 and GT3 shows their phase and ring occupancy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "trace.h"
#include "xe_sriov_abi.h"

static struct mt_agg agg;

static void feed(uint16_t type, uint16_t op, uint8_t gt, uint32_t a,
		 uint32_t b)
{
	struct ms_event e = {
		.ts_ns = 1000, .pid = 42, .type = type, .op = op, .vf = 1,
		.gt = gt,
	};

	if (type == MS_EV_STATE) {
		e.state.bit = a;
		e.state.entered = 1;
	} else {
		e.packet.ptype = XE_SRIOV_PACKET_TYPE_GUC;
		e.packet.ring_occ = a;
		e.packet.pkt = b;
	}
	mt_agg_add(&agg, &e);
}

/*
 * The event path's units past the cap: counted together as "other", the
 * totals exact, and the summary says so.
 */
static void units_cap(void)
{
	static struct mt_agg many;
	struct ms_event e = { .ts_ns = 1000, .type = MS_EV_INJECT, .vf = 1 };
	unsigned int pid, n = MT_MAX_UNITS + 6;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	for (pid = 1; pid <= n; pid++) {
		e.pid = pid;
		mt_agg_add(&many, &e);
	}
	mt_agg_close(&many);
	if (f) {
		mt_agg_summary_text(&many, f, 0);
		fclose(f);
	}
	check(many.all.events == n && many.all.injects == n &&
	      many.units[MT_UNIT_OTHER].c.events == n - (MT_MAX_UNITS - 1),
	      "agg-units-cap", "%llu events, %llu in other, of %u",
	      (unsigned long long)many.all.events,
	      (unsigned long long)many.units[MT_UNIT_OTHER].c.events, n);
	check(text && strstr(text, "\n  other ") &&
	      strstr(text, "WARNING: more than 63 units: 7 events"),
	      "agg-units-cap-said", "summary: %s", text ? text : "none");
	free(text);
}

int main(void)
{
	struct mt_top_row r;

	feed(MS_EV_STATE, 0, 3, XE_GT_SRIOV_STATE_SAVE_WIP, 0);
	feed(MS_EV_PACKET, MS_PKT_PRODUCE, 2, 1, 0x100);
	feed(MS_EV_PACKET, MS_PKT_PRODUCE, 3, 2, 0x200);
	mt_top_row(&agg, 42, 1, &r);
	check(!strcmp(mt_top_phase(&r), "SAVING"), "top-phase-gt3",
	      "a save on GT3 shows phase %s", mt_top_phase(&r));
	check(!strcmp(r.rings, "0/0/1/2"), "top-rings-gt2-gt3",
	      "rings of GT0..GT3 shown as %s", r.rings);
	units_cap();
	return check_exit();
}
