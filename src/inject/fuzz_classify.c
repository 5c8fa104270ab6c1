// SPDX-License-Identifier: GPL-2.0
/*
 * What a run showed, and its signature.  The signature names the
 * symptom, never the trigger: every plan that makes the same bug show the
 * same way gives the same signature, so a campaign reports the bug once
 * (as syzkaller titles a crash by its report, not by the program).
 */
#include <string.h>
#include <sys/wait.h>

#include "common.h"
#include "fuzz.h"
#include "xe_sriov_names.h"

const char *const fuzz_class_names[FZ_NR] = {
	"clean", "absorbed", "unreached", "hang", "crash", "corruption",
	"leak", "spin", "unclean",
};

bool fuzz_is_finding(enum fuzz_class c)
{
	return c != FZ_CLEAN && c != FZ_ABSORBED && c != FZ_UNREACHED;
}

/* a frame of a sanitizer stack that is the allocator, not the model */
static bool runtime_frame(const char *fn)
{
	static const char *const skip[] = {
		"__interceptor_", "__asan", "free", "malloc", "calloc",
		"realloc",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strncmp(fn, skip[i], strlen(skip[i])))
			return true;
	return false;
}

/*
 * "ERROR: AddressSanitizer: heap-use-after-free on address ..." and the
 * first two model frames of its first stack:
 * "heap-use-after-free in xe_sriov_packet_free < xe_sriov_pf_migration_fini"
 */
static bool asan_summary(const char *err, char *out, size_t len)
{
	const char *e = strstr(err, "ERROR: AddressSanitizer: "), *p, *end;
	char fns[2][80];
	int nfn = 0;
	size_t n;

	if (!e)
		return false;
	e += strlen("ERROR: AddressSanitizer: ");
	end = strstr(e, " on ");
	n = end && end - e < 64 ? (size_t)(end - e) : strcspn(e, " \n");
	for (p = strchr(e, '\n'); p && nfn < 2; p = strchr(p + 1, '\n')) {
		const char *in = p[1] ? strstr(p + 1, " in ") : NULL;
		const char *eol = strchr(p + 1, '\n');

		if (p[1] == '\n' || (eol && in > eol && nfn))
			break;	/* the first stack ended */
		if (!in || (eol && in > eol))
			continue;
		in += 4;
		snprintf(fns[nfn], sizeof(fns[nfn]), "%.*s",
			 (int)strcspn(in, " \n"), in);
		if (!runtime_frame(fns[nfn]))
			nfn++;
	}
	snprintf(out, len, "%.*s%s%s%s%s", (int)n, e, nfn ? " in " : "",
		 nfn ? fns[0] : "", nfn > 1 ? " < " : "", nfn > 1 ? fns[1] : "");
	return true;
}

static enum fuzz_class crashed(struct fuzz_run *r, const char *err)
{
	const struct migsim_result *m = &r->res;

	if (asan_summary(err, r->asan, sizeof(r->asan))) {
		snprintf(r->sig, sizeof(r->sig), "crash: AddressSanitizer %.*s",
			 (int)(sizeof(r->sig) - 32), r->asan);
		snprintf(r->detail, sizeof(r->detail),
			 "AddressSanitizer: %s (%s)", r->asan,
			 m->have ? m->failed_at : "no report");
		return FZ_CRASH;
	}
	if (WIFSIGNALED(r->status)) {
		snprintf(r->sig, sizeof(r->sig), "crash: signal %d",
			 WTERMSIG(r->status));
		snprintf(r->detail, sizeof(r->detail), "killed by signal %d",
			 WTERMSIG(r->status));
		return FZ_CRASH;
	}
	if (!m->have) {
		snprintf(r->sig, sizeof(r->sig), "crash: no report");
		snprintf(r->detail, sizeof(r->detail), "no JSON report (exit %d)",
			 WEXITSTATUS(r->status));
		return FZ_CRASH;
	}
	if (strstr(m->failed_at, "_died")) {
		snprintf(r->sig, sizeof(r->sig), "crash: %s", m->failed_at);
		snprintf(r->detail, sizeof(r->detail), "a side died (%s)",
			 m->failed_at);
		return FZ_CRASH;
	}
	return FZ_NR;
}

/* every GT of the side has the state bit */
static bool all_gts(const char states[][320], unsigned int n,
		    const char *bit)
{
	char one[330];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(one, sizeof(one), "|%s|", states[i]);
		if (!strstr(one, bit))
			return false;
	}
	return n > 0;
}

/*
 * A reader that finds a GT's ring empty sleeps until that GT has data, is
 * done or some GT failed, so each empty poll is followed by progress: at
 * most about one per packet, plus one per GT and attempt.  A loaded
 * machine makes the sleeps longer, not more numerous.  Many times more
 * means the wait condition was already true: a busy loop
 * (docs/upstream-xe.md §10.10).
 */
static bool spinning(const struct inject_stats *st)
{
	return st->empty_polls > 4 * st->consumed + 64;
}

/*
 * migsim recovers a failed source as a VMM does: it must be running
 * again (resumed, or reset where upstream cannot leave STOP_COPY,
 * docs/upstream-xe.md §10.16); the destination must not be running.
 */
/* signals, and delays to hold a wait open: nothing to fail for */
static bool signals_only(const struct fuzz_plan *p)
{
	unsigned int i, sigs = 0;

	for (i = 0; i < p->n; i++) {
		if (p->f[i].mech == INJ_MECH_SIGNAL)
			sigs++;
		else if (!ms_site_is_delay(p->f[i].site))
			return false;
	}
	return sigs && !p->flr_side;
}

/*
 * A signal is not a reason to fail: the call it interrupts is issued
 * again.  Whether the retry then also failed, or the next attempt got
 * through, is the same bug.
 */
static enum fuzz_class signal_failed(struct fuzz_run *r)
{
	const struct migsim_result *m = &r->res;

	snprintf(r->sig, sizeof(r->sig),
		 "unclean: a signal failed a migration attempt");
	if (m->ok)
		snprintf(r->detail, sizeof(r->detail),
			 "success only after %u attempts, with nothing but signals and delays injected",
			 m->attempts);
	else
		snprintf(r->detail, sizeof(r->detail),
			 "failed at %s (%s), with nothing but signals and delays injected",
			 m->failed_at, ms_errno_name(m->err));
	return FZ_UNCLEAN;
}

static enum fuzz_class failed(struct fuzz_run *r)
{
	const struct migsim_result *m = &r->res;
	const char *why = NULL;

	if (r->injected && signals_only(&r->plan))
		return signal_failed(r);
	if (!r->injected && !m->flr)
		why = "failed with nothing injected";
	else if (!m->err)
		why = "failed without an errno";
	else if (m->src_gts && !all_gts(m->src_states, m->src_gts, "|RESUMED|") &&
		 !all_gts(m->src_states, m->src_gts, "|READY|"))
		why = "source not running again";
	else if (m->dst_gts && all_gts(m->dst_states, m->dst_gts, "|RESUMED|"))
		why = "destination resumed after a failure";
	if (!why)
		return FZ_CLEAN;
	snprintf(r->sig, sizeof(r->sig), "unclean: %s at %s (%s)", why,
		 m->failed_at, ms_errno_name(m->err));
	snprintf(r->detail, sizeof(r->detail),
		 "%s; src %.100s | %.100s; dst %.100s | %.100s", why,
		 m->src_states[0], m->src_states[1], m->dst_states[0],
		 m->dst_states[1]);
	return FZ_UNCLEAN;
}

/* packets still in the source's save rings after its last save */
static uint64_t left_in_save_rings(const struct inject_stats *st)
{
	uint64_t n = 0;
	unsigned int gt;

	for (gt = 0; gt < INJ_MAX_GTS; gt++)
		if (st->save_ring[gt] > 0)
			n += st->save_ring[gt];
	return n;
}

/*
 * Success reported, verify failed.  Where the save lost a packet on its
 * way to the stream, that is the symptom: which packet it was (the
 * verify detail) depends on timing, the bug does not.
 */
static enum fuzz_class corrupted(struct fuzz_run *r)
{
	const struct migsim_result *m = &r->res;

	r->left_in_ring = left_in_save_rings(&r->st);
	if (r->left_in_ring) {
		snprintf(r->sig, sizeof(r->sig),
			 "corruption: a saved packet never reached the stream");
		snprintf(r->detail, sizeof(r->detail),
			 "success reported, %llu packet(s) left in the source's save ring when its save ended; verify failed: %s",
			 (unsigned long long)r->left_in_ring, m->mismatch);
		return FZ_CORRUPTION;
	}
	snprintf(r->sig, sizeof(r->sig), "corruption: verify %s", m->mismatch);
	snprintf(r->detail, sizeof(r->detail),
		 "success reported, verify failed: %s", m->mismatch);
	return FZ_CORRUPTION;
}

/* "PAUSED|SAVE_WIP|SAVE_WAIT_DATA", or "-" */
static void bits_text(uint64_t bits, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int b;

	buf[0] = 0;
	for (b = 0; b < 64 && n < len; b++) {
		const char *name = xe_state_name(b);

		if ((bits >> b & 1) && name)
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      name);
	}
	if (!n)
		snprintf(buf, len, "-");
}

/*
 * The probes' last view of each side's state bits, all GTs together: a
 * hang whose stuck GT is one or the other is the same bug.
 */
static enum fuzz_class hung(struct fuzz_run *r)
{
	char src[96], dst[96];

	bits_text(r->states_left[0], src, sizeof(src));
	bits_text(r->states_left[1], dst, sizeof(dst));
	snprintf(r->sig, sizeof(r->sig),
		 "hang: no progress, states left: source %s, destination %s",
		 src, dst);
	snprintf(r->detail, sizeof(r->detail),
		 "no fault-site hit or state change for --timeout-s: the sides wait for ever; source %s, destination %s",
		 src, dst);
	return FZ_HANG;
}

static enum fuzz_class classify(struct fuzz_run *r, const char *err)
{
	const struct migsim_result *m = &r->res;
	enum fuzz_class c;

	if (r->timed_out)
		return hung(r);
	c = crashed(r, err);
	if (c != FZ_NR)
		return c;
	if (r->leaks) {
		snprintf(r->sig, sizeof(r->sig), "leak: packets never freed");
		snprintf(r->detail, sizeof(r->detail), "%llu packet(s) never freed",
			 (unsigned long long)r->leaks);
		return FZ_LEAK;
	}
	if (spinning(&r->st)) {
		snprintf(r->sig, sizeof(r->sig),
			 "spin: the save reader polls empty rings");
		snprintf(r->detail, sizeof(r->detail),
			 "the save reader found a ring empty %llu times for %llu packets: it polls instead of sleeping",
			 (unsigned long long)r->st.empty_polls,
			 (unsigned long long)r->st.consumed);
		return FZ_SPIN;
	}
	if (m->ok && !m->verified)
		return corrupted(r);
	if (m->ok && m->attempts > 1 && signals_only(&r->plan))
		return signal_failed(r);
	if (m->ok)
		return r->injected || m->flr ? FZ_ABSORBED : FZ_UNREACHED;
	return failed(r);
}

void fuzz_classify(struct fuzz_run *r, const char *err_text)
{
	r->sig[0] = r->detail[0] = r->asan[0] = 0;
	r->left_in_ring = 0;
	r->cls = classify(r, err_text);
}
