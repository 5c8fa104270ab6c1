// SPDX-License-Identifier: GPL-2.0
/*
 * migscope doctor: what this kernel allows, found by loading tiny programs,
 * and which rung of its attach ladder every feature will use.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "doctor_xe.h"
#include "xe_btf.h"
#include "ladders.h"
#include "json.h"
#include "cli.h"
#include "commands.h"

struct kernel_facts {
	struct utsname uts;
	char lockdown[32];
	bool btf_vmlinux;
	const char *btf_xe;
	const char *btf_kvm;
	bool dev_kvm;
};

static void read_lockdown(char *out, size_t len)
{
	char buf[128] = "", *l, *r;
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");

	snprintf(out, len, "unknown");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r) {
			*r = '\0';
			snprintf(out, len, "%s", l + 1);
		}
	}
	fclose(f);
}

/* "yes", "built-in" (types in vmlinux BTF), or "no" */
static const char *module_btf(const char *module)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
	if (!access(path, F_OK))
		return "yes";
	snprintf(path, sizeof(path), "/sys/module/%s", module);
	if (!access(path, F_OK)) {
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", module);
		return access(path, F_OK) ? "built-in" : "no-btf";
	}
	return "not-loaded";
}

/*
 * The xe functions' BTF, wherever it is: found by looking a function up,
 * not by the module's name (xe built in, xe.ko, or a rebuilt twin).
 */
static const char *xe_btf_state(void)
{
	static char state[80];
	struct xe_kmod m;
	char why[512];

	if (xe_kmod_find(&m, why, sizeof(why)))
		return "not-loaded";
	if (m.btf == m.vmlinux)
		snprintf(state, sizeof(state), "built-in");
	else
		snprintf(state, sizeof(state), "yes (module %s)", m.name);
	xe_kmod_close(&m);
	return state;
}

static void gather(struct kernel_facts *k)
{
	ms_ensure_kernel_fs();
	uname(&k->uts);
	read_lockdown(k->lockdown, sizeof(k->lockdown));
	k->btf_vmlinux = !access("/sys/kernel/btf/vmlinux", F_OK);
	k->btf_xe = xe_btf_state();
	k->btf_kvm = module_btf("kvm");
	k->dev_kvm = !access("/dev/kvm", F_OK);
}

static void print_text(const struct kernel_facts *k)
{
	struct ms_ladder_choice c;
	char loads[512];
	int h, i;

	printf("kernel      %s %s\n", k->uts.release, k->uts.machine);
	printf("lockdown    %s\n", k->lockdown);
	printf("btf         vmlinux:%s xe:%s kvm:%s\n",
	       k->btf_vmlinux ? "yes" : "no", k->btf_xe, k->btf_kvm);
	printf("/dev/kvm    %s\n", k->dev_kvm ? "yes" : "no");
	doctor_xe_text(false);
	printf("\n");
	printf("%-17s %-4s %s\n", "HOOK", "OK", "DETAIL");
	for (h = 0; h < MS_HOOK_COUNT; h++) {
		const struct ms_hook_status *st = ms_hook_probe(h);

		printf("%-17s %-4s %s\n", ms_hook_name(h), st->ok ? "yes" : "NO",
		       st->reason);
	}
	printf("\n%-14s %-12s %s\n", "FEATURE", "RUNG", "WHY NOT A HIGHER RUNG");
	for (i = 0; i < ms_nr_features; i++) {
		const struct ms_feature *f = ms_features[i];

		ms_ladder_pick(f, NULL, &c);
		printf("%-14s %-12s %s\n", f->name,
		       c.rung >= 0 ? f->rungs[c.rung].name : "UNAVAILABLE",
		       c.why[0] ? c.why : "-");
		if (c.rung < 0)
			continue;
		ms_rung_describe(&f->rungs[c.rung], ms_kernel_facts(), loads,
				 sizeof(loads));
		printf("%-27s loads %s from bpf/%s.bpf.c\n", "", loads,
		       f->object);
	}
}

static void print_json(const struct kernel_facts *k)
{
	struct ms_ladder_choice c;
	char loads[512];
	struct json j;
	int h, i;

	json_init(&j, stdout);
	json_obj_begin(&j);
	/* like every JSON record migscope prints, it says what it is */
	json_kstr(&j, "type", "doctor");
	json_key(&j, "kernel");
	json_obj_begin(&j);
	json_kstr(&j, "release", k->uts.release);
	json_kstr(&j, "machine", k->uts.machine);
	json_kstr(&j, "lockdown", k->lockdown);
	json_kbool(&j, "btf_vmlinux", k->btf_vmlinux);
	json_kstr(&j, "btf_xe", k->btf_xe);
	json_kstr(&j, "btf_kvm", k->btf_kvm);
	json_kbool(&j, "dev_kvm", k->dev_kvm);
	json_obj_end(&j);
	doctor_xe_json(&j);
	json_key(&j, "hooks");
	json_obj_begin(&j);
	for (h = 0; h < MS_HOOK_COUNT; h++) {
		const struct ms_hook_status *st = ms_hook_probe(h);

		json_key(&j, ms_hook_name(h));
		json_obj_begin(&j);
		json_kbool(&j, "ok", st->ok);
		json_kstr(&j, "reason", st->reason);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_key(&j, "features");
	json_obj_begin(&j);
	for (i = 0; i < ms_nr_features; i++) {
		const struct ms_feature *f = ms_features[i];

		ms_ladder_pick(f, NULL, &c);
		json_key(&j, f->name);
		json_obj_begin(&j);
		json_kstr(&j, "what", f->what);
		json_kbool(&j, "ok", c.rung >= 0);
		json_key(&j, "rung");
		if (c.rung >= 0)
			json_str(&j, f->rungs[c.rung].name);
		else
			json_null(&j);
		json_kstr(&j, "why", c.why);
		json_kstr(&j, "object", f->object);
		json_key(&j, "loads");
		if (c.rung >= 0) {
			ms_rung_describe(&f->rungs[c.rung], ms_kernel_facts(),
					 loads, sizeof(loads));
			json_str(&j, loads);
		} else {
			json_null(&j);
		}
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj_end_line(&j);
}

enum { OPT_XE = 256 };

static const struct ms_opt doctor_opts[] = {
	{ "json", 'j', NULL, "one JSON object: {\"kernel\":…,\"xe\":…,\"hooks\":…,\"features\":…}" },
	{ "xe", OPT_XE, NULL, "only the xe driver, one fact a line (below)" },
	{ "verbose", 'v', NULL, "show libbpf's messages (twice: debug)" },
	{}
};

struct doctor_args {
	bool as_json, xe_only;
};

static const struct ms_cli doctor_cli = {
	.cmd = "doctor",
	.synopsis = "Usage: migscope doctor [--json] [--xe] [-v]\n",
	.about =
"Probe the running kernel by loading tiny BPF programs and report, for each\n"
"hook type, whether it works here and the real reason if not; then, for each\n"
"migscope feature, which rung of its attach ladder will be used and what it\n"
"loads.\n",
	.opts = doctor_opts,
	.footer =
"--xe prints the module holding the xe functions (found by looking a\n"
"function up in kernel BTF), every state bit and packet type name its BTF\n"
"gives (\"state 3 FLR_PREPARE\"), and every function, field path and enum\n"
"constant the kernel programs use: ok, absent (an optional hook this kernel\n"
"lacks) or MISSING; it exits 1 unless the kernel target can run.  It needs\n"
"no privileges; MIGSCOPE_BTF_DIR=DIR reads BTF from DIR, not /sys/kernel/btf.\n"
"\n"
"Examples:\n"
"  migscope doctor            # the table\n"
"  migscope doctor --xe       # the xe driver this kernel has\n"
"  migscope doctor --json | jq .hooks.fentry\n",
};

static int doctor_value(void *ctx, int key, const char *arg)
{
	struct doctor_args *a = ctx;

	(void)arg;
	if (key == 'j')
		a->as_json = true;
	else if (key == OPT_XE)
		a->xe_only = true;
	else if (key == 'v')
		ms_verbose++;
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_args a = {};
	struct kernel_facts k;
	int err = ms_cli_parse(&doctor_cli, argc, argv, doctor_value, &a);

	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (optind < argc)
		return ms_usage_err("doctor", "unexpected argument '%s'",
				    argv[optind]);
	if (a.xe_only)	/* BTF only: no privileges needed */
		return doctor_xe_text(true);
	if (ms_require_bpf_privileges("doctor"))
		return 1;
	ms_probe_fire_user_hooks = true;
	gather(&k);
	if (a.as_json)
		print_json(&k);
	else
		print_text(&k);
	return 0;
}
