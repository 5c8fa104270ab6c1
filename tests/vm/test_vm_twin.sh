#!/bin/sh
# The kernel twin tier (docs/twin.md): bookworm-backports' 6.12 kernel, whose
# headers the host toolchain builds modules for, boots with xe_twin.ko (the
# reference model built as a kernel module) and runs tests/vm/twin/test_*.sh:
# migsim migrates a VF through the twin's debugfs while migscope traces the
# kernel with fentry and with kprobes.  Results are prefixed vm-twin:.
#
# Environment: those of fetch-kernel.sh (MIGSCOPE_VM_KERNEL pins a 6.12.x)
# and run-vm.sh.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LOGDIR=$ROOT/.output/test-logs
mkdir -p "$LOGDIR"
TIER=vm-twin

# --- the kernel and its headers -------------------------------------------
FETCH_LOG=$LOGDIR/$TIER-fetch.log
rc=0
kout=$(MIGSCOPE_VM_SUITE=bookworm-backports MIGSCOPE_VM_HEADERS=1 \
	MIGSCOPE_VM_MODULES="${MIGSCOPE_VM_MODULES:-kvm kvm_amd}" \
	"$HERE/fetch-kernel.sh" 2>"$FETCH_LOG") || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "skip - $TIER: $(sed -n 's/^fetch-kernel: SKIP: //p' "$FETCH_LOG" | tail -n 1)"
	exit 0
elif [ "$rc" -ne 0 ]; then
	cat "$FETCH_LOG"
	echo "not ok - $TIER:fetch: $(grep -v '^[[:space:]]*$' "$FETCH_LOG" | tail -n 1)"
	exit 1
fi
KDIR=$(printf '%s\n' "$kout" | sed -n 's/^KDIR=//p' | tail -n 1)

# --- the module --------------------------------------------------------------
BUILD_LOG=$LOGDIR/$TIER-build.log
if ! make -C "$ROOT" --no-print-directory twin TWIN_KDIR="$KDIR" \
	>"$BUILD_LOG" 2>&1; then
	cat "$BUILD_LOG"
	echo "not ok - $TIER:build: xe_twin.ko did not build against $(cat "$KDIR/kver"): $(grep -m 1 -E 'error|Error' "$BUILD_LOG" || tail -n 1 "$BUILD_LOG")"
	exit 1
fi
echo "ok - $TIER:build: xe_twin.ko against $(cat "$KDIR/kver")"

# --- boot -----------------------------------------------------------------------
STAGE=$(mktemp -d "$ROOT/.output/vm/twin.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp "$ROOT/.output/twin/xe_twin.ko" "$HERE/guest/lib.sh" "$STAGE/"
# the programs each rung attaches: the kernel tracer is ready when it holds
# that many links
for hook in fentry:fexit kprobe:kretprobe; do
	echo "${hook%:*} $(readelf -SW "$ROOT/.output/migtrace.bpf.o" |
		grep -cE " (${hook%:*}|${hook#*:})/")"
done >"$STAGE/twin-progs"
rc=0
MIGSCOPE_VM_KDIR=$KDIR VM_TIER=$TIER VM_GUEST_DIR=$HERE/twin VM_MODULES= \
	VM_EXTRA_TESTS=$STAGE VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-600} \
	MIGSCOPE_VM_TIMEOUT=${MIGSCOPE_VM_TIMEOUT:-900} "$HERE/run-vm.sh" || rc=1

# --- what the guest traced, checked here (the guest has no JSON tools) ------
CHECKS=$LOGDIR/$TIER-checks.log
python3 "$HERE/twin_check.py" "$LOGDIR/$TIER-console.log" \
	"$ROOT/.output/migscope" >"$CHECKS" 2>&1 || rc=1
sed "s/^\(ok\|not ok\|skip\) - /\1 - $TIER:check\//" "$CHECKS"
exit $rc
