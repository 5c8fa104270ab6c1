// SPDX-License-Identifier: GPL-2.0
/*
 * migscope fuzz: many migrations of the reference model, each under one
 * generated injection plan, each run classified.  The BPF object is
 * attached once; runs are re-armed through its .bss.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "inject.h"
#include "xe_defects.h"
#include "json.h"
#include "ladders.h"
#include "commands.h"

#define FUZZ_MAX_ARGS	64
#define FUZZ_OUT_MAX	8192
/*
 * At a delay site: long enough for the reader to drain every other GT's
 * ring and fall asleep on the delayed GT's empty one (a whole default
 * migration takes ~30 ms), short enough to cost little per run.
 */
#define FUZZ_DELAY_US	50000
#define FUZZ_DELAY_GTS	2	/* GTs a delay site is planned on, by --gt */

enum fuzz_class {
	FZ_CLEAN,	/* error reported, source paused, destination failed */
	FZ_ABSORBED,	/* success despite the injection, data verified */
	FZ_UNREACHED,	/* the plan's hit never came: nothing injected */
	FZ_HANG,
	FZ_CRASH,
	FZ_CORRUPTION,	/* success reported, verify failed */
	FZ_LEAK,	/* packets alive when the processes exited */
	FZ_SPIN,	/* the save reader polled an empty ring without sleeping */
	FZ_UNCLEAN,	/* error, but a side is left in the wrong state */
	FZ_NR,
};

static const char *const class_names[FZ_NR] = {
	"clean", "absorbed", "unreached", "hang", "crash", "corruption",
	"leak", "spin", "unclean",
};

struct fuzz_opts {
	uint64_t runs, seed, nth_max, timeout_s;
	bool random;
	const char *report, *defect;
	char *argv[FUZZ_MAX_ARGS];
	int argc;
	char migsim[PATH_MAX];
};

struct fuzz_run {
	struct inj_plan plan;
	struct inject_stats st;
	enum fuzz_class cls;
	char result[16], failed_at[32], detail[1500];
	int err, status;
	bool verified, timed_out;
	uint64_t leaks, ms;
};

struct fuzz {
	struct fuzz_opts o;
	struct inj_session s;
	struct json rep;
	FILE *rep_f;
	uint64_t counts[FZ_NR], findings;
	unsigned int site, gt, nth;	/* systematic cursor */
	uint64_t rng;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: migscope fuzz [--runs N] [--seed S] [--plan systematic|random]\n"
"                     [--nth-max N] [--timeout-s T] [--report FILE]\n"
"                     [--defect NAME] [-- migsim migrate ...]\n"
"\n"
"Run many migrations of the reference model, each under one injection\n"
"plan, and classify each: clean (error reported, source paused, destination\n"
"not resumed, nothing leaked), absorbed (verified success despite the\n"
"injection), unreached (the planned hit never came), hang (timeout), crash\n"
"(signal death), corruption (success but verify failed), leak (model\n"
"packets alive at exit), spin (the save reader polled empty rings many\n"
"times more than it got packets), unclean (error but a side in the wrong\n"
"state).\n"
"systematic: every site x --nth 1..N (default 6) with the site's errno,\n"
"and the delay site save_step per GT (--gt 0, --gt 1) x --nth 1..N with\n"
"--delay-us %d: a missed wake-up then shows as a hang;\n"
"random: --runs plans (default 50) drawn from --seed.  Every finding gets\n"
"a one-line reproducer.  Exit status 1 if anything was found.\n"
"default command: migsim migrate --vram 4M --chunk 1M --buf 256K\n"
"--timeout 300 --attempts 2 (migsim next to migscope: after a failure the\n"
"source VF is recovered and migrated again, as a VMM retries); --json is\n"
"added, and --defect.\n", FUZZ_DELAY_US);
}

enum { O_RUNS = 256, O_SEED, O_PLAN, O_TIMEOUT, O_REPORT, O_DEFECT, O_NTHMAX };

static int parse_num(const char *opt, const char *arg, uint64_t *v, bool zero)
{
	if (ms_parse_u64(arg, v) || (!zero && !*v))
		return ms_usage_err("fuzz", "%s takes a number%s, not '%s'", opt,
				    zero ? "" : " >= 1", arg);
	return 0;
}

static int parse_one(struct fuzz_opts *o, int c, const char *arg)
{
	switch (c) {
	case O_RUNS: return parse_num("--runs", arg, &o->runs, false);
	case O_SEED: return parse_num("--seed", arg, &o->seed, true);
	case O_NTHMAX: return parse_num("--nth-max", arg, &o->nth_max, false);
	case O_TIMEOUT:
		if (parse_num("--timeout-s", arg, &o->timeout_s, false))
			return 2;
		/* a day is plenty, and keeps the deadline arithmetic in range */
		if (o->timeout_s > 86400)
			return ms_usage_err("fuzz", "--timeout-s %s is more than a day", arg);
		return 0;
	case O_PLAN:
		if (strcmp(arg, "systematic") && strcmp(arg, "random"))
			return ms_usage_err("fuzz", "--plan is systematic or random, not '%s'", arg);
		o->random = !strcmp(arg, "random");
		return 0;
	case O_REPORT:
		o->report = arg;
		return 0;
	case O_DEFECT: {
		const char *bad = NULL;

		if (xe_defects_parse(arg, &bad) < 0)
			return ms_usage_err("fuzz", "unknown defect '%s' (known: %s)",
					    bad ? bad : arg, xe_defects_help());
		o->defect = arg;
		return 0;
	}
	case 'v':
		ms_verbose++;
		return 0;
	}
	return 2;
}

/* migsim next to our own binary, else on PATH */
static int find_migsim(struct fuzz_opts *o)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			snprintf(slash + 1, sizeof(self) - (slash + 1 - self), "migsim");
			if (!access(self, X_OK)) {
				snprintf(o->migsim, sizeof(o->migsim), "%s", self);
				return 0;
			}
		}
	}
	return ms_resolve_command("migsim", o->migsim, sizeof(o->migsim));
}

static int build_command(struct fuzz_opts *o, int argc, char **argv)
{
	static char *defaults[] = {
		"migrate", "--vram", "4M", "--chunk", "1M", "--buf", "256K",
		"--timeout", "300", "--attempts", "2",
	};
	bool json = false;
	int i;

	if (argc) {
		for (i = 0; i < argc && o->argc < FUZZ_MAX_ARGS - 4; i++) {
			o->argv[o->argc++] = argv[i];
			json |= !strcmp(argv[i], "--json");
		}
		if (ms_resolve_command(argv[0], o->migsim, sizeof(o->migsim)))
			return -1;
	} else {
		if (find_migsim(o))
			return -1;
		o->argv[o->argc++] = o->migsim;
		for (i = 0; i < (int)ARRAY_SIZE(defaults); i++)
			o->argv[o->argc++] = defaults[i];
	}
	if (ms_binary_has_usdt(o->migsim, "xe", "fault_site"))
		return ms_err("%s has no xe:fault_site probe: fuzz drives the reference model (tools/migsim)",
			      o->migsim);
	if (!json)
		o->argv[o->argc++] = "--json";
	if (o->defect) {
		o->argv[o->argc++] = "--defect";
		o->argv[o->argc++] = (char *)o->defect;
	}
	o->argv[o->argc] = NULL;
	return 0;
}

static int parse_args(struct fuzz_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runs", 1, NULL, O_RUNS }, { "seed", 1, NULL, O_SEED },
		{ "plan", 1, NULL, O_PLAN }, { "timeout-s", 1, NULL, O_TIMEOUT },
		{ "report", 1, NULL, O_REPORT }, { "defect", 1, NULL, O_DEFECT },
		{ "nth-max", 1, NULL, O_NTHMAX }, { "verbose", 0, NULL, 'v' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c, err;

	o->nth_max = 6;
	o->timeout_s = 10;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || c == ':')
			return ms_getopt_err("fuzz", c, argv);
		err = parse_one(o, c, optarg);
		if (err)
			return err;
	}
	if (!o->runs)
		o->runs = o->random ? 50 : UINT64_MAX;
	return 0;
}

/* --- plans ----------------------------------------------------------- */

static uint64_t next_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void plan_base(struct inj_plan *p, unsigned int site)
{
	inj_plan_init(p);
	p->mech = INJ_MECH_MODEL;
	p->site = site;
	if (ms_site_is_delay(site))
		p->delay_us = FUZZ_DELAY_US;
	else
		p->err = inj_site_default_errno(site);
}

/*
 * systematic: site by site, nth 1, 2, ... up to --nth-max, moving on as
 * soon as a run shows the site has fewer hits than the nth asked for.  A
 * delay site is walked once per GT: a stalled worker step only opens a
 * race on its own GT, and the GTs' steps interleave run to run.
 */
static bool next_systematic(struct fuzz *fz, const struct fuzz_run *last,
			    struct inj_plan *p)
{
	if (!last) {
		/* a baseline first: a defect that needs no fault shows here */
		inj_plan_init(p);
		p->mech = INJ_MECH_MODEL;
		return true;
	}
	if (!fz->site) {
		fz->site = 1;
		fz->nth = 1;
	} else if (last && (last->st.hits < fz->nth || fz->nth >= fz->o.nth_max)) {
		if (ms_site_is_delay(fz->site) && fz->gt + 1 < FUZZ_DELAY_GTS) {
			fz->gt++;
		} else {
			fz->site++;
			fz->gt = 0;
		}
		fz->nth = 1;
	} else {
		fz->nth++;
	}
	if (fz->site >= MS_SITE_MAX)
		return false;
	plan_base(p, fz->site);
	p->nth = fz->nth;
	if (ms_site_is_delay(fz->site))
		p->gt = fz->gt;
	return true;
}

static void next_random(struct fuzz *fz, struct inj_plan *p)
{
	static const int errs[] = { EIO, ENOMEM, EINVAL, EINTR, ENODEV };
	uint64_t r = next_rand(&fz->rng);

	plan_base(p, 1 + r % (MS_SITE_MAX - 1));
	r = next_rand(&fz->rng);
	/* a delay site takes no errno: the bit picks its GT instead */
	if (ms_site_is_delay(p->site))
		p->gt = r & 1;
	else if (r & 1)
		p->err = errs[(r >> 1) % ARRAY_SIZE(errs)];
	r = next_rand(&fz->rng);
	if (r % 4) {
		p->nth = 1 + (r >> 2) % (fz->o.nth_max * 4);
	} else {
		p->prob = 0.05 + ((r >> 2) % 20) / 100.0;
		p->seed = next_rand(&fz->rng) % 1000000;
		p->times = 1 + (r >> 8) % 3;
	}
}

/* --- one run ----------------------------------------------------------- */

static const char *json_find(const char *buf, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(buf, pat);
	return p ? p + strlen(pat) : NULL;
}

static void json_get_str(const char *buf, const char *key, char *out,
			 size_t len)
{
	const char *p = json_find(buf, key), *end;

	out[0] = 0;
	if (!p || *p != '"')
		return;
	end = strchr(++p, '"');
	if (end)
		snprintf(out, len, "%.*s", (int)(end - p), p);
}

/* the states object of one side: "{"gt0":"...","gt1":"..."}" */
static void json_get_obj(const char *buf, const char *key, char *out,
			 size_t len)
{
	const char *p = json_find(buf, key), *end;

	out[0] = 0;
	if (!p || *p != '{')
		return;
	end = strchr(p, '}');
	if (end)
		snprintf(out, len, "%.*s", (int)(end - p + 1), p);
}

/* every GT of the side has the state bit */
static bool all_gts(const char *states, const char *bit)
{
	const char *p = states;
	int gts = 0, with = 0;

	while ((p = strstr(p, "\"gt"))) {
		const char *v = strchr(p, ':'), *end;
		char one[320];

		if (!v || v[1] != '"' || !(end = strchr(v + 2, '"')))
			break;
		snprintf(one, sizeof(one), "|%.*s|", (int)(end - v - 2), v + 2);
		gts++;
		with += strstr(one, bit) != NULL;
		p = end;
	}
	return gts && gts == with;
}

/*
 * A reader that finds a GT's ring empty sleeps until that GT has data, is
 * done or some GT failed, so each empty poll is followed by progress: at
 * most about one per packet, plus one per GT and attempt.  A loaded
 * machine makes the sleeps longer, not more numerous.  Many times more
 * means the wait condition was already true: a busy loop (docs/upstream-xe.md
 * §10.10).
 */
static bool spinning(const struct inject_stats *st)
{
	return st->empty_polls > 4 * st->consumed + 64;
}

static enum fuzz_class classify(struct fuzz_run *r, const char *out)
{
	char src[700], dst[700];

	if (r->timed_out) {
		snprintf(r->detail, sizeof(r->detail), "no exit within the timeout");
		return FZ_HANG;
	}
	if (WIFSIGNALED(r->status)) {
		snprintf(r->detail, sizeof(r->detail), "killed by signal %d",
			 WTERMSIG(r->status));
		return FZ_CRASH;
	}
	if (!r->result[0]) {
		snprintf(r->detail, sizeof(r->detail), "no JSON report (exit %d)",
			 WEXITSTATUS(r->status));
		return FZ_CRASH;
	}
	if (strstr(r->failed_at, "_died")) {
		snprintf(r->detail, sizeof(r->detail), "a side died (%s)",
			 r->failed_at);
		return FZ_CRASH;
	}
	if (r->leaks) {
		snprintf(r->detail, sizeof(r->detail), "%llu packet(s) never freed",
			 (unsigned long long)r->leaks);
		return FZ_LEAK;
	}
	if (spinning(&r->st)) {
		snprintf(r->detail, sizeof(r->detail),
			 "the save reader found a ring empty %llu times for %llu packets: it polls instead of sleeping",
			 (unsigned long long)r->st.empty_polls,
			 (unsigned long long)r->st.consumed);
		return FZ_SPIN;
	}
	if (!strcmp(r->result, "ok") && !r->verified) {
		char what[256];

		json_get_str(out, "mismatch", what, sizeof(what));
		snprintf(r->detail, sizeof(r->detail),
			 "success reported, verify failed: %s", what);
		return FZ_CORRUPTION;
	}
	if (!strcmp(r->result, "ok"))
		return r->st.injected ? FZ_ABSORBED : FZ_UNREACHED;
	if (!r->st.injected)
		snprintf(r->detail, sizeof(r->detail), "failed with nothing injected");
	json_get_obj(out, "src_states", src, sizeof(src));
	json_get_obj(out, "dst_states", dst, sizeof(dst));
	/*
	 * migsim recovers a failed source as a VMM does: it must be running
	 * again (resumed, or reset where upstream cannot leave STOP_COPY,
	 * §10.16); the destination must not be running.
	 */
	if (!r->err || !r->st.injected ||
	    (src[0] && !all_gts(src, "|RESUMED|") && !all_gts(src, "|READY|")) ||
	    (dst[0] && all_gts(dst, "|RESUMED|"))) {
		if (!r->detail[0])
			snprintf(r->detail, sizeof(r->detail), "src %s dst %s",
				 src, dst);
		return FZ_UNCLEAN;
	}
	return FZ_CLEAN;
}

static void drain_output(int fd, char *buf, size_t *len)
{
	ssize_t n;

	while (*len < FUZZ_OUT_MAX - 1 &&
	       (n = read(fd, buf + *len, FUZZ_OUT_MAX - 1 - *len)) > 0)
		*len += n;
	buf[*len] = 0;
}

/* run the command to its end, or kill its process group at the deadline */
static int run_one(struct fuzz *fz, struct fuzz_run *r, char *out)
{
	uint64_t t0 = ms_now_ns(), deadline = t0 + fz->o.timeout_s * 1000000000ULL;
	size_t len = 0;
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return ms_err("pipe: %s", strerror(errno));
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	inj_leaks_take(&fz->s);
	inj_arm(&fz->s, &r->plan);
	pid = inj_spawn(&fz->s, fz->o.argv, true, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -1;
	}
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		poll(&p, 1, 20);
		drain_output(pfd[0], out, &len);
		ms_events_poll(&fz->s.ev, 0);
		if (waitpid(pid, &r->status, WNOHANG) == pid)
			break;
		if (ms_exiting || ms_now_ns() > deadline) {
			r->timed_out = !ms_exiting;
			kill(-pid, SIGKILL);
			waitpid(pid, &r->status, 0);
			break;
		}
	}
	/* the group may outlive its leader: a stuck side after a crash */
	kill(-pid, SIGKILL);
	drain_output(pfd[0], out, &len);
	close(pfd[0]);
	inj_disarm(&fz->s);
	ms_events_drain(&fz->s.ev);
	r->ms = (ms_now_ns() - t0) / 1000000;
	r->st = inj_stats(&fz->s);
	/* a killed run leaves packets alive by construction: not a leak */
	r->leaks = inj_leaks_take(&fz->s);
	if (r->timed_out || WIFSIGNALED(r->status))
		r->leaks = 0;
	inj_scope_clear(&fz->s);
	return 0;
}

static void parse_result(struct fuzz_run *r, const char *out)
{
	const char *p;

	json_get_str(out, "result", r->result, sizeof(r->result));
	json_get_str(out, "failed_at", r->failed_at, sizeof(r->failed_at));
	p = json_find(out, "errno");
	r->err = p ? atoi(p) : 0;
	p = json_find(out, "verified");
	r->verified = p && !strncmp(p, "true", 4);
}

/* --- output ---------------------------------------------------------- */

static void shell_quote(char *buf, size_t len, size_t *n, const char *arg)
{
	bool plain = *arg && !strpbrk(arg, " \t'\"$`\\|&;<>()*?[]{}~#!");

	if (plain)
		*n += snprintf(buf + *n, len - *n, " %s", arg);
	else
		*n += snprintf(buf + *n, len - *n, " '%s'", arg);
	if (*n >= len)
		*n = len - 1;
}

static void plan_text(const struct inj_plan *p, char *buf, size_t len)
{
	if (p->site)
		inj_plan_args(p, buf, len);
	else
		snprintf(buf, len, "(baseline: no injection)");
}

static void reproducer(const struct fuzz *fz, const struct fuzz_run *r,
		       char *buf, size_t len)
{
	char args[256];
	size_t n = 0;
	int i;

	buf[0] = 0;
	if (r->plan.site) {
		inj_plan_args(&r->plan, args, sizeof(args));
		n = snprintf(buf, len, "migscope inject %s --", args);
	}
	for (i = 0; fz->o.argv[i]; i++)
		shell_quote(buf, len, &n, fz->o.argv[i]);
	if (!r->plan.site)
		memmove(buf, buf + 1, strlen(buf));
}

static bool is_finding(enum fuzz_class c)
{
	return c != FZ_CLEAN && c != FZ_ABSORBED && c != FZ_UNREACHED;
}

static void print_row(const struct fuzz *fz, uint64_t n,
		      const struct fuzz_run *r)
{
	char args[256], res[64], repro[1024];

	plan_text(&r->plan, args, sizeof(args));
	if (!strcmp(r->result, "error"))
		snprintf(res, sizeof(res), "%s %s", r->failed_at,
			 ms_errno_name(r->err));
	else
		snprintf(res, sizeof(res), "%s", r->result[0] ? r->result : "-");
	printf("%4llu  %-48s %4llu %4llu  %-28s %-10s %5llu\n",
	       (unsigned long long)n, args, (unsigned long long)r->st.hits,
	       (unsigned long long)r->st.injected, res, class_names[r->cls],
	       (unsigned long long)r->ms);
	if (is_finding(r->cls)) {
		reproducer(fz, r, repro, sizeof(repro));
		printf("      %s\n      reproduce: %s\n", r->detail, repro);
	}
	fflush(stdout);
}

static void report_run(struct fuzz *fz, uint64_t n, const struct fuzz_run *r)
{
	struct json *j = &fz->rep;
	char args[256], repro[1024];

	if (!fz->rep_f)
		return;
	plan_text(&r->plan, args, sizeof(args));
	json_obj_begin(j);
	json_ku64(j, "run", n);
	json_kstr(j, "plan", args);
	json_kstr(j, "site", r->plan.site ? inj_site_name(r->plan.site) : "");
	json_ku64(j, "hits", r->st.hits);
	json_ku64(j, "injected", r->st.injected);
	json_kstr(j, "result", r->result);
	json_kstr(j, "errno", r->err ? ms_errno_name(r->err) : "");
	json_kstr(j, "failed_at", r->failed_at);
	json_kbool(j, "verified", r->verified);
	json_ku64(j, "leaked_packets", r->leaks);
	json_ku64(j, "empty_polls", r->st.empty_polls);
	json_ku64(j, "consumed", r->st.consumed);
	json_kbool(j, "timed_out", r->timed_out);
	if (WIFSIGNALED(r->status))
		json_ki64(j, "signal", WTERMSIG(r->status));
	json_ku64(j, "ms", r->ms);
	json_kstr(j, "class", class_names[r->cls]);
	if (is_finding(r->cls)) {
		json_kstr(j, "detail", r->detail);
		reproducer(fz, r, repro, sizeof(repro));
		json_kstr(j, "reproducer", repro);
	}
	json_obj_end(j);
}

static int open_report(struct fuzz *fz)
{
	struct json *j = &fz->rep;
	char cmd[1024];
	size_t n = 0;
	int i;

	if (!fz->o.report)
		return 0;
	fz->rep_f = fopen(fz->o.report, "w");
	if (!fz->rep_f)
		return ms_err("--report %s: %s", fz->o.report, strerror(errno));
	cmd[0] = 0;
	for (i = 0; fz->o.argv[i]; i++)
		shell_quote(cmd, sizeof(cmd), &n, fz->o.argv[i]);
	json_init(j, fz->rep_f);
	json_obj_begin(j);
	json_kstr(j, "type", "fuzz_report");
	json_ku64(j, "schema", 1);
	json_kstr(j, "plan", fz->o.random ? "random" : "systematic");
	json_ku64(j, "seed", fz->o.seed);
	json_ku64(j, "nth_max", fz->o.nth_max);
	json_kstr(j, "command", cmd + (cmd[0] == ' '));
	json_key(j, "runs");
	json_arr_begin(j);
	return 0;
}

static void close_report(struct fuzz *fz, uint64_t runs)
{
	struct json *j = &fz->rep;
	int c;

	if (!fz->rep_f)
		return;
	json_arr_end(j);
	json_key(j, "summary");
	json_obj_begin(j);
	json_ku64(j, "runs", runs);
	for (c = 0; c < FZ_NR; c++)
		json_ku64(j, class_names[c], fz->counts[c]);
	json_ku64(j, "findings", fz->findings);
	json_obj_end(j);
	json_obj_end(j);
	fputc('\n', fz->rep_f);
	fclose(fz->rep_f);
}

/* --- the campaign ------------------------------------------------------ */

static int on_event(void *ctx, const struct ms_event *e)
{
	(void)ctx;
	if (ms_verbose && e->type == MS_EV_INJECT)
		fprintf(stderr, "migscope: injected #%llu at %s hit %llu in pid %u\n",
			(unsigned long long)e->inject.seq,
			inj_site_name(e->inject.site),
			(unsigned long long)e->inject.hit, e->pid);
	return 0;
}

static int campaign(struct fuzz *fz)
{
	static char out[FUZZ_OUT_MAX];
	struct fuzz_run r, last;
	bool have_last = false;
	uint64_t n = 0;
	int c;

	printf("%4s  %-48s %4s %4s  %-28s %-10s %5s\n", "RUN", "PLAN", "HITS",
	       "INJ", "RESULT", "CLASS", "MS");
	while (n < fz->o.runs && !ms_exiting) {
		memset(&r, 0, sizeof(r));
		if (fz->o.random)
			next_random(fz, &r.plan);
		else if (!next_systematic(fz, have_last ? &last : NULL, &r.plan))
			break;
		out[0] = 0;
		if (run_one(fz, &r, out))
			return -1;
		if (ms_exiting)
			break;
		parse_result(&r, out);
		r.cls = classify(&r, out);
		fz->counts[r.cls]++;
		fz->findings += is_finding(r.cls);
		print_row(fz, ++n, &r);
		report_run(fz, n, &r);
		last = r;
		have_last = true;
	}
	printf("\n%llu run(s):", (unsigned long long)n);
	for (c = 0; c < FZ_NR; c++)
		if (fz->counts[c])
			printf(" %s %llu", class_names[c],
			       (unsigned long long)fz->counts[c]);
	printf("; %llu finding(s)\n", (unsigned long long)fz->findings);
	close_report(fz, n);
	return fz->findings ? 1 : 0;
}

int cmd_fuzz(int argc, char **argv)
{
	static struct fuzz fz;
	int err, ret;

	err = parse_args(&fz.o, argc, argv);
	if (err)
		return err < 0 ? 2 : err;
	if (optind > 1 && !strcmp(argv[optind - 1], "--") && optind == argc)
		return ms_usage_err("fuzz", "nothing after --: give the migsim command, or leave -- out for the default");
	if (build_command(&fz.o, argc - optind, argv + optind))
		return 2;
	if (ms_require_bpf_privileges("fuzz"))
		return 1;
	{
		struct ms_ladder_choice c;

		if (ms_ladder_pick(&ms_feature_inject_model, NULL, &c) < 0)
			return ms_err("fuzz needs the model fault sites: %s (see migscope doctor)",
				      c.why) ? 1 : 1;
	}
	ms_setup_signals();
	fz.rng = fz.o.seed;
	if (inj_session_open(&fz.s, INJ_MECH_MODEL, -1, true, on_event, &fz) ||
	    inj_attach_model(&fz.s, fz.o.migsim, true) || open_report(&fz)) {
		inj_session_close(&fz.s);
		return 1;
	}
	ret = campaign(&fz);
	inj_session_close(&fz.s);
	return ret < 0 ? 1 : ret;
}
