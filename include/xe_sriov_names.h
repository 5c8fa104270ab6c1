/* SPDX-License-Identifier: GPL-2.0 */
/* Upstream names of xe SR-IOV packet types and control state bits. */
#ifndef XE_SRIOV_NAMES_H
#define XE_SRIOV_NAMES_H

/* "DESCRIPTOR" … "VRAM"; NULL for a value upstream does not define */
const char *xe_packet_type_name(unsigned int type);
/* "WIP" … "MISMATCH"; NULL for a bit upstream does not define */
const char *xe_state_name(unsigned int bit);
/* inverse lookups, case-insensitive; -1 if unknown */
int xe_packet_type_from_name(const char *name);
int xe_state_from_name(const char *name);

#endif /* XE_SRIOV_NAMES_H */
