// SPDX-License-Identifier: GPL-2.0
/*
 * A VF of the kernel twin (xe_twin.ko, docs/twin.md), driven through its
 * debugfs files the way upstream's PF debugfs is used: the source is VF N
 * of the twin's PF 0, the destination VF N of PF 1.  The twin's own
 * twin_* files fill the VF, give its digest, states and VRAM copy time.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migsim.h"

#define TWIN_PARAMS	"/sys/module/xe_twin/parameters"

struct twin_vf {
	char dev[200];		/* <root>/<pf> */
	char vf[240];		/* <root>/<pf>/sriov/vf<N> */
	int data_fd;		/* migration_data */
};

static struct twin_vf *twin(struct mig_vf *v)
{
	return v->priv;
}

/* a whole small file into buf; bytes read or -errno */
static ssize_t read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = 0;
	close(fd);
	return n;
}

/*
 * Write text to dir/name, or with text NULL read it once (reading save or
 * restore finishes it): 0, or what the kernel said.
 */
static int file_io(const char *dir, const char *name, const char *text)
{
	char path[300], c;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, (text ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = text ? write(fd, text, strlen(text)) : read(fd, &c, 1);
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* twin_state: one "gt<N> 0x<bits> <names>" line per GT */
static int twin_read_states(struct twin_vf *t, char states[][320],
			    unsigned int *gt_count)
{
	char path[300], buf[1024], *line, *save = NULL;
	unsigned int id, n = 0;
	char names[320];

	ssize_t got;

	snprintf(path, sizeof(path), "%s/twin_state", t->vf);
	got = read_text(path, buf, sizeof(buf));
	if (got < 0)
		return got;
	for (line = strtok_r(buf, "\n", &save); line && n < XE_MAX_GT;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "gt%u %*s %319s", &id, names) != 2 || id != n)
			return -EPROTO;
		if (states)
			snprintf(states[n], sizeof(states[n]), "%s", names);
		n++;
	}
	*gt_count = n;
	return n ? 0 : -EPROTO;
}

static int twin_open(struct mig_vf *v, const struct opts *o,
		     enum mig_role role, u64 seed)
{
	char path[300], states[XE_MAX_GT][320], text[32];
	struct twin_vf *t = calloc(1, sizeof(*t));
	unsigned int id;
	int err;

	if (!t)
		return -ENOMEM;
	v->priv = t;
	v->vf = o->vf;
	t->data_fd = -1;
	snprintf(t->dev, sizeof(t->dev), "%s/%u", o->twin, role);
	snprintf(t->vf, sizeof(t->vf), "%s/sriov/vf%u", t->dev, o->vf);
	err = twin_read_states(t, states, &v->gt_count);
	if (err) {
		fprintf(stderr, "migsim: %s: no twin VF there (%s): is xe_twin.ko loaded, debugfs mounted?\n",
			t->vf, strerror(-err));
		return err;
	}
	/* a fresh VF, as a new model device is: a run left behind wants FLR */
	for (id = 0; id < v->gt_count; id++) {
		if (strcmp(states[id], "READY")) {
			fprintf(stderr, "migsim: twin VF %s is %s on GT%u, not READY: reset it (echo 1 > %s/reset)\n",
				t->vf, states[id], id, t->vf);
			return -EBUSY;
		}
	}
	snprintf(text, sizeof(text), "%" PRIu64 "\n", seed);
	err = file_io(t->vf, "twin_fill", text);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/migration_data", t->vf);
	t->data_fd = open(path, O_RDWR | O_CLOEXEC);
	return t->data_fd < 0 ? -errno : 0;
}

static void twin_close(struct mig_vf *v)
{
	struct twin_vf *t = twin(v);

	if (t && t->data_fd >= 0)
		close(t->data_fd);
	free(t);
	v->priv = NULL;
}

static int twin_step(struct mig_vf *v, enum mig_step step)
{
	const char *dir = twin(v)->vf;

	switch (step) {
	case MIG_SUSPEND:
		return file_io(dir, "pause", "1\n");
	case MIG_RESUME:
		return file_io(dir, "resume", "1\n");
	case MIG_SAVE_ENTER:
		return file_io(dir, "save", "1\n");
	case MIG_SAVE_EXIT:
		return file_io(dir, "save", NULL);
	case MIG_RESTORE_ENTER:
		return file_io(dir, "restore", "1\n");
	case MIG_RESTORE_EXIT:
		return file_io(dir, "restore", NULL);
	}
	return -EINVAL;
}

/*
 * The twin's debugfs has no FLR prepare (upstream's PF debugfs neither):
 * its reset file runs the FLR on every GT and waits for it.
 */
static void twin_flr(struct mig_vf *v, int *prepare, int *wait)
{
	*prepare = -EOPNOTSUPP;
	*wait = file_io(twin(v)->vf, "reset", "1\n");
}

static ssize_t twin_size(struct mig_vf *v)
{
	char path[300], buf[32];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/migration_size", twin(v)->vf);
	n = read_text(path, buf, sizeof(buf));
	return n < 0 ? n : strtoll(buf, NULL, 10);
}

static ssize_t twin_read(struct mig_vf *v, char *buf, size_t len)
{
	ssize_t n;

	do
		n = read(twin(v)->data_fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static ssize_t twin_write(struct mig_vf *v, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = write(twin(v)->data_fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int parse_digest(const char *line, struct xe_vf_digest *d)
{
	int vfid_ok;

	memset(d, 0, sizeof(*d));
	if (!line || sscanf(line, "%*s vram=%" SCNx64 " ggtt=%" SCNx64
			    " ggtt_vfid_ok=%d mmio0=%" SCNx64 " mmio1=%" SCNx64
			    " guc0=%" SCNx64 " guc1=%" SCNx64, &d->vram,
			    &d->ggtt, &vfid_ok, &d->mmio[0], &d->mmio[1],
			    &d->guc[0], &d->guc[1]) != 7)
		return -EPROTO;
	d->ggtt_vfid_ok = vfid_ok;
	return 0;
}

/* twin_digest: write the pattern's seed, read "now ..." and "expected ..." */
static int twin_digest(struct mig_vf *v, u64 seed, struct xe_vf_digest *d)
{
	char path[300], buf[512], text[32];
	ssize_t n;
	int err;

	if (seed) {
		snprintf(text, sizeof(text), "%" PRIu64 "\n", seed);
		err = file_io(twin(v)->vf, "twin_digest", text);
		if (err)
			return err;
	}
	snprintf(path, sizeof(path), "%s/twin_digest", twin(v)->vf);
	n = read_text(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	return parse_digest(strstr(buf, seed ? "expected " : "now "), d);
}

static void twin_vram_stats(struct mig_vf *v, u64 *ns, u64 *bytes)
{
	char path[300], buf[128];

	*ns = *bytes = 0;
	snprintf(path, sizeof(path), "%s/twin_stats", twin(v)->dev);
	if (read_text(path, buf, sizeof(buf)) > 0)
		sscanf(buf, "vram_copy_ns %" SCNu64 " vram_copy_bytes %" SCNu64,
		       ns, bytes);
}

static void twin_states(struct mig_vf *v, struct side *s)
{
	unsigned int n;

	if (twin_read_states(twin(v), s->states, &n))
		snprintf(s->states[0], sizeof(s->states[0]), "unreadable");
}

const struct mig_vf_ops mig_vf_twin = {
	.open = twin_open,
	.close = twin_close,
	.step = twin_step,
	.flr = twin_flr,
	.size = twin_size,
	.data_read = twin_read,
	.data_write = twin_write,
	.digest = twin_digest,
	.vram_stats = twin_vram_stats,
	.states = twin_states,
};

static bool twin_param(const char *name, char *buf, size_t len)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", TWIN_PARAMS, name);
	if (read_text(path, buf, len) <= 0)
		return false;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

/* the twin's PFs were shaped by its module parameters, not by migsim */
int mig_twin_config(struct opts *o)
{
	static char platform[16];
	char buf[32];

	if (!twin_param("platform", platform, sizeof(platform)) ||
	    !xe_platform_lookup(platform)) {
		fprintf(stderr, "migsim: --twin: xe_twin.ko is not loaded (no %s)\n",
			TWIN_PARAMS);
		return -1;
	}
	o->cfg.platform = platform;
	if (twin_param("num_vfs", buf, sizeof(buf)))
		o->cfg.num_vfs = strtoul(buf, NULL, 10);
	if (twin_param("vram_size", buf, sizeof(buf)))
		o->cfg.vram_size = strtoull(buf, NULL, 10);
	return 0;
}
