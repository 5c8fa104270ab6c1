// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the xe migration reference model: wire header, stream
 * encoding with partial reads and writes at every split point, rings,
 * the control state machine's preconditions and walks, VRAM chunking,
 * restore-side validation and fault-site error paths.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "model_dev.h"
#include "xe_device.h"
#include "xe_defects.h"
#include "xe_fault.h"
#include "xe_ggtt.h"
#include "xe_gt_sriov_pf_control.h"
#include "xe_gt_sriov_pf_migration.h"
#include "xe_sriov_names.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_control.h"
#include "xe_sriov_pf_migration.h"
#include "xe_sriov_vfio.h"

#define ST(n)		XE_GT_SRIOV_STATE_##n
#define HAS(xe, gt, vf, n) \
	(!!(xe_gt_sriov_pf_control_state(&(xe)->gts[gt], vf) & (1ULL << ST(n))))

static struct xe_device *small_dev(u64 seed)
{
	/* 376-byte stream: cheap enough to split at every byte */
	struct xe_device *xe = mkdev("ptl", 0, 512ULL << 20, 64, 16384, seed);

	/*
	 * Byte-exact stream comparisons need one packet order: since 7.1 the
	 * reader takes whichever GT has data, so GTs interleave by timing.
	 * 6.19's strict GT order keeps it fixed (test_model_7x shows both).
	 */
	xe->cfg.defects |= XE_V619_STRICT_CONSUME;
	return xe;
}

static int ensure_paused(struct xe_device *xe, unsigned int vf)
{
	if (HAS(xe, 0, vf, PAUSED))
		return 0;
	return xe_sriov_vfio_suspend_device(xe, vf);
}

/* a whole save; reads in `step`-byte calls (0: one big call) */
static size_t save_stream(struct xe_device *xe, unsigned int vf, u8 **out,
			  size_t step, int *err)
{
	size_t cap = 1 << 16, len = 0;
	u8 *buf = malloc(cap);
	ssize_t n;

	*err = ensure_paused(xe, vf);
	if (!*err)
		*err = xe_sriov_vfio_stop_copy_enter(xe, vf);
	while (!*err) {
		size_t want = step ? step : 65536;

		if (len + want > cap) {
			cap = (len + want) * 2;
			buf = realloc(buf, cap);
		}
		n = xe_sriov_vfio_data_read(xe, vf, (char *)buf + len, want);
		if (n < 0)
			*err = n;
		if (n <= 0)
			break;
		len += n;
	}
	if (!*err)
		*err = xe_sriov_vfio_stop_copy_exit(xe, vf);
	*out = buf;
	return len;
}

/* a whole restore: first `split` bytes, then `step`-byte calls */
static int restore_stream(struct xe_device *xe, unsigned int vf, const u8 *s,
			  size_t len, size_t split, size_t step)
{
	size_t off = 0;
	ssize_t n;
	int err;

	err = ensure_paused(xe, vf);
	if (!err)
		err = xe_sriov_vfio_resume_data_enter(xe, vf);
	if (err)
		return err;
	if (split) {
		n = xe_sriov_vfio_data_write(xe, vf, (const char *)s, split);
		if (n != (ssize_t)split)
			return n < 0 ? n : -EIO;
		off = split;
	}
	while (off < len) {
		size_t want = step && step < len - off ? step : len - off;

		n = xe_sriov_vfio_data_write(xe, vf, (const char *)s + off, want);
		if (n < 0)
			return n;
		if (n != (ssize_t)want)
			return -EIO;
		off += n;
	}
	return xe_sriov_vfio_resume_data_exit(xe, vf);
}

static bool restored_equal(struct xe_device *dst, struct xe_device *src,
			   unsigned int vf)
{
	struct xe_vf_digest a, b;

	xe_device_vf_digest(src, vf, &a);
	xe_device_vf_digest(dst, vf, &b);
	return !xe_vf_digest_diff(&a, &b, dst->info.gt_count);
}

struct pkt_view {
	struct xe_sriov_packet_hdr hdr;
	size_t at;
};

static unsigned int parse(const u8 *s, size_t len, struct pkt_view *v,
			  unsigned int max)
{
	unsigned int n = 0;
	size_t off = 0;

	while (off + 24 <= len && n < max) {
		memcpy(&v[n].hdr, s + off, 24);
		v[n].at = off;
		off += 24 + v[n].hdr.size;
		n++;
	}
	return off == len ? n : 0;
}

/* ------------------------------------------------------------------------ */

static void test_header(void)
{
	struct xe_device *xe = small_dev(1);
	struct pkt_view v[16];
	u8 *s;
	int err;
	size_t len = save_stream(xe, 1, &s, 0, &err);
	unsigned int n = parse(s, len, v, 16);
	const u32 *klv = (const u32 *)(s + 24);
	static const u8 want[] = { 1, 5, 3, 4, 5, 4, 2 };
	bool order = n == 7;
	unsigned int i;

	check(offsetof(struct xe_sriov_packet_hdr, flags) == 4 &&
	      offsetof(struct xe_sriov_packet_hdr, offset) == 8 &&
	      offsetof(struct xe_sriov_packet_hdr, size) == 16 &&
	      sizeof(struct xe_sriov_packet_hdr) == 24,
	      "header: packed 24-byte layout", "layout differs");
	check(!err && len == 376, "header: small save stream", "err %d len %zu",
	      err, len);
	for (i = 0; order && i < n; i++)
		order = v[i].hdr.type == want[i] && v[i].hdr.version == 1 &&
			!v[i].hdr.flags && !v[i].hdr.offset;
	check(order, "header: order DESC GUC GGTT MMIO GUC MMIO TRAILER",
	      "%u packets", n);
	check(n == 7 && v[0].hdr.size == 16 && klv[0] == (0xf001u << 16 | 1) &&
	      klv[1] == xe->info.devid && klv[2] == (0xf002u << 16 | 1) &&
	      klv[3] == xe->info.revid, "header: descriptor KLVs devid/revid",
	      "bad descriptor");
	check(n == 7 && v[6].hdr.size == 0 && v[6].at + 24 == len &&
	      !v[6].hdr.tile_id && !v[6].hdr.gt_id, "header: empty trailer last",
	      "bad trailer");
	check(n == 7 && v[1].hdr.gt_id == 0 && v[4].hdr.gt_id == 1 &&
	      v[3].hdr.size == 16 && v[2].hdr.size == 16384 / 4096 * 8,
	      "header: GT ids and MMIO/GGTT sizes", "bad per-GT packets");
	free(s);
	xe_device_destroy(xe);
}

static void test_partial_io(void)
{
	struct xe_device *src = small_dev(1), *dst = small_dev(2);
	size_t len, l2, p, k;
	bool reads_ok = true, writes_ok = true, split_ok = true;
	u8 *ref, *s;
	int err;

	len = save_stream(src, 1, &ref, 0, &err);
	for (k = 1; k <= 64 && reads_ok; k++) {
		l2 = save_stream(src, 1, &s, k, &err);
		reads_ok = !err && l2 == len && !memcmp(s, ref, len);
		free(s);
	}
	check(reads_ok, "partial: reads of every size 1..64 give the same stream",
	      "read size %zu differs (err %d)", k - 1, err);

	for (k = 1; k <= 64 && writes_ok; k++) {
		xe_device_fill_vf(dst, 1, 2);
		err = restore_stream(dst, 1, ref, len, 0, k);
		writes_ok = !err && restored_equal(dst, src, 1);
	}
	check(writes_ok, "partial: writes of every size 1..64 restore the VF",
	      "write size %zu: err %d", k - 1, err);

	for (p = 1; p < len && split_ok; p++) {
		xe_device_fill_vf(dst, 1, 2);
		err = restore_stream(dst, 1, ref, len, p, 0);
		split_ok = !err && restored_equal(dst, src, 1);
	}
	check(split_ok, "partial: a write split at every byte restores the VF",
	      "split at %zu: err %d", p - 1, err);
	free(ref);
	xe_device_destroy(src);
	xe_device_destroy(dst);
}

static void test_vfio_checks(void)
{
	struct xe_device *xe = small_dev(1);
	char b[8];

	check(xe_sriov_vfio_data_read(NULL, 1, b, 8) == -EPERM &&
	      xe_sriov_vfio_suspend_device(NULL, 1) == -EPERM,
	      "vfio: not a PF -> -EPERM", "wrong code");
	check(xe_sriov_vfio_data_read(xe, 0, b, 8) == -EINVAL &&
	      xe_sriov_vfio_data_write(xe, 3, b, 8) == -EINVAL &&
	      xe_sriov_vfio_stop_copy_enter(xe, 0) == -EINVAL,
	      "vfio: vfid 0 or > num_vfs -> -EINVAL", "wrong code");
	check(xe_sriov_vfio_stop_copy_size(xe, 1) == 376 - 40 - 24,
	      "vfio: stop_copy_size ignores descriptor and trailer",
	      "size %zd", xe_sriov_vfio_stop_copy_size(xe, 1));
	xe_device_destroy(xe);
}

/* ring: 5 slots, FIFO, -ENOSPC when full */
static void test_ring(void)
{
	struct xe_device *xe = small_dev(0);
	struct xe_gt *gt = &xe->gts[0];
	struct xe_sriov_packet *p[6], *q;
	bool fifo = true;
	int i, ret = 0;

	for (i = 0; i < 6; i++) {
		p[i] = xe_sriov_packet_alloc(xe);
		xe_sriov_packet_init(p[i], 0, 0, XE_SRIOV_PACKET_TYPE_MMIO, 0, 16);
	}
	check(xe_gt_sriov_pf_migration_ring_empty(gt, 1), "ring: starts empty",
	      "not empty");
	for (i = 0; i < 5 && !ret; i++)
		ret = xe_gt_sriov_pf_migration_save_produce(gt, 1, p[i]);
	check(!ret && xe_gt_sriov_pf_migration_ring_full(gt, 1),
	      "ring: 5 packets fill it", "ret %d", ret);
	ret = xe_gt_sriov_pf_migration_save_produce(gt, 1, p[5]);
	check(ret == -ENOSPC, "ring: produce on a full ring -> -ENOSPC", "ret %d",
	      ret);
	for (i = 0; i < 5; i++) {
		q = xe_gt_sriov_pf_migration_restore_consume(gt, 1);
		fifo = fifo && q == p[i];
		xe_sriov_packet_free(q);
	}
	check(fifo && !xe_gt_sriov_pf_migration_restore_consume(gt, 1),
	      "ring: FIFO order, NULL when empty", "order broken");
	check(xe_gt_sriov_pf_migration_ring_empty(gt, 1) &&
	      xe_gt_sriov_pf_migration_ring_empty(&xe->gts[1], 1),
	      "ring: one ring per GT", "not empty");
	xe_sriov_packet_free(p[5]);
	xe_device_destroy(xe);
}

/* --- blocking behaviour -------------------------------------------------- */

struct writer {
	struct xe_device *xe;
	const u8 *s;
	size_t len;
	ssize_t ret;
	volatile bool done;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;

	w->ret = xe_sriov_vfio_data_write(w->xe, 1, (const char *)w->s, w->len);
	w->done = true;
	return NULL;
}

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_closed;

static void gate_set(bool closed)
{
	pthread_mutex_lock(&gate_lock);
	gate_closed = closed;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

/* parks GT0's worker at the start of each restore step while closed */
static void set_hook(xe_gt_sriov_pf_control_state_hook_fn fn)
{
	__atomic_store_n(&xe_gt_sriov_pf_control_state_hook, fn,
			 __ATOMIC_RELEASE);
}

static void gate_hook(struct xe_gt *gt, unsigned int vfid, unsigned int bit,
		      bool enter, u64 state)
{
	(void)state;
	if (gt->info.id || vfid != 1 || enter ||
	    bit != ST(RESTORE_PROCESS_DATA) ||
	    !pthread_equal(pthread_self(), gt->sriov.pf.control.worker.thread))
		return;
	pthread_mutex_lock(&gate_lock);
	while (gate_closed)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

static void test_blocking(void)
{
	/* 1M of VRAM in 64K chunks: the save worker fills the ring and parks */
	struct xe_device *src = mkdev("bmg", SZ_1M, 65536, 4096, 65536, 1);
	struct xe_device *dst = mkdev("bmg", SZ_1M, 65536, 4096, 65536, 2);
	struct writer w = { .xe = dst };
	pthread_t th;
	u8 *s;
	int err, i;
	size_t len;

	ensure_paused(src, 1);
	xe_sriov_vfio_stop_copy_enter(src, 1);
	for (i = 0; i < 200 && !HAS(src, 0, 1, SAVE_WAIT_DATA); i++)
		usleep(1000);
	check(HAS(src, 0, 1, SAVE_WAIT_DATA) &&
	      xe_gt_sriov_pf_migration_ring_full(&src->gts[0], 1),
	      "block: save worker parks in SAVE_WAIT_DATA on a full ring",
	      "state %#llx",
	      (unsigned long long)xe_gt_sriov_pf_control_state(&src->gts[0], 1));
	err = xe_sriov_vfio_stop_copy_exit(src, 1);
	check(err == -EIO, "block: finish_save before SAVE_DATA_DONE -> -EIO",
	      "err %d", err);
	/* carry on: everything must still come out */
	len = 0;
	s = malloc(4 << 20);
	for (;;) {
		ssize_t n = xe_sriov_vfio_data_read(src, 1, (char *)s + len, 100000);

		if (n <= 0) {
			err = n;
			break;
		}
		len += n;
	}
	check(!err && !xe_sriov_vfio_stop_copy_exit(src, 1) &&
	      HAS(src, 0, 1, SAVED) && !HAS(src, 0, 1, SAVE_WIP),
	      "block: reader drains, read returns 0 at EOF, SAVED", "err %d", err);

	/* hold the restore worker: the writer must block on the 6th packet */
	ensure_paused(dst, 1);
	gate_set(true);
	set_hook(gate_hook);
	err = xe_sriov_vfio_resume_data_enter(dst, 1);
	w.s = s;
	w.len = len;
	pthread_create(&th, NULL, writer_fn, &w);
	usleep(100000);
	check(!err && !w.done &&
	      xe_gt_sriov_pf_migration_ring_full(&dst->gts[0], 1),
	      "block: writer blocks on a full restore ring", "done %d", w.done);
	gate_set(false);
	pthread_join(th, NULL);
	set_hook(NULL);
	check(w.ret == (ssize_t)len && !xe_sriov_vfio_resume_data_exit(dst, 1) &&
	      restored_equal(dst, src, 1),
	      "block: writer resumes once the worker consumes; VF restored",
	      "ret %zd", w.ret);
	free(s);
	xe_device_destroy(src);
	xe_device_destroy(dst);
}

/* --- control state machine ------------------------------------------------ */

/*
 * The hook runs after each bit operation, in whichever thread made it: the
 * caller enters e.g. RESUME_SEND_RESUME and queues the worker, and a worker
 * already running for this VF (upstream requeues it freely) can clear the
 * bit before the caller's hook call for the enter has happened.  So the
 * order of hook calls across threads is not the order of the walk, just as
 * upstream's "enter"/"exit" debug lines from two contexts can interleave.
 * What is ordered is the state word: every change is one atomic RMW, and
 * each event carries the bitmap it left.  The walk is rebuilt by chaining
 * events (state before = state after with the bit flipped) from the state
 * at the start, taking each thread's own events in program order, and is
 * then compared exactly.
 */
#define WALK_MAX	128

struct walk_ev {
	pthread_t thread;
	unsigned int bit;
	bool enter;
	u64 state;
};

static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct walk_ev walk_ev[WALK_MAX];
static unsigned int walk_len;
static bool walk_overflow;
static struct xe_gt *walk_gt;
static u64 walk_start;

static void log_hook(struct xe_gt *gt, unsigned int vfid, unsigned int bit,
		     bool enter, u64 state)
{
	if (gt != walk_gt || vfid != 1)
		return;
	pthread_mutex_lock(&walk_lock);
	if (walk_len < WALK_MAX)
		walk_ev[walk_len++] = (struct walk_ev){ pthread_self(), bit,
							enter, state };
	else
		walk_overflow = true;
	pthread_mutex_unlock(&walk_lock);
}

/* call with nothing in flight for the VF */
static void walk_begin(struct xe_gt *gt)
{
	pthread_mutex_lock(&walk_lock);
	walk_gt = gt;
	walk_len = 0;
	walk_overflow = false;
	walk_start = xe_gt_sriov_pf_control_state(gt, 1);
	pthread_mutex_unlock(&walk_lock);
}

/* the first unused event of ev[i]'s thread is ev[i] itself */
static bool walk_is_next(const struct walk_ev *ev, const bool *used,
			 unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (!used[j] && pthread_equal(ev[j].thread, ev[i].thread))
			return false;
	return true;
}

static bool walk_chain(const struct walk_ev *ev, unsigned int n, bool *used,
		       unsigned int *order, unsigned int depth, u64 cur)
{
	unsigned int i;

	if (depth == n)
		return true;
	for (i = 0; i < n; i++) {
		u64 before = ev[i].state ^ (1ULL << ev[i].bit);

		if (used[i] || before != cur || !walk_is_next(ev, used, i) ||
		    !!(ev[i].state & (1ULL << ev[i].bit)) != ev[i].enter)
			continue;
		used[i] = true;
		order[depth] = i;
		if (walk_chain(ev, n, used, order, depth + 1, ev[i].state))
			return true;
		used[i] = false;
	}
	return false;
}

/* the walk so far as "+BIT -BIT ...", or why it has no consistent order */
static void walk_text(char *buf, size_t len)
{
	struct walk_ev ev[WALK_MAX];
	unsigned int order[WALK_MAX], n, i;
	bool used[WALK_MAX] = { false };
	size_t used_len = 0;
	u64 start;

	pthread_mutex_lock(&walk_lock);
	n = walk_len;
	memcpy(ev, walk_ev, n * sizeof(ev[0]));
	start = walk_start;
	buf[0] = 0;
	if (walk_overflow)
		snprintf(buf, len, "(more than %d transitions)", WALK_MAX);
	pthread_mutex_unlock(&walk_lock);
	if (buf[0])
		return;
	if (!walk_chain(ev, n, used, order, 0, start)) {
		used_len = snprintf(buf, len, "(no order fits the states:");
		for (i = 0; i < n && used_len < len; i++)
			used_len += snprintf(buf + used_len, len - used_len,
					     " %c%s", ev[i].enter ? '+' : '-',
					     xe_state_name(ev[i].bit));
		if (used_len < len)
			snprintf(buf + used_len, len - used_len, ")");
		return;
	}
	for (i = 0; i < n && used_len < len; i++)
		used_len += snprintf(buf + used_len, len - used_len, "%c%s ",
				     ev[order[i]].enter ? '+' : '-',
				     xe_state_name(ev[order[i]].bit));
}

/*
 * A worker's last hook calls can still be running when the caller has
 * already seen the bit it waited for (e.g. SAVE_DATA_DONE): poll until the
 * rebuilt walk is the expected one, for at most a second.
 */
static bool walk_is(const char *want, char *buf, size_t len)
{
	int i;

	for (i = 0; i < 1000; i++) {
		walk_text(buf, len);
		if (!strcmp(buf, want))
			return true;
		usleep(1000);
	}
	return false;
}

static void test_walks(void)
{
	struct xe_device *xe = small_dev(1);
	char got[4096];
	bool ok;
	u8 *s;
	int err;

	set_hook(log_hook);
	walk_begin(&xe->gts[0]);
	err = xe_sriov_vfio_suspend_device(xe, 1);
	ok = walk_is(
		"+PAUSE_WIP +WIP +PAUSE_SEND_PAUSE -PAUSE_SEND_PAUSE "
		"+PAUSE_WAIT_GUC -PAUSE_WAIT_GUC +PAUSE_GUC_DONE -PAUSE_GUC_DONE "
		"+PAUSED -WIP -PAUSE_WIP ", got, sizeof(got));
	check(!err && ok,
	      "walk: pause goes through the upstream intermediate states",
	      "err %d: %s", err, got);
	/*
	 * GT0 of this device produces GUC, GGTT, MMIO: one packet per step,
	 * never a full ring, so no WAIT_DATA and no consumer-side requeue.
	 */
	walk_begin(&xe->gts[0]);
	save_stream(xe, 1, &s, 0, &err);
	ok = walk_is(
		"+SAVE_WIP +WIP +SAVE_PROCESS_DATA "
		"-SAVE_PROCESS_DATA +SAVE_PROCESS_DATA "
		"-SAVE_PROCESS_DATA +SAVE_PROCESS_DATA "
		"-SAVE_PROCESS_DATA +SAVE_PROCESS_DATA "
		"-SAVE_PROCESS_DATA +SAVE_DATA_DONE "
		"-SAVE_DATA_DONE +SAVED -WIP -SAVE_WIP ", got, sizeof(got));
	check(!err && ok,
	      "walk: save PAUSED -> SAVE_WIP..DATA_DONE -> SAVED",
	      "err %d: %s", err, got);
	free(s);
	walk_begin(&xe->gts[0]);
	err = xe_sriov_vfio_resume_device(xe, 1);
	ok = walk_is(
		"+RESUME_WIP +WIP +RESUME_SEND_RESUME -RESUME_SEND_RESUME "
		"+RESUMED -PAUSED -SAVED -WIP -RESUME_WIP ", got, sizeof(got));
	check(!err && ok,
	      "walk: resume clears PAUSED and SAVED", "err %d: %s", err, got);
	/* GT0's SYNC may be released by GT1's worker: the chain orders it */
	walk_begin(&xe->gts[0]);
	err = xe_sriov_pf_control_reset_vf(xe, 1);
	ok = walk_is(
		"+FLR_WIP +WIP +FLR_SEND_START -FLR_SEND_START "
		"+FLR_WAIT_GUC -FLR_WAIT_GUC +FLR_GUC_DONE -FLR_GUC_DONE "
		"+FLR_SYNC -FLR_SYNC +FLR_RESET_CONFIG -FLR_RESET_CONFIG "
		"+FLR_RESET_DATA -FLR_RESET_DATA +FLR_RESET_MMIO -FLR_RESET_MMIO "
		"+FLR_SEND_FINISH -FLR_SEND_FINISH -RESUMED -WIP -FLR_WIP ",
		got, sizeof(got));
	check(!err && ok && !xe_gt_sriov_pf_control_state(&xe->gts[0], 1) &&
	      !xe_gt_sriov_pf_control_state(&xe->gts[1], 1),
	      "walk: FLR through SYNC and resets to READY", "err %d: %s", err,
	      got);
	set_hook(NULL);
	xe_device_destroy(xe);
}

#define EXPECT(call, want, name) do {					\
	int e__ = (call);						\
	check(e__ == (want), name, "got %d, want %d", e__, (want));	\
} while (0)

static void test_preconditions(void)
{
	struct xe_device *xe = mkdev("bmg", SZ_1M, 65536, 4096, 65536, 1);
	struct xe_gt *gt = &xe->gts[0];
	struct xe_gt *gt1 = &xe->gts[1];
	char b[64];

	EXPECT(xe_gt_sriov_pf_control_resume_vf(gt, 1), -EPERM,
	       "ctl: resume of a running VF -> -EPERM");
	EXPECT(xe_gt_sriov_pf_control_trigger_save_vf(gt, 1), -EPERM,
	       "ctl: save of a running VF -> -EPERM");
	EXPECT(xe_gt_sriov_pf_control_trigger_restore_vf(gt, 1), -EPERM,
	       "ctl: restore of a running VF -> -EPERM");
	EXPECT(xe_gt_sriov_pf_control_pause_vf(gt, 1), 0, "ctl: pause -> 0");
	EXPECT(xe_gt_sriov_pf_control_pause_vf(gt, 1), -ESTALE,
	       "ctl: pause of a paused VF -> -ESTALE");
	EXPECT(xe_gt_sriov_pf_control_pause_vf(gt1, 1), 0, "ctl: pause gt1 -> 0");
	EXPECT(xe_sriov_pf_control_pause_vf(xe, 1), -EUCLEAN,
	       "ctl: device pause with every GT failing -> -EUCLEAN");
	EXPECT(xe_sriov_pf_control_trigger_save_vf(xe, 1), 0,
	       "ctl: trigger save when paused -> 0");
	EXPECT(xe_gt_sriov_pf_control_trigger_save_vf(gt, 1), -EALREADY,
	       "ctl: second save trigger -> -EALREADY");
	EXPECT(xe_gt_sriov_pf_control_trigger_restore_vf(gt, 1), -EBUSY,
	       "ctl: restore while saving -> -EBUSY");
	EXPECT(xe_gt_sriov_pf_control_resume_vf(gt, 1), -EBUSY,
	       "ctl: resume while saving -> -EBUSY");
	while (xe_sriov_vfio_data_read(xe, 1, b, sizeof(b)) > 0)
		;
	EXPECT(xe_sriov_pf_control_finish_save_vf(xe, 1), 0,
	       "ctl: finish save after EOF -> 0");
	check(HAS(xe, 0, 1, SAVED) && HAS(xe, 0, 1, PAUSED),
	      "ctl: SAVED and PAUSED after finish", "state wrong");
	EXPECT(xe_gt_sriov_pf_control_finish_save_vf(gt, 1), -EIO,
	       "ctl: finish save without SAVE_DATA_DONE -> -EIO");
	EXPECT(xe_sriov_pf_control_trigger_restore_vf(xe, 1), 0,
	       "ctl: trigger restore when paused -> 0");
	EXPECT(xe_gt_sriov_pf_control_trigger_restore_vf(gt, 1), -EALREADY,
	       "ctl: second restore trigger -> -EALREADY");
	EXPECT(xe_gt_sriov_pf_control_trigger_save_vf(gt, 1), -EBUSY,
	       "ctl: save while restoring -> -EBUSY");
	EXPECT(xe_gt_sriov_pf_control_resume_vf(gt, 1), -EBUSY,
	       "ctl: resume while restoring -> -EBUSY");
	EXPECT(xe_gt_sriov_pf_control_finish_restore_vf(gt, 1), -ETIMEDOUT,
	       "ctl: finish restore without a trailer -> -ETIMEDOUT");
	EXPECT(xe_sriov_pf_control_stop_vf(xe, 1), 0, "ctl: stop -> 0");
	check(HAS(xe, 0, 1, STOPPED) && !HAS(xe, 0, 1, PAUSED) &&
	      !HAS(xe, 0, 1, RESTORE_WIP) && !HAS(xe, 0, 1, WIP),
	      "ctl: STOPPED clears PAUSED and WIP", "state wrong");
	EXPECT(xe_gt_sriov_pf_control_stop_vf(gt, 1), -ESTALE,
	       "ctl: stop of a stopped VF -> -ESTALE");
	EXPECT(xe_gt_sriov_pf_control_pause_vf(gt, 1), -EPERM,
	       "ctl: pause of a stopped VF -> -EPERM");
	EXPECT(xe_gt_sriov_pf_control_trigger_save_vf(gt, 1), -EPERM,
	       "ctl: save of a stopped VF -> -EPERM");
	EXPECT(xe_gt_sriov_pf_control_trigger_restore_vf(gt, 1), -EPERM,
	       "ctl: restore of a stopped VF -> -EPERM");
	EXPECT(xe_gt_sriov_pf_control_resume_vf(gt, 1), -EPERM,
	       "ctl: resume of a stopped VF -> -EPERM");
	EXPECT(xe_sriov_vfio_wait_flr_done(xe, 1), 0,
	       "ctl: wait_flr without FLR -> 0");
	EXPECT(xe_sriov_pf_control_reset_vf(xe, 1), 0, "ctl: FLR -> 0");
	check(!xe_gt_sriov_pf_control_state(gt, 1) &&
	      !xe_gt_sriov_pf_control_state(gt1, 1),
	      "ctl: READY (no bits) after FLR", "state %#llx",
	      (unsigned long long)xe_gt_sriov_pf_control_state(gt, 1));
	EXPECT(xe_gt_sriov_pf_control_pause_vf(gt, 1), 0,
	       "ctl: pause works again after FLR");
	check(!HAS(xe, 0, 2, PAUSED), "ctl: VFs are independent", "VF2 paused");
	xe_device_destroy(xe);
}

/* the worker clears `bit` within a second */
static bool wait_not_state(struct xe_device *xe, unsigned int gt,
			   unsigned int vf, unsigned int bit)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (!(xe_gt_sriov_pf_control_state(&xe->gts[gt], vf) &
		      (1ULL << bit)))
			return true;
		usleep(1000);
	}
	return false;
}

/* save errors: SAVE_FAILED, sticky -EIO, finish -EIO */
static void test_save_failed(void)
{
	struct xe_device *xe = mkdev("bmg", SZ_1M, 65536, 4096, 65536, 1);
	struct xe_ggtt_node *node = xe->gts[0].sriov.pf.vfs[1].ggtt;
	char b[4096];
	ssize_t n;

	/* a PTE of another VF in VF1's range: GGTT save says -EPERM */
	node->ptes[3] = (node->ptes[3] & ~GGTT_PTE_VFID) |
			(2ULL << GGTT_PTE_VFID_SHIFT);
	ensure_paused(xe, 1);
	xe_sriov_vfio_stop_copy_enter(xe, 1);
	do {
		n = xe_sriov_vfio_data_read(xe, 1, b, sizeof(b));
	} while (n > 0);
	/*
	 * SAVE_FAILED is set before the reader is woken, so it is seen with
	 * the -EIO; the worker leaves SAVE_WIP only after that wake (upstream
	 * order: enter FAILED, wake_up_all, exit WIP), so wait for it.
	 */
	check(n == -EIO && HAS(xe, 0, 1, SAVE_FAILED) &&
	      wait_not_state(xe, 0, 1, XE_GT_SRIOV_STATE_SAVE_WIP),
	      "fail: GGTT PTE of another VF -> SAVE_FAILED, read -EIO",
	      "n %zd, state %#llx", n,
	      (unsigned long long)xe_gt_sriov_pf_control_state(&xe->gts[0], 1));
	n = xe_sriov_vfio_data_read(xe, 1, b, sizeof(b));
	check(n == -EIO, "fail: the error is sticky", "n %zd", n);
	EXPECT(xe_sriov_vfio_stop_copy_exit(xe, 1), -EIO,
	       "fail: stop_copy_exit after SAVE_FAILED -> -EIO");
	xe_device_destroy(xe);
}

/* fault sites: an armed verdict takes the upstream error path */
static void test_faults(void)
{
	struct xe_device *xe = mkdev("bmg", SZ_1M, 65536, 4096, 65536, 1);
	char b[4096];
	ssize_t n;
	int i;

	if (xe_fault_init(false)) {
		check_skip("fault: data_read verdict", "no BPF map (needs CAP_BPF)");
		xe_device_destroy(xe);
		return;
	}
	ensure_paused(xe, 1);
	xe_sriov_vfio_stop_copy_enter(xe, 1);
	xe_fault_arm_self(-EFAULT);
	n = xe_sriov_vfio_data_read(xe, 1, b, sizeof(b));
	check(n == -EFAULT, "fault: data_read entry verdict is returned", "n %zd", n);
	n = xe_sriov_vfio_data_read(xe, 1, b, 24);
	check(n == 24, "fault: verdict is one-shot", "n %zd", n);
	do {
		n = xe_sriov_vfio_data_read(xe, 1, b, sizeof(b));
	} while (n > 0);
	check(n == 0, "fault: no verdict, no failure", "n %zd", n);
	xe_sriov_vfio_stop_copy_exit(xe, 1);

	/* worker side: arm every other thread while the worker is parked */
	xe_sriov_vfio_stop_copy_enter(xe, 1);
	for (i = 0; i < 200 && !HAS(xe, 0, 1, SAVE_WAIT_DATA); i++)
		usleep(1000);
	xe_fault_arm_others(-ETIME);
	do {
		n = xe_sriov_vfio_data_read(xe, 1, b, sizeof(b));
	} while (n > 0);
	xe_fault_arm_others(0);
	check(n == -EIO && HAS(xe, 0, 1, SAVE_FAILED),
	      "fault: worker-side verdict -> SAVE_FAILED, read -EIO", "n %zd", n);
	/*
	 * Only once the workers are joined: GT1's can still be in a fault
	 * site (the reader stopped at GT0's error), and fini unmaps the slots.
	 */
	xe_device_destroy(xe);
	xe_fault_fini();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_header();
	test_partial_io();
	test_vfio_checks();
	test_ring();
	test_blocking();
	test_walks();
	test_preconditions();
	test_save_failed();
	test_faults();
	return check_exit();
}
