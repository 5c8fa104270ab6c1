# SPDX-License-Identifier: GPL-2.0
# migsim: VMM-like driver of the xe migration reference model.
MIGSIM_CFLAGS := -Itools/xe-model -pthread

$(OUT)/tools/migsim/migsim.o: CFLAGS += $(MIGSIM_CFLAGS)
$(OUT)/tools/migsim/migsim.o: $(wildcard tools/xe-model/*.h)

$(OUT)/migsim: $(OUT)/tools/migsim/migsim.o $(OUT)/libxemodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

BINS += $(OUT)/migsim
