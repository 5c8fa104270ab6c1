#!/bin/sh
# migscope report's merged forms end to end on the reference model: the
# downtime breakdown of a real traced migration against migsim's own
# measurement, the critical path of a migration slowed on purpose with the
# save_step delay site, --diff, the two-file merge, stream alignment, and
# the SVG picture in a real headless browser.
. "$(dirname "$0")/../lib/check.sh"
. "$(dirname "$0")/../lib/migsim.sh"
MIGSIM=$OUT/migsim
CHK=$(dirname "$0")/report_check.py
DELAY_US=150000

if [ "$(id -u)" != 0 ]; then
	skip report "needs root to load BPF programs"
	exit 0
fi
W=$(mktemp -d)
REC=""
trap 'kill $REC 2>/dev/null; rm -rf "$W"' EXIT
chk() { python3 "$CHK" "$@" || CHECK_FAILURES=$((CHECK_FAILURES + 1)); }

# recorded NAME CMD...: record every migsim process while CMD runs
recorded() {
	name=$1
	shift
	"$MIGSCOPE" record -o "$W/$name.rec" --binary "$MIGSIM" \
		>/dev/null 2>"$W/$name.recerr" &
	REC=$!
	# the line comes once the probes are attached; a loaded machine may
	# take a while, and a migration before it would go unseen
	for _ in $(seq 600); do
		grep -q 'tracing the model' "$W/$name.recerr" && break
		sleep 0.1
	done
	"$@" >"$W/$name.migsim" 2>"$W/$name.err"
	kill -INT $REC
	wait $REC
	REC=""
}

ARGS="migrate --vram 16M --chunk 4M --json"
# shellcheck disable=SC2086
recorded normal "$MIGSIM" $ARGS
# GT1's GUC save step held DELAY_US: that step must bound the downtime
# shellcheck disable=SC2086
recorded delayed "$MIGSCOPE" inject --site save_step --delay-us $DELAY_US \
	--nth 1 --gt 1 --type 5 -- "$MIGSIM" $ARGS
for n in normal delayed; do
	if "$MIGSCOPE" report "$W/$n.rec" --breakdown --json >"$W/$n.bd" 2>"$W/$n.bderr"; then
		chk sum "$n" "$W/$n.bd" "$W/$n.migsim"
	else
		fail "$n-breakdown" "report --breakdown failed: $(cat "$W/$n.bderr")"
	fi
done
"$MIGSCOPE" report "$W/delayed.rec" --breakdown --perfetto "$W/merged.pf" >/dev/null
chk perfetto merged-perfetto "$W/merged.pf" "$W/delayed.bd"
chk bound delayed-critical-path "$W/delayed.bd" "save GT1 GUC" $((DELAY_US * 1000))
"$MIGSCOPE" report "$W/normal.rec" "$W/delayed.rec" --diff --json >"$W/diff" 2>&1
chk diff diff-names-delayed-phase "$W/diff" "save GT1 GUC" $((DELAY_US * 1000))
"$MIGSCOPE" report "$W/normal.rec" --breakdown --align stream --json \
	>"$W/stream.bd" 2>&1
chk stream stream-align "$W/stream.bd"

# Two recordings, one per side (-p on migsim --stop's parked children).
"$MIGSIM" migrate --stop --vram 8M --chunk 2M --json >"$W/two.migsim" 2>/dev/null &
parent=$!
kids=$(stopped_children "$parent")
n=0
for k in $kids; do
	n=$((n + 1))
	"$MIGSCOPE" record -p "$k" -o "$W/side$n.rec" >/dev/null 2>&1 &
done
wait "$parent"
wait
if [ "$n" -eq 2 ] && "$MIGSCOPE" report "$W/side1.rec" "$W/side2.rec" --json \
	>"$W/two.bd" 2>"$W/two.err"; then
	chk sum two-files "$W/two.bd" "$W/two.migsim"
	if grep -q '"method":"clock"' "$W/two.bd"; then pass two-files-one-clock
	else fail two-files-one-clock "two recordings of one boot were not joined on the clock"; fi
	# the same destination as if recorded on another host: another boot id
	python3 - "$W/side2.rec" "$W/other.rec" <<-'EOF'
	import sys
	b = bytearray(open(sys.argv[1], "rb").read())
	b[72:88] = bytes(range(1, 17))   # mt_rec_hdr.boot_id
	open(sys.argv[2], "wb").write(b)
	EOF
	if "$MIGSCOPE" report "$W/side1.rec" "$W/other.rec" --align clock \
		>/dev/null 2>"$W/other.err"; then
		fail clock-across-boots "--align clock joined recordings of two boots"
	elif grep -q 'not from one boot' "$W/other.err"; then
		pass clock-across-boots
	else
		fail clock-across-boots "unexpected error: $(cat "$W/other.err")"
	fi
	if "$MIGSCOPE" report "$W/side1.rec" "$W/other.rec" --json >"$W/other.bd" 2>&1 &&
		grep -q '"method":"stream"' "$W/other.bd"; then
		pass auto-across-boots
	else
		fail auto-across-boots "$(head -c 300 "$W/other.bd")"
	fi
else
	fail two-files "merging two recordings failed: $(cat "$W/two.err" 2>/dev/null)"
fi

# The picture: self-contained, and it loads in a real headless browser.
"$MIGSCOPE" report "$W/delayed.rec" --breakdown --svg "$W/t.svg" >/dev/null
if ! grep -q '<svg' "$W/t.svg" 2>/dev/null; then
	fail svg-self-contained "report --svg wrote no SVG"
elif grep -qE '(href|src)=|<script|@import|url\(' "$W/t.svg"; then
	fail svg-self-contained "the SVG refers to something outside itself"
else
	pass svg-self-contained
fi
BROWSER=$(command -v chromium || true)
if [ -z "$BROWSER" ]; then
	skip svg-browser "Debian's chromium is not installed (scripts/deps.sh could not install it)"
else
	prof=$W/profile
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$prof" --enable-logging=stderr \
		--v=0 --dump-dom "file://$W/t.svg" >"$W/dom" 2>"$W/chromium.err"
	# a parse error makes chromium render an error page instead of the SVG
	if grep -q '<svg' "$W/dom" && grep -q 'critical path' "$W/dom" &&
		! grep -qi 'parsererror\|This page contains the following errors' "$W/dom"; then
		pass svg-browser
	else
		fail svg-browser "chromium did not load the SVG: $(head -c 300 "$W/dom") $(grep -i error "$W/chromium.err" | head -n 3)"
	fi
	if grep -i 'console' "$W/chromium.err" | grep -qi error; then
		fail svg-browser-console "console errors: $(grep -i console "$W/chromium.err" | head -n 3)"
	else
		pass svg-browser-console
	fi
fi

# Bad input: one clear line, usage errors exit 2.
if "$MIGSCOPE" report "$W/normal.rec" "$W/normal.rec" "$W/normal.rec" >/dev/null 2>"$W/bad"; then
	fail bad-three-files "three files without --diff exited 0"
elif [ $? -eq 2 ] && [ "$(wc -l <"$W/bad")" -eq 1 ]; then pass bad-three-files
else fail bad-three-files "want one line and exit 2: $(cat "$W/bad")"; fi
# one side alone is not a migration
if [ ! -f "$W/side1.rec" ]; then
	fail bad-one-side "no one-side recording to try"
elif "$MIGSCOPE" report "$W/side1.rec" --breakdown >/dev/null 2>"$W/bad"; then
	fail bad-one-side "a recording of one side exited 0"
elif grep -q 'no .* side' "$W/bad" && [ "$(wc -l <"$W/bad")" -eq 1 ]; then
	pass bad-one-side
else fail bad-one-side "want one line naming the missing side: $(cat "$W/bad")"; fi

check_exit
