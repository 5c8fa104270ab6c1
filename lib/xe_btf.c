// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the xe driver's description from kernel BTF.  Nothing here knows
 * the module's name or the kernel's version: the module is the one whose
 * BTF defines XE_KMOD_ANCHOR, and every number comes from its enums.  See
 * docs/upstream-xe-7x.md for why (upstream 7.1 renumbered the state bits).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "xe_btf.h"

/* how far type chains and anonymous members are followed */
#define XE_BTF_MAX_DEPTH	32

#define STATE_ENUM	"xe_gt_sriov_control_bits"
#define STATE_PREFIX	"XE_GT_SRIOV_STATE_"
#define TYPE_ENUM	"xe_sriov_packet_type"
#define TYPE_PREFIX	"XE_SRIOV_PACKET_TYPE_"

/*
 * Every field path the kernel programs read (bpf/migtrace_xe.bpf.h), as
 * struct.member.member…; a pointer or array member is followed to the type
 * it holds.
 */
static const char *const xe_field_paths[] = {
	"xe_sriov_packet.hdr.type",
	"xe_sriov_packet.hdr.tile_id",
	"xe_sriov_packet.hdr.gt_id",
	"xe_sriov_packet.hdr.offset",
	"xe_sriov_packet.hdr.size",
	"xe_gt.info.id",
	"xe_gt.tile.xe.sriov.pf.driver_max_vfs",
	"xe_gt.sriov.pf.vfs.control.state",
	"xe_gt.sriov.pf.control.worker",
	"xe_device.tiles.primary_gt",
	"xe_device.tiles.media_gt",
};

/* every enum constant they relocate (bpf_core_enum_value) */
static const char *const xe_constants[] = {
	TYPE_ENUM "." TYPE_PREFIX "DESCRIPTOR",
	TYPE_ENUM "." TYPE_PREFIX "VRAM",
	"xe_migrate_copy_dir.XE_MIGRATE_COPY_TO_SRAM",
};

static const char *btf_dir(void)
{
	const char *d = getenv(XE_BTF_DIR_ENV);

	return d && *d ? d : "/sys/kernel/btf";
}

/* a FUNC named name among the module's own types (not its base's) */
static bool own_func(const struct btf *btf, const struct btf *base,
		     const char *name)
{
	__u32 id = base && base != btf ? btf__type_cnt(base) : 1;
	__u32 n = btf__type_cnt(btf);

	for (; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_kind(t) == BTF_KIND_FUNC &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), name))
			return true;
	}
	return false;
}

/* the modules of dir whose own BTF has func: 0, 1 or ambiguous */
static int scan_modules(struct xe_kmod *m, const char *func, char *why,
			size_t len)
{
	struct dirent *de;
	char path[512];
	int found = 0;
	DIR *d;

	d = opendir(m->dir);
	if (!d)
		return snprintf(why, len, "cannot list %s: %s", m->dir,
				strerror(errno)), -errno;
	while ((de = readdir(d))) {
		struct btf *b;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", m->dir, de->d_name);
		b = btf__parse_split(path, m->vmlinux);
		if (libbpf_get_error(b))
			continue;
		if (!own_func(b, m->vmlinux, func)) {
			btf__free(b);
			continue;
		}
		if (found++) {
			snprintf(why, len, "both %s and %s define %s: CO-RE cannot tell their types apart, unload one",
				 m->name, de->d_name, func);
			btf__free(b);
			break;
		}
		snprintf(m->name, sizeof(m->name), "%.55s", de->d_name);
		m->btf = b;
	}
	closedir(d);
	if (found > 1)
		return -EEXIST;
	if (!found)
		return snprintf(why, len, "neither vmlinux nor a module in %s has %s in its BTF: xe is not loaded, or has no SR-IOV VF migration",
				m->dir, func), -ENOENT;
	return 0;
}

/*
 * vmlinux BTF is megabytes and a command looks things up several times
 * (ladder, doctor, trace): parsed once per directory, kept until exit.
 */
static struct btf *vmlinux_btf(const char *dir, char *why, size_t len)
{
	static char cached_dir[256];
	static struct btf *cached;
	char path[512];
	struct btf *b;

	if (cached && !strcmp(cached_dir, dir))
		return cached;
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	b = btf__parse(path, NULL);
	if (libbpf_get_error(b)) {
		snprintf(why, len, "cannot read %s: %s", path,
			 strerror(-(int)libbpf_get_error(b)));
		return NULL;
	}
	btf__free(cached);
	cached = b;
	snprintf(cached_dir, sizeof(cached_dir), "%s", dir);
	return cached;
}

int xe_kmod_find_holder(struct xe_kmod *m, const char *func, char *why,
			size_t len)
{
	int err;

	memset(m, 0, sizeof(*m));
	snprintf(m->dir, sizeof(m->dir), "%s", btf_dir());
	m->vmlinux = vmlinux_btf(m->dir, why, len);
	if (!m->vmlinux)
		return -ENOENT;
	if (own_func(m->vmlinux, NULL, func)) {
		snprintf(m->name, sizeof(m->name), "vmlinux");
		m->btf = m->vmlinux;
		return 0;
	}
	err = scan_modules(m, func, why, len);
	if (err)
		xe_kmod_close(m);
	return err;
}

int xe_kmod_find(struct xe_kmod *m, char *why, size_t len)
{
	return xe_kmod_find_holder(m, XE_KMOD_ANCHOR, why, len);
}

void xe_kmod_close(struct xe_kmod *m)
{
	if (m->btf && m->btf != m->vmlinux)
		btf__free(m->btf);
	m->btf = m->vmlinux = NULL;	/* vmlinux stays cached */
}

bool xe_kmod_has_func(const struct xe_kmod *m, const char *func)
{
	return btf__find_by_name_kind(m->btf, func, BTF_KIND_FUNC) > 0;
}

static const struct btf_type *find_enum(const struct btf *btf,
					const char *name)
{
	__s32 id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM);

	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	return id > 0 ? btf__type_by_id(btf, id) : NULL;
}

/* value and name of the i-th enumerator, for 32- and 64-bit enums */
static const char *enum_entry(const struct btf *btf, const struct btf_type *t,
			      int i, __u64 *val)
{
	if (btf_kind(t) == BTF_KIND_ENUM64) {
		*val = btf_enum64_value(btf_enum64(t) + i);
		return btf__name_by_offset(btf, btf_enum64(t)[i].name_off);
	}
	*val = (__u32)btf_enum(t)[i].val;
	return btf__name_by_offset(btf, btf_enum(t)[i].name_off);
}

/* names[value] = enumerator without prefix, for every prefixed one */
static int fill_enum(const struct xe_kmod *m, const char *ename,
		     const char *prefix, char (*names)[XE_NAME_LEN],
		     unsigned int max, char *why, size_t len)
{
	const struct btf_type *t = find_enum(m->btf, ename);
	size_t plen = strlen(prefix);
	unsigned int used = 0;
	int i;

	if (!t)
		return snprintf(why, len, "no enum %s in the BTF of %s",
				ename, m->name), -ENOENT;
	for (i = 0; i < btf_vlen(t); i++) {
		__u64 v;
		const char *n = enum_entry(m->btf, t, i, &v);

		if (strncmp(n, prefix, plen))
			continue;
		if (v >= max)
			return snprintf(why, len, "%s = %llu in the BTF of %s does not fit the %u values migscope keeps",
					n, (unsigned long long)v, m->name,
					max), -ERANGE;
		snprintf(names[v], XE_NAME_LEN, "%s", n + plen);
		used++;
	}
	if (!used)
		return snprintf(why, len, "enum %s in the BTF of %s has no %s* values",
				ename, m->name, prefix), -ENOENT;
	return 0;
}

int xe_kmod_names(const struct xe_kmod *m, struct xe_names *n, char *why,
		  size_t len)
{
	int err;

	memset(n, 0, sizeof(*n));
	err = fill_enum(m, STATE_ENUM, STATE_PREFIX, n->state, XE_NAMES_BITS,
			why, len);
	if (!err)
		err = fill_enum(m, TYPE_ENUM, TYPE_PREFIX, n->type,
				XE_NAMES_TYPES, why, len);
	snprintf(n->origin, sizeof(n->origin), "BTF of %.55s", m->name);
	return err;
}

/* the type a member holds, through typedefs, modifiers, pointers, arrays */
static __s32 member_target(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t;
	__s32 id = btf__resolve_type(btf, type_id);
	int depth = 0;

	/* a crafted BTF may point at itself: follow a bounded chain */
	while (id > 0 && depth++ < XE_BTF_MAX_DEPTH) {
		t = btf__type_by_id(btf, id);
		if (btf_is_ptr(t))
			id = btf__resolve_type(btf, t->type);
		else if (btf_is_array(t))
			id = btf__resolve_type(btf, btf_array(t)->type);
		else
			break;
	}
	return id;
}

/*
 * The type of member name of composite id, looking into anonymous struct
 * and union members (never through pointers: those cannot be anonymous
 * members in C, and a crafted BTF could loop through them).
 */
static __s32 find_member_at(const struct btf *btf, __s32 id, const char *name,
			    int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *mb;
	__s32 inner;
	int i;

	if (!t || !btf_is_composite(t) || depth > XE_BTF_MAX_DEPTH)
		return -ENOENT;
	mb = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, mb++) {
		const char *mn = btf__name_by_offset(btf, mb->name_off);

		if (mn && *mn) {
			if (!strcmp(mn, name))
				return member_target(btf, mb->type);
			continue;
		}
		inner = find_member_at(btf, btf__resolve_type(btf, mb->type),
				       name, depth + 1);
		if (inner > 0)
			return inner;
	}
	return -ENOENT;
}

static __s32 find_member(const struct btf *btf, __s32 id, const char *name)
{
	return find_member_at(btf, id, name, 0);
}

static bool field_path_ok(const struct btf *btf, const char *path)
{
	char buf[128], *save = NULL, *tok;
	__s32 id;

	snprintf(buf, sizeof(buf), "%s", path);
	tok = strtok_r(buf, ".", &save);
	id = btf__find_by_name_kind(btf, tok, BTF_KIND_STRUCT);
	while (id > 0 && (tok = strtok_r(NULL, ".", &save)))
		id = find_member(btf, id, tok);
	return id > 0;
}

static bool constant_ok(const struct btf *btf, const char *path)
{
	const char *dot = strchr(path, '.');
	const struct btf_type *t;
	char ename[64];
	__u64 v;
	int i;

	snprintf(ename, sizeof(ename), "%.*s", (int)(dot - path), path);
	t = find_enum(btf, ename);
	for (i = 0; t && i < btf_vlen(t); i++)
		if (!strcmp(enum_entry(btf, t, i, &v), dot + 1))
			return true;
	return false;
}

const char *xe_prog_func(const struct bpf_program *p)
{
	static const char *const kinds[] = {
		"fentry/", "fexit/", "kprobe/", "kretprobe/",
	};
	const char *sec = bpf_program__section_name(p);
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(sec, kinds[i], strlen(kinds[i])))
			return sec + strlen(kinds[i]);
	return NULL;
}

/* hooks upstream added after 6.19, or behind CONFIG_XE_VFIO_PCI */
static bool func_optional(const char *func)
{
	size_t n = strlen(func);

	return !strncmp(func, "xe_sriov_vfio_", 14) ||
	       (n > 11 && !strcmp(func + n - 11, "prepare_flr"));
}

int xe_kmod_check(const struct xe_kmod *m, struct bpf_object *obj,
		  xe_req_fn fn, void *ctx)
{
	enum xe_req_verdict v;
	struct bpf_program *p;
	int missing = 0;
	size_t i;

	bpf_object__for_each_program(p, obj) {
		const char *f = xe_prog_func(p);

		if (!f || !bpf_program__autoload(p))
			continue;
		v = xe_kmod_has_func(m, f) ? XE_REQ_OK :
		    func_optional(f) ? XE_REQ_ABSENT : XE_REQ_MISSING;
		missing += v == XE_REQ_MISSING;
		fn(ctx, "function", f, v, p);
	}
	for (i = 0; i < sizeof(xe_field_paths) / sizeof(xe_field_paths[0]); i++) {
		v = field_path_ok(m->btf, xe_field_paths[i]) ? XE_REQ_OK :
								XE_REQ_MISSING;
		missing += v == XE_REQ_MISSING;
		fn(ctx, "field", xe_field_paths[i], v, NULL);
	}
	for (i = 0; i < sizeof(xe_constants) / sizeof(xe_constants[0]); i++) {
		v = constant_ok(m->btf, xe_constants[i]) ? XE_REQ_OK :
							   XE_REQ_MISSING;
		missing += v == XE_REQ_MISSING;
		fn(ctx, "constant", xe_constants[i], v, NULL);
	}
	return missing;
}
