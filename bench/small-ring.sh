#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a migscope whose migtrace ring buffer is 16 KiB instead of 4 MiB,
# into DIR, for the drop-accounting check of `make bench` (migscope has no
# option to size the ring at run time).  Same sources and flags as the
# Makefile's; only MS_RINGBUF_BYTES differs.
#   bench/small-ring.sh DIR
set -eu

mkdir -p "$1"
dir=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
RING=${BENCH_SMALL_RING:-16384}
mkdir -p "$dir/obj"

vars=$(make -s --no-print-directory -f Makefile -f - bench-print-vars <<'MK'
bench-print-vars: ; @echo "SRCS='$(MIGSCOPE_SRCS)'"; echo "CFLAGS='$(CFLAGS)'"; echo "BPF_CFLAGS='$(BPF_CFLAGS)'"; echo "LIBS='$(STATIC_LIBS)'"; echo "VERSION='$(MIGSCOPE_VERSION)'"
MK
)
eval "$vars"

clang $BPF_CFLAGS -DMS_RINGBUF_BYTES=$RING -c bpf/migtrace.bpf.c -o "$dir/migtrace.bpf.o"
llvm-strip -g "$dir/migtrace.bpf.o"
bpftool gen skeleton "$dir/migtrace.bpf.o" name migtrace_bpf > "$dir/migtrace.skel.h"

# the small skeleton is found first; every other header as in the Makefile
# (migscope.o's target-specific version define, as src/migscope.mk sets it)
CFLAGS="$CFLAGS -DMIGSCOPE_VERSION=\"$VERSION-ring$RING\""
export dir CFLAGS
printf '%s\n' $SRCS | xargs -P "$(nproc)" -I{} sh -c \
	'o="$dir/obj/$(basename {} .c).o"; gcc -I"$dir" $CFLAGS -c {} -o "$o"'
gcc $CFLAGS "$dir"/obj/*.o -o "$dir/migscope" $LIBS
echo "small-ring migscope: $dir/migscope (ring $RING bytes)"
