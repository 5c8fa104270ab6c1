/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output built in memory and handed to a FILE in one write: the core of the
 * JSON writer and of the per-event text lines.  Written piece by piece
 * through stdio (a vfprintf per field, its format parsed every time) an
 * event cost the per-event views most of their time.
 *
 * The formatters print what printf would for the format named beside
 * each, byte for byte, so a view moved onto them reads the same.
 */
#ifndef MIGSCOPE_OUTBUF_H
#define MIGSCOPE_OUTBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OUTBUF_SIZE 4096

struct outbuf {
	FILE *f;
	size_t len;
	char buf[OUTBUF_SIZE];
};

void outbuf_init(struct outbuf *o, FILE *f);
/* hand what is buffered to the FILE, unflushed there */
void outbuf_flush(struct outbuf *o);
/* n bytes that did not fit: flush, then buffer or write them */
void outbuf_put_slow(struct outbuf *o, const char *s, size_t n);

static inline void outbuf_put(struct outbuf *o, const char *s, size_t n)
{
	if (o->len + n > sizeof(o->buf)) {
		outbuf_put_slow(o, s, n);
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void outbuf_putc(struct outbuf *o, char c)
{
	if (o->len == sizeof(o->buf))
		outbuf_flush(o);
	o->buf[o->len++] = c;
}

/* "%s" */
static inline void outbuf_str(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

/* "%-*s": s, then spaces up to width */
void outbuf_str_left(struct outbuf *o, const char *s, unsigned int width);
/* "%" PRIu64 */
void outbuf_u64(struct outbuf *o, uint64_t v);
/* "%-*" PRIu64 */
void outbuf_u64_left(struct outbuf *o, uint64_t v, unsigned int width);
/* "%" PRId64 */
void outbuf_i64(struct outbuf *o, int64_t v);
/* "%#" PRIx64: 0x and lower-case digits, a bare 0 for 0 */
void outbuf_hex(struct outbuf *o, uint64_t v);
/* "%*.*f" (decimals at most 9), rounded as printf rounds */
void outbuf_fixed(struct outbuf *o, double v, unsigned int decimals,
		  unsigned int width);

/*
 * |v| x 10^decimals rounded to the nearest integer, a tie to the even one,
 * on v's exact binary value: printf's rounding.  False when decimals > 9,
 * v is not finite or the result would reach 10^18.
 */
bool outbuf_round(double v, unsigned int decimals, uint64_t *units);
/* units / 10^decimals with a '-' if neg, right-aligned in width */
void outbuf_units(struct outbuf *o, bool neg, uint64_t units,
		  unsigned int decimals, unsigned int width);

#endif /* MIGSCOPE_OUTBUF_H */
