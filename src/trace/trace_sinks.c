// SPDX-License-Identifier: GPL-2.0
/* The live trace's extra outputs; see trace_sinks.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common.h"
#include "breakdown.h"
#include "trace_sinks.h"

#define TEXTFILE_PERIOD_NS	1000000000ull

int mt_parse_sink_opt(struct trace_opts *o, int which, const char *arg)
{
	char *end;

	if (!strcmp(o->cmd, "top"))
		return ms_usage_err(o->cmd, "--breakdown and --metrics* are for trace and record");
	switch (which) {
	case 0:
		o->breakdown = true;
		return 0;
	case 1:
		o->metrics = arg;
		return om_http_check(o->cmd, arg);
	case 2:
		o->metrics_hold_s = strtod(arg, &end);
		if (*end || o->metrics_hold_s < 0 || o->metrics_hold_s > 3600)
			return ms_usage_err(o->cmd, "--metrics-hold '%s' is not a number of seconds from 0 to 3600",
					    arg);
		return 0;
	default:
		o->metrics_textfile = arg;
		return 0;
	}
}

int mt_sinks_open(struct mt_sinks *k, const struct trace_opts *o,
		  struct mt_out *out)
{
	memset(k, 0, sizeof(*k));
	k->o = o;
	k->out = out;
	k->http.fd = -1;
	/* BPF run time is counted only while someone holds stats enabled */
	k->stats_fd = o->metrics || o->metrics_textfile ?
		      bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
	if (o->breakdown) {
		k->coll = mb_coll_new();
		if (!k->coll)
			return ms_err("out of memory");
	}
	if (o->metrics && om_http_open(&k->http, o->metrics,
				       mt_metrics_render, k))
		return -1;
	return 0;
}

int mt_sinks_event(void *ctx, const struct ms_event *e)
{
	struct mt_sinks *k = ctx;
	int err = mt_out_event(k->out, e);

	if (!err && k->coll)
		err = mb_coll_add(k->coll, e);
	return err;
}

static void textfile(struct mt_sinks *k, bool now)
{
	uint64_t t = ms_now_ns();

	if (!k->o->metrics_textfile ||
	    (!now && t - k->file_ns < TEXTFILE_PERIOD_NS))
		return;
	k->file_ns = t;
	om_write_file(k->o->metrics_textfile, mt_metrics_render, k);
}

void mt_sinks_tick(struct mt_sinks *k, struct mt_session *s)
{
	k->s = s;
	k->drops = mt_session_drops(s);
	if (k->stats_fd >= 0)
		mt_session_bpf_stats(s, &k->bpf_ns, &k->bpf_runs);
	om_http_poll(&k->http, 0);
	textfile(k, false);
}

static int breakdown(struct mt_sinks *k)
{
	struct mb_result *r = calloc(1, sizeof(*r));
	int err = -1;

	if (r && !mb_analyze(k->coll, MB_ALIGN_AUTO, r)) {
		if (k->o->json)
			mb_json(&k->out->j, r);
		else
			mb_text(k->out->f, r);
		fflush(k->out->f);
		err = 0;
	}
	if (r)
		mb_result_free(r);
	free(r);
	return err;
}

int mt_sinks_finish(struct mt_sinks *k, uint64_t drops)
{
	uint64_t until;
	int err = 0;

	/* the session is closed: out's figures are the final ones */
	k->s = NULL;
	k->drops = drops;
	if (k->coll && breakdown(k))
		err = -1;
	textfile(k, true);
	if (k->http.fd < 0)
		return err;
	/* keep the final totals up long enough for a scraper to see them */
	until = ms_now_ns() + (uint64_t)(k->o->metrics_hold_s * 1e9);
	while (!ms_exiting && ms_now_ns() < until)
		om_http_poll(&k->http, 100);
	return err;
}

void mt_sinks_close(struct mt_sinks *k)
{
	om_http_close(&k->http);
	if (k->stats_fd >= 0)
		close(k->stats_fd);
	k->stats_fd = -1;
	mb_coll_free(k->coll);
	k->coll = NULL;
}
