#!/bin/bash
# migscope inject against migsim, end to end, for each mechanism the host
# offers (model verdicts, signals): exact placement (--nth), seeded
# probability replays, --times caps, a concurrent bystander is untouched,
# -p PID, SIGKILL of migscope disarms, and bad input gives one clear line.
. "$(dirname "$0")/../lib/check.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope
MIGSIM=$OUT/migsim
TMP=$(mktemp -d)
trap 'kill $BG 2>/dev/null; rm -rf "$TMP"' EXIT
BG=

if [ "$(id -u)" != 0 ]; then
	skip inject "needs root to load BPF programs"
	exit 0
fi
for b in "$MIGSCOPE" "$MIGSIM"; do
	[ -x "$b" ] || { fail inject "$b not built (make)"; exit 1; }
done

# jf FILE KEY: field KEY (a.b for nesting) of the first JSON line having it
jf() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        v = json.loads(line)
    except ValueError:
        continue
    # an injection record has fields (errno...) of its own: never migsim's
    if v.get("type") == "inject":
        continue
    ok = True
    for k in sys.argv[2].split("."):
        if isinstance(v, dict) and k in v:
            v = v[k]
        else:
            ok = False
            break
    if ok:
        print(str(v).lower() if isinstance(v, bool) else v)
        break
EOF
}

# the hits at which injections were logged, in order
hits() { grep '"type":"inject"' "$1" | sed 's/.*"hit":\([0-9]*\).*/\1/' | tr '\n' ' '; }

SAVE="$MIGSIM save --out /dev/null --vram 4M --buf 256K --json"

# --- --nth 3 on data_read fails exactly the third read with EIO -------------
$MIGSCOPE inject --json --site data_read --errno EIO --nth 3 -- $SAVE \
	>"$TMP/nth.out" 2>"$TMP/nth.err"
r="$(jf "$TMP/nth.out" result) $(jf "$TMP/nth.out" errno) $(jf "$TMP/nth.out" failed_at)"
r="$r calls=$(jf "$TMP/nth.out" data_read.calls) errors=$(jf "$TMP/nth.out" data_read.errors)"
if [ "$r" = "error 5 data_read calls=3 errors=1" ]; then
	pass nth3-eio "migsim: $r"
else
	fail nth3-eio "expected 'error 5 data_read calls=3 errors=1', migsim says '$r' ($(cat "$TMP/nth.err" | tail -1))"
fi
ev="$(jf "$TMP/nth.out" seq)/$(jf "$TMP/nth.out" hit)/$(jf "$TMP/nth.out" errno)"
# the inject line comes first: its errno is the name
if grep -q '"type":"inject".*"seq":1,"hit":3,"site":"data_read","errno":"EIO","err":-5' "$TMP/nth.out" &&
   [ "$(grep -c '"type":"inject"' "$TMP/nth.out")" = 1 ]; then
	pass nth3-event "one inject event, seq 1, hit 3"
else
	fail nth3-event "inject events: $(grep '"type":"inject"' "$TMP/nth.out" | head -3) ($ev)"
fi
if grep -q '"type":"summary".*"hits":3,"injected":1,"logged":1' "$TMP/nth.out"; then
	pass nth3-summary
else
	fail nth3-summary "$(grep '"type":"summary"' "$TMP/nth.out")"
fi
check_summary summary-envelope-inject inject "$TMP/nth.out"

# the same plan on the restore side, on a full migration
$MIGSCOPE inject --site data_write --errno ENOMEM --nth 2 -- \
	$MIGSIM migrate --vram 4M --json >"$TMP/w.out" 2>"$TMP/w.err"
r="$(jf "$TMP/w.out" failed_at) $(jf "$TMP/w.out" errno) $(jf "$TMP/w.out" data_write.calls)"
if [ "$r" = "data_write 12 2" ]; then pass nth2-data-write "$r"
else fail nth2-data-write "expected 'data_write 12 2', got '$r'"; fi

# --- seeded probability: the same seed fails the same hits ----------------
P="--site data_read --errno EIO --probability 0.3 --dry-run --json"
$MIGSCOPE inject $P --seed 42 -- $SAVE >"$TMP/p1" 2>/dev/null
$MIGSCOPE inject $P --seed 42 -- $SAVE >"$TMP/p2" 2>/dev/null
$MIGSCOPE inject $P --seed 43 -- $SAVE >"$TMP/p3" 2>/dev/null
h1=$(hits "$TMP/p1") h2=$(hits "$TMP/p2") h3=$(hits "$TMP/p3")
total=$(jf "$TMP/p1" hits)
n1=$(echo $h1 | wc -w)
if [ -n "$h1" ] && [ "$h1" = "$h2" ] && [ "$h1" != "$h3" ] &&
   [ "$n1" -lt "$total" ]; then
	pass probability-seeded "seed 42: hits $h1 of $total, twice; seed 43: $h3"
else
	fail probability-seeded "seed 42: '$h1' then '$h2', seed 43: '$h3', $total hits"
fi
# dry run injected nothing, and a real run fails at the first drawn hit
if [ "$(jf "$TMP/p1" result)" = ok ] && [ "$(jf "$TMP/p1" verified)" = true ]; then
	pass dry-run-harmless
else
	fail dry-run-harmless "migsim under --dry-run: $(jf "$TMP/p1" result)"
fi
first=${h1%% *}
$MIGSCOPE inject --site data_read --errno EIO --probability 0.3 --seed 42 \
	--json -- $SAVE >"$TMP/p4" 2>/dev/null
if [ "$(jf "$TMP/p4" data_read.calls)" = "$first" ] &&
   [ "$(jf "$TMP/p4" failed_at)" = data_read ]; then
	pass probability-replay "real run failed at read $first, as the dry run said"
else
	fail probability-replay "dry run drew hit $first, real run failed at read $(jf "$TMP/p4" data_read.calls)"
fi

# --- --times caps ---------------------------------------------------------
$MIGSCOPE inject --site data_read --errno EIO --every 2 --times 3 --dry-run \
	--json -- $SAVE >"$TMP/t" 2>/dev/null
if [ "$(hits "$TMP/t")" = "2 4 6 " ] &&
   grep -q '"type":"summary".*"injected":3' "$TMP/t"; then
	pass times-caps "every 2nd hit, 3 times: hits $(hits "$TMP/t")of $(jf "$TMP/t" hits)"
else
	fail times-caps "logged at hits '$(hits "$TMP/t")', $(grep summary "$TMP/t")"
fi

# --- a bystander running the same binary is never touched -----------------
# the target fails every data_read; the bystander migrates meanwhile
(
	for i in 1 2 3 4 5 6; do
		$MIGSIM migrate --vram 16M --json >"$TMP/by.$i" 2>/dev/null
	done
) &
BG=$!
for i in 1 2 3; do
	$MIGSCOPE inject --json --site data_read --errno EIO -- \
		$MIGSIM migrate --vram 16M --timeout 300 --json >"$TMP/tg.$i" 2>/dev/null
done
wait $BG
BG=
bad=0
for i in 1 2 3 4 5 6; do
	[ "$(jf "$TMP/by.$i" verified)" = true ] || bad=$((bad + 1))
done
tgt=0
for i in 1 2 3; do
	# the destination's finish-restore timeout is what migsim reports first
	[ "$(jf "$TMP/tg.$i" data_read.errors)" = 1 ] &&
		[ "$(jf "$TMP/tg.$i" data_read.calls)" = 1 ] && tgt=$((tgt + 1))
done
if [ $bad = 0 ] && [ $tgt = 3 ]; then
	pass bystander "6 concurrent bystander migrations verified, 3 targets failed at data_read"
else
	fail bystander "$bad of 6 bystander runs not verified; $tgt of 3 targets failed at data_read"
fi

# the same with the bystander reading its verdicts from migscope's own map:
# only the process-tree filter in BPF keeps it out
MIGSIM_STOP=1 $MIGSCOPE inject -v --site data_read --errno EIO -- \
	$MIGSIM migrate --vram 4M --timeout 300 --json >"$TMP/sh.tg" 2>"$TMP/sh.err" &
BG=$!
for i in $(seq 50); do grep -q 'verdict map id' "$TMP/sh.err" && break; sleep 0.1; done
id=$(sed -n 's/.*verdict map id \([0-9]*\).*/\1/p' "$TMP/sh.err")
XE_FAULT_MAP_ID=$id $MIGSIM migrate --vram 4M -v --json >"$TMP/sh.by" 2>"$TMP/sh.byerr"
sleep 0.3
for p in $(pgrep -f -- "$MIGSIM migrate --vram 4M --timeout 300 --json"); do kill -CONT "$p"; done
wait $BG
BG=
shared=$(grep -c 'is not a usable' "$TMP/sh.byerr")
if [ -n "$id" ] && [ "$shared" = 0 ] && [ "$(jf "$TMP/sh.by" verified)" = true ] &&
   [ "$(jf "$TMP/sh.tg" data_read.errors)" = 1 ]; then
	pass bystander-shared-map "bystander on map $id verified while the target failed"
else
	fail bystander-shared-map "map '$id' (rejected: $shared), bystander $(jf "$TMP/sh.by" result)/$(jf "$TMP/sh.by" verified), target read errors $(jf "$TMP/sh.tg" data_read.errors)"
fi

# --- -p PID: attach to a running model ------------------------------------
MIGSIM_STOP=1 $MIGSIM migrate --vram 4M --buf 256K --timeout 300 --json >"$TMP/pp" 2>/dev/null &
MPID=$!
for i in $(seq 50); do
	[ "$(pgrep -P $MPID | wc -l)" = 2 ] &&
		! grep -qv 'T' <(for c in $(pgrep -P $MPID); do awk '{print $3}' /proc/$c/stat; done) && break
	sleep 0.1
done
$MIGSCOPE inject --site data_read --errno EIO --nth 2 -p $MPID >"$TMP/pi" 2>&1 &
IPID=$!
sleep 0.5
for c in $(pgrep -P $MPID); do kill -CONT "$c"; done
wait $MPID
wait $IPID
r="$(jf "$TMP/pp" result) $(jf "$TMP/pp" data_read.calls) $(jf "$TMP/pp" data_read.errors)"
if [ "$r" = "error 2 1" ] && grep -q 'inject #1 site=data_read errno=EIO' "$TMP/pi"; then
	pass pid-attach "-p $MPID: second read failed"
else
	fail pid-attach "expected 'error 2 1' (result, reads, failed reads), got '$r'; $(tail -1 "$TMP/pi")"
fi

# --- the signal mechanism: bpf_send_signal at the site --------------------
$MIGSCOPE inject --site data_read --signal TERM --nth 2 -- $SAVE >"$TMP/sig" 2>&1
rc=$?
if grep -q 'inject #1 site=data_read signal=15' "$TMP/sig" && [ $rc != 0 ]; then
	# save runs in one process: SIGTERM's default action ends it
	pass signal "SIGTERM at the 2nd read ended migsim (exit $rc)"
else
	fail signal "exit $rc, $(grep -m1 inject "$TMP/sig")"
fi
# migsim catches SIGUSR1 as a VMM its thread kicks: the read goes on
$MIGSCOPE inject --site data_read --signal USR1 --nth 2 -- $SAVE >"$TMP/sig" 2>&1
rc=$?
if grep -q 'inject #1 site=data_read signal=10' "$TMP/sig" && [ $rc = 0 ] &&
   [ "$(jf "$TMP/sig" result)" = ok ]; then
	pass signal-caught "SIGUSR1 at the 2nd read was caught, the save completed"
else
	fail signal-caught "exit $rc, $(grep -m1 inject "$TMP/sig"); $(tail -1 "$TMP/sig")"
fi

# --- the delay site: the chosen step sleeps, the migration still verifies -
$MIGSCOPE inject --site save_step --delay-us 30000 --nth 2 --gt 0 -- \
	$MIGSIM migrate --vram 4M --json >"$TMP/delay" 2>"$TMP/delay.err"
rc=$?
if [ $rc = 0 ] && [ "$(jf "$TMP/delay" verified)" = true ] &&
   [ "$(grep -c 'GT0 inject #1 site=save_step delay 30000 us hit=2 ' "$TMP/delay")" = 1 ] &&
   [ "$(jf "$TMP/delay" total_ms | cut -d. -f1)" -ge 30 ]; then
	pass delay "2nd save step of GT0 held 30 ms, migration verified in $(jf "$TMP/delay" total_ms) ms"
else
	fail delay "exit $rc, verified $(jf "$TMP/delay" verified), $(grep -m1 inject "$TMP/delay"), $(jf "$TMP/delay" total_ms) ms"
fi
$MIGSCOPE inject --site save_step --delay-us 30000 --dry-run -- \
	$MIGSIM migrate --vram 4M --json >"$TMP/delay" 2>"$TMP/delay.err"
if [ "$(grep -c ' would inject .*site=save_step delay 30000 us' "$TMP/delay")" -ge 4 ] &&
   [ "$(jf "$TMP/delay" verified)" = true ]; then
	pass delay-dry-run "every save step logged as a would-be delay"
else
	fail delay-dry-run "$(grep -c 'would inject' "$TMP/delay") logged, $(jf "$TMP/delay" total_ms) ms"
fi

# --- SIGKILL of migscope mid-campaign disarms everything ------------------
$MIGSCOPE fuzz --plan random --runs 1000 --seed 3 -- \
	$MIGSIM migrate --vram 4M --vfs 3 --vf 3 --timeout 300 >/dev/null 2>&1 &
FPID=$!
sleep 2
# the programs this campaign holds, by id: other BPF users on the machine
# (a second campaign, say) must not count
ids=$(cat /proc/$FPID/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u)
kill -KILL $FPID
wait $FPID 2>/dev/null
sleep 0.5
left=0
for id in $ids; do
	bpftool prog show id "$id" >/dev/null 2>&1 && left=$((left + 1))
done
[ -n "$ids" ] || left="no program ids found before the kill:"
orphans=$(pgrep -f -- '--vfs 3 --vf 3 --timeout 300' | wc -l)
$MIGSIM migrate --vram 4M --json >"$TMP/after" 2>/dev/null
if [ "$left" = 0 ] && [ "$orphans" = 0 ] &&
   [ "$(jf "$TMP/after" verified)" = true ]; then
	pass sigkill-disarms "no inject program left loaded, no orphan run, next migration verified"
else
	fail sigkill-disarms "$left inject programs still loaded, $orphans orphan runs, next migration: $(jf "$TMP/after" result)"
fi

# --- SIGKILL of migscope during a long migration leaves no migsim behind --
# (migsim's source and destination die with migsim, which dies with fuzz)
$MIGSCOPE fuzz --runs 1 -- $MIGSIM migrate --vram 1537M --timeout 300 \
	>/dev/null 2>&1 &
FPID=$!
n=0
while [ "$(pgrep -f -- '--vram 1537M' | wc -l)" -lt 3 ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
running=$(pgrep -f -- '--vram 1537M' | wc -l)
kill -KILL $FPID
wait $FPID 2>/dev/null
sleep 1
orphans=$(pgrep -f -- '--vram 1537M' | wc -l)
if [ "$running" -ge 3 ] && [ "$orphans" = 0 ]; then
	pass sigkill-long-run "$running migsim processes mid-migration, none left after SIGKILL"
else
	pkill -KILL -f -- '--vram 1537M'
	fail sigkill-long-run "$running migsim processes before SIGKILL, $orphans left after"
fi

# --- bad input: one clear line, non-zero exit -----------------------------
bad_input() {
	name=$1 want=$2
	shift 2
	"$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	lines=$(wc -l <"$TMP/bad.err")
	if [ $rc != 0 ] && [ "$lines" = 1 ] && grep -q -- "$want" "$TMP/bad.err"; then
		pass "bad-$name" "$(cat "$TMP/bad.err")"
	else
		fail "bad-$name" "exit $rc, $lines line(s): $(head -2 "$TMP/bad.err" | tr '\n' '|')"
	fi
}
bad_input site "sites are data_read, data_write" \
	$MIGSCOPE inject --site nope --errno EIO -- $SAVE
bad_input errno "unknown errno 'EWHAT'" \
	$MIGSCOPE inject --site data_read --errno EWHAT -- $SAVE
bad_input nth-every "cannot be combined with --every" \
	$MIGSCOPE inject --site data_read --errno EIO --nth 2 --every 3 -- $SAVE
bad_input vf-at-device-site "reports no VF" \
	$MIGSCOPE inject --site packet_alloc --errno ENOMEM --vf 2 -- $SAVE
bad_input gt-at-vfio-site "reports no GT" \
	$MIGSCOPE inject --site data_read --errno EIO --gt 0 -- $SAVE
bad_input no-target "give -p PID or -- COMMAND" \
	$MIGSCOPE inject --site data_read --errno EIO
bad_input errno-signal "give one" \
	$MIGSCOPE inject --site data_read --errno EIO --signal USR1 -- $SAVE
bad_input probability "takes 0..1" \
	$MIGSCOPE inject --site data_read --errno EIO --probability 2 -- $SAVE
# a plain program: only the kernel mechanism could reach it, and here it cannot
if $MIGSCOPE inject --list | grep -q '^  kernel   unavailable'; then
	bad_input kernel-unreachable "available: every model site via USDT" \
		$MIGSCOPE inject --site data_read --errno EIO -- cat /dev/null
else
	skip bad-kernel-unreachable "the kernel mechanism works on this host"
fi
bad_input delay-errno "save_step is a delay site: it takes --delay-us N (or --signal SIG)" \
	$MIGSCOPE inject --site save_step --errno EIO -- $SAVE
bad_input delay-missing "--delay-us N is required at save_step" \
	$MIGSCOPE inject --site save_step -- $SAVE
bad_input delay-on-error-site "--delay-us is for delay sites" \
	$MIGSCOPE inject --site data_read --delay-us 100 -- $SAVE
bad_input delay-range "--delay-us takes microseconds 1..1000000" \
	$MIGSCOPE inject --site save_step --delay-us 2000000 -- $SAVE
bad_input model-only-site "only reachable in the reference model" \
	$MIGSCOPE inject --site guc_save --errno EIO --mechanism kernel -- cat /dev/null

# --- --list ----------------------------------------------------------------
$MIGSCOPE inject --list >"$TMP/list"
n=$(grep -cE '^(data_read|data_write|packet_alloc|user_copy|guc_save|guc_restore|ggtt_save|ggtt_load|vram_copy|ring_produce|save_step|save_consume|save_wait|restore_step|restore_wait) ' "$TMP/list")
if [ "$n" = 15 ] && grep -q '^  model    available' "$TMP/list" &&
   [ "$(grep -cE '^(save_(step|consume|wait)|restore_(step|wait)) .*a delay site' "$TMP/list")" = 5 ]; then
	pass list "15 sites (save_step, save_consume, save_wait, restore_step, restore_wait delay sites), model mechanism available"
else
	fail list "$n sites listed: $(head -3 "$TMP/list" | tr '\n' '|')"
fi

check_exit
