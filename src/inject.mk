# migscope inject / fuzz: fault injection on the migration data path (issue 7)
BPF_OBJS += inject
INJECT_SRCS := src/inject.c src/inject_session.c src/fuzz.c
# fuzz checks --defect against the model's own list of defect names
MIGSCOPE_SRCS += $(INJECT_SRCS) tools/xe-model/xe_defects.c
