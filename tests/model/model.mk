# SPDX-License-Identifier: GPL-2.0
# Tests of the xe migration reference model.
MODEL_TEST_CFLAGS := -Itools/xe-model -Itests/lib -pthread

$(OUT)/tests/model/%.o: CFLAGS += $(MODEL_TEST_CFLAGS)
# test_model: the model's units; test_model_7x: upstream 7.2 behaviours
# and their 6.19 switches; test_model_wip: the WIP completion successive
# control operations share
MODEL_TESTS := test_model test_model_7x test_model_wip
MODEL_TEST_BINS := $(MODEL_TESTS:%=$(OUT)/tests/%)
# explicit targets: a pattern rule without a recipe would add nothing
MODEL_TEST_OBJS := $(MODEL_TESTS:%=$(OUT)/tests/model/%.o)
$(MODEL_TEST_OBJS): $(wildcard tools/xe-model/*.h) tests/lib/check.h \
		    tests/model/model_dev.h tests/model/model_quiesce.h

$(MODEL_TEST_BINS): $(OUT)/tests/%: $(OUT)/tests/model/%.o $(OUT)/libxemodel.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(MODEL_TEST_BINS)

# libFuzzer target on the restore stream parser, and an ASan/UBSan migsim.
# Both build from the model sources directly with their own flags.
SAN_SRCS := $(sort $(wildcard tools/xe-model/*.c)) $(LIB_MODEL_SRCS)
SAN_HDRS := $(wildcard tools/xe-model/*.h)
# recursive: XE_PROBE_CFLAGS comes from tools/xe-model/xe-model.mk, read later
SAN_CFLAGS = -g -O1 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	      -Iinclude -Ilib -Itools/xe-model -Itests/lib -pthread \
	      -fno-omit-frame-pointer $(XE_PROBE_CFLAGS)
SAN_LIBS := -lbpf -lelf -lz -lpthread

$(OUT)/fuzz/fuzz_restore: tests/model/fuzz_restore.c tests/model/model_quiesce.h \
			  $(SAN_SRCS) $(SAN_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(SAN_CFLAGS) -fsanitize=fuzzer,address,undefined \
		tests/model/fuzz_restore.c $(SAN_SRCS) -o $@ $(SAN_LIBS)

$(OUT)/asan/migsim: $(MIGSIM_SRCS) tools/migsim/migsim.h $(SAN_SRCS) $(SAN_HDRS)
	$(call msg,ASAN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(SAN_CFLAGS) -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined \
		$(MIGSIM_SRCS) $(SAN_SRCS) -o $@ $(SAN_LIBS)

TEST_ONLY_BINS += $(OUT)/fuzz/fuzz_restore $(OUT)/asan/migsim

# `make fuzz [FUZZ_TIME=seconds]`: a longer run, corpus kept in .output
FUZZ_TIME ?= 600
fuzz: $(OUT)/fuzz/fuzz_restore
	$(Q)mkdir -p $(OUT)/fuzz/corpus
	$(Q)$(OUT)/fuzz/fuzz_restore -max_total_time=$(FUZZ_TIME) \
		-timeout=10 -rss_limit_mb=2048 $(OUT)/fuzz/corpus
