/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name of the VM a VMM process runs, for people watching several:
 * QEMU's -name (guest=NAME, or a first value without a key), else the
 * process's comm.  Looked up in /proc once per pid and cached.
 */
#ifndef MIGSCOPE_VM_NAME_H
#define MIGSCOPE_VM_NAME_H

#include <stddef.h>
#include <stdint.h>

#define MS_VM_NAME_LEN 128

/*
 * The guest name in a command line as /proc/PID/cmdline holds it (NUL
 * separated arguments, len bytes): 0 and name filled, or -1 if none.
 */
int ms_vm_name_from_cmdline(const char *args, size_t len, char *name,
			    size_t size);
/* the name of process pid's VM: 0, or -errno (-ENOENT: the pid is gone) */
int ms_vm_name_of(uint32_t pid, char *name, size_t size);

struct ms_vm_name {
	uint32_t pid;
	char name[MS_VM_NAME_LEN];	/* "": none could be found */
};

struct ms_vm_names {
	struct ms_vm_name *v;
	size_t n, cap;
};

/* pid's name, looked up on first use; NULL if the pid was gone by then */
const char *ms_vm_names_get(struct ms_vm_names *c, uint32_t pid);
void ms_vm_names_free(struct ms_vm_names *c);

#endif /* MIGSCOPE_VM_NAME_H */
