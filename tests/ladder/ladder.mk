# The attach ladder's rung -> programs table against the real BPF objects.
LADDER_TEST_OBJS := $(OUT)/src/ladder/ladder.o $(OUT)/src/ladder/ladders.o \
		    $(OUT)/src/ladder/rung.o $(OUT)/src/ladder/doctor_usdt.o

$(OUT)/tests/ladder/test_rungs.o: CFLAGS += -I$(OUT) -Isrc/ladder
$(OUT)/tests/ladder/test_rungs.o: $(OUT)/migtrace.skel.h $(OUT)/migtrace_model.skel.h $(OUT)/lapic.skel.h \
				  $(OUT)/inject.skel.h $(OUT)/probe.skel.h

$(OUT)/tests/test_rungs: $(OUT)/tests/ladder/test_rungs.o $(LADDER_TEST_OBJS) \
			 $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_rungs
