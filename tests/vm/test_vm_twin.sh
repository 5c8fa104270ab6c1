#!/bin/sh
# The kernel twin tier (docs/twin.md): bookworm-backports' 6.12 kernel, whose
# headers the host toolchain builds modules for, boots with xe_twin.ko (the
# reference model built as a kernel module, tests/vm/twin-prepare.sh) and
# runs tests/vm/twin/test_*.sh: migsim migrates VFs through the twin's
# debugfs while migscope traces the kernel with fentry and with kprobes, and
# injects at the file boundary.  The guest prints its JSON on the console;
# tests/vm/twin_check.py checks it here.  Results are prefixed vm-twin:.
#
# Environment: those of fetch-kernel.sh (MIGSCOPE_VM_KERNEL pins a 6.12.x)
# and run-vm.sh.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NAME=vm-twin
LOGDIR=$ROOT/.output/test-logs

rc=0
# never check an earlier run's console
rm -f "$LOGDIR/$NAME-console.log"
MIGSCOPE_VM_NAME=$NAME MIGSCOPE_VM_SUITE=bookworm-backports \
	MIGSCOPE_VM_HEADERS=1 MIGSCOPE_VM_MODULES="${MIGSCOPE_VM_MODULES:-kvm kvm_amd}" \
	MIGSCOPE_VM_PREPARE=$HERE/twin-prepare.sh \
	VM_GUEST_TESTS="$(echo "$HERE"/twin/test_*.sh)" \
	VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-600} \
	MIGSCOPE_VM_TIMEOUT=${MIGSCOPE_VM_TIMEOUT:-900} \
	"$HERE/run-vm.sh" >"$LOGDIR/$NAME.out" 2>&1 || rc=1
cat "$LOGDIR/$NAME.out"
# a skipped tier (no mirror, nothing cached) has nothing to check
grep -q "^skip - $NAME: " "$LOGDIR/$NAME.out" && exit 0

# --- what the guest traced, checked here (the guest has no JSON tools) ------
CHECKS=$LOGDIR/$NAME-checks.log
python3 "$HERE/twin_check.py" "$LOGDIR/$NAME-console.log" \
	"$ROOT/.output/migscope" >"$CHECKS" 2>&1 || rc=1
sed "s/^\(ok\|not ok\|skip\) - /\1 - $NAME:check\//" "$CHECKS"
exit $rc
