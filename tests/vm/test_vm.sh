#!/bin/sh
# The VM test tier as one test of tests/run (and so of `make test`): boots
# the current Debian kernel under qemu and reports one line per guest check,
# prefixed vm:.  See tests/vm/README.md.
set -eu
exec "$(dirname "$0")/run-vm.sh"
