# SPDX-License-Identifier: GPL-2.0
# migsim: VMM-like driver of the xe migration reference model.
MIGSIM_CFLAGS := -Itools/xe-model -pthread

$(OUT)/tools/migsim/migsim.o: CFLAGS += $(MIGSIM_CFLAGS)
$(OUT)/tools/migsim/migsim.o: $(wildcard tools/xe-model/*.h)

$(OUT)/migsim: $(OUT)/tools/migsim/migsim.o $(OUT)/libxemodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

BINS += $(OUT)/migsim

# The AddressSanitizer build, for the model defects that are memory errors
# (fuzz picks it for them).  Not part of `make`: `make migsim-asan`, which
# the fuzz tests and scripts/fuzz-campaign.sh run.  ASan needs dynamic
# linking.
MIGSIM_ASAN_SRCS = $(wildcard tools/migsim/*.c) $(XE_MODEL_SRCS)
$(OUT)/migsim-asan: $(wildcard tools/migsim/*.c tools/xe-model/*.[ch] include/*.h) src/xe_sriov_names.c
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(MIGSIM_CFLAGS) -O1 -fsanitize=address \
		-fno-omit-frame-pointer $(MIGSIM_ASAN_SRCS) -o $@ \
		-lbpf -lelf -lz -lpthread
migsim-asan: $(OUT)/migsim-asan
.PHONY: migsim-asan
CLEAN_EXTRA += $(OUT)/migsim-asan
