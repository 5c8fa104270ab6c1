// SPDX-License-Identifier: GPL-2.0
/* Cooperative fault sites: see xe_fault.h for the protocol. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "xe_fault.h"
#include "xe_usdt.h"

static int fault_fd = -1;
static int32_t *fault_slots;
static size_t fault_map_len;

/*
 * The kernel lays array map values out every round_up(value_size, 8)
 * bytes, in the mmap too: slot i of an int32 array is at byte 8 * i, not
 * 4 * i.  Indexing the mapping as int32_t[] would read what BPF writes for
 * slot i / 2, half of the time into padding.
 */
#define XE_FAULT_STRIDE		8
#define XE_FAULT_MAP_BYTES	(MS_FAULT_SLOTS * XE_FAULT_STRIDE)

static int32_t *fault_slot(unsigned int i)
{
	return (int32_t *)((char *)fault_slots +
			   (size_t)(i % MS_FAULT_SLOTS) * XE_FAULT_STRIDE);
}

/*
 * An injector that launches us (migscope inject -- COMMAND) creates the
 * verdict map and loads its programs before we start, and names the map in
 * XE_FAULT_MAP_ID: using it leaves no window in which the injector has to
 * find our map.  Only a map with the protocol's name and shape is taken.
 */
static int fault_map_from_env(bool verbose)
{
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	const char *env = getenv("XE_FAULT_MAP_ID");
	unsigned long id;
	char *end;
	int fd;

	if (!env || !*env)
		return -ENOENT;
	id = strtoul(env, &end, 10);
	if (*end || !id || id > UINT32_MAX)
		goto bad;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		goto bad;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) ||
	    strcmp(info.name, MS_FAULT_MAP_NAME) ||
	    info.type != BPF_MAP_TYPE_ARRAY ||
	    !(info.map_flags & BPF_F_MMAPABLE) ||
	    info.value_size != sizeof(int32_t) ||
	    info.max_entries != MS_FAULT_SLOTS) {
		close(fd);
		goto bad;
	}
	return fd;
bad:
	if (verbose)
		fprintf(stderr, "xe-model: XE_FAULT_MAP_ID=%s is not a usable %s map, creating our own\n",
			env, MS_FAULT_MAP_NAME);
	return -ENOENT;
}

int xe_fault_init(bool verbose)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	size_t len = (XE_FAULT_MAP_BYTES + 4095) & ~4095UL;
	void *p;
	int fd;

	if (fault_slots)
		return 0;
	fd = fault_map_from_env(verbose);
	if (fd < 0)
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, MS_FAULT_MAP_NAME,
				    sizeof(uint32_t), sizeof(int32_t),
				    MS_FAULT_SLOTS, &opts);
	if (fd < 0) {
		if (verbose)
			fprintf(stderr, "xe-model: fault sites inert: cannot create BPF map (%s)\n",
				strerror(errno));
		return -errno;
	}
	/* MAP_SHARED: a forked child sees the same kernel pages */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		if (verbose)
			fprintf(stderr, "xe-model: fault sites inert: mmap of map failed (%s)\n",
				strerror(-err));
		close(fd);
		return err;
	}
	fault_fd = fd;
	fault_slots = p;
	fault_map_len = len;
	if (verbose)
		fprintf(stderr, "xe-model: fault map %s fd %d (%d slots)\n",
			MS_FAULT_MAP_NAME, fd, MS_FAULT_SLOTS);
	return 0;
}

void xe_fault_fini(void)
{
	if (fault_slots)
		munmap(fault_slots, fault_map_len);
	if (fault_fd >= 0)
		close(fault_fd);
	fault_slots = NULL;
	fault_fd = -1;
}

int xe_fault_map_fd(void)
{
	return fault_fd;
}

int xe_fault_check(unsigned int site, unsigned int vfid, unsigned int gt,
		   unsigned int type, uint64_t offset)
{
	int32_t *slot;
	int32_t v;

	XE_USDT(fault_site, U(site), U(vfid), U(gt), U(type), U(offset));
	if (!fault_slots)
		return 0;
	slot = fault_slot(gettid());
	v = __atomic_exchange_n(slot, 0, __ATOMIC_ACQ_REL);
	if (!v)
		return 0;
	/* a verdict is a negative errno; accept a positive one too */
	v = v > 0 ? -v : v;
	/* tracers see the fault taken, whoever injected it */
	XE_USDT(fault_injected, U(site), U(vfid), U(gt), U(type), U(offset),
		S(v));
	return v;
}

unsigned int xe_fault_delay(unsigned int site, unsigned int vfid,
			    unsigned int gt, unsigned int type,
			    uint64_t offset)
{
	struct timespec ts;
	int32_t *slot;
	int32_t v;

	XE_USDT(fault_site, U(site), U(vfid), U(gt), U(type), U(offset));
	if (!fault_slots)
		return 0;
	slot = fault_slot(gettid());
	v = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	/*
	 * Only a delay is taken here: an errno verdict armed for this thread
	 * is meant for an error site, and consuming it would move the fault.
	 * The slot is ours alone, so a failed exchange means it just changed.
	 */
	if (v <= 0 || !__atomic_compare_exchange_n(slot, &v, 0, false,
						   __ATOMIC_ACQ_REL,
						   __ATOMIC_ACQUIRE))
		return 0;
	if (v > MS_DELAY_MAX_US)
		v = MS_DELAY_MAX_US;
	XE_USDT(fault_injected, U(site), U(vfid), U(gt), U(type), U(offset),
		S(v));
	ts.tv_sec = v / 1000000;
	ts.tv_nsec = (long)(v % 1000000) * 1000;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return v;
}

int xe_fault_arm_self(int err)
{
	if (!fault_slots)
		return -ENODEV;
	__atomic_store_n(fault_slot(gettid()), err, __ATOMIC_RELEASE);
	return 0;
}

int xe_fault_arm_others(int err)
{
	unsigned int self = (unsigned int)gettid() % MS_FAULT_SLOTS, i;

	if (!fault_slots)
		return -ENODEV;
	for (i = 0; i < MS_FAULT_SLOTS; i++)
		if (i != self)
			__atomic_store_n(fault_slot(i), err, __ATOMIC_RELEASE);
	return 0;
}
