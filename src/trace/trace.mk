# migscope trace / top / record / report
BPF_OBJS += migtrace
TRACE_SRCS := $(sort $(wildcard src/trace/*.c))
MIGSCOPE_SRCS += $(TRACE_SRCS)
