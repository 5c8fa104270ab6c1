// SPDX-License-Identifier: GPL-2.0
/* The SVG writer; see svg.h. */
#include <errno.h>
#include <string.h>
#include "common.h"
#include "svg.h"

static void escaped(FILE *f, const char *t)
{
	for (; *t; t++) {
		switch (*t) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*t, f);
		}
	}
}

int svg_open(struct svg *s, const char *path, double width, double height)
{
	s->f = fopen(path, "w");
	if (!s->f)
		return ms_err("cannot write picture '%s': %s", path,
			      strerror(errno));
	fprintf(s->f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
		width, height, width, height);
	return 0;
}

int svg_close(struct svg *s)
{
	int err;

	fputs("</svg>\n", s->f);
	err = ferror(s->f) ? -EIO : 0;
	if (fclose(s->f))
		err = -errno;
	s->f = NULL;
	return err;
}

void svg_rect(struct svg *s, double x, double y, double w, double h,
	      const char *fill, const char *title)
{
	fprintf(s->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"",
		x, y, w < 0.5 ? 0.5 : w, h, fill);
	if (!title) {
		fputs("/>\n", s->f);
		return;
	}
	fputs("><title>", s->f);
	escaped(s->f, title);
	fputs("</title></rect>\n", s->f);
}

void svg_line(struct svg *s, double x1, double y1, double x2, double y2,
	      const char *stroke, double width)
{
	fprintf(s->f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
		x1, y1, x2, y2, stroke, width);
}

void svg_text(struct svg *s, double x, double y, double size,
	      const char *anchor, const char *text)
{
	fprintf(s->f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\">",
		x, y, size, anchor);
	escaped(s->f, text);
	fputs("</text>\n", s->f);
}
