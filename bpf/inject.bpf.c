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
#include "xe_sriov_abi.h"

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

/* fuzz's coverage keys (struct inject_cov_key), drained after each run */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct inject_cov_key);
	__type(value, __u8);
} coverage SEC(".maps");

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
	bool kernel_hook;	/* security_file_permission, not a model site */
};

static __always_inline bool filters_pass(const struct inject_fault *f,
					 const struct hit_ctx *h)
{
	if (!f->armed || h->site != f->site)
		return false;
	/* user space refuses --vf where a site reports none: no wildcard */
	if (f->vf != MS_ANY && h->vf != f->vf)
		return false;
	if (f->gt != MS_ANY && h->gt != f->gt)
		return false;
	if (f->type != MS_ANY && h->type != f->type)
		return false;
	if (f->off_hi && (h->offset < f->off_lo || h->offset > f->off_hi))
		return false;
	return true;
}

/* unsigned only: clang 14 cannot emit signed division for BPF */
static __always_inline bool pattern_fires(const struct inject_fault *f,
					  __u64 hit)
{
	if (f->nth)
		return hit == f->nth;
	if (f->interval > 1 && hit % f->interval)
		return false;
	if (f->prob >= (1ULL << 32))
		return true;
	return (mix64(f->seed ^ mix64(hit)) >> 32) < f->prob;
}

static __always_inline void log_injection(const struct hit_ctx *h,
					  const struct inject_fault *f,
					  __u64 hit, __u64 seq, __s32 err)
{
	struct ms_event *e = ms_event_reserve(MS_EV_INJECT, f->mech);

	if (!e)
		return;
	e->vf = h->vf;
	e->gt = h->gt;
	e->inject.seq = seq;
	e->inject.hit = hit;
	e->inject.site = h->site;
	e->inject.err = err;
	e->inject.dry_run = cfg.dry_run;
	e->inject.mechanism = f->mech;
	ms_event_submit(e);
}

/*
 * One fault's decision: its sequence number (1-based), or 0 when this hit
 * is left alone.  take: no earlier fault fired on this call, so this one
 * may; otherwise it only counts the hit.
 */
static __always_inline __u64 decide_one(const struct inject_fault *f,
					struct inject_fault_stats *st,
					const struct hit_ctx *h, bool take,
					__u64 *hitp)
{
	__u64 hit, seq;

	/* a hook only applies its own mechanism's faults, nor counts others' */
	if ((f->mech == INJ_MECH_KERNEL) != h->kernel_hook ||
	    !filters_pass(f, h))
		return 0;
	hit = __sync_fetch_and_add(&st->hits, 1) + 1;
	*hitp = hit;
	if (!take || !pattern_fires(f, hit))
		return 0;
	/* times caps attempts, so concurrent hits can never overshoot it */
	seq = __sync_fetch_and_add(&st->seq, 1) + 1;
	if (f->times && seq > f->times)
		return 0;
	__sync_fetch_and_add(&st->injected, 1);
	return seq;
}

/*
 * Every armed fault sees the hit; the first that fires decides.  Returns
 * the index of that fault, or -1.
 */
static __always_inline int decide(const struct hit_ctx *h, __u64 *hitp,
				  __u64 *seqp)
{
	int i, won = -1;
	__u64 hit, seq;

	if (!cfg.armed || !in_scope())
		return -1;
#pragma unroll
	for (i = 0; i < INJ_MAX_FAULTS; i++) {
		hit = 0;
		seq = decide_one(&cfg.f[i], &stats.f[i], h, won < 0, &hit);
		if (seq) {
			won = i;
			*hitp = hit;
			*seqp = seq;
		}
	}
	return won;
}

static __always_inline void cov_add(__u32 kind, __u32 a, __s32 b, __u32 c)
{
	struct inject_cov_key k = { .kind = kind, .a = a, .b = b, .c = c };
	__u8 one = 1;

	if (cfg.track_leaks && in_scope()) {
		bpf_map_update_elem(&coverage, &k, &one, BPF_NOEXIST);
		stats.last_ns = bpf_ktime_get_ns();
	}
}

/* a negative errno at an error site, positive microseconds at a delay site */
static __always_inline void model_verdict(__s32 verdict)
{
	__u32 slot = (__u32)bpf_get_current_pid_tgid() % MS_FAULT_SLOTS;
	__s32 *v = bpf_map_lookup_elem(&xe_fault_vrdct, &slot);

	if (v)
		*v = verdict;
}

static __always_inline __s32 fault_verdict(const struct inject_fault *f,
					   __u32 site)
{
	if (f->mech == INJ_MECH_SIGNAL)
		return f->sig;
	if (ms_site_is_delay(site))
		return f->delay_us;
	return -f->err;
}

SEC("usdt")
int BPF_USDT(fault_site, long site, long vfid, long gt, long type, long offset)
{
	struct hit_ctx h = {
		.site = site, .vf = vfid, .gt = gt, .type = type,
		.offset = offset,
	};
	const struct inject_fault *f;
	__u64 hit = 0, seq = 0;
	__s32 verdict;
	int i;

	cov_add(INJ_COV_SITE, h.site, h.gt, h.type);
	i = decide(&h, &hit, &seq);
	if (i < 0 || i >= INJ_MAX_FAULTS)
		return 0;
	f = &cfg.f[i];
	verdict = fault_verdict(f, h.site);
	if (!cfg.dry_run) {
		if (f->mech == INJ_MECH_SIGNAL)
			bpf_send_signal_thread(f->sig);
		else
			model_verdict(verdict);
	}
	cov_add(INJ_COV_FAULT, h.site, verdict, f->mech);
	log_injection(&h, f, hit, seq, verdict);
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
	struct hit_ctx h = { .vf = 0, .gt = MS_GT_UNKNOWN, .kernel_hook = true };
	__u64 hit = 0, seq = 0;
	int i;

	if (ret || !cfg.armed || !in_scope())
		return ret;
	if (mask & MAY_READ)
		h.site = MS_SITE_DATA_READ;
	else if (mask & MAY_WRITE)
		h.site = MS_SITE_DATA_WRITE;
	else
		return 0;
	if (!target_file(file))
		return 0;
	i = decide(&h, &hit, &seq);
	if (i < 0 || i >= INJ_MAX_FAULTS)
		return 0;
	log_injection(&h, &cfg.f[i], hit, seq, -cfg.f[i].err);
	return cfg.dry_run ? 0 : -cfg.f[i].err;
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

/* fuzz: each process's GTs' state bits, for the signature of a hang */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct inject_state_key);
	__type(value, struct inject_state_val);
} vf_states SEC(".maps");

static __always_inline void state_record(long gt, long bitmap)
{
	struct inject_state_key k = { .tgid = cur_tgid(), .gt = gt };
	struct inject_state_val v = {
		.bits = bitmap, .ns = bpf_ktime_get_ns(),
	};

	if (cfg.track_leaks && in_scope())
		bpf_map_update_elem(&vf_states, &k, &v, BPF_ANY);
}

/* state transitions of the model's VF control: coverage, bits left set */
SEC("usdt")
int BPF_USDT(state_enter, long gt, long vfid, long bit, long bitmap)
{
	cov_add(INJ_COV_STATE, gt, bit, 1);
	state_record(gt, bitmap);
	/* a new save: what an earlier, failed one left in the ring is gone */
	if (bit == XE_GT_SRIOV_STATE_SAVE_WIP && cfg.track_leaks &&
	    in_scope() && gt >= 0 && gt < INJ_MAX_GTS)
		stats.save_ring[gt] = 0;
	return 0;
}

SEC("usdt")
int BPF_USDT(state_exit, long gt, long vfid, long bit, long bitmap)
{
	cov_add(INJ_COV_STATE, gt, bit, 0);
	state_record(gt, bitmap);
	return 0;
}

/*
 * The save rings' fill, counted rather than copied from the probes' occ:
 * a produce and a take race to their probes, the count does not.
 */
SEC("usdt")
int BPF_USDT(ring_produce, long gt, long vfid, long pkt, long type, long occ,
	     long ret, long dir)
{
	if (cfg.track_leaks && dir == MS_DIR_SAVE && !ret && in_scope() &&
	    gt >= 0 && gt < INJ_MAX_GTS)
		__sync_fetch_and_add(&stats.save_ring[gt], 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(ring_consume, long gt, long vfid, long pkt, long type, long occ,
	     long dir)
{
	if (cfg.track_leaks && dir == MS_DIR_SAVE && in_scope() &&
	    gt >= 0 && gt < INJ_MAX_GTS)
		__sync_fetch_and_add(&stats.save_ring[gt], -1);
	return 0;
}

SEC("usdt")
int BPF_USDT(wait_interrupted, long vfid, long gt, long dir)
{
	if (cfg.track_leaks && in_scope() && (dir == MS_DIR_SAVE ||
					       dir == MS_DIR_RESTORE))
		__sync_fetch_and_add(&stats.interrupted_waits[dir], 1);
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
