// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz output: run rows (-v), one line per new finding as it appears,
 * the unique findings at the end; the JSON report with the findings
 * first, then the coverage, then every run.  Runs are written to a memory
 * stream while the campaign goes and copied in at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common.h"
#include "fuzz.h"
#include "summary.h"

static void result_text(const struct fuzz_run *r, char *buf, size_t len)
{
	if (r->timed_out)
		snprintf(buf, len, "-");
	else if (!r->res.have)
		snprintf(buf, len, "no report");
	else if (!r->res.ok)
		snprintf(buf, len, "%s %s", r->res.failed_at,
			 ms_errno_name(r->res.err));
	else
		snprintf(buf, len, "ok%s", r->res.verified ? "" : " unverified");
}

void fuzz_print_header(void)
{
	if (ms_verbose)
		printf("%4s  %-56s %4s %4s  %-26s %-10s %4s %5s\n", "RUN", "PLAN",
		       "HITS", "INJ", "RESULT", "CLASS", "COV+", "MS");
}

void fuzz_print_row(const struct fuzz *fz, const struct fuzz_run *r)
{
	char plan[FUZZ_PLAN_LEN], res[64];

	if (!ms_verbose)
		return;
	fuzz_plan_text(&r->plan, plan, sizeof(plan));
	result_text(r, res, sizeof(res));
	printf("%4llu  %-56s %4llu %4llu  %-26s %-10s %4u %5llu\n",
	       (unsigned long long)fz->nruns, plan,
	       (unsigned long long)r->hits, (unsigned long long)r->injected,
	       res, fuzz_class_names[r->cls], r->new_cov,
	       (unsigned long long)r->ms);
	if (fuzz_is_finding(r->cls))
		printf("      %s\n", r->sig);
	fflush(stdout);
}

static void rate_text(const struct fuzz_finding *f, char *buf, size_t len)
{
	if (!f->repro_n)
		snprintf(buf, len, "not re-run");
	else if (f->repro_ok * 10 >= f->repro_n * 9)
		snprintf(buf, len, "%u/%u", f->repro_ok, f->repro_n);
	else
		snprintf(buf, len, "flaky %u/%u", f->repro_ok, f->repro_n);
}

static void print_examples(const struct fuzz_finding *f)
{
	unsigned int i;

	if (f->nexamples < 2)
		return;
	printf("    verify details seen:");
	for (i = 0; i < f->nexamples; i++)
		printf("%s %s", i ? "," : "", f->examples[i]);
	printf("\n");
}

void fuzz_print_findings(const struct fuzz *fz)
{
	char plan[FUZZ_PLAN_LEN], repro[2048], rate[32];
	unsigned int i;

	printf("\n%u unique finding(s)", fz->nfindings);
	if (fz->nfindings)
		printf(" in %llu run(s) that showed one",
		       (unsigned long long)fz->finding_runs);
	printf(":\n");
	for (i = 0; i < fz->nfindings; i++) {
		const struct fuzz_finding *f = &fz->findings[i];

		rate_text(f, rate, sizeof(rate));
		printf("\n#%u  %s\n", i + 1, f->sig);
		printf("    %s\n", f->detail);
		print_examples(f);
		printf("    hit by %llu run(s), first run %llu; reproduces %s\n",
		       (unsigned long long)f->runs,
		       (unsigned long long)f->first_run, rate);
		fuzz_plan_text(&f->plan, plan, sizeof(plan));
		printf("    first plan:     %s\n", plan);
		fuzz_plan_text(&f->min, plan, sizeof(plan));
		printf("    minimised plan: %s\n", plan);
		fuzz_reproducer(fz, &f->min, repro, sizeof(repro));
		printf("    reproduce: %s\n", repro);
	}
}

/* --- JSON ------------------------------------------------------------- */

int fuzz_report_open(struct fuzz *fz)
{
	if (!fz->o.report)
		return 0;
	fz->rep_f = fopen(fz->o.report, "w");
	if (!fz->rep_f)
		return ms_err("--report %s: %s", fz->o.report, strerror(errno));
	fz->runs_f = open_memstream(&fz->runs_buf, &fz->runs_len);
	if (!fz->runs_f)
		return ms_err("out of memory");
	json_init(&fz->runs_j, fz->runs_f);
	json_arr_begin(&fz->runs_j);
	return 0;
}

static void json_plan(struct json *j, const char *key,
		      const struct fuzz_plan *p)
{
	char text[FUZZ_PLAN_LEN];
	unsigned int i;

	fuzz_plan_text(p, text, sizeof(text));
	json_kstr(j, key, text);
	json_key(j, "faults");
	json_arr_begin(j);
	for (i = 0; i < p->n; i++) {
		fuzz_fault_spec(&p->f[i], text, sizeof(text));
		json_str(j, text);
	}
	json_arr_end(j);
	json_ku64(j, "vram", p->vram);
	json_ku64(j, "chunk", p->chunk);
}

void fuzz_report_run(struct fuzz *fz, const struct fuzz_run *r)
{
	struct json *j = &fz->runs_j;

	if (!fz->rep_f)
		return;
	json_obj_begin(j);
	json_ku64(j, "run", fz->nruns);
	json_kstr(j, "phase", r->plan.phase ? r->plan.phase : "");
	json_plan(j, "plan", &r->plan);
	json_kstr(j, "site", r->plan.n ? inj_site_name(r->plan.f[0].site) : "");
	json_ku64(j, "hits", r->hits);
	json_ku64(j, "injected", r->injected);
	json_kstr(j, "result", !r->res.have ? "" : r->res.ok ? "ok" : "error");
	json_kstr(j, "errno", r->res.err ? ms_errno_name(r->res.err) : "");
	json_kstr(j, "failed_at", r->res.failed_at);
	json_kbool(j, "verified", r->res.verified);
	json_ku64(j, "leaked_packets", r->leaks);
	json_ku64(j, "empty_polls", r->st.empty_polls);
	json_ku64(j, "consumed", r->st.consumed);
	json_ku64(j, "left_in_save_ring", r->left_in_ring);
	json_kstr(j, "mismatch", r->res.mismatch);
	json_ku64(j, "interrupted_calls", r->res.interrupted);
	json_ku64(j, "interrupted_save_waits", r->st.interrupted_waits[MS_DIR_SAVE]);
	json_ku64(j, "interrupted_restore_waits",
		  r->st.interrupted_waits[MS_DIR_RESTORE]);
	json_kbool(j, "timed_out", r->timed_out);
	if (WIFSIGNALED(r->status))
		json_ki64(j, "signal", WTERMSIG(r->status));
	json_ku64(j, "ms", r->ms);
	json_kstr(j, "class", fuzz_class_names[r->cls]);
	json_ku64(j, "new_coverage", r->new_cov);
	json_ku64(j, "coverage", fz->cov.n);
	if (fuzz_is_finding(r->cls)) {
		json_kstr(j, "signature", r->sig);
		json_kstr(j, "detail", r->detail);
	}
	json_obj_end(j);
}

static void json_finding(const struct fuzz *fz, struct json *j,
			 const struct fuzz_finding *f)
{
	char buf[2048];
	unsigned int i;

	json_obj_begin(j);
	json_kstr(j, "signature", f->sig);
	json_kstr(j, "class", fuzz_class_names[f->cls]);
	json_kstr(j, "detail", f->detail);
	json_key(j, "examples");
	json_arr_begin(j);
	for (i = 0; i < f->nexamples; i++)
		json_str(j, f->examples[i]);
	json_arr_end(j);
	json_ku64(j, "runs", f->runs);
	json_ku64(j, "first_run", f->first_run);
	json_plan(j, "plan", &f->plan);
	fuzz_reproducer(fz, &f->plan, buf, sizeof(buf));
	json_kstr(j, "reproducer", buf);
	json_key(j, "minimised");
	json_obj_begin(j);
	json_plan(j, "plan", &f->min);
	fuzz_reproducer(fz, &f->min, buf, sizeof(buf));
	json_kstr(j, "reproducer", buf);
	fuzz_inject_line(fz, &f->min, buf, sizeof(buf));
	json_kstr(j, "inject", buf);
	json_obj_end(j);
	json_ku64(j, "reproduced", f->repro_ok);
	json_ku64(j, "reproduce_runs", f->repro_n);
	rate_text(f, buf, sizeof(buf));
	json_kstr(j, "rate", buf);
	json_obj_end(j);
}

static void json_coverage(const struct fuzz *fz, struct json *j)
{
	static const char *const kinds[] = {
		NULL, "states", "sites", "faults", "outcomes",
	};
	unsigned int k;

	json_key(j, "coverage");
	json_obj_begin(j);
	json_ku64(j, "keys", fz->cov.n);
	for (k = 1; k < ARRAY_SIZE(kinds); k++)
		json_ku64(j, kinds[k], fz->cov.by_kind[k]);
	json_ku64(j, "corpus", fz->ncorpus);
	json_obj_end(j);
}

static void json_header(struct fuzz *fz, struct json *j)
{
	char cmd[2048];
	size_t n = 0;
	int i;

	cmd[0] = 0;
	for (i = 0; fz->o.argv[i]; i++)
		fuzz_shell_quote(cmd, sizeof(cmd), &n, fz->o.argv[i]);
	json_kstr(j, "type", "fuzz_report");
	json_ku64(j, "schema", 3);
	json_kstr(j, "plan", fz->o.plan_name);
	json_ku64(j, "seed", fz->o.seed);
	json_ku64(j, "nth_max", fz->o.nth_max);
	json_kstr(j, "defect", fz->o.defect ? fz->o.defect : "");
	json_kstr(j, "command", cmd + (cmd[0] == ' '));
}

void fuzz_report_close(struct fuzz *fz)
{
	struct json j;
	unsigned int i;
	int c;

	if (!fz->rep_f)
		return;
	json_arr_end(&fz->runs_j);
	fclose(fz->runs_f);
	json_init(&j, fz->rep_f);
	json_obj_begin(&j);
	json_header(fz, &j);
	json_key(&j, "findings");
	json_arr_begin(&j);
	for (i = 0; i < fz->nfindings; i++)
		json_finding(fz, &j, &fz->findings[i]);
	json_arr_end(&j);
	json_coverage(fz, &j);
	json_key(&j, "summary");
	ms_summary_begin(&j, "fuzz", ms_events_drops(&fz->s.ev));
	json_ku64(&j, "runs", fz->nruns);
	for (c = 0; c < FZ_NR; c++)
		json_ku64(&j, fuzz_class_names[c], fz->counts[c]);
	json_ku64(&j, "finding_runs", fz->finding_runs);
	json_ku64(&j, "findings", fz->nfindings);
	json_obj_end(&j);
	json_key(&j, "runs");
	json_flush(&j);
	fwrite(fz->runs_buf, 1, fz->runs_len, fz->rep_f);
	j.after_key = false;	/* the runs array is that key's value */
	json_obj_end(&j);
	fputc('\n', fz->rep_f);
	fclose(fz->rep_f);
	free(fz->runs_buf);
	fz->rep_f = NULL;
}
