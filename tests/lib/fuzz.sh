# shellcheck shell=bash
# A bounded libFuzzer run reported as one test line, for the fuzz tests.
# fuzz_run NAME FUZZER DIR [libFuzzer options...]: fuzz the corpus in
# DIR/corpus for FUZZ_SECONDS (default 20), keep crash inputs in DIR.
fuzz_run() {
	local name=$1 fuzzer=$2 dir=$3 rc runs
	shift 3
	"$fuzzer" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$dir/" "$@" "$dir/corpus" \
		>"$dir/log" 2>&1
	rc=$?
	runs=$(grep -o 'Done [0-9]* runs' "$dir/log" | grep -o '[0-9]*')
	if [ $rc -eq 0 ]; then
		pass "$name: ${runs:-?} runs, no crash, leak or UB"
	else
		fail "$name" "rc $rc: $(grep -m3 -E 'ERROR|SUMMARY|runtime error' "$dir/log")"
		tail -n 30 "$dir/log"
	fi
}
