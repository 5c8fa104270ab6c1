#!/bin/sh
# make twin-demo: a migration traced inside a real kernel, through the
# reference model built as a kernel module (docs/twin.md).  Fetches (or
# reuses) bookworm-backports' 6.12 kernel and headers, builds xe_twin.ko,
# boots it under qemu and shows what the guest printed.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VM=$ROOT/tests/vm
OUT=$ROOT/.output
mkdir -p "$OUT/vm" "$OUT/test-logs"

rc=0
kout=$(MIGSCOPE_VM_SUITE=bookworm-backports MIGSCOPE_VM_HEADERS=1 \
	MIGSCOPE_VM_MODULES="${MIGSCOPE_VM_MODULES:-kvm kvm_amd}" \
	"$VM/fetch-kernel.sh" 2>"$OUT/test-logs/twin-demo-fetch.log") || rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 1 "$OUT/test-logs/twin-demo-fetch.log" >&2
	echo "twin-demo: no kernel to boot (see $OUT/test-logs/twin-demo-fetch.log)" >&2
	exit 1
fi
KDIR=$(printf '%s\n' "$kout" | sed -n 's/^KDIR=//p' | tail -n 1)
make -C "$ROOT" --no-print-directory twin TWIN_KDIR="$KDIR"

STAGE=$(mktemp -d "$OUT/vm/twin-demo.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp "$OUT/twin/xe_twin.ko" "$VM/guest/lib.sh" "$STAGE/"
echo "fentry $(readelf -SW "$OUT/migtrace.bpf.o" | grep -cE ' (fentry|fexit)/')" \
	>"$STAGE/twin-progs"
echo "twin-demo: booting $(cat "$KDIR/kver") under qemu (about a minute)"
vrc=0
MIGSCOPE_VM_KDIR=$KDIR VM_TIER=twin-demo VM_GUEST_DIR=$VM/twin-demo \
	VM_MODULES= VM_EXTRA_TESTS=$STAGE "$VM/run-vm.sh" >"$STAGE/results" || vrc=1
sed -n 's/.*VMLOG demo: //p' "$OUT/test-logs/twin-demo-console.log"
grep -v '^ok - ' "$STAGE/results" || true
exit $vrc
