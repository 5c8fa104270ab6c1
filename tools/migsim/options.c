// SPDX-License-Identifier: GPL-2.0
/* migsim's options: usage, parsing and the checks between them. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migsim.h"
#include "xe_defects.h"

/* --- options ------------------------------------------------------------- */

void usage(FILE *f)
{
	fprintf(f,
"usage: migsim migrate [options]\n"
"       migsim save --out FILE [options]      (FILE '-' = stdout)\n"
"       migsim restore --in FILE [options]    (FILE '-' = stdin)\n"
"\n"
"Drive the xe SR-IOV VF migration reference model like a VMM drives\n"
"xe-vfio-pci.  migrate: source and destination run in two processes joined\n"
"by a socketpair; the destination VF's VRAM, GGTT, MMIO and GuC state are\n"
"then compared with the source's.  save/restore keep the stream in a file;\n"
"restore verifies against the content a `save` source has.\n"
"\n"
"options:\n"
"  --platform bmg|ptl   device profile (default bmg; ptl has no VRAM)\n"
"  --vfs N              number of VFs (default 2)\n"
"  --vf N               VF to migrate, 1..N (default 1)\n"
"  --vram SIZE          VRAM per VF (default 64M)\n"
"  --chunk SIZE         VRAM chunk per packet (default 512M, upstream)\n"
"  --ggtt SIZE          GGTT per VF (default 64M: 8 B of PTE per 4K)\n"
"  --guc SIZE           GuC state per GT (default 4M+4K, max 8M)\n"
"  --buf SIZE           bytes per data_read/data_write call (default 1M)\n"
"  --timeout MS         finish-restore wait (default 20000, upstream 20 s)\n"
"  --attempts N         migrate: after a failure, recover the source VF (resume,\n"
"                       or reset if it cannot leave STOP_COPY) and migrate it\n"
"                       again to a new destination, up to N attempts (default 1)\n"
"  --defect LIST        re-enable upstream behaviours the model does not have\n"
"                       by default, comma-separated, from:\n"
"                       %s\n"
"                       The model follows upstream 7.2.  These bring 6.19 back:\n"
"                         v619_no_flr_prepare    no FLR prepare step: the VFIO\n"
"                                                reset's prepare is refused and\n"
"                                                no FLR_PREPARE is entered\n"
"                         v619_flr_retrigger_ok  trigger_flr returns 0, not\n"
"                                                -EALREADY, while an FLR runs\n"
"                         v619_strict_consume    the reader drains GTs strictly\n"
"                                                in order (positive-EAGAIN test)\n"
"                         mmio_pf_view           MMIO saved/restored through\n"
"                                                the PF's view (fixed in 7.1)\n"
"                         6.19                   all four\n"
"  --flr-at SIDE:N      reset the VF as VFIO_DEVICE_RESET does (FLR prepare,\n"
"                       the FLR, wait for the PF) right after the N-th\n"
"                       data_read (SIDE save: the source) or data_write\n"
"                       (SIDE restore: the destination); that side then\n"
"                       fails at \"flr\" (-ECANCELED); JSON src_flr/dst_flr\n"
"                       give prepare's and the wait's results\n"
"  --json               one JSON object on stdout (stderr if the stream is)\n"
"  --stop               each process raises SIGSTOP on itself after creating\n"
"                       its device, before the first migration step, so a\n"
"                       tracer can attach by pid and SIGCONT it (also\n"
"                       MIGSIM_STOP=1); use -v to see the pids\n"
"  --twin               drive the kernel twin (xe_twin.ko) through its debugfs\n"
"                       instead of a model in this process: the source is VF N\n"
"                       of its PF 0, the destination VF N of its PF 1; both\n"
"                       must be READY; the device shape is the module's\n"
"                       parameters (docs/twin.md)\n"
"  --twin-dir DIR       the twin's debugfs (default /sys/kernel/debug/xe_twin)\n"
"  -v, --verbose        pids, fault-map status, model debug messages\n"
"  -h, --help           this text\n"
"SIZE takes K, M or G suffixes (powers of 1024).  throughput is Gbit/s of\n"
"stream; downtime is from the source pause to the destination resume.\n"
"SIGUSR1 is caught as a VMM catches its thread kicks (no SA_RESTART): a\n"
"data read or write it interrupts returns EINTR or a short count and is\n"
"issued again (JSON data_read/data_write \"interrupted\"); an EINTR with\n"
"no signal caught is the device's error.\n"
"Exit status 0 only if the migration succeeded and verified.\n",
		xe_defects_help());
}

static bool parse_size(const char *s, u64 *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || (shift && v > (~0ULL >> shift)))
		return false;
	*out = v << shift;
	return true;
}

static bool parse_uint(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000000UL)
		return false;
	*out = v;
	return true;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "migsim: invalid %s '%s' (try --help)\n", what, arg);
	return -1;
}

/* SIDE:N with SIDE save or restore and N >= 1 */
static int parse_flr_at(struct opts *o, const char *arg)
{
	const char *colon = strchr(arg, ':');

	if (!colon || !parse_uint(colon + 1, &o->flr_at) || !o->flr_at)
		return bad("--flr-at (save:N or restore:N, N >= 1)", arg);
	if (!strncmp(arg, "save:", 5))
		o->flr_side = "save";
	else if (!strncmp(arg, "restore:", 8))
		o->flr_side = "restore";
	else
		return bad("--flr-at (save:N or restore:N, N >= 1)", arg);
	return 0;
}

enum { O_PLATFORM = 256, O_VFS, O_VF, O_VRAM, O_CHUNK, O_GGTT, O_GUC, O_BUF,
       O_TIMEOUT, O_DEFECT, O_JSON, O_STOP, O_OUT, O_IN, O_ATTEMPTS,
       O_FLR_AT, O_TWIN, O_TWIN_DIR };

/* the options that take a size: 0 done, 1 not one of them, <0 bad */
static int parse_size_opt(struct opts *o, int c, const char *arg)
{
	u64 v;

	switch (c) {
	case O_VRAM:
		if (!parse_size(arg, &o->cfg.vram_size))
			return bad("--vram", arg);
		return 0;
	case O_CHUNK:
		if (!parse_size(arg, &v) || v < XE_PAGE_SIZE)
			return bad("--chunk (>= 4K)", arg);
		o->cfg.vram_chunk = v;
		return 0;
	case O_GGTT:
		if (!parse_size(arg, &v) || v < XE_PAGE_SIZE || v > (64ULL << 30))
			return bad("--ggtt (4K..64G)", arg);
		o->cfg.ggtt_size = v;
		return 0;
	case O_GUC:
		if (!parse_size(arg, &v) || !v || v % 8 || v > SZ_8M)
			return bad("--guc (multiple of 8, <= 8M)", arg);
		o->cfg.guc_size = v;
		return 0;
	case O_BUF:
		if (!parse_size(arg, &v) || !v || v > (1ULL << 30))
			return bad("--buf (1..1G)", arg);
		o->buf = v;
		return 0;
	default:
		return 1;
	}
}

static int parse_opt(struct opts *o, int c, const char *arg)
{
	const char *bad_name;
	int bits, ret;

	ret = parse_size_opt(o, c, arg);
	if (ret <= 0)
		return ret;
	switch (c) {
	case O_PLATFORM:
		if (!xe_platform_lookup(arg))
			return bad("platform", arg);
		o->cfg.platform = arg;
		return 0;
	case O_VFS:
		if (!parse_uint(arg, &o->cfg.num_vfs) || !o->cfg.num_vfs ||
		    o->cfg.num_vfs > 63)
			return bad("--vfs (1..63)", arg);
		return 0;
	case O_VF:
		if (!parse_uint(arg, &o->vf) || !o->vf)
			return bad("--vf", arg);
		return 0;
	case O_TIMEOUT:
		if (!parse_uint(arg, &o->cfg.restore_timeout_ms))
			return bad("--timeout", arg);
		return 0;
	case O_ATTEMPTS:
		if (!parse_uint(arg, &o->attempts) || !o->attempts ||
		    o->attempts > MAX_ATTEMPTS)
			return bad("--attempts (1..8)", arg);
		return 0;
	case O_DEFECT:
		bits = xe_defects_parse(arg, &bad_name);
		if (bits < 0)
			return bad("defect", bad_name);
		o->cfg.defects |= bits;
		return 0;
	case O_FLR_AT:
		return parse_flr_at(o, arg);
	case O_JSON:
		o->json = true;
		return 0;
	case O_STOP:
		o->stop = true;
		return 0;
	case O_OUT:
	case O_IN:
		o->file = arg;
		return 0;
	case O_TWIN:
		o->backend = &mig_vf_twin;
		return 0;
	case O_TWIN_DIR:
		o->backend = &mig_vf_twin;
		o->twin = arg;
		return 0;
	case 'v':
		o->verbose = true;
		o->cfg.verbose = true;
		return 0;
	default:
		return -1;
	}
}

int parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "platform", 1, NULL, O_PLATFORM }, { "vfs", 1, NULL, O_VFS },
		{ "vf", 1, NULL, O_VF }, { "vram", 1, NULL, O_VRAM },
		{ "chunk", 1, NULL, O_CHUNK }, { "ggtt", 1, NULL, O_GGTT },
		{ "guc", 1, NULL, O_GUC }, { "buf", 1, NULL, O_BUF },
		{ "timeout", 1, NULL, O_TIMEOUT }, { "defect", 1, NULL, O_DEFECT },
		{ "json", 0, NULL, O_JSON }, { "stop", 0, NULL, O_STOP },
		{ "out", 1, NULL, O_OUT }, { "in", 1, NULL, O_IN },
		{ "attempts", 1, NULL, O_ATTEMPTS }, { "flr-at", 1, NULL, O_FLR_AT },
		{ "twin", 0, NULL, O_TWIN },
		{ "twin-dir", 1, NULL, O_TWIN_DIR },
		{ "verbose", 0, NULL, 'v' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("MIGSIM_STOP");
	int c;

	xe_device_config_defaults(&o->cfg);
	o->vf = 1;
	o->buf = SZ_1M;
	o->attempts = 1;
	o->backend = &mig_vf_model;
	o->twin = "/sys/kernel/debug/xe_twin";
	o->stop = env && *env && strcmp(env, "0");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?') {
			fprintf(stderr, "migsim: unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return -1;
		}
		if (parse_opt(o, c, optarg))
			return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "migsim: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->backend == &mig_vf_twin && mig_twin_config(o))
		return -1;
	if (o->vf > o->cfg.num_vfs) {
		fprintf(stderr, "migsim: --vf %u but only %u VFs\n", o->vf,
			o->cfg.num_vfs);
		return -1;
	}
	if (strcmp(o->cmd, "migrate") && o->attempts > 1) {
		fprintf(stderr, "migsim: --attempts is for migrate\n");
		return -1;
	}
	if (strcmp(o->cmd, "migrate") && !o->file) {
		fprintf(stderr, "migsim: %s needs %s FILE\n", o->cmd,
			strcmp(o->cmd, "save") ? "--in" : "--out");
		return -1;
	}
	return 0;
}

