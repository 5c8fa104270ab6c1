// SPDX-License-Identifier: GPL-2.0
/* migsim's report: one JSON object, or a few lines for people. */
#include <inttypes.h>
#include <string.h>

#include "migsim.h"
#include "xe_sriov_names.h"

static double ms(u64 ns)
{
	return ns / 1e6;
}

static void json_side_states(FILE *f, const char *key, const struct side *s)
{
	unsigned int id;

	fprintf(f, ", \"%s\":{", key);
	for (id = 0; id < s->gt_count; id++)
		fprintf(f, "%s\"gt%u\":\"%s\"", id ? "," : "", id, s->states[id]);
	fprintf(f, "}");
}

static void json_side_error(FILE *f, const char *key, const struct side *s)
{
	fprintf(f, ", \"%s_errno\":%d, \"%s_failed_at\":\"%s\"", key, -s->ret,
		key, s->failed_at);
}

/* which side's probes the kernel entered through its uprobe trampoline */
static void json_probe_path(FILE *f, const struct side *rd,
			    const struct side *wr)
{
	fprintf(f, ", \"probe_trampoline\":{");
	if (rd)
		fprintf(f, "\"src\":%s%s", rd->probe_trampoline ? "true" : "false",
			wr ? "," : "");
	if (wr)
		fprintf(f, "\"dst\":%s", wr->probe_trampoline ? "true" : "false");
	fprintf(f, "}");
}

static void json_calls(FILE *f, const char *key, const struct side *s)
{
	fprintf(f, ", \"%s\":{\"calls\":%" PRIu64 ",\"bytes\":%" PRIu64
		",\"errors\":%" PRIu64 ",\"interrupted\":%" PRIu64 "}", key,
		s->calls, s->bytes, s->errors, s->interrupted);
}

static void print_json(FILE *f, const struct opts *o, const struct report *r)
{
	static const unsigned int order[] = { 1, 5, 3, 4, 6, 2 };
	const struct side *s = r->src ? r->src : r->dst;
	const struct side *rd = r->src, *wr = r->dst;
	u64 t0 = s->t_start, t_end, copy;
	unsigned int i;
	int err = r->err ? -r->err->ret : 0;

	t_end = r->dst ? (r->dst->t_resumed ? r->dst->t_resumed : r->dst->t_eof) :
			 r->src->t_eof;
	copy = s->t_eof > s->t_copy ? s->t_eof - s->t_copy : 0;
	fprintf(f, "{\"result\":\"%s\", \"errno\":%d, \"error\":\"%s\", \"failed_at\":\"%s\"",
		r->err ? "error" : "ok", err, err ? strerror(err) : "",
		r->err ? r->err->failed_at : "");
	fprintf(f, ", \"command\":\"%s\", \"platform\":\"%s\", \"vf\":%u",
		o->cmd, o->cfg.platform, o->vf);
	fprintf(f, ", \"stream_bytes\":%" PRIu64 ", \"size_estimate\":%zd",
		s->stream_bytes, s->size_estimate);
	fprintf(f, ", \"packets\":{");
	for (i = 0; i < 6; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "",
			xe_packet_type_name(order[i]), s->packets[order[i]]);
	fprintf(f, ",\"UNKNOWN\":%" PRIu64 "}", s->packets[0] + s->packets[7]);
	fprintf(f, ", \"vram_bytes\":%" PRIu64,
		o->cfg.vram_size * (xe_platform_lookup(o->cfg.platform)->has_vram));
	fprintf(f, ", \"total_ms\":%.3f, \"downtime_ms\":%.3f",
		t_end > t0 ? ms(t_end - t0) : 0.0,
		r->src && r->dst && r->dst->t_resumed ?
			ms(r->dst->t_resumed - r->src->t_pause) : 0.0);
	fprintf(f, ", \"throughput_gbps\":%.3f",
		copy ? s->stream_bytes * 8.0 / copy : 0.0);
	if (r->src && r->src->vram_copy_ns)
		fprintf(f, ", \"vram_save_copy_gbps\":%.3f",
			r->src->vram_copy_bytes * 8.0 / r->src->vram_copy_ns);
	fprintf(f, ", \"verified\":%s", r->verified ? "true" : "false");
	json_probe_path(f, rd, wr);
	if (r->mismatch)
		fprintf(f, ", \"mismatch\":\"%s\"", r->mismatch);
	if (rd)
		json_calls(f, "data_read", rd);
	if (wr)
		json_calls(f, "data_write", wr);
	if (rd)
		json_side_error(f, "src", rd);
	if (wr)
		json_side_error(f, "dst", wr);
	if (rd && rd->attempt)
		fprintf(f, ", \"attempts\":%u", rd->attempt);
	/* after a failure: is the source VF running again, content intact? */
	if (rd && r->err)
		fprintf(f, ", \"source_recovered\":%s, \"source_reset\":%s, \"source_recover_failed_at\":\"%s\"",
			rd->recovered ? "true" : "false",
			rd->reset ? "true" : "false", rd->recover_failed_at);
	if (rd && rd->flr)
		fprintf(f, ", \"src_flr\":{\"prepare\":%d,\"wait\":%d}",
			rd->flr_prepare, rd->flr_wait);
	if (wr && wr->flr)
		fprintf(f, ", \"dst_flr\":{\"prepare\":%d,\"wait\":%d}",
			wr->flr_prepare, wr->flr_wait);
	if (rd)
		json_side_states(f, "src_states", rd);
	if (wr)
		json_side_states(f, "dst_states", wr);
	fprintf(f, "}\n");
}

static void print_human(FILE *f, const struct opts *o, const struct report *r)
{
	const struct side *s = r->src ? r->src : r->dst;
	unsigned int t;

	if (r->err)
		fprintf(f, "migsim %s: FAILED at %s: %s (%d)\n", o->cmd,
			r->err->failed_at, strerror(-r->err->ret), r->err->ret);
	else
		fprintf(f, "migsim %s: ok, %s\n", o->cmd,
			r->verified ? "verified" : "NOT verified");
	if (r->mismatch)
		fprintf(f, "  mismatch: %s\n", r->mismatch);
	fprintf(f, "  stream: %" PRIu64 " bytes (estimate %zd), packets:",
		s->stream_bytes, s->size_estimate);
	for (t = 1; t <= XE_SRIOV_PACKET_TYPE_MAX; t++)
		fprintf(f, " %s=%" PRIu64, xe_packet_type_name(t), s->packets[t]);
	fprintf(f, "\n");
	if (r->src && r->dst && r->dst->t_resumed)
		fprintf(f, "  total %.3f ms, downtime %.3f ms\n",
			ms(r->dst->t_resumed - r->src->t_start),
			ms(r->dst->t_resumed - r->src->t_pause));
	if (s->t_eof > s->t_copy)
		fprintf(f, "  throughput %.3f Gbit/s\n",
			s->stream_bytes * 8.0 / (s->t_eof - s->t_copy));
}

/* --- verdict ------------------------------------------------------------ */

int finish(const struct opts *o, struct report *r, FILE *f)
{
	if (o->json)
		print_json(f, o, r);
	else
		print_human(f, o, r);
	return !r->err && r->verified ? 0 : 1;
}

const struct side *first_error(const struct side *a, const struct side *b)
{
	/* a destination cancelled by its source failed because of it */
	if (b && b->ret && a && a->ret &&
	    !strcmp(b->failed_at, "stream_cancelled"))
		return a;
	/* otherwise the destination's error is the interesting one: it saw
	 * the stream, and a source failing to write did so because of it */
	if (b && b->ret)
		return b;
	if (a && a->ret)
		return a;
	return NULL;
}

