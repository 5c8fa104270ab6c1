#!/bin/sh
# migscope lapic --metrics-textfile on real KVM timers from lapic-load: the
# file passes `promtool check metrics`, and its per-vCPU counters equal
# the JSON summary's of the same run.
. "$(dirname "$0")/../lib/check.sh"
LOAD=$OUT/lapic-load
TMP=$(mktemp -d)
LOADPID=
trap '[ -n "$LOADPID" ] && kill $LOADPID 2>/dev/null; rm -rf "$TMP"' EXIT

if [ "$(id -u)" != 0 ]; then
	skip lapic-metrics "needs root to load BPF programs and use /dev/kvm"
	exit 0
fi
if [ ! -c /dev/kvm ]; then
	skip lapic-metrics "/dev/kvm is missing"
	exit 0
fi
"$LOAD" --vms 2 --period-us 1000 --duration 8 >"$TMP/load" 2>&1 &
LOADPID=$!
for _ in $(seq 100); do
	grep -q '^armed ' "$TMP/load" && break
	sleep 0.1
done
pid=$(sed -n 's/^armed .*pid=\([0-9]*\).*/\1/p' "$TMP/load")
if [ -z "$pid" ]; then
	fail lapic-metrics "lapic-load did not arm: $(tail -n 1 "$TMP/load")"
	check_exit
	exit
fi
if ! "$MIGSCOPE" lapic -p "$pid" --duration 2 --json \
	--metrics-textfile "$TMP/lapic.prom" >"$TMP/json" 2>"$TMP/err"; then
	fail lapic-metrics "migscope lapic failed: $(tail -n 1 "$TMP/err")"
	check_exit
	exit
fi
if ! command -v promtool >/dev/null; then
	skip lapic-metrics-promtool "promtool (Debian's prometheus) is not installed: scripts/deps.sh could not install it"
elif promtool check metrics <"$TMP/lapic.prom" >"$TMP/promtool" 2>&1; then
	pass lapic-metrics-promtool
else
	fail lapic-metrics-promtool "$(head -n 3 "$TMP/promtool" | tr '\n' '|')"
fi
python3 - "$TMP/json" "$TMP/lapic.prom" <<'PY' || CHECK_FAILURES=$((CHECK_FAILURES + 1))
import json, re, sys
summary = [json.loads(l) for l in open(sys.argv[1])
           if '"type":"summary"' in l][0]
got = {}
for line in open(sys.argv[2]):
    m = re.match(r'^(migscope_lapic_\w+_total)\{pid="(\d+)",vm="(\d+)",'
                 r'vcpu="(\d+)"\} (\d+)$', line)
    if m:
        got[(m[1], int(m[2]), int(m[3]), int(m[4]))] = int(m[5])
bad = []
for v in summary['vcpus']:
    for f in ('expiries', 'late', 'clamped', 'replays', 'prefix_replays',
              'alerts'):
        k = (f'migscope_lapic_{f}_total', v['pid'], v['vm'], v['vcpu'])
        if got.get(k) != v[f]:
            bad.append(f'{k}: file {got.get(k)}, summary {v[f]}')
ok = summary['vcpus'] and summary['expiries'] > 0 and not bad
print('ok - lapic-metrics-totals' if ok else
      'not ok - lapic-metrics-totals: %s' % ('; '.join(bad[:4]) or
                                           'no expiries seen'))
sys.exit(0 if ok else 1)
PY
check_exit
