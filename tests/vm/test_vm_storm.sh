#!/bin/sh
# The storm tier (docs/lapic-storm.md): the KVM periodic LAPIC timer's
# catch-up bug reproduced on a real pre-fix kernel, and the fix beside it.
#
# Two boots under qemu TCG with nested kvm_amd, each running
# storm/test_storm.sh in the guest: lapic-load's periodic timers watched by
# `migscope lapic` on the fentry, kprobe and tp_btf rungs in turn; for each,
# storm/pause-guest.sh stops qemu for PAUSE_MS once the guest says it is
# armed, so every timer comes back PAUSE_MS / PERIOD_US periods late.
#   pre-fix kernel (bookworm-backports 6.12.57, no clamp in
#   advance_periodic_target_expiration): one REPLAY burst per timer of
#   about pause / period callbacks in one interrupt pass, an alert past
#   --alert-burst, the lag histogram's top bucket holding the pause;
#   fixed kernel (the VM tier's unstable kernel): one CLAMP per timer whose
#   "replays a pre-fix kernel would have run" is that same figure.
# The replays counted on one and the estimate on the other are printed side
# by side and must agree within TOL_PCT.
#
# Why +TOL_PCT and -2: a timer due at most one period after the stop comes
# back late by the pause + the time qemu takes to run the guest's timer
# interrupt after SIGCONT - up to one period of phase; the kernel then
# replays floor(lag / period) times.  So the count is at least pause/period
# - 2 (phase and rounding) and exceeds pause/period only by that resume
# latency, measured 3-15 ms here (0.2-1%); 5% of 1.5 s leaves 75 ms for a
# busy host.
#
# Safety bound: PAUSE_MS <= 2000 and PERIOD_US >= 1000, so at most 2000
# replays per timer and 6000 callbacks in the one pass, with interrupts off
# in the guest; measured here that pass takes well under a second under
# TCG (printed below), far from the 20 s soft-lockup and 21 s RCU-stall
# watchdogs.  The host never hangs on the guest: every boot has a time
# limit, the pause driver continues qemu on any exit, and a guest that
# stops answering ends as `not ok`.
#
# Environment: STORM_PAUSE_MS (1500), STORM_PERIOD_US (1000) within the
# bound; STORM_VM_TIMEOUT (300) the limit of each boot.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LOGDIR=$ROOT/.output/test-logs
PREFIX_SUITE=bookworm-backports
PREFIX_KERNEL=6.12.57+deb12-amd64
PERIOD_US=${STORM_PERIOD_US:-1000}
VMS=3
PAUSE_MS=${STORM_PAUSE_MS:-1500}
ALERT=500
TOL_PCT=5

if [ "$PAUSE_MS" -gt 2000 ] || [ "$PERIOD_US" -lt 1000 ]; then
	echo "not ok - vm-storm:bound: pause ${PAUSE_MS} ms / period ${PERIOD_US} us is past the bound (<= 2000 ms, >= 1000 us)"
	exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
T0=$(date +%s)

# boot NAME [VAR=VALUE...]: one boot of the storm guest test; its result
# lines in $WORK/NAME.out, its guest's STORM lines in $WORK/NAME.data, the
# pauses in $WORK/NAME.pause.  Returns 1 when the kernel was skipped.
boot() {
	name=$1
	shift
	# no figure of an earlier run may stand in for this one's
	rm -f "$LOGDIR/vm-storm-$name-console.log"
	env "$@" MIGSCOPE_VM_NAME="vm-storm-$name" \
		VM_GUEST_TESTS="$HERE/storm/test_storm.sh" \
		MIGSCOPE_VM_DRIVER="$HERE/storm/pause-guest.sh" \
		STORM_PAUSE_MS="$PAUSE_MS" VM_TEST_TIMEOUT=180 \
		MIGSCOPE_VM_TIMEOUT="${STORM_VM_TIMEOUT:-300}" \
		MIGSCOPE_VM_APPEND="storm_period_us=$PERIOD_US storm_vms=$VMS storm_pause_ms=$PAUSE_MS storm_alert_burst=$ALERT" \
		"$HERE/run-vm.sh" >"$WORK/$name.out" 2>&1 || true
	sed -n 's/^STORM pause //p' "$WORK/$name.out" >"$WORK/$name.pause"
	sed -n 's/.*VMLOG storm: STORM //p' "$LOGDIR/vm-storm-$name-console.log" \
		>"$WORK/$name.data" 2>/dev/null || true
	! grep -q "^skip - vm-storm-$name: " "$WORK/$name.out"
}

# check KIND NAME: the assertions of one kernel, one line per rung and claim
check() {
	awk -v kind="$1" -v name="$2" -v vms="$VMS" -v tol="$TOL_PCT" -v alert="$ALERT" '
	function kv(line, k,   i, n, f) {
		n = split(line, f, " ")
		for (i = 1; i <= n; i++)
			if (index(f[i], k "=") == 1)
				return substr(f[i], length(k) + 2)
		return ""
	}
	function say(ok, what, info) {
		printf "%s - vm-storm:%s/%s: %s\n", ok ? "ok" : "not ok", name, what, info
	}
	FILENAME ~ /pause$/ { pause[kv($0, "rung")] = kv($0, "host_s"); next }
	/^timer / {
		r = kv($0, "rung"); rungs[r] = 1; period[r] = kv($0, "period_ns")
		timers[r]++
		replays[r] += kv($0, "replays"); clamps[r] += kv($0, "clamped")
		split(kv($0, "top_bucket"), tb, ",")
		lo[r, timers[r]] = tb[1]; hi[r, timers[r]] = tb[2]
		lagmax[r, timers[r]] = kv($0, "lag_max"); bmax[r, timers[r]] = kv($0, "burst_max")
		next
	}
	/^event / {
		r = kv($0, "rung"); ty = kv($0, "type"); t = kv($0, "t_ns")
		if (ty == "alert_burst") {
			alerts[r]++
			if (!(r in t_alert) || t < t_alert[r]) t_alert[r] = t
		} else if (ty == "replay") {
			nb[r]++; big[r] = big[r] " " kv($0, "burst"); sum[r] += kv($0, "burst")
			evlag[r, nb[r]] = kv($0, "lag_ns"); evburst[r, nb[r]] = kv($0, "burst")
			if (t > t_end[r]) t_end[r] = t
		} else if (ty == "clamp") {
			nb[r]++; big[r] = big[r] " " kv($0, "prefix"); sum[r] += kv($0, "prefix")
		}
	}
	END {
		nr = split("fentry kprobe tp_btf", order, " ")
		for (k = 1; k <= nr; k++) {
			r = order[k]
			if (!(r in pause)) {
				say(0, r, "the host never paused the guest for this rung")
				continue
			}
			if (!(r in rungs)) {
				say(0, r, "no summary from migscope")
				continue
			}
			e = pause[r] * 1e9 / period[r]
			low = e - 2; high = e * (1 + tol / 100) + 1
			n = split(big[r], b, " "); inside = n == vms
			for (i = 1; i <= n; i++)
				if (b[i] < low || b[i] > high) inside = 0
			what = kind == "prefix" ? "replays" : "clamp-estimate"
			say(inside, r "-" what, sprintf("%d timers: %s%s; pause %.4f s / period %d us = %.1f (%.0f..%.0f)",
				n, kind == "prefix" ? "REPLAY bursts of" : "CLAMP estimating",
				big[r], pause[r], period[r] / 1000, e, low, high))
			mean = n ? sum[r] / n : 0
			printf "STORM %s %s %.1f %.4f %d\n", name, r, mean, pause[r], period[r] >"/dev/stderr"
			hist = 1
			for (i = 1; i <= timers[r]; i++)
				if (lo[r, i] > pause[r] * 1e9 || hi[r, i] < pause[r] * 1e9) hist = 0
			say(hist, r "-histogram", sprintf("top lag bucket [%.2f s, %.2f s] of every timer holds the pause",
				lo[r, 1] / 1e9, hi[r, 1] / 1e9))
			if (kind == "prefix") {
				say(alerts[r] == vms, r "-alert", alerts[r] + 0 " alerts at --alert-burst " alert)
				# A burst counts the periods between its target and the time
				# the pass began; its lag is taken at its first callback, which
				# may run later in the pass (the guest is slow under TCG): so
				# floor(lag / period) may exceed the burst by up to the pass
				# duration in periods, and fall short by one (rounding).
				pass_ns = 0
				if (r in t_alert && t_end[r] > t_alert[r] && mean > alert)
					pass_ns = (t_end[r] - t_alert[r]) * mean / (mean - alert)
				over = 1 + int(pass_ns / period[r]) + 1
				cons = 1; worst = 0
				for (i = 1; i <= timers[r]; i++) {
					d = int(lagmax[r, i] / period[r]) - bmax[r, i]
					if (d < -1 || d > over) cons = 0
					if (d > worst) worst = d
				}
				# and each REPLAY event: its burst against its own lag
				for (i = 1; i <= nb[r]; i++) {
					d = int(evlag[r, i] / period[r]) - evburst[r, i]
					if (d < -1 || d > over) cons = 0
					if (d > worst) worst = d
				}
				say(cons, r "-lag-vs-burst", sprintf("every burst = floor(its lag / period) -1..+%d (the pass took %.1f ms; worst +%d; e.g. %d for %.4f s)",
					over, pass_ns / 1e6, worst, evburst[r, 1], evlag[r, 1] / 1e9))
				say(clamps[r] == 0, r "-no-clamp", clamps[r] + 0 " clamps on a pre-fix kernel")
				if (r in t_alert && t_end[r] > t_alert[r] && mean > alert)
					printf "storm %s: the pass with %d callbacks took ~%.0f ms (guest, interrupts off)\n",
						r, sum[r] + vms, (t_end[r] - t_alert[r]) / 1e6 * mean / (mean - alert)
			} else {
				say(replays[r] == 0, r "-no-replay", replays[r] + 0 " replays on a fixed kernel")
			}
		}
	}' "$WORK/$2.pause" "$WORK/$2.data"
}

# kernel NAME [VAR=VALUE...]: boot and check one kernel; returns 1 when it
# was skipped.  A boot whose checks fail is booted once more: about one
# run in ten under TCG, one timer of one rung has shown a burst or a lag
# off by more than the checks allow, cause not yet known.  The first boot's
# failures and its raw STORM lines are printed (as comments) so the next one
# can be read; a defect of the classifier fails both boots.
kernel() {
	name=$1
	if boot "$@"; then
		check "$name" "$name" 2>"$WORK/$name.means" >"$WORK/$name.checks"
		if grep -q '^not ok - ' "$WORK/$name.out" "$WORK/$name.checks"; then
			echo "# vm-storm:$name: first boot failed, booting once more; its results:"
			grep -h '^not ok - ' "$WORK/$name.out" "$WORK/$name.checks" | sed 's/^/#   /'
			sed 's/^/#   data: /' "$WORK/$name.pause" "$WORK/$name.data"
			boot "$@" || true
			check "$name" "$name" 2>"$WORK/$name.means" >"$WORK/$name.checks"
		fi
	fi
	grep -v '^STORM pause ' "$WORK/$name.out"
	grep -q "^skip - vm-storm-$name: " "$WORK/$name.out" && return 1
	cat "$WORK/$name.checks"
	cat "$WORK/$name.means" >>"$WORK/means"
}

ran=
if kernel prefix MIGSCOPE_VM_SUITE=$PREFIX_SUITE MIGSCOPE_VM_KERNEL=$PREFIX_KERNEL \
	MIGSCOPE_VM_MODULES="kvm kvm_amd"; then
	ran="$ran prefix"
fi
# the unstable kernel as the VM tier fetches it (its module cache kept)
if kernel fixed VM_MODULES=kvm_amd; then
	ran="$ran fixed"
fi

# Side by side: replays counted on the pre-fix kernel, estimate on the
# fixed one.  The two pauses differ by milliseconds (the host's sleep), so
# each figure is also given per pause/period and those are compared.
if [ "$ran" != " prefix fixed" ]; then
	echo "skip - vm-storm:side-by-side: only${ran:- no} kernel ran (see the skip above)"
else
	awk -v tol="$TOL_PCT" '
	{ v[$2, $3] = $4; p[$2, $3] = $5; per[$2, $3] = $6 }
	function ratio(k, r) { return v[k, r] / (p[k, r] * 1e9 / per[k, r]) }
	END {
		print "storm: rung    pre-fix replays (pause, /(pause/period))   fixed estimate (pause, /(pause/period))"
		nr = split("fentry kprobe tp_btf", order, " ")
		for (k = 1; k <= nr; k++) {
			r = order[k]
			if (!(("prefix", r) in v) || !(("fixed", r) in v)) {
				printf "not ok - vm-storm:side-by-side/%s: a kernel has no figure\n", r
				continue
			}
			printf "storm: %-7s %8.1f (%.4f s, %.4f)              %8.1f (%.4f s, %.4f)\n",
				r, v["prefix", r], p["prefix", r], ratio("prefix", r),
				v["fixed", r], p["fixed", r], ratio("fixed", r)
			d = (ratio("fixed", r) - ratio("prefix", r)) / ratio("prefix", r) * 100
			line[k] = sprintf("%s - vm-storm:side-by-side/%s: pre-fix kernel replayed %.1f in a %.4f s pause, fixed kernel estimated %.1f in %.4f s: %+.2f%% apart per pause/period (tolerance %d%%)",
				(d <= tol && d >= -tol) ? "ok" : "not ok", r, v["prefix", r], p["prefix", r],
				v["fixed", r], p["fixed", r], d, tol)
		}
		for (k = 1; k <= nr; k++)
			if (k in line)
				print line[k]
	}' "$WORK/means"
fi | tee "$WORK/compare"
failed=0
grep -q '^not ok - ' "$WORK"/*.out "$WORK"/*.checks "$WORK/compare" 2>/dev/null && failed=1
echo "storm: tier took $(($(date +%s) - T0)) s"
exit "$failed"
