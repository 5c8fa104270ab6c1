/* SPDX-License-Identifier: GPL-2.0 */
/* Bucketing shared with lib/hist.c: slot = floor(log2(v)) + 1, 0 for 0. */
#ifndef MIGSCOPE_BITS_BPF_H
#define MIGSCOPE_BITS_BPF_H

#include "migscope_abi.h"

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 s = 0;

	/* branch-free binary search: the verifier sees a bounded result */
	if (v >> 32) { v >>= 32; s += 32; }
	if (v >> 16) { v >>= 16; s += 16; }
	if (v >> 8) { v >>= 8; s += 8; }
	if (v >> 4) { v >>= 4; s += 4; }
	if (v >> 2) { v >>= 2; s += 2; }
	if (v >> 1) { s += 1; v >>= 1; }
	s += v;		/* v is 0 or 1 here */
	return s < MS_LOG2_SLOTS ? s : MS_LOG2_SLOTS - 1;
}

#endif /* MIGSCOPE_BITS_BPF_H */
