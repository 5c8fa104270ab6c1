// SPDX-License-Identifier: GPL-2.0
/*
 * migscope top: a per-(pid, VF) table refreshed every interval, built from
 * the same aggregator as the trace summary.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "common.h"
#include "commands.h"
#include "trace.h"
#include "xe_sriov_names.h"

static void states_str(const struct mt_unit *u, char *buf, size_t len)
{
	size_t used = 0;
	int g, b;

	buf[0] = '\0';
	for (g = 0; g < MS_MAX_GT; g++) {
		if (!u->bits[g])
			continue;
		used += snprintf(buf + used, len - used, "%sGT%d:", used ? " " : "",
				 g);
		for (b = 0; b < 64 && used < len; b++) {
			const char *n = xe_state_name(b);

			if (u->bits[g] >> b & 1)
				used += snprintf(buf + used, len - used, "%s%s",
						 buf[used - 1] == ':' ? "" : ",",
						 n ? n : "?");
		}
		if (used >= len)
			break;
	}
}

static void print_table(struct mt_agg *a, double interval_s, bool tty)
{
	char ts[16], states[256];
	time_t now = time(NULL);
	int i;

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("%s  events %llu  errors %llu\n", ts,
	       (unsigned long long)a->events, (unsigned long long)a->errors);
	printf("%-8s %-3s %-10s %12s %10s %-7s %s\n", "PID", "VF", "PHASE",
	       "MOVED", "Gbit/s", "RING", "STATES");
	for (i = 0; i < MT_MAX_UNITS; i++) {
		struct mt_unit *u = &a->units[i];
		uint64_t moved;
		char ring[4 * MS_MAX_GT + 4];

		if (!u->used || u->vf == MS_VF_UNKNOWN)
			continue;
		moved = u->read_bytes + u->write_bytes;
		mt_unit_rings(u, ring, sizeof(ring));
		states_str(u, states, sizeof(states));
		printf("%-8u %-3u %-10s %12llu %10.3f %-7s %s\n", u->pid, u->vf,
		       mt_unit_phase(u),
		       (unsigned long long)moved,
		       /* the unit of every throughput migscope and migsim print */
		       (moved - u->top_last_bytes) * 8.0 / interval_s / 1e9, ring,
		       states);
		u->top_last_bytes = moved;
	}
	fflush(stdout);
}

/*
 * The figures so far, as BPF totalled them (a no-op on the event path):
 * a fresh aggregate each time, keeping what each unit had moved at the
 * last refresh for its rate.
 */
static int refresh(struct mt_session *s, struct mt_agg *a)
{
	struct mt_agg *fresh = calloc(1, sizeof(*fresh));
	struct mt_unit *u, *old;
	int i, rc;

	if (!fresh)
		return ms_err("out of memory");
	rc = mt_session_totals(s, fresh);
	for (i = 0; rc > 0 && i < MT_MAX_UNITS; i++) {
		u = &fresh->units[i];
		old = u->used ? mt_agg_unit(a, u->pid, u->vf) : NULL;
		if (old)
			u->top_last_bytes = old->top_last_bytes;
	}
	if (rc > 0)
		*a = *fresh;
	free(fresh);
	return rc < 0 ? -1 : 0;
}

/* [interval] [count] come before an optional -- COMMAND */
static int parse_positionals(struct trace_opts *o, char **argv)
{
	char **p = o->command;
	uint64_t v;
	int n = 0;

	if (!p || !strcmp(argv[optind - 1], "--"))
		return 0;
	o->command = NULL;
	for (; *p && strcmp(*p, "--"); p++, n++) {
		if (n >= 2 || ms_parse_u64(*p, &v) || !v || v > 86400)
			return ms_usage_err("top", "'%s' is not an interval or count (positive integers)",
					    *p);
		if (n == 0)
			o->interval_s = v;
		else
			o->count = v;
	}
	if (*p && p[1])
		o->command = p + 1;
	return 0;
}

int mt_top(const struct trace_opts *o)
{
	struct mt_session *s = NULL;
	struct mt_out *out = calloc(1, sizeof(*out));
	uint64_t next;
	int done = 0, shown = 0, rc;
	bool tty = isatty(STDOUT_FILENO);

	if (!out || ms_require_bpf_privileges("top"))
		return 1;
	ms_setup_signals();
	if (mt_out_open(out, o, stdout, ms_now_ns()) ||
	    mt_session_open(&s, o, mt_out_event, out)) {
		mt_session_close(s);
		return 1;
	}
	next = ms_now_ns() + o->interval_s * 1000000000ull;
	while (!done) {
		done = mt_session_poll(s, 5);
		if (done < 0)
			break;
		if (ms_now_ns() < next && !done)
			continue;
		next += o->interval_s * 1000000000ull;
		if (refresh(s, &out->agg)) {
			done = -1;
			break;
		}
		print_table(&out->agg, o->interval_s, tty);
		if (o->count && ++shown >= o->count)
			break;
	}
	if (mt_session_drops(s))
		printf("WARNING: %llu events dropped\n",
		       (unsigned long long)mt_session_drops(s));
	rc = mt_session_close(s);
	free(out);
	return done < 0 ? 1 : rc;
}

int cmd_top(int argc, char **argv)
{
	struct trace_opts o;
	int err = mt_parse_opts(&o, argc, argv, "top");

	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (parse_positionals(&o, argv) || mt_check_attach_opts(&o))
		return 2;
	if (!o.interval_s)
		o.interval_s = 1;
	o.quiet = true;
	ms_libbpf_setup();
	return mt_top(&o);
}
