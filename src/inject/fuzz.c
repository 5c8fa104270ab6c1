// SPDX-License-Identifier: GPL-2.0
/*
 * migscope fuzz: options and the campaign (see fuzz.h for the parts).
 * The BPF object is attached once; runs are re-armed through its .bss.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "usdt.h"
#include "fuzz.h"
#include "ladders.h"
#include "commands.h"
#include "xe_defects.h"

#define FUZZ_NTH_MAX_LIMIT	1000000

enum {
	O_RUNS = 256, O_SEED, O_PLAN, O_TIMEOUT, O_REPORT, O_DEFECT, O_NTHMAX,
	O_MUTATIONS, O_REPRO, O_FAULT, O_BASELINE, O_REPEAT, O_SITES, O_PHASES,
};

static const struct ms_opt fuzz_opt_table[] = {
	{ "plan", O_PLAN, "P", "systematic (default) or random" },
	{ "runs", O_RUNS, "N", "random: plans to run (default 50); systematic: a cap" },
	{ "seed", O_SEED, "S", "random plans and mutations come from this seed" },
	{ "nth-max", O_NTHMAX, "N", "systematic: every site x nth 1..N (default 6)" },
	{ "phases", O_PHASES, "LIST", "only these systematic phases (the baseline always)" },
	{ "sites", O_SITES, "LIST", "plan faults only at these sites" },
	{ "mutations", O_MUTATIONS, "N", "coverage-guided plans after the phases (default 40)" },
	{ "repro", O_REPRO, "N", "re-run each minimised reproducer N times (default 10)" },
	{ "fault", O_FAULT, "SPEC", "replay this one plan (repeatable, up to 4 faults)" },
	{ "baseline", O_BASELINE, NULL, "replay the plan with no fault" },
	{ "repeat", O_REPEAT, "N", "--fault/--baseline: how many runs (default 1)" },
	{ "timeout-s", O_TIMEOUT, "T", "no sign of life for T s is a hang (default 3)" },
	{ "report", O_REPORT, "FILE", "write the JSON report to FILE" },
	{ "defect", O_DEFECT, "NAME", "re-enable a seeded defect of the model" },
	{ "verbose", 'v', NULL, "libbpf messages" },
	{}
};

#define FUZZ_SYNOPSIS \
"Usage: migscope fuzz [options] [-- migsim migrate ...]\n" \
"       migscope fuzz (--fault SPEC)... | --baseline  [--repeat N] [options]\n"

#define FUZZ_ABOUT \
"Run many migrations of the reference model, each under a plan of one or\n" \
"more faults, and classify each run: clean (error reported, source\n" \
"running again, destination not resumed, nothing leaked), absorbed\n" \
"(verified success despite the injection), unreached (no planned hit\n" \
"came), or a finding: hang, crash (a signal, a side dying, or an\n" \
"AddressSanitizer report), corruption (success but verify failed), leak,\n" \
"spin (the save reader polls empty rings), unclean (error, but a side in\n" \
"the wrong state).  Each finding has a signature built from what the run\n" \
"showed (class, failing step and errno, states left, verify detail,\n" \
"sanitizer report); runs with the same signature are one finding.  Each\n" \
"unique finding's plan is minimised (fewer faults, smaller nth, smallest\n" \
"migration) and re-run --repro times: 10/10, or flaky 3/10.\n"

/* the plans' text names the delays, known only as constants here */
static void fuzz_more_usage(FILE *f)
{
	fprintf(f,
"\nsystematic plans, in phases: a baseline; every site x --nth 1..N\n"
"(per GT where the site reports one; the delays: save_step %d us,\n"
"save_consume %d, save_wait %d);\n"
"delay+delay: two delay sites on one GT, worker and reader stalled\n"
"together (save_step + save_consume, save_consume + save_wait);\n"
"fault+fault: every two error sites at their first hit\n"
"(source and destination, or two on one side); retry: the first data_read\n"
"fails, migsim recovers and migrates again, and a second fault at nth\n"
"1..3 of each site lands in either attempt; flr: migsim resets the VF\n"
"(FLR prepare, FLR, wait) after the source's or the destination's 1st..3rd\n"
"read or write (--flr-at); signal: SIGUSR1 to the source's reader or the\n"
"destination's writer while it sleeps: at its 1st..3rd read with every\n"
"save worker held at its first step (restore side: restore_step held, the\n"
"signal at restore_wait, a GT's ring full), at save_consume (a ring\n"
"found empty), and as a read or a write starts; a signal must never fail\n"
"an attempt.  Then --mutations coverage-guided plans: the\n"
"probes' coverage (state transitions, site hits, faults taken, outcomes)\n"
"keeps every plan that reached something new in a corpus, and mutations\n"
"of corpus plans (nth, a fault more or less, errno, GT, migration size)\n"
"follow.\n"
"random: --runs plans of one or two random faults from --seed.\n"
"--fault SPEC is SITE:errno=E|delay=US|signal=USR1[:nth=N][:gt=N][:vf=N][:type=N]\n"
"[:times=N][:prob=P:seed=S].  Exit status 1 if anything was found.\n"
"default command: migsim migrate --vram 4M --chunk 1M --buf 256K\n"
"--timeout 300 --attempts 2 (migsim next to migscope; asan/migsim there\n"
"when a --defect is a memory error); --json is added, and --defect.\n",
		FUZZ_DELAY_US, FUZZ_CONSUME_DELAY_US, FUZZ_WAIT_DELAY_US);
}

static const struct ms_cli fuzz_cli = {
	.cmd = "fuzz", .synopsis = FUZZ_SYNOPSIS, .about = FUZZ_ABOUT,
	.opts = fuzz_opt_table, .more = fuzz_more_usage,
	.stop_at_operand = true,
};


static int parse_sites(struct fuzz_opts *o, const char *arg)
{
	char buf[256], *tok, *save = NULL;
	int site;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		site = inj_site_from_name(tok);
		if (site < 0)
			return ms_usage_err("fuzz", "--sites: unknown site '%s' (sites: %s)",
					    tok, inj_site_list());
		o->sites |= 1u << site;
	}
	if (!o->sites)
		return ms_usage_err("fuzz", "--sites names no site (sites: %s)",
				    inj_site_list());
	return 0;
}

static int parse_num(const char *opt, const char *arg, uint64_t *v, bool zero)
{
	if (ms_parse_u64(arg, v) || (!zero && !*v))
		return ms_usage_err("fuzz", "%s takes a number%s, not '%s'", opt,
				    zero ? "" : " >= 1", arg);
	return 0;
}

static int parse_defect(struct fuzz_opts *o, const char *arg)
{
	const char *bad = NULL;

	if (xe_defects_parse(arg, &bad) < 0)
		return ms_usage_err("fuzz", "unknown defect '%s' (known: %s)",
				    bad ? bad : arg, xe_defects_help());
	o->defect = arg;
	return 0;
}

static int parse_small(struct fuzz_opts *o, int c, const char *arg)
{
	uint64_t v;
	const char *why;

	switch (c) {
	case O_REPRO:
		if (parse_num("--repro", arg, &v, true))
			return 2;
		if (v > 1000)
			return ms_usage_err("fuzz", "--repro %s: at most 1000", arg);
		o->repro = v;
		return 0;
	case O_FAULT:
		if (fuzz_fault_parse(arg, &o->fixed, &why))
			return ms_usage_err("fuzz", "--fault '%s': %s", arg, why);
		o->replay = true;
		return 0;
	case O_BASELINE:
		o->replay = true;
		return 0;
	case O_SITES:
		return parse_sites(o, arg);
	case O_PHASES:
		o->phases = fuzz_phases_parse(arg);
		if (!o->phases)
			return ms_usage_err("fuzz", "--phases takes a list of %s, not '%s'",
					    fuzz_phase_list(), arg);
		return 0;
	}
	return 2;
}

static int parse_one(struct fuzz_opts *o, int c, const char *arg)
{
	switch (c) {
	case O_RUNS: return parse_num("--runs", arg, &o->runs, false);
	case O_SEED: return parse_num("--seed", arg, &o->seed, true);
	case O_NTHMAX:
		if (parse_num("--nth-max", arg, &o->nth_max, false))
			return 2;
		/* plans draw nth below 4 x this: keep it far from overflow */
		if (o->nth_max > FUZZ_NTH_MAX_LIMIT)
			return ms_usage_err("fuzz", "--nth-max %s: at most %d", arg,
					    FUZZ_NTH_MAX_LIMIT);
		return 0;
	case O_MUTATIONS: return parse_num("--mutations", arg, &o->mutations, true);
	case O_REPEAT: return parse_num("--repeat", arg, &o->repeat, false);
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
	case O_DEFECT:
		return parse_defect(o, arg);
	case 'v':
		ms_verbose++;
		return 0;
	}
	return parse_small(o, c, arg);
}

static int check_args(struct fuzz_opts *o, bool plan_given, bool muts_given)
{
	bool replay = o->replay;

	if (replay && (plan_given || muts_given))
		return ms_usage_err("fuzz", "--fault/--baseline replay one plan: --plan and --mutations do not apply");
	if (!replay && o->repeat)
		return ms_usage_err("fuzz", "--repeat is for --fault or --baseline");
	if (replay) {
		o->plan_name = "replay";
		o->repeat = o->repeat ? o->repeat : 1;
		o->mutations = 0;
		return 0;
	}
	o->plan_name = o->random ? "random" : "systematic";
	if (!muts_given)
		o->mutations = o->random ? 0 : 40;
	if (!o->runs)
		o->runs = o->random ? 50 : UINT64_MAX;
	return 0;
}

struct fuzz_parse {
	struct fuzz_opts *o;
	bool plan_given, muts_given;
};

static int parse_value(void *ctx, int key, const char *arg)
{
	struct fuzz_parse *p = ctx;

	p->plan_given |= key == O_PLAN;
	p->muts_given |= key == O_MUTATIONS;
	return parse_one(p->o, key, arg);
}

static int parse_args(struct fuzz_opts *o, int argc, char **argv)
{
	struct fuzz_parse p = { .o = o };
	int err;

	o->nth_max = 6;
	o->timeout_s = 3;
	o->repro = 10;
	err = ms_cli_parse(&fuzz_cli, argc, argv, parse_value, &p);
	if (err)
		return err;
	return check_args(o, p.plan_given, p.muts_given);
}

/* migsim (or asan/migsim) next to our own binary, else on PATH */
static int find_migsim(struct fuzz_opts *o, const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			snprintf(slash + 1, sizeof(self) - (slash + 1 - self), "%s",
				 name);
			if (!access(self, X_OK)) {
				snprintf(o->migsim, sizeof(o->migsim), "%s", self);
				return 0;
			}
		}
	}
	return ms_resolve_command(name, o->migsim, sizeof(o->migsim));
}

/*
 * A defect that corrupts the model's heap runs in the AddressSanitizer
 * build, where it is a crash with a report instead of undefined
 * behaviour; its leak checker is off (fuzz counts leaks itself).
 */
static int default_migsim(struct fuzz_opts *o)
{
	const char *bad;
	int bits = o->defect ? xe_defects_parse(o->defect, &bad) : 0;

	if (!(bits & XE_DEFECTS_MEMORY))
		return find_migsim(o, "migsim");
	if (find_migsim(o, "asan/migsim"))
		return ms_err("defect %s is a memory error: it needs the AddressSanitizer build of migsim next to migscope (make .output/asan/migsim; make test builds it)",
			      o->defect);
	setenv("ASAN_OPTIONS", "detect_leaks=0", 0);
	return 0;
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
		if (default_migsim(o))
			return -1;
		o->argv[o->argc++] = o->migsim;
		for (i = 0; i < (int)ARRAY_SIZE(defaults); i++)
			o->argv[o->argc++] = defaults[i];
	}
	if (ms_usdt_has(o->migsim, "xe", "fault_site"))
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

/* --- the campaign ------------------------------------------------------ */

/* a corruption's verify detail, once per finding */
static void add_example(struct fuzz_finding *f, const struct fuzz_run *r)
{
	const char *mismatch = r->res.mismatch;
	unsigned int i;

	if (r->cls != FZ_CORRUPTION || !*mismatch)
		return;
	for (i = 0; i < f->nexamples; i++)
		if (!strcmp(f->examples[i], mismatch))
			return;
	if (f->nexamples < FUZZ_EXAMPLES)
		snprintf(f->examples[f->nexamples++], sizeof(f->examples[0]),
			 "%s", mismatch);
}

static void add_finding(struct fuzz *fz, const struct fuzz_run *r)
{
	struct fuzz_finding *f;
	unsigned int i;

	fz->finding_runs++;
	for (i = 0; i < fz->nfindings; i++) {
		if (!strcmp(fz->findings[i].sig, r->sig)) {
			fz->findings[i].runs++;
			fuzz_finding_candidate(&fz->findings[i], &r->plan);
			add_example(&fz->findings[i], r);
			return;
		}
	}
	if (fz->nfindings == FUZZ_MAX_FINDINGS)
		return;
	f = &fz->findings[fz->nfindings++];
	memset(f, 0, sizeof(*f));
	snprintf(f->sig, sizeof(f->sig), "%s", r->sig);
	snprintf(f->detail, sizeof(f->detail), "%s", r->detail);
	f->cls = r->cls;
	f->runs = 1;
	f->first_run = fz->nruns;
	f->plan = f->min = r->plan;
	fuzz_finding_candidate(f, &r->plan);
	add_example(f, r);
	printf("run %llu: new finding #%u: %s\n", (unsigned long long)fz->nruns,
	       fz->nfindings, r->sig);
	fflush(stdout);
}

static int account(struct fuzz *fz, struct fuzz_run *r)
{
	if (fuzz_run_one(fz, r))
		return -1;
	if (ms_exiting)
		return 0;
	fz->nruns++;
	fz->counts[r->cls]++;
	r->new_cov = fuzz_cov_collect(fz, r);
	if (r->new_cov)
		fuzz_corpus_add(fz, &r->plan);
	if (fuzz_is_finding(r->cls))
		add_finding(fz, r);
	fuzz_print_row(fz, r);
	fuzz_report_run(fz, r);
	return 0;
}

static bool next_plan(struct fuzz *fz, const struct fuzz_run *last,
		      struct fuzz_plan *p)
{
	uint64_t generated = fz->nruns;

	if (fz->o.replay) {
		*p = fz->o.fixed;		/* replay */
		p->phase = "replay";
		return generated < fz->o.repeat;
	}
	if (generated >= fz->o.runs)
		return false;
	if (fz->o.random && generated + fz->o.mutations < fz->o.runs) {
		fuzz_next_random(fz, p);
		return true;
	}
	if (!fz->o.random && fuzz_next_systematic(fz, last, p))
		return true;
	if (!fz->o.mutations || !fz->ncorpus)
		return false;
	fz->o.mutations--;
	fuzz_mutate(fz, &fz->corpus[fuzz_rand(&fz->rng) % fz->ncorpus], p);
	return true;
}

static void phase_line(struct fuzz *fz, const char **phase,
		       const struct fuzz_plan *p)
{
	if (*phase && p->phase && !strcmp(*phase, p->phase))
		return;
	if (*phase)
		printf("phase %s done: %llu run(s), coverage %zu keys, corpus %u\n",
		       *phase, (unsigned long long)fz->nruns, fz->cov.n,
		       fz->ncorpus);
	*phase = p ? p->phase : NULL;
	fflush(stdout);
}

static void finish_findings(struct fuzz *fz)
{
	bool replay = fz->o.replay;
	unsigned int i;

	for (i = 0; i < fz->nfindings && !ms_exiting; i++) {
		struct fuzz_finding *f = &fz->findings[i];

		if (replay) {		/* the replay's runs are the measurement */
			f->repro_ok = f->runs;
			f->repro_n = fz->nruns;
			continue;
		}
		if (!fz->o.repro)
			continue;
		printf("finding #%u: minimising and re-running %u times\n",
		       i + 1, fz->o.repro);
		fflush(stdout);
		fuzz_minimise_finding(fz, f);
	}
}

static int campaign(struct fuzz *fz)
{
	struct fuzz_run r, last;
	const char *phase = NULL;
	int c;

	memset(&last, 0, sizeof(last));
	fuzz_print_header();
	while (!ms_exiting) {
		memset(&r, 0, sizeof(r));
		if (!next_plan(fz, fz->nruns ? &last : NULL, &r.plan))
			break;
		phase_line(fz, &phase, &r.plan);
		if (account(fz, &r))
			return -1;
		last = r;
	}
	phase_line(fz, &phase, &(struct fuzz_plan){ .phase = "" });
	finish_findings(fz);
	fuzz_print_findings(fz);
	printf("\n%llu run(s):", (unsigned long long)fz->nruns);
	for (c = 0; c < FZ_NR; c++)
		if (fz->counts[c])
			printf(" %s %llu", fuzz_class_names[c],
			       (unsigned long long)fz->counts[c]);
	printf("; coverage %zu keys; %u unique finding(s)\n", fz->cov.n,
	       fz->nfindings);
	fuzz_report_close(fz);
	return fz->nfindings ? 1 : 0;
}

static int on_event(void *ctx, const struct ms_event *e)
{
	(void)ctx;
	if (ms_verbose > 1 && e->type == MS_EV_INJECT)
		fprintf(stderr, "migscope: injected #%llu at %s hit %llu in pid %u\n",
			(unsigned long long)e->inject.seq,
			inj_site_name(e->inject.site),
			(unsigned long long)e->inject.hit, e->pid);
	return 0;
}

static int need_model_sites(void)
{
	struct ms_ladder_choice c;

	if (ms_ladder_pick(&ms_feature_inject_model, NULL, &c) < 0)
		return ms_err("fuzz needs the model fault sites: %s (see migscope doctor)",
			      c.why);
	return 0;
}

int cmd_fuzz(int argc, char **argv)
{
	static struct fuzz fz;
	int err, ret;

	err = parse_args(&fz.o, argc, argv);
	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (optind > 1 && !strcmp(argv[optind - 1], "--") && optind == argc)
		return ms_usage_err("fuzz", "nothing after --: give the migsim command, or leave -- out for the default");
	if (build_command(&fz.o, argc - optind, argv + optind))
		return 2;
	if (ms_require_bpf_privileges("fuzz") || need_model_sites())
		return 1;
	ms_setup_signals();
	fz.rng = fz.o.seed;
	if (fuzz_cov_init(&fz.cov))
		return 1;
	if (inj_session_open(&fz.s, INJ_MECH_MODEL, -1, true, on_event, &fz) ||
	    inj_attach_model(&fz.s, fz.o.migsim, true) || fuzz_report_open(&fz)) {
		inj_session_close(&fz.s);
		fuzz_cov_free(&fz.cov);
		return 1;
	}
	ret = campaign(&fz);
	inj_session_close(&fz.s);
	fuzz_cov_free(&fz.cov);
	return ret < 0 ? 1 : ret;
}
