// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/: JSON escaping, log2 buckets against the BPF side's,
 * the record-file reader on good and bad files, the option-value parsers,
 * the libbpf log capture, and the event renderers (one line per type, the
 * same JSON keys for every record of a type).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "check.h"
#include "cli.h"
#include "common.h"
#include "hist.h"
#include "inject_abi.h"
#include "json.h"
#include "record.h"
#include "render.h"

/* the BPF side's bucketing, compiled here as plain C */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define log2_slot bpf_log2_slot
#include "../../bpf/lib/bits.bpf.h"
#undef log2_slot

/* --- json ------------------------------------------------------------------ */

static char *json_of(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	json_str(&j, s);
	fclose(f);
	return buf;
}

/* integers written without printf, at their extremes */
static void test_json_numbers(void)
{
	static char buf[256];
	struct json j;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f) {
		check(false, "json-numbers", "fmemopen failed");
		return;
	}
	json_init(&j, f);
	json_arr_begin(&j);
	json_u64(&j, 0);
	json_u64(&j, UINT64_MAX);
	json_i64(&j, -5);
	json_i64(&j, INT64_MIN);
	json_i64(&j, INT64_MAX);
	json_arr_end(&j);
	fclose(f);
	check(!strcmp(buf, "[0,18446744073709551615,-5,-9223372036854775808,9223372036854775807]"),
	      "json-numbers", "got %s", buf);
}

/* fixed decimals, rounded, and what falls back to json_f64 */
static void test_json_decimals(void)
{
	static char buf[256];
	struct json j;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f) {
		check(false, "json-decimals", "fmemopen failed");
		return;
	}
	json_init(&j, f);
	json_arr_begin(&j);
	json_dec(&j, 67.50549, 3);
	json_dec(&j, 1.9996, 3);
	json_dec(&j, -2.5, 3);
	json_dec(&j, -0.0001, 3);
	json_dec(&j, 3.6, 0);
	json_dec(&j, 0.0625, 3);	/* a tie: to even, as printf */
	json_dec(&j, NAN, 3);
	json_dec(&j, 1e30, 3);
	json_arr_end(&j);
	fclose(f);
	check(!strcmp(buf, "[67.505,2.000,-2.500,0.000,4,0.062,null,1e+30]"),
	      "json-decimals", "got %s", buf);
}

/*
 * A string longer than the writer's buffer, with escapes on both sides of
 * its boundaries, then records after it: nothing lost or reordered.
 */
static void test_json_long(void)
{
	size_t n = 3 * OUTBUF_SIZE + 7, i, len = 0;
	char *s = malloc(n + 1), *want = malloc(2 * n + 64), *got = NULL;
	struct json j;
	FILE *f = open_memstream(&got, &len);

	if (!s || !want || !f) {
		check(false, "json-long", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		s[i] = i % 1000 == 999 ? '\n' : 'a' + i % 26;
	s[n] = 0;
	json_init(&j, f);
	json_str(&j, s);
	json_newline(&j);
	json_obj_begin(&j);
	json_ku64(&j, "n", n);
	json_obj_end(&j);
	json_newline(&j);
	fclose(f);
	f = NULL;
	len = 0;
	want[len++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			want[len++] = '\\';
			want[len++] = 'n';
		} else {
			want[len++] = s[i];
		}
	}
	len += sprintf(want + len, "\"\n{\"n\":%zu}\n", n);
	check(got && strlen(got) == len && !memcmp(got, want, len), "json-long",
	      "%zu bytes written, %zu expected", got ? strlen(got) : 0, len);
out:
	if (f)
		fclose(f);
	free(got);
	free(want);
	free(s);
}

static void test_json(void)
{
	check(!strcmp(json_of("a\"b\\c"), "\"a\\\"b\\\\c\""), "json-quote",
	      "got %s", json_of("a\"b\\c"));
	check(!strcmp(json_of("l1\nl2\tx\r"), "\"l1\\nl2\\tx\\u000d\""),
	      "json-control", "got %s", json_of("l1\nl2\tx\r"));
	check(!strcmp(json_of("\x01\x1f"), "\"\\u0001\\u001f\""), "json-low",
	      "got %s", json_of("\x01\x1f"));
	check(!strcmp(json_of("µs"), "\"µs\""), "json-utf8", "got %s",
	      json_of("µs"));
	test_json_numbers();
	test_json_decimals();
	test_json_long();
}

/* --- histograms ----------------------------------------------------------- */

static void test_hist(void)
{
	uint64_t v, bad = 0, first = 0;
	int shift;

	for (shift = 0; shift < 64; shift++)
		for (v = (1ull << shift) - 1; v <= (1ull << shift) + 1 &&
		     v >= (1ull << shift) - 1; v++)
			if (log2_slot(v) != bpf_log2_slot(v) && !bad++)
				first = v;
	check(!bad, "hist-buckets-match-bpf",
	      "%llu values bucketed differently, first %llu",
	      (unsigned long long)bad, (unsigned long long)first);
	check(log2_slot(0) == 0 && log2_slot(1) == 1 && log2_slot(1023) == 10 &&
	      log2_slot(1024) == 11 && log2_slot(~0ull) == MS_LOG2_SLOTS - 1,
	      "hist-buckets", "0->%u 1->%u 1023->%u 1024->%u max->%u",
	      log2_slot(0), log2_slot(1), log2_slot(1023), log2_slot(1024),
	      log2_slot(~0ull));
}

/* --- record files --------------------------------------------------------- */

static int count_event(void *ctx, const struct ms_event *e)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static void write_rec(const char *path, int n, bool finish)
{
	struct ms_event e = { .type = MS_EV_DATA, .op = 0 };
	struct mt_rec r;
	int i;

	if (mt_rec_create(&r, path, "model", 1))
		return;
	for (i = 0; i < n; i++) {
		e.ts_ns = 100 + i;
		mt_rec_write(&r, &e);
	}
	if (finish)
		mt_rec_finish(&r, 7);
	else
		fclose(r.f);
}

static int read_rec(const char *path, int *n)
{
	struct mt_rec_hdr h;

	*n = 0;
	return mt_rec_read(path, &h, count_event, n);
}

static void test_record(const char *dir)
{
	char path[256];
	FILE *f;
	int n, err;

	snprintf(path, sizeof(path), "%s/good.rec", dir);
	write_rec(path, 5, true);
	err = read_rec(path, &n);
	check(!err && n == 5, "record-roundtrip", "err %d, %d events", err, n);
	truncate(path, sizeof(struct mt_rec_hdr) + 2 * sizeof(struct ms_event) + 3);
	err = read_rec(path, &n);
	check(err && !n, "record-truncated", "err %d, %d events read", err, n);
	truncate(path, sizeof(struct mt_rec_hdr) + 2 * sizeof(struct ms_event));
	err = read_rec(path, &n);
	check(err && !n, "record-count-mismatch", "err %d, %d events read", err, n);
	snprintf(path, sizeof(path), "%s/killed.rec", dir);
	write_rec(path, 3, false);
	err = read_rec(path, &n);
	check(!err && n == 3, "record-unfinished", "err %d, %d events", err, n);
	f = fopen(path, "r+b");
	if (f) {
		fputs("NOTAREC!", f);
		fclose(f);
	}
	err = read_rec(path, &n);
	check(err && !n, "record-bad-magic", "err %d, %d events", err, n);
	snprintf(path, sizeof(path), "%s/bad-event.rec", dir);
	write_rec(path, 2, true);
	f = fopen(path, "r+b");
	if (f) {
		struct ms_event e = { .type = MS_EV_STATE };

		e.state.bit = 64;
		fseek(f, sizeof(struct mt_rec_hdr) + sizeof(e), SEEK_SET);
		fwrite(&e, sizeof(e), 1, f);
		fclose(f);
	}
	err = read_rec(path, &n);
	check(err && n == 1, "record-bad-event", "err %d, %d events", err, n);
}

static void remove_dir(const char *dir)
{
	static const char *const files[] = {
		"good.rec", "killed.rec", "bad-event.rec",
	};
	char path[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* --- option values ---------------------------------------------------------- */

/* what a reproducer prints parses back to the same errno and probability */
static void args_parse_back(void)
{
	const double probs[] = { 0.5, 0.1, 1.0 / 3, 0.123456789, 1e-9 };
	char buf[32];
	bool same = true;
	unsigned int i;

	ms_errno_arg(-EIO, buf, sizeof(buf));
	check(!strcmp(buf, "EIO"), "errno-arg-name", "%s", buf);
	ms_errno_arg(-EHWPOISON, buf, sizeof(buf));
	check(ms_errno_from_name(buf) == EHWPOISON, "errno-arg-unnamed-parses-back",
	      "'%s' parsed as %d, not %d", buf, ms_errno_from_name(buf),
	      EHWPOISON);
	for (i = 0; i < sizeof(probs) / sizeof(probs[0]); i++) {
		ms_double_arg(probs[i], buf, sizeof(buf));
		same = same && strtod(buf, NULL) == probs[i];
	}
	ms_double_arg(0.5, buf, sizeof(buf));
	check(same && !strcmp(buf, "0.5"), "double-arg-round-trips",
	      "a probability changed in its text (last: %s)", buf);
}

static void test_parsers(void)
{
	uint64_t v = 0;

	check(!ms_parse_u64("010", &v) && v == 10, "parse-u64-decimal", "%llu",
	      (unsigned long long)v);
	check(!ms_parse_u64("0x10", &v) && v == 16, "parse-u64-hex", "%llu",
	      (unsigned long long)v);
	check(ms_parse_u64("-1", &v) && ms_parse_u64("", &v) &&
	      ms_parse_u64(" 1", &v) && ms_parse_u64("1x", &v) &&
	      ms_parse_u64("99999999999999999999", &v), "parse-u64-refuses",
	      "a bad number was accepted");
	check(!ms_parse_size("4K", &v) && v == 4096 &&
	      !ms_parse_size("2m", &v) && v == 2 << 20, "parse-size", "%llu",
	      (unsigned long long)v);
	check(ms_parse_size("17179869184G", &v) == -ERANGE && ms_parse_size("K", &v),
	      "parse-size-refuses", "an overflowing or empty size was accepted");
	check(ms_errno_from_name("eio") == EIO && ms_errno_from_name("-5") == EIO &&
	      ms_errno_from_name("ERESTARTSYS") == 512 &&
	      ms_errno_from_name("EWHAT") == -1, "parse-errno",
	      "a name or number mapped wrongly");
	check(!strcmp(ms_errno_name(-ENOMEM), "ENOMEM"), "errno-name", "%s",
	      ms_errno_name(-ENOMEM));
	args_parse_back();
}


/* --- the option-table command line -------------------------------------------- */

static const struct ms_opt cli_opts[] = {
	{ "alpha", 'a', "A", "the alpha" },
	{ "beta", 256, NULL, "the beta" },
	{ "secret", 257, NULL, NULL },
	{}
};

static const struct ms_cli cli = {
	.cmd = "unit", .synopsis = "Usage: unit [options] [-- CMD]",
	.about = "A test.", .opts = cli_opts, .stop_at_operand = true,
};

static int cli_seen(void *ctx, int key, const char *arg)
{
	char *seen = ctx;

	snprintf(seen + strlen(seen), 64, "%c%s,", key < 256 ? key : 'L' + key - 256,
		 arg ? arg : "");
	return arg && !strcmp(arg, "bad") ? MS_CLI_USAGE : 0;
}

static int cli_run(char *seen, int argc, ...)
{
	char *argv[8];
	va_list ap;
	int i;

	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	argv[argc] = NULL;
	va_end(ap);
	seen[0] = '\0';
	optind = 1;
	return ms_cli_parse(&cli, argc, argv, cli_seen, seen);
}

static void test_cli(void)
{
	char seen[256], usage[1024];
	FILE *f = fmemopen(usage, sizeof(usage), "w");
	int rc;

	ms_cli_usage(&cli, f);
	fclose(f);
	check(strstr(usage, "-a, --alpha A") && strstr(usage, "    --beta") &&
	      strstr(usage, "--help") && !strstr(usage, "secret"),
	      "cli-usage", "usage: %s", usage);
	rc = cli_run(seen, 6, "unit", "-a", "1", "--beta", "--secret", "x");
	check(!rc && !strcmp(seen, "a1,L,M,") && optind == 5, "cli-parse",
	      "rc %d, seen %s, optind %d", rc, seen, optind);
	rc = cli_run(seen, 4, "unit", "--beta", "--", "-a");
	check(!rc && optind == 3, "cli-operands", "rc %d optind %d", rc, optind);
	check(cli_run(seen, 2, "unit", "--gamma") == MS_CLI_USAGE &&
	      cli_run(seen, 2, "unit", "--alpha") == MS_CLI_USAGE &&
	      cli_run(seen, 3, "unit", "-a", "bad") == MS_CLI_USAGE,
	      "cli-usage-errors", "an unknown option, a missing or a bad value was accepted");
}

/* --- libbpf log capture ------------------------------------------------------ */

static void feed(libbpf_print_fn_t fn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fn(LIBBPF_WARN, fmt, ap);
	va_end(ap);
}

static void test_capture(void)
{
	libbpf_print_fn_t fn;
	char first[512];
	const char *second;

	ms_libbpf_setup();
	fn = libbpf_set_print(NULL);
	libbpf_set_print(fn);
	ms_libbpf_capture_begin();
	feed(fn, "%s", "libbpf: prog 'x': BPF program load failed: Permission denied\n");
	feed(fn, "%s", "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\n0: R1=ctx()\n");
	feed(fn, "%s", "invalid mem access 'scalar'\nprocessed 3 insns\n-- END PROG LOAD LOG --\n");
	snprintf(first, sizeof(first), "%s", ms_libbpf_capture_end());
	second = ms_libbpf_capture_end();
	check(!strcmp(first, "verifier: invalid mem access 'scalar'"),
	      "capture-verdict", "got '%s'", first);
	check(!strcmp(first, second), "capture-read-twice",
	      "first '%s', then '%s'", first, second);
}

/* --- renderers --------------------------------------------------------------- */

/* the top-level keys of one JSON object, "a,b,c," */
static void top_keys(const char *s, char *out, size_t len)
{
	const char *key = NULL;
	bool in_str = false;
	size_t used = 0;
	int depth = 0;

	out[0] = '\0';
	for (; *s && used < len; s++) {
		if (in_str && *s == '\\') {
			s++;
		} else if (in_str && *s == '"') {
			in_str = false;
			if (depth == 1 && key && s[1] == ':')
				used += snprintf(out + used, len - used, "%.*s,",
						 (int)(s - key), key);
		} else if (!in_str && *s == '"') {
			in_str = true;
			key = s + 1;
		} else if (!in_str) {
			depth += (*s == '{' || *s == '[') - (*s == '}' || *s == ']');
		}
	}
}

static void render(const struct ms_event *e, char *json, char *text,
		   size_t len)
{
	FILE *f = fmemopen(json, len, "w");
	struct json j;

	json_init(&j, f);
	ms_event_json(&j, e);
	fclose(f);
	f = fmemopen(text, len, "w");
	ms_event_text(f, e, 0);
	fclose(f);
}

#define EV(t, o, ...) { .type = (t), .op = (o), .vf = 1, .gt = 0, __VA_ARGS__ }

static const struct ms_event variants[] = {
	EV(MS_EV_PACKET, MS_PKT_PRODUCE, .packet = { .ptype = 6, .ret = -5 }),
	{ .type = MS_EV_PACKET, .op = MS_PKT_ALLOC, .vf = MS_VF_UNKNOWN,
	  .gt = MS_GT_UNKNOWN },
	EV(MS_EV_STATE, 0, .state = { .bit = 3, .entered = 1 }),
	EV(MS_EV_STATE, 0, .state = { .bit = 3, .held_ns = 10 }),
	EV(MS_EV_VRAM, 0, .vram = { .bytes = 4096, .dur_ns = 100, .dir = 1 }),
	EV(MS_EV_DATA, 0, .data = { .len = 10, .ret = 0 }),
	EV(MS_EV_DATA, 0, .data = { .len = 10, .ret = -4 }),
	EV(MS_EV_INJECT, 0, .inject = { .site = MS_SITE_DATA_READ, .err = -5,
					.mechanism = INJ_MECH_MODEL }),
	EV(MS_EV_INJECT, 0, .inject = { .site = MS_SITE_DATA_READ, .err = 10,
					.mechanism = INJ_MECH_SIGNAL }),
	EV(MS_EV_INJECT, 0, .inject = { .site = MS_SITE_SAVE_STEP, .err = 500,
					.dry_run = 1,
					.mechanism = INJ_MECH_MODEL }),
	EV(MS_EV_LAPIC, MS_LAPIC_CLAMP, .lapic = { .lag_ns = 9, .period_ns = 5 }),
	EV(MS_EV_LAPIC, MS_LAPIC_REPLAY, .lapic = { .burst = 3 }),
	EV(MS_EV_LAPIC, MS_LAPIC_HV_SWITCH, .lapic = { .hv = 1 }),
	EV(MS_EV_LAPIC, MS_LAPIC_ALERT, .lapic = { .why = 2 }),
};

/* the tracer sees injections without sequence or hit: none is shown */
static void test_render_inject(void)
{
	struct ms_event e = EV(MS_EV_INJECT, 0, .inject = {
		.site = MS_SITE_DATA_READ, .err = 5,
		.mechanism = INJ_MECH_MODEL });
	char json[1024], text[1024];

	render(&e, json, text, sizeof(text));
	check(strstr(text, " inject site=data_read errno=EIO tid=0") != NULL,
	      "render-inject-unnumbered", "%s", text);
	e.inject.seq = 2;
	e.inject.hit = 7;
	render(&e, json, text, sizeof(text));
	check(strstr(text, " inject #2 site=data_read errno=EIO hit=7 ") != NULL,
	      "render-inject-numbered", "%s", text);
}

static void test_render(void)
{
	char keys[MS_EV_TYPE_MAX][512] = {}, k[512], json[2048], text[2048];
	static const char common[] = "type,ts_ns,pid,tid,vf,gt,op,";
	int bad_keys = 0, bad_text = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(variants); i++) {
		const struct ms_event *e = &variants[i];

		render(e, json, text, sizeof(json));
		top_keys(json, k, sizeof(k));
		if (strncmp(k, common, strlen(common)) ||
		    (keys[e->type][0] && strcmp(keys[e->type], k))) {
			if (!bad_keys++)
				printf("# %s\n#   vs %s\n", k, keys[e->type]);
		}
		snprintf(keys[e->type], sizeof(keys[0]), "%s", k);
		if (strstr(text, "event type") ||
		    !strstr(text, ms_event_type_name(e))) {
			if (!bad_text++)
				printf("# %s", text);
		}
	}
	check(!bad_keys, "render-json-keys",
	      "%d records differ from their type's key set", bad_keys);
	check(!bad_text, "render-text", "%d events without their own line",
	      bad_text);
	test_render_inject();
}

int main(void)
{
	char dir[] = "/tmp/migscope-test-lib.XXXXXX";

	test_json();
	test_hist();
	test_parsers();
	test_cli();
	test_capture();
	test_render();
	if (mkdtemp(dir)) {
		test_record(dir);
		remove_dir(dir);
	} else {
		check(0, "record", "mkdtemp: %s", strerror(errno));
	}
	return check_exit();
}
