# migscope top's per-unit view over every GT; units past the cap.
$(OUT)/tests/top/%.o: CFLAGS += -Itests/lib -Isrc/trace
$(OUT)/tests/top/%.o: tests/lib/check.h

$(OUT)/tests/test_top_gts: $(OUT)/tests/top/test_top_gts.o \
			   $(OUT)/src/trace/trace_agg.o \
			   $(OUT)/src/trace/trace_summary.o $(OUT)/libmigscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

TEST_BINS += $(OUT)/tests/test_top_gts
