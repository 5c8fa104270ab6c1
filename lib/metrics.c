// SPDX-License-Identifier: GPL-2.0
/*
 * OpenMetrics text and its loopback HTTP endpoint; see metrics.h.
 * Responses use the Prometheus text format 0.0.4 (what promtool and every
 * Prometheus version read), ending with "# EOF" only in the OpenMetrics
 * content type.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "common.h"
#include "metrics.h"

/* per client: time to send its request and to take the answer */
#define OM_CLIENT_WAIT_MS	100
/* clients answered per poll; the rest wait for the next tick */
#define OM_CLIENTS_PER_POLL	4

void om_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample_name(FILE *f, const char *name, const char *labels)
{
	if (labels && *labels)
		fprintf(f, "%s{%s} ", name, labels);
	else
		fprintf(f, "%s ", name);
}

void om_u64(FILE *f, const char *name, const char *labels, uint64_t v)
{
	sample_name(f, name, labels);
	fprintf(f, "%llu\n", (unsigned long long)v);
}

void om_f64(FILE *f, const char *name, const char *labels, double v)
{
	sample_name(f, name, labels);
	fprintf(f, "%.9g\n", v);
}

void om_log2_hist(FILE *f, const char *name, const char *labels,
		  const struct log2_hist *h, double unit)
{
	const char *sep = labels && *labels ? "," : "";
	char sub[128];
	uint64_t cum = 0;
	unsigned int s, top = 0;

	for (s = 0; s < MS_LOG2_SLOTS; s++)
		if (h->slots[s])
			top = s;
	for (s = 0; s <= top; s++) {
		cum += h->slots[s];
		fprintf(f, "%s_bucket{%s%sle=\"%.9g\"} %llu\n", name,
			labels ? labels : "", sep,
			(double)((1ull << s) - 1) * unit,
			(unsigned long long)cum);
	}
	fprintf(f, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name,
		labels ? labels : "", sep, (unsigned long long)h->count);
	snprintf(sub, sizeof(sub), "%s_count", name);
	om_u64(f, sub, labels, h->count);
	snprintf(sub, sizeof(sub), "%s_sum", name);
	om_f64(f, sub, labels, h->sum * unit);
}

static int parse_spec(const char *cmd, const char *spec, struct sockaddr_in *sa)
{
	const char *colon = strrchr(spec, ':');
	uint64_t port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (!colon || ms_parse_u64(colon + 1, &port) || !port || port > 65535)
		return ms_usage_err(cmd, "--metrics '%s' must be :PORT or 127.0.0.1:PORT",
				    spec);
	sa->sin_port = htons(port);
	if (colon == spec || !strncmp(spec, "127.0.0.1:", 10) ||
	    !strncmp(spec, "localhost:", 10)) {
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	return ms_usage_err(cmd, "--metrics serves on the loopback interface only, not '%s': put a proxy or node_exporter in front",
			    spec);
}

int om_http_check(const char *cmd, const char *spec)
{
	struct sockaddr_in sa;

	return parse_spec(cmd, spec, &sa);
}

int om_http_open(struct om_http *h, const char *spec, om_render_fn render,
		 void *ctx)
{
	struct sockaddr_in sa;
	int one = 1, err;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	err = parse_spec("migscope", spec, &sa);
	if (err)
		return err;
	h->render = render;
	h->ctx = ctx;
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (h->fd < 0 ||
	    setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(h->fd, 8)) {
		err = errno;
		om_http_close(h);
		ms_err("cannot serve metrics on 127.0.0.1:%u: %s",
		       ntohs(sa.sin_port), strerror(err));
		return 1;
	}
	return 0;
}

/* read the request (enough to see its line); any GET gets the metrics */
static void answer(struct om_http *h, int c)
{
	char req[2048], *body = NULL, hdr[160];
	size_t len = 0;
	ssize_t n;
	FILE *m;
	struct pollfd p = { .fd = c, .events = POLLIN };

	/* a client that is idle or slow must not stall the tracer's loop */
	if (poll(&p, 1, OM_CLIENT_WAIT_MS) <= 0)
		return;
	n = read(c, req, sizeof(req) - 1);
	if (n <= 0)
		return;
	req[n] = 0;
	if (strncmp(req, "GET ", 4)) {
		dprintf(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
		return;
	}
	m = open_memstream(&body, &len);
	if (!m)
		return;
	h->scrapes++;
	h->render(m, h->ctx);
	fclose(m);
	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		     len);
	if (write(c, hdr, n) == n)
		(void)!write(c, body, len);
	free(body);
}

void om_http_poll(struct om_http *h, int timeout_ms)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	struct timeval wait = { .tv_usec = OM_CLIENT_WAIT_MS * 1000 };
	int c, served = 0;

	if (h->fd < 0 || poll(&p, 1, timeout_ms) <= 0)
		return;
	while (served++ < OM_CLIENTS_PER_POLL &&
	       (c = accept4(h->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait));
		answer(h, c);
		close(c);
	}
}

void om_http_close(struct om_http *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

int om_write_file(const char *path, om_render_fn render, void *ctx)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	FILE *f;
	int err = 0;

	if (!tmp)
		return ms_err("out of memory");
	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		err = ms_err("cannot write metrics file '%s': %s", tmp,
			     strerror(errno));
		free(tmp);
		return err;
	}
	render(f, ctx);
	if (ferror(f) | fclose(f) || rename(tmp, path))
		err = ms_err("cannot write metrics file '%s': %s", path,
			     strerror(errno));
	free(tmp);
	return err;
}
