#!/bin/sh
# The VM test tier as one test of tests/run (and so of `make test`): boots
# the current Debian kernel under qemu and reports one line per guest check,
# prefixed vm:.  See tests/vm/README.md.
set -eu
# Hang guards, not timings: the trace guest test verifies and attaches
# about 150 kernel programs one by one under TCG (about 60-100 s here).
export VM_TEST_TIMEOUT="${VM_TEST_TIMEOUT:-300}"
export MIGSCOPE_VM_TIMEOUT="${MIGSCOPE_VM_TIMEOUT:-600}"
exec "$(dirname "$0")/run-vm.sh"
