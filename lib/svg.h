/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small SVG writer for pictures that open offline: no scripts, no
 * fonts or images from elsewhere, every text escaped.
 */
#ifndef MIGSCOPE_SVG_H
#define MIGSCOPE_SVG_H

#include <stdio.h>

struct svg {
	FILE *f;
};

int svg_open(struct svg *s, const char *path, double width, double height);
/* returns -errno if anything failed to be written */
int svg_close(struct svg *s);
/* title, if not NULL, is the tooltip */
void svg_rect(struct svg *s, double x, double y, double w, double h,
	      const char *fill, const char *title);
void svg_line(struct svg *s, double x1, double y1, double x2, double y2,
	      const char *stroke, double width);
/* anchor: "start", "middle" or "end" */
void svg_text(struct svg *s, double x, double y, double size,
	      const char *anchor, const char *text);

#endif /* MIGSCOPE_SVG_H */
