#!/bin/bash
# Demo fragment (scripts/demo.sh calls it): lapic-load arms real KVM VMs with
# periodic LAPIC timers, and migscope lapic watches them: a table per
# second, the lag histogram, and a Perfetto trace in .output/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.output
DEMO=$OUT/demo
mkdir -p "$DEMO"

if [ "$(id -u)" != 0 ]; then
	echo "demo-lapic loads BPF programs and uses /dev/kvm: run it as root" >&2
	exit 1
fi
if [ ! -c /dev/kvm ]; then
	echo "== migscope lapic: skipped, /dev/kvm is missing"
	exit 0
fi

echo "== migscope lapic: 4 VMs with 500 us periodic LAPIC timers (lapic-load)"
$OUT/lapic-load --vms 4 --period-us 500 --duration 5 >"$DEMO/lapic-load.out" 2>&1 &
load=$!
trap 'kill $load 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	grep -q '^armed ' "$DEMO/lapic-load.out" && break
	kill -0 $load 2>/dev/null || break
	sleep 0.1
done
if ! grep '^armed ' "$DEMO/lapic-load.out"; then
	echo "lapic-load did not arm: $(tail -n 1 "$DEMO/lapic-load.out")" >&2
	exit 1
fi
pid=$(sed -n 's/^armed .*pid=\([0-9]*\).*/\1/p' "$DEMO/lapic-load.out")

echo "-- every second: expiries/s, period, lag percentiles, late/clamped/replayed"
$OUT/migscope lapic -p "$pid" --duration 3 --perfetto "$DEMO/lapic.perfetto.json"
wait $load || true
trap - EXIT
echo "-- Perfetto trace (lag counter per vCPU, clamp/replay/alert instants):"
echo "   $DEMO/lapic.perfetto.json  (open in https://ui.perfetto.dev)"
