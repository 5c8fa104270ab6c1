#!/bin/bash
# Bounded libFuzzer run (~15 s) of the record-file reader and the renderers
# behind `migscope report`, seeded with a real recording of a migration.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/check.sh"
FUZZ=$OUT/fuzz/fuzz_record
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

[ -x "$FUZZ" ] || { fail "fuzz record reader" "$FUZZ not built (make test builds it)"; exit 1; }
mkdir -p "$T/corpus"
if [ "$(id -u)" = 0 ]; then
	"$MIGSCOPE" record -o "$T/corpus/migration.rec" -- \
		"$OUT/migsim" migrate --vram 256K --chunk 64K >/dev/null 2>&1
fi
seeded=$(ls "$T/corpus" | head -1)
"$FUZZ" -max_total_time="${FUZZ_SECONDS:-15}" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -close_fd_mask=2 -artifact_prefix="$T/" "$T/corpus" \
	>"$T/log" 2>&1
rc=$?
runs=$(grep -o 'Done [0-9]* runs' "$T/log" | grep -o '[0-9]*')
if [ $rc -eq 0 ]; then
	pass "fuzz record reader: ${runs:-?} runs${seeded:+ from a real recording}, no crash, leak or UB"
else
	fail "fuzz record reader" "rc $rc: $(grep -m3 -E 'ERROR|SUMMARY|runtime error' "$T/log")"
	tail -n 30 "$T/log"
fi
check_exit
