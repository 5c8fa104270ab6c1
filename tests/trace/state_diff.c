// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel target's state diff (mt_state_diff in bpf/migtrace.bpf.c)
 * driven through BPF_PROG_TEST_RUN with a 7.2-layout sequence of control
 * state words: an FLR with its prepare step, a save walk, a MISMATCH (bit
 * 39, past the 6.19 word) and the way back to READY.  Every transition the
 * program reports is named with the state table of the VM tier's real 7.2
 * xe.ko (its cached BTF, read by lib/xe_btf.c) and must be exactly the
 * expected one, in order.  Without the cached BTF the built-in table (also
 * 7.2 numbering) names them, and the test says so.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "../lib/check.h"
#include "events.h"
#include "migscope_abi.h"
#include "migtrace_agg.h"
#include "xe_btf.h"
#include "migtrace_config.h"	/* the skeletons' rodata */
#include "migtrace.skel.h"

#define MAX_SEEN	128
#define GT_KEY		0xffff888012340000ull	/* a (GT, VF) identity */
#define GT_ID		1
#define VF		2

/* the recorded walk, one state word per line, by name ("" ends a word) */
static const char *const walk[][6] = {
	{ "" },						/* READY: baseline */
	{ "WIP", "FLR_WIP", "FLR_PREPARE", "" },	/* prepare_flr */
	{ "WIP", "FLR_WIP", "FLR_SEND_START", "" },	/* GuC's FLR event */
	{ "WIP", "FLR_WIP", "FLR_WAIT_GUC", "" },
	{ "" },						/* FLR done */
	{ "PAUSED", "" },
	{ "PAUSED", "WIP", "SAVE_WIP", "SAVE_PROCESS_DATA", "" },
	{ "PAUSED", "WIP", "SAVE_WIP", "SAVE_WAIT_DATA", "" },
	{ "PAUSED", "WIP", "SAVE_WIP", "SAVE_DATA_DONE", "" },
	{ "PAUSED", "SAVED", "" },
	{ "PAUSED", "SAVED", "MISMATCH", "" },
	{ "STOPPED", "" },
};

#define NSTEPS	(sizeof(walk) / sizeof(walk[0]))

struct seen {
	unsigned int n;
	struct { unsigned int bit, entered; __u64 bitmap; } ev[MAX_SEEN];
};

static int on_event(void *ctx, const struct ms_event *e)
{
	struct seen *s = ctx;

	if (e->type != MS_EV_STATE || s->n == MAX_SEEN)
		return 0;
	if (e->gt != GT_ID || e->vf != VF)
		return 0;
	s->ev[s->n].bit = e->state.bit;
	s->ev[s->n].entered = e->state.entered;
	s->ev[s->n++].bitmap = e->state.bitmap;
	return 0;
}

/* the table of the cached 7.2 xe.ko (true), or the built-in one */
static bool load_names(struct xe_names *n)
{
	const char *cache = getenv("MIGSCOPE_VM_CACHE");
	char dir[] = "/tmp/state_diff.XXXXXX", a[512], b[512], why[512];
	char k[256];
	struct xe_kmod m;
	bool ok = false;

	snprintf(k, sizeof(k), "%s/current",
		 cache && *cache ? cache : "/var/cache/migscope-vm");
	xe_names_builtin(n);
	if (!mkdtemp(dir))
		return false;
	snprintf(a, sizeof(a), "%s/vmlinux.btf", k);
	snprintf(b, sizeof(b), "%s/vmlinux", dir);
	if (!symlink(a, b)) {
		snprintf(a, sizeof(a), "%s/xe.btf", k);
		snprintf(b, sizeof(b), "%s/xe", dir);
		if (!symlink(a, b)) {
			setenv(XE_BTF_DIR_ENV, dir, 1);
			ok = !xe_kmod_find(&m, why, sizeof(why));
		}
	}
	if (ok) {
		ok = !xe_kmod_names(&m, n, why, sizeof(why));
		if (!ok)
			xe_names_builtin(n);
		xe_kmod_close(&m);
	}
	unlink(b);
	snprintf(b, sizeof(b), "%s/vmlinux", dir);
	unlink(b);
	rmdir(dir);
	return ok;
}

/* walk names the table lacks: they would vanish from both sides */
static int unknown_names;

static __u64 word(const struct xe_names *n, const char *const *names)
{
	unsigned int bit;
	__u64 w = 0;
	int i;

	for (i = 0; names[i][0]; i++) {
		for (bit = 0; bit < XE_NAMES_BITS; bit++)
			if (!strcmp(n->state[bit], names[i]))
				break;
		if (bit == XE_NAMES_BITS) {
			printf("# no state named %s in the table\n", names[i]);
			unknown_names++;
			continue;
		}
		w |= 1ull << bit;
	}
	return w;
}

/* what a correct diff reports: every changed bit, lowest first */
static unsigned int expected(const struct xe_names *n, struct seen *want)
{
	__u64 prev = 0, cur, changed;
	unsigned int step, bit;

	want->n = 0;
	for (step = 0; step < NSTEPS; step++) {
		cur = word(n, walk[step]);
		changed = step ? prev ^ cur : 0;
		for (bit = 0; bit < 64; bit++) {
			if (!(changed >> bit & 1) || want->n == MAX_SEEN)
				continue;
			want->ev[want->n].bit = bit;
			want->ev[want->n].entered = cur >> bit & 1;
			want->ev[want->n++].bitmap = cur;
		}
		prev = cur;
	}
	return want->n;
}

/* one look at the (GT, vf) seeing bits; stale: its snapshot was overtaken */
static int look(struct migtrace_bpf *obj, __u32 vf, __u64 bits, bool stale)
{
	__u64 args[5] = { GT_KEY, GT_ID, vf, bits, stale };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args,
		    .ctx_size_in = sizeof(args));

	if (bpf_prog_test_run_opts(bpf_program__fd(obj->progs.test_state_diff),
				   &opts))
		return -errno;
	return 0;
}

static int feed(struct migtrace_bpf *obj, const struct xe_names *n,
		__u32 vf)
{
	unsigned int step;
	int err = 0;

	for (step = 0; step < NSTEPS && !err; step++)
		err = look(obj, vf, word(n, walk[step]), false);
	return err;
}

/*
 * Two hooks looking at once: the look whose snapshot another look replaced
 * reports nothing and leaves the newer word in place, so the next look
 * diffs against the newer word.  Run after the walk (last word: STOPPED).
 */
static void overtaken(struct migtrace_bpf *obj, struct ms_events *ev,
		      const struct xe_names *n, struct seen *got)
{
	__u64 last = word(n, walk[NSTEPS - 1]), ready = word(n, walk[0]);
	unsigned int before = got->n, after_stale, after_same;
	int err;

	err = look(obj, VF, ready, true);
	ms_events_drain(ev);
	after_stale = got->n;
	err = err ?: look(obj, VF, last, false);
	ms_events_drain(ev);
	after_same = got->n;
	err = err ?: look(obj, VF, ready, false);
	ms_events_drain(ev);
	check(!err && after_stale == before && after_same == before &&
	      got->n == before + 1 && !got->ev[before].entered &&
	      got->ev[before].bitmap == ready,
	      "state-diff-overtaken: a look overtaken by another reports nothing and keeps the newer word",
	      "err %d; events: %u after the stale look, %u after a look at the kept word, %u after leaving STOPPED (from %u)",
	      err, after_stale, after_same, got->n, before);
}

/* what the verifier walked for the diff: the cost of every kernel hook's */
static void verifier_cost(struct migtrace_bpf *obj)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (!bpf_obj_get_info_by_fd(bpf_program__fd(obj->progs.test_state_diff),
				    &info, &len))
		printf("# state diff: %u instructions verified\n",
		       info.verified_insns);
}

static const char *name_of(const struct xe_names *n, unsigned int bit)
{
	return bit < XE_NAMES_BITS && n->state[bit][0] ? n->state[bit] : "?";
}

static void compare(const struct xe_names *n, const struct seen *got,
		    const struct seen *want)
{
	unsigned int i, bad = want->n;

	for (i = 0; i < want->n && i < got->n; i++) {
		if (got->ev[i].bit != want->ev[i].bit ||
		    got->ev[i].entered != want->ev[i].entered ||
		    got->ev[i].bitmap != want->ev[i].bitmap) {
			bad = i;
			break;
		}
	}
	check(got->n == want->n && bad == want->n,
	      "state-diff: every transition of the 7.2 walk, named",
	      "%u transitions, %u expected; first difference at %u: got %s %s, want %s %s",
	      got->n, want->n, bad,
	      bad < got->n ? (got->ev[bad].entered ? "enter" : "exit") : "-",
	      bad < got->n ? name_of(n, got->ev[bad].bit) : "-",
	      bad < want->n ? (want->ev[bad].entered ? "enter" : "exit") : "-",
	      bad < want->n ? name_of(n, want->ev[bad].bit) : "-");
}

static bool saw(const struct xe_names *n, const struct seen *s,
		const char *name, unsigned int entered, unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(name_of(n, s->ev[i].bit), name) &&
		    s->ev[i].entered == entered && s->ev[i].bit == bit)
			return true;
	return false;
}

/* migtrace with its totals counted in BPF (trace -q, top), walk program only */
static struct migtrace_bpf *load_totals(void)
{
	struct migtrace_bpf *obj = migtrace_bpf__open();
	struct bpf_program *p;

	if (!obj)
		return NULL;
	obj->rodata->mt_cfg.totals_only = true;
	bpf_object__for_each_program(p, obj->obj)
		bpf_program__set_autoload(p, p == obj->progs.test_state_diff);
	if (migtrace_bpf__load(obj)) {
		migtrace_bpf__destroy(obj);
		return NULL;
	}
	return obj;
}

/* events and entries per bit in one slot, all CPUs; 0 or -errno */
static int slot_counts(struct migtrace_bpf *obj, __u32 slot, __u64 *events,
		       __u64 *entered)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = -ENOMEM;
	struct ms_agg *cpus = ncpu > 0 ? calloc(ncpu, sizeof(*cpus)) : NULL;
	unsigned int b;

	if (cpus)
		err = bpf_map__lookup_elem(obj->maps.totals, &slot, sizeof(slot),
					   cpus, ncpu * sizeof(*cpus), 0);
	for (i = 0; !err && i < ncpu; i++) {
		*events += cpus[i].events;
		for (b = 0; entered && b < MS_AGG_STATES; b++)
			entered[b] += cpus[i].state_entered[b];
	}
	free(cpus);
	return err;
}

/*
 * The same walk with the totals counted in BPF: every transition counted
 * once, each entry under its bit, none in the ring.
 */
static void totals(const struct xe_names *n, const struct seen *want)
{
	struct migtrace_bpf *obj = load_totals();
	__u64 events = 0, entered[MS_AGG_STATES] = {}, want_in[MS_AGG_STATES] = {};
	int err = obj ? feed(obj, n, VF) : -EINVAL;
	unsigned int i;
	__u32 slot;

	/* every unit's slot: the walk's units are the program's own */
	for (slot = 0; !err && slot < MS_AGG_UNITS; slot++)
		err = slot_counts(obj, slot, &events, entered);
	for (i = 0; i < want->n; i++)
		want_in[want->ev[i].bit & 63] += want->ev[i].entered;
	check(!err && events == want->n &&
	      !memcmp(entered, want_in, sizeof(entered)),
	      "state-diff-totals: each transition counted in BPF, entries per bit",
	      "err %d, %llu counted, %u expected, entries per bit %s",
	      err, (unsigned long long)events, want->n,
	      memcmp(entered, want_in, sizeof(entered)) ? "differ" : "match");
	migtrace_bpf__destroy(obj);
}

/*
 * More units than slots: the walk on MS_AGG_UNITS + 6 VFs, a unit each.
 * The first MS_AGG_UNITS - 1 get a slot with their own walk's counts, the
 * 7 after them share "other", and nothing is lost.
 */
static void cap(const struct xe_names *n, const struct seen *want)
{
	struct migtrace_bpf *obj = load_totals();
	__u64 all = 0, other = 0, one, key, *prev = NULL, next;
	unsigned int named = 0, own = 0, vfs = MS_AGG_UNITS + 6, vf;
	int err = obj ? 0 : -EINVAL;
	__u32 slot;

	for (vf = 1; !err && vf <= vfs; vf++)
		err = feed(obj, n, vf);
	if (!err)
		err = slot_counts(obj, MS_AGG_OTHER, &other, NULL);
	while (!err && !bpf_map__get_next_key(obj->maps.unit_ids, prev, &next,
					      sizeof(next))) {
		key = next;
		prev = &key;
		one = 0;
		err = bpf_map__lookup_elem(obj->maps.unit_ids, &key, sizeof(key),
					   &slot, sizeof(slot), 0);
		if (!err)
			err = slot_counts(obj, slot, &one, NULL);
		named++;
		own += one == want->n;
		all += one;
	}
	all += other;
	check(!err && named == MS_AGG_UNITS - 1 && own == named &&
	      other == (vfs - named) * want->n && all == vfs * want->n,
	      "state-diff-units-cap: units past the cap counted as other, none lost",
	      "err %d, %u units named (%u with their own walk's %u), other %llu, all %llu of %u",
	      err, named, own, want->n, (unsigned long long)other,
	      (unsigned long long)all, vfs * want->n);
	migtrace_bpf__destroy(obj);
}

int main(void)
{
	struct seen got = {}, want;
	struct ms_events ev = {};
	struct migtrace_bpf *obj;
	struct bpf_program *p;
	struct xe_names n;
	int err;

	if (geteuid()) {
		check_skip("state-diff", "needs root for BPF_PROG_TEST_RUN");
		return 0;
	}
	if (!load_names(&n))
		check_skip("state-diff-real-table",
			   "no cached 7.2 xe BTF (make vmtest fetches it): the walk is named with the built-in 7.2 table");
	printf("# names: %s\n", n.origin);
	obj = migtrace_bpf__open();
	if (!check(obj != NULL, "state-diff: open", "%s", strerror(errno)))
		return check_exit();
	bpf_object__for_each_program(p, obj->obj)
		bpf_program__set_autoload(p, p == obj->progs.test_state_diff);
	err = ms_events_init(&ev, obj->maps.events, 0) ? -EINVAL :
	      migtrace_bpf__load(obj);
	if (check(!err, "state-diff: load", "%s", strerror(-err))) {
		/* the rings the commands read, through the same reader */
		err = ms_events_open(&ev, obj->maps.drops, on_event, &got);
		if (!check(!err, "state-diff: rings", "cannot read the events"))
			goto out;
		err = feed(obj, &n, VF);
		check(!err, "state-diff: test run", "%s", strerror(-err));
		ms_events_drain(&ev);
		expected(&n, &want);
		check(!unknown_names, "state-diff: every walk name is in the table",
		      "%d name(s) missing", unknown_names);
		compare(&n, &got, &want);
		check(saw(&n, &got, "FLR_PREPARE", 1, 3) &&
		      saw(&n, &got, "FLR_PREPARE", 0, 3),
		      "state-diff: FLR_PREPARE (bit 3) entered and left",
		      "not seen");
		check(saw(&n, &got, "MISMATCH", 1, 39) &&
		      saw(&n, &got, "MISMATCH", 0, 39),
		      "state-diff: MISMATCH (bit 39) entered and left",
		      "not seen: the diff stops short of the whole word");
		overtaken(obj, &ev, &n, &got);
		verifier_cost(obj);
		totals(&n, &want);
		cap(&n, &want);
	}
out:
	ms_events_close(&ev);
	migtrace_bpf__destroy(obj);
	return check_exit();
}
