# the migscope command
MIGSCOPE_VERSION := 0.1
MIGSCOPE_SRCS += src/migscope.c src/ladder/ladder.c src/ladder/ladders.c src/ladder/rung.c \
		 src/ladder/doctor_usdt.c src/doctor/doctor.c \
		 src/doctor/doctor_xe.c
BPF_OBJS += probe

$(OUT)/src/migscope.o: CFLAGS += -DMIGSCOPE_VERSION='"$(MIGSCOPE_VERSION)"'

BINS += $(OUT)/migscope
# the link rule is in the Makefile, after every fragment added its sources
