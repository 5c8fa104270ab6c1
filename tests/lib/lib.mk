# Unit tests of lib/, and a libFuzzer target on the record-file reader.
$(OUT)/tests/lib/%.o: CFLAGS += -Itests/lib
$(OUT)/tests/lib/%.o: tests/lib/check.h

$(OUT)/tests/test_lib: $(OUT)/tests/lib/test_lib.o $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_lib

$(OUT)/tests/test_lib_outbuf: $(OUT)/tests/lib/test_lib_outbuf.o \
			      $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_lib_outbuf

# the reader and every renderer on untrusted bytes, built by `make test`
FUZZ_REC_SRCS := $(LIB_SRCS)
$(OUT)/fuzz/fuzz_record: tests/lib/fuzz_record.c $(FUZZ_REC_SRCS) \
			 $(wildcard include/*.h lib/*.h)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) -g -O1 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
		-Iinclude -Ilib -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined \
		tests/lib/fuzz_record.c $(FUZZ_REC_SRCS) -o $@ -lbpf -lelf -lz

TEST_ONLY_BINS += $(OUT)/fuzz/fuzz_record

$(OUT)/tests/test_usdt: $(OUT)/tests/lib/test_usdt.o $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_usdt

$(OUT)/tests/test_vm_name: $(OUT)/tests/lib/test_vm_name.o $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_vm_name
