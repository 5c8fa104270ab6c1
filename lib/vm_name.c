// SPDX-License-Identifier: GPL-2.0
/* The name of the VM a VMM runs: see vm_name.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vm_name.h"

/* QEMU's cmdline is at most a few KiB; a longer one is cut, never misread */
#define CMDLINE_MAX 65536

/*
 * One -name value, QEMU's option syntax: comma-separated key=value parts,
 * ",," a literal comma, a first part without '=' the implied guest= key.
 */
static bool guest_of(const char *v, char *name, size_t size)
{
	bool found = false, first = true;
	const char *p = v;

	while (*p) {
		const char *eq = NULL, *s = p;
		size_t n = 0;
		bool guest;

		/* the part's key, if it has one, ends at the first '=' */
		for (; *s && (*s != ',' || s[1] == ','); s += *s == ',' ? 2 : 1)
			if (*s == '=' && !eq)
				eq = s;
		guest = eq ? eq - p == 5 && !strncmp(p, "guest", 5) : first;
		/* an empty value names nothing: an earlier name stands */
		if (guest && (eq ? eq + 1 : p) < s) {
			const char *c = eq ? eq + 1 : p;

			for (; c < s && n + 1 < size; c += *c == ',' ? 2 : 1)
				name[n++] = *c;
			name[n] = '\0';
			found = true;
		}
		first = false;
		p = *s ? s + 1 : s;
	}
	return found;
}

int ms_vm_name_from_cmdline(const char *args, size_t len, char *name,
			    size_t size)
{
	const char *p = args, *end = args + len;
	bool found = false;

	if (!size)
		return -1;
	/* every -name counts: QEMU merges them, the last value winning */
	while (p < end) {
		size_t n = strnlen(p, end - p);
		const char *next = p + n + 1;

		if (((n == 5 && !memcmp(p, "-name", 5)) ||
		     (n == 6 && !memcmp(p, "--name", 6))) && next < end &&
		    strnlen(next, end - next) < (size_t)(end - next))
			found |= guest_of(next, name, size);
		p = next;
	}
	return found ? 0 : -1;
}

/* up to size - 1 bytes of a /proc file, NUL terminated; length or -errno */
static ssize_t read_proc(uint32_t pid, const char *what, char *buf,
			 size_t size)
{
	char path[64];
	ssize_t n, got = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)got + 1 < size) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

/* a name prints on one line of text: control bytes become '?' */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int ms_vm_name_of(uint32_t pid, char *name, size_t size)
{
	char *args = malloc(CMDLINE_MAX);
	ssize_t n;

	if (!args)
		return -ENOMEM;
	n = read_proc(pid, "cmdline", args, CMDLINE_MAX);
	if (n < 0 || ms_vm_name_from_cmdline(args, n, name, size)) {
		/* no -name (or no cmdline, as for a zombie): the comm */
		n = read_proc(pid, "comm", args, CMDLINE_MAX);
		if (n <= 0) {
			free(args);
			return n < 0 ? (int)n : -ENOENT;
		}
		args[strcspn(args, "\n")] = '\0';
		snprintf(name, size, "%s", args);
	}
	free(args);
	printable(name);
	return 0;
}

const char *ms_vm_names_get(struct ms_vm_names *c, uint32_t pid)
{
	struct ms_vm_name *e;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].pid == pid)
			return c->v[i].name[0] ? c->v[i].name : NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;

		e = realloc(c->v, cap * sizeof(*e));
		if (!e)
			return NULL;
		c->v = e;
		c->cap = cap;
	}
	e = &c->v[c->n++];
	e->pid = pid;
	if (ms_vm_name_of(pid, e->name, sizeof(e->name)))
		e->name[0] = '\0';
	return e->name[0] ? e->name : NULL;
}

void ms_vm_names_free(struct ms_vm_names *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
