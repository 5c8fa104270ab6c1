// SPDX-License-Identifier: GPL-2.0
/*
 * migscope lapic: the KVM periodic LAPIC timer on the running kernel, per
 * VM and vCPU: expiry rate, period, lag at expiry, late expiries, clamps
 * (the upstream catch-up fix at work), catch-up replays (pre-fix behaviour)
 * and hv/sw timer switches.  BPF aggregates per timer; user space diffs the
 * cumulative counters every interval.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "events.h"
#include "hist.h"
#include "json.h"
#include "ladders.h"
#include "lapic_abi.h"
#include "perfetto_events.h"
#include "render.h"
#include "subcommands.h"
#include "lapic.skel.h"

#define POLL_MS		100

struct lapic_opts {
	pid_t pid;
	double interval_s;
	uint64_t count;		/* intervals, 0: unlimited */
	double duration_s;	/* 0: unlimited */
	bool json;
	const char *perfetto;
	uint64_t alert_lag;
	uint64_t alert_burst;
	const char *rung;
	bool probe_read;	/* force the helper-based reads (cost comparison) */
};

/* one timer: the last cumulative snapshot and the one before the interval */
struct timer_row {
	uint64_t key;
	struct lapic_vcpu cur;
	struct lapic_vcpu prev;		/* at the start of the interval */
	uint64_t hv_switches;
	uint64_t perfetto_ts;		/* last lag point written */
	int vm;				/* index of its VM within the VMM */
	bool named;
};

struct lapic_run {
	struct lapic_opts o;
	struct lapic_bpf *obj;
	const struct lapic_vcpu *table;	/* the BPF array, mmapped */
	const struct ms_rung *rung;
	struct timer_row *rows;
	size_t nr_rows, cap_rows;
	struct ms_events ev;
	struct ms_pf *pf;
	struct json j;
	uint64_t t0, last_tick;
	uint64_t intervals;
	uint64_t clamp_ev, replay_ev, alert_ev, hv_ev;
};

static const char lapic_usage[] =
"Usage: migscope lapic [-p VMM_PID] [--interval S] [--count N] [--duration S]\n"
"                      [--json] [--perfetto FILE] [--alert-lag NS]\n"
"                      [--alert-burst N] [--rung fentry|kprobe|tp_btf|tracepoint]\n"
"                      [-v] [interval [count]]\n"
"\n"
"Watch the KVM LAPIC timers of the running kernel, per VM and vCPU: expiries\n"
"per second, period, mode, lag at expiry (now - target) as a log2 histogram,\n"
"late expiries (lag >= 1 period), clamps (the target forced to now: the\n"
"catch-up fix at work), catch-up replays (the callback re-run in the same\n"
"interrupt pass: pre-fix behaviour) with burst lengths, the replays a pre-fix\n"
"kernel would have run (floor(lag/period)), and hv/sw timer switches.\n"
"\n"
"  -p, --pid PID        only the VMs of this VMM process\n"
"  -i, --interval S     seconds between tables (default 1)\n"
"  -c, --count N        stop after N intervals\n"
"  -d, --duration S     stop after S seconds\n"
"  -j, --json           JSON lines: interval records, events, a final summary\n"
"  -P, --perfetto FILE  Chrome JSON trace: lag counter per vCPU, instants for\n"
"                       clamps, replays and alerts\n"
"      --alert-lag NS   alert when an expiry is at least NS late\n"
"      --alert-burst N  alert when a replay burst reaches N callbacks\n"
"      --rung NAME      force a rung of the attach ladder\n"
"  -v, --verbose        libbpf messages, BPF cost per expiry at exit\n"
"  -h, --help           this text\n"
"\n"
"Examples:\n"
"  migscope lapic                      # every VM, a table per second\n"
"  migscope lapic -p $(pidof qemu-system-x86_64) 5 3\n"
"  migscope lapic --duration 10 --json --perfetto lapic.json\n";

/* --- preconditions ------------------------------------------------------- */

static int kallsyms_addr(const char *name, uint64_t *addr)
{
	char line[512], sym[256], type;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3)
			continue;
		if (!strcmp(sym, name) && !strchr(line, '[')) {
			*addr = a;
			found = 1;
			break;
		}
		/* built as a module: "addr t name [kvm]" */
		if (!strcmp(sym, name)) {
			*addr = a;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

/* a VMM holds a VM fd: anon_inode:kvm-vm */
static int check_vmm(pid_t pid)
{
	char path[64], target[128], link[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	ssize_t n;
	int vms = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return ms_err("cannot list the fds of pid %d: %s", pid,
			      strerror(errno));
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:kvm-vm"))
			vms++;
	}
	closedir(dir);
	if (!vms)
		return ms_err("pid %d is not a VMM: it holds no KVM VM (no anon_inode:kvm-vm fd)",
			      pid);
	return 0;
}

static int check_kvm(uint64_t *timer_fn)
{
	int err;

	if (access("/dev/kvm", F_OK))
		return ms_err("/dev/kvm is missing: KVM is not available on this machine (load kvm_intel or kvm_amd)");
	err = kallsyms_addr("apic_timer_fn", timer_fn);
	if (err == -ENOENT)
		return ms_err("apic_timer_fn is not in /proc/kallsyms: this kernel has no KVM LAPIC timer code loaded");
	if (err)
		return ms_err("cannot read /proc/kallsyms: %s", strerror(-err));
	if (!*timer_fn)
		return ms_err("/proc/kallsyms hides addresses (kptr_restrict): run as root");
	return 0;
}

/* --- KVM's layout, from BTF ---------------------------------------------- */

/* byte offset of a top-level member, or -1 */
static int member_off(const struct btf *btf, const char *type, const char *name)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

/*
 * KVM's layouts from KVM's own BTF: vmlinux when built in, else kvm.ko's
 * (the vendor modules carry copies that make CO-RE ambiguous).
 */
static int kvm_offsets(struct lapic_bpf *obj, struct btf *vmlinux)
{
	static const struct {
		const char *type, *member;
		size_t rodata;
	} want[] = {
#define OFF(t, m, f) { #t, #m, offsetof(struct lapic_bpf__rodata, f) }
		OFF(kvm_timer, timer, off_kt_timer),
		OFF(kvm_timer, period, off_kt_period),
		OFF(kvm_timer, target_expiration, off_kt_target),
		OFF(kvm_timer, timer_mode, off_kt_mode),
		OFF(kvm_timer, hv_timer_in_use, off_kt_hv),
		OFF(kvm_lapic, lapic_timer, off_apic_timer),
		OFF(kvm_lapic, vcpu, off_apic_vcpu),
		OFF(kvm_vcpu, vcpu_id, off_vcpu_id),
		OFF(kvm_vcpu, kvm, off_vcpu_kvm),
		OFF(kvm, userspace_pid, off_kvm_pid),
#undef OFF
	};
	struct btf *btf = vmlinux, *mod = NULL;
	size_t i;
	int off;

	if (btf__find_by_name_kind(vmlinux, "kvm_timer", BTF_KIND_STRUCT) <= 0) {
		mod = btf__parse_split("/sys/kernel/btf/kvm", vmlinux);
		if (libbpf_get_error(mod))
			return ms_err("struct kvm_timer is in neither vmlinux nor kvm module BTF (/sys/kernel/btf/kvm)");
		btf = mod;
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		off = member_off(btf, want[i].type, want[i].member);
		if (off < 0) {
			btf__free(mod);
			return ms_err("this kernel's struct %s has no %s: unsupported KVM layout",
				      want[i].type, want[i].member);
		}
		*(__u32 *)((char *)obj->rodata + want[i].rodata) = off;
	}
	btf__free(mod);
	return 0;
}

/* --- opening the rung ladder picked ----------------------------------- */

static int pick_rung(struct lapic_run *r)
{
	struct ms_ladder_choice c;

	ms_ladder_pick(&ms_feature_lapic, r->o.rung, &c);
	if (c.rung < 0) {
		if (r->o.rung)
			return ms_err("lapic: rung %s cannot be used: %s",
				      r->o.rung, c.why);
		return ms_err("lapic: no rung of the attach ladder works here: %s",
			      c.why);
	}
	r->rung = &ms_feature_lapic.rungs[c.rung];
	fprintf(stderr, "migscope lapic: rung %s%s%s%s\n", r->rung->name,
		c.why[0] ? " (" : "", c.why, c.why[0] ? ")" : "");
	return 0;
}

static int open_bpf(struct lapic_run *r, uint64_t timer_fn)
{
	struct btf *btf = ms_vmlinux_btf();
	unsigned int facts = ms_kernel_facts();
	const char *why;
	int err;

	if (!btf)
		return ms_err("the kernel has no BTF (/sys/kernel/btf/vmlinux): migscope lapic needs it");
	/* --probe-read: the helper-based reads, to compare their cost */
	if (r->o.probe_read)
		facts &= ~MS_FACT_KVM_RDONLY_CAST;
	r->obj = lapic_bpf__open();
	if (!r->obj)
		return ms_err("cannot open the lapic BPF object: %s",
			      strerror(errno));
	if (kvm_offsets(r->obj, btf) ||
	    ms_rung_select(r->rung, r->obj->obj, facts) < 0)
		return -1;
	ms_info("hrtimer_expire_entry passes now %s; kvm_timer reads %s",
		facts & MS_FACT_HRTIMER_NOW_PTR ? "by pointer" : "by value",
		facts & MS_FACT_KVM_RDONLY_CAST ? "direct (bpf_rdonly_cast)" :
		"by bpf_probe_read_kernel");
	r->obj->rodata->apic_timer_fn_addr = timer_fn;
	r->obj->rodata->targ_pid = r->o.pid;
	r->obj->rodata->alert_lag_ns = r->o.alert_lag;
	r->obj->rodata->alert_burst = r->o.alert_burst;
	ms_libbpf_capture_begin();
	err = lapic_bpf__load(r->obj);
	if (!err)
		err = lapic_bpf__attach(r->obj);
	why = ms_libbpf_capture_end();
	if (err)
		return ms_err("lapic: cannot load or attach the %s programs: %s%s%s",
			      r->rung->name, strerror(-err), *why ? ": " : "",
			      why);
	return 0;
}

/* --- rows ---------------------------------------------------------------- */

static struct timer_row *row_for(struct lapic_run *r, uint64_t key)
{
	struct timer_row *n;
	size_t i;

	for (i = 0; i < r->nr_rows; i++)
		if (r->rows[i].key == key)
			return &r->rows[i];
	if (r->nr_rows == r->cap_rows) {
		size_t cap = r->cap_rows ? r->cap_rows * 2 : 64;

		n = realloc(r->rows, cap * sizeof(*n));
		if (!n)
			return NULL;
		r->rows = n;
		r->cap_rows = cap;
	}
	n = &r->rows[r->nr_rows++];
	memset(n, 0, sizeof(*n));
	n->key = key;
	return n;
}

static int row_cmp(const void *a, const void *b)
{
	const struct lapic_vcpu *x = &((const struct timer_row *)a)->cur;
	const struct lapic_vcpu *y = &((const struct timer_row *)b)->cur;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->kvm != y->kvm)
		return x->kvm < y->kvm ? -1 : 1;
	return x->vcpu < y->vcpu ? -1 : x->vcpu > y->vcpu;
}

/* VMs numbered per VMM in address order: stable for the whole run */
static void number_vms(struct lapic_run *r)
{
	size_t i;
	int vm = 0;

	qsort(r->rows, r->nr_rows, sizeof(*r->rows), row_cmp);
	for (i = 0; i < r->nr_rows; i++) {
		struct lapic_vcpu *c = &r->rows[i].cur;

		if (i && r->rows[i - 1].cur.pid == c->pid)
			vm += r->rows[i - 1].cur.kvm != c->kvm;
		else
			vm = 0;
		r->rows[i].vm = vm;
	}
}

static uint64_t hv_switches(struct lapic_run *r, uint32_t pid, uint32_t vcpu)
{
	struct lapic_hv_key k = { .pid = pid, .vcpu = vcpu };
	struct lapic_hv h;

	if (bpf_map__lookup_elem(r->obj->maps.hvstate, &k, sizeof(k), &h,
				 sizeof(h), 0))
		return 0;
	return h.to_hv + h.to_sw;
}

static void read_timers(struct lapic_run *r)
{
	const struct lapic_vcpu *v;
	struct timer_row *row;
	uint32_t i;

	for (i = 0; i < LAPIC_MAX_TIMERS; i++) {
		v = &r->table[i];
		if (!v->timer || v->ignored || !v->expiries)
			continue;
		row = row_for(r, v->timer);
		if (!row)
			break;
		/* BPF keeps writing: a torn read only skews this one sample */
		row->cur = *v;
		row->hv_switches = hv_switches(r, v->pid, v->vcpu);
	}
	number_vms(r);
}

static int map_table(struct lapic_run *r)
{
	size_t len = LAPIC_MAX_TIMERS * sizeof(struct lapic_vcpu);
	void *m;

	m = mmap(NULL, len, PROT_READ, MAP_SHARED,
		 bpf_map__fd(r->obj->maps.timers), 0);
	if (m == MAP_FAILED)
		return ms_err("cannot map the lapic timer table: %s",
			      strerror(errno));
	r->table = m;
	return 0;
}

/* interval values: cumulative now minus cumulative at the interval start */
static void row_delta(const struct timer_row *row, struct lapic_vcpu *d,
		      struct log2_hist *h)
{
	const struct lapic_vcpu *c = &row->cur, *p = &row->prev;
	int i;

	*d = *c;
	d->expiries -= p->expiries;
	d->late -= p->late;
	d->clamped -= p->clamped;
	d->replays -= p->replays;
	d->bursts -= p->bursts;
	d->prefix_replays -= p->prefix_replays;
	d->alerts -= p->alerts;
	d->lag_sum -= p->lag_sum;
	memset(h, 0, sizeof(*h));
	for (i = 0; i < MS_LOG2_SLOTS; i++) {
		h->slots[i] = c->lag_hist[i] - p->lag_hist[i];
		h->count += h->slots[i];
	}
	h->sum = d->lag_sum;
	/* the BPF side keeps the maximum since start: exact for the summary */
	h->max = c->lag_max;
}

static void row_total(const struct timer_row *row, struct log2_hist *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < MS_LOG2_SLOTS; i++) {
		h->slots[i] = row->cur.lag_hist[i];
		h->count += h->slots[i];
	}
	h->sum = row->cur.lag_sum;
	h->max = row->cur.lag_max;
}

static const char *mode_name(uint32_t mode)
{
	switch (mode) {
	case LAPIC_MODE_ONESHOT: return "oneshot";
	case LAPIC_MODE_PERIODIC: return "periodic";
	case LAPIC_MODE_TSCDEADLINE: return "tscdeadline";
	default: return "?";
	}
}

/* --- output -------------------------------------------------------------- */

static void vcpu_json(struct json *j, const struct timer_row *row,
		      const struct lapic_vcpu *d, const struct log2_hist *h,
		      double secs)
{
	json_obj_begin(j);
	json_ku64(j, "pid", d->pid);
	json_ku64(j, "vm", row->vm);
	json_ku64(j, "vcpu", d->vcpu);
	json_kstr(j, "mode", mode_name(d->mode));
	json_ki64(j, "period_ns", d->period_ns);
	json_ku64(j, "expiries", d->expiries);
	if (secs > 0)
		json_kf64(j, "per_s", d->expiries / secs);
	json_ku64(j, "late", d->late);
	json_ku64(j, "clamped", d->clamped);
	json_ku64(j, "replays", d->replays);
	json_ku64(j, "bursts", d->bursts);
	json_ku64(j, "burst_max", d->burst_max);
	json_ku64(j, "prefix_replays", d->prefix_replays);
	json_ku64(j, "hv_switches", row->hv_switches);
	json_kbool(j, "hv_timer", d->hv);
	json_ku64(j, "alerts", d->alerts);
	json_key(j, "lag_ns");
	json_obj_begin(j);
	json_ku64(j, "p50", log2_hist_percentile(h, 50));
	json_ku64(j, "p99", log2_hist_percentile(h, 99));
	json_ku64(j, "max", h->max);
	json_ku64(j, "mean", h->count ? h->sum / h->count : 0);
	json_obj_end(j);
	json_key(j, "lag_hist");
	log2_hist_json(j, h, "ns");
	json_obj_end(j);
}

static void print_header(void)
{
	printf("%-8s %-3s %-4s %-8s %10s %9s %6s %6s %7s %6s %8s %5s %9s %9s %9s %6s\n",
	       "PID", "VM", "VCPU", "MODE", "PERIOD_US", "EXP/S", "LATE",
	       "CLAMP", "REPLAY", "BURST", "PREFIX", "HVSW", "LAG_P50us",
	       "LAG_P99us", "LAG_MAXus", "ALERT");
}

static void print_row(const struct timer_row *row, const struct lapic_vcpu *d,
		      const struct log2_hist *h, double secs)
{
	printf("%-8u %-3d %-4u %-8s %10.1f %9.1f %6llu %6llu %7llu %6llu %8llu %5llu %9.1f %9.1f %9.1f %6llu\n",
	       d->pid, row->vm, d->vcpu, mode_name(d->mode),
	       d->period_ns / 1000.0, secs > 0 ? d->expiries / secs : 0.0,
	       (unsigned long long)d->late, (unsigned long long)d->clamped,
	       (unsigned long long)d->replays,
	       (unsigned long long)d->burst_max,
	       (unsigned long long)d->prefix_replays,
	       (unsigned long long)row->hv_switches,
	       log2_hist_percentile(h, 50) / 1000.0,
	       log2_hist_percentile(h, 99) / 1000.0, h->max / 1000.0,
	       (unsigned long long)d->alerts);
}

static uint64_t drops(struct lapic_run *r)
{
	return ms_events_drops(&r->ev);
}

static void report_interval(struct lapic_run *r, uint64_t now)
{
	double secs = (now - r->last_tick) / 1e9;
	struct lapic_vcpu d;
	struct log2_hist h;
	uint64_t total = 0;
	time_t t = time(NULL);
	char ts[16];
	size_t i;

	read_timers(r);
	for (i = 0; i < r->nr_rows; i++)
		total += r->rows[i].cur.expiries - r->rows[i].prev.expiries;
	if (r->o.json) {
		json_obj_begin(&r->j);
		json_kstr(&r->j, "type", "interval");
		json_kf64(&r->j, "t_s", (now - r->t0) / 1e9);
		json_kf64(&r->j, "interval_s", secs);
		json_ku64(&r->j, "expiries", total);
		json_ku64(&r->j, "drops", drops(r));
		json_key(&r->j, "vcpus");
		json_arr_begin(&r->j);
	} else {
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf("\n%s  rung %s  %llu VM timers  %.0f expiries/s  events dropped %llu\n",
		       ts, r->rung->name, (unsigned long long)r->nr_rows,
		       secs > 0 ? total / secs : 0.0,
		       (unsigned long long)drops(r));
		print_header();
	}
	for (i = 0; i < r->nr_rows; i++) {
		struct timer_row *row = &r->rows[i];

		row_delta(row, &d, &h);
		if (r->o.json)
			vcpu_json(&r->j, row, &d, &h, secs);
		else
			print_row(row, &d, &h, secs);
		row->prev = row->cur;
	}
	if (r->o.json) {
		json_arr_end(&r->j);
		json_obj_end(&r->j);
		json_newline(&r->j);
	}
	fflush(stdout);
	r->last_tick = now;
	r->intervals++;
}

static void report_summary(struct lapic_run *r, uint64_t now)
{
	double secs = (now - r->t0) / 1e9;
	struct log2_hist h, all = {};
	uint64_t total = 0;
	size_t i;

	read_timers(r);
	for (i = 0; i < r->nr_rows; i++)
		total += r->rows[i].cur.expiries;
	if (!r->o.json) {
		printf("\nSummary: %.1f s, rung %s, %llu expiries, %llu clamps, %llu replay bursts, %llu alerts, %llu hv/sw switches, %llu events dropped\n",
		       secs, r->rung->name, (unsigned long long)total,
		       (unsigned long long)r->clamp_ev,
		       (unsigned long long)r->replay_ev,
		       (unsigned long long)r->alert_ev,
		       (unsigned long long)r->hv_ev,
		       (unsigned long long)drops(r));
		print_header();
		for (i = 0; i < r->nr_rows; i++) {
			row_total(&r->rows[i], &h);
			print_row(&r->rows[i], &r->rows[i].cur, &h, secs);
			log2_hist_merge(&all, &h);
		}
		log2_hist_print(stdout, &all, "lag at expiry, all vCPUs", "ns");
		fflush(stdout);
		return;
	}
	json_obj_begin(&r->j);
	json_kstr(&r->j, "type", "summary");
	json_kstr(&r->j, "rung", r->rung->name);
	json_kf64(&r->j, "duration_s", secs);
	json_ku64(&r->j, "expiries", total);
	json_ku64(&r->j, "drops", drops(r));
	json_key(&r->j, "vcpus");
	json_arr_begin(&r->j);
	for (i = 0; i < r->nr_rows; i++) {
		row_total(&r->rows[i], &h);
		vcpu_json(&r->j, &r->rows[i], &r->rows[i].cur, &h, secs);
	}
	json_arr_end(&r->j);
	json_obj_end(&r->j);
	json_newline(&r->j);
	fflush(stdout);
}

/* --- events and the Perfetto trace -------------------------------------- */

static int on_event(void *ctx, const struct ms_event *e)
{
	struct lapic_run *r = ctx;

	if (e->type != MS_EV_LAPIC)
		return 0;
	switch (e->op) {
	case MS_LAPIC_CLAMP: r->clamp_ev++; break;
	case MS_LAPIC_REPLAY: r->replay_ev++; break;
	case MS_LAPIC_ALERT: r->alert_ev++; break;
	case MS_LAPIC_HV_SWITCH: r->hv_ev++; break;
	}
	if (r->o.json)
		ms_event_json(&r->j, e);
	else if (e->op == MS_LAPIC_ALERT || e->op == MS_LAPIC_REPLAY)
		ms_event_text(stdout, e, r->t0);
	if (r->pf)
		ms_pf_event(r->pf, e);
	return 0;
}

/* the lag of each vCPU's latest expiry, sampled every poll */
static void perfetto_sample(struct lapic_run *r)
{
	char name[64];
	size_t i;

	read_timers(r);
	for (i = 0; i < r->nr_rows; i++) {
		struct timer_row *row = &r->rows[i];

		if (row->cur.last_ts == row->perfetto_ts)
			continue;
		if (!row->named) {
			char pname[64];

			snprintf(pname, sizeof(pname), "VMM %u", row->cur.pid);
			perfetto_process_name(ms_pf_writer(r->pf),
					      row->cur.pid, pname);
			ms_pf_name_vcpu(r->pf, row->cur.pid, row->cur.vcpu);
			row->named = true;
		}
		snprintf(name, sizeof(name), "vm%d vcpu%u lag", row->vm,
			 row->cur.vcpu);
		perfetto_counter(ms_pf_writer(r->pf), name, row->cur.pid,
				 row->cur.last_ts,
				 "lag_us", row->cur.last_lag / 1000.0);
		row->perfetto_ts = row->cur.last_ts;
	}
}

/* --- cost ---------------------------------------------------------------- */

/* with kernel.bpf_stats_enabled=1: BPF run time per expiry */
static void report_cost(struct lapic_run *r)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct bpf_program *p;
	uint64_t ns = 0, expiries = 0;
	size_t i;

	for (i = 0; i < r->nr_rows; i++)
		expiries += r->rows[i].cur.expiries;
	bpf_object__for_each_program(p, r->obj->obj) {
		if (bpf_program__fd(p) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			continue;
		if (!info.run_cnt)
			continue;
		ms_info("bpf cost: %-20s %10llu runs %8.1f ns/run",
			bpf_program__name(p), (unsigned long long)info.run_cnt,
			(double)info.run_time_ns / info.run_cnt);
		ns += info.run_time_ns;
	}
	if (ns && expiries)
		ms_info("bpf cost: %.1f ns per LAPIC expiry (%llu expiries)",
			(double)ns / expiries, (unsigned long long)expiries);
	else
		ms_info("bpf cost: enable kernel.bpf_stats_enabled=1 to measure it");
}

/* --- main loop ----------------------------------------------------------- */

static int run(struct lapic_run *r)
{
	uint64_t now, end, step;

	step = (uint64_t)(r->o.interval_s * 1e9);
	end = r->o.duration_s > 0 ? r->t0 + (uint64_t)(r->o.duration_s * 1e9) : 0;
	while (!ms_exiting) {
		ms_events_poll(&r->ev, POLL_MS);
		now = ms_now_ns();
		if (r->pf)
			perfetto_sample(r);
		if (end && now >= end)
			break;
		if (now - r->last_tick >= step) {
			report_interval(r, now);
			if (r->o.count && r->intervals >= r->o.count)
				break;
		}
	}
	/* the hooks keep firing; stop counting before the last read */
	r->obj->bss->enabled = false;
	ms_events_drain(&r->ev);
	now = ms_now_ns();
	if (r->pf)
		perfetto_sample(r);
	if (now - r->last_tick >= step / 2 && !(r->o.count && r->intervals >= r->o.count))
		report_interval(r, now);
	report_summary(r, now);
	report_cost(r);
	return 0;
}

static int parse_secs(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	/* written so that NaN fails too */
	if (errno || *end || !(v > 0 && v <= 1e6))
		return -EINVAL;
	*out = v;
	return 0;
}

enum { OPT_ALERT_LAG = 256, OPT_ALERT_BURST, OPT_RUNG, OPT_PROBE_READ };

static int parse_args(int argc, char **argv, struct lapic_opts *o)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "perfetto", required_argument, NULL, 'P' },
		{ "alert-lag", required_argument, NULL, OPT_ALERT_LAG },
		{ "alert-burst", required_argument, NULL, OPT_ALERT_BURST },
		{ "rung", required_argument, NULL, OPT_RUNG },
		{ "probe-read", no_argument, NULL, OPT_PROBE_READ },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int opt, i;

	o->interval_s = 1;
	while ((opt = getopt_long(argc, argv, ":p:i:c:d:jP:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (ms_parse_pid(optarg, &o->pid))
				return 2;
			break;
		case 'i':
			if (parse_secs(optarg, &o->interval_s))
				return ms_usage_err("lapic", "invalid interval '%s'", optarg);
			break;
		case 'c':
			if (ms_parse_u64(optarg, &o->count) || !o->count)
				return ms_usage_err("lapic", "invalid count '%s'", optarg);
			break;
		case 'd':
			if (parse_secs(optarg, &o->duration_s))
				return ms_usage_err("lapic", "invalid duration '%s'", optarg);
			break;
		case 'j': o->json = true; break;
		case 'P': o->perfetto = optarg; break;
		case OPT_ALERT_LAG:
			if (ms_parse_u64(optarg, &o->alert_lag) || !o->alert_lag)
				return ms_usage_err("lapic", "invalid --alert-lag '%s' (nanoseconds)", optarg);
			break;
		case OPT_ALERT_BURST:
			if (ms_parse_u64(optarg, &o->alert_burst) || !o->alert_burst ||
			    o->alert_burst > UINT32_MAX)
				return ms_usage_err("lapic", "invalid --alert-burst '%s'", optarg);
			break;
		case OPT_RUNG:
			for (i = 0; i < ms_feature_lapic.nr_rungs; i++)
				if (!strcmp(optarg, ms_feature_lapic.rungs[i].name))
					break;
			if (i == ms_feature_lapic.nr_rungs)
				return ms_usage_err("lapic", "unknown rung '%s' (fentry, kprobe, tp_btf or tracepoint)", optarg);
			o->rung = optarg;
			break;
		case OPT_PROBE_READ: o->probe_read = true; break;
		case 'v': ms_verbose++; break;
		case 'h': fputs(lapic_usage, stdout); return -1;
		default: return ms_getopt_err("lapic", opt, argv);
		}
	}
	/* libbpf-tools style positionals: [interval] [count] */
	if (optind < argc && parse_secs(argv[optind++], &o->interval_s))
		return ms_usage_err("lapic", "invalid interval '%s'", argv[optind - 1]);
	if (optind < argc && (ms_parse_u64(argv[optind++], &o->count) || !o->count))
		return ms_usage_err("lapic", "invalid count '%s'", argv[optind - 1]);
	if (optind < argc)
		return ms_usage_err("lapic", "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int cmd_lapic(int argc, char **argv)
{
	struct lapic_run r = {};
	uint64_t timer_fn = 0;
	int err;

	err = parse_args(argc, argv, &r.o);
	if (err)
		return err < 0 ? 0 : err;
	if (check_kvm(&timer_fn))
		return 1;
	if (r.o.pid && check_vmm(r.o.pid))
		return 1;
	if (ms_require_bpf_privileges("lapic"))
		return 1;
	ms_setup_signals();
	if (pick_rung(&r) || open_bpf(&r, timer_fn)) {
		lapic_bpf__destroy(r.obj);
		return 1;
	}
	err = map_table(&r);
	if (!err)
		err = ms_events_open(&r.ev, r.obj->maps.events,
				     r.obj->maps.drops, on_event, &r);
	r.t0 = r.last_tick = ms_now_ns();
	if (!err && r.o.perfetto)
		err = (r.pf = ms_pf_open(r.o.perfetto, r.t0)) ? 0 : -1;
	if (!err) {
		json_init(&r.j, stdout);
		r.obj->bss->enabled = true;
		err = run(&r);
	}
	if (r.pf && ms_pf_close(r.pf, ms_now_ns()))
		err = ms_err("writing the Perfetto trace %s failed", r.o.perfetto);
	if (r.ev.rb)
		ms_events_close(&r.ev);
	if (r.table)
		munmap((void *)r.table, LAPIC_MAX_TIMERS * sizeof(*r.table));
	lapic_bpf__destroy(r.obj);
	free(r.rows);
	return err ? 1 : 0;
}

MS_SUBCOMMAND(lapic, cmd_lapic,
	      "KVM LAPIC periodic timer: lag, late expiries, clamps, catch-up replays", 30);
