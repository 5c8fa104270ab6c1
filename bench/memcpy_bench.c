// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy_bench: the physical limit of a user-space copy on this machine,
 * for the same sizes as the model's VRAM save path (xe_migrate's chunk
 * copy: VRAM, i.e. a warm anonymous mapping, into a sysmem BO mapped with
 * MAP_POPULATE).  Copies SIZE bytes in CHUNK-sized memcpy calls and times
 * only the memcpy calls, as the model times its chunk copies.
 *
 *   memcpy_bench SIZE CHUNK	(sizes in bytes, or with K/M/G suffixes)
 *
 * Two destinations, reported separately:
 *   fresh: a new MAP_POPULATE mapping per chunk (faulted in, never written),
 *          like a newly allocated BO;
 *   warm:  one destination written once before timing and reused for every
 *          chunk, like a BO recycled from the model's pool.
 * Prints one JSON line; gbps is Gbit/s (bytes * 8 / ns), like migsim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		break;
	}
	return v;
}

static void *map(uint64_t size, int extra)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | extra, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	uint64_t size, chunk, off, n, t0, ns_fresh = 0, ns_warm = 0;
	char *src, *dst;

	if (argc != 3) {
		fprintf(stderr, "usage: memcpy_bench SIZE CHUNK\n");
		return 2;
	}
	size = parse_size(argv[1]);
	chunk = parse_size(argv[2]);
	if (!size || !chunk)
		return 2;
	if (chunk > size)
		chunk = size;
	src = map(size, 0);
	memset(src, 0x5a, size);	/* the model's VRAM: written at creation */

	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		dst = map(n, MAP_POPULATE);
		t0 = now_ns();
		memcpy(dst, src + off, n);
		ns_fresh += now_ns() - t0;
		munmap(dst, n);
	}

	dst = map(chunk, MAP_POPULATE);
	memset(dst, 0, chunk);
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		t0 = now_ns();
		memcpy(dst, src + off, n);
		ns_warm += now_ns() - t0;
	}
	printf("{\"size\":%llu,\"chunk\":%llu,\"fresh_gbps\":%.3f,\"warm_gbps\":%.3f,\"fresh_ns\":%llu,\"warm_ns\":%llu,\"check\":%d}\n",
	       (unsigned long long)size, (unsigned long long)chunk,
	       size * 8.0 / ns_fresh, size * 8.0 / ns_warm,
	       (unsigned long long)ns_fresh, (unsigned long long)ns_warm,
	       dst[0]);
	munmap(dst, chunk);
	munmap(src, size);
	return 0;
}
