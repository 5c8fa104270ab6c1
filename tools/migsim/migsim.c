// SPDX-License-Identifier: GPL-2.0
/*
 * migsim: drive the xe migration reference model like a VMM drives
 * xe-vfio-pci.  `migrate` runs a source and a destination in two processes
 * joined by a socketpair, each with its own model device, then checks the
 * destination VF's VRAM, GGTT, MMIO and GuC state against the source's.
 * `save` and `restore` keep the stream in a file so it can be inspected,
 * replayed and corrupted.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xe_defects.h"
#include "xe_device.h"
#include "xe_fault.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_sriov_names.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_vfio.h"

#define NTYPES		8	/* 0..6 by type, 7 = anything else */
#define MAX_ATTEMPTS	8

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
};

/* what a side reports to the parent, through a pipe */
struct side {
	int ret;			/* 0 or -errno */
	char failed_at[32];
	u64 stream_bytes;
	u64 packets[NTYPES];
	u64 calls, bytes, errors;	/* data_read or data_write */
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
};

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

static void fail_at(struct side *s, const char *step, int err)
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

static bool write_all(int fd, const void *buf, size_t len)
{
	return xfer_all(fd, (void *)buf, len, true);
}

static bool read_all(int fd, void *buf, size_t len)
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

static void record_states(struct xe_device *xe, unsigned int vf, struct side *s)
{
	unsigned int id;

	s->gt_count = xe->info.gt_count;
	for (id = 0; id < xe->info.gt_count; id++)
		xe_gt_sriov_pf_control_state_str(
			xe_gt_sriov_pf_control_state(&xe->gts[id], vf),
			s->states[id], sizeof(s->states[id]));
}

static struct xe_device *side_device(const struct opts *o, u64 seed,
				     struct side *s)
{
	struct xe_device_config cfg = o->cfg;
	struct xe_device *xe;

	cfg.seed = seed;
	cfg.fill_vf = o->vf;
	xe = xe_device_create(&cfg);
	if (!xe)
		fail_at(s, "create_device", -errno);
	return xe;
}

/* one STOP_COPY pass on the source VF, streaming what it reads to out */
static void source_attempt(const struct opts *o, struct xe_device *xe,
			   char *buf, int out, struct side *s)
{
	struct walker w = { 0 };
	unsigned int vf = o->vf;
	ssize_t n;
	int err;

	s->t_start = s->t_pause = xe_now_ns();
	err = xe_sriov_vfio_suspend_device(xe, vf);
	if (err) {
		fail_at(s, "suspend_device", err);
		return;
	}
	s->paused = true;
	s->size_estimate = xe_sriov_vfio_stop_copy_size(xe, vf);
	s->t_copy = xe_now_ns();
	err = xe_sriov_vfio_stop_copy_enter(xe, vf);
	if (err) {
		fail_at(s, "stop_copy_enter", err);
		return;
	}
	s->copying = true;
	for (;;) {
		n = xe_sriov_vfio_data_read(xe, vf, buf, o->buf);
		s->calls++;
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
	}
	s->t_eof = xe_now_ns();
	s->stream_bytes = s->bytes;
	if (s->ret)
		return;
	/* STOP_COPY -> STOP */
	err = xe_sriov_vfio_stop_copy_exit(xe, vf);
	if (err) {
		fail_at(s, "stop_copy_exit", err);
		return;
	}
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
static void recover_source(const struct opts *o, struct xe_device *xe,
			   struct side *s)
{
	struct xe_vf_digest now;
	unsigned int vf = o->vf;
	int err;

	/* xe-vfio-pci leaves STOP_COPY through STOP: finish_save first */
	if (s->copying) {
		err = xe_sriov_vfio_stop_copy_exit(xe, vf);
		if (err)
			recover_fail(s, "stop_copy_exit", err);
	}
	if (!s->recover_err && s->paused) {
		err = xe_sriov_vfio_resume_device(xe, vf);
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
		s->reset_ok = !xe_sriov_pf_control_reset_vf(xe, vf);
	}
	s->copying = s->paused = false;
	xe_device_vf_digest(xe, vf, &now);
	s->recovered = !s->reset &&
		       !xe_vf_digest_diff(&now, &s->expected, xe->info.gt_count);
}

static void source_digests(struct xe_device *xe, unsigned int vf,
			   const struct xe_vf_digest *expected, struct side *s)
{
	s->vram_copy_ns = xe->stats.vram_copy_ns;
	s->vram_copy_bytes = xe->stats.vram_copy_bytes;
	xe_device_vf_digest(xe, vf, &s->digest);
	s->expected = *expected;
	s->have_digest = true;
}

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
 * Source: RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY, read to EOF, STOP.
 * After a failed migration the source is recovered and, if that worked,
 * migrated again on the same device, up to --attempts times, as a VMM
 * retrying a failed migration does.
 */
static void run_source(const struct opts *o, const struct source_io *io,
		       struct side *s)
{
	struct xe_vf_digest expected;
	unsigned int attempt = 0;
	struct xe_device *xe;
	bool again;
	char *buf;
	int out;

	xe = side_device(o, 1, s);
	if (!xe)
		return;
	buf = malloc(o->buf);
	if (!buf) {
		fail_at(s, "alloc", -ENOMEM);
		goto out;
	}
	/* the pattern's digest is setup work, done while the target starts */
	xe_device_vf_expected_digest(xe, o->vf, 1, &expected);
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
		source_attempt(o, xe, buf, out, s);
		io->stream_end(io->ctx, out, s->ret);
		/*
		 * failed() waits for the destination to finish: hashing 1G of
		 * VRAM before that would take a CPU from its copies.
		 */
		again = io->failed(io->ctx, s);
		source_digests(xe, o->vf, &expected, s);
		if (again)
			recover_source(o, xe, s);
		/* running again, reset or not: a VMM may retry */
		again = again && (s->recovered || s->reset_ok) &&
			attempt < o->attempts;
		record_states(xe, o->vf, s);
		io->report(io->ctx, s);
	} while (again);
out:
	free(buf);
	xe_device_destroy(xe);
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

/* Destination: RUNNING -> RUNNING_P2P -> STOP -> RESUMING, write, STOP, RUNNING */
static void run_dest(const struct opts *o, int in, int status_fd, bool stop,
		     struct side *s)
{
	struct walker w = { 0 };
	struct xe_device *xe;
	unsigned int vf = o->vf;
	char *buf;
	ssize_t n, ret;
	int err;

	xe = side_device(o, 2, s);
	if (!xe)
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
	err = xe_sriov_vfio_suspend_device(xe, vf);
	if (err) {
		fail_at(s, "suspend_device", err);
		goto out;
	}
	err = xe_sriov_vfio_resume_data_enter(xe, vf);
	if (err) {
		fail_at(s, "resume_data_enter", err);
		goto out;
	}
	s->t_copy = xe_now_ns();
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
		ret = xe_sriov_vfio_data_write(xe, vf, buf, n);
		s->calls++;
		if (ret < 0) {
			s->errors++;
			fail_at(s, "data_write", ret);
			break;
		}
		s->bytes += ret;
	}
	s->t_eof = xe_now_ns();
	s->stream_bytes = s->bytes;
	/* no RESUMING -> STOP: it would wait 20 s for a trailer never sent */
	if (!s->ret && stream_cancelled(status_fd))
		fail_at(s, "stream_cancelled", -ECANCELED);
	if (s->ret)
		goto out;
	err = xe_sriov_vfio_resume_data_exit(xe, vf);
	if (err) {
		fail_at(s, "resume_data_exit", err);
		goto out;
	}
	err = xe_sriov_vfio_resume_device(xe, vf);
	if (err) {
		fail_at(s, "resume_device", err);
		goto out;
	}
	s->t_resumed = xe_now_ns();
	s->vram_copy_ns = xe->stats.vram_copy_ns;
	s->vram_copy_bytes = xe->stats.vram_copy_bytes;
	xe_device_vf_digest(xe, vf, &s->digest);
	xe_device_vf_expected_digest(xe, vf, 1, &s->expected);
	s->have_digest = true;
out:
	if (xe)
		record_states(xe, vf, s);
	free(buf);
	xe_device_destroy(xe);
}

/* --- reporting ----------------------------------------------------------- */

struct report {
	const struct side *src, *dst;	/* either may be NULL */
	const struct side *err;		/* the side that failed first */
	bool verified;
	const char *mismatch;
};

static double ms(u64 ns)
{
	return ns / 1e6;
}

static void json_side_states(FILE *f, const char *key, const struct side *s)
{
	unsigned int id;

	fprintf(f, ", \"%s\":{", key);
	for (id = 0; id < s->gt_count; id++)
		fprintf(f, "%s\"gt%u\":\"%s\"", id ? "," : "", id, s->states[id]);
	fprintf(f, "}");
}

static void json_side_error(FILE *f, const char *key, const struct side *s)
{
	fprintf(f, ", \"%s_errno\":%d, \"%s_failed_at\":\"%s\"", key, -s->ret,
		key, s->failed_at);
}

static void print_json(FILE *f, const struct opts *o, const struct report *r)
{
	static const unsigned int order[] = { 1, 5, 3, 4, 6, 2 };
	const struct side *s = r->src ? r->src : r->dst;
	const struct side *rd = r->src, *wr = r->dst;
	u64 t0 = s->t_start, t_end, copy;
	unsigned int i;
	int err = r->err ? -r->err->ret : 0;

	t_end = r->dst ? (r->dst->t_resumed ? r->dst->t_resumed : r->dst->t_eof) :
			 r->src->t_eof;
	copy = s->t_eof > s->t_copy ? s->t_eof - s->t_copy : 0;
	fprintf(f, "{\"result\":\"%s\", \"errno\":%d, \"error\":\"%s\", \"failed_at\":\"%s\"",
		r->err ? "error" : "ok", err, err ? strerror(err) : "",
		r->err ? r->err->failed_at : "");
	fprintf(f, ", \"command\":\"%s\", \"platform\":\"%s\", \"vf\":%u",
		o->cmd, o->cfg.platform, o->vf);
	fprintf(f, ", \"stream_bytes\":%" PRIu64 ", \"size_estimate\":%zd",
		s->stream_bytes, s->size_estimate);
	fprintf(f, ", \"packets\":{");
	for (i = 0; i < 6; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "",
			xe_packet_type_name(order[i]), s->packets[order[i]]);
	fprintf(f, ",\"UNKNOWN\":%" PRIu64 "}", s->packets[0] + s->packets[7]);
	fprintf(f, ", \"vram_bytes\":%" PRIu64,
		o->cfg.vram_size * (xe_platform_lookup(o->cfg.platform)->has_vram));
	fprintf(f, ", \"total_ms\":%.3f, \"downtime_ms\":%.3f",
		t_end > t0 ? ms(t_end - t0) : 0.0,
		r->src && r->dst && r->dst->t_resumed ?
			ms(r->dst->t_resumed - r->src->t_pause) : 0.0);
	fprintf(f, ", \"throughput_gbps\":%.3f",
		copy ? s->stream_bytes * 8.0 / copy : 0.0);
	if (r->src && r->src->vram_copy_ns)
		fprintf(f, ", \"vram_save_copy_gbps\":%.3f",
			r->src->vram_copy_bytes * 8.0 / r->src->vram_copy_ns);
	fprintf(f, ", \"verified\":%s", r->verified ? "true" : "false");
	if (r->mismatch)
		fprintf(f, ", \"mismatch\":\"%s\"", r->mismatch);
	if (rd)
		fprintf(f, ", \"data_read\":{\"calls\":%" PRIu64 ",\"bytes\":%" PRIu64
			",\"errors\":%" PRIu64 "}", rd->calls, rd->bytes, rd->errors);
	if (wr)
		fprintf(f, ", \"data_write\":{\"calls\":%" PRIu64 ",\"bytes\":%" PRIu64
			",\"errors\":%" PRIu64 "}", wr->calls, wr->bytes, wr->errors);
	if (rd)
		json_side_error(f, "src", rd);
	if (wr)
		json_side_error(f, "dst", wr);
	if (rd && rd->attempt)
		fprintf(f, ", \"attempts\":%u", rd->attempt);
	/* after a failure: is the source VF running again, content intact? */
	if (rd && r->err)
		fprintf(f, ", \"source_recovered\":%s, \"source_reset\":%s, \"source_recover_failed_at\":\"%s\"",
			rd->recovered ? "true" : "false",
			rd->reset ? "true" : "false", rd->recover_failed_at);
	if (rd)
		json_side_states(f, "src_states", rd);
	if (wr)
		json_side_states(f, "dst_states", wr);
	fprintf(f, "}\n");
}

static void print_human(FILE *f, const struct opts *o, const struct report *r)
{
	const struct side *s = r->src ? r->src : r->dst;
	unsigned int t;

	if (r->err)
		fprintf(f, "migsim %s: FAILED at %s: %s (%d)\n", o->cmd,
			r->err->failed_at, strerror(-r->err->ret), r->err->ret);
	else
		fprintf(f, "migsim %s: ok, %s\n", o->cmd,
			r->verified ? "verified" : "NOT verified");
	if (r->mismatch)
		fprintf(f, "  mismatch: %s\n", r->mismatch);
	fprintf(f, "  stream: %" PRIu64 " bytes (estimate %zd), packets:",
		s->stream_bytes, s->size_estimate);
	for (t = 1; t <= XE_SRIOV_PACKET_TYPE_MAX; t++)
		fprintf(f, " %s=%" PRIu64, xe_packet_type_name(t), s->packets[t]);
	fprintf(f, "\n");
	if (r->src && r->dst && r->dst->t_resumed)
		fprintf(f, "  total %.3f ms, downtime %.3f ms\n",
			ms(r->dst->t_resumed - r->src->t_start),
			ms(r->dst->t_resumed - r->src->t_pause));
	if (s->t_eof > s->t_copy)
		fprintf(f, "  throughput %.3f Gbit/s\n",
			s->stream_bytes * 8.0 / (s->t_eof - s->t_copy));
}

/* --- commands ------------------------------------------------------------ */

static int finish(const struct opts *o, struct report *r, FILE *f)
{
	if (o->json)
		print_json(f, o, r);
	else
		print_human(f, o, r);
	return !r->err && r->verified ? 0 : 1;
}

static const struct side *first_error(const struct side *a,
				      const struct side *b)
{
	/* a destination cancelled by its source failed because of it */
	if (b && b->ret && a && a->ret &&
	    !strcmp(b->failed_at, "stream_cancelled"))
		return a;
	/* otherwise the destination's error is the interesting one: it saw
	 * the stream, and a source failing to write did so because of it */
	if (b && b->ret)
		return b;
	if (a && a->ret)
		return a;
	return NULL;
}

static void close_fds(int *fds, unsigned int n, int keep)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0 && fds[i] != keep) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* migrate: one source process for every attempt, one destination each */
struct migrate {
	unsigned int n;			/* attempts */
	int src_end[MAX_ATTEMPTS], dst_end[MAX_ATTEMPTS];	/* stream */
	int status_w[MAX_ATTEMPTS], status_r[MAX_ATTEMPTS];
	int result[2], verdict[2];	/* source -> parent, parent -> source */
	unsigned int cur;
	bool reported;
};

static int mig_stream(void *ctx, unsigned int attempt)
{
	struct migrate *m = ctx;

	m->cur = attempt - 1;
	return m->src_end[m->cur];
}

/* the destination writes one byte once its device exists (dest_ready) */
static void mig_ready(void *ctx, int fd)
{
	char c;

	(void)ctx;
	read_all(fd, &c, 1);
}

static void mig_stream_end(void *ctx, int fd, int ret)
{
	struct migrate *m = ctx;

	close(fd);
	m->src_end[m->cur] = -1;
	write_all(m->status_w[m->cur], &ret, sizeof(ret));
	close(m->status_w[m->cur]);
	m->status_w[m->cur] = -1;
}

/* the parent hears both sides, then says whether the migration failed */
static bool mig_failed(void *ctx, const struct side *s)
{
	struct migrate *m = ctx;
	char v = 'f';

	write_all(m->result[1], s, sizeof(*s));
	read_all(m->verdict[0], &v, 1);
	return v != 'o';
}

static void mig_report(void *ctx, const struct side *s)
{
	struct migrate *m = ctx;

	write_all(m->result[1], s, sizeof(*s));
	m->reported = true;
}

/*
 * A migration never outlives its driver: if migsim is killed (by a fuzz
 * campaign's SIGKILL chain, say), its source and destination go with it.
 */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
}

static pid_t spawn_source(const struct opts *o, struct migrate *m)
{
	pid_t parent = getpid();
	struct source_io io = {
		.stream = mig_stream, .ready = mig_ready,
		.stream_end = mig_stream_end,
		.failed = mig_failed, .report = mig_report, .ctx = m,
	};
	pid_t pid = fork();
	struct side s;

	if (pid)
		return pid;
	die_with_parent(parent);
	close_fds(m->dst_end, m->n, -1);
	close_fds(m->status_r, m->n, -1);
	close(m->result[0]);
	close(m->verdict[1]);
	memset(&s, 0, sizeof(s));
	run_source(o, &io, &s);
	if (!m->reported) {
		/* no attempt ran (no device): the same word, twice */
		write_all(m->result[1], &s, sizeof(s));
		write_all(m->result[1], &s, sizeof(s));
	}
	xe_fault_fini();
	_exit(0);
}

static pid_t spawn_dest(const struct opts *o, struct migrate *m,
			unsigned int k, int *result_fd)
{
	pid_t parent = getpid();
	int rp[2];
	pid_t pid;
	struct side s;

	if (pipe2(rp, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid) {
		close(rp[1]);
		*result_fd = rp[0];
		if (pid < 0)
			close(rp[0]);
		return pid;
	}
	die_with_parent(parent);
	close(rp[0]);
	close_fds(m->src_end, m->n, -1);
	close_fds(m->status_w, m->n, -1);
	close_fds(m->dst_end, m->n, m->dst_end[k]);
	close_fds(m->status_r, m->n, m->status_r[k]);
	close(m->result[0]);
	close(m->verdict[1]);
	memset(&s, 0, sizeof(s));
	run_dest(o, m->dst_end[k], m->status_r[k], !k, &s);
	close(m->dst_end[k]);
	write_all(rp[1], &s, sizeof(s));
	close(rp[1]);
	xe_fault_fini();
	_exit(0);
}

static bool collect(int fd, struct side *s, const char *role)
{
	if (read_all(fd, s, sizeof(*s)))
		return true;
	memset(s, 0, sizeof(*s));
	s->ret = -ECHILD;
	snprintf(s->failed_at, sizeof(s->failed_at), "%s_died", role);
	return false;
}

static int migrate_pipes(struct migrate *m, unsigned int n)
{
	unsigned int k;
	int sv[2], st[2];

	memset(m, -1, sizeof(*m));
	m->n = n;
	m->reported = false;
	if (pipe2(m->result, O_CLOEXEC) || pipe2(m->verdict, O_CLOEXEC))
		return -1;
	for (k = 0; k < n; k++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
		    pipe2(st, O_CLOEXEC))
			return -1;
		m->src_end[k] = sv[0];
		m->dst_end[k] = sv[1];
		m->status_r[k] = st[0];
		m->status_w[k] = st[1];
	}
	return 0;
}

/* one attempt seen from the parent: true if the source tries again */
static bool migrate_attempt(const struct opts *o, struct migrate *m,
			    unsigned int k, pid_t ps, struct side *src,
			    struct side *dst)
{
	bool src_ok, failed;
	int rd = -1, status;
	pid_t pd;

	pd = spawn_dest(o, m, k, &rd);
	if (pd < 0) {
		fprintf(stderr, "migsim: fork: %s\n", strerror(errno));
		exit(1);
	}
	close(m->dst_end[k]);
	close(m->status_r[k]);
	m->dst_end[k] = m->status_r[k] = -1;
	if (!k && o->verbose)
		fprintf(stderr, "migsim: source pid %d, destination pid %d%s\n",
			(int)ps, (int)pd, o->stop ? " (stopped: SIGCONT them)" : "");
	src_ok = collect(m->result[0], src, "source");
	collect(rd, dst, "destination");
	close(rd);
	waitpid(pd, &status, 0);
	failed = src->ret || dst->ret;
	write_all(m->verdict[1], failed ? "f" : "o", 1);
	src_ok = src_ok && collect(m->result[0], src, "source");
	return src_ok && failed && (src->recovered || src->reset_ok) &&
	       k + 1 < m->n;
}

static int cmd_migrate(const struct opts *o)
{
	struct side src, dst;
	struct report r = { .src = &src, .dst = &dst };
	struct migrate m;
	unsigned int k = 0;
	int status;
	pid_t ps;

	if (migrate_pipes(&m, o->attempts)) {
		fprintf(stderr, "migsim: %s\n", strerror(errno));
		return 1;
	}
	fflush(NULL);
	ps = spawn_source(o, &m);
	if (ps < 0) {
		fprintf(stderr, "migsim: fork: %s\n", strerror(errno));
		return 1;
	}
	close_fds(m.src_end, m.n, -1);
	close_fds(m.status_w, m.n, -1);
	close(m.result[1]);
	close(m.verdict[0]);
	while (migrate_attempt(o, &m, k, ps, &src, &dst))
		k++;
	close(m.verdict[1]);
	close_fds(m.dst_end, m.n, -1);
	close_fds(m.status_r, m.n, -1);
	waitpid(ps, &status, 0);

	r.err = first_error(&src, &dst);
	if (!r.err && src.have_digest && dst.have_digest) {
		r.mismatch = xe_vf_digest_diff(&src.digest, &dst.digest,
					       dst.gt_count);
		r.verified = !r.mismatch;
	}
	return finish(o, &r, stdout);
}

static int open_stream(const char *file, bool out)
{
	if (!strcmp(file, "-"))
		return out ? STDOUT_FILENO : STDIN_FILENO;
	if (out)
		return open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return open(file, O_RDONLY | O_CLOEXEC);
}

/* save: one attempt, into a file */
struct save_file {
	int fd;
	bool to_stdout;
	int close_err;
};

static int save_stream(void *ctx, unsigned int attempt)
{
	(void)attempt;
	return ((struct save_file *)ctx)->fd;
}

static void save_stream_end(void *ctx, int fd, int ret)
{
	struct save_file *f = ctx;

	(void)ret;
	if (!f->to_stdout && close(fd))
		f->close_err = -errno;
}

static bool save_failed(void *ctx, const struct side *s)
{
	return s->ret || ((struct save_file *)ctx)->close_err;
}

/* the caller reads the side when run_source returns */
static void save_report(void *ctx, const struct side *s)
{
	(void)ctx;
	(void)s;
}

static int cmd_save(const struct opts *o)
{
	struct save_file f = { .to_stdout = !strcmp(o->file, "-") };
	struct source_io io = {
		.stream = save_stream, .stream_end = save_stream_end,
		.failed = save_failed, .report = save_report, .ctx = &f,
	};
	struct side src;
	struct report r = { .src = &src };

	f.fd = open_stream(o->file, true);
	if (f.fd < 0) {
		fprintf(stderr, "migsim: %s: %s\n", o->file, strerror(errno));
		return 1;
	}
	memset(&src, 0, sizeof(src));
	run_source(o, &io, &src);
	if (f.close_err)
		fail_at(&src, "stream_close", f.close_err);
	r.err = first_error(&src, NULL);
	/* saving must not have changed the source: it still holds its pattern */
	if (!r.err && src.have_digest) {
		r.mismatch = xe_vf_digest_diff(&src.digest, &src.expected,
					       src.gt_count);
		r.verified = !r.mismatch;
	}
	return finish(o, &r, f.to_stdout ? stderr : stdout);
}

static int cmd_restore(const struct opts *o)
{
	struct side dst;
	struct report r = { .dst = &dst };
	int fd = open_stream(o->file, false);

	if (fd < 0) {
		fprintf(stderr, "migsim: %s: %s\n", o->file, strerror(errno));
		return 1;
	}
	memset(&dst, 0, sizeof(dst));
	run_dest(o, fd, -1, true, &dst);
	if (fd != STDIN_FILENO)
		close(fd);
	r.err = first_error(NULL, &dst);
	/* the stream came from `migsim save`: the source VF's pattern */
	if (!r.err && dst.have_digest) {
		r.mismatch = xe_vf_digest_diff(&dst.expected, &dst.digest,
					       dst.gt_count);
		r.verified = !r.mismatch;
	}
	return finish(o, &r, stdout);
}

/* --- options ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: migsim migrate [options]\n"
"       migsim save --out FILE [options]      (FILE '-' = stdout)\n"
"       migsim restore --in FILE [options]    (FILE '-' = stdin)\n"
"\n"
"Drive the xe SR-IOV VF migration reference model like a VMM drives\n"
"xe-vfio-pci.  migrate: source and destination run in two processes joined\n"
"by a socketpair; the destination VF's VRAM, GGTT, MMIO and GuC state are\n"
"then compared with the source's.  save/restore keep the stream in a file;\n"
"restore verifies against the content a `save` source has.\n"
"\n"
"options:\n"
"  --platform bmg|ptl   device profile (default bmg; ptl has no VRAM)\n"
"  --vfs N              number of VFs (default 2)\n"
"  --vf N               VF to migrate, 1..N (default 1)\n"
"  --vram SIZE          VRAM per VF (default 64M)\n"
"  --chunk SIZE         VRAM chunk per packet (default 512M, upstream)\n"
"  --ggtt SIZE          GGTT per VF (default 64M: 8 B of PTE per 4K)\n"
"  --guc SIZE           GuC state per GT (default 4M+4K, max 8M)\n"
"  --buf SIZE           bytes per data_read/data_write call (default 1M)\n"
"  --timeout MS         finish-restore wait (default 20000, upstream 20 s)\n"
"  --attempts N         migrate: after a failure, recover the source VF (resume,\n"
"                       or reset if it cannot leave STOP_COPY) and migrate it\n"
"                       again to a new destination, up to N attempts (default 1)\n"
"  --defect LIST        re-enable upstream defects the model fixes:\n"
"                       %s\n"
"  --json               one JSON object on stdout (stderr if the stream is)\n"
"  --stop               each process raises SIGSTOP on itself after creating\n"
"                       its device, before the first migration step, so a\n"
"                       tracer can attach by pid and SIGCONT it (also\n"
"                       MIGSIM_STOP=1); use -v to see the pids\n"
"  -v, --verbose        pids, fault-map status, model debug messages\n"
"  -h, --help           this text\n"
"SIZE takes K, M or G suffixes (powers of 1024).  throughput is Gbit/s of\n"
"stream; downtime is from the source pause to the destination resume.\n"
"Exit status 0 only if the migration succeeded and verified.\n",
		xe_defects_help());
}

static bool parse_size(const char *s, u64 *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || (shift && v > (~0ULL >> shift)))
		return false;
	*out = v << shift;
	return true;
}

static bool parse_uint(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000000UL)
		return false;
	*out = v;
	return true;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "migsim: invalid %s '%s' (try --help)\n", what, arg);
	return -1;
}

enum { O_PLATFORM = 256, O_VFS, O_VF, O_VRAM, O_CHUNK, O_GGTT, O_GUC, O_BUF,
       O_TIMEOUT, O_DEFECT, O_JSON, O_STOP, O_OUT, O_IN, O_ATTEMPTS };

static int parse_opt(struct opts *o, int c, const char *arg)
{
	const char *bad_name;
	u64 v;
	int bits;

	switch (c) {
	case O_PLATFORM:
		if (!xe_platform_lookup(arg))
			return bad("platform", arg);
		o->cfg.platform = arg;
		return 0;
	case O_VFS:
		if (!parse_uint(arg, &o->cfg.num_vfs) || !o->cfg.num_vfs ||
		    o->cfg.num_vfs > 63)
			return bad("--vfs (1..63)", arg);
		return 0;
	case O_VF:
		if (!parse_uint(arg, &o->vf) || !o->vf)
			return bad("--vf", arg);
		return 0;
	case O_VRAM:
		if (!parse_size(arg, &o->cfg.vram_size))
			return bad("--vram", arg);
		return 0;
	case O_CHUNK:
		if (!parse_size(arg, &v) || v < XE_PAGE_SIZE)
			return bad("--chunk (>= 4K)", arg);
		o->cfg.vram_chunk = v;
		return 0;
	case O_GGTT:
		if (!parse_size(arg, &v) || v < XE_PAGE_SIZE || v > (64ULL << 30))
			return bad("--ggtt (4K..64G)", arg);
		o->cfg.ggtt_size = v;
		return 0;
	case O_GUC:
		if (!parse_size(arg, &v) || !v || v % 8 || v > SZ_8M)
			return bad("--guc (multiple of 8, <= 8M)", arg);
		o->cfg.guc_size = v;
		return 0;
	case O_BUF:
		if (!parse_size(arg, &v) || !v || v > (1ULL << 30))
			return bad("--buf (1..1G)", arg);
		o->buf = v;
		return 0;
	case O_TIMEOUT:
		if (!parse_uint(arg, &o->cfg.restore_timeout_ms))
			return bad("--timeout", arg);
		return 0;
	case O_ATTEMPTS:
		if (!parse_uint(arg, &o->attempts) || !o->attempts ||
		    o->attempts > MAX_ATTEMPTS)
			return bad("--attempts (1..8)", arg);
		return 0;
	case O_DEFECT:
		bits = xe_defects_parse(arg, &bad_name);
		if (bits < 0)
			return bad("defect", bad_name);
		o->cfg.defects |= bits;
		return 0;
	case O_JSON:
		o->json = true;
		return 0;
	case O_STOP:
		o->stop = true;
		return 0;
	case O_OUT:
	case O_IN:
		o->file = arg;
		return 0;
	case 'v':
		o->verbose = true;
		o->cfg.verbose = true;
		return 0;
	default:
		return -1;
	}
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "platform", 1, NULL, O_PLATFORM }, { "vfs", 1, NULL, O_VFS },
		{ "vf", 1, NULL, O_VF }, { "vram", 1, NULL, O_VRAM },
		{ "chunk", 1, NULL, O_CHUNK }, { "ggtt", 1, NULL, O_GGTT },
		{ "guc", 1, NULL, O_GUC }, { "buf", 1, NULL, O_BUF },
		{ "timeout", 1, NULL, O_TIMEOUT }, { "defect", 1, NULL, O_DEFECT },
		{ "json", 0, NULL, O_JSON }, { "stop", 0, NULL, O_STOP },
		{ "out", 1, NULL, O_OUT }, { "in", 1, NULL, O_IN },
		{ "attempts", 1, NULL, O_ATTEMPTS },
		{ "verbose", 0, NULL, 'v' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("MIGSIM_STOP");
	int c;

	xe_device_config_defaults(&o->cfg);
	o->vf = 1;
	o->buf = SZ_1M;
	o->attempts = 1;
	o->stop = env && *env && strcmp(env, "0");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?') {
			fprintf(stderr, "migsim: unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return -1;
		}
		if (parse_opt(o, c, optarg))
			return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "migsim: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->vf > o->cfg.num_vfs) {
		fprintf(stderr, "migsim: --vf %u but only %u VFs\n", o->vf,
			o->cfg.num_vfs);
		return -1;
	}
	if (strcmp(o->cmd, "migrate") && o->attempts > 1) {
		fprintf(stderr, "migsim: --attempts is for migrate\n");
		return -1;
	}
	if (strcmp(o->cmd, "migrate") && !o->file) {
		fprintf(stderr, "migsim: %s needs %s FILE\n", o->cmd,
			strcmp(o->cmd, "save") ? "--in" : "--out");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	o.cmd = argv[1];
	if (strcmp(o.cmd, "migrate") && strcmp(o.cmd, "save") &&
	    strcmp(o.cmd, "restore")) {
		fprintf(stderr, "migsim: unknown command '%s' (migrate, save, restore)\n",
			o.cmd);
		return 2;
	}
	if (parse_args(&o, argc - 1, argv + 1))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	/* once, before fork: source and destination share the verdict map */
	xe_fault_init(o.verbose);
	if (!strcmp(o.cmd, "migrate"))
		ret = cmd_migrate(&o);
	else if (!strcmp(o.cmd, "save"))
		ret = cmd_save(&o);
	else
		ret = cmd_restore(&o);
	xe_fault_fini();
	return ret;
}
