# migscope trace / top / record / report
BPF_OBJS += migtrace migtrace_model
TRACE_SRCS := $(sort $(wildcard src/trace/*.c))
MIGSCOPE_SRCS += $(TRACE_SRCS)
