# SPDX-License-Identifier: GPL-2.0
# migsim: VMM-like driver of the xe migration reference model (or of its
# kernel twin, through debugfs).
MIGSIM_SRCS := $(sort $(wildcard tools/migsim/*.c))
MIGSIM_OBJS := $(patsubst %.c,$(OUT)/%.o,$(MIGSIM_SRCS))
MIGSIM_CFLAGS := -Itools/xe-model -pthread

$(MIGSIM_OBJS): CFLAGS += $(MIGSIM_CFLAGS)
$(MIGSIM_OBJS): $(wildcard tools/xe-model/*.h tools/migsim/*.h)

$(OUT)/migsim: $(MIGSIM_OBJS) $(OUT)/libxemodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

BINS += $(OUT)/migsim
