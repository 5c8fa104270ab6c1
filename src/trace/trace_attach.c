// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing a target, loading migtrace with the right family of programs,
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
#include "migtrace.skel.h"

#define MT_MAX_LINKS	128

struct mt_session {
	struct migtrace_bpf *obj;
	struct ms_events ev;
	bool ev_open;
	enum mt_target target;
	const char *rung;
	struct bpf_link *links[MT_MAX_LINKS];
	int nlinks;
	pid_t child;		/* launched command */
	int child_status;
	bool child_done;
	pid_t pid;		/* -p */
	uint64_t deadline_ns;
};

/* the model's USDT probes, in contract order (tools/xe-model/xe_usdt.h) */
struct usdt_probe {
	const char *name;
	size_t prog_off;	/* offsetof(progs) of the program */
};

#define P(n) { #n, offsetof(struct migtrace_bpf, progs.u_##n) }
static const struct usdt_probe usdt_probes[] = {
	P(packet_alloc), P(packet_init), P(packet_init_from_hdr),
	P(packet_free), P(ring_produce), P(ring_consume), P(state_enter),
	P(state_exit), P(vram_copy_begin), P(vram_copy_end),
	P(data_read_entry), P(data_read_return), P(data_write_entry),
	P(data_write_return), P(descriptor), P(trailer), P(fault_injected),
};
#undef P

static struct bpf_program *usdt_prog(struct migtrace_bpf *obj,
				     const struct usdt_probe *p)
{
	return *(struct bpf_program **)((char *)obj + p->prog_off);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* which family a program belongs to: "usdt", "fentry", "kprobe" or NULL */
static const char *prog_family(const struct bpf_program *p)
{
	const char *n = bpf_program__name(p);

	if (has_prefix(n, "u_"))
		return "usdt";
	if (has_prefix(n, "f_") || has_prefix(n, "fx_"))
		return "fentry";
	if (has_prefix(n, "kp_") || has_prefix(n, "krp_"))
		return "kprobe";
	return NULL;
}

static void set_family(struct migtrace_bpf *obj, const char *family,
		       bool follow_forks)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj->obj) {
		const char *f = prog_family(p);

		if (!f)		/* on_fork */
			bpf_program__set_autoload(p, follow_forks);
		else
			bpf_program__set_autoload(p, !strcmp(f, family));
	}
}

/* Does the binary carry the model's USDT probes?  Cheap and explainable. */
static int check_binary(const char *path)
{
	int err = ms_binary_has_usdt(path, "xe", "data_read_entry");

	if (err == -ENOENT)
		return ms_err("%s has no xe USDT probes: it is not the reference model (tools/migsim) or was built with XE_NO_USDT",
			      path);
	if (err)
		return ms_err("cannot read %s: %s", path, strerror(-err));
	return 0;
}

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
		s->rung = f->rungs[c.rung].name;
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
	s->rung = f->rungs[c.rung].name;
	if (c.why[0])
		fprintf(stderr, "migscope: tracing the xe driver with %s (%s)\n",
			s->rung, c.why);
	else
		fprintf(stderr, "migscope: tracing the xe driver with %s\n",
			s->rung);
	return 0;
}

static int add_link(struct mt_session *s, struct bpf_link *l)
{
	if (!l)
		return -errno;
	if (s->nlinks < MT_MAX_LINKS)
		s->links[s->nlinks++] = l;
	return 0;
}

static int attach_usdt(struct mt_session *s, pid_t pid, const char *path)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(usdt_probes); i++) {
		const struct usdt_probe *p = &usdt_probes[i];
		struct bpf_link *l;

		l = bpf_program__attach_usdt(usdt_prog(s->obj, p), pid, path,
					     "xe", p->name, NULL);
		err = add_link(s, l);
		if (err)
			return ms_err("cannot attach to USDT xe:%s in %s: %s",
				      p->name, path, strerror(-err));
	}
	return 0;
}

static int attach_kernel(struct mt_session *s)
{
	struct bpf_program *p;
	int err;

	bpf_object__for_each_program(p, s->obj->obj) {
		if (!bpf_program__autoload(p))
			continue;
		err = add_link(s, bpf_program__attach(p));
		if (err)
			return ms_err("cannot attach %s (%s): %s",
				      bpf_program__name(p),
				      bpf_program__section_name(p),
				      strerror(-err));
	}
	return 0;
}

static void set_filters(struct migtrace_bpf *obj, const struct trace_opts *o)
{
	obj->rodata->targ_vf = o->vf;
	obj->rodata->targ_gt = o->gt;
	obj->rodata->targ_type = o->type;
	obj->rodata->filter_tgid = o->command != NULL;
}

static int load(struct mt_session *s, const struct trace_opts *o)
{
	const char *family = s->target == MT_TARGET_MODEL ? "usdt" : s->rung;
	int err;

	s->obj = migtrace_bpf__open();
	if (!s->obj)
		return ms_err("cannot open the migtrace BPF object: %s",
			      strerror(errno));
	set_filters(s->obj, o);
	set_family(s->obj, family, o->command != NULL);
	if (o->ring_size &&
	    bpf_map__set_max_entries(s->obj->maps.events, o->ring_size))
		return ms_err("cannot size the event ring to %u bytes",
			      o->ring_size);
	ms_libbpf_capture_begin();
	err = migtrace_bpf__load(s->obj);
	if (err) {
		const char *why = ms_libbpf_capture_end();

		return ms_err("loading the migtrace %s programs failed: %s%s%s",
			      family, strerror(-err), *why ? ": " : "", why);
	}
	ms_libbpf_capture_end();
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

static int attach_model(struct mt_session *s, const struct trace_opts *o)
{
	char path[PATH_MAX];
	__u8 one = 1;
	__u32 key;

	if (o->binary)
		snprintf(path, sizeof(path), "%s", o->binary);
	else if (o->pid)
		snprintf(path, sizeof(path), "/proc/%d/exe", o->pid);
	else if (ms_resolve_command(o->command[0], path, sizeof(path)))
		return -1;
	if (check_binary(path))
		return -1;
	if (o->command) {
		if (add_link(s, bpf_program__attach(s->obj->progs.on_fork)))
			return ms_err("cannot follow forks (sched_process_fork): %s",
				      strerror(errno));
		if (launch(s, o->command))
			return -1;
		key = s->child;
		bpf_map__update_elem(s->obj->maps.tgids, &key, sizeof(key),
				     &one, sizeof(one), BPF_ANY);
	}
	fprintf(stderr, "migscope: tracing the model through USDT in %s (%s)\n",
		path, o->pid ? "one pid" : o->command ?
		"the launched command and its children" : "every process");
	if (attach_usdt(s, o->command ? -1 : o->pid ? o->pid : -1, path))
		return -1;
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
	if (pick_target(o, s) || load(s, o))
		return -1;
	if (ms_events_open(&s->ev, s->obj->maps.events, s->obj->maps.drops,
			   fn, ctx))
		return -1;
	s->ev_open = true;
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
	int i, rc = 0;

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
	for (i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	if (s->ev_open)
		ms_events_close(&s->ev);
	migtrace_bpf__destroy(s->obj);
	free(s);
	return rc;
}

/*
 * --attach-check: load every program of a kernel family in one object, as
 * a real run does, then attach them one by one so each verdict is its own.
 * If the object does not load, load each program alone to find the ones
 * the kernel rejects (slow under emulation, so only then).  One line per
 * program for the VM tier.
 */
static int load_alone(const char *family, const char *name, char *why,
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
		snprintf(why, len, "load (%s): %s: %s", family,
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

static int check_family(const char *family)
{
	struct migtrace_bpf *obj = migtrace_bpf__open();
	int nprog = 0, nfail = 0, nlinks = 0, err;
	struct bpf_link *links[MT_MAX_LINKS];
	struct bpf_program *p;
	char why[600];

	if (!obj)
		return ms_err("cannot open the migtrace BPF object");
	set_family(obj, family, false);
	ms_libbpf_capture_begin();
	err = migtrace_bpf__load(obj);
	snprintf(why, sizeof(why), "%s", ms_libbpf_capture_end());
	printf("together %s %s %s\n", family, err ? "FAIL" : "ok",
	       err ? why : "(loaded in one object)");
	bpf_object__for_each_program(p, obj->obj) {
		struct bpf_link *l;

		if (!bpf_program__autoload(p) || !prog_family(p))
			continue;
		nprog++;
		if (err) {
			if (load_alone(family, bpf_program__name(p), why,
				       sizeof(why))) {
				nfail++;
				verdict(p, why);
			} else {
				verdict(p, NULL);
			}
			continue;
		}
		l = bpf_program__attach(p);
		if (!l) {
			nfail++;
			snprintf(why, sizeof(why), "attach: %s",
				 strerror(errno));
			verdict(p, why);
			continue;
		}
		verdict(p, NULL);
		if (nlinks < MT_MAX_LINKS)
			links[nlinks++] = l;
		else
			bpf_link__destroy(l);
	}
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
	migtrace_bpf__destroy(obj);
	printf("family %s %d programs, %d failed\n", family, nprog, nfail);
	return nfail || err ? -1 : 0;
}

int mt_attach_check(const struct trace_opts *o)
{
	const char *families[] = { "fentry", "kprobe" };
	size_t i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		if (o->hook && strcmp(o->hook, families[i]))
			continue;
		if (check_family(families[i]))
			rc = 1;
	}
	return rc;
}
