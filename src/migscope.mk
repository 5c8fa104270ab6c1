# the migscope command
MIGSCOPE_VERSION := 0.1
MIGSCOPE_SRCS += src/migscope.c src/common.c src/json.c src/hist.c \
		 src/perfetto.c src/ladder.c src/ladders.c src/doctor.c \
		 src/doctor_usdt.c src/xe_sriov_names.c src/events.c
BPF_OBJS += probe

MIGSCOPE_OBJS = $(patsubst %.c,$(OUT)/%.o,$(MIGSCOPE_SRCS))
BPF_SKELS = $(patsubst %,$(OUT)/%.skel.h,$(BPF_OBJS))

# every migscope object may include a skeleton
$(MIGSCOPE_OBJS): $(BPF_SKELS)
$(OUT)/src/migscope.o: CFLAGS += -DMIGSCOPE_VERSION='"$(MIGSCOPE_VERSION)"'

$(OUT)/migscope: $(MIGSCOPE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(STATIC_LIBS)

BINS += $(OUT)/migscope
