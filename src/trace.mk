# migscope trace / top / record / report (issue 5)
BPF_OBJS += migtrace
TRACE_SRCS := src/trace.c src/trace_attach.c src/trace_agg.c \
	      src/trace_out.c src/trace_perfetto.c src/trace_record.c \
	      src/trace_top.c src/trace_kernel.c
MIGSCOPE_SRCS += $(TRACE_SRCS)
