#!/bin/sh
# migscope lapic on this host's KVM, against lapic-load's known timers:
# expiries per vCPU within +-10% of duration/period, the programmed period
# (or KVM's 200 us minimum) reported, no replays on a fixed kernel; and the
# bad inputs, each one clear line and a non-zero exit.
. "$(dirname "$0")/../lib/check.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope
LOAD=$OUT/lapic-load
TMP=$(mktemp -d)
LOADPID=
cleanup() {
	[ -n "$LOADPID" ] && kill "$LOADPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	skip lapic "needs root to load BPF programs and use /dev/kvm"
	exit 0
fi

# --- bad input -----------------------------------------------------------
# one_line NAME EXPECTED-RC-CLASS PATTERN CMD...: non-zero exit, one line
one_line() {
	name=$1 pat=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	lines=$(grep -vc '^migscope lapic: rung' "$TMP/err")
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -q "$pat" "$TMP/err"; then
		pass "$name"
	else
		fail "$name" "exit $rc, $lines stderr lines: $(head -c 300 "$TMP/err")"
	fi
}

one_line lapic-bad-rung "unknown rung" "$MIGSCOPE" lapic --rung bogus
one_line lapic-bad-interval "invalid interval" "$MIGSCOPE" lapic --interval 0
# this shell holds no VM: not a VMM
one_line lapic-not-vmm "not a VMM" "$MIGSCOPE" lapic -p $$ --duration 1
one_line lapic-load-refuses "refusing the load" "$LOAD" --vms 128 --period-us 200 --duration 1
one_line lapic-load-args "required" "$LOAD" --vms 2

# hide /dev/kvm, or apic_timer_fn, in a private mount namespace
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	: >"$TMP/empty"
	grep -v ' apic_timer_fn' /proc/kallsyms >"$TMP/kallsyms"
	one_line lapic-no-dev-kvm "/dev/kvm is missing" unshare -m sh -c \
		"mount -t tmpfs none /dev && exec $MIGSCOPE lapic --duration 1"
	one_line lapic-load-no-dev-kvm "cannot open /dev/kvm" unshare -m sh -c \
		"mount -t tmpfs none /dev && exec $LOAD --vms 1 --period-us 1000 --duration 1"
	one_line lapic-no-kvm-symbols "apic_timer_fn is not in /proc/kallsyms" \
		unshare -m sh -c "mount --bind $TMP/kallsyms /proc/kallsyms && exec $MIGSCOPE lapic --duration 1"
else
	skip lapic-no-dev-kvm "unshare -m is not available"
fi

# --- real timers ---------------------------------------------------------
if [ ! -c /dev/kvm ]; then
	skip lapic-host "/dev/kvm is missing"
	check_exit
	exit
fi

# start_load ARGS...: lapic-load in the background, wait for its armed line
start_load() {
	# no armed line left from the previous run may be mistaken for this one
	rm -f "$TMP/load"
	"$LOAD" "$@" >"$TMP/load" 2>&1 &
	LOADPID=$!
	i=0
	while ! grep -q '^armed ' "$TMP/load"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$LOADPID" 2>/dev/null; then
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

# verify NAME WANT_VCPUS WANT_PERIOD_NS: judge the summary in $TMP/json
verify() {
	python3 - "$TMP/json" "$2" "$3" "${LOAD_ARGS:-}" "${VM_NAME:-lapic-load}" <<'EOF'
import json, sys
path, want_vcpus, want_period = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rearmed = "--rearm-ms" in sys.argv[4]
want_name = sys.argv[5]
summary = None
events = []
for line in open(path):
    rec = json.loads(line)
    if rec.get("type") == "summary":
        summary = rec
    elif rec.get("type") == "lapic":
        events.append(rec)
if summary is None:
    print("no summary record"); sys.exit(1)
dur = summary["duration_s"]
want = dur * 1e9 / want_period
errs = []
if len(summary["vcpus"]) != want_vcpus:
    errs.append("%d vCPUs reported, want %d" % (len(summary["vcpus"]), want_vcpus))
for v in summary["vcpus"]:
    tag = "vm%d/vcpu%d" % (v["vm"], v["vcpu"])
    # Every period is either an expiry or one a clamp skipped (the fix
    # drops missed periods), so a loaded machine cannot fake a miscount.
    periods = v["expiries"] + v["prefix_replays"]
    if abs(periods - want) > 0.1 * want:
        errs.append("%s: %d expiries + %d skipped periods in %.2f s, want %.0f +-10%%" % (tag, v["expiries"], v["prefix_replays"], dur, want))
    if v["period_ns"] != want_period:
        errs.append("%s: period %d ns, want %d" % (tag, v["period_ns"], want_period))
    if v["replays"] != 0:
        errs.append("%s: %d replays on a fixed kernel" % (tag, v["replays"]))
    if v["mode"] != "periodic":
        errs.append("%s: mode %s" % (tag, v["mode"]))
    # -name guest=NAME on the VMM's command line, else its comm
    if v.get("vm_name") != want_name:
        errs.append("%s: vm_name %r, want %r" % (tag, v.get("vm_name"), want_name))
    # A clamp is a late expiry; a re-arm from outside the callback that
    # moved the target by more than a period is neither.  (2: a clamp whose
    # lag at entry was a hair under the period.)
    if rearmed and v["clamped"] > v["late"] + 2:
        errs.append("%s: %d clamps but %d late expiries: re-arms taken for clamps" % (tag, v["clamped"], v["late"]))
unnamed = [e["op"] for e in events if e.get("vm_name") != want_name]
if unnamed:
    errs.append("%d of %d events without vm_name %r (%s)" % (len(unnamed), len(events), want_name, unnamed[0]))
print("; ".join(errs) if errs else "rung %s, %d vCPUs, %.2f s, want %.0f expiries each" % (summary["rung"], len(summary["vcpus"]), dur, want))
sys.exit(1 if errs else 0)
EOF
}

# scenario NAME VMS PERIOD_US WANT_PERIOD_NS [migscope options]
scenario() {
	name=$1 vms=$2 us=$3 want=$4
	shift 4
	# shellcheck disable=SC2086 # LOAD_ARGS: extra lapic-load options
	if ! start_load --vms "$vms" --period-us "$us" --duration 8 ${LOAD_ARGS:-}; then
		fail "$name" "lapic-load did not arm: $(tail -n 1 "$TMP/load")"
		stop_load
		return
	fi
	pid=$(sed -n 's/^armed .*pid=\([0-9]*\).*/\1/p' "$TMP/load")
	if ! "$MIGSCOPE" lapic -p "$pid" --rung "${RUNG:-tp_btf}" --duration 2 --json "$@" \
		>"$TMP/json" 2>"$TMP/err"; then
		fail "$name" "migscope lapic failed: $(tail -n 1 "$TMP/err")"
		stop_load
		return
	fi
	stop_load
	if why=$(verify "$name" "$vms" "$want"); then
		pass "$name" 
		echo "  $name: $why"
	else
		fail "$name" "$why"
	fi
}

scenario lapic-2vm-1ms 2 1000 1000000 --perfetto "$TMP/trace.json"
check_summary summary-envelope-lapic lapic "$TMP/json"
if python3 -c 'import json,sys
t = json.load(open(sys.argv[1]))["traceEvents"]
c = [e for e in t if e.get("ph") == "C"]
sys.exit(0 if len(c) >= 2 else 1)' "$TMP/trace.json" 2>/dev/null; then
	pass lapic-perfetto
else
	fail lapic-perfetto "$TMP/trace.json is not a trace with lag counters"
fi
grep -q 'rung tp_btf' "$TMP/err" && pass lapic-rung-printed ||
	fail lapic-rung-printed "the chosen rung was not printed: $(head -n 1 "$TMP/err")"
scenario lapic-4vm-500us 4 500 500000
# KVM raises periodic timers to min_timer_period_us
min=$(cat /sys/module/kvm/parameters/min_timer_period_us 2>/dev/null || echo 200)
scenario lapic-min-period-clamp 1 50 $((min * 1000))
# timers re-armed from outside their callbacks (restored, or restarted)
LOAD_ARGS="--rearm-ms 20" scenario lapic-rearm-2vm-1ms 2 1000 1000000
# the classic-tracepoint rung, the ladder's last resort
RUNG=tracepoint scenario lapic-tracepoint-2vm-1ms 2 1000 1000000

# The VM's name: QEMU's -name on the VMM's command line (lapic-load takes
# it the same way), in the rows, in every event (--alert-lag 1 makes each
# expiry one) and in the Perfetto process name; above, without -name, the
# VMM's comm (lapic-load).
LOAD_ARGS="--name guest=lab,,a,debug-threads=on" VM_NAME="lab,a" \
	scenario lapic-vm-name 1 1000 1000000 --alert-lag 1 --perfetto "$TMP/named.json"
if grep -q '"type":"lapic"' "$TMP/json" &&
   grep -q '"name":"lab,a (VMM [0-9]*)"' "$TMP/named.json"; then
	pass lapic-vm-name-events-perfetto
else
	fail lapic-vm-name-events-perfetto "no alert events, or no Perfetto process named 'lab,a (VMM PID)': $(grep -o '"name":"[^"]*VMM[^"]*"' "$TMP/named.json" | head -n 1)"
fi
# the text view: the table's NAME column and the event lines
if start_load --vms 1 --period-us 1000 --duration 8 --name lab-b; then
	pid=$(sed -n 's/^armed .*pid=\([0-9]*\).*/\1/p' "$TMP/load")
	"$MIGSCOPE" lapic -p "$pid" --duration 1 --alert-lag 1 >"$TMP/text" 2>"$TMP/err"
	stop_load
	if grep -q "^$pid .* periodic .* lab-b\$" "$TMP/text" &&
	   grep -q "^ *[0-9.]* pid *$pid .* alert_lag .* vm lab-b\$" "$TMP/text"; then
		pass lapic-vm-name-text
	else
		fail lapic-vm-name-text "no row or alert line ending in lab-b: $(grep -m 1 periodic "$TMP/text")"
	fi
else
	fail lapic-vm-name-text "lapic-load did not arm: $(tail -n 1 "$TMP/load")"
	stop_load
fi

check_exit
