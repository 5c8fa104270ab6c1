// SPDX-License-Identifier: GPL-2.0
/*
 * The timer table BPF keeps (one cumulative record per LAPIC timer, mmapped
 * read-only) turned into rows: one per timer, VMs numbered per VMM, and the
 * values of an interval as differences of cumulative counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "lapic.h"
#include "lapic.skel.h"

/* --- rows ---------------------------------------------------------------- */

static struct timer_row *row_for(struct lapic_run *r, uint64_t key)
{
	struct timer_row *n;
	size_t i;

	for (i = 0; i < r->nr_rows; i++)
		if (r->rows[i].key == key)
			return &r->rows[i];
	if (r->nr_rows == r->cap_rows) {
		size_t cap = r->cap_rows ? r->cap_rows * 2 : 64;

		n = realloc(r->rows, cap * sizeof(*n));
		if (!n)
			return NULL;
		r->rows = n;
		r->cap_rows = cap;
	}
	n = &r->rows[r->nr_rows++];
	memset(n, 0, sizeof(*n));
	n->key = key;
	return n;
}

static int row_cmp(const void *a, const void *b)
{
	const struct lapic_vcpu *x = &((const struct timer_row *)a)->cur;
	const struct lapic_vcpu *y = &((const struct timer_row *)b)->cur;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->kvm != y->kvm)
		return x->kvm < y->kvm ? -1 : 1;
	return x->vcpu < y->vcpu ? -1 : x->vcpu > y->vcpu;
}

/* VMs numbered per VMM in address order: stable for the whole run */
static void number_vms(struct lapic_run *r)
{
	size_t i;
	int vm = 0;

	qsort(r->rows, r->nr_rows, sizeof(*r->rows), row_cmp);
	for (i = 0; i < r->nr_rows; i++) {
		struct lapic_vcpu *c = &r->rows[i].cur;

		if (i && r->rows[i - 1].cur.pid == c->pid)
			vm += r->rows[i - 1].cur.kvm != c->kvm;
		else
			vm = 0;
		r->rows[i].vm = vm;
	}
}

static uint64_t hv_switches(struct lapic_run *r, uint32_t pid, uint32_t vcpu)
{
	struct lapic_hv_key k = { .pid = pid, .vcpu = vcpu };
	struct lapic_hv h;

	if (bpf_map__lookup_elem(r->obj->maps.hvstate, &k, sizeof(k), &h,
				 sizeof(h), 0))
		return 0;
	return h.to_hv + h.to_sw;
}

void lapic_read_timers(struct lapic_run *r)
{
	const struct lapic_vcpu *v;
	struct timer_row *row;
	uint32_t i;

	for (i = 0; i < LAPIC_MAX_TIMERS; i++) {
		v = &r->table[i];
		if (!v->timer || v->ignored || !v->expiries)
			continue;
		row = row_for(r, v->timer);
		if (!row)
			break;
		/* a new row: name its VM while the VMM is surely there */
		if (!row->cur.pid)
			lapic_vm_name(r, v->pid);
		/* BPF keeps writing: a torn read only skews this one sample */
		row->cur = *v;
		row->hv_switches = hv_switches(r, v->pid, v->vcpu);
	}
	number_vms(r);
}

const char *lapic_vm_name(struct lapic_run *r, uint32_t pid)
{
	return ms_vm_names_get(&r->names, pid);
}

int lapic_map_table(struct lapic_run *r)
{
	size_t len = LAPIC_MAX_TIMERS * sizeof(struct lapic_vcpu);
	void *m;

	m = mmap(NULL, len, PROT_READ, MAP_SHARED,
		 bpf_map__fd(r->obj->maps.timers), 0);
	if (m == MAP_FAILED)
		return ms_err("cannot map the lapic timer table: %s",
			      strerror(errno));
	r->table = m;
	return 0;
}

/* interval values: cumulative now minus cumulative at the interval start */
void lapic_row_delta(const struct timer_row *row, struct lapic_vcpu *d,
		      struct log2_hist *h)
{
	const struct lapic_vcpu *c = &row->cur, *p = &row->prev;
	int i;

	*d = *c;
	d->expiries -= p->expiries;
	d->late -= p->late;
	d->clamped -= p->clamped;
	d->replays -= p->replays;
	d->bursts -= p->bursts;
	d->prefix_replays -= p->prefix_replays;
	d->alerts -= p->alerts;
	d->lag_sum -= p->lag_sum;
	memset(h, 0, sizeof(*h));
	for (i = 0; i < MS_LOG2_SLOTS; i++) {
		h->slots[i] = c->lag_hist[i] - p->lag_hist[i];
		h->count += h->slots[i];
	}
	h->sum = d->lag_sum;
	/* the BPF side keeps the maximum since start: exact for the summary */
	h->max = c->lag_max;
}

void lapic_row_total(const struct timer_row *row, struct log2_hist *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < MS_LOG2_SLOTS; i++) {
		h->slots[i] = row->cur.lag_hist[i];
		h->count += h->slots[i];
	}
	h->sum = row->cur.lag_sum;
	h->max = row->cur.lag_max;
}

const char *lapic_mode_name(uint32_t mode)
{
	switch (mode) {
	case LAPIC_MODE_ONESHOT: return "oneshot";
	case LAPIC_MODE_PERIODIC: return "periodic";
	case LAPIC_MODE_TSCDEADLINE: return "tscdeadline";
	default: return "?";
	}
}
