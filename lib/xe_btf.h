/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xe driver as the running kernel describes it in BTF: which module
 * holds the xe SR-IOV functions (found by looking a function up, so xe
 * built in, xe.ko and a rebuilt twin of it all work), the names and
 * numbers of its control state bits and packet types, and whether every
 * function, field path and constant the kernel programs use is there.
 */
#ifndef XE_BTF_H
#define XE_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include "xe_sriov_names.h"

struct btf;
struct bpf_object;
struct bpf_program;

/* the function whose presence marks the module holding the xe functions */
#define XE_KMOD_ANCHOR		"xe_gt_sriov_pf_control_trigger_save_vf"
/* read BTF from this directory instead of /sys/kernel/btf (tests, offline) */
#define XE_BTF_DIR_ENV		"MIGSCOPE_BTF_DIR"

struct xe_kmod {
	char name[64];		/* the module, "vmlinux" when xe is built in */
	char dir[256];		/* where its BTF was read */
	struct btf *vmlinux;	/* cached for the process: never freed here */
	struct btf *btf;	/* the module's (split) BTF, or vmlinux */
};

/* 0 found; -ENOENT with why saying so when nothing holds the anchor */
int xe_kmod_find(struct xe_kmod *m, char *why, size_t len);
/* the same for any function: the one module (or vmlinux) that defines it */
int xe_kmod_find_holder(struct xe_kmod *m, const char *func, char *why,
			size_t len);
void xe_kmod_close(struct xe_kmod *m);
bool xe_kmod_has_func(const struct xe_kmod *m, const char *func);

/*
 * The state bit and packet type names from enum xe_gt_sriov_control_bits
 * and enum xe_sriov_packet_type; -ENOENT with why naming what is missing.
 */
int xe_kmod_names(const struct xe_kmod *m, struct xe_names *n, char *why,
		  size_t len);

enum xe_req_verdict {
	XE_REQ_OK,
	XE_REQ_ABSENT,		/* an optional hook this kernel does not have */
	XE_REQ_MISSING,		/* needed and not there: refuse */
};

/* kind is "function", "field" or "constant"; prog is NULL but for functions */
typedef void (*xe_req_fn)(void *ctx, const char *kind, const char *name,
			  enum xe_req_verdict v, struct bpf_program *prog);

/*
 * Check every function the autoloaded kprobe/fentry programs of obj attach
 * to, and every field path and enum constant they relocate, against the
 * module's BTF; fn sees each (functions once per program).  Returns how
 * many are XE_REQ_MISSING.
 */
int xe_kmod_check(const struct xe_kmod *m, struct bpf_object *obj,
		  xe_req_fn fn, void *ctx);
/* the kernel function a kprobe/fentry program attaches to, or NULL */
const char *xe_prog_func(const struct bpf_program *p);

#endif /* XE_BTF_H */
