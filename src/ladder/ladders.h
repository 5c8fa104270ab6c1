/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGSCOPE_LADDERS_H
#define MIGSCOPE_LADDERS_H

#include "common.h"
#include "ladder.h"

extern const struct ms_feature ms_feature_mig_kernel;
extern const struct ms_feature ms_feature_mig_model;
extern const struct ms_feature ms_feature_lapic;
extern const struct ms_feature ms_feature_inject_model;
extern const struct ms_feature ms_feature_inject_signal;
extern const struct ms_feature ms_feature_inject_kernel;

#endif
