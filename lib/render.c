// SPDX-License-Identifier: GPL-2.0
/* One renderer per event type: see render.h. */
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
	void (*text)(struct outbuf *o, const struct ms_event *e);
	void (*json)(struct json *j, const struct ms_event *e);
	bool names_vm;		/* its pid is a VMM: the VM's name follows */
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

static void error_text(struct outbuf *o, int64_t ret)
{
	if (ret < 0) {
		outbuf_str(o, " ERROR ");
		outbuf_str(o, ms_errno_name((int)-ret));
	}
}

/* " <ns in us, one decimal> us" */
static void us_text(struct outbuf *o, uint64_t ns)
{
	outbuf_putc(o, ' ');
	outbuf_fixed(o, ns / 1e3, 1, 0);
	outbuf_str(o, " us");
}

/* --- packets ------------------------------------------------------------ */

static void packet_text(struct outbuf *o, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;

	outbuf_str(o, "packet ");
	outbuf_str_left(o, ms_event_op_name(e), 13);
	outbuf_putc(o, ' ');
	outbuf_str_left(o, ptype_name(p->ptype), 10);
	outbuf_str(o, " off ");
	outbuf_u64_left(o, p->offset, 10);
	outbuf_str(o, " size ");
	outbuf_u64_left(o, p->size, 10);
	if (e->op == MS_PKT_PRODUCE || e->op == MS_PKT_CONSUME) {
		outbuf_str(o, " ring ");
		outbuf_u64(o, p->ring_occ);
	}
	if (e->op == MS_PKT_CONSUME) {
		outbuf_str(o, " queued");
		us_text(o, p->queued_ns);
	}
	error_text(o, p->ret);
}

static void packet_json(struct json *j, const struct ms_event *e)
{
	const struct ms_packet_ev *p = &e->packet;

	json_kstr(j, "ptype", ptype_name(p->ptype));
	json_khex(j, "pkt", p->pkt);
	json_ku64(j, "offset", p->offset);
	json_ku64(j, "size", p->size);
	json_ki64(j, "ret", p->ret);
	json_ku64(j, "ring_occ", p->ring_occ);
	json_kstr(j, "dir", p->dir ? "restore" : "save");
	json_ku64(j, "queued_ns", p->queued_ns);
}

/* --- control states ----------------------------------------------------- */

static void state_text(struct outbuf *o, const struct ms_event *e)
{
	const struct ms_state_ev *s = &e->state;

	outbuf_str(o, "state  ");
	outbuf_str_left(o, ms_event_op_name(e), 5);
	outbuf_putc(o, ' ');
	outbuf_str_left(o, state_name(s->bit), 22);
	if (!s->entered && s->held_ns) {
		outbuf_str(o, " held");
		us_text(o, s->held_ns);
	}
	outbuf_str(o, " bits ");
	outbuf_hex(o, s->bitmap);
}

static void state_json(struct json *j, const struct ms_event *e)
{
	json_kstr(j, "state", state_name(e->state.bit));
	json_ku64(j, "bit", e->state.bit);
	json_kbool(j, "entered", e->state.entered);
	json_khex(j, "bitmap", e->state.bitmap);
	json_ku64(j, "held_ns", e->state.held_ns);
}

/* --- VRAM chunk copies and data_read/data_write -------------------------- */

static void vram_text(struct outbuf *o, const struct ms_event *e)
{
	const struct ms_vram_ev *v = &e->vram;

	outbuf_str(o, "vram   ");
	outbuf_str_left(o, ms_event_op_name(e), 7);
	outbuf_str(o, " off ");
	outbuf_u64_left(o, v->offset, 10);
	outbuf_str(o, " bytes ");
	outbuf_u64_left(o, v->bytes, 10);
	us_text(o, v->dur_ns);
	outbuf_putc(o, ' ');
	outbuf_fixed(o, ms_gbps(v->bytes, v->dur_ns), 2, 0);
	outbuf_str(o, " Gbit/s");
	error_text(o, v->ret);
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

static void data_text(struct outbuf *o, const struct ms_event *e)
{
	const struct ms_data_ev *d = &e->data;

	outbuf_str(o, "data   ");
	outbuf_str_left(o, ms_event_op_name(e), 5);
	outbuf_str(o, " len ");
	outbuf_u64_left(o, d->len, 10);
	us_text(o, d->dur_ns);
	outbuf_putc(o, ' ');
	if (d->ret > 0) {
		outbuf_str(o, "-> ");
		outbuf_i64(o, d->ret);
		outbuf_str(o, " bytes");
	} else if (d->ret == 0) {
		outbuf_str(o, "-> EOF");
	}
	error_text(o, d->ret);
}

static void data_json(struct json *j, const struct ms_event *e)
{
	json_ku64(j, "len", e->data.len);
	json_ki64(j, "ret", e->data.ret);
	json_ku64(j, "dur_ns", e->data.dur_ns);
	json_kbool(j, "eof", e->data.ret == 0);
}

/* --- injected faults ------------------------------------------------------ */

/* "signal=<n>", "delay <n> us" or "errno=<name>" */
static void verdict_text(struct outbuf *o, const struct ms_inject_ev *in)
{
	char what[32];

	if (in->mechanism == INJ_MECH_SIGNAL) {
		outbuf_str(o, "signal=");
		outbuf_i64(o, in->err);
	} else if (ms_site_is_delay(in->site)) {
		/* a delay is no errno: "delay 20000 us" reads as what it is */
		outbuf_str(o, inj_verdict_text(in->site, in->err, what,
					       sizeof(what)));
	} else {
		outbuf_str(o, "errno=");
		outbuf_str(o, ms_errno_name(in->err));
	}
}

static void inject_text(struct outbuf *o, const struct ms_event *e)
{
	const struct ms_inject_ev *in = &e->inject;

	/* seen by the tracer (xe:fault_injected) it has no sequence or hit */
	outbuf_str(o, in->dry_run ? "would inject " : "inject ");
	if (in->seq) {
		outbuf_putc(o, '#');
		outbuf_u64(o, in->seq);
		outbuf_putc(o, ' ');
	}
	outbuf_str(o, "site=");
	outbuf_str(o, inj_site_name(in->site));
	outbuf_putc(o, ' ');
	verdict_text(o, in);
	if (in->hit) {
		outbuf_str(o, " hit=");
		outbuf_u64(o, in->hit);
	}
	outbuf_str(o, " tid=");
	outbuf_u64(o, e->tid);
	outbuf_str(o, " mechanism=");
	outbuf_str(o, inj_mech_name(in->mechanism));
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

static void lapic_text(struct outbuf *o, const struct ms_event *e)
{
	const struct ms_lapic_ev *l = &e->lapic;

	outbuf_str(o, "lapic  ");
	outbuf_str_left(o, ms_event_op_name(e), 11);
	outbuf_str(o, " vcpu ");
	outbuf_u64(o, l->vcpu);
	if (e->op == MS_LAPIC_HV_SWITCH) {
		outbuf_str(o, l->hv ? " to hv timer" : " to sw timer");
		return;
	}
	outbuf_str(o, " lag");
	us_text(o, l->lag_ns);
	outbuf_str(o, " period");
	us_text(o, l->period_ns);
	if (e->op == MS_LAPIC_CLAMP) {
		outbuf_str(o, " prefix_replays ");
		outbuf_u64(o, l->prefix_replays);
	} else {
		outbuf_str(o, " burst ");
		outbuf_u64(o, l->burst);
	}
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
	[MS_EV_PACKET] = { "packet", true, packet_text, packet_json, false },
	[MS_EV_STATE] = { "state", true, state_text, state_json, false },
	[MS_EV_VRAM] = { "vram", true, vram_text, vram_json, false },
	[MS_EV_DATA] = { "data", true, data_text, data_json, false },
	[MS_EV_INJECT] = { "inject", true, inject_text, inject_json, false },
	[MS_EV_LAPIC] = { "lapic", false, lapic_text, lapic_json, true },
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

static void unknown_text(struct outbuf *o, const struct ms_event *e)
{
	outbuf_str(o, "event type ");
	outbuf_u64(o, e->type);
	outbuf_str(o, " op ");
	outbuf_u64(o, e->op);
}

/* "<seconds since t0> pid <pid> VF<n> GT<n> ", what every line starts with */
static void prefix_text(struct outbuf *o, const struct ev_renderer *r,
			const struct ms_event *e, uint64_t t0_ns)
{
	uint64_t t = e->ts_ns > t0_ns ? e->ts_ns - t0_ns : 0;
	bool vf = r && r->has_vf_gt && e->vf != MS_VF_UNKNOWN;
	bool gt = r && r->has_vf_gt && e->gt != MS_GT_UNKNOWN;

	outbuf_fixed(o, t / 1e9, 6, 10);
	outbuf_str(o, " pid ");
	outbuf_u64_left(o, e->pid, 7);
	outbuf_str(o, " VF");
	if (vf)
		outbuf_u64_left(o, e->vf, 2);
	else
		outbuf_str(o, "- ");
	outbuf_str(o, " GT");
	if (gt)
		outbuf_u64(o, e->gt);
	else
		outbuf_putc(o, '-');
	outbuf_putc(o, ' ');
}

void ms_event_text_vm(FILE *f, const struct ms_event *e, uint64_t t0_ns,
		      const char *vm)
{
	const struct ev_renderer *r = renderer(e);
	struct outbuf o;

	outbuf_init(&o, f);
	prefix_text(&o, r, e, t0_ns);
	if (r)
		r->text(&o, e);
	else
		unknown_text(&o, e);
	if (r && r->names_vm && vm) {
		outbuf_str(&o, " vm ");
		outbuf_str(&o, vm);
	}
	outbuf_putc(&o, '\n');
	/* one write per line: callers print to f between events */
	outbuf_flush(&o);
}

void ms_event_text(FILE *f, const struct ms_event *e, uint64_t t0_ns)
{
	ms_event_text_vm(f, e, t0_ns, NULL);
}

void ms_event_json_vm(struct json *j, const struct ms_event *e,
		      const char *vm)
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
	if (r && r->names_vm)
		json_kstr_or_null(j, "vm_name", vm);
	json_obj_end_line(j);
}

void ms_event_json(struct json *j, const struct ms_event *e)
{
	ms_event_json_vm(j, e, NULL);
}
