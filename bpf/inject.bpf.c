// SPDX-License-Identifier: GPL-2.0
/*
 * inject: fault injection into the VF migration data path.
 *
 * One decision function (filters, then nth / interval / seeded
 * probability, then the times cap) and thin entry points per mechanism:
 *
 *  - model: USDT xe:fault_site of the reference model; the verdict (a
 *    negative errno) goes into the model's BPF_F_MMAPABLE slot array,
 *    which the model reads and clears right after the probe;
 *  - signal: same probe, but bpf_send_signal_thread() at the site;
 *  - kernel: fmod_ret on security_file_permission, scoped to the migration
 *    data file, so read()/write() fail at the VFIO boundary.
 *
 * Scope is a set of tgids: the launched command (or -p PID) and every
 * process it forks, so a bystander running the same binary is never
 * touched.  Nothing is pinned: when migscope exits, even by SIGKILL, the
 * links go with its file descriptors and nothing writes verdicts any more.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/usdt.bpf.h>
#include "events.bpf.h"
#include "inject_abi.h"

char LICENSE[] SEC("license") = "GPL";

#define MAY_WRITE	0x2
#define MAY_READ	0x4

struct inject_cfg cfg;
struct inject_stats stats;

/* the model's verdict slots; the name is the protocol's MS_FAULT_MAP_NAME */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, MS_FAULT_SLOTS);
	__type(key, __u32);
	__type(value, __s32);
} xe_fault_vrdct SEC(".maps");

/* tgids in scope: the target and its descendants */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} scope SEC(".maps");

/* live model packets of in-scope processes (fuzz leak accounting) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct inject_pkt_key);
	__type(value, __u64);
} live_pkts SEC(".maps");

static __always_inline __u32 cur_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

static __always_inline bool in_scope(void)
{
	__u32 tgid = cur_tgid();

	return cfg.all_tasks || bpf_map_lookup_elem(&scope, &tgid);
}

/* splitmix64: a full-avalanche mix, so (seed, hit) -> draw is replayable */
static __always_inline __u64 mix64(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct hit_ctx {
	__u32 site, vf, gt, type;
	__u64 offset;
};

static __always_inline bool filters_pass(const struct hit_ctx *h)
{
	if (h->site != cfg.site)
		return false;
	/* user space refuses --vf where a site reports none: no wildcard */
	if (cfg.vf != MS_ANY && h->vf != cfg.vf)
		return false;
	if (cfg.gt != MS_ANY && h->gt != cfg.gt)
		return false;
	if (cfg.type != MS_ANY && h->type != cfg.type)
		return false;
	if (cfg.off_hi && (h->offset < cfg.off_lo || h->offset > cfg.off_hi))
		return false;
	return in_scope();
}

/* unsigned only: clang 14 cannot emit signed division for BPF */
static __always_inline bool pattern_fires(__u64 hit)
{
	if (cfg.nth)
		return hit == cfg.nth;
	if (cfg.interval > 1 && hit % cfg.interval)
		return false;
	if (cfg.prob >= (1ULL << 32))
		return true;
	return (mix64(cfg.seed ^ mix64(hit)) >> 32) < cfg.prob;
}

static __always_inline void log_injection(const struct hit_ctx *h, __u64 hit,
					  __u64 seq, __s32 err)
{
	struct ms_event *e = ms_event_reserve(MS_EV_INJECT, cfg.mech);

	if (!e)
		return;
	e->vf = h->vf;
	e->gt = h->gt;
	e->inject.seq = seq;
	e->inject.hit = hit;
	e->inject.site = h->site;
	e->inject.err = err;
	e->inject.dry_run = cfg.dry_run;
	e->inject.mechanism = cfg.mech;
	ms_event_submit(e);
}

/*
 * The one decision: returns the injection's sequence number (1-based), or
 * 0 when this hit is left alone.  Called by every entry point.
 */
static __always_inline __u64 decide(const struct hit_ctx *h, __u64 *hitp)
{
	__u64 hit, seq;

	if (!cfg.armed || !filters_pass(h))
		return 0;
	hit = __sync_fetch_and_add(&stats.hits, 1) + 1;
	*hitp = hit;
	if (!pattern_fires(hit))
		return 0;
	/* times caps attempts, so concurrent hits can never overshoot it */
	seq = __sync_fetch_and_add(&stats.seq, 1) + 1;
	if (cfg.times && seq > cfg.times)
		return 0;
	__sync_fetch_and_add(&stats.injected, 1);
	return seq;
}

/* a negative errno at an error site, positive microseconds at a delay site */
static __always_inline void model_verdict(__s32 verdict)
{
	__u32 slot = (__u32)bpf_get_current_pid_tgid() % MS_FAULT_SLOTS;
	__s32 *v = bpf_map_lookup_elem(&xe_fault_vrdct, &slot);

	if (v)
		*v = verdict;
}

SEC("usdt")
int BPF_USDT(fault_site, long site, long vfid, long gt, long type, long offset)
{
	struct hit_ctx h = {
		.site = site, .vf = vfid, .gt = gt, .type = type,
		.offset = offset,
	};
	__u64 hit = 0, seq;
	__s32 verdict;

	if (cfg.mech != INJ_MECH_MODEL && cfg.mech != INJ_MECH_SIGNAL)
		return 0;
	seq = decide(&h, &hit);
	if (!seq)
		return 0;
	if (cfg.mech == INJ_MECH_SIGNAL)
		verdict = cfg.sig;
	else if (ms_site_is_delay(h.site))
		verdict = cfg.delay_us;
	else
		verdict = -cfg.err;
	if (!cfg.dry_run) {
		if (cfg.mech == INJ_MECH_SIGNAL)
			bpf_send_signal_thread(cfg.sig);
		else
			model_verdict(verdict);
	}
	log_injection(&h, hit, seq, verdict);
	return 0;
}

/* the anon file of xe-vfio-pci, or the debugfs file of the PF */
static __always_inline bool migration_file_name(struct file *file)
{
	static const char vfio[] = "xe_vfio_mig", dbgfs[] = "migration_data";
	const unsigned char *p;
	char name[16] = {};
	int i;

	p = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	if (bpf_probe_read_kernel_str(name, sizeof(name), p) < 0)
		return false;
	for (i = 0; i < (int)sizeof(vfio); i++)
		if (name[i] != vfio[i])
			break;
	if (i == sizeof(vfio))
		return true;
	for (i = 0; i < (int)sizeof(dbgfs); i++)
		if (name[i] != dbgfs[i])
			return false;
	return true;
}

static __always_inline bool target_file(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);

	if (!cfg.ino)
		return migration_file_name(file);
	return BPF_CORE_READ(inode, i_ino) == cfg.ino &&
	       BPF_CORE_READ(inode, i_sb, s_dev) == cfg.kdev;
}

/*
 * Every read()/write() passes security_file_permission (rw_verify_area),
 * pipes and terminals included: pid scope first (cheapest), then the
 * access mask, then the file.
 */
SEC("fmod_ret/security_file_permission")
int BPF_PROG(file_perm, struct file *file, int mask, int ret)
{
	struct hit_ctx h = { .vf = 0, .gt = MS_GT_UNKNOWN };
	__u64 hit = 0, seq;

	if (ret || cfg.mech != INJ_MECH_KERNEL || !cfg.armed || !in_scope())
		return ret;
	if (mask & MAY_READ)
		h.site = MS_SITE_DATA_READ;
	else if (mask & MAY_WRITE)
		h.site = MS_SITE_DATA_WRITE;
	else
		return 0;
	if (h.site != cfg.site || !target_file(file))
		return 0;
	seq = decide(&h, &hit);
	if (!seq)
		return 0;
	log_injection(&h, hit, seq, -cfg.err);
	return cfg.dry_run ? 0 : -cfg.err;
}

/* children of tracked processes are in scope: migsim forks both sides */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(track_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	if (ptgid != ctgid && bpf_map_lookup_elem(&scope, &ptgid))
		bpf_map_update_elem(&scope, &ctgid, &one, BPF_ANY);
	return 0;
}

/* a reused pid must not inherit the scope of a process that is gone */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(track_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, pid) == tgid)
		bpf_map_delete_elem(&scope, &tgid);
	return 0;
}

SEC("usdt")
int BPF_USDT(pkt_alloc, long pkt)
{
	struct inject_pkt_key k = { .tgid = cur_tgid(), .pkt = pkt };
	__u64 now = bpf_ktime_get_ns();

	if (cfg.track_leaks && in_scope())
		bpf_map_update_elem(&live_pkts, &k, &now, BPF_ANY);
	return 0;
}

SEC("usdt")
int BPF_USDT(pkt_free, long pkt)
{
	struct inject_pkt_key k = { .tgid = cur_tgid(), .pkt = pkt };

	if (cfg.track_leaks)
		bpf_map_delete_elem(&live_pkts, &k);
	return 0;
}

/*
 * xe_gt_sriov_pf_migration_save_consume returns a packet, NULL (GT done)
 * or an ERR_PTR; -EAGAIN means the ring was empty and the reader must wait.
 */
SEC("uretprobe")
int BPF_KRETPROBE(save_consume_ret, long ret)
{
	if (!cfg.track_leaks || !in_scope())
		return 0;
	if (ret == -11)
		__sync_fetch_and_add(&stats.empty_polls, 1);
	else if (ret && (unsigned long)ret < (unsigned long)-4095)
		__sync_fetch_and_add(&stats.consumed, 1);
	return 0;
}
