#!/bin/bash
# The migration paths once under ASan/UBSan (leak checking on): a round
# trip per platform, a save/restore through a file and malformed restores.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/check.sh"
OUT=$(cd "$(dirname "$0")/../.." && pwd)/.output
M=$OUT/asan/migsim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98

[ -x "$M" ] || { fail "asan migsim" "$M not built"; exit 1; }
run() {
	local name=$1 want=$2 rc
	shift 2
	"$M" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$T/err"; then
		fail "asan: $name" "$(grep -m2 -E 'ERROR|SUMMARY|runtime error' "$T/err")"
	elif [ $rc -ne "$want" ]; then
		fail "asan: $name" "rc $rc, want $want"
	else
		pass "asan: $name"
	fi
}
O="--vram 4M --chunk 256K --guc 64K --timeout 300"
run "migrate bmg" 0 migrate $O
run "migrate ptl" 0 migrate --platform ptl $O
run "save" 0 save --out "$T/s" $O
run "restore" 0 restore --in "$T/s" $O
python3 -c "
import sys; b=bytearray(open('$T/s','rb').read()); b[24+4]^=1
open('$T/bad','wb').write(b)"
run "restore devid mismatch" 1 restore --in "$T/bad" $O
head -c 100000 "$T/s" >"$T/trunc"
run "restore truncated" 1 restore --in "$T/trunc" $O
run "migrate, save_init_leak defect path" 0 migrate $O --defect save_init_leak
check_exit
