#!/bin/sh
# make twin-demo: a migration traced inside a real kernel, through the
# reference model built as a kernel module (docs/twin.md).  Boots the twin
# tier's kernel (fetched or cached, with xe_twin.ko built for it) under qemu
# and shows what the guest printed.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VM=$ROOT/tests/vm
LOG=$ROOT/.output/test-logs
mkdir -p "$LOG"
echo "twin-demo: bookworm-backports' 6.12 kernel with xe_twin.ko, under qemu (a minute or two)"
rc=0
MIGSCOPE_VM_NAME=twin-demo MIGSCOPE_VM_SUITE=bookworm-backports \
	MIGSCOPE_VM_HEADERS=1 MIGSCOPE_VM_MODULES="${MIGSCOPE_VM_MODULES:-kvm kvm_amd}" \
	MIGSCOPE_VM_PREPARE=$VM/twin-prepare.sh \
	VM_GUEST_TESTS=$VM/twin-demo/test_demo.sh \
	"$VM/run-vm.sh" >"$LOG/twin-demo.out" 2>&1 || rc=1
sed -n 's/.*VMLOG demo: //p' "$LOG/twin-demo-console.log" 2>/dev/null || true
grep -E '^(not ok|skip) - ' "$LOG/twin-demo.out" || true
[ "$rc" -eq 0 ] || echo "twin-demo: failed, see $LOG/twin-demo.out" >&2
exit $rc
