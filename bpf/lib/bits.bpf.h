/* SPDX-License-Identifier: GPL-2.0 */
/* Bucketing shared with lib/hist.c: slot = floor(log2(v)) + 1, 0 for 0. */
#ifndef MIGSCOPE_BITS_BPF_H
#define MIGSCOPE_BITS_BPF_H

#include "migscope_abi.h"

/*
 * 1 if v has a bit set, else 0, without a branch: the empty asm hides
 * the idiom from clang, which would turn it back into a compare and jump.
 */
static __always_inline __u64 any_bit(__u64 v)
{
	__u64 neg = 0 - v;

	asm volatile("" : "+r"(neg));
	return (v | neg) >> 63;
}

/*
 * A binary search with no branch at all: a branch per step would give the
 * verifier 2^6 paths, each with its own precise slot, to walk through
 * every program that keeps a histogram (most of their load time).
 */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u64 s = 0, step;

	step = any_bit(v >> 32) << 5; v >>= step; s += step;
	step = any_bit(v >> 16) << 4; v >>= step; s += step;
	step = any_bit(v >> 8) << 3; v >>= step; s += step;
	step = any_bit(v >> 4) << 2; v >>= step; s += step;
	step = any_bit(v >> 2) << 1; v >>= step; s += step;
	step = any_bit(v >> 1); v >>= step; s += step;
	s += v;		/* v is 0 or 1 here */
	return s < MS_LOG2_SLOTS ? s : MS_LOG2_SLOTS - 1;
}

#endif /* MIGSCOPE_BITS_BPF_H */
