// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/vm_name.c: QEMU's -name read from command lines as
 * /proc holds them, a live process's name from /proc (its -name, else its
 * comm), a pid that is gone, and the renderers naming a VMM's events.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"
#include "common.h"
#include "render.h"
#include "vm_name.h"

/* a command line as /proc/PID/cmdline holds it; n: its length */
#define ARGS(s) s, sizeof(s) - 1

static const struct {
	const char *args;
	size_t len;
	const char *want;	/* NULL: no name */
} cmdlines[] = {
	{ ARGS("qemu\0-name\0guest=lab-a,debug-threads=on\0"), "lab-a" },
	{ ARGS("qemu\0-name\0plain\0"), "plain" },
	{ ARGS("qemu\0--name\0first,process=p\0"), "first" },
	{ ARGS("qemu\0-name\0process=p,guest=later\0"), "later" },
	{ ARGS("qemu\0-name\0a,,b,debug-threads=on\0"), "a,b" },
	{ ARGS("qemu\0-name\0guest=x,,,process=p\0"), "x," },
	{ ARGS("qemu\0-name\0a\0-name\0b\0"), "b" },
	{ ARGS("qemu\0-name\0a\0-name\0guest=\0"), "a" },
	{ ARGS("qemu\0-name\0process=p\0"), NULL },
	{ ARGS("qemu\0-name\0guest=\0"), NULL },
	{ ARGS("qemu\0-name\0"), NULL },
	{ ARGS("qemu\0-namex\0y\0"), NULL },
	{ ARGS("qemu\0-name\0cut"), NULL },	/* no NUL: not read past */
	{ ARGS("qemu\0-m\0512\0"), NULL },
};

static void test_cmdlines(void)
{
	char name[MS_VM_NAME_LEN], tiny[3];
	int bad = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmdlines); i++) {
		int rc = ms_vm_name_from_cmdline(cmdlines[i].args,
						 cmdlines[i].len, name,
						 sizeof(name));
		bool ok = cmdlines[i].want ?
			  !rc && !strcmp(name, cmdlines[i].want) : rc == -1;

		if (!ok && !bad++)
			printf("# case %zu: rc %d name '%s', want '%s'\n", i,
			       rc, rc ? "" : name,
			       cmdlines[i].want ? cmdlines[i].want : "(none)");
	}
	check(!bad, "vm-name-cmdlines", "%d of %zu command lines misread", bad,
	      ARRAY_SIZE(cmdlines));
	check(!ms_vm_name_from_cmdline(cmdlines[0].args, cmdlines[0].len, tiny,
				       sizeof(tiny)) && !strcmp(tiny, "la"),
	      "vm-name-truncated", "'%s'", tiny);
}

/* a live child whose command line has -name; its pid once it is gone */
static void test_proc(void)
{
	struct ms_vm_names c = {};
	char name[MS_VM_NAME_LEN] = "";
	const char *got, *again;
	pid_t kid;
	int i, rc;

	prctl(PR_SET_NAME, "vmname\tprobe");
	rc = ms_vm_name_of(getpid(), name, sizeof(name));
	check(!rc && !strcmp(name, "vmname?probe"), "vm-name-comm",
	      "rc %d, '%s', want the comm, its tab made '?'", rc, name);
	kid = fork();
	if (!kid) {
		execl("/bin/sh", "sh", "-c", "sleep 30; :", "-name",
		      "guest=kid,debug-threads=on", (char *)NULL);
		_exit(127);
	}
	/* until exec, the child's command line is this test's */
	for (i = 0; i < 500; i++) {
		if (!ms_vm_name_of(kid, name, sizeof(name)) &&
		    !strcmp(name, "kid"))
			break;
		usleep(10000);
	}
	got = ms_vm_names_get(&c, kid);
	check(got && !strcmp(got, "kid"), "vm-name-proc-cmdline", "'%s'",
	      got ? got : "(none)");
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	again = ms_vm_names_get(&c, kid);
	check(again == got, "vm-name-cached", "looked up again");
	rc = ms_vm_name_of(kid, name, sizeof(name));
	check(rc == -ENOENT, "vm-name-gone", "rc %d for a reaped pid", rc);
	ms_vm_names_free(&c);
	check(!ms_vm_names_get(&c, kid), "vm-name-gone-cached",
	      "a gone pid has a name");
	ms_vm_names_free(&c);
}

static void render(const struct ms_event *e, const char *vm, char *json,
		   char *text, size_t len)
{
	FILE *f = fmemopen(json, len, "w");
	struct json j;

	json_init(&j, f);
	ms_event_json_vm(&j, e, vm);
	fclose(f);
	f = fmemopen(text, len, "w");
	ms_event_text_vm(f, e, 0, vm);
	fclose(f);
}

static void test_render(void)
{
	struct ms_event l = { .type = MS_EV_LAPIC, .op = MS_LAPIC_REPLAY,
			      .lapic = { .burst = 3 } };
	struct ms_event p = { .type = MS_EV_PACKET, .op = MS_PKT_PRODUCE };
	char json[1024], text[1024];

	render(&l, "lab-a", json, text, sizeof(json));
	check(strstr(json, ",\"vm_name\":\"lab-a\"}") &&
	      strstr(text, " burst 3 vm lab-a\n"), "vm-name-render",
	      "%s / %s", json, text);
	render(&l, NULL, json, text, sizeof(json));
	check(strstr(json, ",\"vm_name\":null}") && !strstr(text, " vm "),
	      "vm-name-render-unknown", "%s / %s", json, text);
	render(&p, "lab-a", json, text, sizeof(json));
	check(!strstr(json, "vm_name") && !strstr(text, "lab-a"),
	      "vm-name-render-not-vmm", "%s / %s", json, text);
}

int main(void)
{
	test_cmdlines();
	test_proc();
	test_render();
	return check_exit();
}
