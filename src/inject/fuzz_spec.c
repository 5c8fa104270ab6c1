// SPDX-License-Identifier: GPL-2.0
/*
 * The text form of a fuzz plan, both ways (--fault SPEC), and the command
 * lines that replay one: `migscope fuzz --fault ...`, `migscope inject`.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "fuzz.h"

/* --- text -------------------------------------------------------------- */

#define SPEC_ADD(...)	(n += snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))

void fuzz_fault_spec(const struct inj_plan *f, char *buf, size_t len)
{
	char arg[32];
	size_t n = 0;

	SPEC_ADD("%s", inj_site_name(f->site));
	if (f->mech == INJ_MECH_SIGNAL && f->sig == SIGUSR1)
		SPEC_ADD(":signal=USR1");
	else if (f->mech == INJ_MECH_SIGNAL)
		SPEC_ADD(":signal=%u", f->sig);
	else if (ms_site_is_delay(f->site))
		SPEC_ADD(":delay=%u", f->delay_us);
	else {
		ms_errno_arg(f->err, arg, sizeof(arg));
		SPEC_ADD(":errno=%s", arg);
	}
	if (f->nth)
		SPEC_ADD(":nth=%llu", (unsigned long long)f->nth);
	if (f->prob >= 0) {
		ms_double_arg(f->prob, arg, sizeof(arg));
		SPEC_ADD(":prob=%s:seed=%llu", arg, (unsigned long long)f->seed);
	}
	if (f->times)
		SPEC_ADD(":times=%llu", (unsigned long long)f->times);
	if (f->gt != MS_ANY)
		SPEC_ADD(":gt=%u", f->gt);
	if (f->vf != MS_ANY)
		SPEC_ADD(":vf=%u", f->vf);
	if (f->type != MS_ANY)
		SPEC_ADD(":type=%u", f->type);
}

static void size_text(uint64_t v, char *buf, size_t len)
{
	if (v && !(v & ((1 << 20) - 1)))
		snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
	else if (v && !(v & ((1 << 10) - 1)))
		snprintf(buf, len, "%lluK", (unsigned long long)(v >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

void fuzz_plan_text(const struct fuzz_plan *p, char *buf, size_t len)
{
	char one[160], sz[32];
	size_t n = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < p->n; i++) {
		fuzz_fault_spec(&p->f[i], one, sizeof(one));
		SPEC_ADD("%s%s", i ? " + " : "", one);
	}
	if (!p->n && !p->flr_side)
		SPEC_ADD("(baseline: no injection)");
	if (p->flr_side)
		SPEC_ADD("%sflr after %s %u", p->n ? " + " : "",
			 p->flr_side == 's' ? "read" : "write", p->flr_n);
	if (p->vram) {
		size_text(p->vram, sz, sizeof(sz));
		SPEC_ADD(" [vram %s", sz);
		size_text(p->chunk, sz, sizeof(sz));
		SPEC_ADD(" chunk %s]", sz);
	}
}

static int spec_field(struct inj_plan *f, const char *key, const char *val,
		      bool *have_verdict)
{
	uint64_t v;

	if (!strcmp(key, "errno")) {
		f->err = ms_errno_from_name(val);
		*have_verdict = true;
		return f->err > 0 && f->err <= 4095 ? 0 : -1;
	}
	if (!strcmp(key, "signal")) {
		fuzz_fault_signal(f);
		*have_verdict = true;
		if (!strcasecmp(val, "USR1"))
			return 0;
		if (ms_parse_u64(val, &v) || !v || v > 64)
			return -1;
		f->sig = v;
		return 0;
	}
	if (!strcmp(key, "prob")) {
		char *end;

		f->prob = strtod(val, &end);
		return end == val || *end ||
		       !(f->prob >= 0 && f->prob <= 1) ? -1 : 0;
	}
	if (ms_parse_u64(val, &v))
		return -1;
	if (!strcmp(key, "delay") && v && v <= MS_DELAY_MAX_US) {
		f->delay_us = v;
		*have_verdict = true;
	} else if (!strcmp(key, "nth") && v) {
		f->nth = v;
	} else if (!strcmp(key, "seed")) {
		f->seed = v;
	} else if (!strcmp(key, "times") && v) {
		f->times = v;
	} else if (!strcmp(key, "gt") && v < MS_ANY && inj_site_has_gt(f->site)) {
		f->gt = v;
	} else if (!strcmp(key, "vf") && v < MS_ANY && inj_site_has_vf(f->site)) {
		f->vf = v;
	} else if (!strcmp(key, "type") && v < MS_ANY) {
		f->type = v;
	} else {
		return -1;
	}
	return 0;
}

int fuzz_fault_parse(const char *spec, struct fuzz_plan *p, const char **why)
{
	char buf[256], *tok, *save = NULL;
	bool have_verdict = false;
	struct inj_plan *f;
	int site;

	*why = "a fault is SITE:errno=E|delay=US|signal=USR1[:nth=N][:gt=N][:vf=N][:type=N][:times=N][:prob=P:seed=S]";
	if (p->n >= INJ_MAX_FAULTS) {
		*why = "at most 4 faults in one plan";
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	tok = strtok_r(buf, ":", &save);
	site = tok ? inj_site_from_name(tok) : -1;
	if (site < 0)
		return -1;
	f = &p->f[p->n];
	fuzz_fault_base(f, site);
	f->err = 0;
	f->delay_us = 0;
	while ((tok = strtok_r(NULL, ":", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return -1;
		*eq = 0;
		if (spec_field(f, tok, eq + 1, &have_verdict))
			return -1;
	}
	if (!have_verdict)
		return -1;
	if (f->mech != INJ_MECH_SIGNAL && !ms_site_is_delay(site) != !f->delay_us)
		return -1;
	if (f->nth && (f->prob >= 0 || f->times))
		return -1;
	p->n++;
	return 0;
}

/* --- reproducers -------------------------------------------------------- */

/* the command, with the plan's migration size appended (last one wins) */
static void command_text(const struct fuzz *fz, const struct fuzz_plan *p,
			 char *buf, size_t len, size_t *n)
{
	char sz[32];
	int i;

	for (i = 0; fz->o.argv[i]; i++)
		fuzz_shell_quote(buf, len, n, fz->o.argv[i]);
	if (p->flr_side) {
		snprintf(sz, sizeof(sz), "%s:%u",
			 p->flr_side == 's' ? "save" : "restore", p->flr_n);
		fuzz_shell_quote(buf, len, n, "--flr-at");
		fuzz_shell_quote(buf, len, n, sz);
	}
	if (!p->vram)
		return;
	size_text(p->vram, sz, sizeof(sz));
	fuzz_shell_quote(buf, len, n, "--vram");
	fuzz_shell_quote(buf, len, n, sz);
	size_text(p->chunk, sz, sizeof(sz));
	fuzz_shell_quote(buf, len, n, "--chunk");
	fuzz_shell_quote(buf, len, n, sz);
}

void fuzz_reproducer(const struct fuzz *fz, const struct fuzz_plan *p,
		     char *buf, size_t len)
{
	char spec[160];
	size_t n = 0;
	unsigned int i;

	n = snprintf(buf, len, "migscope fuzz --timeout-s %llu",
		     (unsigned long long)fz->o.timeout_s);
	for (i = 0; i < p->n; i++) {
		fuzz_fault_spec(&p->f[i], spec, sizeof(spec));
		fuzz_shell_quote(buf, len, &n, "--fault");
		fuzz_shell_quote(buf, len, &n, spec);
	}
	if (!p->n)
		fuzz_shell_quote(buf, len, &n, "--baseline");
	fuzz_shell_quote(buf, len, &n, "--");
	command_text(fz, p, buf, len, &n);
}

void fuzz_inject_line(const struct fuzz *fz, const struct fuzz_plan *p,
		      char *buf, size_t len)
{
	char args[256];
	size_t n;

	buf[0] = 0;
	if (p->n != 1)
		return;
	inj_plan_args(&p->f[0], args, sizeof(args));
	n = snprintf(buf, len, "migscope inject %s --", args);
	if (n < len)
		command_text(fz, p, buf, len, &n);
}
