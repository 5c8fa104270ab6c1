#!/bin/sh
# The twin tier's MIGSCOPE_VM_PREPARE (tests/vm/run-vm.sh): build xe_twin.ko
# against the kernel run-vm.sh is about to boot, and put beside the guest
# tests what they need: the module, and the number of programs each kernel
# tracing rung attaches (a tracer is ready when it holds that many links).
# Usage: tests/vm/twin-prepare.sh KDIR DIR
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KDIR=$1
DIR=$2
make -C "$ROOT" --no-print-directory twin TWIN_KDIR="$KDIR"
cp "$ROOT/.output/twin/xe_twin.ko" "$DIR/"
# the guest waits for this many links: 0 would let it start untraced
for hook in fentry:fexit kprobe:kretprobe; do
	n=$(readelf -SW "$ROOT/.output/migtrace.bpf.o" |
		grep -cE " (${hook%:*}|${hook#*:})/") || true
	if [ "${n:-0}" -eq 0 ]; then
		echo "twin-prepare: no ${hook%:*} programs in migtrace.bpf.o" >&2
		exit 1
	fi
	echo "${hook%:*} $n"
done >"$DIR/twin-progs"
echo "xe_twin.ko built against $(cat "$KDIR/kver")"
