# SPDX-License-Identifier: GPL-2.0
# xe_twin.ko: the model as a kernel module, built against the headers of the
# twin tier's kernel (tests/vm/fetch-kernel.sh with MIGSCOPE_VM_HEADERS=1).
# `make twin` builds it; TWIN_KDIR overrides the kernel directory.
TWIN_DIR := $(CURDIR)/tools/xe-twin
TWIN_OUT := $(OUT)/twin
TWIN_SUITE := bookworm-backports
TWIN_KDIR ?= $(VM_CACHE_ROOT)/current-$(TWIN_SUITE)
TWIN_SRCS := $(filter-out tools/xe-model/xe_fault.c tools/xe-model/xe_signal.c,$(wildcard tools/xe-model/*.c)) \
	     $(LIB_MODEL_SRCS) $(wildcard $(TWIN_DIR)/*.c)
TWIN_HDRS := $(wildcard tools/xe-model/*.h tools/xe-twin/*.h \
	     tools/xe-twin/libc/*.h tools/xe-twin/libc/sys/*.h) \
	     $(wildcard include/*.h)

# Debian's per-flavour headers Makefile includes the common tree by its
# /usr/src path; reading the common Makefile directly works from the cache.
$(TWIN_OUT)/xe_twin.ko: $(TWIN_SRCS) $(TWIN_HDRS) $(TWIN_DIR)/Kbuild
	$(call msg,KMOD,$@)
	$(Q)test -d $(TWIN_KDIR)/build || { echo "twin: no kernel headers in $(TWIN_KDIR) (run tests/vm/test_vm_twin.sh, or MIGSCOPE_VM_SUITE=$(TWIN_SUITE) MIGSCOPE_VM_HEADERS=1 tests/vm/fetch-kernel.sh)" >&2; exit 1; }
	$(Q)mkdir -p $(TWIN_OUT)
	$(Q)ln -sf $(abspath $(TWIN_SRCS)) $(TWIN_OUT)/
	$(Q)ln -sf $(TWIN_DIR)/Kbuild $(TWIN_OUT)/Kbuild
	$(Q)build=$$(readlink -f $(TWIN_KDIR)/build); \
	$(MAKE) -s -C $$build -f $${build%-amd64}-common/Makefile \
		M=$(abspath $(TWIN_OUT)) TWIN_DIR=$(TWIN_DIR) modules

.PHONY: twin
twin: $(TWIN_OUT)/xe_twin.ko

# a migration traced in the kernel, through the twin, in a VM
.PHONY: twin-demo
twin-demo: all
	$(Q)scripts/twin-demo.sh
