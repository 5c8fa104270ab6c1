// SPDX-License-Identifier: GPL-2.0
/*
 * One fuzz run: arm the plan, start the migration in its own process
 * group, capture its stdout (migsim's JSON report) and stderr (a
 * sanitizer's report), kill the group at the deadline; then parse the
 * report with a real (small) JSON parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "fuzz.h"
#include "xe_sriov_abi.h"

/* --- JSON ---------------------------------------------------------------- */

/*
 * A recursive-descent reader of one JSON value that hands every scalar to
 * a callback with its dotted path ("src_states.gt0").  Strings are
 * unescaped (\uXXXX above ASCII becomes '?'); numbers, true, false and
 * null are passed as their text.
 */
struct jp {
	const char *p;
	int depth;
	void (*leaf)(void *ctx, const char *path, const char *val, bool str);
	void *ctx;
};

static void jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int jp_string(struct jp *j, char *out, size_t len)
{
	size_t n = 0;
	char c;

	if (*j->p++ != '"')
		return -1;
	while ((c = *j->p++) != '"') {
		if (!c)
			return -1;
		if (c == '\\') {
			c = *j->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				if (strspn(j->p, "0123456789abcdefABCDEF") < 4)
					return -1;
				c = strtol((char[5]){ j->p[0], j->p[1], j->p[2],
						      j->p[3], 0 }, NULL, 16);
				c = (unsigned char)c < 0x80 && c ? c : '?';
				j->p += 4;
				break;
			case '"': case '\\': case '/': break;
			default: return -1;
			}
		}
		if (n + 1 < len)
			out[n++] = c;
	}
	out[n] = 0;
	return 0;
}

static int jp_value(struct jp *j, char *path, size_t plen);

static int jp_members(struct jp *j, char *path, size_t plen, bool obj)
{
	size_t base = strlen(path);
	char key[64];
	int idx = 0;

	j->p++;
	jp_ws(j);
	if (*j->p == (obj ? '}' : ']')) {
		j->p++;
		return 0;
	}
	for (;;) {
		jp_ws(j);
		if (obj) {
			if (jp_string(j, key, sizeof(key)))
				return -1;
			jp_ws(j);
			if (*j->p++ != ':')
				return -1;
		} else {
			snprintf(key, sizeof(key), "%d", idx++);
		}
		snprintf(path + base, plen - base, "%s%s", base ? "." : "", key);
		if (jp_value(j, path, plen))
			return -1;
		path[base] = 0;
		jp_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p++ == (obj ? '}' : ']') ? 0 : -1;
	}
}

static int jp_value(struct jp *j, char *path, size_t plen)
{
	char val[512];
	size_t n;
	int ret;

	jp_ws(j);
	if (*j->p == '{' || *j->p == '[') {
		if (++j->depth > 8)
			return -1;
		ret = jp_members(j, path, plen, *j->p == '{');
		j->depth--;
		return ret;
	}
	if (*j->p == '"') {
		if (jp_string(j, val, sizeof(val)))
			return -1;
		j->leaf(j->ctx, path, val, true);
		return 0;
	}
	n = strspn(j->p, "0123456789+-.eEtruefalsn");
	if (!n || n >= sizeof(val))
		return -1;
	memcpy(val, j->p, n);
	val[n] = 0;
	j->p += n;
	j->leaf(j->ctx, path, val, false);
	return 0;
}

static void copy_str(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
}

static void state_field(struct migsim_result *r, const char *side,
			const char *val)
{
	bool src = !strncmp(side, "src", 3);
	unsigned int gt = side[strlen(side) - 1] - '0';

	if (gt >= 2)
		return;
	copy_str(src ? r->src_states[gt] : r->dst_states[gt],
		 sizeof(r->src_states[gt]), val);
	if (src && gt + 1 > r->src_gts)
		r->src_gts = gt + 1;
	if (!src && gt + 1 > r->dst_gts)
		r->dst_gts = gt + 1;
}

static void result_leaf(void *ctx, const char *path, const char *val,
			bool str)
{
	struct migsim_result *r = ctx;

	if (!strcmp(path, "result") && str)
		r->ok = !strcmp(val, "ok");
	else if (!strcmp(path, "errno"))
		r->err = atoi(val);
	else if (!strcmp(path, "failed_at"))
		copy_str(r->failed_at, sizeof(r->failed_at), val);
	else if (!strcmp(path, "verified"))
		r->verified = !strcmp(val, "true");
	else if (!strcmp(path, "mismatch"))
		copy_str(r->mismatch, sizeof(r->mismatch), val);
	else if (!strcmp(path, "src_errno"))
		r->src_err = atoi(val);
	else if (!strcmp(path, "dst_errno"))
		r->dst_err = atoi(val);
	else if (!strcmp(path, "src_failed_at"))
		copy_str(r->src_failed_at, sizeof(r->src_failed_at), val);
	else if (!strcmp(path, "dst_failed_at"))
		copy_str(r->dst_failed_at, sizeof(r->dst_failed_at), val);
	else if (!strcmp(path, "attempts"))
		r->attempts = atoi(val);
	else if (!strcmp(path, "data_read.interrupted") ||
		 !strcmp(path, "data_write.interrupted"))
		r->interrupted += atoi(val);
	else if (!strncmp(path, "src_flr.", 8) || !strncmp(path, "dst_flr.", 8))
		r->flr = true;
	else if (!strncmp(path, "src_states.gt", 13) ||
		 !strncmp(path, "dst_states.gt", 13))
		state_field(r, path, val);
}

/* the last line of out that is a JSON object: migsim prints one */
int fuzz_parse_result(const char *out, struct migsim_result *res)
{
	const char *line = NULL, *p;
	char path[128] = "";
	struct jp j = { .leaf = result_leaf, .ctx = res };

	memset(res, 0, sizeof(*res));
	for (p = out; p && *p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (*p == '{')
			line = p;
	}
	if (!line)
		return -1;
	j.p = line;
	if (jp_value(&j, path, sizeof(path)))
		return -1;
	res->have = true;
	return 0;
}

/* --- running -------------------------------------------------------------- */

void fuzz_shell_quote(char *buf, size_t len, size_t *n, const char *arg)
{
	bool plain = *arg && !strpbrk(arg, " \t'\"$`\\|&;<>()*?[]{}~#!");

	if (*n >= len)
		return;
	if (plain)
		*n += snprintf(buf + *n, len - *n, " %s", arg);
	else
		*n += snprintf(buf + *n, len - *n, " '%s'", arg);
	if (*n >= len)
		*n = len - 1;
}

static void drain(int fd, char *buf, size_t cap, size_t *len)
{
	char sink[4096];
	ssize_t n;

	for (;;) {
		if (*len < cap - 1)
			n = read(fd, buf + *len, cap - 1 - *len);
		else
			n = read(fd, sink, sizeof(sink));	/* keep it flowing */
		if (n <= 0)
			break;
		if (*len < cap - 1)
			*len += n;
	}
	buf[*len] = 0;
}

/* the command plus the plan's migration size (getopt: the last one wins) */
static void build_argv(const struct fuzz *fz, const struct fuzz_plan *p,
		       char **argv, char sizes[3][32])
{
	int i;

	for (i = 0; fz->o.argv[i]; i++)
		argv[i] = fz->o.argv[i];
	if (p->vram) {
		snprintf(sizes[0], 32, "%llu", (unsigned long long)p->vram);
		snprintf(sizes[1], 32, "%llu", (unsigned long long)p->chunk);
		argv[i++] = "--vram";
		argv[i++] = sizes[0];
		argv[i++] = "--chunk";
		argv[i++] = sizes[1];
	}
	if (p->flr_side) {
		snprintf(sizes[2], 32, "%s:%u",
			 p->flr_side == 's' ? "save" : "restore", p->flr_n);
		argv[i++] = "--flr-at";
		argv[i++] = sizes[2];
	}
	argv[i] = NULL;
}

struct capture {
	int out[2], err[2];
	char *obuf, *ebuf;
	size_t olen, elen;
};

static int capture_open(struct capture *c)
{
	if (pipe2(c->out, O_CLOEXEC))
		return ms_err("pipe: %s", strerror(errno));
	if (pipe2(c->err, O_CLOEXEC)) {
		close(c->out[0]);
		close(c->out[1]);
		return ms_err("pipe: %s", strerror(errno));
	}
	fcntl(c->out[0], F_SETFL, O_NONBLOCK);
	fcntl(c->err[0], F_SETFL, O_NONBLOCK);
	return 0;
}

static void capture_poll(struct capture *c)
{
	drain(c->out[0], c->obuf, FUZZ_OUT_MAX, &c->olen);
	drain(c->err[0], c->ebuf, FUZZ_ERR_MAX, &c->elen);
}

/*
 * A hang is --timeout-s without any sign of life from the target (no
 * fault-site hit, no state change): a loaded machine makes a run slow,
 * not silent.  Ten timeouts in all is the hard limit.
 */
static bool hung(struct fuzz *fz, uint64_t t0)
{
	uint64_t now = ms_now_ns(), quiet = fz->o.timeout_s * 1000000000ULL;
	uint64_t last = inj_stats(&fz->s).last_ns;

	if (last < t0)
		last = t0;
	return now > last + quiet || now > t0 + 10 * quiet;
}

/* wait for the group leader, or kill the whole group when it hangs */
static void wait_run(struct fuzz *fz, struct fuzz_run *r, pid_t pid,
		     struct capture *c, uint64_t t0)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = c->out[0], .events = POLLIN },
			{ .fd = c->err[0], .events = POLLIN },
		};

		poll(p, 2, 20);
		capture_poll(c);
		ms_events_poll(&fz->s.ev, 0);
		if (waitpid(pid, &r->status, WNOHANG) == pid)
			break;
		if (ms_exiting || hung(fz, t0)) {
			r->timed_out = !ms_exiting;
			kill(-pid, SIGKILL);
			waitpid(pid, &r->status, 0);
			break;
		}
	}
	/* the group may outlive its leader: a stuck side after a crash */
	kill(-pid, SIGKILL);
	capture_poll(c);
}

/* per process: the union of its GTs' bits and when they last changed */
struct state_procs {
	struct {
		uint32_t tgid;
		uint64_t bits, ns;
	} p[16];
	unsigned int n;
};

static void on_state(void *ctx, const struct inject_state_key *k,
		     const struct inject_state_val *v)
{
	struct state_procs *s = ctx;
	unsigned int i;

	for (i = 0; i < s->n && s->p[i].tgid != k->tgid; i++)
		;
	if (i == s->n) {
		if (s->n == ARRAY_SIZE(s->p))
			return;
		s->n++;
		s->p[i].tgid = k->tgid;
		s->p[i].bits = s->p[i].ns = 0;
	}
	s->p[i].bits |= v->bits;
	if (v->ns > s->p[i].ns)
		s->p[i].ns = v->ns;
}

#define BITS(a, b)	((2ULL << XE_GT_SRIOV_STATE_##b) - (1ULL << XE_GT_SRIOV_STATE_##a))

/*
 * A process with save bits is the source, one with restore bits a
 * destination; of each, the one that changed state last (a retry's
 * destination, not the first attempt's).
 */
static void states_left(struct fuzz *fz, struct fuzz_run *r)
{
	struct state_procs s = { .n = 0 };
	uint64_t last[2] = { 0, 0 };
	unsigned int i, side;

	inj_states_take(&fz->s, on_state, &s);
	for (i = 0; i < s.n; i++) {
		if (s.p[i].bits & BITS(SAVE_WIP, SAVED))
			side = 0;
		else if (s.p[i].bits & BITS(RESTORE_WIP, RESTORED))
			side = 1;
		else
			continue;
		if (s.p[i].ns >= last[side]) {
			last[side] = s.p[i].ns;
			r->states_left[side] = s.p[i].bits;
		}
	}
}

static void collect_stats(struct fuzz *fz, struct fuzz_run *r)
{
	unsigned int i;

	r->st = inj_stats(&fz->s);
	r->hits = r->st.f[0].hits;
	for (i = 0; i < INJ_MAX_FAULTS; i++)
		r->injected += r->st.f[i].injected;
	/* a killed run leaves packets alive by construction: not a leak */
	r->leaks = inj_leaks_take(&fz->s);
	states_left(fz, r);
	if (r->timed_out || WIFSIGNALED(r->status))
		r->leaks = 0;
}

int fuzz_run_one(struct fuzz *fz, struct fuzz_run *r)
{
	static char obuf[FUZZ_OUT_MAX], ebuf[FUZZ_ERR_MAX];
	struct capture c = { .obuf = obuf, .ebuf = ebuf };
	uint64_t t0 = ms_now_ns();
	char *argv[FUZZ_MAX_ARGS + 6], sizes[3][32];
	pid_t pid;

	obuf[0] = ebuf[0] = 0;
	if (capture_open(&c))
		return -1;
	build_argv(fz, &r->plan, argv, sizes);
	inj_leaks_take(&fz->s);
	inj_cov_take(&fz->s, NULL, NULL);
	inj_states_take(&fz->s, NULL, NULL);
	inj_arm(&fz->s, r->plan.f, r->plan.n);
	pid = inj_spawn(&fz->s, argv, true, (const int[2]){ c.out[1], c.err[1] });
	close(c.out[1]);
	close(c.err[1]);
	if (pid >= 0)
		wait_run(fz, r, pid, &c, t0);
	close(c.out[0]);
	close(c.err[0]);
	inj_disarm(&fz->s);
	if (pid < 0)
		return -1;
	ms_events_drain(&fz->s.ev);
	r->ms = (ms_now_ns() - t0) / 1000000;
	collect_stats(fz, r);
	inj_scope_clear(&fz->s);
	/* inj_spawn's child exits 127 when the exec fails: no run at all */
	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 127 && !obuf[0])
		return ms_err("cannot run %s: %.200s", argv[0], ebuf);
	fuzz_parse_result(obuf, &r->res);
	fuzz_classify(r, ebuf);
	return 0;
}
