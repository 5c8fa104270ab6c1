// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "doctor_usdt.h"
#include "ladder.h"
#include "xe_btf.h"
#include "probe.skel.h"

static const char *const hook_names[MS_HOOK_COUNT] = {
	[MS_HOOK_TP_BTF] = "tp_btf",
	[MS_HOOK_RAW_TP] = "raw_tp",
	[MS_HOOK_TRACEPOINT] = "tracepoint",
	[MS_HOOK_FENTRY] = "fentry",
	[MS_HOOK_FEXIT] = "fexit",
	[MS_HOOK_FMOD_RET] = "fmod_ret",
	[MS_HOOK_KPROBE] = "kprobe",
	[MS_HOOK_KRETPROBE] = "kretprobe",
	[MS_HOOK_KPROBE_MULTI] = "kprobe_multi",
	[MS_HOOK_UPROBE] = "uprobe",
	[MS_HOOK_USDT] = "usdt",
	[MS_HOOK_USDT_SEMAPHORE] = "usdt_semaphore",
	[MS_HOOK_OVERRIDE_RETURN] = "override_return",
	[MS_HOOK_PROBE_WRITE_USER] = "probe_write_user",
	[MS_HOOK_SEND_SIGNAL] = "send_signal",
	[MS_HOOK_RINGBUF] = "ringbuf",
	[MS_HOOK_MMAPABLE] = "mmapable_array",
	[MS_HOOK_TEST_RUN] = "prog_test_run",
};

static struct ms_hook_status status[MS_HOOK_COUNT];
bool ms_probe_fire_user_hooks;

const char *ms_hook_name(enum ms_hook hook)
{
	return hook < MS_HOOK_COUNT ? hook_names[hook] : "?";
}

void ms_ensure_kernel_fs(void)
{
	if (geteuid())
		return;
	if (access("/sys/kernel/tracing/events", F_OK) &&
	    !mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		ms_info("mounted tracefs on /sys/kernel/tracing");
	if (access("/sys/kernel/security/lockdown", F_OK) &&
	    !mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL))
		ms_info("mounted securityfs on /sys/kernel/security");
}

static struct bpf_program *prog_for(struct probe_bpf *obj, enum ms_hook hook)
{
	switch (hook) {
	case MS_HOOK_TP_BTF: return obj->progs.probe_tp_btf;
	case MS_HOOK_RAW_TP: return obj->progs.probe_raw_tp;
	case MS_HOOK_TRACEPOINT: return obj->progs.probe_tracepoint;
	case MS_HOOK_FENTRY: return obj->progs.probe_fentry;
	case MS_HOOK_FEXIT: return obj->progs.probe_fexit;
	case MS_HOOK_FMOD_RET: return obj->progs.probe_fmod_ret;
	case MS_HOOK_KPROBE: return obj->progs.probe_kprobe;
	case MS_HOOK_KRETPROBE: return obj->progs.probe_kretprobe;
	case MS_HOOK_KPROBE_MULTI: return obj->progs.probe_kprobe_multi;
	case MS_HOOK_UPROBE: return obj->progs.probe_uprobe;
	case MS_HOOK_USDT:
	case MS_HOOK_USDT_SEMAPHORE: return obj->progs.probe_usdt;
	case MS_HOOK_OVERRIDE_RETURN: return obj->progs.probe_override_return;
	case MS_HOOK_PROBE_WRITE_USER: return obj->progs.probe_write_user;
	case MS_HOOK_SEND_SIGNAL: return obj->progs.probe_send_signal;
	case MS_HOOK_RINGBUF: return obj->progs.probe_ringbuf;
	case MS_HOOK_MMAPABLE: return obj->progs.probe_mmapable;
	case MS_HOOK_TEST_RUN: return obj->progs.probe_test_run;
	default: return NULL;
	}
}

static bool is_trampoline(enum ms_hook hook)
{
	return hook == MS_HOOK_FENTRY || hook == MS_HOOK_FEXIT ||
	       hook == MS_HOOK_FMOD_RET || hook == MS_HOOK_TP_BTF;
}

/* Turn a failure into the real reason, never libbpf's memlock hint. */
static void explain(struct ms_hook_status *st, enum ms_hook hook,
		    const char *stage, int err, const char *log)
{
	const char *extra = "";

	if (err == -EPERM && is_trampoline(hook) &&
	    (!log || strncmp(log, "verifier:", 9))) {
		/* the libbpf line would only repeat the errno */
		extra = ": refused with an empty verifier log; this kernel does not allow BPF trampolines (fentry/fexit/fmod_ret) here";
		log = NULL;
	}
	else if ((hook == MS_HOOK_KPROBE || hook == MS_HOOK_KRETPROBE ||
		  hook == MS_HOOK_KPROBE_MULTI) &&
		 access("/sys/bus/event_source/devices/kprobe", F_OK))
		extra = ": this kernel has no kprobe PMU (CONFIG_KPROBES is off)";
	snprintf(st->reason, sizeof(st->reason), "%s failed: %s (%s)%s%s%s",
		 stage, strerror(-err), ms_errno_name(err), extra,
		 log && *log ? "; " : "", log ? log : "");
}

static int open_only(struct probe_bpf **objp, enum ms_hook hook)
{
	struct probe_bpf *obj = probe_bpf__open();
	struct bpf_program *p, *want;

	if (!obj)
		return -errno;
	want = prog_for(obj, hook);
	bpf_object__for_each_program(p, obj->obj)
		bpf_program__set_autoload(p, p == want);
	*objp = obj;
	return 0;
}

static int attach_self_uprobe(struct bpf_program *prog, struct bpf_link **l)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = "ms_doctor_uprobe_target");

	*l = bpf_program__attach_uprobe_opts(prog, getpid(), "/proc/self/exe",
					     0, &opts);
	return libbpf_get_error(*l);
}

static int attach_self_usdt(struct bpf_program *prog, struct bpf_link **l)
{
	*l = bpf_program__attach_usdt(prog, getpid(), "/proc/self/exe",
				      "migscope", "doctor", NULL);
	return libbpf_get_error(*l);
}

/* fire our own probes and check the programs saw them */
static int exercise_user_hook(struct probe_bpf *obj, enum ms_hook hook,
			      struct ms_hook_status *st)
{
	struct bpf_link *l = NULL;
	int err;

	if (hook == MS_HOOK_UPROBE)
		err = attach_self_uprobe(obj->progs.probe_uprobe, &l);
	else
		err = attach_self_usdt(obj->progs.probe_usdt, &l);
	if (err) {
		l = NULL;
		explain(st, hook, "attach", err, ms_libbpf_capture_end());
		return err;
	}
	if (hook == MS_HOOK_USDT_SEMAPHORE && !ms_doctor_semaphore_armed()) {
		snprintf(st->reason, sizeof(st->reason),
			 "attached, but the kernel did not raise the USDT semaphore");
		bpf_link__destroy(l);
		return -ENOTSUP;
	}
	if (hook == MS_HOOK_UPROBE)
		ms_doctor_uprobe_target(41);
	else
		ms_doctor_fire_usdt(4242);
	bpf_link__destroy(l);
	if (!obj->bss->hits) {
		snprintf(st->reason, sizeof(st->reason),
			 "attached, but the program did not run when the probe fired");
		return -ENOTSUP;
	}
	snprintf(st->reason, sizeof(st->reason),
		 "attached to migscope itself and fired (%llu hit%s)",
		 (unsigned long long)obj->bss->hits,
		 obj->bss->hits == 1 ? "" : "s");
	return 0;
}

/*
 * Detaching a uprobe costs ~110 ms, which features would pay at every
 * start: they settle for the loaded program and the kernel's uprobe PMU,
 * and their own attach reports any refusal.  Doctor fires the real thing.
 */
static int user_hook_pmu(struct ms_hook_status *st)
{
	if (access("/sys/bus/event_source/devices/uprobe/type", F_OK)) {
		snprintf(st->reason, sizeof(st->reason),
			 "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS is off)");
		return -ENOENT;
	}
	snprintf(st->reason, sizeof(st->reason),
		 "program loaded and the uprobe PMU is present (migscope doctor fires one)");
	return 0;
}

static int test_run(struct bpf_program *prog, __u64 a, __u64 b, __u32 *ret)
{
	__u64 args[2] = { a, b };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args,
		    .ctx_size_in = sizeof(args));
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	if (err)
		return -errno;
	*ret = opts.retval;
	return 0;
}

static int on_ringbuf_record(void *ctx, void *data, size_t size)
{
	if (size >= sizeof(__u64))
		*(__u64 *)ctx = *(__u64 *)data;
	return 0;
}

static int exercise_ringbuf(struct probe_bpf *obj, struct ms_hook_status *st)
{
	struct ring_buffer *rb;
	__u64 got = 0;
	__u32 ret;
	int err;

	rb = ring_buffer__new(bpf_map__fd(obj->maps.probe_rb),
			      on_ringbuf_record, &got, NULL);
	if (!rb)
		return -errno;
	err = test_run(obj->progs.probe_ringbuf, 0x5eed, 0, &ret);
	if (!err)
		ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (err)
		return err;
	if (got != 0x5eed) {
		snprintf(st->reason, sizeof(st->reason),
			 "a record submitted by BPF did not reach user space");
		return -EIO;
	}
	snprintf(st->reason, sizeof(st->reason),
		 "a record went from BPF to user space");
	return 0;
}

static int exercise_mmapable(struct probe_bpf *obj, struct ms_hook_status *st)
{
	__u64 *slot;
	__u32 ret;
	int err;

	slot = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED,
		    bpf_map__fd(obj->maps.probe_mmap), 0);
	if (slot == MAP_FAILED)
		return -errno;
	*slot = 0xabcdef;
	err = test_run(obj->progs.probe_mmapable, 0, 0, &ret);
	munmap(slot, getpagesize());
	if (err)
		return err;
	if (obj->bss->seen_value != 0xabcdef) {
		snprintf(st->reason, sizeof(st->reason),
			 "BPF did not see a value written through mmap");
		return -EIO;
	}
	snprintf(st->reason, sizeof(st->reason),
		 "BPF read a value user space wrote through mmap");
	return 0;
}

static int exercise_test_run(struct probe_bpf *obj, struct ms_hook_status *st)
{
	__u32 ret = 0;
	int err = test_run(obj->progs.probe_test_run, 20, 22, &ret);

	if (err)
		return err;
	if (ret != 42) {
		snprintf(st->reason, sizeof(st->reason),
			 "the program ran but returned %u instead of 42", ret);
		return -EIO;
	}
	snprintf(st->reason, sizeof(st->reason),
		 "raw_tp program ran with a synthetic context");
	return 0;
}

static const char *load_only_note(enum ms_hook hook)
{
	switch (hook) {
	case MS_HOOK_OVERRIDE_RETURN:
		return access("/sys/kernel/debug/error_injection/list", F_OK) &&
		       access("/sys/kernel/debug/fail_function", F_OK) ?
		       "helper accepted (attach needs an ALLOW_ERROR_INJECTION target; none listed here)" :
		       "helper accepted by the verifier";
	case MS_HOOK_PROBE_WRITE_USER:
	case MS_HOOK_SEND_SIGNAL:
		return "helper accepted by the verifier";
	default:
		return NULL;
	}
}

static int exercise(struct probe_bpf *obj, enum ms_hook hook,
		    struct ms_hook_status *st)
{
	struct bpf_link *l;
	const char *note = load_only_note(hook);
	int err;

	switch (hook) {
	case MS_HOOK_UPROBE:
	case MS_HOOK_USDT:
	case MS_HOOK_USDT_SEMAPHORE:
		if (ms_probe_fire_user_hooks)
			return exercise_user_hook(obj, hook, st);
		return user_hook_pmu(st);
	case MS_HOOK_RINGBUF:
		return exercise_ringbuf(obj, st);
	case MS_HOOK_MMAPABLE:
		return exercise_mmapable(obj, st);
	case MS_HOOK_TEST_RUN:
		return exercise_test_run(obj, st);
	default:
		break;
	}
	if (note) {
		snprintf(st->reason, sizeof(st->reason), "%s", note);
		return 0;
	}
	l = bpf_program__attach(prog_for(obj, hook));
	err = libbpf_get_error(l);
	if (err) {
		explain(st, hook, "attach", err, ms_libbpf_capture_end());
		return err;
	}
	bpf_link__destroy(l);
	snprintf(st->reason, sizeof(st->reason), "loaded and attached %s",
		 bpf_program__section_name(prog_for(obj, hook)));
	return 0;
}

static void probe_hook(enum ms_hook hook, struct ms_hook_status *st)
{
	struct probe_bpf *obj = NULL;
	int err;

	ms_libbpf_capture_begin();
	err = open_only(&obj, hook);
	if (err) {
		explain(st, hook, "open", err, ms_libbpf_capture_end());
		return;
	}
	err = probe_bpf__load(obj);
	if (err) {
		explain(st, hook, "load", err, ms_libbpf_capture_end());
	} else {
		st->ok = !exercise(obj, hook, st);
		ms_libbpf_capture_end();
	}
	probe_bpf__destroy(obj);
}

const struct ms_hook_status *ms_hook_probe(enum ms_hook hook)
{
	struct ms_hook_status *st = &status[hook];

	if (!st->probed) {
		ms_ensure_kernel_fs();
		probe_hook(hook, st);
		st->probed = true;
		ms_info("probe %s: %s: %s", ms_hook_name(hook),
			st->ok ? "works" : "refused", st->reason);
	}
	return st;
}

struct btf *ms_vmlinux_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf__load_vmlinux_btf();
		if (libbpf_get_error(btf))
			btf = NULL;
	}
	return btf;
}

/* found by looking func up, whatever the module holding it is called */
static bool any_module_has_func(const char *func, char *why, size_t len)
{
	struct xe_kmod m;

	if (xe_kmod_find_holder(&m, func, why, len))
		return false;
	xe_kmod_close(&m);
	return true;
}

bool ms_btf_has_func(const char *module, const char *func, char *why,
		     size_t len)
{
	char path[128];
	struct btf *base = ms_vmlinux_btf(), *btf = base;
	bool found;

	if (!base) {
		snprintf(why, len, "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
		return false;
	}
	if (module && !strcmp(module, MS_ANY_MODULE))
		return any_module_has_func(func, why, len);
	if (module) {
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
		if (!access(path, F_OK))
			btf = btf__parse_split(path, base);
		else if (access("/sys/module/kvm", F_OK) || strcmp(module, "kvm"))
			btf = NULL;	/* a built-in module lives in vmlinux */
		if (libbpf_get_error(btf) || !btf) {
			snprintf(why, len, "module %s is not loaded or has no BTF (%s)",
				 module, path);
			return false;
		}
	}
	found = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0;
	if (!found)
		snprintf(why, len, "%s is not in the %s BTF (inlined or absent)",
			 func, module ? module : "vmlinux");
	if (btf != base)
		btf__free(btf);
	return found;
}

static bool rung_works(const struct ms_rung *r, char *why, size_t len)
{
	const struct ms_hook_status *st;

	if (r->needs_file && access(r->needs_file, F_OK)) {
		snprintf(why, len, "%s is missing", r->needs_file);
		return false;
	}
	st = ms_hook_probe(r->hook);
	if (!st->ok) {
		snprintf(why, len, "the %s hook is refused here", ms_hook_name(r->hook));
		return false;
	}
	st = ms_hook_probe(r->hook2);
	if (!st->ok) {
		snprintf(why, len, "the %s hook is refused here", ms_hook_name(r->hook2));
		return false;
	}
	if (r->func && !ms_btf_has_func(r->module, r->func, why, len))
		return false;
	if (r->vmlinux_func && !ms_btf_has_func(NULL, r->vmlinux_func, why, len))
		return false;
	return true;
}

int ms_ladder_pick(const struct ms_feature *f, const char *force,
		   struct ms_ladder_choice *choice)
{
	size_t used = 0;
	char why[600];
	int i;

	choice->rung = -1;
	choice->why[0] = '\0';
	for (i = 0; i < f->nr_rungs; i++) {
		const struct ms_rung *r = &f->rungs[i];

		if (force && strcmp(force, r->name))
			continue;
		if (rung_works(r, why, sizeof(why))) {
			choice->rung = i;
			return i;
		}
		used += snprintf(choice->why + used, sizeof(choice->why) - used,
				 "%s%s: %s", used ? "; " : "", r->name, why);
		if (used >= sizeof(choice->why))
			used = sizeof(choice->why) - 1;
	}
	if (force && !used)
		snprintf(choice->why, sizeof(choice->why),
			 "'%s' is not a rung of %s", force, f->name);
	return -1;
}
