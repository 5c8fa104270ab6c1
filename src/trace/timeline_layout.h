/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rows for the timeline views (Perfetto, SVG): one per side, GT and kind
 * of activity, split into lanes where its spans overlap.
 */
#ifndef MIGSCOPE_REPORT_LAYOUT_H
#define MIGSCOPE_REPORT_LAYOUT_H

#include "breakdown.h"

#define MB_MAX_ROWS	96
#define MB_LANES	6

struct mb_row {
	uint8_t side, gt, cat, lane;
	char name[48];
};

struct mb_layout {
	struct mb_row rows[MB_MAX_ROWS];
	uint32_t nrows;
	uint32_t *row_of;	/* per span of the result */
	uint64_t t0, t1;	/* first and last moment shown */
};

int mb_layout(const struct mb_result *r, struct mb_layout *l);
void mb_layout_free(struct mb_layout *l);
/* the category name of a phase's row ("save", "ring", ...) */
const char *mb_cat_name(unsigned int cat);
unsigned int mb_cat_of(unsigned int phase);

#endif /* MIGSCOPE_REPORT_LAYOUT_H */
