// SPDX-License-Identifier: GPL-2.0
/*
 * Record files: a fixed header (magic, MS_ABI_VERSION, record size, the
 * clocks at start) followed by raw struct ms_event records.  The header is
 * rewritten at the end with the event and drop counts; a file whose writer
 * died keeps complete = 0 and is still readable up to its last whole
 * record.  The reader trusts nothing: every size and type is checked.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "common.h"
#include "record.h"

/* /proc/sys/kernel/random/boot_id as 16 bytes; zeros if unreadable */
static void read_boot_id(uint8_t id[16])
{
	char text[64];
	unsigned int i, n = 0, v;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	memset(id, 0, 16);
	if (!f)
		return;
	if (fgets(text, sizeof(text), f))
		for (i = 0; text[i] && n < 16; i++)
			if (text[i] != '-' && sscanf(&text[i], "%2x", &v) == 1) {
				id[n++] = v;
				i++;
			}
	fclose(f);
}

int mt_rec_create(struct mt_rec *r, const char *path, const char *target,
		  uint64_t mono_start_ns)
{
	struct timespec real;

	memset(r, 0, sizeof(*r));
	r->f = fopen(path, "wb");
	if (!r->f)
		return ms_err("cannot create record file '%s': %s", path,
			      strerror(errno));
	memcpy(r->hdr.magic, MT_REC_MAGIC, sizeof(r->hdr.magic));
	r->hdr.abi_version = MS_ABI_VERSION;
	r->hdr.hdr_size = sizeof(r->hdr);
	r->hdr.event_size = sizeof(struct ms_event);
	clock_gettime(CLOCK_REALTIME, &real);
	r->hdr.mono_start_ns = mono_start_ns;
	r->hdr.realtime_start_ns = real.tv_sec * 1000000000ull + real.tv_nsec;
	snprintf(r->hdr.target, sizeof(r->hdr.target), "%s", target);
	read_boot_id(r->hdr.boot_id);
	r->hdr.names = *xe_names_active();
	if (fwrite(&r->hdr, sizeof(r->hdr), 1, r->f) != 1)
		return ms_err("cannot write record file '%s': %s", path,
			      strerror(errno));
	return 0;
}

int mt_rec_write(struct mt_rec *r, const struct ms_event *e)
{
	if (fwrite(e, sizeof(*e), 1, r->f) != 1)
		return -EIO;
	r->hdr.events++;
	return 0;
}

int mt_rec_set_names(struct mt_rec *r, const struct xe_names *n)
{
	r->hdr.names = *n;
	if (fseek(r->f, 0, SEEK_SET) ||
	    fwrite(&r->hdr, sizeof(r->hdr), 1, r->f) != 1 ||
	    fseek(r->f, 0, SEEK_END))
		return ms_err("cannot write the record file header: %s",
			      strerror(errno));
	return 0;
}

int mt_rec_finish(struct mt_rec *r, uint64_t drops)
{
	int err = 0;

	if (!r->f)
		return 0;
	r->hdr.drops = drops;
	r->hdr.complete = 1;
	if (fseek(r->f, 0, SEEK_SET) ||
	    fwrite(&r->hdr, sizeof(r->hdr), 1, r->f) != 1)
		err = -EIO;
	if (fclose(r->f))
		err = -errno;
	r->f = NULL;
	if (err)
		ms_err("finishing the record file failed: %s", strerror(-err));
	return err;
}

int mt_rec_peek(const char *path, struct mt_rec_hdr *hdr)
{
	FILE *f = fopen(path, "rb");
	int ok;

	if (!f)
		return ms_err("cannot open record file '%s': %s", path,
			      strerror(errno));
	ok = fread(hdr, sizeof(*hdr), 1, f) == 1 &&
	     !memcmp(hdr->magic, MT_REC_MAGIC, sizeof(hdr->magic));
	fclose(f);
	if (!ok)
		return ms_err("%s is not a migscope record file (too short or bad magic)",
			      path);
	return 0;
}

/* every name NUL-terminated: the table is shown as is */
static bool names_ok(const struct xe_names *n)
{
	unsigned int i;

	for (i = 0; i < XE_NAMES_BITS; i++)
		if (n->state[i][XE_NAME_LEN - 1])
			return false;
	for (i = 0; i < XE_NAMES_TYPES; i++)
		if (n->type[i][XE_NAME_LEN - 1])
			return false;
	return !n->origin[sizeof(n->origin) - 1];
}

static int check_hdr(const char *path, const struct mt_rec_hdr *h,
		     uint64_t size)
{
	uint64_t body;

	if (memcmp(h->magic, MT_REC_MAGIC, sizeof(h->magic)))
		return ms_err("%s is not a migscope record file (bad magic)",
			      path);
	if (h->abi_version != MS_ABI_VERSION)
		return ms_err("%s was recorded with event ABI %u, this migscope reads ABI %u",
			      path, h->abi_version, MS_ABI_VERSION);
	if (h->hdr_size != sizeof(*h) ||
	    h->event_size != sizeof(struct ms_event))
		return ms_err("%s has a malformed header (header %u bytes, records %u bytes; expected %zu and %zu)",
			      path, h->hdr_size, h->event_size, sizeof(*h),
			      sizeof(struct ms_event));
	if (!names_ok(&h->names))
		return ms_err("%s has a malformed state names table in its header",
			      path);
	body = size - sizeof(*h);
	if (body % sizeof(struct ms_event))
		return ms_err("%s is truncated: %llu stray bytes after the last whole record",
			      path, (unsigned long long)(body %
						sizeof(struct ms_event)));
	if (h->complete && h->events != body / sizeof(struct ms_event))
		return ms_err("%s is truncated: the header says %llu records, the file holds %llu",
			      path, (unsigned long long)h->events,
			      (unsigned long long)(body /
						   sizeof(struct ms_event)));
	if (!h->complete)
		fprintf(stderr, "migscope: warning: %s was not closed by its writer (killed?): reading its %llu whole records\n",
			path, (unsigned long long)(body /
						   sizeof(struct ms_event)));
	return 0;
}

static bool event_ok(const struct ms_event *e)
{
	if (!e->type || e->type >= MS_EV_TYPE_MAX)
		return false;
	if (e->type == MS_EV_STATE && e->state.bit >= 64)
		return false;
	if (e->type == MS_EV_PACKET && (!e->op || e->op > MS_PKT_TRAILER))
		return false;
	return true;
}

int mt_rec_read(const char *path, struct mt_rec_hdr *hdr,
		int (*fn)(void *ctx, const struct ms_event *e), void *ctx)
{
	struct ms_event e;
	struct stat st;
	uint64_t n = 0;
	FILE *f;
	int err = 0;

	f = fopen(path, "rb");
	if (!f)
		return ms_err("cannot open record file '%s': %s", path,
			      strerror(errno));
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return ms_err("%s is not a regular file", path);
	}
	if ((uint64_t)st.st_size < sizeof(*hdr) ||
	    fread(hdr, sizeof(*hdr), 1, f) != 1) {
		fclose(f);
		return ms_err("%s is too short to be a migscope record file (%lld bytes)",
			      path, (long long)st.st_size);
	}
	if (check_hdr(path, hdr, st.st_size)) {
		fclose(f);
		return -1;
	}
	/* name states as the recording's kernel (or model) numbered them */
	xe_names_use(&hdr->names);
	while (fread(&e, sizeof(e), 1, f) == 1) {
		if (!event_ok(&e)) {
			err = ms_err("%s: record %llu is malformed (event type %u)",
				     path, (unsigned long long)n, e.type);
			break;
		}
		n++;
		if (fn(ctx, &e)) {
			err = -1;
			break;
		}
	}
	if (!err && ferror(f))
		err = ms_err("reading %s failed: %s", path, strerror(errno));
	fclose(f);
	return err;
}
