/* SPDX-License-Identifier: GPL-2.0 */
/* The merged forms of `migscope report`, called from its one-file form. */
#ifndef MIGSCOPE_REPORT_H
#define MIGSCOPE_REPORT_H

#include <stdbool.h>

/* do these arguments ask for a merged report (two files, --diff, ...)? */
bool mb_report_wants(int argc, char **argv);
int mb_report_main(int argc, char **argv);

#endif /* MIGSCOPE_REPORT_H */
