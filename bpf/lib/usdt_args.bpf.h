/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT arguments at the cost of a load each, and without vmlinux BTF.
 *
 * libbpf's bpf_usdt_arg() (usdt.bpf.h) is a function call that, for every
 * argument, finds the site's spec again (attach cookie helper + array
 * lookup) and copies the register out of pt_regs with
 * bpf_probe_read_kernel().  Here a program reads only the arguments it
 * needs, each with a direct context load: from specs user space put in
 * its rodata before load where it can (ms_usdt_arg_fixed, the verifier
 * then folds the spec away), else from the site's spec, found once
 * (ms_usdt_spec, ms_usdt_arg).
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

/* spec id (in the attach cookie: MS_USDT_COOKIE_ID) -> spec */
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

/* the attach cookie: the site's spec id and way (MS_USDT_COOKIE) */
static __always_inline __u64 ms_usdt_cookie(struct pt_regs *ctx)
{
	return LINUX_HAS_BPF_COOKIE ? bpf_get_attach_cookie(ctx) : 0;
}

/* the spec of the site that fired (its cookie), or NULL */
static __always_inline const struct ms_usdt_spec *
ms_usdt_spec_of(struct pt_regs *ctx, __u64 cookie)
{
	long ip;
	int id, *idp;

	if (LINUX_HAS_BPF_COOKIE) {
		id = MS_USDT_COOKIE_ID(cookie);
	} else {
		ip = ms_usdt_reg(ctx, __builtin_offsetof(struct pt_regs, ip));
		idp = bpf_map_lookup_elem(&__bpf_usdt_ip_to_spec_id, &ip);
		if (!idp)
			return NULL;
		id = *idp;
	}
	return bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
}

static __always_inline const struct ms_usdt_spec *
ms_usdt_spec(struct pt_regs *ctx)
{
	return ms_usdt_spec_of(ctx, ms_usdt_cookie(ctx));
}

/*
 * The value of the argument a describes.  Volatile: a may be rodata, whose
 * values only the verifier may fold (at load, when they are known).
 */
static __always_inline long
ms_usdt_arg_read(struct pt_regs *ctx, const volatile struct ms_usdt_arg_spec *a)
{
	unsigned long v;

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

/*
 * From the spec map.  A global function, so the verifier walks the
 * register switch's 17 paths (times the operand kinds) once per program
 * instead of once per argument a program reads: most of its load time
 * otherwise.  At run time it costs a call.
 */
__noinline long ms_usdt_arg_value(struct pt_regs *ctx,
				  const struct ms_usdt_arg_spec *a)
{
	return a ? ms_usdt_arg_read(ctx, a) : 0;
}

/* argument n (constant) of spec s, as bpf_usdt_arg() returns it; 0 if absent */
static __always_inline long ms_usdt_arg(struct pt_regs *ctx,
					const struct ms_usdt_spec *s, __u32 n)
{
	if (n >= MS_USDT_MAX_ARGS || n >= (__u32)s->arg_cnt)
		return 0;
	return ms_usdt_arg_value(ctx, &s->args[n]);
}

/*
 * Argument n of the site with this cookie, from the spec map.  A global
 * function, verified once, so a program's way out of its rodata specs
 * adds a call per argument rather than a map lookup inlined per argument.
 */
__noinline long ms_usdt_arg_of(struct pt_regs *ctx, __u64 cookie, __u64 n)
{
	const struct ms_usdt_spec *s = ms_usdt_spec_of(ctx, cookie);

	/* 64-bit n: a 32-bit one was bounded in a copy, then indexed with */
	if (!s || n >= MS_USDT_MAX_ARGS || n >= (__u64)s->arg_cnt)
		return 0;
	return ms_usdt_arg_read(ctx, &s->args[n]);
}

/*
 * Argument n (constant) of the site with this cookie, f being the
 * program's specs known before load (constant offset into rodata): for a
 * site whose way f holds, the verifier folds the spec and what is left is
 * one load; other sites read the spec map.  Only with attach cookies: the
 * way is in the cookie (U_ARG in migtrace_model.bpf.c).
 */
static __always_inline long
ms_usdt_arg_fixed(struct pt_regs *ctx, __u64 cookie,
		  const volatile struct ms_usdt_fixed *f, __u32 n)
{
	__u32 way = MS_USDT_COOKIE_WAY(cookie);
	int w;

	if (n < MS_USDT_FIXED_ARGS) {
#pragma unroll
		for (w = 0; w < MS_USDT_WAYS; w++)
			if (way == w && (f->mask[w] >> n & 1))
				return ms_usdt_arg_read(ctx, &f->args[w][n]);
	}
	return ms_usdt_arg_of(ctx, cookie, n);
}

#endif /* MIGSCOPE_USDT_ARGS_BPF_H */
