# SPDX-License-Identifier: GPL-2.0
# The xe PF migration reference model, as a static library.
XE_MODEL_SRCS := $(sort $(wildcard tools/xe-model/*.c)) $(LIB_MODEL_SRCS)
XE_MODEL_OBJS := $(patsubst %.c,$(OUT)/%.o,$(XE_MODEL_SRCS))
XE_MODEL_HDRS := $(wildcard tools/xe-model/*.h)
# The probe sites are 5-byte NOPs that a 6.18+ kernel rewrites into a call
# to its uprobe trampoline once traced (see xe_usdt.h).  That call pushes a
# return address below the stack pointer, so code holding probes must not
# keep data in the x86-64 red zone there.
XE_PROBE_CFLAGS := -mno-red-zone
XE_MODEL_CFLAGS := -Itools/xe-model -pthread $(XE_PROBE_CFLAGS)

$(XE_MODEL_OBJS): CFLAGS += $(XE_MODEL_CFLAGS)
$(XE_MODEL_OBJS): $(XE_MODEL_HDRS)

$(OUT)/libxemodel.a: $(XE_MODEL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

all: $(OUT)/libxemodel.a
