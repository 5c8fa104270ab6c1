// SPDX-License-Identifier: GPL-2.0
/*
 * `migscope top` shows every GT a unit has, up to MS_MAX_GT: a unit whose
 * only activity is on GT2 and GT3 shows their phase and ring occupancy.
 */
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
	return check_exit();
}
