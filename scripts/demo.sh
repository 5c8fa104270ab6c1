#!/bin/bash
# `make demo`: the main job.  Each part runs only what is built and says
# plainly what it shows.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.output
DEMO=$OUT/demo
mkdir -p "$DEMO"

if [ "$(id -u)" != 0 ]; then
	echo "make demo loads BPF programs: run it as root (sudo make demo)" >&2
	exit 1
fi

echo "== migscope doctor: what this kernel allows, which hook each feature uses"
$OUT/migscope doctor

echo
scripts/demo-trace.sh
echo
scripts/demo-inject.sh
echo
scripts/demo-lapic.sh
