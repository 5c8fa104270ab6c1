# migscope inject / fuzz: fault injection on the migration data path
BPF_OBJS += inject
MIGSCOPE_SRCS += $(sort $(wildcard src/inject/*.c))
