// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching the model target's USDT programs (bpf/migtrace_model.bpf.c).
 *
 * The binary's notes are read once (lib/usdt.c), before load, so that each
 * program's argument specs can go into rodata (mt_usdt_specialize), and
 * every site becomes a plain uprobe at the note's file offset, with the
 * site's argument spec in the object's spec map and its index and way as
 * the attach cookie, which is what bpf/lib/usdt_args.bpf.h reads.
 * libbpf's bpf_program__attach_usdt() does the same but opens and walks
 * the ELF file again for every probe; it is kept for kernels without
 * attach cookies, where it also fills the address-to-spec map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "trace.h"
#include "usdt.h"
#include "migtrace_config.h"	/* the skeletons' rodata */
#include "migtrace_model.skel.h"

/* the model's USDT probes (include/migtrace_config.h) and their programs */
struct usdt_probe {
	const char *name;
	size_t prog_off;	/* offsetof(progs) of the program */
};

#define USDT(probe)	[MT_U_##probe] = {				\
	#probe, offsetof(struct migtrace_model_bpf, progs.u_##probe) },
static const struct usdt_probe usdt_probes[] = { MT_USDT_PROBES(USDT) };
#undef USDT

struct mt_usdt {
	struct bpf_link **links;
	size_t n;
};

int mt_usdt_nr_probes(void)
{
	return ARRAY_SIZE(usdt_probes);
}

static struct bpf_program *usdt_prog(struct migtrace_model_bpf *obj,
				     const struct usdt_probe *p)
{
	return *(struct bpf_program **)((char *)obj + p->prog_off);
}

static const struct usdt_probe *probe_named(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(usdt_probes); i++)
		if (!strcmp(usdt_probes[i].name, name))
			return &usdt_probes[i];
	return NULL;
}

static int keep(struct mt_usdt *u, struct bpf_link *l)
{
	if (!l)
		return -errno;
	u->links[u->n++] = l;
	return 0;
}

/*
 * A site's way (include/usdt_spec.h): how many sites of its probe come
 * before it.  Both the specs put in rodata and the cookies use it.
 */
static unsigned int site_way(const struct ms_usdt_site *sites, size_t i)
{
	unsigned int way = 0;
	size_t j;

	for (j = 0; j < i; j++)
		way += !strcmp(sites[j].name, sites[i].name);
	return way;
}

/* site's argument specs as way way of its program's fixed specs */
static void fix_site(struct ms_usdt_fixed *f, unsigned int way,
		     const struct ms_usdt_site *site)
{
	unsigned int a;

	/* arguments the site does not have read as 0, as bpf_usdt_arg() */
	for (a = 0; a < MS_USDT_FIXED_ARGS; a++)
		f->args[way][a] = a < (unsigned int)site->spec.arg_cnt ?
			site->spec.args[a] :
			(struct ms_usdt_arg_spec){ .kind = MS_USDT_CONST };
	f->mask[way] = (1u << MS_USDT_FIXED_ARGS) - 1;
}

/*
 * Before load: each probe's first sites' argument specs, into rodata.
 * MIGSCOPE_USDT_SPECS=map leaves them out: every argument is then read
 * through the spec map (docs/usdt.md), which the tests compare against.
 * Any other value is refused.  With MIGSCOPE_PHASES, says how many of the
 * traced sites it fixed.
 */
int mt_usdt_specialize(struct migtrace_model_bpf *obj,
		       const struct ms_usdt_site *sites, size_t n)
{
	const char *how = getenv("MIGSCOPE_USDT_SPECS");
	const struct usdt_probe *p;
	size_t i, traced = 0, fixed = 0;
	unsigned int way;

	if (how && strcmp(how, "map"))
		return ms_err("MIGSCOPE_USDT_SPECS=%s: the only value is \"map\" (read every USDT argument through the spec map); unset it otherwise",
			      how);
	if (how) {
		fprintf(stderr, "migscope: MIGSCOPE_USDT_SPECS=map: every USDT argument is read through the spec map\n");
		return 0;
	}
	for (i = 0; i < n; i++) {
		p = probe_named(sites[i].name);
		way = site_way(sites, i);
		traced += p != NULL;
		if (!p || way >= MS_USDT_WAYS)
			continue;
		fix_site(&obj->rodata->mt_usdt_fixed[p - usdt_probes], way,
			 &sites[i]);
		fixed++;
	}
	if (getenv("MIGSCOPE_PHASES"))
		fprintf(stderr, "migscope: argument specs known at load for %zu of %zu traced USDT sites\n",
			fixed, traced);
	return 0;
}

/* one uprobe per site; its spec id is its index, in its cookie */
static int attach_sites(struct migtrace_model_bpf *obj, struct mt_usdt *u,
			pid_t pid, const char *path,
			const struct ms_usdt_site *sites, size_t n)
{
	const struct usdt_probe *p;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, opts,
			    .ref_ctr_offset = sites[i].ref_ctr_offset,
			    .bpf_cookie = MS_USDT_COOKIE(site_way(sites, i), i));
		int id = i;

		p = probe_named(sites[i].name);
		if (!p)
			continue;
		err = bpf_map__update_elem(obj->maps.__bpf_usdt_specs, &id,
					   sizeof(id), &sites[i].spec,
					   sizeof(sites[i].spec), BPF_ANY);
		if (!err)
			err = keep(u, bpf_program__attach_uprobe_opts(
					usdt_prog(obj, p), pid, path,
					sites[i].offset, &opts));
		if (err)
			return ms_err("cannot attach to USDT xe:%s in %s: %s",
				      p->name, path, strerror(-err));
	}
	return 0;
}

/* kernels without attach cookies: libbpf's attach, one link per probe */
static int attach_by_libbpf(struct migtrace_model_bpf *obj, struct mt_usdt *u,
			    pid_t pid, const char *path)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(usdt_probes); i++) {
		const struct usdt_probe *p = &usdt_probes[i];

		err = keep(u, bpf_program__attach_usdt(usdt_prog(obj, p), pid,
						       path, "xe", p->name,
						       NULL));
		if (err)
			return ms_err("cannot attach to USDT xe:%s in %s: %s",
				      p->name, path, strerror(-err));
	}
	return 0;
}

/* every probe the programs expect is in the binary, and few enough sites */
static int check_sites(const char *path, const struct ms_usdt_site *sites,
		       size_t n)
{
	size_t i, j;

	if (n > MS_USDT_MAX_SPECS)
		return ms_err("%s has %zu xe USDT sites, more than the %d migscope takes",
			      path, n, MS_USDT_MAX_SPECS);
	for (i = 0; i < ARRAY_SIZE(usdt_probes); i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(sites[j].name, usdt_probes[i].name))
				break;
		if (j == n)
			return ms_err("%s has no USDT xe:%s: it is not the reference model of this migscope",
				      path, usdt_probes[i].name);
	}
	return 0;
}

int mt_usdt_sites(const char *path, struct ms_usdt_site **sites, size_t *n)
{
	char why[512];
	int err = ms_usdt_sites(path, "xe", sites, n, why, sizeof(why));

	if (err == -ENOENT)
		return ms_err("%s: it is not the reference model (tools/migsim) or was built with XE_NO_USDT",
			      why);
	if (err)
		return ms_err("%s", why);
	if (check_sites(path, *sites, *n)) {
		free(*sites);
		*sites = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int mt_usdt_attach(struct migtrace_model_bpf *obj, pid_t pid,
		   const char *path, const struct ms_usdt_site *sites,
		   size_t n, struct mt_usdt **up)
{
	struct mt_usdt *u = calloc(1, sizeof(*u));

	*up = u;
	if (u)
		u->links = calloc(n > ARRAY_SIZE(usdt_probes) ? n :
				  ARRAY_SIZE(usdt_probes), sizeof(*u->links));
	if (!u || !u->links)
		return ms_err("out of memory");
	if (obj->kconfig->LINUX_HAS_BPF_COOKIE)
		return attach_sites(obj, u, pid, path, sites, n);
	return attach_by_libbpf(obj, u, pid, path);
}

void mt_usdt_detach(struct mt_usdt *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		bpf_link__destroy(u->links[i]);
	free(u->links);
	free(u);
}
