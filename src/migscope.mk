# the migscope command
MIGSCOPE_VERSION := 0.1
MIGSCOPE_SRCS += src/migscope.c src/common.c src/json.c src/hist.c \
		 src/perfetto.c src/ladder.c src/ladders.c src/doctor.c \
		 src/doctor_usdt.c src/doctor_xe.c src/xe_sriov_names.c src/events.c \
		 lib/xe_btf.c
BPF_OBJS += probe

$(OUT)/src/migscope.o: CFLAGS += -DMIGSCOPE_VERSION='"$(MIGSCOPE_VERSION)"'

BINS += $(OUT)/migscope
# the link rule is in the Makefile, after every fragment added its sources
