// SPDX-License-Identifier: GPL-2.0
/*
 * spin: the CPU a pinned busy loop is left with.  Runs fixed blocks of
 * integer work for SECS seconds and prints one JSON line with the blocks
 * done and the elapsed time, so blocks/s compares windows with and without
 * a BPF monitor on the same CPU (pin it with taskset).
 *
 *   spin SECS
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>

#define BLOCK_ITERS	20000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	volatile uint64_t acc = 1;
	uint64_t t0, t1, end, blocks = 0;
	double secs;
	int i;

	if (argc != 2 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: spin SECS\n");
		return 2;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	do {
		for (i = 0; i < BLOCK_ITERS; i++)
			acc = acc * 6364136223846793005ull + 1442695040888963407ull;
		blocks++;
		t1 = now_ns();
	} while (t1 < end);
	printf("{\"blocks\":%llu,\"elapsed_ns\":%llu,\"blocks_per_s\":%.1f}\n",
	       (unsigned long long)blocks, (unsigned long long)(t1 - t0),
	       blocks * 1e9 / (double)(t1 - t0));
	return 0;
}
