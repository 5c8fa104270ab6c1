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
#include "common.h"
#include "subcommands.h"
#include "trace.h"
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

#define POLL_MS	5	/* drain period: BPF never wakes us */

static const char trace_usage[] =
"Usage: migscope trace [options] [-- COMMAND [ARG...]]\n"
"       migscope record -o FILE [options] [-- COMMAND [ARG...]]\n"
"Trace an xe SR-IOV VF migration: packets, control states, VRAM copies\n"
"and data_read/data_write calls, on the reference model (USDT) or on the\n"
"real xe driver (fentry/fexit, kprobes where trampolines are refused).\n"
"\n"
"  -p, --pid PID         trace this model process\n"
"      --binary PATH     trace every process running PATH\n"
"  -- COMMAND            launch COMMAND stopped, attach, then run it;\n"
"                        its children are traced too\n"
"      --target T        auto (default), model or kernel\n"
"      --vf N            only VF N\n"
"      --gt N            only GT N\n"
"      --type T          only packets of type T (VRAM, GUC, 6, ...)\n"
"  -j, --json            JSON lines, ending with a summary record\n"
"  -q, --quiet           no per-event lines, only the summary\n"
"      --hist            print latency histograms at exit\n"
"      --perfetto FILE   write a Chrome JSON trace for ui.perfetto.dev\n"
"  -o, --output FILE     trace: write the output to FILE;\n"
"                        record: the record file (required)\n"
"  -d, --duration SECS   stop after SECS seconds\n"
"      --ring-size SIZE  event ring buffer size (power of two, >= 4K;\n"
"                        default 4M); a full ring drops and counts events\n"
"      --hook RUNG       kernel target: force fentry or kprobe\n"
"      --attach-check    kernel target: load and attach every program, list\n"
"                        the verdicts, exit\n"
"  -v, --verbose         libbpf messages\n"
"  -h, --help            this text\n"
"\n"
"Examples:\n"
"  migscope trace -- migsim migrate --vram 16M\n"
"  migscope trace -p 1234 --vf 1 --json\n"
"  migscope record -o mig.rec -- migsim migrate --platform ptl\n"
"  migscope report mig.rec --hist --perfetto mig.json\n";

enum {
	OPT_BINARY = 256, OPT_TARGET, OPT_VF, OPT_GT, OPT_TYPE, OPT_HIST,
	OPT_PERFETTO, OPT_HOOK, OPT_ATTACH_CHECK, OPT_RING_SIZE,
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

static int parse_one(struct trace_opts *o, int opt, const char *arg)
{
	const char *cmd = o->cmd;
	char *end;

	switch (opt) {
	case 'p':
		return ms_parse_pid(arg, &o->pid) ? 1 : 0;	/* said why */
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
	case 'v':
		ms_verbose++;
		o->verbose = true;
		return 0;
	default:
		return 2;
	}
}

int mt_parse_opts(struct trace_opts *o, int argc, char **argv,
		  const char *cmd)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "binary", required_argument, NULL, OPT_BINARY },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "vf", required_argument, NULL, OPT_VF },
		{ "gt", required_argument, NULL, OPT_GT },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "hist", no_argument, NULL, OPT_HIST },
		{ "perfetto", required_argument, NULL, OPT_PERFETTO },
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "hook", required_argument, NULL, OPT_HOOK },
		{ "attach-check", no_argument, NULL, OPT_ATTACH_CHECK },
		{ "ring-size", required_argument, NULL, OPT_RING_SIZE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int opt, err;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->vf = o->gt = o->type = MS_ANY;
	/* '+': stop at the first non-option so COMMAND keeps its options */
	while ((opt = getopt_long(argc, argv, "+:p:jqo:d:vh", opts, NULL)) != -1) {
		if (opt == 'h') {
			if (strcmp(cmd, "top"))
				fputs(trace_usage, stdout);
			return -1;	/* help shown: exit 0 */
		}
		if (opt == '?' || opt == ':')
			return ms_getopt_err(cmd, opt, argv);
		err = parse_one(o, opt, optarg);
		if (err)
			return err;
	}
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
	struct mt_out *out;
	struct mt_rec rec;
	uint64_t t0;
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
	if (mt_session_open(&s, o, mt_out_event, out)) {
		mt_session_close(s);
		if (out->rec)
			unlink(o->output);
		return 1;
	}
	if (out->rec)
		snprintf(rec.hdr.target, sizeof(rec.hdr.target), "%s",
			 mt_session_target(s));
	while (!done) {
		done = mt_session_poll(s, POLL_MS);
		if (done < 0)
			err = 1;
	}
	if (out->rec && mt_rec_finish(out->rec, mt_session_drops(s)))
		err = 1;
	if (mt_out_finish(out, mt_session_drops(s)))
		err = 1;
	rc = mt_session_close(s);
	if (f != stdout)
		fclose(f);
	free(out);
	if (rc)
		fprintf(stderr, "migscope: the traced command exited with status %d\n",
			rc);
	return err ? 1 : rc;
}

static int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;
	int err = mt_parse_opts(&o, argc, argv, "trace");

	if (err)
		return err < 0 ? 0 : err;
	ms_libbpf_setup();
	return mt_run(&o);
}

static int cmd_record(int argc, char **argv)
{
	struct trace_opts o;
	int err = mt_parse_opts(&o, argc, argv, "record");

	if (err)
		return err < 0 ? 0 : err;
	if (!o.output)
		return ms_usage_err("record", "-o FILE is required");
	ms_libbpf_setup();
	return mt_run(&o);
}

MS_SUBCOMMAND(trace, cmd_trace,
	      "trace a VF migration: packets, states, VRAM copies, data path", 10);
MS_SUBCOMMAND(record, cmd_record,
	      "record the raw migration event stream to a file", 12);

/* --- report ------------------------------------------------------------ */

static const char report_usage[] =
"Usage: migscope report FILE [--json] [--hist] [--perfetto OUT] [--events]\n"
"Render a file written by 'migscope record': the same summary, histograms\n"
"and Perfetto trace as a live 'migscope trace'.\n"
"\n"
"  -j, --json            the summary as JSON (with --events: JSON lines)\n"
"      --hist            print latency histograms\n"
"      --perfetto OUT    write a Chrome JSON trace for ui.perfetto.dev\n"
"  -e, --events          also print every event\n"
"  -h, --help            this text\n";

static int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "hist", no_argument, NULL, OPT_HIST },
		{ "perfetto", required_argument, NULL, OPT_PERFETTO },
		{ "events", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct trace_opts o = { .cmd = "report", .quiet = true,
				.vf = MS_ANY, .gt = MS_ANY,
				.type = MS_ANY };
	struct mt_rec_hdr hdr;
	struct mt_out *out;
	int opt, err;

	while ((opt = getopt_long(argc, argv, ":jeh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': o.json = true; break;
		case 'e': o.quiet = false; break;
		case OPT_HIST: o.hist = true; break;
		case OPT_PERFETTO: o.perfetto = optarg; break;
		case 'h': fputs(report_usage, stdout); return 0;
		default: return ms_getopt_err("report", opt, argv);
		}
	}
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
		if (out->pf)
			ms_pf_close(out->pf, out->agg.last_ts);
		free(out);
		return 1;
	}
	err = mt_out_finish(out, hdr.drops);
	free(out);
	return err ? 1 : 0;
}

MS_SUBCOMMAND(report, cmd_report,
	      "render a recorded migration: summary, histograms, Perfetto", 13);
