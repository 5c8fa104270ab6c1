# shellcheck shell=sh
# Test reporting for shell tests; same line format as tests/lib/check.h.
CHECK_FAILURES=0

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1: $2"; CHECK_FAILURES=$((CHECK_FAILURES + 1)); }
skip() { echo "skip - $1: $2"; }

# expect NAME CONDITION-COMMAND... : pass if the command succeeds
expect() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "'$*' was false"; fi
}

check_exit() { [ "$CHECK_FAILURES" -eq 0 ]; }

# the project root: the nearest directory above the test with a Makefile
ROOT=$(cd "$(dirname "$0")" && pwd)
while [ "$ROOT" != / ] && [ ! -f "$ROOT/Makefile" ]; do
	ROOT=$(dirname "$ROOT")
done
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope

# check_summary NAME COMMAND FILE [KEY]: the summary in FILE starts with the
# envelope every command shares, naming COMMAND (tests/lib/summary_check.py)
check_summary() {
	python3 "$ROOT/tests/lib/summary_check.py" "$@" ||
		CHECK_FAILURES=$((CHECK_FAILURES + 1))
}
