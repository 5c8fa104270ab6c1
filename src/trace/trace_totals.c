// SPDX-License-Identifier: GPL-2.0
/*
 * Reading migtrace's in-BPF totals (include/migtrace_agg.h) into the same
 * units of struct mt_agg the event path fills, so the summary, the
 * histograms, top and the metrics come from one piece of code whichever
 * side counted.
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "migtrace_agg.h"
#include "trace.h"

static void hist_of(struct log2_hist *h, const struct ms_agg_hist *c)
{
	_Static_assert(sizeof(h->slots) == sizeof(c->slots),
		       "in-BPF and user-space histograms have the same slots");
	memcpy(h->slots, c->slots, sizeof(h->slots));
	h->count = c->count;
	h->sum = c->sum;
	h->max = c->max;
}

/* one CPU's share of a unit */
static int add_cpu(struct mt_counts *a, const struct ms_agg *c)
{
	struct mt_counts *one = calloc(1, sizeof(*one));
	unsigned int i;

	if (!one)
		return -1;
	_Static_assert(sizeof(one->types) == sizeof(c->types),
		       "in-BPF and user-space packet types have one layout");
	memcpy(one->types, c->types, sizeof(one->types));
	memcpy(one->data, c->data, sizeof(one->data));
	memcpy(one->vram, c->vram, sizeof(one->vram));
	for (i = 0; i < MS_AGG_STATES; i++) {
		one->states[i].entered = c->state_entered[i];
		one->states[i].total_ns = c->state_ns[i];
	}
	one->stream_bytes = c->stream_bytes;
	one->restore_stream_bytes = c->restore_stream_bytes;
	one->events = c->events;
	one->injects = c->injects;
	one->errors = c->errors;
	one->first_ts = c->first_ts;
	one->last_ts = c->last_ts;
	hist_of(&one->h_vram, &c->h_vram);
	hist_of(&one->h_read, &c->h_read);
	hist_of(&one->h_write, &c->h_write);
	hist_of(&one->h_queue, &c->h_queue);
	mt_counts_merge(a, one);
	free(one);
	return 0;
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
		u = mt_agg_unit(a, k.tgid, k.vf, k.gt);
		u->bits |= 1ull << (k.bit & 63);
		u->since[k.bit & 63] = ts;
	}
}

/* slot's CPU copies into u; the ring occupancy of the latest one */
static int add_slot(struct mt_unit *u, const struct bpf_map *totals,
		    uint32_t slot, struct ms_agg *cpus, int ncpu)
{
	int err, i;

	err = bpf_map__lookup_elem(totals, &slot, sizeof(slot), cpus,
				   ncpu * sizeof(*cpus), 0);
	if (err)
		return ms_err("reading the in-BPF totals failed: %s",
			      strerror(-err));
	for (i = 0; i < ncpu; i++) {
		if (add_cpu(&u->c, &cpus[i]))
			return ms_err("out of memory");
		if (cpus[i].occ_ts > u->occ_ts) {
			u->occ_ts = cpus[i].occ_ts;
			u->occ = cpus[i].occ;
		}
	}
	return 0;
}

/* every unit BPF made, then "other" if anything landed there */
static int add_units(struct mt_agg *a, const struct bpf_map *totals,
		     const struct bpf_map *ids, struct ms_agg *cpus, int ncpu)
{
	uint64_t k, next, *prev = NULL;
	struct mt_unit *other = &a->units[MT_UNIT_OTHER];
	uint32_t slot;

	while (!bpf_map__get_next_key(ids, prev, &next, sizeof(next))) {
		k = next;
		prev = &k;
		if (bpf_map__lookup_elem(ids, &k, sizeof(k), &slot,
					 sizeof(slot), 0))
			continue;
		if (add_slot(mt_agg_unit(a, MS_UNIT_TGID(k), MS_UNIT_VF(k),
					 MS_UNIT_GT(k)), totals, slot, cpus, ncpu))
			return -1;
	}
	if (add_slot(other, totals, MT_UNIT_OTHER, cpus, ncpu))
		return -1;
	if (other->c.events) {
		other->used = true;
		other->vf = MS_VF_UNKNOWN;
		other->gt = MS_GT_UNKNOWN;
	}
	return 0;
}

int mt_totals_read(struct mt_agg *a, const struct bpf_map *totals,
		   const struct bpf_map *unit_ids,
		   const struct bpf_map *state_since)
{
	int ncpu = libbpf_num_possible_cpus(), err;
	struct ms_agg *cpus;

	if (ncpu <= 0)
		return ms_err("cannot count the possible CPUs");
	cpus = calloc(ncpu, sizeof(*cpus));
	if (!cpus)
		return ms_err("out of memory");
	err = add_units(a, totals, unit_ids, cpus, ncpu);
	free(cpus);
	if (err)
		return -1;
	add_open_states(a, state_since);
	mt_agg_sum(a);
	return 0;
}
