/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attach ladder: which BPF hooks the running kernel allows (learned by
 * loading tiny programs, never from version tables) and, for each migscope
 * feature, which rung of its ladder will be used and why the rungs above it
 * cannot be.  Every feature picks its hooks through here; `migscope doctor`
 * prints the same decisions.
 */
#ifndef MIGSCOPE_LADDER_H
#define MIGSCOPE_LADDER_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bpf_object_skeleton;
struct bpf_program;
struct bpf_link;
struct btf;

enum ms_hook {
	MS_HOOK_TP_BTF,
	MS_HOOK_RAW_TP,
	MS_HOOK_TRACEPOINT,
	MS_HOOK_FENTRY,
	MS_HOOK_FEXIT,
	MS_HOOK_FMOD_RET,
	MS_HOOK_KPROBE,
	MS_HOOK_KRETPROBE,
	MS_HOOK_KPROBE_MULTI,
	MS_HOOK_UPROBE,
	MS_HOOK_USDT,
	MS_HOOK_USDT_SEMAPHORE,
	MS_HOOK_OVERRIDE_RETURN,
	MS_HOOK_PROBE_WRITE_USER,
	MS_HOOK_SEND_SIGNAL,
	MS_HOOK_RINGBUF,
	MS_HOOK_MMAPABLE,
	MS_HOOK_TEST_RUN,
	MS_HOOK_COUNT,
};

struct ms_hook_status {
	bool probed;
	bool ok;
	char reason[512];	/* why not, or what was checked */
};

/*
 * Set by doctor: prove uprobe/USDT/semaphores by attaching to migscope
 * itself and firing.  Otherwise loading the program and finding the uprobe
 * PMU is enough (a detach costs ~110 ms per start).
 */
extern bool ms_probe_fire_user_hooks;

const char *ms_hook_name(enum ms_hook hook);
/* probe once (cached) and return the verdict */
const struct ms_hook_status *ms_hook_probe(enum ms_hook hook);

/* vmlinux BTF, loaded once; NULL if the kernel has none */
struct btf *ms_vmlinux_btf(void);

/* a rung's module: whichever module (or vmlinux) defines its func */
#define MS_ANY_MODULE	"*"

/* Is func in the BTF of module (NULL: vmlinux)?  Missing BTF is explained. */
bool ms_btf_has_func(const char *module, const char *func, char *why,
		     size_t len);

/*
 * Facts of the running kernel (from its BTF) that decide between variants
 * of one program: a rung's program applies when the kernel has every fact
 * in its `need` and none in its `refuse`.
 */
enum ms_kernel_fact {
	/* hrtimer_expire_entry passes `now` by pointer (6.18), not by value */
	MS_FACT_HRTIMER_NOW_PTR = 1 << 0,
	/* bpf_rdonly_cast and struct kvm_timer are in vmlinux (KVM built in) */
	MS_FACT_KVM_RDONLY_CAST = 1 << 1,
};

/*
 * A program a rung loads from its feature's BPF object: the program called
 * `name`, or every program whose section starts with `sec`.
 */
struct ms_rung_prog {
	const char *name;
	const char *sec;
	unsigned int need, refuse;	/* enum ms_kernel_fact bits */
};

#define MS_PROG(n)		{ .name = (n) }
#define MS_PROG_IF(n, yes, no)	{ .name = (n), .need = (yes), .refuse = (no) }
#define MS_PROGS_IN(s)		{ .sec = (s) }

/* One rung of a feature's ladder. */
struct ms_rung {
	const char *name;		/* e.g. "fentry", "tp_btf" */
	enum ms_hook hook;
	enum ms_hook hook2;		/* a second hook the rung needs, or hook */
	const char *module;		/* BTF the target lives in, NULL vmlinux,
					 * MS_ANY_MODULE: found by func */
	const char *func;		/* function the rung needs, or NULL */
	const char *needs_file;		/* a path that must exist, or NULL */
	const struct ms_rung_prog *progs;	/* what it loads; ends with {} */
	const char *vmlinux_func;	/* a vmlinux function it also hooks */
};

struct ms_feature {
	const char *name;
	const char *what;
	const char *object;		/* its BPF object: bpf/<object>.bpf.c */
	const struct ms_rung *rungs;
	int nr_rungs;
};

struct ms_ladder_choice {
	int rung;			/* index into rungs, -1 if none works */
	char why[1024];			/* each rung above the chosen one: why not */
};

/* Walk the ladder top-down; honour a forced rung name if given. */
int ms_ladder_pick(const struct ms_feature *f, const char *force,
		   struct ms_ladder_choice *choice);

/* The kernel's enum ms_kernel_fact bits (vmlinux BTF), computed once. */
unsigned int ms_kernel_facts(void);

/*
 * Make obj load exactly the programs rung r names, given the kernel facts
 * (ms_kernel_facts(), or fewer to force a variant); every other program is
 * left unloaded.  Returns how many were selected, or -1 if the object
 * lacks one the rung names (said in one line).
 */
int ms_rung_select(const struct ms_rung *r, struct bpf_object *obj,
		   unsigned int facts);
/* what the rung loads, for doctor: program names, "sec*" for a section */
void ms_rung_describe(const struct ms_rung *r, unsigned int facts, char *buf,
		      size_t len);

/*
 * Keep a link in the skeleton's slot for its program, so the skeleton's
 * __destroy() frees it with the links __attach() made.  l NULL: the attach
 * failed, returns -errno.
 */
int ms_skel_keep_link(struct bpf_object_skeleton *s,
		      const struct bpf_program *prog, struct bpf_link *l);

/* The ladders of every feature, for doctor. */
extern const struct ms_feature *const ms_features[];
extern const int ms_nr_features;

/* Mount tracefs and securityfs if missing (needs root); quiet otherwise. */
void ms_ensure_kernel_fs(void);

#endif /* MIGSCOPE_LADDER_H */
