/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole migration in one view: the source's and the destination's
 * events joined on one clock, the downtime split into phases, the critical
 * path through them and what bounded it.
 *
 * It reads events only through mb_coll_add() (from a record file or the
 * live ring) and answers through struct mb_result, so where the figures
 * come from (per-event records today, BPF aggregates later) stays behind
 * this interface.
 */
#ifndef MIGSCOPE_BREAKDOWN_H
#define MIGSCOPE_BREAKDOWN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "json.h"
#include "migscope_abi.h"
#include "migscope_record.h"

#define MB_MAX_PHASES	96
#define MB_MAX_WAITS	3

enum mb_side { MB_SRC, MB_DST, MB_SIDES };

enum mb_align {
	MB_ALIGN_AUTO,		/* clock when both sides share a boot, else stream */
	MB_ALIGN_CLOCK,		/* one CLOCK_MONOTONIC: one host */
	MB_ALIGN_STREAM,	/* the stream's bytes: read before written */
};

/* what a stretch of the downtime was spent on */
enum mb_phase {
	MB_PH_PAUSE,		/* source: PAUSE_WIP .. every GT PAUSED */
	MB_PH_STOP_COPY,	/* paused .. save worker or reader starts */
	MB_PH_SAVE,		/* one save step producing a packet (type, GT) */
	MB_PH_SAVE_DONE,	/* the last save step: .. SAVE_DATA_DONE */
	MB_PH_SRC_RING,		/* a packet waiting in a source ring */
	MB_PH_READ_OUT,		/* the reader streaming a packet out */
	MB_PH_TRANSFER,		/* source ring out .. destination header parsed */
	MB_PH_RECEIVE,		/* a packet's payload arriving at the destination */
	MB_PH_DST_RING,		/* a packet waiting in a destination ring */
	MB_PH_RESTORE,		/* one restore of a packet (type, GT) */
	MB_PH_WRAP_UP,		/* last restore or trailer .. RESTORED */
	MB_PH_RESUME_START,	/* restored .. RESUME_WIP */
	MB_PH_RESUME,		/* RESUME_WIP .. RESUMED */
	MB_PH_RESTORE_WAIT,	/* activity only: RESTORE_WAIT_DATA */
	MB_PH_VRAM_COPY,	/* activity only: one VRAM chunk copy */
	MB_PH_DATA_CALL,	/* activity only: data_read / data_write */
	MB_PH_NR,
};

struct mb_key {
	uint8_t phase;		/* enum mb_phase */
	uint8_t gt;		/* MS_GT_UNKNOWN when not per GT */
	uint8_t ptype;		/* packet type, 0 when none */
};

struct mb_seg {
	struct mb_key key;
	uint64_t start_ns, dur_ns;	/* start relative to the downtime start */
};

/* one stretch of activity on one side's GT, for the timeline views */
struct mb_span {
	struct mb_key key;
	uint8_t side;		/* enum mb_side */
	uint64_t start_ns, dur_ns;	/* source clock, absolute */
	uint64_t bytes;		/* data calls and VRAM copies */
};

struct mb_total {
	struct mb_key key;
	uint8_t side;		/* activity: enum mb_side */
	uint64_t ns;
	uint64_t count;
};

struct mb_wait {
	struct mb_key pkt;		/* the waiting packet (gt, ptype) */
	uint64_t wait_ns;
	struct mb_key behind;		/* what the reader streamed meanwhile */
	uint64_t behind_pkts;
};

struct mb_alignment {
	enum mb_align method;
	int64_t offset_ns;		/* destination clock - source clock */
	uint64_t uncertainty_ns;
	uint64_t pairs;			/* stream: read/write pairs used */
};

struct mb_result {
	uint32_t src_pid, dst_pid;
	uint16_t vf;
	struct mb_alignment align;
	uint64_t start_ns, end_ns;	/* downtime, source clock */
	uint64_t downtime_ns;
	uint64_t clamped_ns;		/* causality violations absorbed */
	uint64_t stream_pkts, stream_mismatch;
	uint32_t nsegs, nspans, cap_segs, cap_spans;
	struct mb_seg *segs;		/* the critical path, in time order */
	struct mb_span *spans;		/* everything, for the timelines */
	uint32_t ncrit, nact;
	struct mb_total crit[MB_MAX_PHASES];	/* critical path by key */
	struct mb_total act[MB_MAX_PHASES];	/* per-GT activity by key */
	uint32_t nwaits;
	struct mb_wait waits[MB_MAX_WAITS];	/* longest source ring waits */
};

/* --- collecting both sides ------------------------------------------------ */

struct mb_coll;
struct mb_coll *mb_coll_new(void);
void mb_coll_free(struct mb_coll *c);
/* the record file the next events come from (NULL: live, one clock) */
void mb_coll_file(struct mb_coll *c, const struct mt_rec_hdr *hdr);
/* an ms_event_fn: keeps what the breakdown needs */
int mb_coll_add(void *ctx, const struct ms_event *e);
/* join both sides and break the downtime down; -1 with a message if not */
int mb_analyze(struct mb_coll *c, enum mb_align align, struct mb_result *r);
void mb_result_free(struct mb_result *r);

/* internals shared by the breakdown_*.c files */
struct mb_ev {
	struct ms_event e;
	uint8_t state;		/* enum mb_state for state events */
	uint8_t ptype;		/* packet type resolved by name */
};

enum mb_state {
	MB_ST_NONE,
	MB_ST_PAUSE_WIP,
	MB_ST_PAUSED,
	MB_ST_SAVE_WIP,
	MB_ST_SAVE_DATA_DONE,
	MB_ST_RESTORE_WIP,
	MB_ST_RESTORE_WAIT_DATA,
	MB_ST_RESTORE_DATA_DONE,
	MB_ST_RESTORED,
	MB_ST_RESUME_WIP,
	MB_ST_RESUMED,
};

struct mb_sidev {
	uint32_t pid;
	struct mb_ev *ev;
	uint32_t n;
	int file;		/* which record file, -1 live */
};

int mb_align_sides(const struct mb_sidev *src, const struct mb_sidev *dst,
		   bool same_boot, enum mb_align want,
		   struct mb_alignment *out);
/* room for element n of a growing array (doubling); -1 without memory */
int mb_reserve(void **arr, uint32_t n, uint32_t *cap, size_t size);
int mb_add_span(struct mb_result *r, unsigned int side, struct mb_key key,
		uint64_t start, uint64_t end, uint64_t bytes);
int mb_critical(const struct mb_sidev *src, const struct mb_sidev *dst,
		struct mb_result *r);

/* --- rendering ------------------------------------------------------------ */

const char *mb_phase_name(unsigned int phase);
/* "save GT1 GUC" */
void mb_key_text(const struct mb_key *k, char *buf, size_t len);
void mb_text(FILE *f, const struct mb_result *r);
void mb_json(struct json *j, const struct mb_result *r);
void mb_diff_text(FILE *f, const struct mb_result *a,
		  const struct mb_result *b);
void mb_diff_json(struct json *j, const struct mb_result *a,
		  const struct mb_result *b);
int mb_perfetto(const char *path, const struct mb_result *r);

#endif /* MIGSCOPE_BREAKDOWN_H */
