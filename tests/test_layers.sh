#!/bin/sh
# The layers point one way (tests/layers.py says how it is checked), and
# the JSON summary envelope has one writer.
. "$(dirname "$0")/lib/check.sh"
python3 "$ROOT/tests/layers.py" "$ROOT" || CHECK_FAILURES=$((CHECK_FAILURES + 1))
# one writer of the summary envelope: the commands call lib/summary.c, the
# JSON checks of each command's summary (tests/lib/summary_check.py) see it
w=$(grep -rlE '"type", *"summary"' "$ROOT/src" "$ROOT/lib" "$ROOT/tools" |
	sed "s|^$ROOT/||" | tr '\n' ' ')
if [ "$w" = "lib/summary.c " ]; then
	pass summary-one-writer
else
	fail summary-one-writer "\"type\":\"summary\" written by: $w"
fi
check_exit
