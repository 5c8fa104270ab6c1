// SPDX-License-Identifier: GPL-2.0
/*
 * Reading migtrace's in-BPF totals (include/migtrace_agg.h) into the same
 * struct mt_agg the event path fills, so the summary and the histograms
 * are printed by one piece of code whichever side counted.
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "migtrace_agg.h"
#include "trace.h"

static void add_hist(struct log2_hist *h, const struct ms_agg_hist *c)
{
	struct log2_hist one = {
		.count = c->count, .sum = c->sum, .max = c->max,
	};

	_Static_assert(sizeof(one.slots) == sizeof(c->slots),
		       "in-BPF and user-space histograms have the same slots");
	memcpy(one.slots, c->slots, sizeof(one.slots));
	log2_hist_merge(h, &one);
}

static void add_type(struct mt_type_stats *t, const struct ms_agg_type *c)
{
	t->produced += c->produced;
	t->consumed += c->consumed;
	t->bytes += c->bytes;
	t->consumed_bytes += c->consumed_bytes;
	t->ring_produce += c->ring_produce;
	t->ring_consume += c->ring_consume;
	t->errors += c->errors;
}

static void add_io(struct mt_agg *a, const struct ms_agg *c, int dir)
{
	a->data[dir].calls += c->data[dir].calls;
	a->data[dir].bytes += c->data[dir].bytes;
	a->data[dir].errors += c->data[dir].errors;
	a->data[dir].eof += c->data[dir].eof;
	a->vram[dir].chunks += c->vram[dir].chunks;
	a->vram[dir].bytes += c->vram[dir].bytes;
	a->vram[dir].dur_ns += c->vram[dir].dur_ns;
	a->vram[dir].errors += c->vram[dir].errors;
}

/* one CPU's totals into the aggregate */
static void add_cpu(struct mt_agg *a, const struct ms_agg *c)
{
	unsigned int i;

	a->events += c->events;
	a->injects += c->injects;
	a->errors += c->errors;
	if (c->first_ts && (!a->first_ts || c->first_ts < a->first_ts))
		a->first_ts = c->first_ts;
	if (c->last_ts > a->last_ts)
		a->last_ts = c->last_ts;
	a->stream_bytes += c->stream_bytes;
	a->restore_stream_bytes += c->restore_stream_bytes;
	for (i = 0; i < MT_MAX_TYPES && i < MS_AGG_TYPES; i++)
		add_type(&a->types[i], &c->types[i]);
	add_io(a, c, MS_DIR_SAVE);
	add_io(a, c, MS_DIR_RESTORE);
	for (i = 0; i < MS_AGG_STATES; i++) {
		a->states[i].entered += c->state_entered[i];
		a->states[i].total_ns += c->state_ns[i];
	}
	add_hist(&a->h_vram, &c->h_vram);
	add_hist(&a->h_read, &c->h_read);
	add_hist(&a->h_write, &c->h_write);
	add_hist(&a->h_queue, &c->h_queue);
}

/*
 * The states still set: into their units, as the event path keeps them,
 * so mt_agg_close counts their time up to the end and top shows them.
 */
static void add_open_states(struct mt_agg *a, const struct bpf_map *since)
{
	struct mt_state_key k, next, *prev = NULL;
	struct mt_unit *u;
	uint64_t ts;

	while (!bpf_map__get_next_key(since, prev, &next, sizeof(next))) {
		k = next;
		prev = &k;
		/* entries are kept after their bit is left, with time 0 */
		if (bpf_map__lookup_elem(since, &k, sizeof(k), &ts, sizeof(ts),
					 0) || !ts)
			continue;
		u = mt_agg_unit(a, k.tgid, k.vf);
		if (!u || k.gt >= MS_MAX_GT)
			continue;
		mt_unit_saw_gt(u, k.gt);
		u->bits[k.gt] |= 1ull << (k.bit & 63);
		u->since[k.gt][k.bit & 63] = ts;
	}
}

/* top's per-(tgid, VF) figures; the map is empty unless top asked */
static void add_units(struct mt_agg *a, const struct bpf_map *units)
{
	struct ms_unit_key k, next, *prev = NULL;
	struct ms_unit_totals t;
	struct mt_unit *u;
	unsigned int g;

	while (!bpf_map__get_next_key(units, prev, &next, sizeof(next))) {
		k = next;
		prev = &k;
		if (bpf_map__lookup_elem(units, &k, sizeof(k), &t, sizeof(t), 0))
			continue;
		u = mt_agg_unit(a, k.tgid, k.vf);
		if (!u)
			continue;
		for (g = 0; g < MS_MAX_GT; g++) {
			if (!t.seen[g])
				continue;
			mt_unit_saw_gt(u, g);
			u->occ[g] = t.occ[g];
		}
		u->read_bytes = t.read_bytes;
		u->write_bytes = t.write_bytes;
		u->vram_bytes = t.vram_bytes;
	}
}

int mt_totals_read(struct mt_agg *a, const struct bpf_map *totals,
		   const struct bpf_map *state_since, const struct bpf_map *units)
{
	int ncpu = libbpf_num_possible_cpus(), i, err;
	struct ms_agg *cpus;
	uint32_t zero = 0;

	if (ncpu <= 0)
		return ms_err("cannot count the possible CPUs");
	cpus = calloc(ncpu, sizeof(*cpus));
	if (!cpus)
		return ms_err("out of memory");
	err = bpf_map__lookup_elem(totals, &zero, sizeof(zero), cpus,
				   ncpu * sizeof(*cpus), 0);
	if (err) {
		free(cpus);
		return ms_err("reading the in-BPF totals failed: %s",
			      strerror(-err));
	}
	for (i = 0; i < ncpu; i++)
		add_cpu(a, &cpus[i]);
	free(cpus);
	add_units(a, units);
	add_open_states(a, state_since);
	return 0;
}
