// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's xe section: which module holds the xe functions, the state and
 * packet names its BTF gives, and whether every function, field path and
 * constant of the kernel-target programs is there (lib/xe_btf.c decides;
 * this file only gathers and prints).
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "doctor_xe.h"
#include "xe_btf.h"
#include "migtrace_config.h"	/* the skeletons' rodata */
#include "migtrace.skel.h"

#define XE_MAX_REQS	128

struct xe_req {
	const char *kind;
	char name[96];
	enum xe_req_verdict v;
};

struct xe_report {
	char module[64];	/* "" when not found */
	char why[512];		/* why not found, or why names are missing */
	bool names_ok;
	struct xe_names names;
	struct xe_req req[XE_MAX_REQS];
	int nreq, missing, absent;
};

/* each function once, though fentry, fexit, kprobe and kretprobe share it */
static void note_req(void *ctx, const char *kind, const char *name,
		     enum xe_req_verdict v, struct bpf_program *p)
{
	struct xe_report *r = ctx;
	int i;

	(void)p;
	for (i = 0; i < r->nreq; i++)
		if (!strcmp(r->req[i].name, name))
			return;
	if (r->nreq == XE_MAX_REQS)
		return;
	r->req[r->nreq].kind = kind;
	snprintf(r->req[r->nreq].name, sizeof(r->req[0].name), "%s", name);
	r->req[r->nreq++].v = v;
	r->missing += v == XE_REQ_MISSING;
	r->absent += v == XE_REQ_ABSENT;
}

static void gather(struct xe_report *r)
{
	struct migtrace_bpf *obj;
	struct xe_kmod m;

	memset(r, 0, sizeof(*r));
	if (xe_kmod_find(&m, r->why, sizeof(r->why)))
		return;
	snprintf(r->module, sizeof(r->module), "%s", m.name);
	r->names_ok = !xe_kmod_names(&m, &r->names, r->why, sizeof(r->why));
	obj = migtrace_bpf__open();
	if (obj) {
		xe_kmod_check(&m, obj->obj, note_req, r);
		migtrace_bpf__destroy(obj);
	} else {
		snprintf(r->why, sizeof(r->why),
			 "cannot open the migtrace BPF object");
		r->missing++;
	}
	xe_kmod_close(&m);
}

static bool report_ok(const struct xe_report *r)
{
	return r->module[0] && r->names_ok && !r->missing;
}

static unsigned int type_count(const struct xe_names *n)
{
	unsigned int i, count = 0;

	for (i = 0; i < XE_NAMES_TYPES; i++)
		count += n->type[i][0] != 0;
	return count;
}

/* the summary lines of `migscope doctor` */
static void print_summary(const struct xe_report *r)
{
	int i;

	if (!r->module[0]) {
		printf("xe          no: %s\n", r->why);
		return;
	}
	if (r->names_ok)
		printf("xe          module %s; %u state bits and %u packet types from its BTF\n",
		       r->module, xe_names_state_count(&r->names),
		       type_count(&r->names));
	else
		printf("xe          module %s; NO state names: %s\n", r->module,
		       r->why);
	printf("xe needs    %d functions, fields and constants: %d missing, %d optional absent\n",
	       r->nreq, r->missing, r->absent);
	for (i = 0; i < r->nreq; i++)
		if (r->req[i].v != XE_REQ_OK)
			printf("xe %-8s %s %s\n",
			       r->req[i].v == XE_REQ_MISSING ? "MISSING" :
							       "absent",
			       r->req[i].kind, r->req[i].name);
}

/* `migscope doctor --xe`: everything, one fact per line */
static void print_full(const struct xe_report *r)
{
	static const char *const verdicts[] = {
		[XE_REQ_OK] = "ok", [XE_REQ_ABSENT] = "absent",
		[XE_REQ_MISSING] = "MISSING",
	};
	unsigned int i;

	if (!r->module[0]) {
		printf("module none %s\n", r->why);
		return;
	}
	printf("module %s\n", r->module);
	if (r->names_ok)
		printf("names %s\n", r->names.origin);
	else
		printf("names none %s\n", r->why);
	for (i = 0; r->names_ok && i < XE_NAMES_BITS; i++)
		if (r->names.state[i][0])
			printf("state %u %s\n", i, r->names.state[i]);
	for (i = 0; r->names_ok && i < XE_NAMES_TYPES; i++)
		if (r->names.type[i][0])
			printf("type %u %s\n", i, r->names.type[i]);
	for (i = 0; i < (unsigned int)r->nreq; i++)
		printf("%s %s %s\n", r->req[i].kind, r->req[i].name,
		       verdicts[r->req[i].v]);
}

int doctor_xe_text(bool full)
{
	struct xe_report *r = calloc(1, sizeof(*r));
	bool ok;

	if (!r)
		return ms_err("out of memory");
	gather(r);
	if (full)
		print_full(r);
	else
		print_summary(r);
	ok = report_ok(r);
	free(r);
	return ok ? 0 : 1;
}

static void json_names(struct json *j, const char *key,
		       const char (*names)[XE_NAME_LEN], unsigned int n)
{
	char num[8];
	unsigned int i;

	json_key(j, key);
	json_obj_begin(j);
	for (i = 0; i < n; i++) {
		if (!names[i][0])
			continue;
		snprintf(num, sizeof(num), "%u", i);
		json_kstr(j, num, names[i]);
	}
	json_obj_end(j);
}

static void json_reqs(struct json *j, const struct xe_report *r,
		      const char *key, enum xe_req_verdict v)
{
	int i;

	json_key(j, key);
	json_arr_begin(j);
	for (i = 0; i < r->nreq; i++)
		if (r->req[i].v == v)
			json_str(j, r->req[i].name);
	json_arr_end(j);
}

void doctor_xe_json(struct json *j)
{
	struct xe_report *r = calloc(1, sizeof(*r));

	json_key(j, "xe");
	if (!r) {
		json_null(j);
		return;
	}
	gather(r);
	json_obj_begin(j);
	json_kbool(j, "ok", report_ok(r));
	json_key(j, "module");
	if (r->module[0])
		json_str(j, r->module);
	else
		json_null(j);
	json_kstr(j, "why", report_ok(r) ? "" : r->why);
	if (r->names_ok) {
		json_kstr(j, "names", r->names.origin);
		json_names(j, "states", r->names.state, XE_NAMES_BITS);
		json_names(j, "packet_types", r->names.type, XE_NAMES_TYPES);
	}
	json_ku64(j, "checked", r->nreq);
	json_reqs(j, r, "missing", XE_REQ_MISSING);
	json_reqs(j, r, "absent", XE_REQ_ABSENT);
	json_obj_end(j);
	free(r);
}
