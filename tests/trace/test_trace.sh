#!/bin/sh
# migscope trace/record/report/top end to end on the reference model.
# Every expectation comes from migsim's own accounting of the same run
# (its --json) or from the upstream state walk, never from numbers
# hard-coded for this machine.
. "$(dirname "$0")/../lib/check.sh"
. "$(dirname "$0")/../lib/migsim.sh"
# check.sh assumes tests/test_*.sh; this test lives one level deeper
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope

MIGSIM=$OUT/migsim
if [ "$(id -u)" != 0 ]; then
	skip trace "needs root to load BPF programs"
	exit 0
fi
if [ ! -x "$MIGSIM" ]; then
	fail trace "$MIGSIM is missing: run make"
	exit 1
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
CMP=$(dirname "$0")/trace_check.py
# the checker prints its own ok/not ok lines; count its failures here
chk() { python3 "$CMP" "$@" || CHECK_FAILURES=$((CHECK_FAILURES + 1)); }

# run NAME MIGSIM-ARGS...: traced migration; $W/NAME.{trace,migsim}
run() {
	name=$1
	shift
	"$MIGSCOPE" trace --json -o "$W/$name.trace" -- "$MIGSIM" migrate \
		--json "$@" >"$W/$name.migsim" 2>"$W/$name.err"
}

# Configurations: platforms, chunk sizes that divide the VRAM or not, read
# and write buffers smaller and larger than a packet.
i=0
while read -r name gbps args; do
	[ -n "$name" ] || continue
	i=$((i + 1))
	# shellcheck disable=SC2086
	if ! run "$name" $args; then
		fail "$name-run" "migscope trace -- migsim migrate $args failed: $(tail -n 2 "$W/$name.err" | tr '\n' ' ')"
		continue
	fi
	chk migrate "$name" "$W/$name.migsim" "$W/$name.trace" "$gbps"
done <<'EOF'
bmg-16M-1M     no  --platform bmg --vram 16M --chunk 1M
bmg-8M-3M      yes --platform bmg --vram 8M --chunk 3M
bmg-32M-4M     yes --platform bmg --vram 32M --chunk 4M --buf 64K
bmg-smallbuf   no  --platform bmg --vram 4M --chunk 1M --buf 1000
bmg-bigbuf     yes --platform bmg --vram 24M --chunk 8M --buf 16M --vfs 3 --vf 2
ptl-default    no  --platform ptl
ptl-smallbuf   no  --platform ptl --buf 4K
EOF
check_summary summary-envelope-trace trace "$W/bmg-16M-1M.trace"

# record -> report: the same summary as the live run, the same Perfetto.
if "$MIGSCOPE" record -o "$W/r.rec" --json --perfetto "$W/live.pf" -- \
	"$MIGSIM" migrate --vram 8M --chunk 2M --json >"$W/r.out" 2>"$W/r.err"; then
	grep '"type":"summary"' "$W/r.out" >"$W/r.live"
	"$MIGSCOPE" report "$W/r.rec" --json --perfetto "$W/rep.pf" >"$W/r.report"
	chk same-summary record-report "$W/r.live" "$W/r.report"
	# report prints the recording's summary, so both name record
	check_summary summary-envelope-record record "$W/r.live"
	check_summary summary-envelope-report record "$W/r.report"
	grep -v '"type":"summary"' "$W/r.out" >"$W/r.migsim"
	chk summary-vs-migsim record "$W/r.migsim" "$W/r.report"
	if cmp -s "$W/live.pf" "$W/rep.pf"; then pass record-report-perfetto
	else fail record-report-perfetto "live and offline Perfetto traces differ"; fi
	chk perfetto perfetto-bmg "$W/live.pf" vram
else
	fail record "migscope record failed: $(tail -n 1 "$W/r.err")"
fi
# In-BPF totals: with -q nothing goes through the ring one event at a
# time, so even a 4 KiB ring (64 records) loses nothing, and the totals
# still match migsim's own accounting.
while read -r name args; do
	# shellcheck disable=SC2086
	if "$MIGSCOPE" trace -q --json --ring-size 4K -o "$W/$name.trace" -- \
		"$MIGSIM" migrate --json $args >"$W/$name.migsim" 2>"$W/$name.err"; then
		chk summary-vs-migsim "$name" "$W/$name.migsim" "$W/$name.trace"
	else
		fail "$name" "trace -q failed: $(tail -n 1 "$W/$name.err")"
	fi
done <<'EOF'
totals-bmg-64K  --platform bmg --vram 64M --chunk 64K
totals-ptl      --platform ptl --buf 4K
totals-vfs      --platform bmg --vram 8M --chunk 3M --vfs 3 --vf 2
EOF

# A binary with some of the model's xe probes but not all: a clear error
# (exit 1), never a crash on the way out (its sites were freed twice once).
printf '#include <sys/sdt.h>\nint main(void) { STAP_PROBE(xe, packet_alloc); return 0; }\n' \
	>"$W/partial.c"
if ${CC:-cc} -o "$W/partial" "$W/partial.c" 2>"$W/partial.cc"; then
	"$MIGSCOPE" trace -q --binary "$W/partial" >/dev/null 2>"$W/partial.err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "not the reference model" "$W/partial.err"; then
		pass partial-model
	else
		fail partial-model "exit $rc: $(head -c 300 "$W/partial.err")"
	fi
else
	fail partial-model "cannot build a USDT test binary: $(head -c 300 "$W/partial.cc")"
fi

# A misspelt MIGSCOPE_USDT_SPECS is refused, not silently ignored
MIGSCOPE_USDT_SPECS=maps "$MIGSCOPE" trace -q --binary "$MIGSIM" \
	>/dev/null 2>"$W/specs.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'the only value is "map"' "$W/specs.err"; then
	pass usdt-specs-bad-value
else
	fail usdt-specs-bad-value "exit $rc: $(head -c 300 "$W/specs.err")"
fi

# Two migrations (VF1 and VF2, two migsim processes) at once, three
# tracers at once: totals counted in BPF (-q) and totals added up from the
# events agree figure by figure, in total and per unit (pid, VF, GT), and
# each VF's units add up to its migsim's own accounting.  The third counts
# in BPF too but reads every USDT argument through the spec map instead of
# the specs put in rodata before load (docs/usdt.md): both ways must agree.
# A private copy of migsim, so no other test's migsim is seen.
cp "$MIGSIM" "$W/migsim-two"
MIGSCOPE_PHASES=1 "$MIGSCOPE" trace -q --json --binary "$W/migsim-two" \
	-o "$W/two.bpf" 2>"$W/two.bpf.err" &
t1=$!
"$MIGSCOPE" trace --json --binary "$W/migsim-two" -o "$W/two.ev" \
	2>"$W/two.ev.err" &
t2=$!
MIGSCOPE_USDT_SPECS=map "$MIGSCOPE" trace -q --json --binary \
	"$W/migsim-two" -o "$W/two.map" 2>"$W/two.map.err" &
t3=$!
if wait_attached "$W/two.bpf.err" && wait_attached "$W/two.ev.err" &&
   wait_attached "$W/two.map.err"; then
	for vf in 1 2; do
		"$W/migsim-two" migrate --vfs 2 --vf $vf --vram 16M --chunk 1M \
			--buf 64K --json >"$W/two.vf$vf" 2>&1 &
	done
	wait %4 %5
fi
kill -INT "$t1" "$t2" "$t3"
wait "$t1" "$t2" "$t3"
chk same-counts totals-vs-events "$W/two.bpf" "$W/two.ev"
expect spec-map-used grep -q "MIGSCOPE_USDT_SPECS=map" "$W/two.map.err"
# ... and the others did put every traced site's specs into rodata
fixed=$(sed -n 's/.*known at load for \([0-9]*\) of \([0-9]*\) traced.*/\1 \2/p' \
	"$W/two.bpf.err")
if [ -n "$fixed" ] && [ "${fixed% *}" -gt 0 ] &&
   [ "${fixed% *}" = "${fixed#* }" ]; then
	pass spec-rodata-used
else
	fail spec-rodata-used "sites with specs at load, of traced: '$fixed'"
fi
chk same-counts spec-map-vs-rodata "$W/two.map" "$W/two.ev"
chk units units-bpf "$W/two.bpf" "$W/two.vf1" "$W/two.vf2"
chk units units-events "$W/two.ev" "$W/two.vf1" "$W/two.vf2"
chk units units-spec-map "$W/two.map" "$W/two.vf1" "$W/two.vf2"

run ptl-pf --platform ptl && "$MIGSCOPE" trace -q --perfetto "$W/ptl.pf" -- \
	"$MIGSIM" migrate --platform ptl >/dev/null 2>&1 &&
	chk perfetto perfetto-ptl "$W/ptl.pf" novram

# -p PID: migsim --stop parks both children; one tracer per pid continues
# them; together they must account for the whole migration.
"$MIGSIM" migrate --stop --vram 8M --chunk 1M --json >"$W/p.migsim" 2>/dev/null &
parent=$!
kids=$(stopped_children "$parent")
n=0
for k in $kids; do
	n=$((n + 1))
	"$MIGSCOPE" trace -p "$k" --json -o "$W/p$n.trace" 2>"$W/p$n.err" &
done
wait "$parent"
wait
cat "$W/p1.trace" "$W/p2.trace" >"$W/p.trace" 2>/dev/null
if [ "$n" -eq 2 ]; then
	chk migrate by-pid "$W/p.migsim" "$W/p.trace" no
else
	fail by-pid "could not find migsim's two stopped children (found: $kids)"
fi

# Filters: BPF-side rodata, so check what reaches user space.
"$MIGSCOPE" trace --json --vf 2 -o "$W/f1" -- "$MIGSIM" migrate --vfs 2 --vf 1 \
	--vram 4M >/dev/null 2>&1
chk filter filter-vf "$W/f1" vf 2
# the same run filtered on the migrating VF must show it: a filter that
# drops everything would pass the check above
"$MIGSCOPE" trace --json --vf 1 -o "$W/f1b" -- "$MIGSIM" migrate --vfs 2 --vf 1 \
	--vram 4M >/dev/null 2>&1
n=$(grep -c '"type":"data"' "$W/f1b")
if [ "$n" -gt 0 ]; then pass filter-vf-control
else fail filter-vf-control "--vf 1 on a VF1 migration traced no data calls"; fi
"$MIGSCOPE" trace --json --type VRAM -o "$W/f2" -- "$MIGSIM" migrate \
	--vram 4M --chunk 1M >/dev/null 2>&1
chk filter filter-type "$W/f2" ptype VRAM
"$MIGSCOPE" trace --json --gt 1 -o "$W/f3" -- "$MIGSIM" migrate --vram 4M \
	>/dev/null 2>&1
chk filter filter-gt "$W/f3" gt 1

# top: a table with a row per migrating VF
"$MIGSCOPE" top 1 -- "$MIGSIM" migrate --vram 256M --chunk 1M >"$W/top" 2>&1
if grep -q '^PID .*PHASE.*MOVED.*RING.*STATES' "$W/top" &&
	grep -qE '^[0-9]+ +1 +[A-Z_]+ +[0-9]+' "$W/top"; then
	pass top-table
else
	fail top-table "no per-VF row in: $(head -n 5 "$W/top" | tr '\n' '|')"
fi

# top from the in-BPF totals: nothing per event, so a 4 KiB ring still
# shows every byte moved
"$MIGSCOPE" top --ring-size 4K 1 -- "$MIGSIM" migrate --json --vram 64M \
	--chunk 64K >"$W/top-totals" 2>&1
chk top-moved top-totals "$W/top-totals"

# Bad input: one clear line, non-zero exit.
bad() { # NAME EXPECT-REGEX CMD...
	name=$1 re=$2
	shift 2
	if "$@" >"$W/bad.out" 2>"$W/bad.err"; then
		fail "$name" "'$*' exited 0"
	elif [ "$(wc -l <"$W/bad.err")" -ne 1 ] || ! grep -qE "$re" "$W/bad.err"; then
		fail "$name" "expected one line matching '$re', got: $(tr '\n' '|' <"$W/bad.err")"
	else
		pass "$name"
	fi
}
sleep 30 & dead=$!
kill "$dead"; wait "$dead" 2>/dev/null
bad bad-pid "no process with pid $dead" "$MIGSCOPE" trace -p "$dead"
bad bad-binary "no xe USDT probes" "$MIGSCOPE" trace --binary /bin/true
if [ -e /sys/kernel/btf/xe ]; then
	skip bad-kernel "the xe module is loaded here"
else
	bad bad-kernel "target kernel: .*doctor" "$MIGSCOPE" trace --target kernel
fi
rec=$W/r.rec
# the header's own size field (bytes 12-15): the header carries a names table
hdr=$(python3 -c 'import struct,sys; print(struct.unpack_from("<I", open(sys.argv[1], "rb").read(), 12)[0])' "$rec")
head -c $((hdr + 1000)) "$rec" >"$W/trunc.rec"
bad bad-record-truncated "truncated" "$MIGSCOPE" report "$W/trunc.rec"
echo "not a record" >"$W/junk.rec"
bad bad-record-junk "not a migscope record" "$MIGSCOPE" report "$W/junk.rec"
python3 -c 'import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
hdr = struct.unpack_from("<I", d, 12)[0]
d[hdr + 64 * 5 + 16] = 0xee	# event type of the sixth record
open(sys.argv[2], "wb").write(d)' "$rec" "$W/corrupt.rec"
bad bad-record-corrupt "malformed" "$MIGSCOPE" report "$W/corrupt.rec"
bad bad-record-missing "cannot open" "$MIGSCOPE" report "$W/nonexistent.rec"

check_exit
