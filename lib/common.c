// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include "common.h"

int ms_verbose;
volatile sig_atomic_t ms_exiting;

static char capture_buf[16384];
static size_t capture_len;
static bool capturing;

int ms_err(const char *fmt, ...)
{
	va_list ap;

	fputs("migscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void ms_info(const char *fmt, ...)
{
	va_list ap;

	if (!ms_verbose)
		return;
	fputs("migscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (capturing && level == LIBBPF_WARN &&
	    capture_len < sizeof(capture_buf) - 1) {
		va_list copy;
		int n;

		va_copy(copy, ap);
		n = vsnprintf(capture_buf + capture_len,
			      sizeof(capture_buf) - capture_len, fmt, copy);
		va_end(copy);
		if (n > 0)
			capture_len += n;
		if (capture_len >= sizeof(capture_buf))
			capture_len = sizeof(capture_buf) - 1;
	}
	if (level == LIBBPF_DEBUG && ms_verbose < 2)
		return 0;
	if (!ms_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void ms_libbpf_setup(void)
{
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(libbpf_print);
}

void ms_libbpf_capture_begin(void)
{
	capture_len = 0;
	capture_buf[0] = '\0';
	capturing = true;
}

/*
 * libbpf blames RLIMIT_MEMLOCK for any EPERM; memcg-accounted kernels never
 * need it, so such hints would send users the wrong way.  Its "failed to
 * load object/skeleton" lines only repeat the first error.
 */
static bool boilerplate(const char *line)
{
	static const char *const noise[] = {
		"MEMLOCK", "memlock", "ulimit", "failed to load object",
		"failed to load BPF skeleton", "failed to load: -",
		"BEGIN PROG LOAD LOG", "END PROG LOAD LOG",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(noise); i++)
		if (strstr(line, noise[i]))
			return true;
	return false;
}

/* the verifier's own verdict: its last line before the "processed" summary */
static const char *verifier_verdict(char *log)
{
	char *begin = strstr(log, "-- BEGIN PROG LOAD LOG --");
	char *end, *p, *last = NULL;

	if (!begin)
		return NULL;
	begin = strchr(begin, '\n');
	end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;
	if (!end)
		return NULL;
	*end = '\0';
	for (p = strtok(begin + 1, "\n"); p; p = strtok(NULL, "\n"))
		if (strncmp(p, "processed ", 10) && *p)
			last = p;
	return last;
}

const char *ms_libbpf_capture_end(void)
{
	static char reduced[512];
	/* parsed in a copy: a second call gives the same answer */
	static char work[sizeof(capture_buf)];
	const char *verdict;
	char *line, *save = NULL;

	capturing = false;
	reduced[0] = '\0';
	memcpy(work, capture_buf, capture_len + 1);
	verdict = verifier_verdict(work);
	if (verdict) {
		snprintf(reduced, sizeof(reduced), "verifier: %s", verdict);
		return reduced;
	}
	memcpy(work, capture_buf, capture_len + 1);
	for (line = strtok_r(work, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (boilerplate(line))
			continue;
		if (!strncmp(line, "libbpf: ", 8))
			line += 8;
		snprintf(reduced, sizeof(reduced), "%s", line);
		break;
	}
	return reduced;
}

static bool have_caps(const int *caps, size_t n)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};
	size_t i;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	for (i = 0; i < n; i++) {
		int c = caps[i];

		if (!(data[c / 32].effective & (1u << (c % 32))))
			return false;
	}
	return true;
}

int ms_require_bpf_privileges(const char *cmd)
{
	static const int admin[] = { CAP_SYS_ADMIN };
	static const int bpf_perfmon[] = { CAP_BPF, CAP_PERFMON };

	if (have_caps(admin, 1) || have_caps(bpf_perfmon, 2))
		return 0;
	return ms_err("%s needs root or CAP_BPF+CAP_PERFMON to load BPF programs; run it with sudo",
		      cmd);
}

static void on_signal(int sig)
{
	(void)sig;
	ms_exiting = 1;
}

void ms_setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int ms_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	/* "010" is ten, as someone typing --nth 010 means; hex needs "0x" */
	v = strtoull(s, &end, strncasecmp(s, "0x", 2) ? 10 : 16);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int ms_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t len = s ? strlen(s) : 0;
	unsigned int shift = 0;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	switch (toupper((unsigned char)num[len - 1])) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	}
	if (shift)
		num[len - 1] = '\0';
	if (ms_parse_u64(num, out))
		return -EINVAL;
	if (*out > (UINT64_MAX >> shift))
		return -ERANGE;
	*out <<= shift;
	return 0;
}

int ms_parse_pid(const char *s, pid_t *out)
{
	char path[64];
	uint64_t v;

	if (ms_parse_u64(s, &v) || v == 0 || v > 4194304)
		return ms_err("'%s' is not a process id", s);
	snprintf(path, sizeof(path), "/proc/%llu", (unsigned long long)v);
	if (access(path, F_OK))
		return ms_err("no process with pid %llu is running (check the pid with ps)",
			      (unsigned long long)v);
	*out = (pid_t)v;
	return 0;
}

static const struct {
	const char *name;
	int err;
} errno_names[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EINTR", EINTR },
	{ "EIO", EIO }, { "ENXIO", ENXIO }, { "E2BIG", E2BIG },
	{ "EBADF", EBADF }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL },
	{ "ENOSPC", ENOSPC }, { "ESPIPE", ESPIPE }, { "EPIPE", EPIPE },
	{ "ERANGE", ERANGE }, { "ENODATA", ENODATA }, { "ETIME", ETIME },
	{ "EPROTO", EPROTO }, { "ENOBUFS", ENOBUFS }, { "EALREADY", EALREADY },
	{ "ESTALE", ESTALE }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ECANCELED", ECANCELED }, { "EUCLEAN", EUCLEAN },
	{ "ENOPKG", ENOPKG }, { "ENOTSUP", ENOTSUP },
	{ "ERESTARTSYS", 512 },
};

int ms_errno_from_name(const char *s)
{
	uint64_t v;
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (!strcasecmp(s, errno_names[i].name))
			return errno_names[i].err;
	if (*s == '-')
		s++;
	if (!ms_parse_u64(s, &v) && v > 0 && v < 4096)
		return (int)v;
	return -1;
}

/* the errno's name in the table, or NULL */
static const char *errno_table_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

const char *ms_errno_name(int err)
{
	const char *name = errno_table_name(err);

	return name ? name : "E?";
}

void ms_errno_arg(int err, char *buf, size_t len)
{
	const char *name = errno_table_name(err);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%d", err < 0 ? -err : err);
}

void ms_double_arg(double v, char *buf, size_t len)
{
	int digits;

	for (digits = 6; digits < 17; digits++) {
		snprintf(buf, len, "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

int ms_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "migscope %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'migscope %s --help')\n", cmd);
	return 2;
}

int ms_getopt_err(const char *cmd, int opt, char *const argv[])
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return ms_usage_err(cmd, "option '%s' needs a value", arg);
	if (optopt)
		return ms_usage_err(cmd, "unknown option '-%c'", optopt);
	return ms_usage_err(cmd, "unknown option '%s'", arg);
}

uint64_t ms_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int ms_resolve_command(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK))
			return ms_err("cannot run %s: %s", cmd, strerror(errno));
		snprintf(out, len, "%s", cmd);
		return 0;
	}
	for (p = path ? path : "/usr/bin:/bin"; p && *p; p = end ? end + 1 : NULL) {
		end = strchr(p, ':');
		snprintf(buf, sizeof(buf), "%.*s/%s",
			 end ? (int)(end - p) : (int)strlen(p), p, cmd);
		if (!access(buf, X_OK)) {
			snprintf(out, len, "%s", buf);
			return 0;
		}
	}
	return ms_err("command not found: %s", cmd);
}

int ms_tracepoint_field_offset(const char *event, const char *field)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events",
	};
	char path[256], line[512], want[128];
	int off = -ENOENT, n;
	size_t i;
	FILE *f = NULL;

	for (i = 0; i < ARRAY_SIZE(roots) && !f; i++) {
		snprintf(path, sizeof(path), "%s/%s/format", roots[i], event);
		f = fopen(path, "re");
	}
	if (!f)
		return -errno;
	/* "\tfield:pid_t child_pid;\toffset:20;\tsize:4;\tsigned:1;" */
	snprintf(want, sizeof(want), " %s;", field);
	while (off < 0 && fgets(line, sizeof(line), f)) {
		char *at = strstr(line, want);

		if (at && strstr(line, "field:") &&
		    sscanf(strchr(at, ';'), ";\toffset:%d;", &n) == 1)
			off = n;
	}
	fclose(f);
	return off;
}

void ms_phase(const char *what)
{
	static int on = -1;
	static uint64_t last;
	uint64_t now;

	if (on < 0)
		on = getenv("MIGSCOPE_PHASES") != NULL;
	if (!on)
		return;
	now = ms_now_ns();
	if (last)
		fprintf(stderr, "migscope: phase %-8s +%7.3f ms\n", what,
			(now - last) / 1e6);
	last = now;
}
