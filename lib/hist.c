// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "hist.h"

unsigned int log2_slot(uint64_t v)
{
	unsigned int s = v ? 64 - __builtin_clzll(v) : 0;

	return s < MS_LOG2_SLOTS ? s : MS_LOG2_SLOTS - 1;
}

void log2_hist_add(struct log2_hist *h, uint64_t v)
{
	h->slots[log2_slot(v)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

void log2_hist_merge(struct log2_hist *dst, const struct log2_hist *src)
{
	unsigned int i;

	for (i = 0; i < MS_LOG2_SLOTS; i++)
		dst->slots[i] += src->slots[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

static uint64_t slot_low(unsigned int s)
{
	return s ? 1ull << (s - 1) : 0;
}

static uint64_t slot_high(unsigned int s)
{
	return s ? (1ull << s) - 1 : 0;
}

uint64_t log2_hist_percentile(const struct log2_hist *h, double p)
{
	uint64_t want, seen = 0;
	unsigned int s;

	if (!h->count)
		return 0;
	want = (uint64_t)(h->count * p / 100.0 + 0.999999);
	if (!want)
		want = 1;
	for (s = 0; s < MS_LOG2_SLOTS; s++) {
		seen += h->slots[s];
		if (seen >= want)
			return slot_high(s) < h->max ? slot_high(s) : h->max;
	}
	return h->max;
}

static void print_stars(FILE *f, uint64_t val, uint64_t max, int width)
{
	int n = max ? (int)(val * width / max) : 0;
	int i;

	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

void log2_hist_print(FILE *f, const struct log2_hist *h, const char *title,
		     const char *unit)
{
	unsigned int s, last = 0;
	uint64_t vmax = 0;

	fprintf(f, "\n%s (count %llu, max %llu %s)\n", title,
		(unsigned long long)h->count, (unsigned long long)h->max, unit);
	for (s = 0; s < MS_LOG2_SLOTS; s++) {
		if (h->slots[s])
			last = s;
		if (h->slots[s] > vmax)
			vmax = h->slots[s];
	}
	if (!h->count) {
		fprintf(f, "  (no samples)\n");
		return;
	}
	fprintf(f, "%24s : count    distribution\n", unit);
	for (s = 0; s <= last; s++) {
		fprintf(f, "%10llu -> %-10llu : %-8llu |",
			(unsigned long long)slot_low(s),
			(unsigned long long)slot_high(s),
			(unsigned long long)h->slots[s]);
		print_stars(f, h->slots[s], vmax, 40);
		fputs("|\n", f);
	}
}

void log2_hist_json(struct json *j, const struct log2_hist *h,
		    const char *unit)
{
	unsigned int s;

	json_obj_begin(j);
	json_kstr(j, "unit", unit);
	json_ku64(j, "count", h->count);
	json_ku64(j, "sum", h->sum);
	json_ku64(j, "max", h->max);
	json_ku64(j, "p50", log2_hist_percentile(h, 50));
	json_ku64(j, "p99", log2_hist_percentile(h, 99));
	json_key(j, "buckets");
	json_arr_begin(j);
	for (s = 0; s < MS_LOG2_SLOTS; s++) {
		if (!h->slots[s])
			continue;
		json_obj_begin(j);
		json_ku64(j, "low", slot_low(s));
		json_ku64(j, "high", slot_high(s));
		json_ku64(j, "count", h->slots[s]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
