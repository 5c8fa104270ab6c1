#!/bin/bash
# Demo fragment (called from scripts/demo.sh): a live traced migration of
# the reference model, its summary and histograms, and a Perfetto trace.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.output
DEMO=$OUT/demo
mkdir -p "$DEMO"

if [ ! -x $OUT/migsim ]; then
	echo "demo-trace: $OUT/migsim is not built (make), skipping" >&2
	exit 0
fi

echo "== migscope trace: a VF migration on the reference model (BMG, 32 MiB VRAM in 4 MiB chunks)"
echo "   per-event lines go to $DEMO/migration.trace; the first of them:"
$OUT/migscope trace --hist --breakdown -o "$DEMO/migration.trace" \
	--perfetto "$DEMO/migration.perfetto.json" -- \
	$OUT/migsim migrate --platform bmg --vram 32M --chunk 4M
head -n 25 "$DEMO/migration.trace"
echo "   ..."
sed -n '/^Summary:/,/^Downtime/p' "$DEMO/migration.trace" | sed '$d'
echo
echo "== the downtime broken down (trace --breakdown: both sides on one clock)"
sed -n '/^Downtime/,/^  activity/p' "$DEMO/migration.trace" | sed '$d'
echo
echo "== Perfetto: open $DEMO/migration.perfetto.json in https://ui.perfetto.dev"
echo "   (one process per VF and side; GT tracks with state slices and packet"
echo "   lifetimes; data_read/data_write calls; ring occupancy and VRAM counters)"

echo
echo "== record, then report offline: the same summary"
$OUT/migscope record -q -o "$DEMO/migration.rec" -- \
	$OUT/migsim migrate --platform ptl >/dev/null
$OUT/migscope report "$DEMO/migration.rec" | sed -n '/^Summary:/,/^  stream/p'

echo
echo "== the picture: source and destination recorded, the merged timeline as SVG"
$OUT/migscope record -q -o "$DEMO/bmg.rec" -- \
	$OUT/migsim migrate --platform bmg --vram 32M --chunk 4M >/dev/null
$OUT/migscope report "$DEMO/bmg.rec" --breakdown --svg "$DEMO/migration.svg" |
	grep -E '^Downtime|bounded by'
echo "   $DEMO/migration.svg opens offline in any browser (no network, no assets)"
