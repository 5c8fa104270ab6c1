// SPDX-License-Identifier: GPL-2.0
/*
 * migsim's two sides.  The source takes its VF through RUNNING ->
 * RUNNING_P2P -> STOP -> STOP_COPY, reads the stream to EOF and goes to STOP;
 * the destination goes RUNNING -> STOP -> RESUMING, writes the stream, and
 * STOP -> RUNNING.  Both count what goes by, and end with the VF's digest
 * and states.  The VF is the model's or the twin's (struct mig_vf).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migsim.h"

/* Counts packets by walking headers as the bytes go by. */
struct walker {
	u8 hdr[XE_SRIOV_PACKET_HDR_SIZE];
	unsigned int fill;
	u64 left;
};

static void walk(struct walker *w, struct side *s, const u8 *p, size_t n)
{
	while (n) {
		size_t take;

		if (w->left) {
			take = n < w->left ? n : w->left;
			w->left -= take;
		} else {
			take = sizeof(w->hdr) - w->fill;
			take = n < take ? n : take;
			memcpy(w->hdr + w->fill, p, take);
			w->fill += take;
			if (w->fill == sizeof(w->hdr)) {
				u8 type = w->hdr[1];

				s->packets[type < NTYPES - 1 ? type : NTYPES - 1]++;
				memcpy(&w->left, w->hdr + 16, sizeof(w->left));
				w->fill = 0;
			}
		}
		p += take;
		n -= take;
	}
}

static volatile sig_atomic_t vmm_signals;

static void vmm_on_signal(int sig)
{
	(void)sig;
	vmm_signals++;
	xe_signal_arrived();
}

void vmm_signals_init(void)
{
	struct sigaction sa = { .sa_handler = vmm_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* the call was interrupted by a signal this process caught: issue it again */
static bool vmm_interrupted(ssize_t ret, sig_atomic_t *seen, struct side *s)
{
	sig_atomic_t now = vmm_signals;
	bool again = ret == -EINTR && now != *seen;

	*seen = now;
	s->interrupted += again;
	return again;
}

/* one data_read, again while a caught signal interrupts it */
static ssize_t vf_read(struct mig_vf *v, char *buf, size_t len,
		       struct side *s)
{
	sig_atomic_t seen = vmm_signals;
	ssize_t n;

	do {
		n = v->ops->data_read(v, buf, len);
		s->calls++;
	} while (vmm_interrupted(n, &seen, s));
	return n;
}

/* the whole buffer to the VF, across short writes and signals */
static ssize_t vf_write_all(struct mig_vf *v, const char *buf, size_t len,
			    struct side *s)
{
	sig_atomic_t seen = vmm_signals;
	size_t done = 0;
	ssize_t ret;

	while (done < len) {
		ret = v->ops->data_write(v, buf + done, len - done);
		s->calls++;
		if (vmm_interrupted(ret, &seen, s))
			continue;
		if (ret <= 0)
			return ret < 0 ? ret : -EIO;
		done += ret;
	}
	return done;
}

void fail_at(struct side *s, const char *step, int err)
{
	if (s->ret)
		return;
	s->ret = err < 0 ? err : -EIO;
	snprintf(s->failed_at, sizeof(s->failed_at), "%s", step);
}

/* the whole buffer, across short transfers and signals */
static bool xfer_all(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

bool write_all(int fd, const void *buf, size_t len)
{
	return xfer_all(fd, (void *)buf, len, true);
}

bool read_all(int fd, void *buf, size_t len)
{
	return xfer_all(fd, buf, len, false);
}

static void maybe_stop(const struct opts *o, const char *role)
{
	if (o->verbose)
		fprintf(stderr, "migsim: %s pid %d\n", role, (int)getpid());
	if (o->stop)
		raise(SIGSTOP);
}

/* the side's VF, filled with the pattern of seed */
static bool side_vf(const struct opts *o, enum mig_role role, u64 seed,
		    struct mig_vf *v, struct side *s)
{
	int err;

	v->ops = o->backend;
	err = v->ops->open(v, o, role, seed);
	if (err)
		fail_at(s, "create_device", err);
	return !err;
}

/* the step, and where it failed if it did; true when it worked */
static bool vf_step(struct mig_vf *v, enum mig_step step, struct side *s)
{
	static const char *const names[] = {
		[MIG_SUSPEND] = "suspend_device",
		[MIG_RESUME] = "resume_device",
		[MIG_SAVE_ENTER] = "stop_copy_enter",
		[MIG_SAVE_EXIT] = "stop_copy_exit",
		[MIG_RESTORE_ENTER] = "resume_data_enter",
		[MIG_RESTORE_EXIT] = "resume_data_exit",
	};
	int err = v->ops->step(v, step);

	if (err)
		fail_at(s, names[step], err);
	return !err;
}

/* VFIO_DEVICE_RESET as xe-vfio-pci runs it; 0 if the PF finished the FLR */
static int vfio_device_reset(struct mig_vf *v, struct side *s)
{
	s->flr = true;
	v->ops->flr(v, &s->flr_prepare, &s->flr_wait);
	return s->flr_wait;
}

/* --flr-at SIDE:N: after the N-th data call of that side, reset the VF */
static bool flr_now(const struct opts *o, const char *side, struct mig_vf *v,
		    struct side *s)
{
	if (!o->flr_side || strcmp(o->flr_side, side) || s->calls != o->flr_at)
		return false;
	vfio_device_reset(v, s);
	s->paused = s->copying = false;
	fail_at(s, "flr", -ECANCELED);
	return true;
}

/*
 * Whether the kernel rewrote a traced probe site into a call to its uprobe
 * trampoline (6.18+, 5-byte NOP sites): the mapping appears in this process
 * at the first hit of such a site and stays until exit.  Read by each side's own process: the probes fire
 * there, not in migrate's parent.
 */
static bool probes_use_trampoline(void)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	if (!maps)
		return false;
	while (!found && fgets(line, sizeof(line), maps))
		found = strstr(line, "[uprobes-trampoline]") != NULL;
	fclose(maps);
	return found;
}

/* what a side reports at its end besides its figures */
static void record_end(struct mig_vf *v, struct side *s)
{
	s->gt_count = v->gt_count;
	v->ops->states(v, s);
	s->probe_trampoline = probes_use_trampoline();
}

/* one STOP_COPY pass on the source VF, streaming what it reads to out */
static void source_attempt(const struct opts *o, struct mig_vf *v,
			   char *buf, int out, struct side *s)
{
	struct walker w = { 0 };
	ssize_t n;

	s->t_start = s->t_pause = xe_now_ns();
	if (!vf_step(v, MIG_SUSPEND, s))
		return;
	s->paused = true;
	s->size_estimate = v->ops->size(v);
	s->t_copy = xe_now_ns();
	if (!vf_step(v, MIG_SAVE_ENTER, s))
		return;
	s->copying = true;
	for (;;) {
		n = vf_read(v, buf, o->buf, s);
		if (n < 0) {
			s->errors++;
			fail_at(s, "data_read", n);
			break;
		}
		if (!n)
			break;
		s->bytes += n;
		walk(&w, s, (u8 *)buf, n);
		if (!write_all(out, buf, n)) {
			fail_at(s, "stream_write", -errno);
			break;
		}
		if (flr_now(o, "save", v, s))
			break;
	}
	s->t_eof = xe_now_ns();
	s->stream_bytes = s->bytes;
	if (s->ret)
		return;
	/* STOP_COPY -> STOP */
	if (vf_step(v, MIG_SAVE_EXIT, s))
		s->copying = false;
}

static void recover_fail(struct side *s, const char *step, int err)
{
	if (s->recover_err)
		return;
	s->recover_err = err;
	snprintf(s->recover_failed_at, sizeof(s->recover_failed_at), "%s", step);
}

/*
 * After a failed migration a VMM takes the source back to RUNNING and, if
 * the device refuses, resets it (QEMU: vfio_migration_set_state_or_reset).
 * Recovered means back to RUNNING without a reset, with the VF's content
 * as it was: only then can the guest go on, or the migration be retried.
 */
static void recover_source(struct mig_vf *v, struct side *s)
{
	struct xe_vf_digest now;
	int err;

	/* xe-vfio-pci leaves STOP_COPY through STOP: finish_save first */
	if (s->copying) {
		err = v->ops->step(v, MIG_SAVE_EXIT);
		if (err)
			recover_fail(s, "stop_copy_exit", err);
	}
	if (!s->recover_err && s->paused) {
		err = v->ops->step(v, MIG_RESUME);
		if (err)
			recover_fail(s, "resume_device", err);
	}
	if (s->recover_err) {
		/*
		 * VFIO_DEVICE_RESET: an FLR of the VF.  Upstream needs it after
		 * nearly every failed save: finish_save wants SAVE_DATA_DONE on
		 * every GT, so STOP_COPY -> STOP fails for good
		 * (docs/upstream-xe.md §10.16).
		 */
		s->reset = true;
		s->reset_ok = !vfio_device_reset(v, s);
	}
	s->copying = s->paused = false;
	s->recovered = !s->reset && !v->ops->digest(v, 0, &now) &&
		       !xe_vf_digest_diff(&now, &s->expected, v->gt_count);
}

/* the VF's content and VRAM copy time; false if unreadable */
static void vf_digests(struct mig_vf *v, struct side *s)
{
	v->ops->vram_stats(v, &s->vram_copy_ns, &s->vram_copy_bytes);
	s->have_digest = !v->ops->digest(v, 0, &s->digest);
}

/*
 * Source: RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY, read to EOF, STOP.
 * After a failed migration the source is recovered and, if that worked,
 * migrated again on the same device, up to --attempts times, as a VMM
 * retrying a failed migration does.
 */
void run_source(const struct opts *o, const struct source_io *io,
		struct side *s)
{
	struct xe_vf_digest expected;
	unsigned int attempt = 0;
	struct mig_vf v;
	bool again;
	char *buf;
	int out;

	if (!side_vf(o, MIG_SOURCE, 1, &v, s))
		return;
	buf = malloc(o->buf);
	if (!buf) {
		fail_at(s, "alloc", -ENOMEM);
		goto out;
	}
	/* the pattern's digest is setup work, done while the target starts */
	if (v.ops->digest(&v, 1, &expected)) {
		fail_at(s, "digest", -EIO);
		goto out;
	}
	maybe_stop(o, "source");
	do {
		memset(s, 0, sizeof(*s));
		s->attempt = ++attempt;
		out = io->stream(io->ctx, attempt);
		if (out < 0) {
			fail_at(s, "stream_open", -EBADF);
			break;
		}
		if (io->ready)
			io->ready(io->ctx, out);
		source_attempt(o, &v, buf, out, s);
		io->stream_end(io->ctx, out, s->ret);
		/*
		 * failed() waits for the destination to finish: hashing 1G of
		 * VRAM before that would take a CPU from its copies.
		 */
		again = io->failed(io->ctx, s);
		s->expected = expected;
		vf_digests(&v, s);
		if (again)
			recover_source(&v, s);
		/* running again, reset or not: a VMM may retry */
		again = again && (s->recovered || s->reset_ok) &&
			attempt < o->attempts;
		record_end(&v, s);
		io->report(io->ctx, s);
	} while (again);
out:
	free(buf);
	v.ops->close(&v);
}

/*
 * The source says after its stream whether it completed (0) or was
 * cancelled; a VMM's destination learns it from the migration stream.
 * Without the word (the source died) the stream is cancelled too.
 */
static bool stream_cancelled(int status_fd)
{
	int ret;

	if (status_fd < 0)
		return false;
	return !read_all(status_fd, &ret, sizeof(ret)) || ret;
}

/*
 * A destination with a live source at the other end of `in` (migrate: it
 * has a status pipe) says when its device exists.  The source starts its
 * clock only then, as a VMM starts a migration once the target is up:
 * otherwise creating and filling the destination's VRAM was counted in
 * the migration's time.
 */
static void dest_ready(int in, int status_fd)
{
	char c = 0;

	if (status_fd >= 0)
		write_all(in, &c, 1);
}

/* the destination's half of a migration, once its VF is RESUMING */
static void dest_copy(const struct opts *o, struct mig_vf *v, int in,
		      char *buf, struct side *s)
{
	struct walker w = { 0 };
	ssize_t n, ret;

	for (;;) {
		n = read(in, buf, o->buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail_at(s, "stream_read", -errno);
			break;
		}
		if (!n)
			break;
		walk(&w, s, (u8 *)buf, n);
		ret = vf_write_all(v, buf, n, s);
		if (ret < 0) {
			s->errors++;
			fail_at(s, "data_write", ret);
			break;
		}
		s->bytes += ret;
		if (flr_now(o, "restore", v, s))
			break;
	}
}

/* Destination: RUNNING -> RUNNING_P2P -> STOP -> RESUMING, write, STOP, RUNNING */
void run_dest(const struct opts *o, int in, int status_fd, bool stop,
	      struct side *s)
{
	struct mig_vf v;
	char *buf;

	if (!side_vf(o, MIG_DESTINATION, 2, &v, s))
		return;
	buf = malloc(o->buf);
	if (!buf) {
		fail_at(s, "alloc", -ENOMEM);
		goto out;
	}
	if (stop)
		maybe_stop(o, "destination");
	dest_ready(in, status_fd);
	s->t_start = xe_now_ns();
	if (!vf_step(&v, MIG_SUSPEND, s) ||
	    !vf_step(&v, MIG_RESTORE_ENTER, s))
		goto out;
	s->t_copy = xe_now_ns();
	dest_copy(o, &v, in, buf, s);
	s->t_eof = xe_now_ns();
	s->stream_bytes = s->bytes;
	/* no RESUMING -> STOP: it would wait 20 s for a trailer never sent */
	if (!s->ret && stream_cancelled(status_fd))
		fail_at(s, "stream_cancelled", -ECANCELED);
	if (s->ret || !vf_step(&v, MIG_RESTORE_EXIT, s) ||
	    !vf_step(&v, MIG_RESUME, s))
		goto out;
	s->t_resumed = xe_now_ns();
	vf_digests(&v, s);
	if (v.ops->digest(&v, 1, &s->expected))
		s->have_digest = false;
out:
	record_end(&v, s);
	free(buf);
	v.ops->close(&v);
}
