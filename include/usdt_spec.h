/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A USDT site's argument spec, in the value layout of libbpf's USDT spec
 * map (libbpf 1.x, the version the build links): bpf/lib/usdt_args.bpf.h
 * reads it in BPF; libbpf's bpf_program__attach_usdt() or migscope's own
 * attach (lib/usdt.c) fills it from user space.  x86-64 only, like the
 * rest of the build (ARCH := x86).
 */
#ifndef MIGSCOPE_USDT_SPEC_H
#define MIGSCOPE_USDT_SPEC_H

#ifndef __VMLINUX_H__
#include <stdbool.h>
#include <linux/types.h>
#endif

#define MS_USDT_MAX_ARGS	12	/* libbpf's USDT_MAX_ARG_CNT */
#define MS_USDT_MAX_SPECS	256
#define MS_USDT_MAX_IPS		1024

/* where an argument lives: libbpf's enum, in its order */
enum ms_usdt_arg_kind {
	MS_USDT_CONST,		/* "8@$5": the value is val_off */
	MS_USDT_REG,		/* "8@%rax" */
	MS_USDT_REG_DEREF,	/* "8@-16(%rbp)": val_off(register) */
};

struct ms_usdt_arg_spec {
	__u64 val_off;
	enum ms_usdt_arg_kind kind;
	short reg_off;		/* offsetof(struct pt_regs, register) */
	bool is_signed;
	char bitshift;		/* 64 - 8 * size */
};

struct ms_usdt_spec {
	struct ms_usdt_arg_spec args[MS_USDT_MAX_ARGS];
	__u64 usdt_cookie;
	short arg_cnt;
};

/*
 * A program's argument specs known before load, in its object's rodata:
 * the verifier then knows where each argument lives and keeps only that
 * one load (bpf/lib/usdt_args.bpf.h).  A probe's sites can each keep
 * their arguments elsewhere, so each of a probe's first MS_USDT_WAYS
 * sites has its own way; the attach cookie says which (MS_USDT_COOKIE),
 * and further sites, or arguments past MS_USDT_FIXED_ARGS, are read
 * through the spec map as before.
 */
#define MS_USDT_WAYS		2
#define MS_USDT_FIXED_ARGS	8

struct ms_usdt_fixed {
	__u16 mask[MS_USDT_WAYS];	/* bit n: args[way][n] holds argument n */
	struct ms_usdt_arg_spec args[MS_USDT_WAYS][MS_USDT_FIXED_ARGS];
};

/* a site's attach cookie: its spec id (in the spec map) and its way */
#define MS_USDT_COOKIE(way, id)		((__u64)(way) << 16 | (id))
#define MS_USDT_COOKIE_ID(cookie)	((__u32)(cookie) & 0xffff)
#define MS_USDT_COOKIE_WAY(cookie)	((__u32)((cookie) >> 16))

#endif /* MIGSCOPE_USDT_SPEC_H */
