#!/bin/sh
# The VM test tier: fetch (or reuse) the current Debian unstable kernel, build
# an initramfs with busybox, the static binaries of .output/ and the guest
# tests, boot it once under qemu TCG, and turn the guest's result lines into
# ours:  ok|not ok|skip - vm:<test>/<check>[: reason]
# Exit status: 0 when nothing failed (a skipped tier included), 1 otherwise.
#
# Environment:
#   MIGSCOPE_VM_TIMEOUT   seconds for the whole boot (default 240)
#   MIGSCOPE_VM_APPEND    extra kernel arguments (e.g. loglevel=7 to debug)
#   MIGSCOPE_VM_KEEP=1    keep the initramfs in .output/vm/ after the run
#   MIGSCOPE_VM_NAME      the prefix of result lines and log names (default vm)
#   MIGSCOPE_VM_PREPARE   a host program run once the kernel is ready, with
#                         the kernel directory and an empty directory as
#                         arguments: what it leaves in that directory goes
#                         beside the guest tests (a module built for that
#                         kernel, ...); if it fails, so does the tier
#   MIGSCOPE_VM_DRIVER    a host program run beside qemu, with qemu's pid and
#                         the raw console file as arguments (e.g. to pause
#                         the guest when it asks); its ok/not ok/skip lines
#                         count like the guest's, anything else it prints is
#                         shown
#   and those of fetch-kernel.sh and mkinitramfs.sh.
# Logs: .output/test-logs/<name>-console.log (the guest's serial console),
#       .output/test-logs/<name>-fetch.log.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/.output
LOGDIR=$OUT/test-logs
mkdir -p "$LOGDIR" "$OUT/vm"
VM_TIMEOUT=${MIGSCOPE_VM_TIMEOUT:-240}
NAME=${MIGSCOPE_VM_NAME:-vm}
DRIVER=${MIGSCOPE_VM_DRIVER:-}
T0=$(date +%s.%N)
since() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# --- 1. kernel ------------------------------------------------------------
FETCH_LOG=$LOGDIR/$NAME-fetch.log
rc=0
kout=$("$HERE/fetch-kernel.sh" 2>"$FETCH_LOG") || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "skip - $NAME: $(sed -n 's/^fetch-kernel: SKIP: //p' "$FETCH_LOG" | tail -n 1)"
	exit 0
elif [ "$rc" -ne 0 ]; then
	cat "$FETCH_LOG"
	echo "not ok - $NAME:fetch: $(grep -v '^[[:space:]]*$' "$FETCH_LOG" | tail -n 1)"
	exit 1
fi
cat "$FETCH_LOG"
KDIR=$(printf '%s\n' "$kout" | sed -n 's/^KDIR=//p' | tail -n 1)
KVER=$(cat "$KDIR/kver")
echo "$NAME: kernel $KVER ready after $(since) s"

# --- 2. initramfs ----------------------------------------------------------
WORK=$(mktemp -d "$OUT/vm/run.XXXXXX")
[ "${MIGSCOPE_VM_KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
if [ -n "${MIGSCOPE_VM_PREPARE:-}" ]; then
	mkdir "$WORK/prepared"
	if ! "$MIGSCOPE_VM_PREPARE" "$KDIR" "$WORK/prepared" >"$WORK/prepare.log" 2>&1; then
		cat "$WORK/prepare.log"
		echo "not ok - $NAME:prepare: $(grep -v '^[[:space:]]*$' "$WORK/prepare.log" | tail -n 1)"
		exit 1
	fi
	VM_EXTRA_TESTS="${VM_EXTRA_TESTS:-} $WORK/prepared"
	export VM_EXTRA_TESTS
fi
if ! "$HERE/mkinitramfs.sh" "$KDIR" "$WORK/initramfs.cpio"; then
	echo "not ok - $NAME:initramfs: building the initramfs failed"
	exit 1
fi
echo "$NAME: initramfs $(du -m "$WORK/initramfs.cpio" | cut -f1) MiB ready after $(since) s"

# --- 3. boot ------------------------------------------------------------------
RAW=$WORK/console.raw
CONSOLE=$WORK/console.log	# this run's; copied to $LOGDIR (runs may overlap)
T1=$(date +%s.%N)
qrc=0
: >"$RAW"
timeout --kill-after=5 "$VM_TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=single -machine q35 -cpu qemu64,+svm,+npt -m 2G -smp 2 \
	-nographic -no-reboot -nic none -pidfile "$WORK/qemu.pid" \
	-kernel "$KDIR/vmlinuz" -initrd "$WORK/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 oops=panic quiet ${MIGSCOPE_VM_APPEND:-}" \
	</dev/null >"$RAW" 2>&1 &
QEMU=$!
: >"$WORK/driver.out"
if [ -n "$DRIVER" ]; then
	i=0
	while [ ! -s "$WORK/qemu.pid" ] && kill -0 "$QEMU" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$DRIVER" "$(cat "$WORK/qemu.pid" 2>/dev/null)" "$RAW" >"$WORK/driver.out" 2>&1 ||
		echo "not ok - $NAME:driver: $DRIVER exited $?" >>"$WORK/driver.out"
fi
wait "$QEMU" || qrc=$?
BOOT_S=$(awk -v a="$T1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# Serial lines end in CR LF; drop the CRs and the firmware's escape codes.
tr -d '\r' <"$RAW" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' >"$CONSOLE"
cp "$CONSOLE" "$LOGDIR/$NAME-console.log.$$"
mv "$LOGDIR/$NAME-console.log.$$" "$LOGDIR/$NAME-console.log"
echo "$NAME: qemu exited $qrc after ${BOOT_S} s (console: $LOGDIR/$NAME-console.log)"

# --- 4. results ---------------------------------------------------------------
# A kernel message can land in front of ours on the same line: match anywhere.
sed -nE 's/.*VMRESULT (ok|not ok|skip) - /\1 - '"$NAME"':/p' "$CONSOLE" >"$WORK/results"
grep -E '^(ok|not ok|skip) - ' "$WORK/driver.out" >>"$WORK/results" || true
grep -vE '^(ok|not ok|skip) - ' "$WORK/driver.out" || true
cat "$WORK/results"

failed=0
grep -q '^not ok - ' "$WORK/results" && failed=1

# The output of each guest test that failed, for the log tests/run shows.
for t in $(sed -nE 's/^not ok - '"$NAME"':([^/:]*).*/\1/p' "$WORK/results" | sort -u); do
	echo "--- guest output of $t:"
	sed -n "s/.*VMLOG $t: /    /p" "$CONSOLE"
done

done_line=$(grep -E 'VMDONE [0-9]+' "$CONSOLE" | tail -n 1 || true)
if [ -n "$done_line" ]; then
	ntests=$(echo "$done_line" | sed -nE 's/.*VMDONE ([0-9]+).*/\1/p')
	uptime=$(echo "$done_line" | sed -nE 's/.*uptime=([0-9.]+).*/\1/p')
	if [ "$ntests" -eq 0 ]; then
		echo "not ok - $NAME:boot: the guest ran no test (no tests/vm/guest/test_*.sh?)"
		failed=1
	else
		echo "ok - $NAME:boot: $KVER, $ntests guest tests, guest uptime ${uptime} s, qemu ${BOOT_S} s, tier $(since) s"
	fi
else
	failed=1
	running=$(sed -nE 's/.*VMINFO start=([^ ]*).*/\1/p' "$CONSOLE" | tail -n 1)
	running=${running:+ while guest test $running was running}
	first=$(grep -n -m 1 -E 'Kernel panic|BUG:|Oops:|general protection|WARNING:' "$CONSOLE" | cut -d: -f1)
	panic=$(grep -m 1 -E 'Kernel panic' "$CONSOLE" | sed 's/^\[[ 0-9.]*\] //' || true)
	if [ -n "$panic" ]; then
		why="guest kernel panic$running: $panic"
	elif [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		why="no VMDONE within ${VM_TIMEOUT} s, qemu killed$running"
	else
		why="the guest stopped without VMDONE (qemu exit $qrc)$running"
	fi
	if [ -n "$first" ]; then
		echo "--- console from the first kernel error (line $first):"
		tail -n +$((first > 5 ? first - 5 : 1)) "$CONSOLE" | head -n 60 | sed 's/^/    /'
	else
		echo "--- last console lines:"
		tail -n 40 "$CONSOLE" | sed 's/^/    /'
	fi
	echo "not ok - $NAME:boot: $why"
fi
exit "$failed"
