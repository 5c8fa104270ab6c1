// SPDX-License-Identifier: GPL-2.0
/*
 * migscope top: a per-(pid, VF) table refreshed every interval, built from
 * the same units as the trace summary (its GTs' units make a row).
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

/* what each (pid, VF) row had moved at the last refresh, for its rate */
struct top_prev {
	uint32_t pid;
	uint16_t vf;
	bool used;
	uint64_t moved;
};

static void states_str(const struct mt_top_row *r, char *buf, size_t len)
{
	size_t used = 0;
	int g, b;

	buf[0] = '\0';
	for (g = 0; g < MS_MAX_GT; g++) {
		if (!r->bits[g])
			continue;
		used += snprintf(buf + used, len - used, "%sGT%d:", used ? " " : "",
				 g);
		for (b = 0; b < 64 && used < len; b++) {
			const char *n = xe_state_name(b);

			if (r->bits[g] >> b & 1)
				used += snprintf(buf + used, len - used, "%s%s",
						 buf[used - 1] == ':' ? "" : ",",
						 n ? n : "?");
		}
		if (used >= len)
			break;
	}
}

/* the row's moved bytes at the last refresh (0 the first time); now moved */
static uint64_t top_last(struct top_prev *prev, const struct mt_top_row *r)
{
	uint64_t last;
	int i;

	for (i = 0; i < MT_MAX_UNITS; i++) {
		if (prev[i].used && (prev[i].pid != r->pid || prev[i].vf != r->vf))
			continue;
		last = prev[i].used ? prev[i].moved : 0;
		prev[i] = (struct top_prev){ r->pid, r->vf, true, r->moved };
		return last;
	}
	return 0;
}

/* is u the first unit of its (pid, VF)? then it stands for the row */
static bool row_head(const struct mt_agg *a, int i)
{
	const struct mt_unit *u = &a->units[i];
	int k;

	if (i == MT_UNIT_OTHER || !u->used || u->vf == MS_VF_UNKNOWN)
		return false;
	for (k = MT_UNIT_OTHER + 1; k < i; k++)
		if (a->units[k].used && a->units[k].pid == u->pid &&
		    a->units[k].vf == u->vf)
			return false;
	return true;
}

static void print_table(const struct mt_agg *a, struct top_prev *prev,
			double interval_s, bool tty)
{
	char ts[16], states[256];
	time_t now = time(NULL);
	struct mt_top_row r;
	int i;

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("%s  events %llu  errors %llu\n", ts,
	       (unsigned long long)a->all.events,
	       (unsigned long long)a->all.errors);
	printf("%-8s %-3s %-10s %12s %10s %-7s %s\n", "PID", "VF", "PHASE",
	       "MOVED", "Gbit/s", "RING", "STATES");
	for (i = 0; i < MT_MAX_UNITS; i++) {
		if (!row_head(a, i))
			continue;
		mt_top_row(a, a->units[i].pid, a->units[i].vf, &r);
		states_str(&r, states, sizeof(states));
		printf("%-8u %-3u %-10s %12llu %10.3f %-7s %s\n", r.pid, r.vf,
		       mt_top_phase(&r), (unsigned long long)r.moved,
		       /* the unit of every throughput migscope and migsim print */
		       (r.moved - top_last(prev, &r)) * 8.0 / interval_s / 1e9,
		       r.rings, states);
	}
	if (a->units[MT_UNIT_OTHER].used)
		printf("WARNING: more than %d units: the later ones are not shown\n",
		       MT_MAX_UNITS - 1);
	fflush(stdout);
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
	struct top_prev prev[MT_MAX_UNITS] = {};
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
		if (mt_session_totals(s, &out->agg) < 0) {
			done = -1;
			break;
		}
		print_table(&out->agg, prev, o->interval_s, tty);
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
