/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of xe SR-IOV control state bits and packet types, as a table that
 * travels: compiled in (the reference model's numbering, upstream 7.2) or
 * read from a running kernel's BTF (lib/xe_btf.c), and stored in record
 * files so a recording is named by the table it was made with.  Plain
 * fixed-size data: it is written to disk as is.
 */
#ifndef XE_SRIOV_NAMES_H
#define XE_SRIOV_NAMES_H

#define XE_NAMES_BITS		64	/* the whole control state word */
#define XE_NAMES_TYPES		16	/* packet types kept (u8 on the wire) */
#define XE_NAME_LEN		32

struct xe_names {
	char state[XE_NAMES_BITS][XE_NAME_LEN];	/* "" where undefined */
	char type[XE_NAMES_TYPES][XE_NAME_LEN];
	char origin[64];	/* where the table came from, for messages */
};

/* the model's own numbering, from include/xe_sriov_abi.h */
void xe_names_builtin(struct xe_names *n);
/* names every lookup below uses from now on (the built-in ones until set) */
void xe_names_use(const struct xe_names *n);
const struct xe_names *xe_names_active(void);
/* how many state bits the table names */
unsigned int xe_names_state_count(const struct xe_names *n);

/* "DESCRIPTOR" … "VRAM"; NULL for a value the active table does not name */
const char *xe_packet_type_name(unsigned int type);
/* "WIP" … "MISMATCH"; NULL for a bit the active table does not name */
const char *xe_state_name(unsigned int bit);
/* inverse lookups in the active table, case-insensitive; -1 if unknown */
int xe_packet_type_from_name(const char *name);
int xe_state_from_name(const char *name);

#endif /* XE_SRIOV_NAMES_H */
