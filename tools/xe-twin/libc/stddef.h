/* SPDX-License-Identifier: GPL-2.0 */
/* kernel build of the model: see xe_twin_compat.h */
#include "xe_twin_compat.h"
