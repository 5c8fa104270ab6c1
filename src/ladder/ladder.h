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
bool ms_hook_ok(enum ms_hook hook);

/* Is func in the BTF of module (NULL: vmlinux)?  Missing BTF is explained. */
bool ms_btf_has_func(const char *module, const char *func, char *why,
		     size_t len);

/* One rung of a feature's ladder. */
struct ms_rung {
	const char *name;		/* e.g. "fentry", "tp_btf" */
	enum ms_hook hook;
	enum ms_hook hook2;		/* a second hook the rung needs, or hook */
	const char *module;		/* BTF the target lives in, NULL vmlinux */
	const char *func;		/* function the rung needs, or NULL */
	const char *needs_file;		/* a path that must exist, or NULL */
};

struct ms_feature {
	const char *name;
	const char *what;
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

/* The ladders of every feature, for doctor. */
extern const struct ms_feature *const ms_features[];
extern const int ms_nr_features;

/* Mount tracefs and securityfs if missing (needs root); quiet otherwise. */
void ms_ensure_kernel_fs(void);

#endif /* MIGSCOPE_LADDER_H */
