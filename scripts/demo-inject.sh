#!/bin/bash
# Demo fragment (called from scripts/demo.sh): fault injection on the
# reference model.  Shows one exact injection, the seeded dry run, and a
# short fuzz campaign that finds a seeded defect with a reproducer.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-.output}
DEMO=${DEMO:-$OUT/demo}
mkdir -p "$DEMO"

echo "== migscope inject --list: every site, and which mechanism reaches it here"
$OUT/migscope inject --list

echo
echo "== fail exactly the 3rd data_read of a save with EIO; migsim reports it"
$OUT/migscope inject --site data_read --errno EIO --nth 3 -- \
	$OUT/migsim save --out /dev/null --vram 4M --buf 256K || true

echo
echo "== dry run: which hits a seeded 20% plan would fail (same seed, same hits)"
$OUT/migscope inject --site data_read --errno EIO --probability 0.2 --seed 7 \
	--dry-run -- $OUT/migsim save --out /dev/null --vram 4M --buf 256K >"$DEMO/inject-dry.txt" 2>&1 || true
grep -c ' would inject #' "$DEMO/inject-dry.txt" | sed 's/^/  would inject: /'

echo
echo "== fuzz: 8 runs with the mmio_pf_view defect on: one unique finding, minimised, re-run 5 times"
$OUT/migscope fuzz --defect mmio_pf_view --runs 8 --repro 5 --report "$DEMO/fuzz-report.json" || true
echo "  JSON report: $DEMO/fuzz-report.json"
