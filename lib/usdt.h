/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A binary's USDT sites, read from its ELF notes in one pass: where each
 * probe is (the file offset a uprobe takes), its semaphore, and its
 * arguments as the spec the BPF side reads (include/usdt_spec.h).  libbpf's
 * bpf_program__attach_usdt() re-reads the ELF file for every probe it
 * attaches; a caller of this reads it once and attaches every site itself.
 */
#ifndef MIGSCOPE_USDT_H
#define MIGSCOPE_USDT_H

#include <stddef.h>
#include "usdt_spec.h"

struct ms_usdt_site {
	char name[64];			/* the probe's name */
	__u64 offset;			/* file offset of the probe */
	__u64 ref_ctr_offset;		/* file offset of its semaphore, or 0 */
	struct ms_usdt_spec spec;
};

/*
 * Every site of provider in the ELF file at path, in note order, in a
 * malloc'd array (*sites, *n).  0, or -errno with why (one line) filled:
 * -ENOENT when the file has no probe of provider, -ENOEXEC when it is not
 * an ELF file.
 */
int ms_usdt_sites(const char *path, const char *provider,
		  struct ms_usdt_site **sites, size_t *n, char *why,
		  size_t len);

/* 0 if the ELF file at path has a USDT site provider:probe, else -errno */
int ms_usdt_has(const char *path, const char *provider, const char *probe);

/* one argument string ("-4@%eax 8@-16(%rbp) 8@$5") into spec; 0 or -EINVAL */
int ms_usdt_parse_args(const char *args, struct ms_usdt_spec *spec);

#endif /* MIGSCOPE_USDT_H */
