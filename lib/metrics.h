/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus / OpenMetrics text exposition: metric families, samples with
 * labels, log2 histograms as exponential buckets; and a small HTTP
 * endpoint on the loopback interface that serves them, polled from the
 * caller's own loop (no thread, no lock).
 */
#ifndef MIGSCOPE_METRICS_H
#define MIGSCOPE_METRICS_H

#include <stdint.h>
#include <stdio.h>
#include "hist.h"

/* "# HELP" and "# TYPE" lines; type is counter, gauge or histogram */
void om_family(FILE *f, const char *name, const char *type, const char *help);
/* name{labels} value; labels like `side="source",gt="0"`, or NULL */
void om_u64(FILE *f, const char *name, const char *labels, uint64_t v);
void om_f64(FILE *f, const char *name, const char *labels, double v);
/*
 * A log2 histogram of integer values in `unit` seconds (1e-6 for usecs):
 * one bucket per power of two (le = 2^s - 1 units, exact for integers),
 * +Inf, _count and _sum.
 */
void om_log2_hist(FILE *f, const char *name, const char *labels,
		  const struct log2_hist *h, double unit);

/* what the endpoint serves: writes the whole exposition to f */
typedef void (*om_render_fn)(FILE *f, void *ctx);

struct om_http {
	int fd;
	om_render_fn render;
	void *ctx;
	uint64_t scrapes;
};

/* spec ":PORT" or "127.0.0.1:PORT": loopback only; 2 and one line if not */
int om_http_check(const char *cmd, const char *spec);
/* listen on spec; one line on error */
int om_http_open(struct om_http *h, const char *spec, om_render_fn render,
		 void *ctx);
/* answer the requests waiting, for up to timeout_ms */
void om_http_poll(struct om_http *h, int timeout_ms);
void om_http_close(struct om_http *h);

/* render into path atomically (path.tmp, then rename), for textfiles */
int om_write_file(const char *path, om_render_fn render, void *ctx);

#endif /* MIGSCOPE_METRICS_H */
