// SPDX-License-Identifier: GPL-2.0
/* migscope lapic's command line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "common.h"
#include "lapic.h"
#include "ladders.h"
#include "metrics.h"

enum { OPT_ALERT_LAG = 256, OPT_ALERT_BURST, OPT_RUNG, OPT_PROBE_READ,
       OPT_METRICS, OPT_METRICS_TEXTFILE };

static const struct ms_opt lapic_opts[] = {
	{ "pid", 'p', "PID", "only the VMs of this VMM process" },
	{ "interval", 'i', "S", "seconds between tables (default 1)" },
	{ "count", 'c', "N", "stop after N intervals" },
	{ "duration", 'd', "S", "stop after S seconds" },
	{ "json", 'j', NULL, "JSON lines: interval records, events, a summary" },
	{ "perfetto", 'P', "FILE", "Chrome JSON trace: lag per vCPU, instants" },
	{ "alert-lag", OPT_ALERT_LAG, "NS", "alert when an expiry is NS late" },
	{ "alert-burst", OPT_ALERT_BURST, "N",
	  "alert when a replay burst reaches N callbacks" },
	{ "rung", OPT_RUNG, "NAME", "force a rung of the attach ladder" },
	{ "metrics", OPT_METRICS, ":PORT",
	  "serve per-timer Prometheus metrics on 127.0.0.1:PORT" },
	{ "metrics-textfile", OPT_METRICS_TEXTFILE, "FILE",
	  "write them for node_exporter's textfile collector, every interval" },
	/* helper-based reads even where direct loads work: cost comparison */
	{ "probe-read", OPT_PROBE_READ, NULL, NULL },
	{ "verbose", 'v', NULL, "libbpf messages, BPF cost per expiry at exit" },
	{}
};

static const struct ms_cli lapic_cli = {
	.cmd = "lapic",
	.synopsis =
"Usage: migscope lapic [-p VMM_PID] [--interval S] [--count N] [--duration S]\n"
"                      [--json] [--perfetto FILE] [--alert-lag NS]\n"
"                      [--alert-burst N] [--rung fentry|kprobe|tp_btf|tracepoint]\n"
"                      [-v] [interval [count]]\n",
	.about =
"Watch the KVM LAPIC timers of the running kernel, per VM and vCPU: expiries\n"
"per second, period, mode, lag at expiry (now - target) as a log2 histogram,\n"
"late expiries (lag >= 1 period), clamps (the target forced to now: the\n"
"catch-up fix at work), catch-up replays (the callback re-run in the same\n"
"interrupt pass: pre-fix behaviour) with burst lengths, the replays a pre-fix\n"
"kernel would have run (floor(lag/period)), and hv/sw timer switches.\n",
	.opts = lapic_opts,
	.footer =
"Examples:\n"
"  migscope lapic                      # every VM, a table per second\n"
"  migscope lapic -p $(pidof qemu-system-x86_64) 5 3\n"
"  migscope lapic --duration 10 --json --perfetto lapic.json\n",
};

static int parse_secs(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	/* written so that NaN fails too */
	if (errno || *end || !(v > 0 && v <= 1e6))
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_rung(const char *s, struct lapic_opts *o)
{
	int i;

	for (i = 0; i < ms_feature_lapic.nr_rungs; i++)
		if (!strcmp(s, ms_feature_lapic.rungs[i].name))
			break;
	if (i == ms_feature_lapic.nr_rungs)
		return ms_usage_err("lapic", "unknown rung '%s' (fentry, kprobe, tp_btf or tracepoint)", s);
	o->rung = s;
	return 0;
}

static int parse_value(void *ctx, int key, const char *arg)
{
	struct lapic_opts *o = ctx;

	switch (key) {
	case 'p':
		return ms_parse_pid(arg, &o->pid) ? MS_CLI_USAGE : 0;
	case 'i':
		return parse_secs(arg, &o->interval_s) ?
		       ms_usage_err("lapic", "invalid interval '%s'", arg) : 0;
	case 'c':
		return ms_parse_u64(arg, &o->count) || !o->count ?
		       ms_usage_err("lapic", "invalid count '%s'", arg) : 0;
	case 'd':
		return parse_secs(arg, &o->duration_s) ?
		       ms_usage_err("lapic", "invalid duration '%s'", arg) : 0;
	case OPT_ALERT_LAG:
		return ms_parse_u64(arg, &o->alert_lag) || !o->alert_lag ?
		       ms_usage_err("lapic", "invalid --alert-lag '%s' (nanoseconds)", arg) : 0;
	case OPT_ALERT_BURST:
		return ms_parse_u64(arg, &o->alert_burst) || !o->alert_burst ||
		       o->alert_burst > UINT32_MAX ?
		       ms_usage_err("lapic", "invalid --alert-burst '%s'", arg) : 0;
	case OPT_RUNG:
		return parse_rung(arg, o);
	case 'j': o->json = true; return 0;
	case 'P': o->perfetto = arg; return 0;
	case OPT_PROBE_READ: o->probe_read = true; return 0;
	case OPT_METRICS:
		o->metrics = arg;
		return om_http_check("lapic", arg);
	case OPT_METRICS_TEXTFILE: o->metrics_textfile = arg; return 0;
	case 'v': ms_verbose++; return 0;
	}
	return MS_CLI_USAGE;
}

int lapic_parse_args(int argc, char **argv, struct lapic_opts *o)
{
	int err;

	o->interval_s = 1;
	err = ms_cli_parse(&lapic_cli, argc, argv, parse_value, o);
	if (err)
		return err;
	/* libbpf-tools style positionals: [interval] [count] */
	if (optind < argc && parse_secs(argv[optind++], &o->interval_s))
		return ms_usage_err("lapic", "invalid interval '%s'", argv[optind - 1]);
	if (optind < argc && (ms_parse_u64(argv[optind++], &o->count) || !o->count))
		return ms_usage_err("lapic", "invalid count '%s'", argv[optind - 1]);
	if (optind < argc)
		return ms_usage_err("lapic", "unexpected argument '%s'", argv[optind]);
	return 0;
}
