#!/bin/sh
# Guest half of the storm tier (docs/lapic-storm.md): on each rung, real
# periodic LAPIC timers (lapic-load) watched by `migscope lapic`; once both
# run, ask the host on the console to pause qemu ("VMSTORM armed <rung>"),
# see the clock jump, and report what migscope counted as "STORM ..." lines
# for the host harness, which compares them with the pause it made.
#
# Parameters come from the kernel command line: storm_period_us,
# storm_vms, storm_pause_ms (what the host will do), storm_alert_burst.
set -u
. "${0%/*}/lib.sh"

arg() { sed -n "s/.*[[:space:]]storm_$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
PERIOD_US=$(arg period_us)
VMS=$(arg vms)
PAUSE_MS=$(arg pause_ms)
ALERT=$(arg alert_burst)
if [ -z "$PERIOD_US" ] || [ -z "$VMS" ] || [ -z "$PAUSE_MS" ] || [ -z "$ALERT" ]; then
	fail args "storm_period_us, storm_vms, storm_pause_ms, storm_alert_burst missing from the kernel command line"
	guest_exit
	exit
fi

need_lapic_tools || { guest_exit; exit; }

LOADPID=
MSPID=
cleanup() {
	[ -n "$MSPID" ] && kill "$MSPID" 2>/dev/null
	[ -n "$LOADPID" ] && kill "$LOADPID" 2>/dev/null
}
trap cleanup EXIT

to_host() { echo "VMSTORM $*" >/dev/console; }

# wait_for PATTERN FILE TENTHS: 0 once PATTERN is in FILE
wait_for() {
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le "$3" ] || return 1
		sleep 0.1
	done
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# Ask the host for the pause, and wait for the first gap between two
# /proc/uptime reads ~20 ms apart that is longer than half the pause: the
# clock jump the host's SIGSTOP made, as this guest saw it (10 ms
# resolution, plus the read interval).  The first read is before the ask,
# so a pause that comes at once is seen too.  Gives up after 60 s.
wait_jump() {
	start=$(uptime_s)
	prev=$start
	to_host "armed $1"
	while :; do
		sleep 0.02
		now=$(uptime_s)
		if awk -v a="$prev" -v b="$now" -v p="$PAUSE_MS" \
			'BEGIN { exit !((b - a) * 1000 > p / 2) }'; then
			awk -v a="$prev" -v b="$now" 'BEGIN { printf "%.2f", b - a }'
			return 0
		fi
		awk -v a="$start" -v b="$now" 'BEGIN { exit !(b - a > 60) }' && return 1
		prev=$now
	done
}

# One STORM line per timer of the summary, and one per event of the pause
# (a burst or clamp of at least half the alert size, or an alert); one awk
# for everything: every fork costs milliseconds under TCG.
report() {
	awk -v r="$1" -v min=$((ALERT / 2)) '
	function num(s, k) {
		if (!match(s, "\"" k "\":[0-9]+"))
			return ""
		return substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
	}
	/"type":"summary"/ {
		n = split($0, t, "[{]\"pid\":")
		for (i = 2; i <= n; i++) {
			s = t[i]
			# the last histogram bucket: the largest lags
			top = ""
			while (match(s, "\"low\":[0-9]+,\"high\":[0-9]+,\"count\":[0-9]+")) {
				top = substr(s, RSTART, RLENGTH)
				s = substr(s, RSTART + RLENGTH)
			}
			gsub(/[^0-9,]/, "", top)
			s = t[i]
			print "STORM timer rung=" r " vm=" num(s, "vm") \
				" period_ns=" num(s, "period_ns") " expiries=" num(s, "expiries") \
				" late=" num(s, "late") " clamped=" num(s, "clamped") \
				" replays=" num(s, "replays") " bursts=" num(s, "bursts") \
				" burst_max=" num(s, "burst_max") " prefix=" num(s, "prefix_replays") \
				" alerts=" num(s, "alerts") " lag_max=" num(s, "max") \
				" top_bucket=" top
		}
		next
	}
	/"type":"lapic".*"op":"(replay|clamp|alert_burst)"/ {
		b = num($0, "burst") + 0
		p = num($0, "prefix_replays") + 0
		if (b < min && p < min)
			next
		match($0, "\"op\":\"[a-z_]+\"")
		print "STORM event rung=" r " type=" substr($0, RSTART + 6, RLENGTH - 7) \
			" burst=" b " prefix=" p " lag_ns=" num($0, "lag_ns") \
			" t_ns=" num($0, "ts_ns")
	}' "$2"
}

storm() {
	r=$1
	rm -f /tmp/load.out /tmp/storm-"$r".json /tmp/storm-"$r".err
	lapic-load --vms "$VMS" --period-us "$PERIOD_US" --duration 120 \
		--timer-cpu 1 --hold-cpu 0 >/tmp/load.out 2>&1 &
	LOADPID=$!
	if ! wait_for '^armed ' /tmp/load.out 300; then
		fail "$r-load" "lapic-load did not arm: $(tail -n 1 /tmp/load.out)"
		return
	fi
	pid=$(sed -n 's/^armed .*pid=\([0-9]*\).*/\1/p' /tmp/load.out)
	migscope lapic -p "$pid" --rung "$r" --json --alert-burst "$ALERT" \
		--duration 100 >/tmp/storm-"$r".json 2>/tmp/storm-"$r".err &
	MSPID=$!
	# the first interval record: attached, enabled and reading
	if ! wait_for '"type":"interval"' /tmp/storm-"$r".json 600; then
		sed "s/^/  [$r] /" /tmp/storm-"$r".err
		fail "$r-attach" "$(why_line "$(cat /tmp/storm-"$r".err)")"
		return
	fi
	pass "$r-attach" "$(head -n 1 /tmp/storm-"$r".err) (guest uptime $(uptime_s) s)"
	if jump=$(wait_jump "$r"); then
		pass "$r-jump" "guest clock jumped ${jump} s"
		echo "STORM jump rung=$r guest_s=$jump"
	else
		fail "$r-jump" "no clock jump within 60 s: the host did not pause the guest"
	fi
	# two more intervals: the storm's callbacks are in the table
	sleep 2
	kill -INT "$MSPID"
	wait "$MSPID"
	MSPID=
	kill "$LOADPID"
	wait "$LOADPID" 2>/dev/null
	LOADPID=
	report "$r" /tmp/storm-"$r".json
	echo "STORM done rung=$r uptime=$(uptime_s)"
	grep -q '"type":"summary"' /tmp/storm-"$r".json ||
		fail "$r-summary" "no summary: $(tail -n 2 /tmp/storm-"$r".err)"
}

echo "STORM kernel=$(uname -r) period_us=$PERIOD_US vms=$VMS pause_ms=$PAUSE_MS alert_burst=$ALERT"
for r in fentry kprobe tp_btf; do
	storm "$r"
done
to_host "done"
guest_exit
