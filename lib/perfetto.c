// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "common.h"
#include "perfetto.h"

int perfetto_open(struct perfetto *p, const char *path, uint64_t t0_ns)
{
	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "w");
	if (!p->f)
		return ms_err("cannot write Perfetto trace '%s': %s", path,
			      strerror(errno));
	p->t0_ns = t0_ns;
	json_init(&p->j, p->f);
	json_obj_begin(&p->j);
	json_kstr(&p->j, "displayTimeUnit", "ns");
	json_key(&p->j, "traceEvents");
	json_arr_begin(&p->j);
	return 0;
}

int perfetto_close(struct perfetto *p)
{
	int err = 0;

	if (!p->f)
		return 0;
	json_arr_end(&p->j);
	json_obj_end(&p->j);
	fputc('\n', p->f);
	if (ferror(p->f))
		err = -EIO;
	if (fclose(p->f))
		err = -errno;
	p->f = NULL;
	return err;
}

static void put_ts(struct perfetto *p, const char *key, uint64_t ns)
{
	json_kf64(&p->j, key, ns / 1000.0);
}

static void metadata(struct perfetto *p, const char *what, uint32_t pid,
		     uint32_t tid, const char *name)
{
	if (!p->f)
		return;
	json_obj_begin(&p->j);
	json_kstr(&p->j, "ph", "M");
	json_kstr(&p->j, "name", what);
	json_ku64(&p->j, "pid", pid);
	json_ku64(&p->j, "tid", tid);
	json_key(&p->j, "args");
	json_obj_begin(&p->j);
	json_kstr(&p->j, "name", name);
	json_obj_end(&p->j);
	json_obj_end(&p->j);
}

void perfetto_process_name(struct perfetto *p, uint32_t pid, const char *name)
{
	metadata(p, "process_name", pid, 0, name);
}

void perfetto_thread_name(struct perfetto *p, uint32_t pid, uint32_t tid,
			  const char *name)
{
	metadata(p, "thread_name", pid, tid, name);
}

void perfetto_event_begin(struct perfetto *p, char ph, const char *name,
			  const char *cat, uint32_t pid, uint32_t tid,
			  uint64_t ts_ns)
{
	char phs[2] = { ph, '\0' };

	json_obj_begin(&p->j);
	json_kstr(&p->j, "ph", phs);
	json_kstr(&p->j, "name", name);
	if (cat)
		json_kstr(&p->j, "cat", cat);
	json_ku64(&p->j, "pid", pid);
	json_ku64(&p->j, "tid", tid);
	put_ts(p, "ts", ts_ns > p->t0_ns ? ts_ns - p->t0_ns : 0);
	if (ph == 'i')
		json_kstr(&p->j, "s", "t");
}

void perfetto_event_dur(struct perfetto *p, uint64_t dur_ns)
{
	put_ts(p, "dur", dur_ns);
}

void perfetto_event_args(struct perfetto *p)
{
	json_key(&p->j, "args");
	json_obj_begin(&p->j);
}

void perfetto_event_end(struct perfetto *p)
{
	/* close args if the caller opened it */
	if (p->j.depth > 3)
		json_obj_end(&p->j);
	json_obj_end(&p->j);
}

void perfetto_counter(struct perfetto *p, const char *name, uint32_t pid,
		      uint64_t ts_ns, const char *series, double value)
{
	if (!p->f)
		return;
	perfetto_event_begin(p, 'C', name, NULL, pid, 0, ts_ns);
	perfetto_event_args(p);
	json_kf64(&p->j, series, value);
	perfetto_event_end(p);
}

