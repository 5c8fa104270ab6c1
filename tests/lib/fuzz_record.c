// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: record files are untrusted input (they travel between
 * machines), so the reader and every renderer behind `migscope report`
 * (text, JSON, Perfetto) run on arbitrary bytes under ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "json.h"
#include "perfetto_events.h"
#include "record.h"
#include "render.h"

struct sink {
	FILE *null;
	struct json j;
	struct ms_pf *pf;
};

static int on_event(void *ctx, const struct ms_event *e)
{
	struct sink *s = ctx;

	/* with a VM name: the renderers' naming path too */
	ms_event_text_vm(s->null, e, 0, "vm");
	ms_event_json_vm(&s->j, e, "vm");
	if (s->pf)
		ms_pf_event(s->pf, e);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink s;
	static int fd = -1;
	struct mt_rec_hdr hdr;
	char path[64];

	if (fd < 0) {
		fd = memfd_create("record", 0);
		s.null = fopen("/dev/null", "w");
		json_init(&s.j, s.null);
	}
	if (fd < 0 || !s.null || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	s.pf = ms_pf_open("/dev/null", 0);
	mt_rec_read(path, &hdr, on_event, &s);
	if (s.pf)
		ms_pf_close(s.pf, 0);
	return 0;
}
