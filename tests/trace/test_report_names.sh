#!/bin/sh
# `report` names states with the table the recording was made with, not
# with its own build's: a recording carrying the 7.2 table of the VM tier's
# real xe.ko (parsed from its cached BTF by tests/vm/xe_btf_names.py) reads
# right on this 6.18 host, MISMATCH (bit 39) included; the same events
# under a 6.19-numbered table read as 6.19 would name them.  The recording
# is a real one of the model, its header table replaced.
. "$(dirname "$0")/../lib/check.sh"

if [ "$(id -u)" != 0 ]; then
	skip report-names "needs root to record"
	exit 0
fi
K=${MIGSCOPE_VM_CACHE:-/var/cache/migscope-vm}/current
if [ ! -f "$K/xe.btf" ]; then
	skip report-names "no cached VM kernel BTF in $K (run tests/vm/fetch-kernel.sh)"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 "$ROOT/tests/vm/xe_btf_names.py" "$K/vmlinux.btf" "$K/xe.btf" >"$W/table"
"$MIGSCOPE" record -o "$W/model.rec" -- "$OUT/migsim" migrate --vram 1M \
	--chunk 512K --guc 4K >/dev/null 2>"$W/rec.err" ||
	fail report-names-record "$(tail -n 1 "$W/rec.err")"

# rewrite.py TABLE IN OUT LAYOUT: the recording with TABLE's names (7.2 as
# parsed, or "6.19": FLR_PREPARE removed and the later bits moved down),
# plus a MISMATCH enter and exit appended after the last state event
cat >"$W/rewrite.py" <<'PY'
import struct, sys
table, src, dst, layout = sys.argv[1:]
d = bytearray(open(src, "rb").read())
hdr = struct.unpack_from("<I", d, 12)[0]
names = {"state": {}, "type": {}}
for line in open(table):
    kind, val, name = line.split()
    names[kind][int(val)] = name
if layout == "6.19":
    st = names["state"]
    names["state"] = {(b if b < 3 else b - 1): n for b, n in st.items()
                      if n != "FLR_PREPARE"}
NAMES = 120                                   # after the fixed header
for b in range(64):
    d[NAMES + 32 * b:NAMES + 32 * b + 32] = names["state"].get(b, "").encode().ljust(32, b"\0")
for t in range(16):
    o = NAMES + 2048 + 32 * t
    d[o:o + 32] = names["type"].get(t, "").encode().ljust(32, b"\0")
o = NAMES + 2048 + 512
d[o:o + 64] = ("BTF of xe (%s)" % layout).encode().ljust(64, b"\0")
mismatch = [b for b, n in names["state"].items() if n == "MISMATCH"][0]
last = None
for i in range(hdr, len(d), 64):
    if struct.unpack_from("<H", d, i + 16)[0] == 2:      # MS_EV_STATE
        last = i
ts = struct.unpack_from("<Q", d, last)[0]
for k, entered in enumerate((1, 0)):
    e2 = bytearray(d[last:last + 64])
    struct.pack_into("<Q", e2, 0, ts + k + 1)
    struct.pack_into("<IIQQ", e2, 24, mismatch, entered,
                     (1 << mismatch) if entered else 0, 0)
    d += e2
struct.pack_into("<Q", d, 40, (len(d) - hdr) // 64)    # events
open(dst, "wb").write(d)
PY
python3 "$W/rewrite.py" "$W/table" "$W/model.rec" "$W/72.rec" 7.2
python3 "$W/rewrite.py" "$W/table" "$W/model.rec" "$W/619.rec" 6.19

# check.py TABLE JSONL LAYOUT: every state event named by that layout
cat >"$W/check.py" <<'PY'
import json, sys
table, events, layout = sys.argv[1:]
st = {}
for line in open(table):
    kind, val, name = line.split()
    if kind == "state":
        st[int(val)] = name
if layout == "6.19":
    st = {(b if b < 3 else b - 1): n for b, n in st.items() if n != "FLR_PREPARE"}
seen = [json.loads(l) for l in open(events) if '"type":"state"' in l]
bad = [(e["bit"], e["state"]) for e in seen if st.get(e["bit"]) != e["state"]]
mm = [e for e in seen if e["state"] == "MISMATCH"]
print("%d %d %d %s" % (len(seen), len(bad), len(mm), bad[:3]))
PY
"$MIGSCOPE" report "$W/72.rec" --events --json >"$W/72.jsonl" 2>"$W/72.err"
set -- $(python3 "$W/check.py" "$W/table" "$W/72.jsonl" 7.2)
if [ "${1:-0}" -gt 20 ] && [ "$2" = 0 ] && [ "$3" = 2 ]; then
	pass "report-names-7.2: $1 state events named by the recording's 7.2 table, MISMATCH (bit 39) included"
else
	fail report-names-7.2 "$*; $(head -c 200 "$W/72.err")"
fi
if grep -q '"bit":18,.*"state":"PAUSED"\|"state":"PAUSED","bit":18' "$W/72.jsonl"; then
	pass report-names-7.2-paused-18
else
	fail report-names-7.2-paused-18 "no PAUSED at bit 18"
fi
"$MIGSCOPE" report "$W/619.rec" --events --json >"$W/619.jsonl" 2>"$W/619.err"
set -- $(python3 "$W/check.py" "$W/table" "$W/619.jsonl" 6.19)
# the same bits: 18 is SAVE_WIP under 6.19 numbering, 39 has no name
if [ "${1:-0}" -gt 20 ] && [ "$2" = 0 ] &&
   grep -q '"state":"SAVE_WIP","bit":18' "$W/619.jsonl"; then
	pass "report-names-table-from-file: the same events under a 6.19 table read as 6.19 names them"
else
	fail report-names-table-from-file "$*"
fi
check_exit
