/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migscope fuzz: many migrations of the reference model, each under a
 * plan of one or more armed faults, each run classified and given a
 * signature; runs with the same signature are one finding, whose plan is
 * then minimised and re-run to measure how reliably it reproduces.  The
 * probes' coverage (state transitions, sites hit, faults taken, outcomes)
 * steers the mutation phase.
 *
 *   fuzz.c           options, the campaign
 *   fuzz_plan.c      plans: systematic phases, random plans, mutation
 *   fuzz_spec.c      a plan's text both ways (--fault SPEC), reproducers
 *   fuzz_run.c       one run: spawn, capture, timeout, migsim's JSON
 *   fuzz_classify.c  class and signature of a run
 *   fuzz_cov.c       the coverage set and the corpus
 *   fuzz_minimise.c  shrinking a finding's plan, reproduction rate
 *   fuzz_report.c    the table and the JSON report
 */
#ifndef MIGSCOPE_FUZZ_H
#define MIGSCOPE_FUZZ_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "inject.h"
#include "json.h"

#define FUZZ_MAX_ARGS		64
#define FUZZ_OUT_MAX		8192
#define FUZZ_ERR_MAX		16384
#define FUZZ_SIG_LEN		256
#define FUZZ_PLAN_LEN		512
#define FUZZ_MAX_FINDINGS	64
#define FUZZ_CORPUS_MAX		256
#define FUZZ_CANDIDATES		4
#define FUZZ_EXAMPLES		4	/* verify details kept per finding */
/*
 * At a delay site: long enough for the other side of a race to finish
 * what it is doing (a whole default migration takes ~30 ms; a loaded
 * machine several times that), short enough to cost little per run.  The
 * reader's delay is longer than the worker's so that a worker delayed at
 * the same time finishes first; the worker parked on a full ring waits
 * longest, for the reader to drain five packets, a 4M GuC blob among
 * them.
 */
#define FUZZ_DELAY_US		100000
#define FUZZ_CONSUME_DELAY_US	200000
#define FUZZ_WAIT_DELAY_US	500000
#define FUZZ_GTS		2	/* GTs a per-GT site is planned on */

enum fuzz_class {
	FZ_CLEAN,	/* error reported, source recovered, destination failed */
	FZ_ABSORBED,	/* success despite the injection, data verified */
	FZ_UNREACHED,	/* the plan's hits never came: nothing injected */
	FZ_HANG,
	FZ_CRASH,
	FZ_CORRUPTION,	/* success reported, verify failed */
	FZ_LEAK,	/* packets alive when the processes exited */
	FZ_SPIN,	/* the save reader polled an empty ring without sleeping */
	FZ_UNCLEAN,	/* error, but a side is left in the wrong state */
	FZ_NR,
};

/* a plan: up to INJ_MAX_FAULTS faults and the migration's size */
struct fuzz_plan {
	struct inj_plan f[INJ_MAX_FAULTS];
	unsigned int n;			/* 0: the baseline, nothing armed */
	uint64_t vram, chunk;		/* bytes; 0: the command's own */
	char flr_side;			/* 's'ave, 'r'estore: migsim --flr-at */
	unsigned int flr_n;		/* after that side's n-th read/write */
	const char *phase;		/* which generator made it */
};

/* what migsim's one JSON object says (fields fuzz uses) */
struct migsim_result {
	bool have;			/* a JSON object was read */
	bool ok, verified;
	int err;			/* positive errno of the failure */
	char failed_at[32], mismatch[64];
	int src_err, dst_err;
	char src_failed_at[32], dst_failed_at[32];
	unsigned int attempts;
	unsigned int interrupted;	/* reads and writes a signal interrupted */
	bool flr;			/* migsim reset a VF (src_flr, dst_flr) */
	char src_states[2][320], dst_states[2][320];
	unsigned int src_gts, dst_gts;
};

struct fuzz_run {
	struct fuzz_plan plan;
	struct inject_stats st;
	struct migsim_result res;
	enum fuzz_class cls;
	char detail[512];
	char sig[FUZZ_SIG_LEN];
	char asan[256];			/* "heap-use-after-free in a < b" */
	int status;
	bool timed_out;
	uint64_t leaks, ms, injected, hits;
	uint64_t left_in_ring;		/* saved packets never read */
	/* the state bits left set, all GTs: source [0] and destination [1]
	 * (of the latest attempt) */
	uint64_t states_left[2];
	unsigned int new_cov;
};

struct fuzz_finding {
	char sig[FUZZ_SIG_LEN];
	enum fuzz_class cls;
	char detail[512];
	uint64_t runs, first_run;
	struct fuzz_plan plan, min;
	/*
	 * Other plans that showed it, tried in turn when the first one's
	 * minimised reproducer is flaky (a timing finding reproduces better
	 * from a plan whose delay holds the window open).
	 */
	struct fuzz_plan cand[FUZZ_CANDIDATES];
	unsigned int ncand;
	/* the verify details its runs showed: one data-path bug drops
	 * whichever packet the timing gives it */
	char examples[FUZZ_EXAMPLES][64];
	unsigned int nexamples;
	bool minimised;
	unsigned int repro_ok, repro_n;
};

struct fuzz_opts {
	uint64_t runs, seed, nth_max, timeout_s, repeat, mutations;
	unsigned int repro;		/* re-runs of each minimised finding */
	uint32_t sites, phases;		/* --sites, --phases masks; 0: all */
	bool random, replay;		/* replay: --fault or --baseline */
	const char *report, *defect, *plan_name;
	struct fuzz_plan fixed;		/* --fault: replay this plan */
	char *argv[FUZZ_MAX_ARGS];
	int argc;
	char migsim[PATH_MAX];
};

struct fuzz_cov {
	uint64_t *keys;			/* open addressing; 0 = empty */
	size_t cap, n;
	size_t by_kind[5];
};

struct fuzz {
	struct fuzz_opts o;
	struct inj_session s;
	FILE *rep_f, *runs_f;		/* the report; its runs, in memory */
	char *runs_buf;
	size_t runs_len;
	struct json runs_j;
	uint64_t counts[FZ_NR], nruns, finding_runs;
	struct fuzz_finding findings[FUZZ_MAX_FINDINGS];
	unsigned int nfindings;
	struct fuzz_cov cov;
	struct fuzz_plan corpus[FUZZ_CORPUS_MAX];
	unsigned int ncorpus;
	uint64_t rng;
	/* the systematic generator's cursor */
	unsigned int phase, site, site2, gt, nth, nth2;
	bool started;
};

extern const char *const fuzz_class_names[FZ_NR];

/* fuzz_plan.c */
void fuzz_plan_baseline(struct fuzz_plan *p);
void fuzz_fault_base(struct inj_plan *f, unsigned int site);
/* SIGUSR1 at the site instead of its errno or delay */
void fuzz_fault_signal(struct inj_plan *f);
bool fuzz_next_systematic(struct fuzz *fz, const struct fuzz_run *last,
			  struct fuzz_plan *p);
/* "single,retry" -> a --phases mask; 0 if a name is unknown */
uint32_t fuzz_phases_parse(const char *list);
const char *fuzz_phase_list(void);
void fuzz_next_random(struct fuzz *fz, struct fuzz_plan *p);
void fuzz_mutate(struct fuzz *fz, const struct fuzz_plan *from,
		 struct fuzz_plan *p);
uint64_t fuzz_rand(uint64_t *x);

/* fuzz_spec.c */
/* "save_step:delay=50000:gt=1:nth=3 + data_read:errno=EIO:nth=2" */
void fuzz_plan_text(const struct fuzz_plan *p, char *buf, size_t len);
void fuzz_fault_spec(const struct inj_plan *f, char *buf, size_t len);
/* one --fault SPEC into p->f[p->n]; 0 or -1 with *why set */
int fuzz_fault_parse(const char *spec, struct fuzz_plan *p, const char **why);
/* the command line that replays the plan: migscope fuzz --fault ... */
void fuzz_reproducer(const struct fuzz *fz, const struct fuzz_plan *p,
		     char *buf, size_t len);
/* a single fault's `migscope inject` line, or "" */
void fuzz_inject_line(const struct fuzz *fz, const struct fuzz_plan *p,
		      char *buf, size_t len);

/* fuzz_run.c */
int fuzz_run_one(struct fuzz *fz, struct fuzz_run *r);
int fuzz_parse_result(const char *out, struct migsim_result *res);
void fuzz_shell_quote(char *buf, size_t len, size_t *n, const char *arg);

/* fuzz_classify.c */
void fuzz_classify(struct fuzz_run *r, const char *err_text);
bool fuzz_is_finding(enum fuzz_class c);

/* fuzz_cov.c */
int fuzz_cov_init(struct fuzz_cov *c);
void fuzz_cov_free(struct fuzz_cov *c);
/* drain the probes' keys and add the run's outcome; returns new keys */
unsigned int fuzz_cov_collect(struct fuzz *fz, const struct fuzz_run *r);
void fuzz_corpus_add(struct fuzz *fz, const struct fuzz_plan *p);

/* fuzz_minimise.c */
/* remember another plan that showed the finding */
void fuzz_finding_candidate(struct fuzz_finding *f, const struct fuzz_plan *p);
/* minimise and measure, candidate by candidate until one is reliable */
void fuzz_minimise_finding(struct fuzz *fz, struct fuzz_finding *f);

/* fuzz_report.c */
void fuzz_print_header(void);
void fuzz_print_row(const struct fuzz *fz, const struct fuzz_run *r);
void fuzz_print_findings(const struct fuzz *fz);
int fuzz_report_open(struct fuzz *fz);
void fuzz_report_run(struct fuzz *fz, const struct fuzz_run *r);
void fuzz_report_close(struct fuzz *fz);

#endif /* MIGSCOPE_FUZZ_H */
