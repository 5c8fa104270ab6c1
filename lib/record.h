/* SPDX-License-Identifier: GPL-2.0 */
/* Writing and reading record files (include/migscope_record.h). */
#ifndef MIGSCOPE_LIB_RECORD_H
#define MIGSCOPE_LIB_RECORD_H

#include <stdio.h>
#include "migscope_record.h"

struct mt_rec {
	FILE *f;
	struct mt_rec_hdr hdr;
};

int mt_rec_create(struct mt_rec *r, const char *path, const char *target,
		  uint64_t mono_start_ns);
/* the header only, unchecked beyond its magic: for the start time */
int mt_rec_peek(const char *path, struct mt_rec_hdr *hdr);
int mt_rec_write(struct mt_rec *r, const struct ms_event *e);
/* store the names table in the header now (a killed writer keeps it) */
int mt_rec_set_names(struct mt_rec *r, const struct xe_names *n);
int mt_rec_finish(struct mt_rec *r, uint64_t drops);
/*
 * read and validate; installs the file's names table, then calls fn per
 * event; one clear error on bad input
 */
int mt_rec_read(const char *path, struct mt_rec_hdr *hdr,
		int (*fn)(void *ctx, const struct ms_event *e), void *ctx);

#endif /* MIGSCOPE_LIB_RECORD_H */
