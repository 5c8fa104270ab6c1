#!/bin/bash
# Bounded libFuzzer run (~20 s) of the restore stream parser, seeded with
# real streams from `migsim save`.  `make fuzz` runs longer.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/check.sh"
OUT=$(cd "$(dirname "$0")/../.." && pwd)/.output
FUZZ=$OUT/fuzz/fuzz_restore
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

[ -x "$FUZZ" ] || { fail "fuzz restore" "$FUZZ not built"; exit 1; }
mkdir -p "$T/corpus"
# seeds with the fuzz device's geometry: valid streams of both shapes
"$OUT/migsim" save --out "$T/corpus/bmg" --vram 256K --chunk 64K --guc 256 \
	--ggtt 16K >/dev/null 2>&1
"$OUT/migsim" save --out "$T/corpus/small" --vram 64K --chunk 64K --guc 256 \
	--ggtt 16K >/dev/null 2>&1
"$FUZZ" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=2048 \
	-max_len=400000 -artifact_prefix="$T/" "$T/corpus" >"$T/log" 2>&1
rc=$?
runs=$(grep -o 'Done [0-9]* runs' "$T/log" | grep -o '[0-9]*')
if [ $rc -eq 0 ]; then
	pass "fuzz restore parser: ${runs:-?} runs, no crash, leak or UB"
else
	fail "fuzz restore parser" "rc $rc: $(grep -m3 -E 'ERROR|SUMMARY|runtime error' "$T/log")"
	tail -n 30 "$T/log"
fi
check_exit
