#!/bin/bash
# Bounded libFuzzer run (~15 s) of the record-file reader and the renderers
# behind `migscope report`, seeded with a real recording of a migration.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/check.sh"
. "$ROOT/tests/lib/fuzz.sh"
FUZZ=$OUT/fuzz/fuzz_record
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

[ -x "$FUZZ" ] || { fail "fuzz record reader" "$FUZZ not built (make test builds it)"; exit 1; }
mkdir -p "$T/corpus"
if [ "$(id -u)" = 0 ]; then
	"$MIGSCOPE" record -o "$T/corpus/migration.rec" -- \
		"$OUT/migsim" migrate --vram 256K --chunk 64K >/dev/null 2>&1
fi
[ -n "$(ls "$T/corpus")" ] || echo "# no seed: not root, so no recording"
FUZZ_SECONDS=${FUZZ_SECONDS:-15} fuzz_run "fuzz record reader" "$FUZZ" "$T" \
	-max_len=65536 -close_fd_mask=2
check_exit
