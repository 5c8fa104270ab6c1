# SPDX-License-Identifier: GPL-2.0
# The xe PF migration reference model, as a static library.
XE_MODEL_SRCS := $(sort $(wildcard tools/xe-model/*.c)) $(LIB_MODEL_SRCS)
XE_MODEL_OBJS := $(patsubst %.c,$(OUT)/%.o,$(XE_MODEL_SRCS))
XE_MODEL_HDRS := $(wildcard tools/xe-model/*.h)
XE_MODEL_CFLAGS := -Itools/xe-model -pthread

$(XE_MODEL_OBJS): CFLAGS += $(XE_MODEL_CFLAGS)
$(XE_MODEL_OBJS): $(XE_MODEL_HDRS)

$(OUT)/libxemodel.a: $(XE_MODEL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

all: $(OUT)/libxemodel.a
