# migscope lapic: the KVM LAPIC periodic timer monitor
BPF_OBJS += lapic
MIGSCOPE_SRCS += $(sort $(wildcard src/lapic/*.c))
