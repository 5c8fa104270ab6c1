# the LAPIC classifier through BPF_PROG_TEST_RUN
$(OUT)/tests/lapic/lapic_classify.o: $(OUT)/lapic.skel.h
$(OUT)/tests/lapic/lapic_classify.o: CFLAGS += -I$(OUT)

$(OUT)/tests/lapic_classify: $(OUT)/tests/lapic/lapic_classify.o \
			     $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/lapic_classify
