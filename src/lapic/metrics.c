// SPDX-License-Identifier: GPL-2.0
/*
 * migscope lapic's per-timer figures as Prometheus metrics: the cumulative
 * counters the summary prints, per VMM pid, VM and vCPU (one series per
 * timer: as many as the host has vCPUs), and the lag as a histogram with
 * power-of-two buckets.  Served on loopback (--metrics) and written for
 * node_exporter (--metrics-textfile).
 */
#include "common.h"
#include "lapic.h"

struct counter {
	const char *name, *help;
	size_t off;	/* of the __u64 in struct lapic_vcpu */
};

#define C(field, text) { "migscope_lapic_" #field "_total", text, \
			 offsetof(struct lapic_vcpu, field) }
static const struct counter counters[] = {
	C(expiries, "LAPIC timer expiries."),
	C(late, "Expiries at least one period late."),
	C(clamped, "Targets forced to now: the catch-up fix at work."),
	C(replays, "Callbacks re-run in the same interrupt pass (pre-fix)."),
	C(prefix_replays, "Replays a pre-fix kernel would have run."),
	C(alerts, "Alerts past --alert-lag or --alert-burst."),
};

static void labels(const struct timer_row *row, char *buf, size_t len)
{
	snprintf(buf, len, "pid=\"%u\",vm=\"%d\",vcpu=\"%u\"", row->cur.pid,
		 row->vm, row->cur.vcpu);
}

static void render(FILE *f, void *ctx)
{
	const struct lapic_run *r = ctx;
	struct log2_hist h;
	char l[80];
	size_t c, i;

	for (c = 0; c < ARRAY_SIZE(counters); c++) {
		om_family(f, counters[c].name, "counter", counters[c].help);
		for (i = 0; i < r->nr_rows; i++) {
			labels(&r->rows[i], l, sizeof(l));
			om_u64(f, counters[c].name, l,
			       *(const uint64_t *)((const char *)&r->rows[i].cur +
						   counters[c].off));
		}
	}
	om_family(f, "migscope_lapic_period_seconds", "gauge",
		  "The timer's programmed period.");
	for (i = 0; i < r->nr_rows; i++) {
		labels(&r->rows[i], l, sizeof(l));
		om_f64(f, "migscope_lapic_period_seconds", l,
		       r->rows[i].cur.period_ns / 1e9);
	}
	om_family(f, "migscope_lapic_lag_seconds", "histogram",
		  "Lag at expiry (now - target).");
	for (i = 0; i < r->nr_rows; i++) {
		labels(&r->rows[i], l, sizeof(l));
		lapic_row_total(&r->rows[i], &h);
		om_log2_hist(f, "migscope_lapic_lag_seconds", l, &h, 1e-9);
	}
}

int lapic_metrics_open(struct lapic_run *r)
{
	if (!r->o.metrics)
		return 0;
	return om_http_open(&r->http, r->o.metrics, render, r) ? -1 : 0;
}

void lapic_metrics_tick(struct lapic_run *r, bool write_file)
{
	if (r->http.fd >= 0)
		om_http_poll(&r->http, 0);
	if (write_file && r->o.metrics_textfile)
		om_write_file(r->o.metrics_textfile, render, r);
}

void lapic_metrics_close(struct lapic_run *r)
{
	om_http_close(&r->http);
}
