// SPDX-License-Identifier: GPL-2.0
/*
 * One ring per CPU, read in time order.  A ring's layout is the kernel's
 * BPF ring buffer ABI (linux/bpf.h): a page with the consumer position,
 * which the reader writes; then, read only, a page with the producer
 * position and the data pages, mapped twice in a row so that a record
 * wrapping round the end reads as one piece.  Every record starts with an
 * 8-byte header whose length word carries a busy bit (still being written)
 * and a discard bit.  libbpf's ring_buffer empties one ring before the
 * next; a merge must see every ring's oldest record first, hence this
 * reader.
 *
 * The merge delivers, in time order, the events stamped before the start
 * of the previous pass (the horizon).  An event stamped earlier than that
 * and not yet committed would have been in flight for a whole poll
 * period; it is delivered late, never lost.  The last drain delivers all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "common.h"
#include "events.h"

/* each CPU's ring by default: 4 MiB over all CPUs, but at least 256 KiB */
#define RING_TOTAL_DEFAULT	(4u << 20)
#define RING_CPU_MIN		(256u << 10)
/*
 * Hand room back to the producers every so many records: the consumer
 * position shares a cache line with what every reservation reads.
 */
#define PUBLISH_EVERY		64

struct ms_cpu_ring {
	int fd;
	unsigned long *cons_pos;	/* the consumer page, ours to write */
	const unsigned long *prod_pos;	/* the producer page, then the data */
	const uint8_t *data;
	uint64_t mask;
	uint64_t cons;			/* where we read */
	uint64_t prod;			/* the producer position this pass */
	unsigned int unpublished;
	const struct ms_event *head;	/* the oldest committed record */
	uint32_t head_len;
};

static uint32_t ring_default(int ncpu)
{
	uint32_t b = RING_TOTAL_DEFAULT;

	while (b > RING_CPU_MIN && (uint64_t)b * ncpu > RING_TOTAL_DEFAULT)
		b >>= 1;
	return b;
}

static int ring_map(struct ms_cpu_ring *r, uint32_t bytes)
{
	size_t page = getpagesize();
	void *c, *p;

	c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	p = mmap(NULL, page + 2 * (size_t)bytes, PROT_READ, MAP_SHARED, r->fd,
		 page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(c, page);
		return err;
	}
	r->cons_pos = c;
	r->prod_pos = p;
	r->data = (const uint8_t *)p + page;
	r->mask = bytes - 1;
	return 0;
}

/*
 * Putting rings into the array makes the kernel wait for an RCU grace
 * period after each update, or once for a batch: about 10 ms here.  A
 * thread does it while the verifier checks the programs, so start-up does
 * not wait for it; no program can write before load.
 */
static void *fill_rings(void *arg)
{
	struct ms_events *ev = arg;
	__u32 *keys = calloc(ev->nr_rings, sizeof(*keys)), n = ev->nr_rings;
	int *fds = calloc(ev->nr_rings, sizeof(*fds));
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 i;

	if (!keys || !fds) {
		ev->fill_err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		keys[i] = i;
		fds[i] = ev->rings[i].fd;
	}
	if (!bpf_map_update_batch(ev->array_fd, keys, fds, &n, &opts))
		goto out;
	/* kernels without batch updates of this map type: one by one */
	for (i = 0; i < n && !ev->fill_err; i++)
		if (bpf_map_update_elem(ev->array_fd, &keys[i], &fds[i], BPF_ANY))
			ev->fill_err = -errno;
out:
	free(keys);
	free(fds);
	return NULL;
}

static int make_rings(struct ms_events *ev)
{
	int i;

	for (i = 0; i < ev->nr_rings; i++)
		ev->rings[i].fd = -1;
	for (i = 0; i < ev->nr_rings; i++) {
		ev->rings[i].fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF,
						 "ms_cpu_ring", 0, 0,
						 ev->ring_bytes, NULL);
		if (ev->rings[i].fd < 0)
			return ms_err("cannot create CPU %d's event ring of %u bytes: %s",
				      i, ev->ring_bytes, strerror(errno));
	}
	return 0;
}

/*
 * Before the object is loaded: every CPU's ring, and the array that holds
 * them, which the object then uses as its "events" map (libbpf 1.1 can
 * neither resize the ring template it makes nor fill the array before
 * load).
 */
int ms_events_init(struct ms_events *ev, struct bpf_map *events_map,
		   uint32_t ring_bytes)
{
	int err, ncpu = libbpf_num_possible_cpus();
	LIBBPF_OPTS(bpf_map_create_opts, opts);

	memset(ev, 0, sizeof(*ev));
	ev->array_fd = -1;
	if (ncpu <= 0)
		return ms_err("cannot size the event rings: the number of CPUs is unknown");
	ev->ring_bytes = ring_bytes ? ring_bytes : ring_default(ncpu);
	ev->rings = calloc(ncpu, sizeof(*ev->rings));
	ev->active = calloc(ncpu, sizeof(*ev->active));
	if (!ev->rings || !ev->active)
		return ms_err("out of memory");
	ev->nr_rings = ncpu;
	if (make_rings(ev))
		return -1;
	opts.inner_map_fd = ev->rings[0].fd;
	ev->array_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "events",
				      sizeof(__u32), sizeof(__u32), ncpu,
				      &opts);
	if (ev->array_fd < 0)
		return ms_err("cannot create the array of event rings: %s",
			      strerror(errno));
	err = bpf_map__reuse_fd(events_map, ev->array_fd);
	if (err)
		return ms_err("cannot give the BPF object its event rings: %s",
			      strerror(-err));
	err = pthread_create(&ev->filler, NULL, fill_rings, ev);
	if (err)
		return ms_err("cannot start a thread: %s", strerror(err));
	ev->filling = true;
	return 0;
}

static void fill_wait(struct ms_events *ev)
{
	if (ev->filling)
		pthread_join(ev->filler, NULL);
	ev->filling = false;
}

int ms_events_open(struct ms_events *ev, struct bpf_map *drops_map,
		   ms_event_fn fn, void *ctx)
{
	int i, err;

	ev->fn = fn;
	ev->ctx = ctx;
	ev->drops_fd = bpf_map__fd(drops_map);
	if (!ev->nr_rings)
		return ms_err("the event rings were not made before loading");
	fill_wait(ev);
	if (ev->fill_err)
		return ms_err("cannot put the event rings in their array: %s",
			      strerror(-ev->fill_err));
	for (i = 0; i < ev->nr_rings; i++) {
		err = ring_map(&ev->rings[i], ev->ring_bytes);
		if (err)
			return ms_err("cannot map CPU %d's event ring: %s", i,
				      strerror(-err));
	}
	return 0;
}

static void ring_publish(struct ms_cpu_ring *r)
{
	__atomic_store_n(r->cons_pos, r->cons, __ATOMIC_RELEASE);
	r->unpublished = 0;
}

static void ring_advance(struct ms_cpu_ring *r, uint32_t len)
{
	len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
	r->cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
	r->head = NULL;
	if (++r->unpublished >= PUBLISH_EVERY)
		ring_publish(r);
}

/* the ring's oldest committed record, up to this pass's producer position */
static const struct ms_event *ring_head(struct ms_cpu_ring *r)
{
	const uint32_t *hdr;
	uint32_t len;

	while (!r->head && r->cons < r->prod) {
		hdr = (const uint32_t *)(r->data + (r->cons & r->mask));
		len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			return NULL;
		if (!(len & BPF_RINGBUF_DISCARD_BIT) &&
		    len >= sizeof(struct ms_event)) {
			r->head = (const void *)((const uint8_t *)hdr +
						 BPF_RINGBUF_HDR_SZ);
			r->head_len = len;
		} else {
			ring_advance(r, len);
		}
	}
	return r->head;
}

/*
 * The ring whose oldest record is the oldest of all and before horizon.
 * Only the rings that had records when the pass began are looked at, and
 * a ring leaves that list once it has nothing more to give this pass.
 */
static struct ms_cpu_ring *oldest(struct ms_events *ev, uint64_t horizon)
{
	struct ms_cpu_ring *r, *best = NULL;
	const struct ms_event *e;
	int i = 0;

	while (i < ev->nr_active) {
		r = &ev->rings[ev->active[i]];
		e = ring_head(r);
		if (!e) {
			ev->active[i] = ev->active[--ev->nr_active];
			continue;
		}
		if (e->ts_ns < horizon && (!best || e->ts_ns < best->head->ts_ns))
			best = r;
		i++;
	}
	return best;
}

/*
 * Deliver, oldest first, the events committed when the pass began and
 * stamped before horizon.  The producer positions are read once per pass,
 * so a pass ends even while the programs keep writing.
 */
static int deliver(struct ms_events *ev, uint64_t horizon)
{
	struct ms_cpu_ring *r;
	int i, n = 0, err = 0;

	ev->nr_active = 0;
	for (i = 0; i < ev->nr_rings; i++) {
		r = &ev->rings[i];
		/* not mapped: ms_events_open() failed before it */
		if (!r->prod_pos)
			continue;
		r->prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
		if (r->cons < r->prod)
			ev->active[ev->nr_active++] = i;
	}
	while (err >= 0 && (r = oldest(ev, horizon))) {
		err = ev->fn(ev->ctx, r->head);
		ring_advance(r, r->head_len);
		n++;
	}
	for (i = 0; i < ev->nr_rings; i++)
		if (ev->rings[i].unpublished)
			ring_publish(&ev->rings[i]);
	/* the batch's records were rendered unflushed: show them now */
	if (n > 0)
		fflush(NULL);
	return err < 0 ? err : n;
}

/* a pass: what was stamped before the previous pass began */
static int pass(struct ms_events *ev)
{
	uint64_t now = ms_now_ns();
	int n = deliver(ev, ev->horizon_ns);

	ev->horizon_ns = now;
	return n;
}

int ms_events_poll(struct ms_events *ev, int timeout_ms)
{
	int n;

	/*
	 * The BPF side submits without wake-ups, so epoll would sleep the
	 * whole timeout: sleep ourselves, then deliver everything at once.
	 */
	n = pass(ev);
	if (n == 0 && timeout_ms > 0 && !ms_exiting) {
		usleep(timeout_ms * 1000);
		n = pass(ev);
	}
	return n;
}

int ms_events_drain(struct ms_events *ev)
{
	ev->horizon_ns = ms_now_ns();
	return deliver(ev, UINT64_MAX);
}

uint64_t ms_events_drops(const struct ms_events *ev)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals, sum = 0;
	__u32 zero = 0;
	int i;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(ev->drops_fd, &zero, vals))
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

void ms_events_close(struct ms_events *ev)
{
	size_t page = getpagesize();
	int i;

	fill_wait(ev);
	/* never initialised, ev is all zeroes: fd 0 is not ours */
	if (ev->rings && ev->array_fd >= 0)
		close(ev->array_fd);
	ev->array_fd = -1;
	for (i = 0; ev->rings && i < ev->nr_rings; i++) {
		struct ms_cpu_ring *r = &ev->rings[i];

		if (r->cons_pos)
			munmap(r->cons_pos, page);
		if (r->prod_pos)
			munmap((void *)r->prod_pos,
			       page + 2 * (size_t)ev->ring_bytes);
		if (r->fd >= 0)
			close(r->fd);
	}
	free(ev->rings);
	free(ev->active);
	ev->rings = NULL;
	ev->active = NULL;
}
