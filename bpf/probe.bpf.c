// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny programs `migscope doctor` loads one at a time to learn what the
 * running kernel allows.  Each exists only to be loaded and attached: the
 * kernel's own verdict is the answer, never a version table.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "usdt_args.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 hits;
__u64 seen_value;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} probe_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} probe_mmap SEC(".maps");

SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_tp_btf)
{
	return 0;
}

SEC("raw_tp/sched_process_exec")
int probe_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp/sched/sched_process_exec")
int probe_tracepoint(void *ctx)
{
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(probe_fexit)
{
	return 0;
}

/* security_* functions are the fmod_ret targets every kernel allows */
SEC("fmod_ret/security_file_permission")
int BPF_PROG(probe_fmod_ret)
{
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(probe_kprobe)
{
	return 0;
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(probe_kretprobe)
{
	return 0;
}

SEC("kprobe.multi/vfs_read")
int BPF_KPROBE(probe_kprobe_multi)
{
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(probe_uprobe)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("usdt")
int probe_usdt(struct pt_regs *ctx)
{
	const struct ms_usdt_spec *spec = ms_usdt_spec(ctx);

	__sync_fetch_and_add(&hits, 1);
	if (spec)
		seen_value = ms_usdt_arg(ctx, spec, 0);
	return 0;
}

/* Loaded, never attached: attaching would override vfs_read. */
SEC("kprobe/vfs_read")
int BPF_KPROBE(probe_override_return)
{
	bpf_override_return(ctx, 0);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int probe_write_user(void *ctx)
{
	__u64 zero = 0;

	bpf_probe_write_user((void *)0, &zero, sizeof(zero));
	return 0;
}

SEC("raw_tp/sched_process_exec")
int probe_send_signal(void *ctx)
{
	bpf_send_signal(0);
	return 0;
}

/* run through BPF_PROG_TEST_RUN: args[0] goes to the ring buffer */
SEC("raw_tp/sched_process_exec")
int probe_ringbuf(__u64 *ctx)
{
	__u64 *slot = bpf_ringbuf_reserve(&probe_rb, sizeof(*slot), 0);

	if (!slot)
		return 1;
	*slot = ctx[0];
	bpf_ringbuf_submit(slot, 0);
	return 0;
}

/* run through BPF_PROG_TEST_RUN: reads what user space wrote via mmap */
SEC("raw_tp/sched_process_exec")
int probe_mmapable(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&probe_mmap, &key);

	if (v)
		seen_value = *v;
	return 0;
}

/* run through BPF_PROG_TEST_RUN: the return value proves it ran */
SEC("raw_tp/sched_process_exec")
int probe_test_run(__u64 *ctx)
{
	return ctx[0] + ctx[1];
}
