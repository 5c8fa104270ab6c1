// SPDX-License-Identifier: GPL-2.0
/*
 * Migration packets: allocation, header init, and the byte-stream
 * encoding/decoding of [hdr (24 B)][payload (hdr.size B)] records with the
 * hdr_remaining/remaining counters of upstream xe_sriov_packet.c.
 *
 * The user-copy step is a memcpy; it has a fault site so -EFAULT paths can
 * be exercised.  Where upstream's merged code has defects (docs/upstream-xe.md
 * §10.1, §10.2,
 * §10.13) this follows the fixed behaviour; see comments at each place.
 */
#include <stdlib.h>
#include <string.h>

#include "xe_defects.h"
#include "xe_fault.h"
#include "xe_sriov_packet.h"
#include "xe_sriov_pf_migration.h"
#include "xe_usdt.h"

#define GUC_KLV_0_KEY(dw)	((dw) >> 16)
#define GUC_KLV_0_LEN(dw)	((dw) & 0xffff)
#define GUC_KLV_LEN_MIN		1
#define PREP_KLV(key, len)	(((u32)(key) << 16) | (len))
#define MIGRATION_TRAILER_SIZE	0

static struct xe_sriov_migration_state *pf_pick_migration(struct xe_device *xe,
							  unsigned int vfid)
{
	return &xe->vfs[vfid];
}

__xe_traced struct xe_sriov_packet *xe_sriov_packet_alloc(struct xe_device *xe)
{
	struct xe_sriov_packet *data;

	if (xe_fault_check(MS_SITE_PACKET_ALLOC, 0, XE_FAULT_NO_GT, 0, 0))
		return NULL;
	data = calloc(1, sizeof(*data));
	if (!data)
		return NULL;
	data->xe = xe;
	data->hdr_remaining = sizeof(data->hdr);
	XE_USDT(packet_alloc, U(data));
	return data;
}

__xe_traced void xe_sriov_packet_free(struct xe_sriov_packet *data)
{
	if (IS_ERR_OR_NULL(data))
		return;
	XE_USDT(packet_free, U(data), U(data->hdr.type), U(data->hdr.size));
	if (data->hdr.type == XE_SRIOV_PACKET_TYPE_VRAM)
		xe_bo_unpin_map_no_vm(data->xe, data->bo);
	else
		xe_kvfree(data->buff, data->hdr.size);
	free(data);
}

/*
 * Payload backing store.  VRAM chunks get a pinned sysmem BO, on save and
 * on restore alike (upstream: xe_bo_create_pin_map_novm in pkt_init), the
 * rest kvzalloc.
 * Payload sizes come from the stream on restore (§10.5): sizes above the
 * model's max_alloc fail like an allocation failure would.
 */
static int pkt_init(struct xe_sriov_packet *data)
{
	struct xe_device *xe = data->xe;

	if (!xe_device_get_gt(xe, data->hdr.gt_id))
		return -EINVAL;
	if (!data->hdr.size)
		return 0;
	if (data->hdr.size > xe->cfg.max_alloc)
		return -ENOMEM;

	if (data->hdr.type == XE_SRIOV_PACKET_TYPE_VRAM) {
		struct xe_bo *bo;

		bo = xe_bo_create_pin_map_novm(xe, data->hdr.size);
		if (!bo)
			return -ENOMEM;
		data->bo = bo;
		data->vaddr = bo->vaddr;
	} else {
		void *buff = xe_kvzalloc(xe, data->hdr.size);

		if (!buff)
			return -ENOMEM;
		data->buff = buff;
		data->vaddr = buff;
	}
	return 0;
}

__xe_traced int xe_sriov_packet_init(struct xe_sriov_packet *data, u8 tile_id, u8 gt_id,
			 enum xe_sriov_packet_type type, u64 offset,
			 size_t size)
{
	int ret;

	data->hdr.version = XE_SRIOV_PACKET_SUPPORTED_VERSION;
	data->hdr.type = type;
	data->hdr.tile_id = tile_id;
	data->hdr.gt_id = gt_id;
	data->hdr.flags = 0;
	data->hdr.offset = offset;
	data->hdr.size = size;
	data->remaining = size;

	ret = pkt_init(data);
	XE_USDT(packet_init, U(data), U(data->vfid), U(tile_id), U(gt_id),
		U(type), U(offset), U(size), S(ret));
	return ret;
}

__xe_traced int xe_sriov_packet_init_from_hdr(struct xe_sriov_packet *data)
{
	int ret;

	/* the version is checked before remaining is set, as upstream */
	if (data->hdr.version != XE_SRIOV_PACKET_SUPPORTED_VERSION) {
		ret = -EINVAL;
	} else {
		data->remaining = data->hdr.size;
		ret = pkt_init(data);
	}
	XE_USDT(packet_init_from_hdr, U(data), U(data->vfid),
		U(data->hdr.tile_id), U(data->hdr.gt_id), U(data->hdr.type),
		U(data->hdr.offset), U(data->hdr.size), S(ret));
	return ret;
}

/* to or from the caller's buffer, which is user memory in the kernel */
static int pkt_copy(struct xe_sriov_packet *data, void *dst, const void *src,
		    size_t n, bool to_user)
{
	int err;

	err = xe_fault_check(MS_SITE_USER_COPY, data->vfid, data->hdr.gt_id,
			     data->hdr.type, data->hdr.offset);
	if (err)
		return err;
	if (to_user ? copy_to_user((void __user *)dst, src, n) :
		      copy_from_user(dst, (const void __user *)src, n))
		return -EFAULT;
	return 0;
}

static ssize_t pkt_hdr_read(struct xe_sriov_packet *data, char *buf,
			    size_t len)
{
	size_t off = sizeof(data->hdr) - data->hdr_remaining;
	size_t n = min_t(size_t, len, data->hdr_remaining);
	int err;

	if (!data->hdr_remaining)
		return -EINVAL;
	err = pkt_copy(data, buf, (u8 *)&data->hdr + off, n, true);
	if (err)
		return err;
	data->hdr_remaining -= n;
	return n;
}

static ssize_t pkt_data_read(struct xe_sriov_packet *data, char *buf,
			     size_t len)
{
	size_t off = data->hdr.size - data->remaining;
	size_t n = min_t(size_t, len, data->remaining);
	int err;

	if (!n)
		return 0;
	err = pkt_copy(data, buf, (u8 *)data->vaddr + off, n, true);
	if (err)
		return err;
	data->remaining -= n;
	return n;
}

static ssize_t pkt_read_single(struct xe_sriov_packet **data, char *buf,
			       size_t len)
{
	ssize_t ret;

	if ((*data)->hdr_remaining)
		ret = pkt_hdr_read(*data, buf, len);
	else
		ret = pkt_data_read(*data, buf, len);
	if (ret < 0)
		return ret;

	if (!(*data)->hdr_remaining && !(*data)->remaining) {
		xe_sriov_packet_free(*data);
		*data = NULL;
	}
	return ret;
}

/*
 * The next packet to read: the descriptor, then pending (may block for
 * the next packet), then the trailer.  An interrupted wait is not a
 * packet: it is returned in *restart and pending stays empty, so the
 * read that comes after the signal waits again.  Upstream stores the
 * wait's -ERESTARTSYS in pending like a consume error, which makes it
 * sticky (XE_DEFECT_STICKY_RESTART): every later read returns it.
 */
static struct xe_sriov_packet **pf_pick_read_packet(struct xe_device *xe,
						    unsigned int vfid,
						    int *restart)
{
	struct xe_sriov_migration_state *m = pf_pick_migration(xe, vfid);
	struct xe_sriov_packet *data;

	if (m->descriptor)
		return &m->descriptor;
	if (!m->pending) {
		data = xe_sriov_pf_migration_save_consume(xe, vfid);
		if (PTR_ERR(data) == -ERESTARTSYS &&
		    !(xe->cfg.defects & XE_DEFECT_STICKY_RESTART)) {
			*restart = -ERESTARTSYS;
			return NULL;
		}
		m->pending = data;
	}
	if (m->pending)
		return &m->pending;
	if (m->trailer)
		return &m->trailer;
	return NULL;
}

ssize_t xe_sriov_packet_read_single(struct xe_device *xe, unsigned int vfid,
				    char *buf, size_t len)
{
	int restart = 0;
	struct xe_sriov_packet **data = pf_pick_read_packet(xe, vfid, &restart);

	if (restart)
		return restart;
	if (!data)
		return -ENODATA;
	/* an error stored in pending is sticky until the next save_init */
	if (IS_ERR(*data))
		return PTR_ERR(*data);
	return pkt_read_single(data, buf, len);
}

static ssize_t pkt_hdr_write(struct xe_sriov_packet *data, const char *buf,
			     size_t len)
{
	size_t off = sizeof(data->hdr) - data->hdr_remaining;
	size_t n = min_t(size_t, len, data->hdr_remaining);
	int err;

	err = pkt_copy(data, (u8 *)&data->hdr + off, buf, n, false);
	if (err)
		return err;
	data->hdr_remaining -= n;
	if (!data->hdr_remaining) {
		err = xe_sriov_packet_init_from_hdr(data);
		if (err)
			return err;
	}
	return n;
}

static ssize_t pkt_data_write(struct xe_sriov_packet *data, const char *buf,
			      size_t len)
{
	size_t off = data->hdr.size - data->remaining;
	size_t n = min_t(size_t, len, data->remaining);
	int err;

	if (!n)
		return 0;
	err = pkt_copy(data, (u8 *)data->vaddr + off, buf, n, false);
	if (err)
		return err;
	data->remaining -= n;
	return n;
}

static bool pkt_complete(const struct xe_sriov_packet *data)
{
	return !IS_ERR_OR_NULL(data) && !data->hdr_remaining &&
	       !data->remaining;
}

/*
 * Hand a complete packet on.  A signal in the ring-full wait leaves it
 * pending, whole, for the next write to try again (-ERESTARTSYS).
 */
static int pf_write_produce(struct xe_device *xe, unsigned int vfid,
			    struct xe_sriov_packet **data)
{
	bool consumed = false;
	int err;

	err = __xe_sriov_pf_migration_restore_produce(xe, vfid, *data,
						      &consumed);
	if (err == -ERESTARTSYS && !consumed)
		return err;
	if (err) {
		/*
		 * The 7.1 fix: pending is NULLed so the next write does not
		 * touch the freed packet (§10.1); the defect leaves it
		 * dangling for teardown to free again.  A packet the ring
		 * already took is not freed twice (§10.7).
		 */
		if (!consumed)
			xe_sriov_packet_free(*data);
		if (!(xe->cfg.defects & XE_DEFECT_RESTORE_PENDING_UAF))
			*data = NULL;
		return err;
	}
	*data = NULL;
	return 0;
}

ssize_t xe_sriov_packet_write_single(struct xe_device *xe, unsigned int vfid,
				     const char *buf, size_t len)
{
	struct xe_sriov_packet **data = &pf_pick_migration(xe, vfid)->pending;
	ssize_t ret;
	int err;

	/* a complete packet whose produce a signal interrupted goes first */
	if (pkt_complete(*data)) {
		err = pf_write_produce(xe, vfid, data);
		if (err)
			return err;
	}
	if (IS_ERR_OR_NULL(*data)) {
		*data = xe_sriov_packet_alloc(xe);
		if (!*data)
			return -ENOMEM;
		(*data)->vfid = vfid;
	}

	if ((*data)->hdr_remaining) {
		bool hdr_done = (*data)->hdr_remaining <= len;

		ret = pkt_hdr_write(*data, buf, len);
		/*
		 * A header that fails init_from_hdr is dropped here.  The
		 * merged code kept it and produced it later with no payload
		 * buffer (§10.2); the model never hands such a packet on.
		 */
		if (ret < 0 && hdr_done && !(*data)->hdr_remaining) {
			xe_sriov_packet_free(*data);
			*data = NULL;
		}
	} else {
		ret = pkt_data_write(*data, buf, len);
	}
	if (ret < 0)
		return ret;
	if (pkt_complete(*data)) {
		err = pf_write_produce(xe, vfid, data);
		/* the bytes are in the packet: the produce is retried */
		if (err && err != -ERESTARTSYS)
			return err;
	}
	return ret;
}

static struct xe_sriov_packet *pf_descriptor_init(struct xe_device *xe,
						  unsigned int vfid)
{
	struct xe_sriov_packet *data = xe_sriov_packet_alloc(xe);
	u32 *klvs;
	int ret;

	if (!data)
		return ERR_PTR(-ENOMEM);
	data->vfid = vfid;
	ret = xe_sriov_packet_init(data, 0, 0, XE_SRIOV_PACKET_TYPE_DESCRIPTOR,
				   0, MIGRATION_DESCRIPTOR_DWORDS * sizeof(u32));
	if (ret) {
		xe_sriov_packet_free(data);
		return ERR_PTR(ret);
	}
	klvs = data->vaddr;
	klvs[0] = PREP_KLV(MIGRATION_KLV_DEVICE_DEVID_KEY, 1);
	klvs[1] = xe->info.devid;
	klvs[2] = PREP_KLV(MIGRATION_KLV_DEVICE_REVID_KEY, 1);
	klvs[3] = xe->info.revid;
	return data;
}

static struct xe_sriov_packet *pf_trailer_init(struct xe_device *xe,
					       unsigned int vfid)
{
	struct xe_sriov_packet *data = xe_sriov_packet_alloc(xe);
	int ret;

	if (!data)
		return ERR_PTR(-ENOMEM);
	data->vfid = vfid;
	ret = xe_sriov_packet_init(data, 0, 0, XE_SRIOV_PACKET_TYPE_TRAILER, 0,
				   MIGRATION_TRAILER_SIZE);
	if (ret) {
		xe_sriov_packet_free(data);
		return ERR_PTR(ret);
	}
	return data;
}

__xe_traced int xe_sriov_packet_save_init(struct xe_device *xe, unsigned int vfid)
{
	struct xe_sriov_migration_state *m = pf_pick_migration(xe, vfid);
	struct xe_sriov_packet *desc, *trailer;

	desc = pf_descriptor_init(xe, vfid);
	if (IS_ERR(desc))
		return PTR_ERR(desc);
	trailer = pf_trailer_init(xe, vfid);
	if (IS_ERR(trailer)) {
		xe_sriov_packet_free(desc);
		return PTR_ERR(trailer);
	}

	pthread_mutex_lock(&m->lock);
	/*
	 * Upstream overwrites unread packets and leaks them until teardown
	 * (§10.13); the model frees them unless that defect is enabled.
	 */
	if (!(xe->cfg.defects & XE_DEFECT_SAVE_INIT_LEAK)) {
		xe_sriov_packet_free(m->descriptor);
		xe_sriov_packet_free(m->trailer);
		xe_sriov_packet_free(m->pending);
	}
	m->descriptor = desc;
	m->trailer = trailer;
	m->pending = NULL;
	m->drained = 0;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

__xe_traced int xe_sriov_packet_process_descriptor(struct xe_device *xe, unsigned int vfid,
				       struct xe_sriov_packet *data)
{
	u32 devid = 0, revid = 0;
	const u32 *klvs = data->vaddr;
	size_t n = data->hdr.size / sizeof(u32), i = 0;
	int ret = 0;

	if (data->hdr.tile_id || data->hdr.gt_id) {
		ret = -EINVAL;
		goto out;
	}
	if (data->hdr.size % sizeof(u32)) {
		xe_notice(xe, "VF%u descriptor not in KLV format", vfid);
		ret = -EINVAL;
		goto out;
	}
	while (i < n) {
		u32 key = GUC_KLV_0_KEY(klvs[i]);
		u32 len = GUC_KLV_0_LEN(klvs[i]);

		i++;
		if (len > n - i) {
			xe_notice(xe, "VF%u descriptor: truncated KLV %#x", vfid, key);
			ret = -EINVAL;
			goto out;
		}
		if (key == MIGRATION_KLV_DEVICE_DEVID_KEY && len >= GUC_KLV_LEN_MIN) {
			devid = klvs[i];
			if (devid != xe->info.devid) {
				xe_notice(xe, "Aborting migration, devid mismatch %#x != %#x",
					  devid, xe->info.devid);
				ret = -ENODEV;
				goto out;
			}
		} else if (key == MIGRATION_KLV_DEVICE_REVID_KEY &&
			   len >= GUC_KLV_LEN_MIN) {
			revid = klvs[i];
			if (revid != xe->info.revid) {
				xe_notice(xe, "Aborting migration, revid mismatch %#x != %#x",
					  revid, xe->info.revid);
				ret = -ENODEV;
				goto out;
			}
		} else {
			xe_dbg(xe, "VF%u descriptor: skipping unknown KLV %#x len %u",
			       vfid, key, len);
		}
		i += len;
	}
out:
	XE_USDT(descriptor, U(vfid), U(devid), U(revid), S(ret));
	return ret;
}
