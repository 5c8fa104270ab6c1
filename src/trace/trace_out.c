// SPDX-License-Identifier: GPL-2.0
/*
 * One event as a readable line or as a JSON line, and the output layer
 * every path (live trace, record, report) sends its events through.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "common.h"
#include "fault_sites.h"
#include "trace.h"
#include "xe_sriov_names.h"

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

static const char *const type_names[] = {
	[MS_EV_PACKET] = "packet",
	[MS_EV_STATE] = "state",
	[MS_EV_VRAM] = "vram",
	[MS_EV_DATA] = "data",
	[MS_EV_INJECT] = "inject",
	[MS_EV_LAPIC] = "lapic",
};

const char *mt_op_name(const struct ms_event *e)
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
	default:
		return "";
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

static void where(FILE *f, const struct ms_event *e)
{
	fprintf(f, "pid %-7u ", e->pid);
	if (e->vf == MS_VF_UNKNOWN)
		fprintf(f, "VF- ");
	else
		fprintf(f, "VF%-2u", e->vf);
	if (e->gt == MS_GT_UNKNOWN)
		fprintf(f, " GT- ");
	else
		fprintf(f, " GT%u ", e->gt);
}

void mt_event_text(FILE *f, const struct ms_event *e, uint64_t t0_ns)
{
	uint64_t t = e->ts_ns > t0_ns ? e->ts_ns - t0_ns : 0;

	fprintf(f, "%10.6f ", t / 1e9);
	where(f, e);
	switch (e->type) {
	case MS_EV_PACKET:
		fprintf(f, "packet %-13s %-10s off %-10" PRIu64 " size %-10" PRIu64,
			mt_op_name(e), ptype_name(e->packet.ptype),
			(uint64_t)e->packet.offset, (uint64_t)e->packet.size);
		if (e->op == MS_PKT_PRODUCE || e->op == MS_PKT_CONSUME)
			fprintf(f, " ring %u", e->packet.ring_occ);
		if (e->op == MS_PKT_CONSUME)
			fprintf(f, " queued %.1f us", e->packet.queued_ns / 1e3);
		break;
	case MS_EV_STATE:
		fprintf(f, "state  %-5s %-22s", mt_op_name(e),
			state_name(e->state.bit));
		if (!e->state.entered && e->state.held_ns)
			fprintf(f, " held %.1f us", e->state.held_ns / 1e3);
		fprintf(f, " bits %#" PRIx64, (uint64_t)e->state.bitmap);
		break;
	case MS_EV_VRAM:
		fprintf(f, "vram   %-7s off %-10" PRIu64 " bytes %-10" PRIu64
			" %.1f us %.2f Gbit/s", mt_op_name(e),
			(uint64_t)e->vram.offset, (uint64_t)e->vram.bytes,
			e->vram.dur_ns / 1e3,
			mt_gbps(e->vram.bytes, e->vram.dur_ns));
		break;
	case MS_EV_DATA:
		fprintf(f, "data   %-5s len %-10" PRIu64 " %.1f us ",
			mt_op_name(e), (uint64_t)e->data.len,
			e->data.dur_ns / 1e3);
		if (e->data.ret > 0)
			fprintf(f, "-> %" PRId64 " bytes", (int64_t)e->data.ret);
		else if (e->data.ret == 0)
			fprintf(f, "-> EOF");
		break;
	case MS_EV_INJECT: {
		char what[32];

		fprintf(f, "inject site %s %s%s%s",
			inj_site_name(e->inject.site),
			ms_site_is_delay(e->inject.site) ? "" : "err ",
			inj_verdict_text(e->inject.site, e->inject.err, what,
					 sizeof(what)),
			e->inject.dry_run ? " (dry run)" : "");
		break;
	}
	default:
		fprintf(f, "event type %u op %u", e->type, e->op);
	}
	if ((e->type == MS_EV_PACKET && e->packet.ret < 0) ||
	    (e->type == MS_EV_VRAM && e->vram.ret < 0) ||
	    (e->type == MS_EV_DATA && e->data.ret < 0)) {
		int err = e->type == MS_EV_PACKET ? -e->packet.ret :
			  e->type == MS_EV_VRAM ? -e->vram.ret :
			  (int)-e->data.ret;

		fprintf(f, " ERROR %s", ms_errno_name(err));
	}
	fputc('\n', f);
}

static void hex(struct json *j, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	json_kstr(j, key, buf);
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

void mt_event_json(struct json *j, const struct ms_event *e)
{
	json_obj_begin(j);
	json_kstr(j, "type", e->type < ARRAY_SIZE(type_names) &&
		  type_names[e->type] ? type_names[e->type] : "unknown");
	json_ku64(j, "ts_ns", e->ts_ns);
	json_ku64(j, "pid", e->pid);
	json_ku64(j, "tid", e->tid);
	if (e->vf != MS_VF_UNKNOWN)
		json_ku64(j, "vf", e->vf);
	if (e->gt != MS_GT_UNKNOWN)
		json_ku64(j, "gt", e->gt);
	json_kstr(j, "op", mt_op_name(e));
	switch (e->type) {
	case MS_EV_PACKET:
		packet_json(j, e);
		break;
	case MS_EV_STATE:
		json_kstr(j, "state", state_name(e->state.bit));
		json_ku64(j, "bit", e->state.bit);
		json_kbool(j, "entered", e->state.entered);
		hex(j, "bitmap", e->state.bitmap);
		json_ku64(j, "held_ns", e->state.held_ns);
		break;
	case MS_EV_VRAM:
		json_kstr(j, "dir", e->vram.dir ? "restore" : "save");
		json_ku64(j, "offset", e->vram.offset);
		json_ku64(j, "bytes", e->vram.bytes);
		json_ku64(j, "dur_ns", e->vram.dur_ns);
		json_ki64(j, "ret", e->vram.ret);
		json_kf64(j, "gbps", mt_gbps(e->vram.bytes, e->vram.dur_ns));
		break;
	case MS_EV_DATA:
		json_ku64(j, "len", e->data.len);
		json_ki64(j, "ret", e->data.ret);
		json_ku64(j, "dur_ns", e->data.dur_ns);
		json_kbool(j, "eof", e->data.ret == 0);
		break;
	case MS_EV_INJECT:
		json_kstr(j, "site", inj_site_name(e->inject.site));
		json_ki64(j, "err", e->inject.err);
		/* at a delay site err is the sleep, not an errno */
		if (ms_site_is_delay(e->inject.site))
			json_ki64(j, "delay_us", e->inject.err);
		json_ku64(j, "seq", e->inject.seq);
		json_ku64(j, "hit", e->inject.hit);
		json_kbool(j, "dry_run", e->inject.dry_run);
		json_ku64(j, "mechanism", e->inject.mechanism);
		break;
	default:
		break;
	}
	json_obj_end(j);
	json_newline(j);
}

/* user-space side of the filters, for fields BPF does not know early */
static bool wanted(const struct trace_opts *o, const struct ms_event *e)
{
	if (o->pid && e->pid != (uint32_t)o->pid && !o->command)
		return false;
	if (o->vf != MS_ANY && e->vf != MS_VF_UNKNOWN && e->vf != o->vf)
		return false;
	if (o->gt != MS_ANY && e->gt != MS_GT_UNKNOWN && e->gt != o->gt)
		return false;
	if (o->type != MS_ANY) {
		if (e->type == MS_EV_PACKET && e->packet.ptype &&
		    e->packet.ptype != o->type)
			return false;
		if (e->type == MS_EV_VRAM && o->type != 6)
			return false;
	}
	return true;
}

int mt_out_open(struct mt_out *out, const struct trace_opts *o, FILE *f,
		uint64_t t0_ns)
{
	memset(out, 0, sizeof(*out));
	out->o = o;
	out->f = f;
	out->t0_ns = t0_ns;
	json_init(&out->j, f);
	out->per_event = !o->quiet;
	if (o->perfetto) {
		out->pf = mt_pf_open(o->perfetto, t0_ns);
		if (!out->pf)
			return -1;
	}
	return 0;
}

int mt_out_event(void *ctx, const struct ms_event *e)
{
	struct mt_out *out = ctx;

	if (e->type == 0 || e->type >= MS_EV_TYPE_MAX || !wanted(out->o, e))
		return 0;
	if (out->rec && mt_rec_write(out->rec, e))
		return -EIO;
	if (!out->t0_ns)
		out->t0_ns = e->ts_ns;
	mt_agg_add(&out->agg, e);
	if (out->pf)
		mt_pf_event(out->pf, e);
	if (!out->per_event)
		return 0;
	if (out->o->json)
		mt_event_json(&out->j, e);
	else
		mt_event_text(out->f, e, out->t0_ns);
	return 0;
}

int mt_out_finish(struct mt_out *out, uint64_t drops)
{
	int err = 0;

	mt_agg_close(&out->agg);
	if (out->o->json)
		mt_agg_summary_json(&out->agg, &out->j, drops);
	else
		mt_agg_summary_text(&out->agg, out->f, drops);
	if (out->o->hist && !out->o->json)
		mt_agg_hists(&out->agg, out->f);
	if (out->pf) {
		err = mt_pf_close(out->pf, out->agg.last_ts);
		out->pf = NULL;
		if (err)
			ms_err("writing the Perfetto trace %s failed: %s",
			       out->o->perfetto, strerror(-err));
	}
	fflush(out->f);
	if (ferror(out->f))
		err = -EIO;
	return err;
}
