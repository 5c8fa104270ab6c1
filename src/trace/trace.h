/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migscope trace / top / record / report.
 *
 * Live and offline paths share one output layer: a struct mt_out receives
 * every struct ms_event, whether it comes from the BPF ring buffer or from
 * a record file, and feeds the aggregator (summary, histograms, top table),
 * the per-event printer, the Perfetto writer and the recorder.
 */
#ifndef MIGSCOPE_TRACE_H
#define MIGSCOPE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "hist.h"
#include "json.h"
#include "migscope_abi.h"
#include "migtrace_agg.h"
#include "perfetto_events.h"
#include "record.h"

#define MT_MAX_TYPES	8	/* packet types 0..7 */
/* units followed: [0] holds those past the cap, as BPF's slot 0 does */
#define MT_MAX_UNITS	MS_AGG_UNITS
#define MT_UNIT_OTHER	0

enum mt_target {
	MT_TARGET_AUTO,
	MT_TARGET_MODEL,
	MT_TARGET_KERNEL,
};

struct trace_opts {
	const char *cmd;		/* "trace", "top", "record" */
	pid_t pid;			/* -p, 0 if none */
	const char *binary;		/* --binary */
	enum mt_target target;
	const char *hook;		/* --hook: force a ladder rung */
	uint32_t vf, gt, type;		/* filters, MS_ANY if none */
	bool json, hist, quiet, verbose;
	const char *perfetto;		/* --perfetto FILE */
	const char *output;		/* trace -o FILE, record -o FILE */
	double duration_s;		/* --duration, 0: until the end */
	char **command;			/* after --, NULL if none */
	bool attach_check;		/* --attach-check: load, attach, list */
	uint32_t ring_size;		/* --ring-size bytes, 0: built-in */
	int interval_s, count;		/* top */
	bool breakdown;			/* --breakdown: both sides' downtime */
	const char *metrics;		/* --metrics [127.0.0.1]:PORT */
	const char *metrics_textfile;	/* --metrics-textfile FILE */
	double metrics_hold_s;		/* --metrics-hold: serve after the end */
};

/* --- aggregation (summary, histograms, the top table) ------------------ */

/* packet types, data calls and VRAM copies: the in-BPF totals' layouts */
struct mt_state_stats {
	uint64_t entered, total_ns;
};

/* the figures of a summary, of every unit together or of one */
struct mt_counts {
	struct ms_agg_type types[MT_MAX_TYPES];
	struct ms_agg_data data[2];	/* enum ms_dir */
	struct ms_agg_vram vram[2];
	struct mt_state_stats states[64];
	uint64_t stream_bytes;		/* save side: 24 + payload per packet */
	uint64_t restore_stream_bytes;
	uint64_t events, injects, errors;
	uint64_t first_ts, last_ts;
	struct log2_hist h_vram, h_read, h_write, h_queue;
};

/*
 * One traced (pid, VF, GT): a row of the summary, a ring in top.  VF-wide
 * work (data_read/data_write) has GT MS_GT_UNKNOWN, a packet not yet bound
 * to a VF has VF MS_VF_UNKNOWN too.
 */
struct mt_unit {
	uint32_t pid;
	uint16_t vf;
	uint8_t gt;
	bool used;
	struct mt_counts c;
	uint64_t bits;			/* state bits set now */
	uint64_t since[64];		/* enter time per set bit */
	uint32_t occ;			/* ring occupancy, last produce/consume */
	uint64_t occ_ts;		/* when (totals: the latest CPU's) */
};

struct mt_agg {
	struct mt_counts all;
	/* [MT_UNIT_OTHER]: units past the cap, counted together */
	struct mt_unit units[MT_MAX_UNITS];
};

void mt_agg_add(struct mt_agg *a, const struct ms_event *e);
/* the unit (pid, vf, gt), made on first sight; "other" once all are taken */
struct mt_unit *mt_agg_unit(struct mt_agg *a, uint32_t pid, uint16_t vf,
			    uint8_t gt);
/* add one unit's (or one CPU's share of a unit's) counts into c */
void mt_counts_merge(struct mt_counts *c, const struct mt_counts *add);
/* a->all: the sum of the units, for a view shown while tracing */
void mt_agg_sum(struct mt_agg *a);
/* the end: still-set states' time up to the last event, then the sum */
void mt_agg_close(struct mt_agg *a);
/* command: the one the summary envelope names (lib/summary.h) */
void mt_agg_summary_json(const struct mt_agg *a, struct json *j,
			 const char *command, uint64_t drops);
void mt_agg_summary_text(const struct mt_agg *a, FILE *f, uint64_t drops);
void mt_agg_hists(const struct mt_agg *a, FILE *f);
/* the phase name a state bitmap amounts to, for top */
const char *mt_phase(uint64_t bits);

/*
 * top's row: one (pid, VF), its GTs' units together.  rings is
 * "occ0/occ1/..." up to the highest GT seen.
 */
struct mt_top_row {
	uint32_t pid;
	uint16_t vf;
	uint64_t bits[MS_MAX_GT];
	char rings[4 * MS_MAX_GT + 4];
	uint64_t moved;			/* data_read + data_write bytes */
};

void mt_top_row(const struct mt_agg *a, uint32_t pid, uint16_t vf,
		struct mt_top_row *r);
const char *mt_top_phase(const struct mt_top_row *r);

/* --- the shared output layer -------------------------------------------- */

struct mt_out {
	const struct trace_opts *o;
	FILE *f;			/* text or JSON lines */
	struct json j;
	struct mt_agg agg;
	struct ms_pf *pf;
	struct mt_rec *rec;
	bool per_event;			/* print one line per event */
	uint64_t t0_ns;
};

int mt_out_open(struct mt_out *out, const struct trace_opts *o, FILE *f,
		uint64_t t0_ns);
int mt_out_event(void *ctx, const struct ms_event *e);
/* summary + histograms + Perfetto close; returns non-zero on write errors */
int mt_out_finish(struct mt_out *out, uint64_t drops);

/* --- attaching and running ------------------------------------------------ */

struct mt_session;
int mt_session_open(struct mt_session **sp, const struct trace_opts *o,
		    int (*fn)(void *ctx, const struct ms_event *e), void *ctx);
/* drain events for up to timeout_ms; <0 on error, 1 once tracing is over */
int mt_session_poll(struct mt_session *s, int timeout_ms);
uint64_t mt_session_drops(struct mt_session *s);
/*
 * a's figures so far.  When no view needs the events one by one
 * (mt_wants_events), BPF counts them itself and sends nothing through the
 * ring: a is read afresh from the in-BPF totals, 1.  On the event path the
 * units the events filled are summed, 0.  -1 after saying why it failed.
 */
int mt_session_totals(struct mt_session *s, struct mt_agg *a);
struct bpf_map;
int mt_totals_read(struct mt_agg *a, const struct bpf_map *totals,
		   const struct bpf_map *unit_ids,
		   const struct bpf_map *state_since);
/* the programs' run time and runs so far (counted once stats are on) */
int mt_session_bpf_stats(struct mt_session *s, uint64_t *run_ns,
			 uint64_t *runs);
const char *mt_session_target(struct mt_session *s);
/* detach, reap a launched command; returns its exit status or 0 */
int mt_session_close(struct mt_session *s);
int mt_attach_check(const struct trace_opts *o);
/*
 * Kernel target: find the module holding the xe functions, install its
 * state and packet names, drop optional programs whose function it lacks
 * (one "prog … absent" line each when attach_check), refuse by name
 * whatever else is missing.  0 or -1 after saying why.
 */
struct bpf_object;
int mt_kernel_prepare(struct bpf_object *obj, bool attach_check);

/*
 * Model target (trace_usdt.c): the xe USDT sites of the binary at path,
 * read once and checked to hold every probe the programs expect (a
 * malloc'd array), then one uprobe per site.
 */
struct ms_usdt_site;
struct migtrace_model_bpf;
struct mt_usdt;
int mt_usdt_nr_probes(void);
int mt_usdt_sites(const char *path, struct ms_usdt_site **sites, size_t *n);
int mt_usdt_specialize(struct migtrace_model_bpf *obj,
		       const struct ms_usdt_site *sites, size_t n);
int mt_usdt_attach(struct migtrace_model_bpf *obj, pid_t pid,
		   const char *path, const struct ms_usdt_site *sites,
		   size_t n, struct mt_usdt **up);
void mt_usdt_detach(struct mt_usdt *u);

/* --- options shared by trace, top and record ------------------------------ */

/* -p, --binary and -- COMMAND exclude each other (2 if they clash) */
int mt_check_attach_opts(const struct trace_opts *o);
/* does some output need every event (lines, record, Perfetto, top, ...)? */
bool mt_wants_events(const struct trace_opts *o);
int mt_parse_opts(struct trace_opts *o, int argc, char **argv,
		  const char *cmd);
int mt_run(const struct trace_opts *o);
int mt_top(const struct trace_opts *o);

#endif /* MIGSCOPE_TRACE_H */
