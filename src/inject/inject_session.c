// SPDX-License-Identifier: GPL-2.0
/* The injection session: see inject.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common.h"
#include "inject.h"
#include "ladders.h"
#include "inject.skel.h"

void inj_plan_init(struct inj_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->prob = -1;
	p->vf = p->gt = p->type = MS_ANY;
}

void inj_plan_args(const struct inj_plan *p, char *buf, size_t len)
{
	char arg[32];
	size_t n;

	n = snprintf(buf, len, "--site %s", inj_site_name(p->site));
	if (p->mech == INJ_MECH_SIGNAL)
		n += snprintf(buf + n, len - n, " --signal %d", p->sig);
	else if (ms_site_is_delay(p->site))
		n += snprintf(buf + n, len - n, " --delay-us %u", p->delay_us);
	else {
		ms_errno_arg(p->err, arg, sizeof(arg));
		n += snprintf(buf + n, len - n, " --errno %s", arg);
	}
	if (p->nth)
		n += snprintf(buf + n, len - n, " --nth %llu",
			      (unsigned long long)p->nth);
	if (p->interval)
		n += snprintf(buf + n, len - n, " --every %llu",
			      (unsigned long long)p->interval);
	if (p->prob >= 0) {
		ms_double_arg(p->prob, arg, sizeof(arg));
		n += snprintf(buf + n, len - n, " --probability %s --seed %llu",
			      arg, (unsigned long long)p->seed);
	}
	if (p->times)
		n += snprintf(buf + n, len - n, " --times %llu",
			      (unsigned long long)p->times);
	if (p->vf != MS_ANY)
		n += snprintf(buf + n, len - n, " --vf %u", p->vf);
	if (p->gt != MS_ANY)
		n += snprintf(buf + n, len - n, " --gt %u", p->gt);
	if (p->type != MS_ANY)
		n += snprintf(buf + n, len - n, " --type %u", p->type);
	if (p->off_hi && n < len)
		snprintf(buf + n, len - n, " --offset %llu:%llu",
			 (unsigned long long)p->off_lo,
			 (unsigned long long)p->off_hi);
}

static const struct ms_feature *mech_feature(unsigned int mech)
{
	switch (mech) {
	case INJ_MECH_SIGNAL: return &ms_feature_inject_signal;
	case INJ_MECH_KERNEL: return &ms_feature_inject_kernel;
	default: return &ms_feature_inject_model;
	}
}

/*
 * Only the programs of the mechanism's rung are loaded (fmod_ret is
 * refused on hosts where USDT works, and the reverse in a bare guest),
 * plus fuzz's accounting probes on the model.
 */
static int pick_programs(struct inject_bpf *obj, unsigned int mech,
			 bool leaks)
{
	const struct ms_feature *f = mech_feature(mech);
	bool model = mech != INJ_MECH_KERNEL;
	struct ms_ladder_choice c;

	if (ms_ladder_pick(f, NULL, &c) < 0)
		return ms_err("%s: %s (see migscope doctor)", f->what, c.why);
	if (ms_rung_select(&f->rungs[c.rung], obj->obj, ms_kernel_facts()) < 0)
		return -1;
	bpf_program__set_autoload(obj->progs.pkt_alloc, model && leaks);
	bpf_program__set_autoload(obj->progs.pkt_free, model && leaks);
	bpf_program__set_autoload(obj->progs.save_consume_ret, model && leaks);
	bpf_program__set_autoload(obj->progs.state_enter, model && leaks);
	bpf_program__set_autoload(obj->progs.state_exit, model && leaks);
	bpf_program__set_autoload(obj->progs.ring_produce, model && leaks);
	bpf_program__set_autoload(obj->progs.ring_consume, model && leaks);
	bpf_program__set_autoload(obj->progs.wait_interrupted, model && leaks);
	return 0;
}

int inj_session_open(struct inj_session *s, unsigned int mech,
		     int reuse_map_fd, bool leaks, ms_event_fn fn, void *ctx)
{
	const char *why;
	int err;

	memset(s, 0, sizeof(*s));
	s->mech = mech;
	s->obj = inject_bpf__open();
	if (!s->obj)
		return ms_err("cannot open the inject BPF object: %s",
			      strerror(errno));
	s->leaks = leaks;
	if (pick_programs(s->obj, mech, leaks))
		return -1;
	if (reuse_map_fd >= 0) {
		err = bpf_map__reuse_fd(s->obj->maps.xe_fault_vrdct,
					reuse_map_fd);
		if (err)
			return ms_err("cannot use the model's verdict map: %s",
				      strerror(-err));
	}
	if (ms_events_init(&s->ev, s->obj->maps.events, 0))
		return -1;
	ms_libbpf_capture_begin();
	err = inject_bpf__load(s->obj);
	why = ms_libbpf_capture_end();
	if (err)
		return ms_err("loading the inject %s programs failed: %s%s%s",
			      inj_mech_name(mech), strerror(-err),
			      *why ? ": " : "", why);
	if (ms_events_open(&s->ev, s->obj->maps.drops, fn, ctx))
		return -1;
	s->ev_open = true;
	return 0;
}

/* the link lives in the skeleton: inject_bpf__destroy() frees it */
static int add_link(struct inj_session *s, struct bpf_program *prog,
		    struct bpf_link *l, const char *what)
{
	int err = ms_skel_keep_link(s->obj->skeleton, prog, l);

	return err ? ms_err("cannot attach %s: %s", what, strerror(-err)) : 0;
}

static int attach_fork_tracking(struct inj_session *s)
{
	struct bpf_program *fork = s->obj->progs.track_fork;
	struct bpf_program *exit = s->obj->progs.track_exit;

	if (add_link(s, fork, bpf_program__attach(fork),
		     "the fork tracker (raw_tp/sched_process_fork)"))
		return -1;
	return add_link(s, exit, bpf_program__attach(exit),
			"the exit tracker (raw_tp/sched_process_exit)");
}

/* the save consumer's result, as a kretprobe would see it in the kernel */
static int attach_consume_probe(struct inj_session *s, const char *binary)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = true,
		    .func_name = "xe_gt_sriov_pf_migration_save_consume");
	struct bpf_link *l;

	l = bpf_program__attach_uprobe_opts(s->obj->progs.save_consume_ret,
					    -1, binary, 0, &opts);
	return add_link(s, s->obj->progs.save_consume_ret, l,
			"uretprobe xe_gt_sriov_pf_migration_save_consume");
}

/*
 * By binary, for every process: scope is decided in BPF from the tgid set,
 * which follows forks; a uprobe attached to one pid would miss migsim's
 * two children.
 */
static int attach_usdt(struct inj_session *s, struct bpf_program *prog,
		       const char *binary, const char *name)
{
	char what[64];

	snprintf(what, sizeof(what), "USDT xe:%s", name);
	return add_link(s, prog, bpf_program__attach_usdt(prog, -1, binary,
							  "xe", name, NULL),
			what);
}

int inj_attach_model(struct inj_session *s, const char *binary, bool leaks)
{
	struct inject_bpf *o = s->obj;

	if (attach_fork_tracking(s) ||
	    attach_usdt(s, o->progs.fault_site, binary, "fault_site"))
		return -1;
	if (!leaks)
		return 0;
	/* fuzz: leak accounting and coverage */
	if (attach_usdt(s, o->progs.pkt_alloc, binary, "packet_alloc") ||
	    attach_usdt(s, o->progs.pkt_free, binary, "packet_free") ||
	    attach_usdt(s, o->progs.state_enter, binary, "state_enter") ||
	    attach_usdt(s, o->progs.state_exit, binary, "state_exit") ||
	    attach_usdt(s, o->progs.ring_produce, binary, "ring_produce") ||
	    attach_usdt(s, o->progs.ring_consume, binary, "ring_consume") ||
	    attach_usdt(s, o->progs.wait_interrupted, binary,
			"wait_interrupted"))
		return -1;
	return attach_consume_probe(s, binary);
}

int inj_attach_kernel(struct inj_session *s)
{
	struct bpf_program *perm = s->obj->progs.file_perm;

	if (attach_fork_tracking(s))
		return -1;
	return add_link(s, perm, bpf_program__attach(perm),
			"fmod_ret/security_file_permission");
}

/* probability 0..1 -> threshold out of 2^32 */
static uint64_t prob_threshold(double p)
{
	if (p < 0 || p >= 1)
		return 1ULL << 32;
	return (uint64_t)(p * 4294967296.0);
}

static void arm_fault(struct inject_fault *f, const struct inj_plan *p)
{
	memset(f, 0, sizeof(*f));
	f->mech = p->mech;
	f->site = p->site;
	f->err = p->err;
	f->sig = p->sig;
	f->delay_us = p->delay_us;
	f->nth = p->nth;
	f->interval = p->interval;
	f->prob = prob_threshold(p->prob);
	f->seed = p->seed;
	f->times = p->times;
	f->vf = p->vf;
	f->gt = p->gt;
	f->type = p->type;
	f->off_lo = p->off_lo;
	f->off_hi = p->off_hi;
	f->armed = 1;
}

/* n plans (0..INJ_MAX_FAULTS) armed at once; the first one's file and
 * dry run apply to all; with none, only the accounting probes run */
void inj_arm(struct inj_session *s, const struct inj_plan *p, unsigned int n)
{
	struct inject_cfg *c = &s->obj->bss->cfg;
	unsigned int i;

	inj_disarm(s);
	memset(&s->obj->bss->stats, 0, sizeof(s->obj->bss->stats));
	memset(c->f, 0, sizeof(c->f));
	for (i = 0; i < n && i < INJ_MAX_FAULTS; i++)
		arm_fault(&c->f[i], &p[i]);
	c->dry_run = n && p->dry_run;
	c->kdev = n ? p->kdev : 0;
	c->ino = n ? p->ino : 0;
	c->all_tasks = 0;
	c->track_leaks = s->leaks;
	/* the programs see the whole plan before they see armed */
	__atomic_store_n(&c->armed, 1, __ATOMIC_RELEASE);
}

void inj_disarm(struct inj_session *s)
{
	if (s->obj && s->obj->bss)
		__atomic_store_n(&s->obj->bss->cfg.armed, 0, __ATOMIC_RELEASE);
}

struct inject_stats inj_stats(const struct inj_session *s)
{
	struct inject_stats st;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	st = s->obj->bss->stats;
	return st;
}

int inj_scope_add(struct inj_session *s, pid_t pid)
{
	__u32 key = pid;
	__u8 one = 1;

	return bpf_map__update_elem(s->obj->maps.scope, &key, sizeof(key),
				    &one, sizeof(one), BPF_ANY);
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int ppid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
			ppid = -1;
	}
	fclose(f);
	return ppid;
}

/* descendants that exist already; the fork tracker covers later ones */
int inj_scope_add_tree(struct inj_session *s, pid_t root)
{
	bool grew = true;
	struct dirent *d;
	DIR *dir;
	__u8 v;

	if (inj_scope_add(s, root))
		return -1;
	while (grew) {
		grew = false;
		dir = opendir("/proc");
		if (!dir)
			return -1;
		while ((d = readdir(dir))) {
			__u32 pid = atoi(d->d_name), pp;

			if (!pid || !bpf_map__lookup_elem(s->obj->maps.scope,
							 &pid, sizeof(pid), &v,
							 sizeof(v), 0))
				continue;
			pp = parent_of(pid);
			if ((int)pp > 0 &&
			    !bpf_map__lookup_elem(s->obj->maps.scope, &pp,
						  sizeof(pp), &v, sizeof(v), 0)) {
				inj_scope_add(s, pid);
				grew = true;
			}
		}
		closedir(dir);
	}
	return 0;
}

void inj_scope_clear(struct inj_session *s)
{
	int fd = bpf_map__fd(s->obj->maps.scope);
	__u32 key, next;

	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		key = next;
		if (bpf_map_delete_elem(fd, &key))
			break;
	}
}

int inj_cov_take(struct inj_session *s, inj_cov_fn fn, void *ctx)
{
	int fd = bpf_map__fd(s->obj->maps.coverage);
	struct inject_cov_key key;
	int n = 0;

	while (!bpf_map_get_next_key(fd, NULL, &key)) {
		if (bpf_map_delete_elem(fd, &key))
			break;
		if (fn)
			fn(ctx, &key);
		n++;
	}
	return n;
}

int inj_states_take(struct inj_session *s, inj_state_fn fn, void *ctx)
{
	int fd = bpf_map__fd(s->obj->maps.vf_states);
	struct inject_state_key key;
	struct inject_state_val val;
	int n = 0;

	while (!bpf_map_get_next_key(fd, NULL, &key)) {
		if (bpf_map_lookup_elem(fd, &key, &val) ||
		    bpf_map_delete_elem(fd, &key))
			break;
		if (fn)
			fn(ctx, &key, &val);
		n++;
	}
	return n;
}

uint64_t inj_leaks_take(struct inj_session *s)
{
	int fd = bpf_map__fd(s->obj->maps.live_pkts);
	struct inject_pkt_key key;
	uint64_t n = 0;

	while (!bpf_map_get_next_key(fd, NULL, &key)) {
		if (bpf_map_delete_elem(fd, &key))
			break;
		n++;
	}
	return n;
}

unsigned int inj_map_id(const struct inj_session *s)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_map__fd(s->obj->maps.xe_fault_vrdct),
				   &info, &len))
		return 0;
	return info.id;
}

void inj_session_close(struct inj_session *s)
{
	inj_disarm(s);
	/* drain first: the summary must count every logged injection */
	if (s->ev_open)
		ms_events_drain(&s->ev);
	ms_events_close(&s->ev);
	/* the links with it */
	inject_bpf__destroy(s->obj);
	s->obj = NULL;
	s->ev_open = false;
}

static void child_exec(char **argv, unsigned int map_id, bool own_group,
		       const int *out_fd, int go_fd)
{
	char id[16];
	char c;

	if (own_group) {
		setpgid(0, 0);
		/* a campaign's run never outlives migscope */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	}
	if (out_fd[0] >= 0 && dup2(out_fd[0], STDOUT_FILENO) < 0)
		_exit(127);
	if (out_fd[1] >= 0 && dup2(out_fd[1], STDERR_FILENO) < 0)
		_exit(127);
	/* a campaign's table is the output; the model's notices are noise */
	if (own_group && out_fd[1] < 0 && !ms_verbose) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);
	}
	/* wait until the parent has put us in scope */
	if (read(go_fd, &c, 1) != 1)
		_exit(127);
	close(go_fd);
	snprintf(id, sizeof(id), "%u", map_id);
	if (map_id)
		setenv("XE_FAULT_MAP_ID", id, 1);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "migscope: cannot run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

pid_t inj_spawn(struct inj_session *s, char **argv, bool own_group,
		const int out_fd[2])
{
	unsigned int id = s->mech == INJ_MECH_KERNEL ? 0 : inj_map_id(s);
	int go[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return ms_err("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return ms_err("fork: %s", strerror(errno));
	}
	if (!pid) {
		close(go[1]);
		child_exec(argv, id, own_group, out_fd, go[0]);
	}
	close(go[0]);
	ms_info("started pid %d (%s), verdict map id %u", pid, argv[0], id);
	if (own_group)
		setpgid(pid, pid);	/* both sides: no race with kill(-pgid) */
	if (inj_scope_add(s, pid)) {
		kill(pid, SIGKILL);
		close(go[1]);
		return ms_err("cannot put pid %d in scope", pid);
	}
	if (write(go[1], "g", 1) != 1) {
		close(go[1]);
		return ms_err("cannot start the command");
	}
	close(go[1]);
	return pid;
}

/* the map ids a process holds, from /proc/PID/fdinfo */
static int fdinfo_map_id(pid_t pid, const char *fd)
{
	char path[320], line[128];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "map_id: %d", &id) == 1)
			break;
	fclose(f);
	return id;
}

int inj_find_model_map(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int found = -1;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (found < 0 && (d = readdir(dir))) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);
		int id = fdinfo_map_id(pid, d->d_name), fd;

		if (id <= 0)
			continue;
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    !strcmp(info.name, MS_FAULT_MAP_NAME))
			found = fd;
		else
			close(fd);
	}
	closedir(dir);
	return found;
}
