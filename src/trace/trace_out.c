// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer every path (live trace, record, report) sends its
 * events through: filters, aggregation, Perfetto and the per-event lines
 * of lib/render.h.
 */
#include <errno.h>
#include <string.h>
#include "common.h"
#include "render.h"
#include "trace.h"

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
		out->pf = ms_pf_open(o->perfetto, t0_ns);
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
		ms_pf_event(out->pf, e);
	if (!out->per_event)
		return 0;
	if (out->o->json)
		ms_event_json(&out->j, e);
	else
		ms_event_text(out->f, e, out->t0_ns);
	return 0;
}

/*
 * The command a summary names: report prints the summary of a recording,
 * the same bytes record printed when it made it, so it says "record".
 */
static const char *summary_command(const struct trace_opts *o)
{
	return strcmp(o->cmd, "report") ? o->cmd : "record";
}

int mt_out_finish(struct mt_out *out, uint64_t drops)
{
	int err = 0;

	mt_agg_close(&out->agg);
	if (out->o->json)
		mt_agg_summary_json(&out->agg, &out->j,
				    summary_command(out->o), drops);
	else
		mt_agg_summary_text(&out->agg, out->f, drops);
	if (out->o->hist && !out->o->json)
		mt_agg_hists(&out->agg, out->f);
	if (out->pf) {
		err = ms_pf_close(out->pf, out->agg.all.last_ts);
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
