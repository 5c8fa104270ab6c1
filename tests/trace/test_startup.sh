#!/bin/sh
# What tracing the model loads: its own object, which libbpf relocates
# without the kernel's BTF, attached from one read of the binary's notes.
# (How long a start-up takes is measured by make bench, never here.)
. "$(dirname "$0")/../lib/check.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope
MIGSIM=$OUT/migsim
RELOS="python3 $(dirname "$0")/core_relos.py"

# the kernel object has CO-RE relocations: the reader sees them
k=$($RELOS "$OUT/migtrace.bpf.o")
m=$($RELOS "$OUT/migtrace_model.bpf.o")
if [ "${k:-0}" -gt 0 ] && [ "$m" = 0 ]; then
	pass model-object-no-core
else
	fail model-object-no-core "CO-RE relocation bytes: kernel object ${k:-?}, model object ${m:-?}"
fi

if [ "$(id -u)" != 0 ]; then
	skip model-trace-no-kernel-btf "needs root to load BPF programs"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# libbpf says when it loads the kernel's BTF (debug level, -vv): doctor
# does, for its BTF checks; tracing the model must not
"$MIGSCOPE" doctor -vv >/dev/null 2>"$W/doctor.err"
"$MIGSCOPE" trace -vv -q -- "$MIGSIM" migrate --vram 4M --chunk 1M \
	>"$W/trace.out" 2>"$W/trace.err"
rc=$?
if ! grep -q "loading kernel BTF" "$W/doctor.err"; then
	fail model-trace-no-kernel-btf "libbpf's debug log does not say when it loads kernel BTF (doctor -vv): cannot tell"
elif [ $rc -ne 0 ] || ! grep -q "^libbpf: " "$W/trace.err"; then
	fail model-trace-no-kernel-btf "trace -vv failed (exit $rc) or printed no libbpf log: $(tail -n 2 "$W/trace.err" | tr '\n' ' ')"
elif grep -q "loading kernel BTF" "$W/trace.err"; then
	fail model-trace-no-kernel-btf "tracing the model loaded the kernel's BTF"
else
	pass model-trace-no-kernel-btf
fi
# and it still traced: the summary counts the migration's data calls
if grep -q "data_read" "$W/trace.out"; then
	pass model-trace-summary
else
	fail model-trace-summary "no data_read line in the summary: $(head -c 300 "$W/trace.out")"
fi

# MIGSCOPE_PHASES: one line per start-up phase, ending attached; the notes
# come before load, which puts their argument specs into the programs
MIGSCOPE_PHASES=1 "$MIGSCOPE" trace -q -- "$MIGSIM" migrate --vram 4M \
	>/dev/null 2>"$W/phases.err"
phases=$(sed -n 's/^migscope: phase \([a-z]*\) .*/\1/p' "$W/phases.err" | tr '\n' ' ')
expect model-trace-phases [ "$phases" = "ladder notes open load ring attach " ]
check_exit
