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
#include "perfetto_events.h"
#include "record.h"

#define MT_MAX_TYPES	8	/* packet types 0..7 */
#define MT_MAX_UNITS	64	/* (pid, VF) pairs followed */

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

struct mt_type_stats {
	uint64_t produced, consumed;	/* save-side init, restore-side init */
	uint64_t bytes, consumed_bytes;	/* payload bytes */
	uint64_t ring_produce, ring_consume;
	uint64_t errors;
};

struct mt_data_stats {
	uint64_t calls, bytes, errors, eof;
};

struct mt_vram_stats {
	uint64_t chunks, bytes, dur_ns, errors;
};

struct mt_state_stats {
	uint64_t entered, total_ns;
};

/* one traced (pid, VF): what `top` shows and Perfetto groups by */
struct mt_unit {
	uint32_t pid;
	uint16_t vf;
	bool used;
	uint64_t bits[MS_MAX_GT];	/* current state bitmap per GT */
	uint64_t since[MS_MAX_GT][64];	/* enter time per set bit */
	uint32_t occ[MS_MAX_GT];	/* last ring occupancy */
	unsigned int ngt;		/* GTs seen: 1 + the highest */
	uint64_t read_bytes, write_bytes, vram_bytes;
	uint64_t top_last_bytes;
};

struct mt_agg {
	struct mt_type_stats types[MT_MAX_TYPES];
	struct mt_data_stats data[2];	/* enum ms_dir */
	struct mt_vram_stats vram[2];
	struct mt_state_stats states[64];
	uint64_t stream_bytes;		/* save side: 24 + payload per packet */
	uint64_t restore_stream_bytes;
	uint64_t events, injects, errors;
	uint64_t first_ts, last_ts;
	struct log2_hist h_vram, h_read, h_write, h_queue;
	struct mt_unit units[MT_MAX_UNITS];
};

void mt_agg_add(struct mt_agg *a, const struct ms_event *e);
struct mt_unit *mt_agg_unit(struct mt_agg *a, uint32_t pid, uint16_t vf);
/* the unit has GT gt: it shows that many rings */
void mt_unit_saw_gt(struct mt_unit *u, unsigned int gt);
/* fold still-set states into total_ns up to the last event */
void mt_agg_close(struct mt_agg *a);
void mt_agg_summary_json(const struct mt_agg *a, struct json *j,
			 uint64_t drops);
void mt_agg_summary_text(const struct mt_agg *a, FILE *f, uint64_t drops);
void mt_agg_hists(const struct mt_agg *a, FILE *f);
/* the phase name a state bitmap amounts to, for top */
const char *mt_phase(uint64_t bits);
/* the unit's phase over all its GTs, and "occ0/occ1/..." of their rings */
const char *mt_unit_phase(const struct mt_unit *u);
void mt_unit_rings(const struct mt_unit *u, char *buf, size_t len);
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
 * When no view needs the events one by one (mt_wants_events), BPF counts
 * the totals itself and sends nothing through the ring: add them to a
 * (before mt_out_finish) and return 1.  0 on the event path, where there
 * is nothing to add; -1 after saying why it failed.
 */
int mt_session_totals(struct mt_session *s, struct mt_agg *a);
struct bpf_map;
int mt_totals_read(struct mt_agg *a, const struct bpf_map *totals,
		   const struct bpf_map *state_since, const struct bpf_map *units);
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
