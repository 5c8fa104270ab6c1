/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a live trace feeds besides its output layer: the downtime
 * breakdown of a migration it saw both sides of (--breakdown), the
 * Prometheus endpoint (--metrics) and the node_exporter textfile
 * (--metrics-textfile).
 */
#ifndef MIGSCOPE_TRACE_SINKS_H
#define MIGSCOPE_TRACE_SINKS_H

#include "metrics.h"
#include "trace.h"

struct mb_coll;

struct mt_sinks {
	const struct trace_opts *o;
	struct mt_out *out;
	struct mt_session *s;	/* while tracing: where the figures are */
	struct mb_coll *coll;
	struct om_http http;
	uint64_t drops;
	uint64_t file_ns;	/* last textfile write */
	int stats_fd;		/* BPF run time counted while open, or -1 */
	uint64_t bpf_ns, bpf_runs;
};

/* --breakdown, --metrics, --metrics-hold, --metrics-textfile (which 0..3) */
int mt_parse_sink_opt(struct trace_opts *o, int which, const char *arg);
int mt_sinks_open(struct mt_sinks *k, const struct trace_opts *o,
		  struct mt_out *out);
/* an ms_event_fn: the output layer, then the breakdown */
int mt_sinks_event(void *ctx, const struct ms_event *e);
/* between drains: answer scrapes, refresh the textfile */
void mt_sinks_tick(struct mt_sinks *k, struct mt_session *s);
/* after the summary: the breakdown, the last textfile, the held endpoint */
int mt_sinks_finish(struct mt_sinks *k, uint64_t drops);
void mt_sinks_close(struct mt_sinks *k);

void mt_metrics_render(FILE *f, void *ctx);

#endif /* MIGSCOPE_TRACE_SINKS_H */
