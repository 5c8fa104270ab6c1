// SPDX-License-Identifier: GPL-2.0
/*
 * lib/usdt.c: argument strings into the spec the BPF side reads (the
 * pt_regs offsets, sizes and signs libbpf would give), and one pass over
 * a real binary's notes (the reference model, .output/migsim).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <asm/ptrace.h>
#include "check.h"
#include "usdt.h"

static void test_args(void)
{
	struct ms_usdt_spec s;
	const struct ms_usdt_arg_spec *a = s.args;
	int err;

	err = ms_usdt_parse_args("8@%rbx -4@%eax 8@-16(%rbp) -8@$5 1@(%r12) 2@%r9w", &s);
	check(!err && s.arg_cnt == 6, "usdt-args-count", "err %d, %d args",
	      err, s.arg_cnt);
	check(a[0].kind == MS_USDT_REG && a[0].reg_off == offsetof(struct pt_regs, rbx) &&
	      !a[0].is_signed && a[0].bitshift == 0, "usdt-arg-reg", "kind %d off %d",
	      a[0].kind, a[0].reg_off);
	check(a[1].reg_off == offsetof(struct pt_regs, rax) && a[1].is_signed &&
	      a[1].bitshift == 32, "usdt-arg-signed-32", "off %d signed %d shift %d",
	      a[1].reg_off, a[1].is_signed, a[1].bitshift);
	check(a[2].kind == MS_USDT_REG_DEREF && (long long)a[2].val_off == -16 &&
	      a[2].reg_off == offsetof(struct pt_regs, rbp), "usdt-arg-deref",
	      "kind %d val_off %lld", a[2].kind, (long long)a[2].val_off);
	check(a[3].kind == MS_USDT_CONST && a[3].val_off == 5 && a[3].is_signed,
	      "usdt-arg-const", "kind %d val %llu", a[3].kind,
	      (unsigned long long)a[3].val_off);
	check(a[4].kind == MS_USDT_REG_DEREF && a[4].val_off == 0 &&
	      a[4].reg_off == offsetof(struct pt_regs, r12) && a[4].bitshift == 56,
	      "usdt-arg-deref-no-offset", "kind %d", a[4].kind);
	check(a[5].reg_off == offsetof(struct pt_regs, r9) && a[5].bitshift == 48,
	      "usdt-arg-narrow-reg", "off %d shift %d", a[5].reg_off,
	      a[5].bitshift);
	check(!ms_usdt_parse_args("", &s) && s.arg_cnt == 0, "usdt-args-none",
	      "%d args", s.arg_cnt);
	check(ms_usdt_parse_args("8@%xmm0", &s) == -EINVAL, "usdt-arg-bad-reg",
	      "accepted");
	check(ms_usdt_parse_args("3@%rax", &s) == -EINVAL, "usdt-arg-bad-size",
	      "accepted");
	check(ms_usdt_parse_args("8@%rax junk", &s) == -EINVAL,
	      "usdt-arg-junk", "accepted");
}

static void test_sites(const char *bin)
{
	struct ms_usdt_site *sites = NULL;
	char why[256];
	size_t n = 0, i, reads = 0, bad = 0;
	struct stat st;
	int err;

	if (stat(bin, &st)) {
		check(0, "usdt-sites", "%s missing: run make", bin);
		return;
	}
	err = ms_usdt_sites(bin, "xe", &sites, &n, why, sizeof(why));
	check(!err && n > 0, "usdt-sites", "err %d: %s", err, why);
	for (i = 0; !err && i < n; i++) {
		if (!strcmp(sites[i].name, "data_read_entry")) {
			reads++;
			/* (vfid, len) */
			bad += sites[i].spec.arg_cnt != 2;
		}
		bad += sites[i].offset >= (__u64)st.st_size ||
		       sites[i].ref_ctr_offset >= (__u64)st.st_size;
	}
	check(!err && reads >= 1 && !bad, "usdt-sites-model",
	      "%zu data_read_entry sites, %zu bad", reads, bad);
	free(sites);
	err = ms_usdt_sites(bin, "nope", &sites, &n, why, sizeof(why));
	check(err == -ENOENT && strstr(why, "no nope USDT probes"),
	      "usdt-sites-no-provider", "err %d: %s", err, why);
	err = ms_usdt_sites("/proc/self/status", "xe", &sites, &n, why,
			    sizeof(why));
	check(err == -ENOEXEC && strstr(why, "not an ELF file"),
	      "usdt-sites-not-elf", "err %d: %s", err, why);
	err = ms_usdt_sites("/nonexistent", "xe", &sites, &n, why, sizeof(why));
	check(err == -ENOENT && strstr(why, "cannot open"), "usdt-sites-no-file",
	      "err %d: %s", err, why);
	check(!ms_usdt_has(bin, "xe", "fault_site") &&
	      ms_usdt_has(bin, "xe", "no_such_probe") == -ENOENT &&
	      ms_usdt_has("/proc/self/status", "xe", "fault_site") < 0,
	      "usdt-has", "a present, absent or non-ELF probe misjudged");
}

int main(int argc, char **argv)
{
	test_args();
	test_sites(argc > 1 ? argv[1] : ".output/migsim");
	return check_failures ? 1 : 0;
}
