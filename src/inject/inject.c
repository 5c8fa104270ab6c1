// SPDX-License-Identifier: GPL-2.0
/*
 * migscope inject: fail chosen calls of the VF migration data path, with
 * the kernel fail_function attributes (probability, interval, times, task
 * filter) plus --nth, through whichever mechanism the target and the
 * running kernel allow.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "inject.h"
#include "json.h"
#include "ladders.h"
#include "render.h"
#include "subcommands.h"

struct inject_opts {
	struct inj_plan plan;
	bool have_site, have_errno, have_delay, json, list;
	const char *mechanism;		/* forced: model, signal, kernel */
	pid_t pid;
	char **command;
};

struct inject_out {
	struct json j;
	bool json;
	uint64_t logged;
	uint64_t t0_ns;		/* event times are printed from here */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: migscope inject --site SITE (--errno E | --delay-us N)\n"
"                       [--nth N | --every N |\n"
"                       --probability P --seed S] [--times T] [--vf N]\n"
"                       [--gt N] [--type T] [--offset A:B] [--signal SIG]\n"
"                       [--mechanism model|signal|kernel] [--file PATH]\n"
"                       [--dry-run] [--json] [-v] (-p PID | -- COMMAND...)\n"
"       migscope inject --list\n"
"\n"
"Fail chosen hits of a fault site of the migration data path.  A hit is a\n"
"call that passes every filter (site, --vf, --gt, --type, --offset, the\n"
"process tree of -p PID or COMMAND); of those, --nth N fails exactly the\n"
"N-th, --every N every N-th, --probability P (0..1, with --seed: the same\n"
"seed fails the same hits) a random share; none of them: every hit.\n"
"--times caps the number of failures.  Every injection is printed; a\n"
"summary ends the run.  Nothing outside the process tree is touched, and\n"
"nothing stays armed after migscope exits, however it exits.\n"
"Delay sites are not error points: --delay-us N (1..%d) makes the chosen\n"
"hits sleep N us, to open races: save_step (the save worker, before its\n"
"next step: workqueue latency), save_consume (the reader, after finding a\n"
"GT's ring empty), save_wait (the worker, between finding the ring full\n"
"and parking in SAVE_WAIT_DATA).\n"
"\n"
"sites: %s\n"
"mechanisms: model (the reference model's fault sites: USDT + verdict\n"
"map), signal (--signal: bpf_send_signal at the site), kernel (fmod_ret\n"
"on security_file_permission: read()/write() of the migration data file\n"
"-- the xe_vfio_mig file, debugfs migration_data, or --file PATH -- fail;\n"
"data_read and data_write only).  --list shows what works here.\n"
"With -- COMMAND the exit status is the command's.\n",
		MS_DELAY_MAX_US, inj_site_list());
}

enum {
	O_SITE = 256, O_ERRNO, O_NTH, O_EVERY, O_PROB, O_SEED, O_TIMES,
	O_VF, O_GT, O_TYPE, O_OFFSET, O_SIGNAL, O_DRY, O_JSON, O_LIST,
	O_MECH, O_FILE, O_DELAY,
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

static int parse_one(struct inject_opts *o, int c, const char *arg)
{
	struct inj_plan *p = &o->plan;
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
	case O_DELAY: {
		uint64_t us;

		if (ms_parse_u64(arg, &us) || !us || us > MS_DELAY_MAX_US)
			return ms_usage_err("inject", "--delay-us takes microseconds 1..%d, not '%s'",
					    MS_DELAY_MAX_US, arg);
		p->delay_us = us;
		o->have_delay = true;
		return 0;
	}
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
	case O_SIGNAL:
		p->sig = parse_signal(arg);
		if (p->sig <= 0)
			return ms_usage_err("inject", "unknown signal '%s' (USR1, INT, TERM, ALRM... or a number)", arg);
		return 0;
	case 'p':
		return ms_parse_pid(arg, &o->pid) ? 2 : 0;
	case O_DRY:
		p->dry_run = true;
		return 0;
	case O_JSON:
		o->json = true;
		return 0;
	case O_LIST:
		o->list = true;
		return 0;
	case O_MECH:
		if (strcmp(arg, "model") && strcmp(arg, "signal") &&
		    strcmp(arg, "kernel"))
			return ms_usage_err("inject", "--mechanism is model, signal or kernel, not '%s'", arg);
		o->mechanism = arg;
		return 0;
	case O_FILE:
		p->file = arg;
		return 0;
	case 'v':
		ms_verbose++;
		return 0;
	}
	return 2;
}

/* conflicts and missing pieces, each in one line */
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
		if (o->have_errno || p->sig)
			return ms_usage_err("inject", "%s is a delay site: it takes --delay-us N, not %s",
					    inj_site_name(p->site),
					    p->sig ? "--signal" : "--errno");
		if (!o->have_delay)
			return ms_usage_err("inject", "--delay-us N is required at %s (a delay site)",
					    inj_site_name(p->site));
	} else if (o->have_delay) {
		return ms_usage_err("inject", "--delay-us is for delay sites (save_step, save_consume, save_wait); %s takes --errno",
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

static int parse_args(struct inject_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "site", 1, NULL, O_SITE }, { "errno", 1, NULL, O_ERRNO },
		{ "nth", 1, NULL, O_NTH }, { "every", 1, NULL, O_EVERY },
		{ "probability", 1, NULL, O_PROB }, { "seed", 1, NULL, O_SEED },
		{ "times", 1, NULL, O_TIMES }, { "vf", 1, NULL, O_VF },
		{ "gt", 1, NULL, O_GT }, { "type", 1, NULL, O_TYPE },
		{ "offset", 1, NULL, O_OFFSET }, { "signal", 1, NULL, O_SIGNAL },
		{ "pid", 1, NULL, 'p' }, { "dry-run", 0, NULL, O_DRY },
		{ "json", 0, NULL, O_JSON }, { "list", 0, NULL, O_LIST },
		{ "mechanism", 1, NULL, O_MECH }, { "file", 1, NULL, O_FILE },
		{ "delay-us", 1, NULL, O_DELAY },
		{ "verbose", 0, NULL, 'v' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	inj_plan_init(&o->plan);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:vh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || c == ':')
			return ms_getopt_err("inject", c, argv);
		err = parse_one(o, c, optarg);
		if (err)
			return err;
	}
	if (optind < argc)
		o->command = &argv[optind];
	if (optind > 0 && !strcmp(argv[optind - 1], "--") && !o->command)
		return ms_usage_err("inject", "nothing after --: give the COMMAND to run");
	return check_opts(o);
}

/* --- --list ----------------------------------------------------------- */

static void list_mech(const struct ms_feature *f, const char *label)
{
	struct ms_ladder_choice c;

	if (ms_ladder_pick(f, NULL, &c) >= 0)
		printf("  %-8s available (%s)\n", label, f->rungs[c.rung].name);
	else
		printf("  %-8s unavailable: %s\n", label, c.why);
}

static int list_sites(void)
{
	struct ms_ladder_choice m, k;
	bool model, kernel;
	unsigned int i;

	ms_ensure_kernel_fs();
	model = ms_ladder_pick(&ms_feature_inject_model, NULL, &m) >= 0;
	kernel = ms_ladder_pick(&ms_feature_inject_kernel, NULL, &k) >= 0;
	printf("mechanisms on this machine:\n");
	list_mech(&ms_feature_inject_model, "model");
	list_mech(&ms_feature_inject_signal, "signal");
	list_mech(&ms_feature_inject_kernel, "kernel");
	printf("\n%-14s %-8s %-8s %-8s %s\n", "SITE", "MODEL", "SIGNAL",
	       "KERNEL", "DEFAULT ERRNO");
	for (i = 1; i < MS_SITE_MAX; i++) {
		bool data = i == MS_SITE_DATA_READ || i == MS_SITE_DATA_WRITE;
		bool delay = ms_site_is_delay(i);

		printf("%-14s %-8s %-8s %-8s %s\n", inj_site_name(i),
		       model ? "yes" : "no",
		       delay ? "-" :
		       ms_ladder_pick(&ms_feature_inject_signal, NULL, &m) >= 0 ?
		       "yes" : "no",
		       !data ? "-" : kernel ? "yes" : "no",
		       delay ? "none: a delay site (--delay-us)" :
		       ms_errno_name(inj_site_default_errno(i)));
	}
	if (!kernel)
		printf("\nkernel mechanism unavailable here: %s (see migscope doctor)\n",
		       k.why);
	return 0;
}

/* --- choosing the mechanism --------------------------------------------- */

static int need_rung(const struct ms_feature *f, const char *what)
{
	struct ms_ladder_choice c;

	if (ms_ladder_pick(f, NULL, &c) >= 0)
		return 0;
	return ms_err("%s: %s (see migscope doctor; migscope inject --list shows what works here)",
		      what, c.why);
}

static int kernel_target(struct inject_opts *o)
{
	struct inj_plan *p = &o->plan;
	struct ms_ladder_choice c;
	struct stat st;

	if (p->site != MS_SITE_DATA_READ && p->site != MS_SITE_DATA_WRITE)
		return ms_err("site %s is only reachable in the reference model (USDT): the kernel mechanism has data_read and data_write",
			      inj_site_name(p->site));
	ms_ensure_kernel_fs();
	if (ms_ladder_pick(&ms_feature_inject_kernel, NULL, &c) < 0)
		return ms_err("site %s of a real kernel is unreachable here: %s; available: every model site via USDT in migsim (migscope inject --list)",
			      inj_site_name(p->site), c.why);
	if (strcmp(ms_feature_inject_kernel.rungs[c.rung].name, "fmod_ret"))
		return ms_err("the kernel mechanism here would be %s, which migscope does not implement yet: only fmod_ret",
			      ms_feature_inject_kernel.rungs[c.rung].name);
	if (p->vf != MS_ANY || p->gt != MS_ANY || p->type != MS_ANY ||
	    p->off_hi)
		return ms_err("--vf, --gt, --type and --offset filter model sites; the kernel mechanism is scoped by process and file (--file)");
	if (p->file) {
		if (stat(p->file, &st))
			return ms_err("--file %s: %s", p->file, strerror(errno));
		/* the kernel's s_dev packs major:minor as 12:20 bits */
		p->kdev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev);
		p->ino = st.st_ino;
	}
	p->mech = INJ_MECH_KERNEL;
	return 0;
}

/* binary of the target: the COMMAND as execvp finds it, or /proc/PID/exe */
static int target_binary(const struct inject_opts *o, char *path, size_t len)
{
	if (o->pid) {
		snprintf(path, len, "/proc/%d/exe", o->pid);
		return 0;
	}
	return ms_resolve_command(o->command[0], path, len);
}

static int pick_mechanism(struct inject_opts *o, char *bin, size_t len)
{
	struct inj_plan *p = &o->plan;
	bool model;

	if (o->mechanism && !strcmp(o->mechanism, "kernel"))
		return kernel_target(o);
	if (target_binary(o, bin, len))
		return -1;
	model = !ms_binary_has_usdt(bin, "xe", "fault_site");
	if (p->sig) {
		if (!model)
			return ms_err("--signal works at the model's fault sites and %s has none (it is not tools/migsim or was built with XE_NO_USDT)",
				      bin);
		p->mech = INJ_MECH_SIGNAL;
		return need_rung(&ms_feature_inject_signal, "signal injection");
	}
	if (model) {
		if (p->file)
			return ms_err("--file scopes the kernel mechanism; %s is the reference model (use --mechanism kernel to fail its read()s of a file)",
				      bin);
		p->mech = INJ_MECH_MODEL;
		return need_rung(&ms_feature_inject_model, "model fault sites");
	}
	if (o->mechanism && !strcmp(o->mechanism, "model"))
		return ms_err("%s has no xe:fault_site probe: it is not the reference model", bin);
	return kernel_target(o);
}

/* --- output ------------------------------------------------------------- */

static int on_event(void *ctx, const struct ms_event *e)
{
	struct inject_out *out = ctx;

	if (e->type != MS_EV_INJECT)
		return 0;
	out->logged++;
	if (out->json)
		ms_event_json(&out->j, e);
	else
		ms_event_text(stdout, e, out->t0_ns);
	fflush(stdout);
	return 0;
}

static void summary(struct inject_out *out, const struct inj_session *s,
		    const struct inj_plan *p, int status)
{
	struct inject_stats st = inj_stats(s);
	uint64_t drops = ms_events_drops(&s->ev);
	char args[256];

	inj_plan_args(p, args, sizeof(args));
	if (out->json) {
		json_obj_begin(&out->j);
		json_kstr(&out->j, "type", "summary");
		json_ku64(&out->j, "schema", 1);
		json_kstr(&out->j, "plan", args);
		json_kstr(&out->j, "mechanism", inj_mech_name(p->mech));
		json_ku64(&out->j, "hits", st.f[0].hits);
		json_ku64(&out->j, "injected", st.f[0].injected);
		json_ku64(&out->j, "logged", out->logged);
		json_ku64(&out->j, "drops", drops);
		json_kbool(&out->j, "dry_run", p->dry_run);
		if (status >= 0)
			json_ki64(&out->j, "exit", status);
		json_obj_end(&out->j);
		json_newline(&out->j);
		return;
	}
	fprintf(stderr, "migscope inject: %s (%s): %llu hit(s), %llu %s, %llu logged, %llu dropped\n",
		args, inj_mech_name(p->mech), (unsigned long long)st.f[0].hits,
		(unsigned long long)st.f[0].injected,
		p->dry_run ? "would have been injected" : "injected",
		(unsigned long long)out->logged, (unsigned long long)drops);
}

/* --- running ------------------------------------------------------------ */

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static bool target_gone(pid_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
}

static int run(struct inject_opts *o, const char *bin)
{
	struct inject_out out = { .json = o->json, .t0_ns = ms_now_ns() };
	struct inj_plan *p = &o->plan;
	struct inj_session s;
	int map_fd = -1, status = -1, ret = 1;
	pid_t child = 0;

	json_init(&out.j, stdout);
	if (o->pid && p->mech != INJ_MECH_KERNEL) {
		map_fd = inj_find_model_map(o->pid);
		if (map_fd < 0)
			return ms_err("pid %d holds no %s map: the model could not create it (CAP_BPF?) or it is not the model",
				      o->pid, MS_FAULT_MAP_NAME);
	}
	if (inj_session_open(&s, p->mech, map_fd, false, on_event, &out))
		goto out;
	if (p->mech == INJ_MECH_KERNEL ? inj_attach_kernel(&s) :
	    inj_attach_model(&s, bin, false))
		goto out;
	inj_arm(&s, p, 1);
	if (o->pid) {
		if (inj_scope_add_tree(&s, o->pid))
			goto out;
		fprintf(stderr, "migscope inject: armed on pid %d and its children (%s); Ctrl-C to stop\n",
			o->pid, inj_mech_name(p->mech));
	} else {
		child = inj_spawn(&s, o->command, false, (const int[2]){ -1, -1 });
		if (child < 0)
			goto out;
	}
	while (!ms_exiting) {
		ms_events_poll(&s.ev, 50);
		if (child && waitpid(child, &status, WNOHANG) == child)
			break;
		if (o->pid && target_gone(o->pid))
			break;
	}
	inj_disarm(&s);
	ms_events_drain(&s.ev);
	summary(&out, &s, p, status >= 0 ? exit_code(status) : -1);
	ret = status >= 0 ? exit_code(status) : 0;
	if (child && status < 0) {
		/* interrupted: the command keeps running, uninjected */
		fprintf(stderr, "migscope inject: disarmed; pid %d keeps running\n",
			child);
	}
out:
	inj_session_close(&s);
	if (map_fd >= 0)
		close(map_fd);
	return ret;
}

static int cmd_inject(int argc, char **argv)
{
	struct inject_opts o = { 0 };
	char bin[PATH_MAX];
	int err;

	err = parse_args(&o, argc, argv);
	if (err)
		return err < 0 ? 2 : err;
	if (o.list)
		return list_sites();
	if (ms_require_bpf_privileges("inject"))
		return 1;
	if (pick_mechanism(&o, bin, sizeof(bin)))
		return 1;
	ms_setup_signals();
	return run(&o, bin);
}

MS_SUBCOMMAND(inject, cmd_inject,
	      "fail chosen calls of the migration data path (fault injection)",
	      40);
