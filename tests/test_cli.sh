#!/bin/sh
# One command-line contract for every command: --help exits 0 and prints
# the usage, a usage error (bad -p, unknown option, missing value) exits 2
# with one line naming the command, a runtime error exits 1.
. "$(dirname "$0")/lib/check.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -x "$MIGSCOPE" ] || { fail cli "$MIGSCOPE not built (make)"; exit 1; }

# status NAME WANT CMD...: the exit status and a one-line stderr
status() {
	name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ $rc = "$want" ] && { [ "$want" = 0 ] || [ "$lines" = 1 ]; }; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want), $lines stderr line(s): $(head -c 200 "$T/err")"
	fi
}

for c in trace top record report lapic inject fuzz doctor; do
	status "cli-$c-help" 0 "$MIGSCOPE" $c --help
	grep -qi '^usage:' "$T/out" && grep -q "migscope $c" "$T/out" ||
		fail "cli-$c-help-text" "no usage naming 'migscope $c'"
	status "cli-$c-bad-pid" 2 "$MIGSCOPE" $c -p 999999999
	status "cli-$c-unknown-option" 2 "$MIGSCOPE" $c --no-such-option
	grep -q "migscope $c" "$T/err" ||
		fail "cli-$c-names-command" "$(cat "$T/err")"
done
for c in trace record top lapic inject; do
	status "cli-$c-pid-not-running" 2 "$MIGSCOPE" $c -p 4194303
done
status cli-missing-value 2 "$MIGSCOPE" trace --vf
status cli-bad-value 2 "$MIGSCOPE" lapic --interval 0
status cli-unknown-command 2 "$MIGSCOPE" no-such-command
"$MIGSCOPE" >/dev/null 2>"$T/err"
rc=$?
if [ $rc = 2 ] && grep -q '^  trace ' "$T/err"; then
	pass cli-no-command
else
	fail cli-no-command "exit $rc, want 2 and the command list on stderr"
fi
status cli-top-help-lists-options 0 "$MIGSCOPE" top --help
grep -q -- '--ring-size' "$T/out" || fail cli-top-options "top --help lists no --ring-size"
# top shows its table and nothing else: output options are refused, not
# taken and ignored
for opt in --json --quiet --hist "--perfetto x" "--output x" --breakdown "--metrics :9000"; do
	# shellcheck disable=SC2086
	status "cli-top-refuses-${opt%% *}" 2 "$MIGSCOPE" top $opt
done
"$MIGSCOPE" top --help >"$T/out"
if grep -qE -- '--(json|perfetto|metrics|output)' "$T/out"; then
	fail cli-top-help-only-its-options "top --help lists options top ignores"
else
	pass cli-top-help-only-its-options
fi
# runtime errors: the input is well-formed but the work cannot be done
status cli-report-missing-file 1 "$MIGSCOPE" report "$T/none.rec"
echo junk >"$T/junk.rec"
status cli-report-junk-file 1 "$MIGSCOPE" report "$T/junk.rec"
check_exit
