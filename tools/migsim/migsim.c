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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migsim.h"
#include "xe_fault.h"

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
	vmm_signals_init();
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
