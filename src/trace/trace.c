// SPDX-License-Identifier: GPL-2.0
/*
 * migscope trace, record and report: option parsing and the run loop.
 * Rendering lives in trace_out.c / trace_agg.c / trace_perfetto.c and is
 * shared by all three.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "common.h"
#include "commands.h"
#include "report_merged.h"
#include "trace.h"
#include "trace_sinks.h"
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

#define POLL_MS	5	/* drain period: BPF never wakes us */

enum {
	OPT_BINARY = 256, OPT_TARGET, OPT_VF, OPT_GT, OPT_TYPE, OPT_HIST,
	OPT_PERFETTO, OPT_HOOK, OPT_ATTACH_CHECK, OPT_RING_SIZE,
	OPT_BREAKDOWN, OPT_METRICS, OPT_METRICS_HOLD, OPT_METRICS_TEXTFILE,
};

/* the options that pick what is traced and how: trace, record and top */
#define TARGET_OPTS							\
	{ "pid", 'p', "PID", "trace this model process" },		\
	{ "binary", OPT_BINARY, "PATH", "trace every process running PATH" }, \
	{ "target", OPT_TARGET, "T", "auto (default), model or kernel" }, \
	{ "vf", OPT_VF, "N", "only VF N" },				\
	{ "gt", OPT_GT, "N", "only GT N" },				\
	{ "type", OPT_TYPE, "T", "only packets of type T (VRAM, GUC, 6, ...)" }, \
	{ "duration", 'd', "SECS", "stop after SECS seconds" },		\
	{ "ring-size", OPT_RING_SIZE, "SIZE",				\
	  "each CPU's event ring (power of two, 4K..1G; default 4M over all CPUs, 256K or more each)" }, \
	{ "hook", OPT_HOOK, "RUNG", "kernel target: force fentry or kprobe" }

/* trace and record: those, and their outputs */
static const struct ms_opt attach_opts[] = {
	TARGET_OPTS,
	{ "json", 'j', NULL, "JSON lines, ending with a summary record" },
	{ "quiet", 'q', NULL, "no per-event lines, only the summary" },
	{ "hist", OPT_HIST, NULL, "print latency histograms at exit" },
	{ "perfetto", OPT_PERFETTO, "FILE",
	  "write a Chrome JSON trace for ui.perfetto.dev" },
	{ "output", 'o', "FILE",
	  "trace: write the output to FILE; record: the record file" },
	{ "attach-check", OPT_ATTACH_CHECK, NULL,
	  "kernel target: load and attach every program, list, exit" },
	{ "breakdown", OPT_BREAKDOWN, NULL,
	  "at the end, the downtime of a migration seen whole (both sides)" },
	{ "metrics", OPT_METRICS, ":PORT",
	  "serve Prometheus metrics on 127.0.0.1:PORT while tracing" },
	{ "metrics-hold", OPT_METRICS_HOLD, "SECS",
	  "keep serving the final totals SECS after the end" },
	{ "metrics-textfile", OPT_METRICS_TEXTFILE, "FILE",
	  "write them for node_exporter's textfile collector, every second" },
	{ "verbose", 'v', NULL, "libbpf messages" },
	{}
};

/*
 * top: only what it honours.  Its output is the table: --json, -o,
 * --perfetto, --metrics and the like would be taken and then ignored.
 */
static const struct ms_opt top_opts[] = {
	TARGET_OPTS,
	{ "verbose", 'v', NULL, "libbpf messages" },
	{}
};

#define TRACE_ABOUT \
"Trace an xe SR-IOV VF migration: packets, control states, VRAM copies\n" \
"and data_read/data_write calls, on the reference model (USDT) or on the\n" \
"real xe driver (fentry/fexit, kprobes where trampolines are refused).\n" \
"-- COMMAND launches COMMAND stopped, attaches, then runs it; its children\n" \
"are traced too.  A full event ring drops events and counts them.\n"

#define TRACE_EXAMPLES \
"Examples:\n" \
"  migscope trace -- migsim migrate --vram 16M\n" \
"  migscope trace -p 1234 --vf 1 --json\n" \
"  migscope record -o mig.rec -- migsim migrate --platform ptl\n" \
"  migscope report mig.rec --hist --perfetto mig.json\n"

#define TRACE_SYNOPSIS \
"Usage: migscope trace [options] [-- COMMAND [ARG...]]\n" \
"       migscope record -o FILE [options] [-- COMMAND [ARG...]]\n"

static const struct ms_cli trace_cli = {
	.cmd = "trace", .synopsis = TRACE_SYNOPSIS, .about = TRACE_ABOUT,
	.opts = attach_opts, .footer = TRACE_EXAMPLES, .stop_at_operand = true,
};

static const struct ms_cli record_cli = {
	.cmd = "record", .synopsis = TRACE_SYNOPSIS, .about = TRACE_ABOUT,
	.opts = attach_opts, .footer = TRACE_EXAMPLES, .stop_at_operand = true,
};

static const struct ms_cli top_cli = {
	.cmd = "top",
	.synopsis =
	"Usage: migscope top [-p PID | --binary PATH] [options] [interval] [count]\n"
	"       migscope top [options] [interval] [count] -- COMMAND [ARG...]\n",
	.about =
	"A live per-VF table of migrations: phase, bytes moved, throughput, ring\n"
	"occupancy and the control states set, refreshed every interval seconds\n"
	"(default 1).\n",
	.opts = top_opts,
	.stop_at_operand = true,
};

/* the kernel wants a power-of-two multiple of the page size */
static int parse_ring_size(const char *cmd, const char *arg, uint32_t *out)
{
	uint64_t v;

	if (ms_parse_size(arg, &v) || v < 4096 || v > (1u << 30) ||
	    (v & (v - 1)))
		return ms_usage_err(cmd, "--ring-size '%s' must be a power of two from 4K to 1G",
				    arg);
	*out = v;
	return 0;
}

static int parse_u32(const char *cmd, const char *what, const char *s,
		     uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (ms_parse_u64(s, &v) || v > max)
		return ms_usage_err(cmd, "%s '%s' is not a number from 0 to %u",
				    what, s, max);
	*out = v;
	return 0;
}

static int parse_type(const char *cmd, const char *s, uint32_t *out)
{
	int t = xe_packet_type_from_name(s);
	uint64_t v;

	if (t < 0 && !ms_parse_u64(s, &v) && v >= 1 &&
	    v <= XE_SRIOV_PACKET_TYPE_MAX)
		t = v;
	if (t < 1)
		return ms_usage_err(cmd, "unknown packet type '%s' (DESCRIPTOR, TRAILER, GGTT, MMIO, GUC, VRAM or 1-6)",
				    s);
	*out = t;
	return 0;
}

static int parse_target(const char *cmd, const char *s, enum mt_target *t)
{
	if (!strcmp(s, "auto"))
		*t = MT_TARGET_AUTO;
	else if (!strcmp(s, "model"))
		*t = MT_TARGET_MODEL;
	else if (!strcmp(s, "kernel"))
		*t = MT_TARGET_KERNEL;
	else
		return ms_usage_err(cmd, "--target must be auto, model or kernel, not '%s'",
				    s);
	return 0;
}

static int parse_one(void *ctx, int opt, const char *arg)
{
	struct trace_opts *o = ctx;
	const char *cmd = o->cmd;
	char *end;

	switch (opt) {
	case 'p':	/* it says why */
		return ms_parse_pid(arg, &o->pid) ? MS_CLI_USAGE : 0;
	case OPT_BINARY:
		o->binary = arg;
		return 0;
	case OPT_TARGET:
		return parse_target(cmd, arg, &o->target);
	case OPT_VF:
		return parse_u32(cmd, "--vf", arg, 63, &o->vf);
	case OPT_GT:
		return parse_u32(cmd, "--gt", arg, MS_MAX_GT - 1, &o->gt);
	case OPT_TYPE:
		return parse_type(cmd, arg, &o->type);
	case 'j':
		o->json = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case OPT_HIST:
		o->hist = true;
		return 0;
	case OPT_PERFETTO:
		o->perfetto = arg;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case 'd':
		o->duration_s = strtod(arg, &end);
		if (*end || o->duration_s <= 0)
			return ms_usage_err(cmd, "--duration '%s' is not a positive number of seconds",
					    arg);
		return 0;
	case OPT_HOOK:
		o->hook = arg;
		return 0;
	case OPT_ATTACH_CHECK:
		o->attach_check = true;
		return 0;
	case OPT_RING_SIZE:
		return parse_ring_size(cmd, arg, &o->ring_size);
	case OPT_BREAKDOWN:
	case OPT_METRICS:
	case OPT_METRICS_HOLD:
	case OPT_METRICS_TEXTFILE:
		return mt_parse_sink_opt(o, opt - OPT_BREAKDOWN, arg);
	case 'v':
		ms_verbose++;
		o->verbose = true;
		return 0;
	default:
		return MS_CLI_USAGE;
	}
}

int mt_parse_opts(struct trace_opts *o, int argc, char **argv,
		  const char *cmd)
{
	const struct ms_cli *cli = !strcmp(cmd, "top") ? &top_cli :
				   !strcmp(cmd, "record") ? &record_cli :
				   &trace_cli;
	int err;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->vf = o->gt = o->type = MS_ANY;
	/* options end at the first operand, so COMMAND keeps its options */
	err = ms_cli_parse(cli, argc, argv, parse_one, o);
	if (err)
		return err;
	if (optind < argc)
		o->command = &argv[optind];
	/* top's [interval] [count] look like a command until it parses them */
	return strcmp(cmd, "top") ? mt_check_attach_opts(o) : 0;
}

int mt_check_attach_opts(const struct trace_opts *o)
{
	if (!!o->pid + !!o->binary + !!o->command > 1 &&
	    !(o->binary && o->command))
		return ms_usage_err(o->cmd, "give only one of -p PID, --binary PATH and -- COMMAND");
	return 0;
}

bool mt_wants_events(const struct trace_opts *o)
{
	/* the summary, the histograms, top's table and the metrics BPF totals */
	return !o->quiet || !strcmp(o->cmd, "record") || o->perfetto ||
	       o->breakdown;
}

static FILE *open_output(const struct trace_opts *o)
{
	FILE *f;

	if (!o->output || !strcmp(o->cmd, "record"))
		return stdout;
	f = fopen(o->output, "w");
	if (!f)
		ms_err("cannot write %s: %s", o->output, strerror(errno));
	return f;
}

int mt_run(const struct trace_opts *o)
{
	struct mt_session *s = NULL;
	struct mt_sinks sinks;
	struct mt_out *out;
	struct mt_rec rec;
	uint64_t t0, drops;
	FILE *f;
	int rc, done = 0, err = 0;

	if (ms_require_bpf_privileges(o->cmd))
		return 1;
	if (o->attach_check)
		return mt_attach_check(o);
	f = open_output(o);
	out = calloc(1, sizeof(*out));
	if (!f || !out)
		return 1;
	ms_setup_signals();
	t0 = ms_now_ns();
	if (mt_out_open(out, o, f, t0))
		return 1;
	if (!strcmp(o->cmd, "record")) {
		if (mt_rec_create(&rec, o->output, "model", t0))
			return 1;
		out->rec = &rec;
		out->per_event = false;
	}
	if (mt_sinks_open(&sinks, o, out) ||
	    mt_session_open(&s, o, mt_sinks_event, &sinks)) {
		mt_session_close(s);
		mt_sinks_close(&sinks);
		if (out->rec)
			unlink(o->output);
		return 1;
	}
	/* the kernel target installed its BTF's names while opening */
	if (out->rec) {
		snprintf(rec.hdr.target, sizeof(rec.hdr.target), "%s",
			 mt_session_target(s));
		if (mt_rec_set_names(out->rec, xe_names_active()))
			err = 1;
	}
	while (!done) {
		done = mt_session_poll(s, POLL_MS);
		if (done < 0)
			err = 1;
		mt_sinks_tick(&sinks, s);
	}
	drops = mt_session_drops(s);
	if (mt_session_totals(s, &out->agg) < 0)
		err = 1;
	if (out->rec && mt_rec_finish(out->rec, drops))
		err = 1;
	if (mt_out_finish(out, drops))
		err = 1;
	rc = mt_session_close(s);
	if (mt_sinks_finish(&sinks, drops))
		err = 1;
	mt_sinks_close(&sinks);
	if (f != stdout)
		fclose(f);
	free(out);
	if (rc)
		fprintf(stderr, "migscope: the traced command exited with status %d\n",
			rc);
	return err ? 1 : rc;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;
	int err = mt_parse_opts(&o, argc, argv, "trace");

	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	ms_libbpf_setup();
	return mt_run(&o);
}

int cmd_record(int argc, char **argv)
{
	struct trace_opts o;
	int err = mt_parse_opts(&o, argc, argv, "record");

	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (!o.output)
		return ms_usage_err("record", "-o FILE is required");
	ms_libbpf_setup();
	return mt_run(&o);
}


/* --- report ------------------------------------------------------------ */

static const struct ms_opt report_opts[] = {
	{ "json", 'j', NULL, "the summary as JSON (with --events: JSON lines)" },
	{ "hist", OPT_HIST, NULL, "print latency histograms" },
	{ "perfetto", OPT_PERFETTO, "OUT",
	  "write a Chrome JSON trace for ui.perfetto.dev" },
	{ "events", 'e', NULL, "also print every event" },
	{}
};

static const struct ms_cli report_cli = {
	.cmd = "report",
	.synopsis = "Usage: migscope report FILE [--json] [--hist] [--perfetto OUT] [--events]\n",
	.about =
"Render a file written by 'migscope record': the same summary, histograms\n"
"and Perfetto trace as a live 'migscope trace'.\n",
	.opts = report_opts,
	.footer =
"Two recordings (source and destination), --breakdown, --diff, --svg or\n"
"--align: the merged view of a migration and its downtime\n"
"('migscope report --diff --help').\n",
};

static int report_value(void *ctx, int key, const char *arg)
{
	struct trace_opts *o = ctx;

	switch (key) {
	case 'j': o->json = true; break;
	case 'e': o->quiet = false; break;
	case OPT_HIST: o->hist = true; break;
	case OPT_PERFETTO: o->perfetto = arg; break;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct trace_opts o = { .cmd = "report", .quiet = true,
				.vf = MS_ANY, .gt = MS_ANY,
				.type = MS_ANY };
	struct mt_rec_hdr hdr;
	struct mt_out *out;
	int err;

	if (mb_report_wants(argc, argv))
		return mb_report_main(argc, argv);
	err = ms_cli_parse(&report_cli, argc, argv, report_value, &o);
	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (optind != argc - 1)
		return ms_usage_err("report", "give exactly one record file");
	/* the recording's own start, so Perfetto times match the live run */
	if (mt_rec_peek(argv[optind], &hdr))
		return 1;
	out = calloc(1, sizeof(*out));
	if (!out || mt_out_open(out, &o, stdout, hdr.mono_start_ns))
		return 1;
	err = mt_rec_read(argv[optind], &hdr, mt_out_event, out);
	if (err) {
		mt_agg_sum(&out->agg);
		if (out->pf)
			ms_pf_close(out->pf, out->agg.all.last_ts);
		free(out);
		return 1;
	}
	err = mt_out_finish(out, hdr.drops);
	free(out);
	return err ? 1 : 0;
}
