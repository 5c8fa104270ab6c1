// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/outbuf: every formatter against the printf format it
 * stands for, written side by side into two streams and compared whole:
 * widths, negative numbers, hex, fixed decimals at their ties and
 * fallbacks, output longer than the buffer, and an event line keeping its
 * place among the caller's own writes to the same FILE.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "check.h"
#include "common.h"
#include "outbuf.h"
#include "render.h"

/* o writes to got, the printf side to want */
struct pair {
	char *got, *want;
	size_t got_len, want_len;
	FILE *w;
	struct outbuf o;
};

static bool pair_open(struct pair *p)
{
	FILE *g = open_memstream(&p->got, &p->got_len);

	p->w = open_memstream(&p->want, &p->want_len);
	if (!g || !p->w) {
		check(false, "outbuf-memstream", "open_memstream failed");
		return false;
	}
	outbuf_init(&p->o, g);
	return true;
}

/* both sides written: report name as passed if they are the same bytes */
static void pair_check(struct pair *p, const char *name)
{
	size_t i = 0;

	outbuf_flush(&p->o);
	fclose(p->o.f);
	fclose(p->w);
	while (i < p->got_len && i < p->want_len && p->got[i] == p->want[i])
		i++;
	check(p->got_len == p->want_len && i == p->got_len, name,
	      "differ at byte %zu of %zu/%zu: got \"%.40s\" want \"%.40s\"",
	      i, p->got_len, p->want_len, p->got + i, p->want + i);
	free(p->got);
	free(p->want);
}

/* a separator on both sides, so a width error cannot hide in a run */
static void bar(struct pair *p)
{
	outbuf_putc(&p->o, '|');
	fputc('|', p->w);
}

/* the outbuf call on one side, the printf format on the other */
#define BOTH(p, call, ...)					\
	do {							\
		call;						\
		fprintf((p)->w, __VA_ARGS__);			\
		bar(p);						\
	} while (0)

static const unsigned int widths[] = { 0, 1, 2, 5, 7, 10, 13, 22, 70 };

static void test_integers(void)
{
	static const uint64_t u[] = { 0, 1, 9, 10, 99, 12345, 4294967295ULL,
				      1ULL << 63, UINT64_MAX };
	static const int64_t s[] = { 0, 1, -1, -5, 1000000, -1000000,
				     INT64_MAX, INT64_MIN };
	struct pair p;
	size_t i, k;

	if (!pair_open(&p))
		return;
	for (i = 0; i < ARRAY_SIZE(u); i++) {
		BOTH(&p, outbuf_u64(&p.o, u[i]), "%" PRIu64, u[i]);
		BOTH(&p, outbuf_hex(&p.o, u[i]), "%#" PRIx64, u[i]);
		for (k = 0; k < ARRAY_SIZE(widths); k++)
			BOTH(&p, outbuf_u64_left(&p.o, u[i], widths[k]),
			     "%-*" PRIu64, widths[k], u[i]);
	}
	for (i = 0; i < ARRAY_SIZE(s); i++)
		BOTH(&p, outbuf_i64(&p.o, s[i]), "%" PRId64, s[i]);
	pair_check(&p, "outbuf-integers");
}

static void test_strings(void)
{
	static const char *const s[] = { "", "a", "consume", "init_from_hdr",
					 "PAUSE_SEND_PAUSE_TOO_LONG_FOR_22" };
	struct pair p;
	size_t i, k;

	if (!pair_open(&p))
		return;
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		BOTH(&p, outbuf_str(&p.o, s[i]), "%s", s[i]);
		for (k = 0; k < ARRAY_SIZE(widths); k++)
			BOTH(&p, outbuf_str_left(&p.o, s[i], widths[k]),
			     "%-*s", widths[k], s[i]);
	}
	pair_check(&p, "outbuf-strings");
}

static void fixed_both(struct pair *p, double v, unsigned int decimals,
		       unsigned int width)
{
	BOTH(p, outbuf_fixed(&p->o, v, decimals, width), "%*.*f", width,
	     decimals, v);
}

/*
 * Ties exactly representable (0.125, 0.0625, 2.5: printf rounds them to
 * even), values just off a tie (0.15, 2.675, 1.0005 are stored a little
 * below or above), the smallest doubles, negative zero, and what falls
 * back to printf itself (above 10^18 units, not finite).
 */
static const double fixed_edges[] = {
	0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.0625, 0.05, 0.15,
	0.25, 0.45, 9.5, 1.0005, 2.675, -0.01, 999999.95, 1e14 + 0.5,
	123456789.987654321, 4503599627370495.5, 9007199254740993.0, 1e-300,
	5e-324, 1e15, 1e18, 1e300, -1e300, INFINITY, -INFINITY, NAN,
};

static void test_fixed_edges(void)
{
	struct pair p;
	unsigned int d;
	size_t i;

	if (!pair_open(&p))
		return;
	for (i = 0; i < ARRAY_SIZE(fixed_edges); i++) {
		for (d = 0; d <= 9; d++) {
			fixed_both(&p, fixed_edges[i], d, 0);
			fixed_both(&p, fixed_edges[i], d, 12);
		}
	}
	pair_check(&p, "outbuf-fixed-edges");
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The values the event lines print: ns as us (%.1f), ns since t0 as s
 * (%10.6f) around every tie, bytes*8/ns (%.2f), then arbitrary bit
 * patterns as doubles at every precision.
 */
static void test_fixed_sweep(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL, bits, n;
	struct pair p;
	double v;
	int i;

	if (!pair_open(&p))
		return;
	for (n = 0; n < 40000; n++) {
		fixed_both(&p, (n * 50 + n % 3) / 1e3, 1, 0);
		fixed_both(&p, (n * 1000000 + 500 + (n % 3) * 1000) / 1e9, 6,
			   10);
		fixed_both(&p, (double)(n * 4096) * 8.0 /
			   (double)(n % 977 + 1), 2, 0);
	}
	for (i = 0; i < 100000; i++) {
		bits = next_random(&seed);
		memcpy(&v, &bits, sizeof(v));
		fixed_both(&p, v, i % 10, 0);
	}
	pair_check(&p, "outbuf-fixed-sweep");
}

/* more than the buffer holds, at once and in padding: nothing reordered */
static void test_long(void)
{
	size_t n = 3 * OUTBUF_SIZE + 7, i;
	char *s = malloc(n + 1);
	struct pair p;

	if (!s) {
		check(false, "outbuf-long", "out of memory");
		return;
	}
	if (!pair_open(&p)) {
		free(s);
		return;
	}
	for (i = 0; i < n; i++)
		s[i] = 'a' + i % 26;
	s[n] = 0;
	for (i = 0; i < OUTBUF_SIZE - 3; i++)
		bar(&p);
	outbuf_u64(&p.o, UINT64_MAX);
	outbuf_str(&p.o, s);
	outbuf_str_left(&p.o, "x", 2 * OUTBUF_SIZE + 1);
	outbuf_i64(&p.o, INT64_MIN);
	outbuf_fixed(&p.o, 1e300, 2, 0);
	outbuf_hex(&p.o, UINT64_MAX);
	fprintf(p.w, "%" PRIu64 "%s%-*s%" PRId64 "%.2f%#" PRIx64, UINT64_MAX,
		s, 2 * OUTBUF_SIZE + 1, "x", INT64_MIN, 1e300, UINT64_MAX);
	pair_check(&p, "outbuf-long");
	free(s);
}

/* a caller's own lines before and after an event line stay in place */
static void test_line_order(void)
{
	struct ms_event e = { .type = MS_EV_DATA, .ts_ns = 2000, .pid = 7,
			      .vf = 1, .data = { .len = 10, .dur_ns = 2500 } };
	const char *want = "before\n  0.000002 pid 7       VF1  GT0 data   "
			   "read  len 10         2.5 us -> EOF\nafter\n";
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	if (!f) {
		check(false, "outbuf-line-order", "open_memstream failed");
		return;
	}
	fputs("before\n", f);
	ms_event_text(f, &e, 0);
	fputs("after\n", f);
	fclose(f);
	check(!strcmp(got, want), "outbuf-line-order", "got \"%s\"", got);
	free(got);
}

int main(void)
{
	test_integers();
	test_strings();
	test_fixed_edges();
	test_fixed_sweep();
	test_long();
	test_line_order();
	return check_exit();
}
