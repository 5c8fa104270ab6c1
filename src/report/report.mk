# migscope report: merged source + destination, downtime breakdown
MIGSCOPE_SRCS += $(sort $(wildcard src/report/*.c))
