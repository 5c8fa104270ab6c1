// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include "json.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/* separator before a value or key at the current level */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void nest_open(struct json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void nest_close(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
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

static void put_escaped(FILE *f, const char *s)
{
	size_t run;

	fputc('"', f);
	while (*s) {
		/* names and numbers seldom need escapes: write runs at once */
		for (run = 0; s[run] && !needs_escape(s[run]); run++)
			;
		fwrite(s, 1, run, f);
		s += run;
		if (!*s)
			break;
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fprintf(f, "\\u%04x", (unsigned char)*s);
		s++;
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	put_escaped(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	sep(j);
	put_escaped(j->f, s ? s : "");
}

/* decimal digits without printf's format parsing: most event fields */
static void put_u64(FILE *f, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	fwrite(p, 1, buf + sizeof(buf) - p, f);
}

void json_u64(struct json *j, uint64_t v)
{
	sep(j);
	put_u64(j->f, v);
}

void json_i64(struct json *j, int64_t v)
{
	sep(j);
	if (v < 0)
		fputc('-', j->f);
	put_u64(j->f, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void json_f64(struct json *j, double v)
{
	sep(j);
	/*
	 * 15 digits: Perfetto timestamps are microseconds with ns fractions;
	 * 6 digits rounded them to 10 us after a second of trace and made
	 * adjacent slices overlap.
	 */
	if (isfinite(v))
		fprintf(j->f, "%.15g", v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->f);
}

/*
 * No flush here: a write per record cost the event views most of their
 * drain rate.  Whoever produces records flushes when a batch is done:
 * ms_events_drain() after each ring-buffer batch, periodic views after each
 * refresh, everything at exit.
 */
void json_newline(struct json *j)
{
	fputc('\n', j->f);
	j->need_comma[0] = false;
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
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

void json_kf64(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_f64(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
