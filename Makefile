# SPDX-License-Identifier: GPL-2.0
# migscope: build, test, demo.  `make V=1` shows every command.

OUT := .output
PREFIX ?= /usr/local
DESTDIR ?=
ARCH := x86

CC := gcc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Layers point one way: include/ (ABIs) <- lib/ (shared user-space helpers)
# <- src/<command>/ and tools/.  Each layer sees only the include paths of
# the layers below it (src/ adds its own dirs and the skeletons), and
# tests/test_layers.sh checks that no file reaches around them.
CFLAGS := -g -O2 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	  -Iinclude -Ilib
# One static binary that can be copied into a VM or onto a lab machine.
STATIC_LIBS := -static -lbpf -lelf -lz -lpthread
# Debian's multiarch include dir provides asm/ for usdt.bpf.h; the MS
# extensions keep anonymous tagged members of newer vmlinux.h correct.
BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) \
	      -I/usr/include/x86_64-linux-gnu -Ibpf -Ibpf/lib -Iinclude \
	      -fms-extensions -Wno-microsoft-anon-tag

# Fragments append to these.
BPF_OBJS :=		# concern names: bpf/<name>.bpf.c -> $(OUT)/<name>.skel.h
MIGSCOPE_SRCS :=	# src/*.c of the migscope command
BINS :=			# everything `make` builds and `make install` installs
TEST_BINS :=		# C test programs run by tests/run
TEST_ONLY_BINS :=	# sanitizer and fuzzer builds: `make test` only
CLEAN_EXTRA :=

.PHONY: all test demo bench vmtest install clean deps fuzz vmlinux
# a recipe that fails leaves no half-written target behind
.DELETE_ON_ERROR:
# keep BPF objects: tests and the VM tier load them directly
.SECONDARY:
all: deps-ok

include $(sort $(wildcard lib/*.mk src/*.mk src/*/*.mk tools/*/*.mk tests/*.mk tests/*/*.mk bench/*.mk))

all: $(BINS) $(TEST_BINS)

# Prerequisite lists expand when a rule is read: these come after every
# fragment has appended its sources and BPF objects.
MIGSCOPE_OBJS := $(patsubst %.c,$(OUT)/%.o,$(MIGSCOPE_SRCS))
BPF_SKELS := $(patsubst %,$(OUT)/%.skel.h,$(BPF_OBJS))
# any migscope object may include any skeleton
$(MIGSCOPE_OBJS): $(BPF_SKELS)
$(OUT)/migscope: $(MIGSCOPE_OBJS) $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

# --- dependencies (installed by the project, never by hand) ---------------
$(OUT)/.deps-ok: scripts/deps.sh
	$(Q)mkdir -p $(OUT)
	$(Q)scripts/deps.sh
	$(Q)touch $@
deps-ok: $(OUT)/.deps-ok
deps:
	$(Q)scripts/deps.sh
.PHONY: deps-ok

# --- BPF objects and skeletons --------------------------------------------
$(OUT)/%.bpf.o: bpf/%.bpf.c bpf/vmlinux.h $(wildcard bpf/*.h bpf/lib/*.h include/*.h) | $(OUT)/.deps-ok
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# vmlinux.h is checked in (see README): regenerate from this host's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf/vmlinux.h

# --- user space --------------------------------------------------------------
# src/ objects also see their own dirs and the BPF skeletons
$(OUT)/src/%.o: CFLAGS += -Isrc -Isrc/ladder -I$(OUT)
$(OUT)/%.o: %.c $(wildcard include/*.h lib/*.h src/*.h src/*/*.h) | $(OUT)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# --- tests, demo, bench, install ------------------------------------------
test: all $(TEST_ONLY_BINS)
	$(Q)tests/run

demo: all
	$(Q)scripts/demo.sh

bench: all
	$(Q)bench/run

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf $(OUT) $(CLEAN_EXTRA)

$(OUT):
	$(Q)mkdir -p $@
