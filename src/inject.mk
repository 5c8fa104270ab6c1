# migscope inject / fuzz: fault injection on the migration data path (issue 7)
BPF_OBJS += inject
INJECT_SRCS := src/inject.c src/inject_session.c src/fuzz.c
MIGSCOPE_SRCS += $(INJECT_SRCS)
