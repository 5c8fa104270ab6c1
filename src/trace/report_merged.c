// SPDX-License-Identifier: GPL-2.0
/*
 * migscope report, merged forms: a source and a destination recording
 * joined into one breakdown of the downtime, two migrations compared, the
 * timeline as Perfetto or as a picture that opens offline.  The one-file
 * summary form stays in src/trace/trace.c.
 */
#include <stdlib.h>
#include <string.h>
#include "breakdown.h"
#include "cli.h"
#include "common.h"
#include "record.h"
#include "report_merged.h"
#include "svg_timeline.h"

#define MAX_FILES	4

enum { OPT_DIFF = 300, OPT_ALIGN, OPT_PERFETTO, OPT_SVG, OPT_BREAKDOWN };

static const struct ms_opt merged_opts[] = {
	{ "json", 'j', NULL,
	  "one {\"type\":\"breakdown\"} record (--diff: \"diff\")" },
	{ "breakdown", OPT_BREAKDOWN, NULL,
	  "break down one recording that holds both sides" },
	{ "diff", OPT_DIFF, NULL,
	  "compare two migrations phase by phase: A and B are recordings of both sides, or A_SRC A_DST B_SRC B_DST" },
	{ "align", OPT_ALIGN, "HOW",
	  "auto (clock when both were recorded on one boot, else stream), clock or stream" },
	{ "perfetto", OPT_PERFETTO, "OUT",
	  "the merged timeline and critical path for Perfetto" },
	{ "svg", OPT_SVG, "OUT",
	  "the merged timeline as a self-contained SVG picture" },
	{}
};

static const struct ms_cli merged_cli = {
	.cmd = "report",
	.synopsis =
"Usage: migscope report SRC.rec DST.rec [--json] [--perfetto OUT] [--svg OUT]\n"
"                       [--align auto|clock|stream]\n"
"       migscope report BOTH.rec --breakdown [...]\n"
"       migscope report A B --diff [--json]\n",
	.about =
"Join a migration's source and destination on one clock and break its\n"
"downtime down: phases (pause, save per type and GT, ring waits, transfer,\n"
"restore per type and GT, resume), the critical path through them and what\n"
"bounded it.  A recording holding both processes (record -- migsim migrate)\n"
"is a whole migration by itself.\n",
	.opts = merged_opts,
};

struct rep_opts {
	bool json, diff, breakdown;
	enum mb_align align;
	const char *perfetto, *svg;
	char *files[MAX_FILES];
	int nfiles;
};

bool mb_report_wants(int argc, char **argv)
{
	int i, files = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--diff") || !strcmp(argv[i], "--svg") ||
		    !strncmp(argv[i], "--svg=", 6) ||
		    !strcmp(argv[i], "--breakdown") ||
		    !strncmp(argv[i], "--align", 7))
			return true;
		if (!strcmp(argv[i], "--perfetto"))
			i++;
		else if (argv[i][0] != '-')
			files++;
	}
	return files >= 2;
}

static int parse_align(const char *s, enum mb_align *a)
{
	if (!strcmp(s, "auto"))
		*a = MB_ALIGN_AUTO;
	else if (!strcmp(s, "clock"))
		*a = MB_ALIGN_CLOCK;
	else if (!strcmp(s, "stream"))
		*a = MB_ALIGN_STREAM;
	else
		return ms_usage_err("report", "--align must be auto, clock or stream, not '%s'",
				    s);
	return 0;
}

static int merged_value(void *ctx, int key, const char *arg)
{
	struct rep_opts *o = ctx;

	switch (key) {
	case 'j': o->json = true; break;
	case OPT_DIFF: o->diff = true; break;
	case OPT_BREAKDOWN: o->breakdown = true; break;
	case OPT_ALIGN: return parse_align(arg, &o->align);
	case OPT_PERFETTO: o->perfetto = arg; break;
	case OPT_SVG: o->svg = arg; break;
	}
	return 0;
}

static int parse(struct rep_opts *o, int argc, char **argv)
{
	int err = ms_cli_parse(&merged_cli, argc, argv, merged_value, o);

	if (err)
		return err;
	o->nfiles = argc - optind;
	if (o->nfiles < 1 || o->nfiles > MAX_FILES ||
	    (o->diff && o->nfiles != 2 && o->nfiles != 4) ||
	    (!o->diff && o->nfiles > 2))
		return ms_usage_err("report", "give SRC.rec DST.rec, one recording of both sides, or two migrations with --diff");
	if (o->diff && (o->perfetto || o->svg))
		return ms_usage_err("report", "--diff writes no timeline: drop --perfetto/--svg");
	memcpy(o->files, &argv[optind], o->nfiles * sizeof(char *));
	return 0;
}

/* one migration from n (1 or 2) recordings */
static int load(char *const *files, int n, enum mb_align align, struct mb_result *r)
{
	struct mb_coll *c = mb_coll_new();
	struct mt_rec_hdr hdr;
	int i, err = 0;

	if (!c)
		return ms_err("out of memory");
	for (i = 0; i < n && !err; i++) {
		err = mt_rec_peek(files[i], &hdr);
		if (err)
			break;
		mb_coll_file(c, &hdr);
		err = mt_rec_read(files[i], &hdr, mb_coll_add, c);
		if (!err && hdr.drops)
			fprintf(stderr, "migscope: warning: %s dropped %llu events: the breakdown may be wrong\n",
				files[i], (unsigned long long)hdr.drops);
	}
	if (!err)
		err = mb_analyze(c, align, r);
	mb_coll_free(c);
	return err;
}

static int diff(const struct rep_opts *o)
{
	struct mb_result *a = calloc(2, sizeof(*a)), *b = a + 1;
	int per = o->nfiles / 2, err = -1;
	struct json j;

	if (!a)
		return ms_err("out of memory");
	if (!load(o->files, per, o->align, a) &&
	    !load(o->files + per, per, o->align, b)) {
		json_init(&j, stdout);
		if (o->json)
			mb_diff_json(&j, a, b);
		else
			mb_diff_text(stdout, a, b);
		err = 0;
	}
	mb_result_free(a);
	mb_result_free(b);
	free(a);
	return err;
}

int mb_report_main(int argc, char **argv)
{
	struct rep_opts o = { .align = MB_ALIGN_AUTO };
	struct mb_result *r;
	struct json j;
	int err = parse(&o, argc, argv);

	if (err)
		return err == MS_CLI_HELP ? 0 : err;
	if (o.diff)
		return diff(&o) ? 1 : 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ms_err("out of memory"), 1;
	err = load(o.files, o.nfiles, o.align, r);
	if (!err) {
		json_init(&j, stdout);
		if (o.json)
			mb_json(&j, r);
		else
			mb_text(stdout, r);
		if (o.perfetto && mb_perfetto(o.perfetto, r))
			err = -1;
		if (o.svg && mb_svg(o.svg, r))
			err = -1;
	}
	fflush(stdout);
	mb_result_free(r);
	free(r);
	return err ? 1 : 0;
}
