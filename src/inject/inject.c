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
#include "usdt.h"
#include "cli.h"
#include "inject_cli.h"
#include "json.h"
#include "ladders.h"
#include "render.h"
#include "summary.h"
#include "commands.h"

struct inject_out {
	struct json j;
	bool json;
	uint64_t logged;
	uint64_t t0_ns;		/* event times are printed from here */
};

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
	model = !ms_usdt_has(bin, "xe", "fault_site");
	if (p->sig) {
		if (p->file)
			return ms_err("--file scopes the kernel mechanism; --signal works at the model's fault sites");
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
		ms_summary_begin(&out->j, "inject", drops);
		json_ku64(&out->j, "schema", 1);
		json_kstr(&out->j, "plan", args);
		json_kstr(&out->j, "mechanism", inj_mech_name(p->mech));
		json_ku64(&out->j, "hits", st.f[0].hits);
		json_ku64(&out->j, "injected", st.f[0].injected);
		json_ku64(&out->j, "logged", out->logged);
		json_kbool(&out->j, "dry_run", p->dry_run);
		if (status >= 0)
			json_ki64(&out->j, "exit", status);
		json_obj_end_line(&out->j);
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

int cmd_inject(int argc, char **argv)
{
	struct inject_opts o = { 0 };
	char bin[PATH_MAX];
	int err;

	err = inject_parse_args(&o, argc, argv);
	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (o.list)
		return list_sites();
	if (ms_require_bpf_privileges("inject"))
		return 1;
	if (pick_mechanism(&o, bin, sizeof(bin)))
		return 1;
	ms_setup_signals();
	return run(&o, bin);
}
