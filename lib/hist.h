/* SPDX-License-Identifier: GPL-2.0 */
/* log2 histograms: the libbpf-tools look, percentiles, JSON form. */
#ifndef MIGSCOPE_HIST_H
#define MIGSCOPE_HIST_H

#include <stdint.h>
#include <stdio.h>
#include "json.h"
#include "migscope_abi.h"

struct log2_hist {
	uint64_t slots[MS_LOG2_SLOTS];
	uint64_t count;
	uint64_t sum;
	uint64_t max;
};

/* same bucketing as bpf/lib/bits.bpf.h: slot = floor(log2(v)) + 1, 0 for 0 */
unsigned int log2_slot(uint64_t v);
void log2_hist_add(struct log2_hist *h, uint64_t v);
void log2_hist_merge(struct log2_hist *dst, const struct log2_hist *src);
/* an upper bound of the p-th percentile (0 < p <= 100) */
uint64_t log2_hist_percentile(const struct log2_hist *h, double p);
void log2_hist_print(FILE *f, const struct log2_hist *h, const char *title,
		     const char *unit);
/* {"unit":…,"count":…,"buckets":[{"low":…,"high":…,"count":…},…]} */
void log2_hist_json(struct json *j, const struct log2_hist *h,
		    const char *unit);

#endif /* MIGSCOPE_HIST_H */
