# the kernel target's state diff through BPF_PROG_TEST_RUN
$(OUT)/tests/trace/state_diff.o: $(OUT)/migtrace.skel.h
$(OUT)/tests/trace/state_diff.o: CFLAGS += -I$(OUT)

$(OUT)/tests/state_diff: $(OUT)/tests/trace/state_diff.o $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/state_diff
