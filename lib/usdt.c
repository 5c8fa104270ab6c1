// SPDX-License-Identifier: GPL-2.0
/*
 * USDT notes (the SystemTap SDT format: .note.stapsdt, type 3, owner
 * "stapsdt"; each note holds the probe's address, the link-time address of
 * .stapsdt.base, the semaphore's address, then provider, name and argument
 * strings) read once per binary.  x86-64 argument syntax only, like the
 * rest of the build.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <asm/ptrace.h>
#include "usdt.h"

#define SDT_NOTE_TYPE	3
#define SDT_NOTE_OWNER	"stapsdt"

/* the names an argument may give a register, any width */
static const struct {
	const char *names[4];
	short off;
} regs[] = {
	{ { "rip", "eip" }, offsetof(struct pt_regs, rip) },
	{ { "rax", "eax", "ax", "al" }, offsetof(struct pt_regs, rax) },
	{ { "rbx", "ebx", "bx", "bl" }, offsetof(struct pt_regs, rbx) },
	{ { "rcx", "ecx", "cx", "cl" }, offsetof(struct pt_regs, rcx) },
	{ { "rdx", "edx", "dx", "dl" }, offsetof(struct pt_regs, rdx) },
	{ { "rsi", "esi", "si", "sil" }, offsetof(struct pt_regs, rsi) },
	{ { "rdi", "edi", "di", "dil" }, offsetof(struct pt_regs, rdi) },
	{ { "rbp", "ebp", "bp", "bpl" }, offsetof(struct pt_regs, rbp) },
	{ { "rsp", "esp", "sp", "spl" }, offsetof(struct pt_regs, rsp) },
	{ { "r8", "r8d", "r8w", "r8b" }, offsetof(struct pt_regs, r8) },
	{ { "r9", "r9d", "r9w", "r9b" }, offsetof(struct pt_regs, r9) },
	{ { "r10", "r10d", "r10w", "r10b" }, offsetof(struct pt_regs, r10) },
	{ { "r11", "r11d", "r11w", "r11b" }, offsetof(struct pt_regs, r11) },
	{ { "r12", "r12d", "r12w", "r12b" }, offsetof(struct pt_regs, r12) },
	{ { "r13", "r13d", "r13w", "r13b" }, offsetof(struct pt_regs, r13) },
	{ { "r14", "r14d", "r14w", "r14b" }, offsetof(struct pt_regs, r14) },
	{ { "r15", "r15d", "r15w", "r15b" }, offsetof(struct pt_regs, r15) },
};

static int reg_off(const char *name)
{
	size_t i, j;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (j = 0; j < 4 && regs[i].names[j]; j++)
			if (!strcmp(name, regs[i].names[j]))
				return regs[i].off;
	return -EINVAL;
}

/* one "SIZE@OPERAND" at s into a; the characters used, or -EINVAL */
static int parse_arg(const char *s, struct ms_usdt_arg_spec *a)
{
	char reg[16];
	long long off;
	int size, used = 0, r;

	if (sscanf(s, " %d@%%%15[^, ]%n", &size, reg, &used) == 2) {
		a->kind = MS_USDT_REG;
		a->val_off = 0;
	} else if (sscanf(s, " %d@%lld(%%%15[^)])%n", &size, &off, reg,
			  &used) == 3 ||
		   (off = 0, sscanf(s, " %d@(%%%15[^)])%n", &size, reg,
				    &used) == 2)) {
		a->kind = MS_USDT_REG_DEREF;
		a->val_off = off;
	} else if (sscanf(s, " %d@$%lld%n", &size, &off, &used) == 2) {
		a->kind = MS_USDT_CONST;
		a->val_off = off;
		reg[0] = '\0';
	} else {
		return -EINVAL;
	}
	if (a->kind != MS_USDT_CONST) {
		r = reg_off(reg);
		if (r < 0)
			return r;
		a->reg_off = r;
	}
	a->is_signed = size < 0;
	size = abs(size);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	a->bitshift = 64 - 8 * size;
	return used;
}

int ms_usdt_parse_args(const char *args, struct ms_usdt_spec *spec)
{
	const char *s = args;
	int n;

	memset(spec, 0, sizeof(*spec));
	while (*s == ' ')
		s++;
	while (*s) {
		if (spec->arg_cnt == MS_USDT_MAX_ARGS)
			return -EINVAL;
		n = parse_arg(s, &spec->args[spec->arg_cnt]);
		if (n <= 0)
			return -EINVAL;
		spec->arg_cnt++;
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

/* the file offset of virtual address addr, through the segment holding it */
static int vaddr_to_offset(Elf *elf, __u64 addr, __u64 *off)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

/* the section named name (shdr filled), or NULL */
static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t stridx;
	const char *n;

	if (elf_getshdrstrndx(elf, &stridx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(elf, stridx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

struct note_walk {
	Elf *elf;
	const char *provider;
	bool has_base;
	__u64 base;		/* .stapsdt.base's address */
	struct ms_usdt_site *sites;
	size_t n, cap;
	char *why;
	size_t len;
};

/* a note's strings: provider, name, arguments, each within desc */
static int note_strings(const char *desc, size_t dlen, const char **str)
{
	size_t at = 3 * sizeof(__u64);
	int i;

	for (i = 0; i < 3; i++) {
		const char *end;

		if (at >= dlen)
			return -EINVAL;
		str[i] = desc + at;
		end = memchr(str[i], '\0', dlen - at);
		if (!end)
			return -EINVAL;
		at = end - desc + 1;
	}
	return 0;
}

static struct ms_usdt_site *next_site(struct note_walk *w)
{
	struct ms_usdt_site *s;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;

		s = realloc(w->sites, cap * sizeof(*s));
		if (!s)
			return NULL;
		w->sites = s;
		w->cap = cap;
	}
	s = &w->sites[w->n];
	memset(s, 0, sizeof(*s));
	return s;
}

/* one note: keep it if it is one of provider's */
static int add_note(struct note_walk *w, const char *desc, size_t dlen)
{
	__u64 addr[3];	/* probe, link-time .stapsdt.base, semaphore */
	const char *str[3];
	struct ms_usdt_site *s;

	if (dlen < sizeof(addr) || note_strings(desc, dlen, str))
		return snprintf(w->why, w->len, "a malformed USDT note"), -EINVAL;
	if (strcmp(str[0], w->provider))
		return 0;
	memcpy(addr, desc, sizeof(addr));
	if (w->has_base)
		addr[0] += w->base - addr[1];
	s = next_site(w);
	if (!s)
		return -ENOMEM;
	snprintf(s->name, sizeof(s->name), "%s", str[1]);
	if (vaddr_to_offset(w->elf, addr[0], &s->offset))
		return snprintf(w->why, w->len, "USDT %s:%s is at 0x%llx, in no segment",
				str[0], str[1], (unsigned long long)addr[0]), -EINVAL;
	if (addr[2] && vaddr_to_offset(w->elf, addr[2], &s->ref_ctr_offset))
		return snprintf(w->why, w->len, "the semaphore of USDT %s:%s is in no segment",
				str[0], str[1]), -EINVAL;
	if (ms_usdt_parse_args(str[2], &s->spec))
		return snprintf(w->why, w->len, "USDT %s:%s has arguments this build cannot read: %s",
				str[0], str[1], str[2]), -EINVAL;
	w->n++;
	return 0;
}

static int walk_notes(struct note_walk *w, Elf_Scn *scn)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;
	int err;

	while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
		if (nh.n_type != SDT_NOTE_TYPE ||
		    nh.n_namesz != sizeof(SDT_NOTE_OWNER) ||
		    strcmp((char *)d->d_buf + name_off, SDT_NOTE_OWNER))
			continue;
		err = add_note(w, (char *)d->d_buf + desc_off, nh.n_descsz);
		if (err)
			return err;
	}
	return 0;
}

static int read_sites(Elf *elf, struct note_walk *w)
{
	GElf_Shdr sh;
	Elf_Scn *notes = find_section(elf, ".note.stapsdt", &sh);

	if (!notes)
		return -ENOENT;
	if (find_section(elf, ".stapsdt.base", &sh)) {
		w->has_base = true;
		w->base = sh.sh_addr;
	}
	return walk_notes(w, notes);
}

int ms_usdt_sites(const char *path, const char *provider,
		  struct ms_usdt_site **sites, size_t *n, char *why,
		  size_t len)
{
	struct note_walk w = { .provider = provider, .why = why, .len = len };
	int fd, err;

	why[0] = '\0';
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(why, len, "cannot open %s: %s", path, strerror(-err));
		return err;
	}
	w.elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!w.elf || elf_kind(w.elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		snprintf(why, len, "%s is not an ELF file", path);
	} else {
		err = read_sites(w.elf, &w);
	}
	if (!err && !w.n)
		err = -ENOENT;
	if (err == -ENOENT)
		snprintf(why, len, "%s has no %s USDT probes", path, provider);
	else if (err && !why[0])
		snprintf(why, len, "cannot read the ELF notes of %s: %s", path,
			 strerror(-err));
	elf_end(w.elf);
	close(fd);
	if (err) {
		free(w.sites);
		return err;
	}
	*sites = w.sites;
	*n = w.n;
	return 0;
}

int ms_usdt_has(const char *path, const char *provider, const char *probe)
{
	struct ms_usdt_site *sites;
	char why[256];
	size_t n, i;
	int err = ms_usdt_sites(path, provider, &sites, &n, why, sizeof(why));

	if (err)
		return err;
	for (i = 0; i < n && strcmp(sites[i].name, probe); i++)
		;
	free(sites);
	return i < n ? 0 : -ENOENT;
}
