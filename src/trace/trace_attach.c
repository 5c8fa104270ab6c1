// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing a target, loading the programs of its attach-ladder rung,
 * attaching it (to a pid, to every process of a binary, or to a command
 * launched stopped) and draining its events until the traced work ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "events.h"
#include "ladders.h"
#include "trace.h"
#include "migtrace_config.h"	/* the skeletons' rodata */
#include "migtrace.skel.h"
#include "migtrace_model.skel.h"

/* the objects' maps user space reads, whichever object is open */
struct mt_maps {
	struct bpf_map *events, *drops, *totals, *state_since, *unit_ids;
};

struct mt_session {
	/* one of the two objects is open: the target's family only */
	struct migtrace_bpf *kern;
	struct migtrace_model_bpf *model;
	struct bpf_object *obj;
	struct bpf_object_skeleton *skel;
	struct mt_config *cfg;
	struct mt_maps maps;
	struct mt_usdt *usdt;	/* the model's links */
	struct ms_usdt_site *sites;	/* the model's, from load to attach */
	size_t nsites;
	char model_path[PATH_MAX];
	struct ms_events ev;
	bool ev_open;
	enum mt_target target;
	const struct ms_rung *rung;
	pid_t child;		/* launched command */
	int child_status;
	bool child_done;
	pid_t pid;		/* -p */
	uint64_t deadline_ns;
	bool totals;		/* counted in BPF, no events in the ring */
};

/* both skeletons have the same maps and config: bind s to skeleton o */
#define mt_bind(s, o)	do {					\
	(s)->obj = (o)->obj;					\
	(s)->skel = (o)->skeleton;				\
	(s)->cfg = &(o)->rodata->mt_cfg;			\
	(s)->maps = (struct mt_maps){ (o)->maps.events, (o)->maps.drops, \
		(o)->maps.totals, (o)->maps.state_since, (o)->maps.unit_ids }; \
} while (0)

static int pick_target(const struct trace_opts *o, struct mt_session *s)
{
	const struct ms_feature *f;
	struct ms_ladder_choice c;
	bool user = o->pid || o->binary || o->command;

	if (o->target == MT_TARGET_MODEL ||
	    (o->target == MT_TARGET_AUTO && user)) {
		f = &ms_feature_mig_model;
		if (ms_ladder_pick(f, NULL, &c) < 0)
			return ms_err("cannot trace the model: %s (see migscope doctor)",
				      c.why);
		s->target = MT_TARGET_MODEL;
		s->rung = &f->rungs[c.rung];
		return 0;
	}
	if (o->target == MT_TARGET_KERNEL && user)
		return ms_err("--target kernel traces the xe driver, not a process: drop -p/--binary/COMMAND");
	f = &ms_feature_mig_kernel;
	ms_ensure_kernel_fs();
	if (ms_ladder_pick(f, o->hook, &c) < 0) {
		if (o->target == MT_TARGET_AUTO)
			return ms_err("nothing to trace: give -p PID, --binary PATH or -- COMMAND for the model; the kernel target is unavailable (%s; see migscope doctor)",
				      c.why);
		return ms_err("--target kernel: %s (see migscope doctor)",
			      c.why);
	}
	s->target = MT_TARGET_KERNEL;
	s->rung = &f->rungs[c.rung];
	if (c.why[0])
		fprintf(stderr, "migscope: tracing the xe driver with %s (%s)\n",
			s->rung->name, c.why);
	else
		fprintf(stderr, "migscope: tracing the xe driver with %s\n",
			s->rung->name);
	return 0;
}

static int attach_kernel(struct mt_session *s)
{
	struct bpf_program *p;
	int err;

	bpf_object__for_each_program(p, s->obj) {
		if (!bpf_program__autoload(p))
			continue;
		err = ms_skel_keep_link(s->skel, p, bpf_program__attach(p));
		if (err)
			return ms_err("cannot attach %s (%s): %s",
				      bpf_program__name(p),
				      bpf_program__section_name(p),
				      strerror(-err));
	}
	return 0;
}

static void set_filters(struct mt_config *c, const struct trace_opts *o,
			bool totals)
{
	c->totals_only = totals;
	c->targ_vf = o->vf;
	c->targ_gt = o->gt;
	c->targ_type = o->type;
	c->filter_tgid = o->command != NULL;
}

/* the binary whose USDT sites we attach to */
static int model_path(const struct trace_opts *o, char *path, size_t len)
{
	if (o->binary)
		snprintf(path, len, "%s", o->binary);
	else if (o->pid)
		snprintf(path, len, "/proc/%d/exe", o->pid);
	else if (ms_resolve_command(o->command[0], path, len))
		return -1;
	return 0;
}

/* the model's object, and on_fork to follow a launched command's children */
static int open_model(struct mt_session *s, const struct trace_opts *o)
{
	int off;

	s->model = migtrace_model_bpf__open();
	if (!s->model)
		return ms_err("cannot open the migtrace_model BPF object: %s",
			      strerror(errno));
	mt_bind(s, s->model);
	if (ms_rung_select(s->rung, s->obj, 0) != mt_usdt_nr_probes())
		return ms_err("migtrace_model's USDT programs are not the %d probes known",
			      mt_usdt_nr_probes());
	bpf_program__set_autoload(s->model->progs.on_fork, o->command != NULL);
	if (model_path(o, s->model_path, sizeof(s->model_path)) ||
	    mt_usdt_sites(s->model_path, &s->sites, &s->nsites) ||
	    mt_usdt_specialize(s->model, s->sites, s->nsites))
		return -1;
	ms_phase("notes");
	if (!o->command)
		return 0;
	off = ms_tracepoint_field_offset("sched/sched_process_fork",
					 "child_pid");
	if (off < 0)
		return ms_err("cannot follow forks: no child_pid in the sched_process_fork tracepoint's format (%s)",
			      strerror(-off));
	s->model->rodata->fork_child_pid_off = off;
	return 0;
}

static int open_kernel(struct mt_session *s)
{
	s->kern = migtrace_bpf__open();
	if (!s->kern)
		return ms_err("cannot open the migtrace BPF object: %s",
			      strerror(errno));
	mt_bind(s, s->kern);
	if (ms_rung_select(s->rung, s->obj, ms_rung_facts(s->rung)) < 0)
		return -1;
	return mt_kernel_prepare(s->obj, false);
}

static int load(struct mt_session *s, const struct trace_opts *o)
{
	unsigned int ring;
	int err;

	err = s->target == MT_TARGET_MODEL ? open_model(s, o) : open_kernel(s);
	if (err)
		return -1;
	s->totals = !mt_wants_events(o);
	set_filters(s->cfg, o, s->totals);
	/* counting in BPF, nothing goes through the rings: the smallest */
	ring = o->ring_size ? o->ring_size :
	       s->totals ? (unsigned int)getpagesize() : 0;
	if (ms_events_init(&s->ev, s->maps.events, ring))
		return -1;
	ms_phase("open");
	ms_libbpf_capture_begin();
	err = bpf_object__load_skeleton(s->skel);
	if (err) {
		const char *why = ms_libbpf_capture_end();

		return ms_err("loading the migtrace %s programs failed: %s%s%s",
			      s->rung->name, strerror(-err), *why ? ": " : "",
			      why);
	}
	ms_libbpf_capture_end();
	ms_phase("load");
	return 0;
}

/* fork the command stopped: it runs only once we are attached */
static int launch(struct mt_session *s, char **argv)
{
	int st;

	s->child = fork();
	if (s->child < 0)
		return ms_err("fork: %s", strerror(errno));
	if (!s->child) {
		raise(SIGSTOP);
		execvp(argv[0], argv);
		fprintf(stderr, "migscope: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (waitpid(s->child, &st, WUNTRACED) < 0 || !WIFSTOPPED(st))
		return ms_err("the launched command did not stop as expected");
	return 0;
}

/* a process stopped itself to wait for a tracer (migsim --stop) */
static void continue_if_stopped(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'T') {
			fprintf(stderr, "migscope: pid %d was stopped, continuing it\n",
				pid);
			kill(pid, SIGCONT);
		}
	}
	fclose(f);
}

/* follow the launched command's process tree from its first instruction */
static int follow_command(struct mt_session *s, const struct trace_opts *o)
{
	struct bpf_program *p = s->model->progs.on_fork;
	__u8 one = 1;
	__u32 key;
	int err;

	err = ms_skel_keep_link(s->skel, p, bpf_program__attach(p));
	if (err)
		return ms_err("cannot follow forks (sched_process_fork): %s",
			      strerror(-err));
	if (launch(s, o->command))
		return -1;
	key = s->child;
	return bpf_map__update_elem(s->model->maps.tgids, &key, sizeof(key),
				    &one, sizeof(one), BPF_ANY);
}

static int attach_model(struct mt_session *s, const struct trace_opts *o)
{
	const char *path = s->model_path;
	int err;

	err = o->command ? follow_command(s, o) : 0;
	if (!err)
		err = mt_usdt_attach(s->model, o->command ? -1 :
				     o->pid ? o->pid : -1, path, s->sites,
				     s->nsites, &s->usdt);
	/* read before load for the rodata specs, needed until attached */
	free(s->sites);
	s->sites = NULL;
	s->nsites = 0;
	if (err)
		return -1;
	ms_phase("attach");
	/* said once attached: tests wait for this line before they start */
	fprintf(stderr, "migscope: tracing the model through USDT in %s (%s)\n",
		path, o->pid ? "one pid" : o->command ?
		"the launched command and its children" : "every process");
	if (o->command) {
		kill(s->child, SIGCONT);
	} else if (o->pid) {
		s->pid = o->pid;
		continue_if_stopped(o->pid);
	}
	return 0;
}

int mt_session_open(struct mt_session **sp, const struct trace_opts *o,
		    int (*fn)(void *ctx, const struct ms_event *e), void *ctx)
{
	struct mt_session *s = calloc(1, sizeof(*s));
	int err;

	*sp = s;
	if (!s)
		return ms_err("out of memory");
	ms_phase("start");
	if (pick_target(o, s))
		return -1;
	ms_phase("ladder");
	if (load(s, o))
		return -1;
	if (ms_events_open(&s->ev, s->maps.drops, fn, ctx))
		return -1;
	s->ev_open = true;
	ms_phase("ring");
	if (s->target == MT_TARGET_MODEL)
		err = attach_model(s, o);
	else
		err = attach_kernel(s);
	if (err)
		return -1;
	if (o->duration_s > 0)
		s->deadline_ns = ms_now_ns() + o->duration_s * 1e9;
	return 0;
}

static bool traced_work_over(struct mt_session *s)
{
	if (s->child && !s->child_done &&
	    waitpid(s->child, &s->child_status, WNOHANG) == s->child)
		s->child_done = true;
	if (s->child)
		return s->child_done;
	if (s->pid && kill(s->pid, 0) && errno == ESRCH)
		return true;
	return false;
}

int mt_session_poll(struct mt_session *s, int timeout_ms)
{
	bool over = traced_work_over(s) || ms_exiting ||
		    (s->deadline_ns && ms_now_ns() >= s->deadline_ns);
	int n;

	/* drain once more after the end: the last events are in the ring */
	n = ms_events_poll(&s->ev, over ? 0 : timeout_ms);
	if (n < 0)
		return ms_err("reading events failed: %s", strerror(-n));
	if (over)
		return ms_events_drain(&s->ev) < 0 ? -1 : 1;
	return 0;
}

int mt_session_bpf_stats(struct mt_session *s, uint64_t *run_ns,
			 uint64_t *runs)
{
	struct bpf_program *prog;

	*run_ns = *runs = 0;
	if (!s || !s->obj)
		return -1;
	bpf_object__for_each_program(prog, s->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		*run_ns += info.run_time_ns;
		*runs += info.run_cnt;
	}
	return 0;
}

int mt_session_totals(struct mt_session *s, struct mt_agg *a)
{
	if (!s->totals) {
		mt_agg_sum(a);
		return 0;
	}
	memset(a, 0, sizeof(*a));
	if (mt_totals_read(a, s->maps.totals, s->maps.unit_ids,
			   s->maps.state_since))
		return -1;
	return 1;
}

uint64_t mt_session_drops(struct mt_session *s)
{
	return s->ev_open ? ms_events_drops(&s->ev) : 0;
}

const char *mt_session_target(struct mt_session *s)
{
	return s->target == MT_TARGET_KERNEL ? "kernel" : "model";
}

int mt_session_close(struct mt_session *s)
{
	int rc = 0;

	if (!s)
		return 0;
	if (s->child && !s->child_done) {
		kill(s->child, SIGCONT);
		if (waitpid(s->child, &s->child_status, 0) == s->child)
			s->child_done = true;
	}
	if (s->child_done && WIFEXITED(s->child_status))
		rc = WEXITSTATUS(s->child_status);
	else if (s->child_done && WIFSIGNALED(s->child_status))
		rc = 128 + WTERMSIG(s->child_status);
	ms_events_close(&s->ev);
	mt_usdt_detach(s->usdt);
	free(s->sites);
	migtrace_model_bpf__destroy(s->model);
	migtrace_bpf__destroy(s->kern);
	free(s);
	return rc;
}

/*
 * --attach-check: load every program of a kernel rung in one object, as a
 * real run does, then attach them one by one so each verdict is its own.
 * If the object does not load, load each program alone to find the ones
 * the kernel rejects (slow under emulation, so only then).  One line per
 * program for the VM tier.
 */
static int load_alone(const char *rung, const char *name, char *why,
		      size_t len)
{
	struct migtrace_bpf *obj = migtrace_bpf__open();
	struct bpf_program *p;
	int err;

	if (!obj)
		return snprintf(why, len, "open: %s", strerror(errno)), -1;
	bpf_object__for_each_program(p, obj->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p),
						     name));
	ms_libbpf_capture_begin();
	err = migtrace_bpf__load(obj);
	if (err)
		snprintf(why, len, "load (%s): %s: %s", rung,
			 strerror(-err), ms_libbpf_capture_end());
	else
		ms_libbpf_capture_end();
	migtrace_bpf__destroy(obj);
	return err ? -1 : 0;
}

static void verdict(const struct bpf_program *p, const char *why)
{
	if (why)
		printf("prog %s %s FAIL %s\n", bpf_program__name(p),
		       bpf_program__section_name(p), why);
	else
		printf("prog %s %s ok\n", bpf_program__name(p),
		       bpf_program__section_name(p));
	fflush(stdout);
}

/* one program's verdict; 0 if it loads (alone) or attaches (together) */
static int check_prog(struct migtrace_bpf *obj, struct bpf_program *p,
		      const char *rung, bool loaded)
{
	char why[600];
	int err;

	if (!loaded) {
		err = load_alone(rung, bpf_program__name(p), why, sizeof(why));
		verdict(p, err ? why : NULL);
		return err;
	}
	err = ms_skel_keep_link(obj->skeleton, p, bpf_program__attach(p));
	if (err)
		snprintf(why, sizeof(why), "attach: %s", strerror(-err));
	verdict(p, err ? why : NULL);
	return err;
}

static int check_rung(const struct ms_rung *rung)
{
	struct migtrace_bpf *obj = migtrace_bpf__open();
	int nprog = 0, nfail = 0, err;
	struct bpf_program *p;
	char why[600];

	if (!obj)
		return ms_err("cannot open the migtrace BPF object");
	if (ms_rung_select(rung, obj->obj, ms_rung_facts(rung)) < 0 ||
	    mt_kernel_prepare(obj->obj, true)) {
		migtrace_bpf__destroy(obj);
		return -1;
	}
	ms_libbpf_capture_begin();
	err = migtrace_bpf__load(obj);
	snprintf(why, sizeof(why), "%s", ms_libbpf_capture_end());
	printf("together %s %s %s\n", rung->name, err ? "FAIL" : "ok",
	       err ? why : "(loaded in one object)");
	bpf_object__for_each_program(p, obj->obj) {
		if (!bpf_program__autoload(p))
			continue;
		nprog++;
		if (check_prog(obj, p, rung->name, !err))
			nfail++;
	}
	migtrace_bpf__destroy(obj);
	printf("family %s %d programs, %d failed\n", rung->name, nprog, nfail);
	return nfail || err ? -1 : 0;
}

int mt_attach_check(const struct trace_opts *o)
{
	const struct ms_feature *f = &ms_feature_mig_kernel;
	int i, rc = 0;

	for (i = 0; i < f->nr_rungs; i++) {
		if (o->hook && strcmp(o->hook, f->rungs[i].name))
			continue;
		if (check_rung(&f->rungs[i]))
			rc = 1;
	}
	return rc;
}
