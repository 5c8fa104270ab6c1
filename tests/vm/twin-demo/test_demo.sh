#!/bin/sh
# make twin-demo, in the guest: migscope finds the twin by BTF, then traces
# one migration through it in the kernel (docs/twin.md).
set -u
. "${0%/*}/lib.sh"


insmod "${0%/*}/xe_twin.ko" vram_size=16777216 vram_chunk=4194304 \
	guc_size=65536 || { fail insmod "xe_twin.ko did not load"; exit 1; }
echo "=== migscope doctor --xe (the module that holds the xe functions)"
migscope doctor --xe 2>&1 | grep -vE '^(state|type|function|field|constant) '
echo
echo "=== migscope trace --target kernel, while migsim migrates VF1 of PF 0 to PF 1"
migscope trace --target kernel --hook fentry -o /tmp/trace.txt 2>/tmp/trace.err &
tracer=$!
wait_links $tracer "$(sed -n 's/^fentry //p' "${0%/*}/twin-progs")" ||
	{ cat /tmp/trace.err; fail trace "the tracer did not attach"; exit 1; }
migsim migrate --twin
kill -INT $tracer
wait $tracer
cat /tmp/trace.err /tmp/trace.txt
echo
echo "=== the source and destination VFs now ($TWIN/{0,1}/sriov/vf1/twin_state)"
cat $TWIN/0/sriov/vf1/twin_state $TWIN/1/sriov/vf1/twin_state
pass demo
