#!/bin/sh
# The layers point one way (tests/layers.py says how it is checked).
. "$(dirname "$0")/lib/check.sh"
python3 "$ROOT/tests/layers.py" "$ROOT"
