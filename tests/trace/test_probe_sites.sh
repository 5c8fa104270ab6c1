#!/bin/sh
# The model's probe sites are 5-byte NOPs (tools/xe-model/xe_usdt.h), and a
# kernel with the uprobe trampoline (6.18 on) takes them by a call instead
# of a breakpoint trap once they are traced: docs/usdt.md.
. "$(dirname "$0")/../lib/check.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope
MIGSIM=$OUT/migsim
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# sites BINARY: "N M" = probe sites in the xe provider, and how many of
# them are the 5-byte NOP 0f 1f 44 00 00 (file offsets from the segments)
sites() {
	python3 - "$1" <<'EOF'
import re, subprocess, sys
binary = sys.argv[1]
notes = subprocess.run(["readelf", "-nW", binary], capture_output=True,
                       text=True, check=True).stdout
segs = subprocess.run(["readelf", "-lW", binary], capture_output=True,
                      text=True, check=True).stdout
loads = [(int(m[1], 16), int(m[0], 16), int(m[2], 16))
         for m in re.findall(r"LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S+\s+"
                             r"(0x[0-9a-f]+)", segs)]
locs = [int(a, 16) for p, a in
        re.findall(r"Provider: (\w+)\s+Name: \w+\s+Location: (0x[0-9a-f]+)",
                   notes) if p == "xe"]
data = open(binary, "rb").read()
nop5 = 0
for a in locs:
    for vaddr, off, size in loads:
        if vaddr <= a < vaddr + size:
            nop5 += data[a - vaddr + off:a - vaddr + off + 5] == \
                bytes.fromhex("0f1f440000")
print(len(locs), nop5)
EOF
}

for bin in "$MIGSIM" "$OUT/asan/migsim"; do
	name=probe-sites-migsim
	[ "$bin" = "$MIGSIM" ] || name=probe-sites-asan-migsim
	if [ ! -x "$bin" ]; then
		skip "$name" "$bin is not built (make; the ASan one: make $bin)"
		continue
	fi
	set -- $(sites "$bin")
	if [ "${1:-0}" -eq 0 ] || [ "$1" != "$2" ]; then
		fail "$name" "${2:-?} of ${1:-?} xe probe sites in $bin are 5-byte NOPs"
	else
		pass "$name: all $1 xe probe sites are 5-byte NOPs"
	fi
done

# trampoline WHICH FILE: the probe_trampoline.{src,dst} of migsim's JSON
trampoline() {
	python3 -c 'import json,sys
t=json.load(open(sys.argv[1]))["probe_trampoline"]
print(*(str(t.get(k)).lower() for k in ("src", "dst")))' "$1"
}

if [ "$(id -u)" != 0 ]; then
	skip probe-trampoline "needs root to trace"
	exit 0
fi
if ! grep -q ' __x64_sys_uprobe$' /proc/kallsyms; then
	skip probe-trampoline "kernel $(uname -r) has no uprobe trampoline (6.18 on): traced probe sites trap"
	exit 0
fi
"$MIGSIM" migrate --vram 8M --chunk 1M --json >"$W/plain.json" 2>"$W/plain.err"
"$MIGSCOPE" trace -q -o "$W/trace.out" -- "$MIGSIM" migrate --vram 8M \
	--chunk 1M --json >"$W/traced.json" 2>"$W/traced.err"
plain=$(trampoline "$W/plain.json" 2>&1)
traced=$(trampoline "$W/traced.json" 2>&1)
if [ "$plain" != "false false" ]; then
	fail probe-trampoline-untraced "untraced migsim reports '$plain', not 'false false'"
else
	pass probe-trampoline-untraced
fi
if [ "$traced" != "true true" ]; then
	fail probe-trampoline-traced "traced migsim reports '$traced' for src dst, not 'true true': $(tail -n 2 "$W/traced.err")"
else
	pass "probe-trampoline-traced: both sides' probes entered by a call"
fi
check_exit
