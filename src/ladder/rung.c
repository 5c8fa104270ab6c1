// SPDX-License-Identifier: GPL-2.0
/*
 * What a rung loads: the one place that turns a chosen rung into the
 * programs of a BPF object, and keeps the links it attaches in the
 * object's skeleton.
 */
#include <errno.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "ladder.h"

/* the third argument of hrtimer_expire_entry's BTF prototype: `now` */
static bool hrtimer_now_is_pointer(const struct btf *btf)
{
	const struct btf_type *t;
	const struct btf_param *p;
	int id = btf__find_by_name_kind(btf, "btf_trace_hrtimer_expire_entry",
					BTF_KIND_TYPEDEF);

	if (id <= 0)
		return true;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);		/* pointer */
	if (!t || !btf_is_ptr(t))
		return true;
	t = btf__type_by_id(btf, t->type);		/* func proto */
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 3)
		return true;
	p = btf_params(t);
	t = btf__type_by_id(btf, p[2].type);
	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_ptr(t);
}

unsigned int ms_kernel_facts(void)
{
	static unsigned int facts;
	static bool known;
	const struct btf *btf;

	if (known)
		return facts;
	known = true;
	btf = ms_vmlinux_btf();
	if (!btf)
		return facts;
	if (hrtimer_now_is_pointer(btf))
		facts |= MS_FACT_HRTIMER_NOW_PTR;
	if (btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0 &&
	    btf__find_by_name_kind(btf, "kvm_timer", BTF_KIND_STRUCT) > 0)
		facts |= MS_FACT_KVM_RDONLY_CAST;
	return facts;
}

static bool prog_applies(const struct ms_rung_prog *rp, unsigned int facts)
{
	return (facts & rp->need) == rp->need && !(facts & rp->refuse);
}

static bool prog_matches(const struct ms_rung_prog *rp,
			 const struct bpf_program *p)
{
	if (rp->name)
		return !strcmp(bpf_program__name(p), rp->name);
	return !strncmp(bpf_program__section_name(p), rp->sec,
			strlen(rp->sec));
}

#define for_each_rung_prog(rp, r) \
	for (rp = (r)->progs; rp && (rp->name || rp->sec); rp++)

/*
 * The facts rung r's programs depend on: ms_kernel_facts() reads the
 * kernel's BTF (tens of ms), so only for a rung with a program that needs
 * or refuses a fact.
 */
unsigned int ms_rung_facts(const struct ms_rung *r)
{
	const struct ms_rung_prog *rp;

	for_each_rung_prog(rp, r)
		if (rp->need || rp->refuse)
			return ms_kernel_facts();
	return 0;
}

int ms_rung_select(const struct ms_rung *r, struct bpf_object *obj,
		   unsigned int facts)
{
	const struct ms_rung_prog *rp;
	struct bpf_program *p;
	int n = 0;

	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, false);
	for_each_rung_prog(rp, r) {
		bool found = false;

		if (!prog_applies(rp, facts))
			continue;
		bpf_object__for_each_program(p, obj) {
			if (!prog_matches(rp, p))
				continue;
			bpf_program__set_autoload(p, true);
			found = true;
			n++;
		}
		if (!found)
			return ms_err("rung %s names %s%s, which its BPF object lacks",
				      r->name, rp->name ? rp->name : rp->sec,
				      rp->name ? "" : "*");
	}
	return n;
}

void ms_rung_describe(const struct ms_rung *r, unsigned int facts, char *buf,
		      size_t len)
{
	const struct ms_rung_prog *rp;
	size_t used = 0;

	buf[0] = '\0';
	for_each_rung_prog(rp, r) {
		if (!prog_applies(rp, facts) || used >= len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s%s",
				 used ? " " : "", rp->name ? rp->name : rp->sec,
				 rp->name ? "" : "*");
	}
}

static struct bpf_link **link_slot(const struct bpf_object_skeleton *s,
				   const struct bpf_program *prog)
{
	int i;

	for (i = 0; i < s->prog_cnt; i++) {
		const struct bpf_prog_skeleton *ps = (const void *)
			((const char *)s->progs + (size_t)i * s->prog_skel_sz);

		if (*ps->prog == prog)
			return ps->link;
	}
	return NULL;
}

int ms_skel_keep_link(struct bpf_object_skeleton *s,
		      const struct bpf_program *prog, struct bpf_link *l)
{
	struct bpf_link **slot;

	if (!l)
		return -errno;
	slot = link_slot(s, prog);
	/* a second link for one program would leak the first */
	if (!slot || *slot) {
		bpf_link__destroy(l);
		return slot ? -EEXIST : -ENOENT;
	}
	*slot = l;
	return 0;
}
