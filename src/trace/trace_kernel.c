// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel target takes from the running kernel's BTF before it
 * loads anything: see mt_kernel_prepare().
 */
#include <stdio.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "trace.h"
#include "xe_btf.h"

struct kernel_req_ctx {
	const char *module;
	bool attach_check;	/* one "prog" line per skipped program */
};

static void kernel_req(void *ctx, const char *kind, const char *name,
		       enum xe_req_verdict v, struct bpf_program *p)
{
	struct kernel_req_ctx *c = ctx;

	if (v == XE_REQ_MISSING && p)
		ms_err("module %s has no function %s (program %s needs it)",
		       c->module, name, bpf_program__name(p));
	else if (v == XE_REQ_MISSING)
		ms_err("the BTF of %s has no %s %s", c->module, kind, name);
	if (v != XE_REQ_ABSENT)
		return;
	bpf_program__set_autoload(p, false);
	if (c->attach_check)
		printf("prog %s %s absent %s is not in module %s\n",
		       bpf_program__name(p), bpf_program__section_name(p),
		       name, c->module);
	else if (ms_verbose)
		fprintf(stderr, "migscope: %s is not in module %s: %s not loaded\n",
			name, c->module, bpf_program__name(p));
}

/*
 * The kernel target takes everything from the running kernel's BTF: which
 * module holds the xe functions, the names of its state bits and packet
 * types (installed for every view), and whether each function, field and
 * constant the chosen programs use is there.  Optional hooks the kernel
 * lacks are dropped; anything else missing is refused by name.
 */
int mt_kernel_prepare(struct bpf_object *obj, bool attach_check)
{
	struct kernel_req_ctx c = { .attach_check = attach_check };
	struct xe_names names;
	struct xe_kmod m;
	char why[512];
	int missing;

	if (xe_kmod_find(&m, why, sizeof(why)))
		return ms_err("--target kernel: %s", why);
	c.module = m.name;
	if (xe_kmod_names(&m, &names, why, sizeof(why))) {
		ms_err("--target kernel: %s: state and packet names come only from the running kernel's BTF",
		       why);
		xe_kmod_close(&m);
		return -1;
	}
	xe_names_use(&names);
	missing = xe_kmod_check(&m, obj, kernel_req, &c);
	if (missing)
		ms_err("--target kernel: module %s lacks %d thing%s the programs need (above)",
		       m.name, missing, missing > 1 ? "s" : "");
	else if (!attach_check)
		fprintf(stderr, "migscope: xe functions in module %s; %u state names from %s\n",
			m.name, xe_names_state_count(&names), names.origin);
	xe_kmod_close(&m);
	return missing ? -1 : 0;
}
