// SPDX-License-Identifier: GPL-2.0
/*
 * migscope doctor: what this kernel allows, found by loading tiny programs,
 * and which rung of its attach ladder every feature will use.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "ladders.h"
#include "json.h"
#include "subcommands.h"

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

static void gather(struct kernel_facts *k)
{
	ms_ensure_kernel_fs();
	uname(&k->uts);
	read_lockdown(k->lockdown, sizeof(k->lockdown));
	k->btf_vmlinux = !access("/sys/kernel/btf/vmlinux", F_OK);
	k->btf_xe = module_btf("xe");
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
	printf("/dev/kvm    %s\n\n", k->dev_kvm ? "yes" : "no");
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
	json_obj_end(&j);
	json_newline(&j);
}

static const char doctor_usage[] =
"Usage: migscope doctor [--json] [-v]\n"
"\n"
"Probe the running kernel by loading tiny BPF programs and report, for each\n"
"hook type, whether it works here and the real reason if not; then, for each\n"
"migscope feature, which rung of its attach ladder will be used.\n"
"\n"
"  -j, --json     one JSON object: {\"kernel\":…,\"hooks\":…,\"features\":…}\n"
"  -v, --verbose  show libbpf's messages (twice: debug)\n"
"  -h, --help     this text\n"
"\n"
"Examples:\n"
"  migscope doctor            # the table\n"
"  migscope doctor --json | jq .hooks.fentry\n";

static int cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct kernel_facts k;
	bool as_json = false;
	int opt;

	while ((opt = getopt_long(argc, argv, ":jvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': as_json = true; break;
		case 'v': ms_verbose++; break;
		case 'h': fputs(doctor_usage, stdout); return 0;
		default: return ms_getopt_err("doctor", opt, argv);
		}
	}
	if (optind < argc)
		return ms_usage_err("doctor", "unexpected argument '%s'",
				    argv[optind]);
	if (ms_require_bpf_privileges("doctor"))
		return 1;
	ms_probe_fire_user_hooks = true;
	gather(&k);
	if (as_json)
		print_json(&k);
	else
		print_text(&k);
	return 0;
}

MS_SUBCOMMAND(doctor, cmd_doctor,
	      "what this kernel allows, and which hooks each feature will use", 90);
