// SPDX-License-Identifier: GPL-2.0
/* Buffered output and printf-free formatters: see outbuf.h. */
#include <math.h>
#include "outbuf.h"

static const uint64_t pow10[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000,
};

void outbuf_init(struct outbuf *o, FILE *f)
{
	o->f = f;
	o->len = 0;
}

void outbuf_flush(struct outbuf *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

void outbuf_put_slow(struct outbuf *o, const char *s, size_t n)
{
	outbuf_flush(o);
	if (n > sizeof(o->buf)) {
		fwrite(s, 1, n, o->f);
		return;
	}
	memcpy(o->buf, s, n);
	o->len = n;
}

static void pad(struct outbuf *o, size_t n)
{
	static const char spaces[] = "                                ";
	size_t k;

	while (n) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		outbuf_put(o, spaces, k);
		n -= k;
	}
}

void outbuf_str_left(struct outbuf *o, const char *s, unsigned int width)
{
	size_t n = strlen(s);

	outbuf_put(o, s, n);
	if (n < width)
		pad(o, width - n);
}

/* v's decimal digits, written backwards so they end at end */
static char *digits(uint64_t v, char *end)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

void outbuf_u64(struct outbuf *o, uint64_t v)
{
	char text[20], *p = digits(v, text + sizeof(text));

	outbuf_put(o, p, text + sizeof(text) - p);
}

void outbuf_u64_left(struct outbuf *o, uint64_t v, unsigned int width)
{
	char text[20], *p = digits(v, text + sizeof(text));
	size_t n = text + sizeof(text) - p;

	outbuf_put(o, p, n);
	if (n < width)
		pad(o, width - n);
}

void outbuf_i64(struct outbuf *o, int64_t v)
{
	if (v < 0)
		outbuf_putc(o, '-');
	outbuf_u64(o, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void outbuf_hex(struct outbuf *o, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char text[18], *p = text + sizeof(text);

	if (!v) {
		outbuf_putc(o, '0');
		return;
	}
	for (; v; v >>= 4)
		*--p = hex[v & 0xf];
	*--p = 'x';
	*--p = '0';
	outbuf_put(o, p, text + sizeof(text) - p);
}

/*
 * Integer arithmetic on v = mant x 2^(exp - 1075): mant x 10^decimals is
 * below 2^83, so the product and the part shifted out are exact and the
 * tie is a tie, where multiplying doubles would round before we round.
 */
bool outbuf_round(double v, unsigned int decimals, uint64_t *units)
{
	unsigned __int128 n, rest, half;
	uint64_t bits, mant;
	int exp, shift;

	if (decimals >= sizeof(pow10) / sizeof(pow10[0]) ||
	    !(fabs(v) * pow10[decimals] < 1e18))
		return false;
	memcpy(&bits, &v, sizeof(bits));
	exp = bits >> 52 & 0x7ff;
	mant = bits & ((1ULL << 52) - 1);
	if (exp)
		mant |= 1ULL << 52;
	else
		exp = 1;	/* subnormal */
	n = (unsigned __int128)mant * pow10[decimals];
	shift = 1075 - exp;
	if (shift <= 0) {
		*units = n << -shift;
		return true;
	}
	if (shift >= 128) {	/* below 2^-44: rounds to 0 */
		*units = 0;
		return true;
	}
	*units = n >> shift;
	rest = n & (((unsigned __int128)1 << shift) - 1);
	half = (unsigned __int128)1 << (shift - 1);
	if (rest > half || (rest == half && (*units & 1)))
		(*units)++;
	return true;
}

/* decimals at most 9: whatever outbuf_round() accepted */
void outbuf_units(struct outbuf *o, bool neg, uint64_t units,
		  unsigned int decimals, unsigned int width)
{
	char text[32], *p = text + sizeof(text);
	uint64_t frac = units % pow10[decimals];
	unsigned int i;
	size_t n;

	if (decimals) {
		for (i = 0; i < decimals; i++, frac /= 10)
			*--p = '0' + frac % 10;
		*--p = '.';
	}
	p = digits(units / pow10[decimals], p);
	if (neg)
		*--p = '-';
	n = text + sizeof(text) - p;
	if (n < width)
		pad(o, width - n);
	outbuf_put(o, p, n);
}

void outbuf_fixed(struct outbuf *o, double v, unsigned int decimals,
		  unsigned int width)
{
	uint64_t units;

	if (outbuf_round(v, decimals, &units)) {
		outbuf_units(o, signbit(v), units, decimals, width);
		return;
	}
	outbuf_flush(o);
	fprintf(o->f, "%*.*f", (int)width, (int)decimals, v);
}
