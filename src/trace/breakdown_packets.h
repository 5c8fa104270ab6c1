/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Both sides of a migration as packets in stream order: when each was
 * produced, queued, sent, parsed, restored.  Built from the aligned
 * events by breakdown_packets.c, walked by breakdown_critical.c.
 */
#ifndef MIGSCOPE_REPORT_PACKETS_H
#define MIGSCOPE_REPORT_PACKETS_H

#include "breakdown.h"

/* one packet of the stream, both sides; 0 where a time was not seen */
struct mb_pkt {
	uint8_t type, gt;
	uint64_t size;
	uint64_t src_addr, dst_addr;
	uint64_t S, P, C;	/* source: step start, produced, consumed */
	uint64_t A, Q, R, D;	/* destination: parsed, queued, taken, done */
	bool on_ring;		/* went through the GT rings (not DESC/TRAILER) */
	uint32_t node_p;	/* the critical path's node of its produce */
};

struct mb_sides {
	uint64_t start, paused, read_start;	/* source */
	uint64_t save_start[MS_MAX_GT], save_done[MS_MAX_GT];
	uint64_t last_bound[MS_MAX_GT];		/* last save step boundary */
	uint64_t restored[MS_MAX_GT], resume, end;	/* destination */
	uint32_t ngt;
	/* source packets in produce order, and the stream order */
	struct mb_pkt *pkts;
	uint32_t npkts, cap;
	uint32_t *stream;	/* indexes into pkts, source send order */
	uint32_t nstream;
	uint32_t nparsed;	/* destination packets parsed */
	uint32_t mismatch;	/* parsed packets whose type differs */
};

int mb_scan(const struct mb_sidev *src, const struct mb_sidev *dst,
	    struct mb_sides *s, struct mb_result *r);
void mb_sides_free(struct mb_sides *s);
/* breakdown_phases.c: the critical path and activity totals, the longest waits */
void mb_totals(struct mb_result *r);
void mb_waits(const struct mb_sides *s, struct mb_result *r);

#endif /* MIGSCOPE_REPORT_PACKETS_H */
