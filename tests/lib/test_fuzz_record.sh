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
if [ "$(id -u)" != 0 ]; then
	echo "# no seed: not root, so no recording"
elif ! "$MIGSCOPE" record -o "$T/corpus/migration.rec" -- \
	"$OUT/migsim" migrate --vram 256K --chunk 64K >"$T/seed.log" 2>&1; then
	# the reader is still fuzzed, from an empty corpus; the seed's failure
	# is a bug of its own, so it is a test failure, not a comment
	fail "fuzz record seed" "migscope record failed: $(tail -n 1 "$T/seed.log")"
	rm -f "$T/corpus/migration.rec"
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-15} fuzz_run "fuzz record reader" "$FUZZ" "$T" \
	-max_len=65536 -close_fd_mask=2
check_exit
