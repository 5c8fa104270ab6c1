/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer: JSON lines for --json, the doctor report, the
 * Perfetto trace.  It tracks nesting so callers never manage commas.
 */
#ifndef MIGSCOPE_JSON_H
#define MIGSCOPE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "outbuf.h"

#define JSON_MAX_DEPTH 16

/*
 * Output is built in out and handed to its FILE in one write per record:
 * at the end of each JSON line, when a top-level value closes, when the
 * buffer is full and at json_flush().
 */
struct json {
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
	struct outbuf out;
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
/* "%#" PRIx64 as a string: bitmaps and pointers */
void json_hex(struct json *j, uint64_t v);
void json_f64(struct json *j, double v);
/* fixed decimals: cheaper than json_f64's 15 significant digits */
void json_dec(struct json *j, double v, unsigned int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* end of one JSON-lines record */
void json_newline(struct json *j);
/* json_obj_end() then json_newline(), in one write */
void json_obj_end_line(struct json *j);
/* hand what is buffered to the FILE: before writing to it directly */
void json_flush(struct json *j);

/* key + value shorthands */
void json_kstr(struct json *j, const char *key, const char *s);
/* s, or null when s is NULL */
void json_kstr_or_null(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);
void json_ki64(struct json *j, const char *key, int64_t v);
void json_khex(struct json *j, const char *key, uint64_t v);
void json_kf64(struct json *j, const char *key, double v);
void json_kdec(struct json *j, const char *key, double v,
	       unsigned int decimals);
void json_kbool(struct json *j, const char *key, bool v);

#endif /* MIGSCOPE_JSON_H */
