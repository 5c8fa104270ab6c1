/* SPDX-License-Identifier: GPL-2.0 */
/* The merged timeline as a self-contained SVG picture. */
#ifndef MIGSCOPE_SVG_TIMELINE_H
#define MIGSCOPE_SVG_TIMELINE_H

#include "breakdown.h"

int mb_svg(const char *path, const struct mb_result *r);

#endif /* MIGSCOPE_SVG_TIMELINE_H */
