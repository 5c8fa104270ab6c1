// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage and corpus.  What a run reached is what the probes saw in the
 * target: every (GT, state bit, enter/exit) transition, every fault site
 * hit (site, GT, data type), every fault taken (site, verdict), plus the
 * run's outcome (class, errno, failing step).  Because the signal comes
 * from tracing, not from compiler instrumentation, the same campaign
 * would steer on a kernel target.  A plan that reaches a key no earlier
 * run reached joins the corpus, which the mutation phase draws from.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fuzz.h"

#define COV_OUTCOME	4	/* the kind user space adds */

int fuzz_cov_init(struct fuzz_cov *c)
{
	memset(c, 0, sizeof(*c));
	c->cap = 1 << 14;
	c->keys = calloc(c->cap, sizeof(*c->keys));
	return c->keys ? 0 : ms_err("out of memory");
}

void fuzz_cov_free(struct fuzz_cov *c)
{
	free(c->keys);
	c->keys = NULL;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* true if the key is new; a full set stops growing (and says nothing new) */
static bool cov_insert(struct fuzz_cov *c, uint64_t key, unsigned int kind)
{
	size_t i = mix(key) & (c->cap - 1), probes;

	for (probes = 0; probes < c->cap; probes++) {
		if (c->keys[i] == key)
			return false;
		if (!c->keys[i]) {
			if (c->n + 1 >= c->cap - c->cap / 4)
				return false;
			c->keys[i] = key;
			c->n++;
			c->by_kind[kind < 5 ? kind : 0]++;
			return true;
		}
		i = (i + 1) & (c->cap - 1);
	}
	return false;
}

static uint64_t cov_key(unsigned int kind, uint32_t a, uint32_t b,
			uint32_t c)
{
	/* never 0: the kind is at least 1 */
	return (uint64_t)kind << 60 | (uint64_t)(a & 0xfff) << 48 |
	       (uint64_t)b << 16 | (c & 0xffff);
}

struct cov_ctx {
	struct fuzz_cov *c;
	unsigned int fresh;
};

static void on_key(void *ctx, const struct inject_cov_key *k)
{
	struct cov_ctx *x = ctx;

	x->fresh += cov_insert(x->c, cov_key(k->kind, k->a, k->b, k->c),
			       k->kind);
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

unsigned int fuzz_cov_collect(struct fuzz *fz, const struct fuzz_run *r)
{
	struct cov_ctx x = { .c = &fz->cov };

	inj_cov_take(&fz->s, on_key, &x);
	x.fresh += cov_insert(&fz->cov,
			      cov_key(COV_OUTCOME, r->cls, r->res.err,
				      str_hash(r->res.failed_at)),
			      COV_OUTCOME);
	return x.fresh;
}

void fuzz_corpus_add(struct fuzz *fz, const struct fuzz_plan *p)
{
	if (fz->ncorpus < FUZZ_CORPUS_MAX)
		fz->corpus[fz->ncorpus++] = *p;
}
