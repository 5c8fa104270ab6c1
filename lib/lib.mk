# SPDX-License-Identifier: GPL-2.0
# lib/: user-space helpers shared by the migscope command and the tools.
LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(patsubst %.c,$(OUT)/%.o,$(LIB_SRCS))
# the part of lib/ the reference model needs (names and defect switches),
# compiled into the model's own builds (plain, sanitizer, fuzzer)
LIB_MODEL_SRCS := lib/xe_sriov_names.c lib/xe_defects.c

$(OUT)/libmigscope.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^
