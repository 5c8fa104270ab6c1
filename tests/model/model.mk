# SPDX-License-Identifier: GPL-2.0
# Tests of the xe migration reference model.
MODEL_TEST_CFLAGS := -Itools/xe-model -Itests/lib -pthread

$(OUT)/tests/model/%.o: CFLAGS += $(MODEL_TEST_CFLAGS)
$(OUT)/tests/model/%.o: $(wildcard tools/xe-model/*.h) tests/lib/check.h

$(OUT)/tests/test_model: $(OUT)/tests/model/test_model.o $(OUT)/libxemodel.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_model
