# migscope inject / fuzz: fault injection on the migration data path (issue 7)
BPF_OBJS += inject
INJECT_SRCS := src/inject.c src/inject_session.c src/fuzz.c
INJECT_OBJS := $(patsubst %.c,$(OUT)/%.o,$(INJECT_SRCS))
MIGSCOPE_SRCS += $(INJECT_SRCS)

# migscope.mk may have expanded its prerequisites before this fragment
$(OUT)/migscope: $(INJECT_OBJS)
$(INJECT_OBJS): $(OUT)/inject.skel.h src/inject.h bpf/inject.h
