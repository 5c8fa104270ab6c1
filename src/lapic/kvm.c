// SPDX-License-Identifier: GPL-2.0
/*
 * What lapic needs from the running kernel before it loads anything: KVM
 * and its timer callback's address, that -p names a VMM, and KVM's struct
 * layouts from KVM's own BTF.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "lapic.h"
#include "lapic.skel.h"

/* --- preconditions ------------------------------------------------------- */

static int kallsyms_addr(const char *name, uint64_t *addr)
{
	char line[512], sym[256], type;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3)
			continue;
		if (!strcmp(sym, name) && !strchr(line, '[')) {
			*addr = a;
			found = 1;
			break;
		}
		/* built as a module: "addr t name [kvm]" */
		if (!strcmp(sym, name)) {
			*addr = a;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

/* a VMM holds a VM fd: anon_inode:kvm-vm */
int lapic_check_vmm(pid_t pid)
{
	char path[64], target[128], link[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	ssize_t n;
	int vms = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return ms_err("cannot list the fds of pid %d: %s", pid,
			      strerror(errno));
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:kvm-vm"))
			vms++;
	}
	closedir(dir);
	if (!vms)
		return ms_err("pid %d is not a VMM: it holds no KVM VM (no anon_inode:kvm-vm fd)",
			      pid);
	return 0;
}

int lapic_check_kvm(uint64_t *timer_fn)
{
	int err;

	if (access("/dev/kvm", F_OK))
		return ms_err("/dev/kvm is missing: KVM is not available on this machine (load kvm_intel or kvm_amd)");
	err = kallsyms_addr("apic_timer_fn", timer_fn);
	if (err == -ENOENT)
		return ms_err("apic_timer_fn is not in /proc/kallsyms: this kernel has no KVM LAPIC timer code loaded");
	if (err)
		return ms_err("cannot read /proc/kallsyms: %s", strerror(-err));
	if (!*timer_fn)
		return ms_err("/proc/kallsyms hides addresses (kptr_restrict): run as root");
	return 0;
}

/* --- KVM's layout, from BTF ---------------------------------------------- */

/* byte offset of a top-level member, or -1 */
static int member_off(const struct btf *btf, const char *type, const char *name)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

/* every kvm_timer field an expiry reads lies in the span BPF copies at once */
static int check_timer_span(const struct lapic_bpf__rodata *ro)
{
	const struct {
		__u32 off, size;
	} f[] = {
		{ ro->off_kt_target, 8 }, { ro->off_kt_mode, 4 },
		{ ro->off_kt_hv, 1 }, { ro->off_kt_pending, 4 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i].off < ro->off_kt_period ||
		    f[i].off - ro->off_kt_period > LAPIC_KT_SPAN - f[i].size ||
		    f[i].off % f[i].size)
			return ms_err("this kernel's struct kvm_timer spreads its fields over more than %d bytes: unsupported KVM layout",
				      LAPIC_KT_SPAN);
	return 0;
}

/*
 * KVM's layouts from KVM's own BTF: vmlinux when built in, else kvm.ko's
 * (the vendor modules carry copies that make CO-RE ambiguous).
 */
int lapic_kvm_offsets(struct lapic_bpf *obj, struct btf *vmlinux)
{
	static const struct {
		const char *type, *member;
		size_t rodata;
	} want[] = {
#define OFF(t, m, f) { #t, #m, offsetof(struct lapic_bpf__rodata, f) }
		OFF(kvm_timer, timer, off_kt_timer),
		OFF(kvm_timer, period, off_kt_period),
		OFF(kvm_timer, target_expiration, off_kt_target),
		OFF(kvm_timer, timer_mode, off_kt_mode),
		OFF(kvm_timer, hv_timer_in_use, off_kt_hv),
		OFF(kvm_timer, pending, off_kt_pending),
		OFF(kvm_lapic, lapic_timer, off_apic_timer),
		OFF(kvm_lapic, vcpu, off_apic_vcpu),
		OFF(kvm_vcpu, vcpu_id, off_vcpu_id),
		OFF(kvm_vcpu, kvm, off_vcpu_kvm),
		OFF(kvm, userspace_pid, off_kvm_pid),
#undef OFF
	};
	struct btf *btf = vmlinux, *mod = NULL;
	size_t i;
	int off;

	if (btf__find_by_name_kind(vmlinux, "kvm_timer", BTF_KIND_STRUCT) <= 0) {
		mod = btf__parse_split("/sys/kernel/btf/kvm", vmlinux);
		if (libbpf_get_error(mod))
			return ms_err("struct kvm_timer is in neither vmlinux nor kvm module BTF (/sys/kernel/btf/kvm)");
		btf = mod;
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		off = member_off(btf, want[i].type, want[i].member);
		if (off < 0) {
			btf__free(mod);
			return ms_err("this kernel's struct %s has no %s: unsupported KVM layout",
				      want[i].type, want[i].member);
		}
		*(__u32 *)((char *)obj->rodata + want[i].rodata) = off;
	}
	btf__free(mod);
	return check_timer_span(obj->rodata);
}
