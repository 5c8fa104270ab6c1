// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>
#include "json.h"

void json_init(struct json *j, FILE *f)
{
	outbuf_init(&j->out, f);
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

void json_flush(struct json *j)
{
	outbuf_flush(&j->out);
}

static void put(struct json *j, const char *s, size_t n)
{
	outbuf_put(&j->out, s, n);
}

static void put_c(struct json *j, char c)
{
	outbuf_putc(&j->out, c);
}

static void put_s(struct json *j, const char *s)
{
	outbuf_str(&j->out, s);
}

/* a value is complete: hand it over if it was a whole top-level value */
static void value_done(struct json *j)
{
	if (!j->depth)
		json_flush(j);
}

/* separator before a value or key at the current level */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		put_c(j, ',');
	j->need_comma[j->depth] = true;
}

static void nest_open(struct json *j, char c)
{
	sep(j);
	put_c(j, c);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void nest_end(struct json *j, char c)
{
	put_c(j, c);
	if (j->depth > 0)
		j->depth--;
}

static void nest_close(struct json *j, char c)
{
	nest_end(j, c);
	value_done(j);
}

/* a JSON-lines record's closing brace and newline, handed over together */
void json_obj_end_line(struct json *j)
{
	nest_end(j, '}');
	json_newline(j);
}

void json_obj_begin(struct json *j) { nest_open(j, '{'); }
void json_obj_end(struct json *j) { nest_close(j, '}'); }
void json_arr_begin(struct json *j) { nest_open(j, '['); }
void json_arr_end(struct json *j) { nest_close(j, ']'); }

/* a byte that cannot appear as itself inside a JSON string */
static bool needs_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20;
}

/* a byte needs_escape() refused, as its escape sequence */
static void put_escape(struct json *j, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

	if (c == '\n') {
		put(j, "\\n", 2);
	} else if (c == '\t') {
		put(j, "\\t", 2);
	} else if (c == '"' || c == '\\') {
		put_c(j, '\\');
		put_c(j, c);
	} else {
		put(j, u, sizeof(u));
	}
}

/*
 * One pass, copying while checking: keys and names are short, so a scan
 * then a copy call cost more.  Local cursor and count: a store through
 * o->buf could alias o->len, which would then be reloaded every byte.
 */
static void put_escaped(struct json *j, const char *s)
{
	struct outbuf *o = &j->out;
	size_t i, room;
	char *d;

	put_c(j, '"');
	while (*s) {
		if (o->len == sizeof(o->buf))
			outbuf_flush(o);
		d = o->buf + o->len;
		room = sizeof(o->buf) - o->len;
		for (i = 0; i < room && s[i] && !needs_escape(s[i]); i++)
			d[i] = s[i];
		o->len += i;
		s += i;
		if (*s && needs_escape(*s))
			put_escape(j, *s++);
	}
	put_c(j, '"');
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	put_escaped(j, key);
	put_c(j, ':');
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	sep(j);
	put_escaped(j, s ? s : "");
	value_done(j);
}

void json_u64(struct json *j, uint64_t v)
{
	sep(j);
	outbuf_u64(&j->out, v);
	value_done(j);
}

void json_i64(struct json *j, int64_t v)
{
	sep(j);
	outbuf_i64(&j->out, v);
	value_done(j);
}

void json_hex(struct json *j, uint64_t v)
{
	sep(j);
	put_c(j, '"');
	outbuf_hex(&j->out, v);
	put_c(j, '"');
	value_done(j);
}

void json_f64(struct json *j, double v)
{
	sep(j);
	/*
	 * 15 digits: Perfetto timestamps are microseconds with ns fractions;
	 * 6 digits rounded them to 10 us after a second of trace and made
	 * adjacent slices overlap.
	 */
	char text[32];

	if (isfinite(v)) {
		snprintf(text, sizeof(text), "%.15g", v);
		put_s(j, text);
	} else {
		put_s(j, "null");
	}
	value_done(j);
}

/* v rounded to the given decimals (at most 9), without printf */
void json_dec(struct json *j, double v, unsigned int decimals)
{
	uint64_t units;

	if (!outbuf_round(v, decimals, &units)) {
		json_f64(j, v);
		return;
	}
	sep(j);
	/* unlike printf, no "-0.000" for a value that rounds to 0 */
	outbuf_units(&j->out, v < 0 && units, units, decimals, 0);
	value_done(j);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	put_s(j, v ? "true" : "false");
	value_done(j);
}

void json_null(struct json *j)
{
	sep(j);
	put_s(j, "null");
	value_done(j);
}

/*
 * The record goes to the FILE, unflushed: a write(2) per record cost the
 * event views most of their drain rate.  Whoever produces records flushes
 * the FILE when a batch is done: ms_events_drain() after each ring-buffer
 * batch, periodic views after each refresh, everything at exit.
 */
void json_newline(struct json *j)
{
	put_c(j, '\n');
	json_flush(j);
	j->need_comma[0] = false;
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kstr_or_null(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_str(j, s);
	else
		json_null(j);
}

void json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_ki64(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_i64(j, v);
}

void json_khex(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_hex(j, v);
}

void json_kf64(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_f64(j, v);
}

void json_kdec(struct json *j, const char *key, double v,
	       unsigned int decimals)
{
	json_key(j, key);
	json_dec(j, v, decimals);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
