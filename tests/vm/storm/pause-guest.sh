#!/bin/bash
# Host half of the storm tier, run by run-vm.sh beside qemu
# (MIGSCOPE_VM_DRIVER): each time the guest writes "VMSTORM armed <rung>" on
# its console, stop qemu with SIGSTOP for STORM_PAUSE_MS and continue it.
# Under TCG the guest clock follows the host's, so the guest's timers come
# back that much late.  Prints "STORM pause rung=<rung> host_s=<measured>"
# per pause (bash: kill and $EPOCHREALTIME are builtins, so the measured
# interval is the one qemu was stopped, to a few microseconds).
# Usage: pause-guest.sh QEMU_PID RAW_CONSOLE
set -u
pid=$1
raw=$2
pause_s=$(awk -v m="${STORM_PAUSE_MS:?}" 'BEGIN { printf "%.3f", m / 1000 }')
limit=$((SECONDS + ${STORM_DRIVER_TIMEOUT:-400}))
# whatever happens, qemu is never left stopped
trap 'kill -CONT "$pid" 2>/dev/null' EXIT

if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
	echo "not ok - storm-pause: no qemu process to pause"
	exit 1
fi
paused=0
while kill -0 "$pid" 2>/dev/null; do
	mapfile -t asks < <(tr -d '\r' <"$raw" | grep -o 'VMSTORM [a-z]* *[a-z_]*')
	for ask in "${asks[@]:paused}"; do
		paused=$((paused + 1))
		# shellcheck disable=SC2086 # "armed <rung>": two words
		set -- $ask
		[ "$2" = armed ] || continue
		kill -STOP "$pid"
		t0=$EPOCHREALTIME
		sleep "$pause_s"
		t1=$EPOCHREALTIME
		kill -CONT "$pid"
		echo "STORM pause rung=$3 host_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')"
	done
	if [ $SECONDS -ge $limit ]; then
		echo "not ok - storm-pause: the guest did not finish within ${STORM_DRIVER_TIMEOUT:-400} s"
		exit 1
	fi
	sleep 0.05
done
exit 0
