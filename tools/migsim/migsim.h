/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migsim: the sides of a migration (a source reading the stream, a
 * destination writing it), what they report, and the VF they drive: a VF
 * of the user-space model in this process, or a VF of the kernel twin
 * (xe_twin.ko) through its debugfs files.
 */
#ifndef MIGSIM_H
#define MIGSIM_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "xe_device.h"

#define NTYPES		8	/* 0..6 by type, 7 = anything else */
#define MAX_ATTEMPTS	8

struct mig_vf_ops;

struct opts {
	const char *cmd;
	struct xe_device_config cfg;
	unsigned int vf;
	size_t buf;
	const char *file;
	unsigned int attempts;
	bool json;
	bool verbose;
	bool stop;
	/* --flr-at: reset the VF after this many data calls on that side */
	const char *flr_side;		/* "save", "restore" or NULL */
	unsigned int flr_at;
	const char *twin;		/* debugfs root of xe_twin.ko, or NULL */
	const struct mig_vf_ops *backend;
};

/* what a side reports to the parent, through a pipe */
struct side {
	int ret;			/* 0 or -errno */
	char failed_at[32];
	u64 stream_bytes;
	u64 packets[NTYPES];
	u64 calls, bytes, errors;	/* data_read or data_write */
	u64 interrupted;		/* of them: EINTR after a signal, again */
	u64 t_start, t_pause, t_copy, t_eof, t_resumed;
	ssize_t size_estimate;
	u64 vram_copy_ns, vram_copy_bytes;
	bool have_digest;
	struct xe_vf_digest digest, expected;
	unsigned int gt_count;
	char states[XE_MAX_GT][320];
	/* source: where the VF is, and what the recovery after a failure did */
	bool paused, copying, recovered, reset, reset_ok;
	char recover_failed_at[32];
	int recover_err;
	unsigned int attempt;		/* 1-based */
	/* a VFIO reset this side ran (--flr-at, or a recovery) */
	bool flr;
	int flr_prepare, flr_wait;
	/* this side's probes were rewritten to call the uprobe trampoline */
	bool probe_trampoline;
};

/* --- options (options.c) -------------------------------------------------- */

void usage(FILE *f);
/* 0, or -1 after a message */
int parse_args(struct opts *o, int argc, char **argv);

/* --- the VF a side drives ------------------------------------------------ */

/* the VFIO-facing steps, as xe-vfio-pci takes them */
enum mig_step {
	MIG_SUSPEND,		/* xe_sriov_vfio_suspend_device */
	MIG_RESUME,		/* resume_device */
	MIG_SAVE_ENTER,		/* stop_copy_enter */
	MIG_SAVE_EXIT,		/* stop_copy_exit */
	MIG_RESTORE_ENTER,	/* resume_data_enter */
	MIG_RESTORE_EXIT,	/* resume_data_exit */
};

enum mig_role { MIG_SOURCE, MIG_DESTINATION };

struct mig_vf {
	const struct mig_vf_ops *ops;
	unsigned int vf;
	unsigned int gt_count;
	void *priv;
};

struct mig_vf_ops {
	/* the role's VF, filled with the pattern of seed; 0 or -errno */
	int (*open)(struct mig_vf *v, const struct opts *o, enum mig_role role,
		    u64 seed);
	void (*close)(struct mig_vf *v);
	int (*step)(struct mig_vf *v, enum mig_step step);
	/*
	 * VFIO_DEVICE_RESET: FLR prepare, the FLR, the wait for the PF;
	 * *prepare and *wait get the first and last step's results
	 */
	void (*flr)(struct mig_vf *v, int *prepare, int *wait);
	ssize_t (*size)(struct mig_vf *v);
	ssize_t (*data_read)(struct mig_vf *v, char *buf, size_t len);
	ssize_t (*data_write)(struct mig_vf *v, const char *buf, size_t len);
	/* seed 0: the VF's content now; else what that pattern gives */
	int (*digest)(struct mig_vf *v, u64 seed, struct xe_vf_digest *d);
	void (*vram_stats)(struct mig_vf *v, u64 *ns, u64 *bytes);
	void (*states)(struct mig_vf *v, struct side *s);
};

extern const struct mig_vf_ops mig_vf_model;
extern const struct mig_vf_ops mig_vf_twin;
/* the twin's shape (platform, sizes) into o->cfg; 0 or -1 after a message */
int mig_twin_config(struct opts *o);

/* --- the sides (sides.c) -------------------------------------------------- */

/* where each attempt's stream goes, and who judges the migration */
struct source_io {
	int (*stream)(void *ctx, unsigned int attempt);	/* fd, or -1 */
	/* optional: wait until the receiving side is ready for the stream */
	void (*ready)(void *ctx, int fd);
	/* the attempt's stream is complete (ret 0) or cancelled */
	void (*stream_end)(void *ctx, int fd, int ret);
	/* did the migration as a whole fail (the destination too)? */
	bool (*failed)(void *ctx, const struct side *s);
	/* the attempt's final word, after any recovery */
	void (*report)(void *ctx, const struct side *s);
	void *ctx;
};

/*
 * SIGUSR1, as a VMM's thread kick: caught without SA_RESTART, so a data
 * read or write it interrupts returns EINTR and is issued again.  An
 * EINTR with no signal caught since the last call is the device's error.
 */
void vmm_signals_init(void);
void fail_at(struct side *s, const char *step, int err);
bool write_all(int fd, const void *buf, size_t len);
bool read_all(int fd, void *buf, size_t len);
void run_source(const struct opts *o, const struct source_io *io,
		struct side *s);
void run_dest(const struct opts *o, int in, int status_fd, bool stop,
	      struct side *s);

/* --- the report (report.c) ------------------------------------------------ */

struct report {
	const struct side *src, *dst;	/* either may be NULL */
	const struct side *err;		/* the side that failed first */
	bool verified;
	const char *mismatch;
};

int finish(const struct opts *o, struct report *r, FILE *f);
const struct side *first_error(const struct side *a, const struct side *b);

#endif /* MIGSIM_H */
