#!/bin/sh
# A fault injected by `migscope inject` shows up in a concurrent
# `migscope trace` (text, JSON and Perfetto), through the model's
# xe:fault_injected probe: the tracer sees the fault taken, not the
# injector's bookkeeping.
. "$(dirname "$0")/../lib/check.sh"

if [ "$(id -u)" != 0 ]; then
	skip inject-trace "needs root to load BPF programs"
	exit 0
fi
MIGSIM=$OUT/migsim
TMP=$(mktemp -d)
trap 'kill $TR 2>/dev/null; rm -rf "$TMP"' EXIT

"$MIGSCOPE" trace --binary "$MIGSIM" --json --perfetto "$TMP/pf.json" \
	>"$TMP/trace.json" 2>"$TMP/trace.err" &
TR=$!
# ready once the tracer says what it attached to
for _ in $(seq 100); do
	grep -q 'tracing the model' "$TMP/trace.err" && break
	sleep 0.1
done
"$MIGSCOPE" inject --site data_read --errno EIO --nth 3 -- \
	"$MIGSIM" migrate --vram 4M --timeout 2 --json >"$TMP/migsim.json" 2>"$TMP/inject.err" ||
	cat "$TMP/inject.err"
# a delay site: the trace says how long the worker step was held, no errno
"$MIGSCOPE" inject --site save_step --delay-us 20000 --nth 1 --gt 0 -- \
	"$MIGSIM" migrate --vram 4M --timeout 30 --json >"$TMP/delay.json" 2>"$TMP/delay.err" ||
	cat "$TMP/delay.err"
kill -INT $TR
wait $TR

python3 - "$TMP" <<'PY' || fail inject-trace-check "the checker failed (see the log)"
import json, sys
d = sys.argv[1]
every = [json.loads(l) for l in open(d + "/trace.json") if '"type":"inject"' in l]
inj = [x for x in every if x["site"] != "save_step"]
delay = [x for x in every if x["site"] == "save_step"]
mig = [json.loads(l) for l in open(d + "/migsim.json") if '"result"' in l][0]
ok = len(inj) == 1 and inj[0]["site"] == "data_read" and inj[0]["err"] == -5
print(("ok - inject-trace-json" if ok else
       "not ok - inject-trace-json: want one data_read EIO inject record, got %r" % inj))
ok = (len(delay) == 1 and delay[0]["delay_us"] == 20000 and
      delay[0]["gt"] == 0 and [json.loads(l) for l in open(d + "/delay.json") if '"result"' in l][0]["verified"])
print(("ok - inject-trace-delay-json" if ok else
       "not ok - inject-trace-delay-json: want one save_step delay of 20000 us on gt 0 and a verified run, got %r" % delay))
src = [l for l in open(d + "/trace.json") if '"type":"data"' in l and '"op":"read"' in l]
reads = [json.loads(l) for l in src]
third = reads[2] if len(reads) >= 3 else None
ok = third is not None and third["ret"] == -5 and mig["data_read"]["errors"] == 1
print(("ok - inject-trace-third-read" if ok else
       "not ok - inject-trace-third-read: the traced third read should return -EIO: %r" % third))
pf = json.load(open(d + "/pf.json"))
names = [e.get("name", "") for e in pf["traceEvents"] if e.get("ph") == "i"]
ok = any(n.startswith("injected EIO at data_read") for n in names)
print(("ok - inject-trace-perfetto" if ok else
       "not ok - inject-trace-perfetto: no 'injected EIO at data_read' instant in %r" % names[:10]))
ok = any(n.startswith("injected delay 20000 us at save_step") for n in names)
print(("ok - inject-trace-delay-perfetto" if ok else
       "not ok - inject-trace-delay-perfetto: no 'injected delay 20000 us at save_step' instant in %r" % names[:10]))
PY
check_exit
