// SPDX-License-Identifier: GPL-2.0
/* migscope inject's command line: see inject_cli.h. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"
#include "common.h"
#include "inject_cli.h"

enum {
	O_SITE = 256, O_ERRNO, O_NTH, O_EVERY, O_PROB, O_SEED, O_TIMES,
	O_VF, O_GT, O_TYPE, O_OFFSET, O_SIGNAL, O_DRY, O_JSON, O_LIST,
	O_MECH, O_FILE, O_DELAY,
};

static const struct ms_opt inject_opts_table[] = {
	{ "site", O_SITE, "SITE", "the fault site (sites: below)" },
	{ "errno", O_ERRNO, "E", "fail with E (EIO, ENOMEM, 5, ...)" },
	{ "delay-us", O_DELAY, "N", "delay sites: sleep N us (1..1000000)" },
	{ "nth", O_NTH, "N", "fail exactly the N-th hit" },
	{ "every", O_EVERY, "N", "fail every N-th hit" },
	{ "probability", O_PROB, "P", "fail a share P (0..1) of the hits" },
	{ "seed", O_SEED, "S", "seed of --probability: same seed, same hits" },
	{ "times", O_TIMES, "T", "fail at most T times" },
	{ "vf", O_VF, "N", "only hits on VF N" },
	{ "gt", O_GT, "N", "only hits on GT N" },
	{ "type", O_TYPE, "T", "only hits on packet type T" },
	{ "offset", O_OFFSET, "A:B", "only hits at offsets A..B (K/M/G)" },
	{ "signal", O_SIGNAL, "SIG", "send SIG at the site instead" },
	{ "mechanism", O_MECH, "M", "force model, signal or kernel" },
	{ "file", O_FILE, "PATH", "kernel mechanism: the data file" },
	{ "dry-run", O_DRY, NULL, "decide and log, never inject" },
	{ "json", O_JSON, NULL, "JSON lines: inject records, a summary" },
	{ "list", O_LIST, NULL, "the sites and what reaches them here" },
	{ "pid", 'p', "PID", "inject into PID and its children" },
	{ "verbose", 'v', NULL, "libbpf messages" },
	{}
};

static void more_usage(FILE *f)
{
	fprintf(f, "\nsites: %s\n", inj_site_list());
}

static const struct ms_cli inject_cli = {
	.cmd = "inject",
	.synopsis =
"Usage: migscope inject --site SITE (--errno E | --delay-us N)\n"
"                       [--nth N | --every N |\n"
"                       --probability P --seed S] [--times T] [--vf N]\n"
"                       [--gt N] [--type T] [--offset A:B] [--signal SIG]\n"
"                       [--mechanism model|signal|kernel] [--file PATH]\n"
"                       [--dry-run] [--json] [-v] (-p PID | -- COMMAND...)\n"
"       migscope inject --list\n",
	.about =
"Fail chosen hits of a fault site of the migration data path.  A hit is a\n"
"call that passes every filter (site, --vf, --gt, --type, --offset, the\n"
"process tree of -p PID or COMMAND); of those, --nth N fails exactly the\n"
"N-th, --every N every N-th, --probability P (0..1, with --seed: the same\n"
"seed fails the same hits) a random share; none of them: every hit.\n"
"--times caps the number of failures.  Every injection is printed; a\n"
"summary ends the run.  Nothing outside the process tree is touched, and\n"
"nothing stays armed after migscope exits, however it exits.\n"
"Delay sites are not error points: --delay-us N makes the chosen hits\n"
"sleep N us, to open races: save_step (the save worker, before its next\n"
"step: workqueue latency), save_consume (the reader, after finding a GT's\n"
"ring empty), save_wait (the worker, between finding the ring full and\n"
"parking in SAVE_WAIT_DATA), restore_step (the restore worker, before\n"
"each packet), restore_wait (the writer, between finding a GT's ring full\n"
"and sleeping).  --signal SIG at a delay site sends SIG there instead: at\n"
"save_consume and restore_wait it is pending when the wait begins.\n",
	.opts = inject_opts_table,
	.footer =
"Mechanisms: model (the reference model's fault sites: USDT + verdict\n"
"map), signal (--signal: bpf_send_signal at the site), kernel (fmod_ret\n"
"on security_file_permission: read()/write() of the migration data file\n"
"-- the xe_vfio_mig file, debugfs migration_data, or --file PATH -- fail;\n"
"data_read and data_write only).  --list shows what works here.\n"
"With -- COMMAND the exit status is the command's.\n",
	.more = more_usage,
	.stop_at_operand = true,
};

static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;

	if (ms_parse_u64(s, &v) || v >= MS_ANY)
		return -1;
	*out = v;
	return 0;
}

static int parse_signal(const char *s)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "INT", SIGINT }, { "TERM", SIGTERM }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "ALRM", SIGALRM },
		{ "HUP", SIGHUP }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
		{ "SEGV", SIGSEGV }, { "ABRT", SIGABRT }, { "PIPE", SIGPIPE },
		{ "URG", SIGURG }, { "WINCH", SIGWINCH },
	};
	uint64_t v;
	size_t i;

	if (!ms_parse_u64(s, &v))
		return v > 0 && v < 65 ? (int)v : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!strcasecmp(s, sigs[i].name))
			return sigs[i].sig;
	return -1;
}

static int parse_offset(const char *s, struct inj_plan *p)
{
	char lo[32];
	const char *colon = strchr(s, ':');

	if (!colon || colon - s >= (int)sizeof(lo))
		return -1;
	memcpy(lo, s, colon - s);
	lo[colon - s] = 0;
	if (ms_parse_size(lo, &p->off_lo) || ms_parse_size(colon + 1, &p->off_hi))
		return -1;
	return p->off_hi && p->off_hi >= p->off_lo ? 0 : -1;
}


/* how often and how: the should_fail()-style part of the plan */
static int parse_when(struct inj_plan *p, int c, const char *arg)
{
	switch (c) {
	case O_NTH:
		if (ms_parse_u64(arg, &p->nth) || !p->nth)
			return ms_usage_err("inject", "--nth takes a number >= 1, not '%s'", arg);
		return 0;
	case O_EVERY:
		if (ms_parse_u64(arg, &p->interval) || !p->interval)
			return ms_usage_err("inject", "--every takes a number >= 1, not '%s'", arg);
		return 0;
	case O_PROB: {
		char *end;

		errno = 0;
		p->prob = strtod(arg, &end);
		if (errno || *end || end == arg || !(p->prob >= 0 && p->prob <= 1))
			return ms_usage_err("inject", "--probability takes 0..1 (0.25 = a quarter of the hits), not '%s'",
					    arg);
		return 0;
	}
	case O_SEED:
		if (ms_parse_u64(arg, &p->seed))
			return ms_usage_err("inject", "--seed takes a number, not '%s'", arg);
		return 0;
	case O_TIMES:
		if (ms_parse_u64(arg, &p->times) || !p->times)
			return ms_usage_err("inject", "--times takes a number >= 1, not '%s'", arg);
		return 0;
	}
	return 1;	/* not one of these */
}

/* where: the filters a hit must pass */
static int parse_where(struct inj_plan *p, int c, const char *arg)
{
	switch (c) {
	case O_VF:
		return parse_u32(arg, &p->vf) ?
			ms_usage_err("inject", "bad --vf '%s'", arg) : 0;
	case O_GT:
		return parse_u32(arg, &p->gt) ?
			ms_usage_err("inject", "bad --gt '%s'", arg) : 0;
	case O_TYPE:
		return parse_u32(arg, &p->type) ?
			ms_usage_err("inject", "bad --type '%s'", arg) : 0;
	case O_OFFSET:
		return parse_offset(arg, p) ?
			ms_usage_err("inject", "--offset takes A:B with A <= B, B > 0 (K/M/G suffixes), not '%s'", arg) : 0;
	case O_FILE:
		p->file = arg;
		return 0;
	}
	return 1;
}

/* what: the site and the verdict */
static int parse_what(struct inject_opts *o, int c, const char *arg)
{
	struct inj_plan *p = &o->plan;
	uint64_t us;
	int v;

	switch (c) {
	case O_SITE:
		v = inj_site_from_name(arg);
		if (v < 0)
			return ms_usage_err("inject", "unknown site '%s': sites are %s",
					    arg, inj_site_list());
		p->site = v;
		o->have_site = true;
		return 0;
	case O_ERRNO:
		v = ms_errno_from_name(arg);
		if (v <= 0 || v > 4095)
			return ms_usage_err("inject", "unknown errno '%s': give a name (EIO, ENOMEM, EINTR, ERESTARTSYS...) or a number 1..4095",
					    arg);
		p->err = v;
		o->have_errno = true;
		return 0;
	case O_DELAY:
		if (ms_parse_u64(arg, &us) || !us || us > MS_DELAY_MAX_US)
			return ms_usage_err("inject", "--delay-us takes microseconds 1..%d, not '%s'",
					    MS_DELAY_MAX_US, arg);
		p->delay_us = us;
		o->have_delay = true;
		return 0;
	case O_SIGNAL:
		p->sig = parse_signal(arg);
		if (p->sig <= 0)
			return ms_usage_err("inject", "unknown signal '%s' (USR1, INT, TERM, ALRM... or a number)", arg);
		return 0;
	}
	return 1;
}

static int parse_one(void *ctx, int c, const char *arg)
{
	struct inject_opts *o = ctx;
	int err;

	if ((err = parse_what(o, c, arg)) != 1 ||
	    (err = parse_when(&o->plan, c, arg)) != 1 ||
	    (err = parse_where(&o->plan, c, arg)) != 1)
		return err ? MS_CLI_USAGE : 0;
	switch (c) {
	case 'p':	/* it says why */
		return ms_parse_pid(arg, &o->pid) ? MS_CLI_USAGE : 0;
	case O_DRY: o->plan.dry_run = true; return 0;
	case O_JSON: o->json = true; return 0;
	case O_LIST: o->list = true; return 0;
	case 'v': ms_verbose++; return 0;
	case O_MECH:
		if (strcmp(arg, "model") && strcmp(arg, "signal") &&
		    strcmp(arg, "kernel"))
			return ms_usage_err("inject", "--mechanism is model, signal or kernel, not '%s'", arg);
		o->mechanism = arg;
		return 0;
	}
	return MS_CLI_USAGE;
}

static int check_opts(struct inject_opts *o)
{
	struct inj_plan *p = &o->plan;

	if (o->list)
		return 0;
	if (!o->have_site)
		return ms_usage_err("inject", "--site is required (%s)", inj_site_list());
	if (p->nth && (p->interval || p->prob >= 0))
		return ms_usage_err("inject", "--nth fails exactly one hit: it cannot be combined with --every or --probability");
	if (p->nth && p->times)
		return ms_usage_err("inject", "--nth fails exactly one hit: --times makes no sense with it");
	if (p->seed && p->prob < 0)
		return ms_usage_err("inject", "--seed only seeds --probability");
	/* a filter on a field the site never reports would never match */
	if (p->vf != MS_ANY && !inj_site_has_vf(p->site))
		return ms_usage_err("inject", "%s is device-level and reports no VF: drop --vf and scope with -p or -- COMMAND",
				    inj_site_name(p->site));
	if (p->gt != MS_ANY && !inj_site_has_gt(p->site))
		return ms_usage_err("inject", "%s reports no GT: drop --gt",
				    inj_site_name(p->site));
	if (ms_site_is_delay(p->site)) {
		if (o->have_errno || (p->sig && o->have_delay))
			return ms_usage_err("inject", "%s is a delay site: it takes --delay-us N (or --signal SIG), not %s",
					    inj_site_name(p->site),
					    o->have_errno ? "--errno" : "both");
		if (!o->have_delay && !p->sig)
			return ms_usage_err("inject", "--delay-us N is required at %s (a delay site)",
					    inj_site_name(p->site));
	} else if (o->have_delay) {
		return ms_usage_err("inject", "--delay-us is for delay sites (save_step, save_consume, save_wait, restore_step, restore_wait); %s takes --errno",
				    inj_site_name(p->site));
	}
	if (p->sig && o->have_errno)
		return ms_usage_err("inject", "--signal and --errno are two mechanisms: give one");
	if (!p->sig && !o->have_errno && !o->have_delay)
		return ms_usage_err("inject", "--errno is required (or --signal SIG)");
	if (o->pid && o->command)
		return ms_usage_err("inject", "give -p PID or -- COMMAND, not both");
	if (!o->pid && !o->command)
		return ms_usage_err("inject", "injection is always scoped to a process tree: give -p PID or -- COMMAND");
	if (p->sig && o->mechanism && strcmp(o->mechanism, "signal"))
		return ms_usage_err("inject", "--signal is the signal mechanism, not %s", o->mechanism);
	if (o->mechanism && !strcmp(o->mechanism, "signal") && !p->sig)
		return ms_usage_err("inject", "--mechanism signal needs --signal SIG");
	return 0;
}

int inject_parse_args(struct inject_opts *o, int argc, char **argv)
{
	int err;

	inj_plan_init(&o->plan);
	err = ms_cli_parse(&inject_cli, argc, argv, parse_one, o);
	if (err)
		return err;
	if (optind < argc)
		o->command = &argv[optind];
	if (optind > 0 && !strcmp(argv[optind - 1], "--") && !o->command)
		return ms_usage_err("inject", "nothing after --: give the COMMAND to run");
	return check_opts(o);
}
