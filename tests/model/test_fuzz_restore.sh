#!/bin/bash
# Bounded libFuzzer run (~20 s) of the restore stream parser, seeded with
# real streams from `migsim save`.  `make fuzz` runs longer.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/check.sh"
. "$ROOT/tests/lib/fuzz.sh"
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
fuzz_run "fuzz restore parser" "$FUZZ" "$T" -max_len=400000
check_exit
