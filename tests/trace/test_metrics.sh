#!/bin/sh
# migscope trace --metrics: a real Prometheus server (Debian's package)
# scrapes the loopback endpoint during a traced migration, and its HTTP
# API gives back totals equal to the trace's own summary.  The
# node_exporter textfile passes `promtool check metrics` and holds the
# same totals.
. "$(dirname "$0")/../lib/check.sh"
MIGSIM=$OUT/migsim
CHK=$(dirname "$0")/metrics_check.py

if [ "$(id -u)" != 0 ]; then
	skip metrics "needs root to load BPF programs"
	exit 0
fi
W=$(mktemp -d)
PROM=""
trap 'kill $PROM 2>/dev/null; wait $PROM 2>/dev/null; rm -rf "$W"' EXIT
chk() { python3 "$CHK" "$@" || CHECK_FAILURES=$((CHECK_FAILURES + 1)); }
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The textfile, and promtool on it.
if "$MIGSCOPE" trace -q --json -o "$W/tf.trace" --metrics-textfile "$W/migscope.prom" \
	-- "$MIGSIM" migrate --vram 16M --chunk 4M >/dev/null 2>"$W/tf.err"; then
	if ! command -v promtool >/dev/null; then
		skip textfile-promtool "promtool (Debian's prometheus) is not installed: scripts/deps.sh could not install it"
	elif promtool check metrics <"$W/migscope.prom" >"$W/promtool" 2>&1; then
		pass textfile-promtool
	else
		fail textfile-promtool "$(head -n 3 "$W/promtool" | tr '\n' '|')"
	fi
	chk file textfile-totals "$W/tf.trace" "$W/migscope.prom"
	# self-metrics: every event came from at least one program run
	runs=$(awk '$1 == "migscope_bpf_runs_total" {print $2}' "$W/migscope.prom")
	events=$(awk '$1 == "migscope_events_total" {print $2}' "$W/migscope.prom")
	if [ -z "$runs" ] && [ ! -e /proc/sys/kernel/bpf_stats_enabled ]; then
		skip textfile-bpf-runs "this kernel has no BPF run-time statistics (no /proc/sys/kernel/bpf_stats_enabled)"
	elif [ -z "$runs" ]; then
		fail textfile-bpf-runs "no migscope_bpf_runs_total although the kernel has BPF run-time statistics"
	elif [ "$runs" -ge "$events" ] && [ "$events" -gt 0 ]; then
		pass textfile-bpf-runs
	else
		fail textfile-bpf-runs "$runs BPF program runs for $events events"
	fi
	if [ -e "$W/migscope.prom.tmp" ]; then
		fail textfile-atomic "FILE.tmp left behind"
	else
		pass textfile-atomic
	fi
else
	fail textfile "trace --metrics-textfile failed: $(tail -n 1 "$W/tf.err")"
fi

# Loopback only: any other address is refused in one line, exit 2.
if "$MIGSCOPE" trace --metrics 0.0.0.0:9 -- "$MIGSIM" migrate >/dev/null 2>"$W/bad"; then
	fail metrics-loopback-only "--metrics 0.0.0.0:9 was accepted"
elif [ $? -eq 2 ] && [ "$(wc -l <"$W/bad")" -eq 1 ] && grep -q loopback "$W/bad"; then
	pass metrics-loopback-only
else
	fail metrics-loopback-only "want one line and exit 2: $(cat "$W/bad")"
fi

if ! command -v prometheus >/dev/null; then
	skip metrics-prometheus "Debian's prometheus is not installed: scripts/deps.sh could not install it"
	check_exit
	exit $?
fi
MPORT=$(free_port)
PPORT=$(free_port)
cat >"$W/prom.yml" <<EOC
global:
  scrape_interval: 250ms
  scrape_timeout: 200ms
scrape_configs:
  - job_name: migscope
    static_configs:
      - targets: ['127.0.0.1:$MPORT']
EOC
prometheus --config.file="$W/prom.yml" --storage.tsdb.path="$W/data" \
	--web.listen-address="127.0.0.1:$PPORT" --log.level=warn \
	>"$W/prom.log" 2>&1 &
PROM=$!
URL=http://127.0.0.1:$PPORT
ready=0
for _ in $(seq 600); do
	if python3 -c "import urllib.request as u; u.urlopen('$URL/-/ready')" 2>/dev/null; then
		ready=1
		break
	fi
	sleep 0.1
done
if [ $ready -eq 0 ]; then
	fail metrics-prometheus "prometheus did not become ready: $(tail -n 3 "$W/prom.log")"
	check_exit
	exit $?
fi
# serve 3 s past the end: a 250 ms scrape sees the final totals
"$MIGSCOPE" trace -q --json -o "$W/p.trace" --metrics ":$MPORT" --metrics-hold 3 \
	-- "$MIGSIM" migrate --vram 256M --chunk 4M >/dev/null 2>"$W/p.err" ||
	fail metrics-trace "trace --metrics failed: $(tail -n 1 "$W/p.err")"
chk prom metrics-prometheus-totals "$W/p.trace" "$URL"
python3 - "$URL" <<'PY' || CHECK_FAILURES=$((CHECK_FAILURES + 1))
import json, sys, urllib.parse, urllib.request
q = 'count_over_time(migscope_events_total[10m])'
r = json.load(urllib.request.urlopen(sys.argv[1] + '/api/v1/query?' +
                                     urllib.parse.urlencode({'query': q})))
res = r['data']['result']
n = int(res[0]['value'][1]) if res else 0
print('ok - metrics-scraped' if n >= 2 else
      'not ok - metrics-scraped: prometheus holds %d scrapes of the endpoint' % n)
sys.exit(0 if n >= 2 else 1)
PY
check_exit
