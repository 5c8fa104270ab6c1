/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT arguments at the cost of a load each, and without vmlinux BTF.
 *
 * libbpf's bpf_usdt_arg() (usdt.bpf.h) is a function call that, for every
 * argument, finds the site's spec again (attach cookie helper + array
 * lookup) and copies the register out of pt_regs with
 * bpf_probe_read_kernel().  A program here finds its spec once
 * (ms_usdt_spec) and reads each register it needs with a direct context
 * load (ms_usdt_arg), and only the arguments it needs.
 *
 * usdt.bpf.h also compiles its helpers into every object that includes
 * it, and their pt_regs reads are CO-RE relocations: libbpf then parses
 * the kernel's BTF (several MB) at every load, even for an object whose
 * programs need no kernel type.  So the maps libbpf's user space fills when
 * attaching a USDT program are declared here, by name, with the value
 * layout of libbpf's USDT spec (include/usdt_spec.h); migscope's own
 * attach (lib/usdt.c) fills the same maps.
 */
#ifndef MIGSCOPE_USDT_ARGS_BPF_H
#define MIGSCOPE_USDT_ARGS_BPF_H

#include <bpf/bpf_helpers.h>
#include "usdt_spec.h"

/* spec id (the attach cookie) -> spec */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MS_USDT_MAX_SPECS);
	__type(key, int);
	__type(value, struct ms_usdt_spec);
} __bpf_usdt_specs SEC(".maps");

/* site address -> spec id, filled only on kernels without attach cookies */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MS_USDT_MAX_IPS);
	__type(key, long);
	__type(value, __u32);
} __bpf_usdt_ip_to_spec_id SEC(".maps");

extern const _Bool LINUX_HAS_BPF_COOKIE __kconfig;

/*
 * One load per case, as inline asm: plain ctx->r loads let clang merge the
 * cases into one load at a computed offset, which the verifier refuses
 * (the context may only be read at constant offsets).
 */
#define MS_REG(r)							\
	case __builtin_offsetof(struct pt_regs, r):			\
		asm volatile("%0 = *(u64 *)(%1 + %2)" : "=r"(v)		\
			     : "r"(ctx), "i"(__builtin_offsetof(struct pt_regs, r))); \
		return v

/* the general-purpose register at offset off of pt_regs, by constant loads */
static __always_inline unsigned long ms_usdt_reg(struct pt_regs *ctx,
						 short off)
{
	unsigned long v;

	switch (off) {
	MS_REG(ax); MS_REG(bx); MS_REG(cx); MS_REG(dx);
	MS_REG(si); MS_REG(di); MS_REG(bp); MS_REG(sp);
	MS_REG(r8); MS_REG(r9); MS_REG(r10); MS_REG(r11);
	MS_REG(r12); MS_REG(r13); MS_REG(r14); MS_REG(r15);
	MS_REG(ip);
	}
	return 0;
}

#undef MS_REG

/* the spec of the site that fired, or NULL */
static __always_inline const struct ms_usdt_spec *
ms_usdt_spec(struct pt_regs *ctx)
{
	long ip;
	int id, *idp;

	if (LINUX_HAS_BPF_COOKIE) {
		id = bpf_get_attach_cookie(ctx);
	} else {
		ip = ms_usdt_reg(ctx, __builtin_offsetof(struct pt_regs, ip));
		idp = bpf_map_lookup_elem(&__bpf_usdt_ip_to_spec_id, &ip);
		if (!idp)
			return NULL;
		id = *idp;
	}
	return bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
}

/*
 * The value of the argument a describes.  A global function, so the
 * verifier walks the register switch's 17 paths (times the operand kinds)
 * once per program instead of once per argument a program reads: most of
 * its load time otherwise.  At run time it costs a call.
 */
__noinline long ms_usdt_arg_value(struct pt_regs *ctx,
				  const struct ms_usdt_arg_spec *a)
{
	unsigned long v;

	if (!a)
		return 0;
	if (a->kind == MS_USDT_CONST) {
		v = a->val_off;
	} else {
		v = ms_usdt_reg(ctx, a->reg_off);
		/* a memory operand: the register is its base */
		if (a->kind == MS_USDT_REG_DEREF &&
		    bpf_probe_read_user(&v, sizeof(v), (void *)(v + a->val_off)))
			return 0;
	}
	/* 1, 2 and 4 byte arguments: clear or sign-extend the upper bits */
	v <<= a->bitshift;
	if (a->is_signed)
		return (long)v >> a->bitshift;
	return v >> a->bitshift;
}

/* argument n (constant) of spec s, as bpf_usdt_arg() returns it; 0 if absent */
static __always_inline long ms_usdt_arg(struct pt_regs *ctx,
					const struct ms_usdt_spec *s, __u32 n)
{
	if (n >= MS_USDT_MAX_ARGS || n >= (__u32)s->arg_cnt)
		return 0;
	return ms_usdt_arg_value(ctx, &s->args[n]);
}

#endif /* MIGSCOPE_USDT_ARGS_BPF_H */
