// SPDX-License-Identifier: GPL-2.0
/*
 * The ladder is the one place that maps a rung to programs.  For every
 * feature, rung and combination of kernel facts, the programs the rung
 * names exist in the feature's BPF object (opened, not loaded: no root);
 * every program of an object is loaded by some rung or is one a command
 * adds for its own options; the tp_btf rung of lapic loads exactly one
 * entry and one exit program on any kernel.  And a link kept in the
 * skeleton's slot is left empty when the attach failed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "../lib/check.h"
#include "common.h"
#include "ladders.h"
#include "inject_abi.h"
#include "inject.skel.h"
#include "lapic.skel.h"
#include "migtrace_config.h"	/* the skeletons' rodata */
#include "migtrace.skel.h"
#include "migtrace_model.skel.h"
#include "probe.skel.h"

/* programs commands add for their own options, on every rung */
static const char *const extras[] = {
	"on_fork",					/* trace -- COMMAND */
	"pkt_alloc", "pkt_free", "save_consume_ret",	/* fuzz: leaks, spin */
	"ring_produce", "ring_consume",			/* fuzz: stranded packets */
	"wait_interrupted",				/* fuzz: signal plans */
	"state_enter", "state_exit",			/* fuzz: coverage */
};

static struct bpf_object *open_object(const char *name, void **skel)
{
	if (!strcmp(name, "migtrace")) {
		struct migtrace_bpf *o = migtrace_bpf__open();

		*skel = o;
		return o ? o->obj : NULL;
	}
	if (!strcmp(name, "migtrace_model")) {
		struct migtrace_model_bpf *o = migtrace_model_bpf__open();

		*skel = o;
		return o ? o->obj : NULL;
	}
	if (!strcmp(name, "lapic")) {
		struct lapic_bpf *o = lapic_bpf__open();

		*skel = o;
		return o ? o->obj : NULL;
	}
	if (!strcmp(name, "inject")) {
		struct inject_bpf *o = inject_bpf__open();

		*skel = o;
		return o ? o->obj : NULL;
	}
	return NULL;
}

static void close_object(const char *name, void *skel)
{
	if (!strcmp(name, "migtrace"))
		migtrace_bpf__destroy(skel);
	else if (!strcmp(name, "migtrace_model"))
		migtrace_model_bpf__destroy(skel);
	else if (!strcmp(name, "lapic"))
		lapic_bpf__destroy(skel);
	else if (!strcmp(name, "inject"))
		inject_bpf__destroy(skel);
}

static bool is_extra(const char *prog)
{
	size_t i;

	/* test_*: entries for BPF_PROG_TEST_RUN, never attached */
	if (!strncmp(prog, "test_", 5))
		return true;
	for (i = 0; i < ARRAY_SIZE(extras); i++)
		if (!strcmp(prog, extras[i]))
			return true;
	return false;
}

static int count_in(struct bpf_object *obj, const char *sec)
{
	struct bpf_program *p;
	int n = 0;

	bpf_object__for_each_program(p, obj)
		n += bpf_program__autoload(p) &&
		     !strcmp(bpf_program__section_name(p), sec);
	return n;
}

/* rungs of f: each selects programs under every combination of facts */
static void select_all(const struct ms_feature *f, struct bpf_object *obj,
		       bool *used)
{
	struct bpf_program *p;
	unsigned int facts;
	char name[96];
	int r, i, bad = 0;

	for (r = 0; r < f->nr_rungs; r++)
		for (facts = 0; facts < 4; facts++) {
			if (ms_rung_select(&f->rungs[r], obj, facts) <= 0)
				bad++;
			i = 0;
			bpf_object__for_each_program(p, obj)
				used[i++] |= bpf_program__autoload(p);
		}
	snprintf(name, sizeof(name), "rungs-%s", f->name);
	check(!bad, name, "%d rung/fact combinations failed or selected nothing",
	      bad);
}

/* every program of an object is some rung's or a command's extra */
static void check_object(const char *object)
{
	char name[96], missed[512] = "";
	bool used[256] = {};
	struct bpf_program *p;
	struct bpf_object *obj;
	void *skel = NULL;
	int i;

	obj = open_object(object, &skel);
	snprintf(name, sizeof(name), "rungs-cover-%s", object);
	if (!obj) {
		check(0, name, "cannot open bpf/%s.bpf.c", object);
		return;
	}
	for (i = 0; i < ms_nr_features; i++)
		if (!strcmp(ms_features[i]->object, object))
			select_all(ms_features[i], obj, used);
	i = 0;
	bpf_object__for_each_program(p, obj)
		if (!used[i++] && !is_extra(bpf_program__name(p)))
			snprintf(missed + strlen(missed),
				 sizeof(missed) - strlen(missed), " %s",
				 bpf_program__name(p));
	check(!missed[0], name, "no rung loads%s", missed);
	close_object(object, skel);
}

/* whatever the kernel, tp_btf loads one program per expiry, on the entry */
static void check_lapic_variants(void)
{
	const struct ms_rung *tp = NULL;
	struct lapic_bpf *o = lapic_bpf__open();
	unsigned int facts;
	int i, bad = 0;

	for (i = 0; i < ms_feature_lapic.nr_rungs; i++)
		if (!strcmp(ms_feature_lapic.rungs[i].name, "tp_btf"))
			tp = &ms_feature_lapic.rungs[i];
	if (!o || !tp) {
		check(0, "rungs-lapic-tp_btf", "no lapic object or tp_btf rung");
		return;
	}
	for (facts = 0; facts < 4; facts++) {
		if (ms_rung_select(tp, o->obj, facts) != 2 ||
		    count_in(o->obj, "tp_btf/hrtimer_expire_entry") != 1 ||
		    count_in(o->obj, "tp_btf/hrtimer_expire_exit") != 0)
			bad++;
		/* a pointer `now` is read by the *_ptr programs only */
		if (bpf_program__autoload(o->progs.tp_btf_expiry_ptr) +
		    bpf_program__autoload(o->progs.tp_btf_expiry_ptr_cast) !=
		    !!(facts & MS_FACT_HRTIMER_NOW_PTR))
			bad++;
	}
	check(!bad, "rungs-lapic-tp_btf", "%d fact combinations loaded the wrong expiry programs",
	      bad);
	lapic_bpf__destroy(o);
}

/* a failed attach leaves the skeleton's slot empty and says why */
static void check_keep_link(void)
{
	struct lapic_bpf *o = lapic_bpf__open();
	int err;

	if (!o) {
		check(0, "skel-keep-link", "cannot open lapic");
		return;
	}
	errno = ENOENT;
	err = ms_skel_keep_link(o->skeleton, o->progs.tp_entry, NULL);
	check(err == -ENOENT && !o->links.tp_entry, "skel-keep-link",
	      "a failed attach returned %d", err);
	lapic_bpf__destroy(o);
}

static __u32 link_id(struct bpf_link *l)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_link__fd(l), &info, &len))
		return 0;
	return info.id;
}

/*
 * As root: a real link kept in the skeleton is freed by its destroy, and
 * a link offered for an occupied slot is refused and freed at once, so no
 * link can be dropped or leaked however many a command attaches.
 */
static void check_links_freed(void)
{
	struct probe_bpf *o = probe_bpf__open();
	struct bpf_program *p;
	__u32 first = 0, second = 0;
	int err = -1, again = 0, fd;

	if (geteuid()) {
		check_skip("skel-links-freed", "needs root to load a program");
		probe_bpf__destroy(o);
		return;
	}
	bpf_object__for_each_program(p, o->obj)
		bpf_program__set_autoload(p, p == o->progs.probe_tracepoint ||
					  p == o->progs.probe_raw_tp);
	if (!probe_bpf__load(o)) {
		struct bpf_link *l1 = bpf_program__attach(o->progs.probe_tracepoint);
		/* another real link, offered for the occupied slot */
		struct bpf_link *l2 = bpf_program__attach(o->progs.probe_raw_tp);

		first = l1 ? link_id(l1) : 0;
		second = l2 ? link_id(l2) : 0;
		err = ms_skel_keep_link(o->skeleton, o->progs.probe_tracepoint, l1);
		again = ms_skel_keep_link(o->skeleton, o->progs.probe_tracepoint, l2);
	}
	probe_bpf__destroy(o);
	fd = first ? bpf_link_get_fd_by_id(first) : -1;
	if (fd >= 0)
		close(fd);
	check(!err && again == -EEXIST && first && second && fd < 0 &&
	      bpf_link_get_fd_by_id(second) < 0, "skel-links-freed",
	      "keep %d, second keep %d, link %u %s after destroy", err, again,
	      first, fd >= 0 ? "still exists" : "gone");
}

/*
 * A rung that also hooks a vmlinux function is refused, by name, where
 * that function is absent; the same rung with a function the kernel has is
 * taken.  Probing the tracepoint hook loads a program: root only.
 */
static void check_vmlinux_func(void)
{
	static const struct ms_rung_prog none[] = { {} };
	struct ms_rung rung = { "tp", MS_HOOK_TRACEPOINT, MS_HOOK_TRACEPOINT,
				NULL, NULL, NULL, none, "no_such_function_here" };
	struct ms_feature f = { "test", "a rung with a vmlinux function",
				"lapic", &rung, 1 };
	struct ms_ladder_choice c;

	if (geteuid()) {
		check_skip("rung-vmlinux-func", "probing a hook needs root");
		return;
	}
	check(ms_ladder_pick(&f, NULL, &c) < 0 &&
	      strstr(c.why, "no_such_function_here is not in the vmlinux BTF"),
	      "rung-vmlinux-func-absent", "picked %d, why '%s'", c.rung, c.why);
	rung.vmlinux_func = "__hrtimer_run_queues";
	check(ms_ladder_pick(&f, NULL, &c) == 0, "rung-vmlinux-func-present",
	      "refused: %s", c.why);
}

int main(void)
{
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	check_object("migtrace");
	check_object("migtrace_model");
	check_object("lapic");
	check_object("inject");
	check_lapic_variants();
	check_keep_link();
	check_links_freed();
	check_vmlinux_func();
	return check_exit();
}
