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
for hook in fentry:fexit kprobe:kretprobe; do
	echo "${hook%:*} $(readelf -SW "$ROOT/.output/migtrace.bpf.o" |
		grep -cE " (${hook%:*}|${hook#*:})/")"
done >"$DIR/twin-progs"
echo "xe_twin.ko built against $(cat "$KDIR/kver")"
