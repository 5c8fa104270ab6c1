// SPDX-License-Identifier: GPL-2.0
/* One renderer per event type: see render.h. */
#include <inttypes.h>
#include <string.h>
#include "common.h"
#include "fault_sites.h"
#include "inject_abi.h"
#include "lapic_abi.h"
#include "render.h"
#include "xe_sriov_names.h"

struct ev_renderer {
	const char *name;
	bool has_vf_gt;		/* the event names a VF and a GT */
	void (*text)(FILE *f, const struct ms_event *e);
	void (*json)(struct json *j, const struct ms_event *e);
};

double ms_gbps(uint64_t bytes, uint64_t ns)
{
	/* Gbit/s, as migsim reports: bits per ns */
	return ns ? (double)bytes * 8.0 / (double)ns : 0.0;
}

static const char *const packet_ops[] = {
	[MS_PKT_ALLOC] = "alloc",
	[MS_PKT_INIT] = "init",
	[MS_PKT_INIT_FROM_HDR] = "init_from_hdr",
	[MS_PKT_PRODUCE] = "produce",
	[MS_PKT_CONSUME] = "consume",
	[MS_PKT_FREE] = "free",
	[MS_PKT_DESCRIPTOR] = "descriptor",
	[MS_PKT_TRAILER] = "trailer",
};

static const char *lapic_op_name(const struct ms_event *e)
{
	switch (e->op) {
	case MS_LAPIC_EXPIRY: return "expiry";
	case MS_LAPIC_CLAMP: return "clamp";
	case MS_LAPIC_REPLAY: return "replay";
	case MS_LAPIC_HV_SWITCH: return "hv_switch";
	case MS_LAPIC_ALERT:
		return e->lapic.why == LAPIC_ALERT_BURST ? "alert_burst" :
		       "alert_lag";
	default: return "?";
	}
}

const char *ms_event_op_name(const struct ms_event *e)
{
	switch (e->type) {
	case MS_EV_PACKET:
		return e->op < ARRAY_SIZE(packet_ops) && packet_ops[e->op] ?
		       packet_ops[e->op] : "?";
	case MS_EV_STATE:
		return e->state.entered ? "enter" : "exit";
	case MS_EV_VRAM:
		return e->vram.dir ? "to_vram" : "to_sram";
	case MS_EV_DATA:
		return e->data.dir ? "write" : "read";
	case MS_EV_INJECT:
		return e->inject.dry_run ? "dry_run" : "inject";
	case MS_EV_LAPIC:
		return lapic_op_name(e);
	default:
		return "?";
	}
}

static const char *ptype_name(unsigned int t)
{
	const char *n = xe_packet_type_name(t);

	return n ? n : (t ? "UNKNOWN" : "-");
}

static const char *state_name(unsigned int bit)
{
	const char *n = xe_state_name(bit);

	return n ? n : "UNKNOWN";
}

static void hex(struct json *j, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	json_kstr(j, key, buf);
}

static void error_text(FILE *f, int64_t ret)
{
	if (ret < 0)
		fprintf(f, " ERROR %s", ms_errno_name((int)-ret));
}

/* --- packets ------------------------------------------------------------ */

static void packet_text(FILE *f, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;

	fprintf(f, "packet %-13s %-10s off %-10" PRIu64 " size %-10" PRIu64,
		ms_event_op_name(e), ptype_name(p->ptype), (uint64_t)p->offset,
		(uint64_t)p->size);
	if (e->op == MS_PKT_PRODUCE || e->op == MS_PKT_CONSUME)
		fprintf(f, " ring %u", p->ring_occ);
	if (e->op == MS_PKT_CONSUME)
		fprintf(f, " queued %.1f us", p->queued_ns / 1e3);
	error_text(f, p->ret);
}

static void packet_json(struct json *j, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;

	json_kstr(j, "ptype", ptype_name(p->ptype));
	hex(j, "pkt", p->pkt);
	json_ku64(j, "offset", p->offset);
	json_ku64(j, "size", p->size);
	json_ki64(j, "ret", p->ret);
	json_ku64(j, "ring_occ", p->ring_occ);
	json_kstr(j, "dir", p->dir ? "restore" : "save");
	json_ku64(j, "queued_ns", p->queued_ns);
}

/* --- control states ----------------------------------------------------- */

static void state_text(FILE *f, const struct ms_event *e)
{
	const struct ms_state_ev *s = &e->state;

	fprintf(f, "state  %-5s %-22s", ms_event_op_name(e),
		state_name(s->bit));
	if (!s->entered && s->held_ns)
		fprintf(f, " held %.1f us", s->held_ns / 1e3);
	fprintf(f, " bits %#" PRIx64, (uint64_t)s->bitmap);
}

static void state_json(struct json *j, const struct ms_event *e)
{
	json_kstr(j, "state", state_name(e->state.bit));
	json_ku64(j, "bit", e->state.bit);
	json_kbool(j, "entered", e->state.entered);
	hex(j, "bitmap", e->state.bitmap);
	json_ku64(j, "held_ns", e->state.held_ns);
}

/* --- VRAM chunk copies and data_read/data_write -------------------------- */

static void vram_text(FILE *f, const struct ms_event *e)
{
	const struct ms_vram_ev *v = &e->vram;

	fprintf(f, "vram   %-7s off %-10" PRIu64 " bytes %-10" PRIu64
		" %.1f us %.2f Gbit/s", ms_event_op_name(e),
		(uint64_t)v->offset, (uint64_t)v->bytes, v->dur_ns / 1e3,
		ms_gbps(v->bytes, v->dur_ns));
	error_text(f, v->ret);
}

static void vram_json(struct json *j, const struct ms_event *e)
{
	const struct ms_vram_ev *v = &e->vram;

	json_kstr(j, "dir", v->dir ? "restore" : "save");
	json_ku64(j, "offset", v->offset);
	json_ku64(j, "bytes", v->bytes);
	json_ku64(j, "dur_ns", v->dur_ns);
	json_ki64(j, "ret", v->ret);
	/* Mbit/s resolution: bytes and dur_ns give the exact figure */
	json_kdec(j, "gbps", ms_gbps(v->bytes, v->dur_ns), 3);
}

static void data_text(FILE *f, const struct ms_event *e)
{
	const struct ms_data_ev *d = &e->data;

	fprintf(f, "data   %-5s len %-10" PRIu64 " %.1f us ",
		ms_event_op_name(e), (uint64_t)d->len, d->dur_ns / 1e3);
	if (d->ret > 0)
		fprintf(f, "-> %" PRId64 " bytes", (int64_t)d->ret);
	else if (d->ret == 0)
		fprintf(f, "-> EOF");
	error_text(f, d->ret);
}

static void data_json(struct json *j, const struct ms_event *e)
{
	json_ku64(j, "len", e->data.len);
	json_ki64(j, "ret", e->data.ret);
	json_ku64(j, "dur_ns", e->data.dur_ns);
	json_kbool(j, "eof", e->data.ret == 0);
}

/* --- injected faults ------------------------------------------------------ */

static void inject_text(FILE *f, const struct ms_event *e)
{
	const struct ms_inject_ev *in = &e->inject;
	char what[32];

	/* seen by the tracer (xe:fault_injected) it has no sequence or hit */
	fprintf(f, "%s ", in->dry_run ? "would inject" : "inject");
	if (in->seq)
		fprintf(f, "#%llu ", (unsigned long long)in->seq);
	fprintf(f, "site=%s ", inj_site_name(in->site));
	/* a delay is no errno: "delay 20000 us" reads as what it is */
	if (in->mechanism == INJ_MECH_SIGNAL)
		fprintf(f, "signal=%d", in->err);
	else if (ms_site_is_delay(in->site))
		fprintf(f, "%s", inj_verdict_text(in->site, in->err, what,
						  sizeof(what)));
	else
		fprintf(f, "errno=%s", ms_errno_name(in->err));
	if (in->hit)
		fprintf(f, " hit=%llu", (unsigned long long)in->hit);
	fprintf(f, " tid=%u mechanism=%s", e->tid, inj_mech_name(in->mechanism));
}

static void null_or_i64(struct json *j, const char *key, bool is, int64_t v)
{
	json_key(j, key);
	if (is)
		json_i64(j, v);
	else
		json_null(j);
}

static void inject_json(struct json *j, const struct ms_event *e)
{
	const struct ms_inject_ev *in = &e->inject;
	bool signal = in->mechanism == INJ_MECH_SIGNAL;
	bool delay = !signal && ms_site_is_delay(in->site);

	json_ku64(j, "seq", in->seq);
	json_ku64(j, "hit", in->hit);
	json_kstr(j, "site", inj_site_name(in->site));
	json_key(j, "errno");
	if (signal || delay)
		json_null(j);
	else
		json_str(j, ms_errno_name(in->err));
	json_ki64(j, "err", in->err);
	null_or_i64(j, "signal", signal, in->err);
	/* at a delay site err is the sleep, not an errno */
	null_or_i64(j, "delay_us", delay, in->err);
	json_kstr(j, "mechanism", inj_mech_name(in->mechanism));
	json_kbool(j, "dry_run", in->dry_run);
}

/* --- LAPIC timer ---------------------------------------------------------- */

static void lapic_text(FILE *f, const struct ms_event *e)
{
	const struct ms_lapic_ev *l = &e->lapic;

	fprintf(f, "lapic  %-11s vcpu %u", ms_event_op_name(e), l->vcpu);
	if (e->op == MS_LAPIC_HV_SWITCH) {
		fprintf(f, " to %s timer", l->hv ? "hv" : "sw");
		return;
	}
	fprintf(f, " lag %.1f us period %.1f us", l->lag_ns / 1e3,
		l->period_ns / 1e3);
	if (e->op == MS_LAPIC_CLAMP)
		fprintf(f, " prefix_replays %llu",
			(unsigned long long)l->prefix_replays);
	else
		fprintf(f, " burst %u", l->burst);
}

static void lapic_json(struct json *j, const struct ms_event *e)
{
	const struct ms_lapic_ev *l = &e->lapic;

	json_ku64(j, "vcpu", l->vcpu);
	json_ku64(j, "lag_ns", l->lag_ns);
	json_ku64(j, "period_ns", l->period_ns);
	json_ku64(j, "burst", l->burst);
	json_ku64(j, "prefix_replays", l->prefix_replays);
	json_kbool(j, "hv_timer", l->hv);
}

static const struct ev_renderer renderers[MS_EV_TYPE_MAX] = {
	[MS_EV_PACKET] = { "packet", true, packet_text, packet_json },
	[MS_EV_STATE] = { "state", true, state_text, state_json },
	[MS_EV_VRAM] = { "vram", true, vram_text, vram_json },
	[MS_EV_DATA] = { "data", true, data_text, data_json },
	[MS_EV_INJECT] = { "inject", true, inject_text, inject_json },
	[MS_EV_LAPIC] = { "lapic", false, lapic_text, lapic_json },
};

static const struct ev_renderer *renderer(const struct ms_event *e)
{
	return e->type < MS_EV_TYPE_MAX && renderers[e->type].name ?
	       &renderers[e->type] : NULL;
}

const char *ms_event_type_name(const struct ms_event *e)
{
	const struct ev_renderer *r = renderer(e);

	return r ? r->name : "unknown";
}

void ms_event_text(FILE *f, const struct ms_event *e, uint64_t t0_ns)
{
	const struct ev_renderer *r = renderer(e);
	uint64_t t = e->ts_ns > t0_ns ? e->ts_ns - t0_ns : 0;
	bool vf = r && r->has_vf_gt && e->vf != MS_VF_UNKNOWN;
	bool gt = r && r->has_vf_gt && e->gt != MS_GT_UNKNOWN;

	fprintf(f, "%10.6f pid %-7u ", t / 1e9, e->pid);
	fprintf(f, vf ? "VF%-2u" : "VF- ", e->vf);
	fprintf(f, gt ? " GT%u " : " GT- ", e->gt);
	if (r)
		r->text(f, e);
	else
		fprintf(f, "event type %u op %u", e->type, e->op);
	fputc('\n', f);
}

void ms_event_json(struct json *j, const struct ms_event *e)
{
	const struct ev_renderer *r = renderer(e);

	json_obj_begin(j);
	json_kstr(j, "type", ms_event_type_name(e));
	json_ku64(j, "ts_ns", e->ts_ns);
	json_ku64(j, "pid", e->pid);
	json_ku64(j, "tid", e->tid);
	null_or_i64(j, "vf", r && r->has_vf_gt && e->vf != MS_VF_UNKNOWN, e->vf);
	null_or_i64(j, "gt", r && r->has_vf_gt && e->gt != MS_GT_UNKNOWN, e->gt);
	json_kstr(j, "op", ms_event_op_name(e));
	if (r)
		r->json(j, e);
	json_obj_end(j);
	json_newline(j);
}
