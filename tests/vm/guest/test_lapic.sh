#!/bin/sh
# migscope lapic on the VM kernel (kvm_amd under nested TCG), where the
# precise rungs exist: fentry/fexit and kprobe/kretprobe on
# advance_periodic_target_expiration (and tp_btf with the 7.x prototype).
# Each rung must attach and count a lapic-load timer of 1 ms within +-10%
# of 1000 expiries/s.
set -u
. "${0%/*}/lib.sh"

need_lapic_tools || { guest_exit; exit; }

MEASURE=3
LOADPID=
trap '[ -n "$LOADPID" ] && kill "$LOADPID" 2>/dev/null' EXIT

start_load() {
	# no armed line left from the previous run may be mistaken for this one
	rm -f /tmp/lapic-load.out
	lapic-load --vms 1 --period-us 1000 --duration 60 >/tmp/lapic-load.out 2>&1 &
	LOADPID=$!
	i=0
	while ! grep -q '^armed ' /tmp/lapic-load.out; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$LOADPID" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}

stop_load() {
	kill "$LOADPID" 2>/dev/null
	wait "$LOADPID" 2>/dev/null
	LOADPID=
}

# field NAME FILE: the first numeric value of "NAME": in the summary line
field() {
	grep '"type":"summary"' "$2" | grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2
}

rung() {
	r=$1
	if ! start_load; then
		fail "$r-load" "lapic-load did not arm: $(tail -n 1 /tmp/lapic-load.out)"
		stop_load
		return
	fi
	pid=$(sed -n 's/^armed .*pid=\([0-9]*\).*/\1/p' /tmp/lapic-load.out)
	[ -n "$pid" ] || pid=$LOADPID
	out=/tmp/lapic-$r.json
	if ! migscope lapic -p "$pid" --rung "$r" --duration $MEASURE --json \
		>"$out" 2>/tmp/lapic-$r.err; then
		sed "s/^/  [$r] /" /tmp/lapic-$r.err
		fail "$r-attach" "$(why_line "$(cat /tmp/lapic-$r.err)")"
		stop_load
		return
	fi
	stop_load
	pass "$r-attach" "$(head -n 1 /tmp/lapic-$r.err)"
	dur=$(field duration_s "$out")
	exp=$(grep '"type":"summary"' "$out" | grep -o '"period_ns":[0-9]*,"expiries":[0-9]*' |
		head -n 1 | sed 's/.*"expiries"://')
	period=$(grep '"type":"summary"' "$out" | grep -o '"period_ns":[0-9]*' | head -n 1 | cut -d: -f2)
	replays=$(grep '"type":"summary"' "$out" | grep -o '"replays":[0-9]*' | head -n 1 | cut -d: -f2)
	# periods a clamp skipped: a late guest timer (TCG) is not a miscount
	skipped=$(grep '"type":"summary"' "$out" | grep -o '"prefix_replays":[0-9]*' | head -n 1 | cut -d: -f2)
	if [ -z "$exp" ] || [ -z "$dur" ]; then
		fail "$r-count" "no vCPU in the summary: $(tail -c 300 "$out")"
		return
	fi
	if awk -v e="$exp" -v s="${skipped:-0}" -v d="$dur" 'BEGIN { w = d * 1000; e += s; exit !(e >= 0.9 * w && e <= 1.1 * w) }'; then
		pass "$r-count" "$exp expiries + ${skipped:-0} skipped periods in $dur s"
	else
		fail "$r-count" "$exp expiries + ${skipped:-0} skipped periods in $dur s, want $(awk -v d="$dur" 'BEGIN { printf "%.0f", d * 1000 }') +-10%"
	fi
	[ "$period" = 1000000 ] && pass "$r-period" ||
		fail "$r-period" "period $period ns, want 1000000"
	[ "$replays" = 0 ] && pass "$r-no-replays" ||
		fail "$r-no-replays" "$replays replays on a kernel with the catch-up fix"
}

rung fentry
rung kprobe
# tp_btf here passes `now` by value (7.x prototype) and KVM is modular
rung tp_btf
guest_exit
