/* SPDX-License-Identifier: GPL-2.0 */
/* Names and properties of enum ms_fault_site and enum inject_mech. */
#ifndef MIGSCOPE_FAULT_SITES_H
#define MIGSCOPE_FAULT_SITES_H

#include <stdbool.h>
#include <stddef.h>

/* site names <-> enum ms_fault_site */
const char *inj_site_name(unsigned int site);
/* does the model report a VF / a GT at this site (can --vf/--gt filter)? */
bool inj_site_has_vf(unsigned int site);
bool inj_site_has_gt(unsigned int site);
int inj_site_from_name(const char *name);	/* -1 if unknown */
int inj_site_default_errno(unsigned int site);
/* "delay 20000 us" at a delay site, else the errno's name */
const char *inj_verdict_text(unsigned int site, int err, char *buf,
			     size_t len);
const char *inj_site_list(void);		/* "data_read, data_write, ..." */
const char *inj_mech_name(unsigned int mech);

#endif /* MIGSCOPE_FAULT_SITES_H */
