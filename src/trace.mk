# migscope trace / top / record / report (issue 5)
BPF_OBJS += migtrace
TRACE_SRCS := src/trace.c src/trace_attach.c src/trace_agg.c \
	      src/trace_out.c src/trace_perfetto.c src/trace_record.c \
	      src/trace_top.c
TRACE_OBJS := $(patsubst %.c,$(OUT)/%.o,$(TRACE_SRCS))
MIGSCOPE_SRCS += $(TRACE_SRCS)

# migscope.mk expands its prerequisite lists when it is read, which may be
# before this fragment: add ours explicitly (the link recipe uses $^).
$(OUT)/migscope: $(TRACE_OBJS)
$(TRACE_OBJS): $(OUT)/migtrace.skel.h
