// SPDX-License-Identifier: GPL-2.0
/*
 * Events as a Chrome JSON trace for ui.perfetto.dev: the one Perfetto
 * renderer of every event type.
 *
 * LAPIC events are instants on a track per vCPU of their VMM's process.
 * Migration events: one Perfetto process per traced (pid, VF).  Its threads are tracks:
 *   GT<n> states      state bits as slices (enter .. exit)
 *   GT<n> packets     packet lifetimes (alloc .. free)
 *   data_read / data_write   one slice per call
 *   events            instants: errors, injected faults
 * plus counters "GT<n> ring occupancy" and "VRAM Gbit/s".
 *
 * Slices on one track must nest strictly and these overlap (several bits
 * are set at once, five packets sit in a ring), so each track is split into
 * lanes: a slice goes to the first lane whose last slice has ended.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "fault_sites.h"
#include "perfetto_events.h"
#include "render.h"
#include "xe_sriov_abi.h"
#include "xe_sriov_names.h"

#define PF_PROCS	64	/* (pid, VF) pairs followed */
#define PF_LANES	16
#define PF_PKTS		1024	/* packets alive at once we keep track of */

enum pf_track {
	PF_STATES,
	PF_PACKETS,
	PF_DATA_READ,
	PF_DATA_WRITE,
	PF_EVENTS,
	PF_NR_TRACKS,
};

static const char *const track_names[PF_NR_TRACKS] = {
	"states", "packets", "data_read", "data_write", "events",
};

struct pf_lanes {
	uint64_t end[PF_LANES];
	bool named[PF_LANES];
};

struct pf_proc {
	uint32_t pid;
	uint16_t vf;
	bool used;
	struct pf_lanes lanes[MS_MAX_GT + 1][PF_NR_TRACKS];
	uint64_t since[MS_MAX_GT][64];
};

/* a packet between alloc (or init) and free */
struct pf_pkt {
	uint64_t pkt;
	uint64_t start;
	uint32_t pid;
	uint16_t vf;
	uint8_t gt;
	uint8_t type;
	uint64_t size;
	bool used;
};

struct ms_pf {
	struct perfetto p;
	struct pf_proc procs[PF_PROCS];
	struct pf_pkt pkts[PF_PKTS];
};

struct ms_pf *ms_pf_open(const char *path, uint64_t t0_ns)
{
	struct ms_pf *pf = calloc(1, sizeof(*pf));

	if (!pf) {
		ms_err("out of memory");
		return NULL;
	}
	if (perfetto_open(&pf->p, path, t0_ns)) {
		free(pf);
		return NULL;
	}
	return pf;
}

/* perfetto pid of a (pid, VF): 1-based slot, named on first use */
static struct pf_proc *proc_of(struct ms_pf *pf, uint32_t pid, uint16_t vf,
			       uint32_t *ppid)
{
	char name[64];
	int i;

	for (i = 0; i < PF_PROCS; i++) {
		struct pf_proc *pr = &pf->procs[i];

		if (pr->used && pr->pid == pid && pr->vf == vf) {
			*ppid = i + 1;
			return pr;
		}
		if (pr->used)
			continue;
		pr->used = true;
		pr->pid = pid;
		pr->vf = vf;
		if (vf == MS_VF_UNKNOWN)
			snprintf(name, sizeof(name), "pid %u (VF unknown)", pid);
		else
			snprintf(name, sizeof(name), "VF%u (pid %u)", vf, pid);
		perfetto_process_name(&pf->p, i + 1, name);
		*ppid = i + 1;
		return pr;
	}
	return NULL;
}

/* tid of a free lane of track kind on GT gt (MS_MAX_GT: not per GT) */
static uint32_t lane_tid(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
			 unsigned int gt, enum pf_track kind, uint64_t start,
			 uint64_t end)
{
	struct pf_lanes *l;
	char name[48];
	unsigned int i;
	uint32_t tid;

	if (gt > MS_MAX_GT)
		gt = MS_MAX_GT;
	l = &pr->lanes[gt][kind];
	for (i = 0; i < PF_LANES - 1; i++)
		if (l->end[i] <= start)
			break;
	if (end > l->end[i])
		l->end[i] = end;
	tid = 1 + gt * 1000 + kind * 100 + i;
	if (!l->named[i]) {
		l->named[i] = true;
		if (gt < MS_MAX_GT)
			snprintf(name, sizeof(name), "GT%u %s%s%.0u", gt,
				 track_names[kind], i ? " #" : "", i + !!i);
		else
			snprintf(name, sizeof(name), "%s%s%.0u",
				 track_names[kind], i ? " #" : "", i + !!i);
		perfetto_thread_name(&pf->p, ppid, tid, name);
	}
	return tid;
}

static void slice(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
		  unsigned int gt, enum pf_track kind, const char *name,
		  uint64_t start, uint64_t end)
{
	uint32_t tid = lane_tid(pf, pr, ppid, gt, kind, start, end);

	perfetto_event_begin(&pf->p, 'X', name, track_names[kind], ppid, tid,
			     start);
	perfetto_event_dur(&pf->p, end > start ? end - start : 0);
	perfetto_event_args(&pf->p);
}

static void instant(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
		    const char *name, uint64_t ts)
{
	uint32_t tid = lane_tid(pf, pr, ppid, MS_MAX_GT, PF_EVENTS, 0, 0);

	perfetto_event_begin(&pf->p, 'i', name, "error", ppid, tid, ts);
	perfetto_event_args(&pf->p);
}

static struct pf_pkt *pkt_slot(struct ms_pf *pf, uint32_t pid, uint64_t pkt,
			       bool create)
{
	struct pf_pkt *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < PF_PKTS; i++) {
		struct pf_pkt *k = &pf->pkts[i];

		if (k->used && k->pkt == pkt && k->pid == pid)
			return k;
		if (!k->used && !free_slot)
			free_slot = k;
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->pid = pid;
	free_slot->pkt = pkt;
	free_slot->vf = MS_VF_UNKNOWN;
	free_slot->gt = MS_GT_UNKNOWN;
	return free_slot;
}

static void pkt_lifetime(struct ms_pf *pf, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;
	struct pf_pkt *k;
	struct pf_proc *pr;
	uint32_t ppid;
	const char *name;

	if (!p->pkt)
		return;
	k = pkt_slot(pf, e->pid, p->pkt,
		     e->op == MS_PKT_ALLOC || e->op == MS_PKT_INIT ||
		     e->op == MS_PKT_INIT_FROM_HDR);
	if (!k)
		return;
	if (!k->start)
		k->start = e->ts_ns;
	if (e->op == MS_PKT_INIT || e->op == MS_PKT_INIT_FROM_HDR) {
		k->vf = e->vf;
		k->gt = p->ptype <= XE_SRIOV_PACKET_TYPE_TRAILER ? MS_MAX_GT :
			e->gt;
		k->type = p->ptype;
		k->size = p->size;
	} else if (e->vf != MS_VF_UNKNOWN && k->vf == MS_VF_UNKNOWN) {
		k->vf = e->vf;
	}
	if (e->op != MS_PKT_FREE)
		return;
	pr = proc_of(pf, e->pid, k->vf, &ppid);
	if (pr) {
		name = xe_packet_type_name(k->type);
		slice(pf, pr, ppid, k->gt, PF_PACKETS, name ? name : "packet",
		      k->start, e->ts_ns);
		json_ku64(&pf->p.j, "size", k->size);
		perfetto_event_end(&pf->p);
	}
	k->used = false;
}

static void packet_event(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
			 const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;
	char name[48];

	pkt_lifetime(pf, e);
	if ((e->op == MS_PKT_PRODUCE || e->op == MS_PKT_CONSUME) &&
	    e->gt < MS_MAX_GT) {
		snprintf(name, sizeof(name), "GT%u ring occupancy", e->gt);
		perfetto_counter(&pf->p, name, ppid, e->ts_ns, "packets",
				 p->ring_occ);
	}
	if (p->ret < 0 && pr) {
		snprintf(name, sizeof(name), "packet %s failed: %s",
			 ms_event_op_name(e), ms_errno_name(-p->ret));
		instant(pf, pr, ppid, name, e->ts_ns);
		perfetto_event_end(&pf->p);
	}
}

static void state_event(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
			const struct ms_event *e)
{
	unsigned int bit = e->state.bit & 63;
	uint64_t start;
	const char *name = xe_state_name(bit);

	if (e->gt >= MS_MAX_GT)
		return;
	if (e->state.entered) {
		pr->since[e->gt][bit] = e->ts_ns;
		return;
	}
	start = e->state.held_ns ? e->ts_ns - e->state.held_ns :
		pr->since[e->gt][bit];
	pr->since[e->gt][bit] = 0;
	if (!start)
		return;
	slice(pf, pr, ppid, e->gt, PF_STATES, name ? name : "?", start,
	      e->ts_ns);
	perfetto_event_end(&pf->p);
}

static void data_event(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
		       const struct ms_event *e)
{
	const struct ms_data_ev *d = &e->data;
	char name[64];

	slice(pf, pr, ppid, MS_MAX_GT, d->dir ? PF_DATA_WRITE : PF_DATA_READ,
	      d->dir ? "data_write" : "data_read", e->ts_ns - d->dur_ns,
	      e->ts_ns);
	json_ku64(&pf->p.j, "len", d->len);
	json_ki64(&pf->p.j, "ret", d->ret);
	perfetto_event_end(&pf->p);
	if (d->ret < 0) {
		snprintf(name, sizeof(name), "data_%s failed: %s",
			 d->dir ? "write" : "read", ms_errno_name(-d->ret));
		instant(pf, pr, ppid, name, e->ts_ns);
		perfetto_event_end(&pf->p);
	}
}

static void vram_event(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
		       const struct ms_event *e)
{
	const struct ms_vram_ev *v = &e->vram;
	char name[64];

	if (v->ret < 0) {
		snprintf(name, sizeof(name), "VRAM copy failed: %s",
			 ms_errno_name(-v->ret));
		instant(pf, pr, ppid, name, e->ts_ns);
		perfetto_event_end(&pf->p);
		return;
	}
	perfetto_counter(&pf->p, "VRAM Gbit/s", ppid, e->ts_ns, "Gbit/s",
			 ms_gbps(v->bytes, v->dur_ns));
}

static void inject_event(struct ms_pf *pf, struct pf_proc *pr, uint32_t ppid,
			 const struct ms_event *e)
{
	char name[64], what[32];

	snprintf(name, sizeof(name), "injected %s at %s%s",
		 inj_verdict_text(e->inject.site, e->inject.err, what,
				  sizeof(what)),
		 inj_site_name(e->inject.site),
		 e->inject.dry_run ? " (dry run)" : "");
	instant(pf, pr, ppid, name, e->ts_ns);
	json_ku64(&pf->p.j, "seq", e->inject.seq);
	json_ku64(&pf->p.j, "hit", e->inject.hit);
	perfetto_event_end(&pf->p);
}

void ms_pf_name_vcpu(struct ms_pf *pf, uint32_t pid, uint32_t vcpu)
{
	char name[32];

	snprintf(name, sizeof(name), "vcpu %u", vcpu);
	perfetto_thread_name(&pf->p, pid, vcpu + 1, name);
}

/* clamps, replays and alerts: an instant on the vCPU's track */
static void lapic_event(struct ms_pf *pf, const struct ms_event *e)
{
	const struct ms_lapic_ev *l = &e->lapic;

	if (e->op == MS_LAPIC_HV_SWITCH)
		return;
	ms_pf_name_vcpu(pf, e->pid, l->vcpu);
	perfetto_event_begin(&pf->p, 'i', ms_event_op_name(e), "lapic", e->pid,
			     l->vcpu + 1, e->ts_ns);
	perfetto_event_args(&pf->p);
	json_ku64(&pf->p.j, "lag_ns", l->lag_ns);
	json_ku64(&pf->p.j, "period_ns", l->period_ns);
	json_ku64(&pf->p.j, "burst", l->burst);
	json_ku64(&pf->p.j, "prefix_replays", l->prefix_replays);
	perfetto_event_end(&pf->p);
}

struct perfetto *ms_pf_writer(struct ms_pf *pf)
{
	return &pf->p;
}

void ms_pf_event(struct ms_pf *pf, const struct ms_event *e)
{
	struct pf_proc *pr = NULL;
	uint32_t ppid = 0;

	/* a VMM's process, not a (pid, VF) one */
	if (e->type == MS_EV_LAPIC) {
		lapic_event(pf, e);
		return;
	}
	if (e->vf != MS_VF_UNKNOWN)
		pr = proc_of(pf, e->pid, e->vf, &ppid);
	switch (e->type) {
	case MS_EV_PACKET:
		packet_event(pf, pr, ppid, e);
		break;
	case MS_EV_STATE:
		if (pr)
			state_event(pf, pr, ppid, e);
		break;
	case MS_EV_DATA:
		if (pr)
			data_event(pf, pr, ppid, e);
		break;
	case MS_EV_VRAM:
		if (pr)
			vram_event(pf, pr, ppid, e);
		break;
	case MS_EV_INJECT:
		if (!pr)
			pr = proc_of(pf, e->pid, e->vf, &ppid);
		if (pr)
			inject_event(pf, pr, ppid, e);
		break;
	default:
		break;
	}
}

/* states still set at the end become slices up to the last event */
static void close_open_states(struct ms_pf *pf, uint64_t end_ns)
{
	int i, g, b;

	for (i = 0; i < PF_PROCS; i++) {
		struct pf_proc *pr = &pf->procs[i];

		for (g = 0; pr->used && g < MS_MAX_GT; g++)
			for (b = 0; b < 64; b++) {
				const char *name = xe_state_name(b);

				if (!pr->since[g][b])
					continue;
				slice(pf, pr, i + 1, g, PF_STATES,
				      name ? name : "?", pr->since[g][b],
				      end_ns);
				json_kbool(&pf->p.j, "still_set", true);
				perfetto_event_end(&pf->p);
			}
	}
}

int ms_pf_close(struct ms_pf *pf, uint64_t end_ns)
{
	int err;

	close_open_states(pf, end_ns);
	err = perfetto_close(&pf->p);
	free(pf);
	return err;
}
