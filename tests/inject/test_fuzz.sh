#!/bin/bash
# migscope fuzz: with every model defect off a full systematic campaign
# finds only clean failures and absorbed runs; each seeded defect that
# fault injection can reach is reported with a reproducer that works;
# random plans replay from their seed.
. "$(dirname "$0")/../lib/check.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/.output
MIGSCOPE=$OUT/migscope
MIGSIM=$OUT/migsim
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ "$(id -u)" != 0 ]; then
	skip fuzz "needs root to load BPF programs"
	exit 0
fi

# rj FILE EXPR: evaluate EXPR on the report as r
rj() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# --- defects off: nothing but clean failures and absorbed runs -------------
$MIGSCOPE fuzz --report "$TMP/clean.json" >"$TMP/clean.out" 2>&1
rc=$?
s=$(rj "$TMP/clean.json" 'r["summary"]')
sites=$(rj "$TMP/clean.json" 'len({x["site"] for x in r["runs"] if x["injected"]})')
if [ $rc = 0 ] && [ "$(rj "$TMP/clean.json" 'r["summary"]["findings"]')" = 0 ] &&
   [ "$sites" = 10 ]; then
	pass systematic-clean "all 10 sites injected; $s"
else
	fail systematic-clean "exit $rc, $sites sites injected, $s; $(grep -A1 reproduce "$TMP/clean.out" | head -2)"
fi

# --- seeded defects --------------------------------------------------------
# mmio_pf_view (§10.15) corrupts the destination: found as corruption
$MIGSCOPE fuzz --defect mmio_pf_view --runs 6 --report "$TMP/mmio.json" >/dev/null 2>&1
rc=$?
repro=$(rj "$TMP/mmio.json" '[x["reproducer"] for x in r["runs"] if x["class"]=="corruption"][0]' 2>/dev/null)
if [ $rc = 1 ] && [ -n "$repro" ]; then
	# the reproducer, run as printed (migscope from this tree)
	eval "${repro/#migscope /$MIGSCOPE }" >"$TMP/repro.out" 2>/dev/null
	if grep -q '"result":"ok".*"verified":false' "$TMP/repro.out"; then
		pass defect-mmio_pf_view "corruption within 6 runs; reproducer: $repro"
	else
		fail defect-mmio_pf_view "reproducer did not reproduce: $repro"
	fi
else
	fail defect-mmio_pf_view "exit $rc, no corruption reported in 6 runs"
fi

# Defects injection cannot surface with migsim as it is (see the report):
# they run anyway, bounded, so a change that makes them visible shows up.
for d in lost_wakeup busy_consume save_init_leak; do
	$MIGSCOPE fuzz --defect $d --nth-max 2 --timeout-s 3 \
		--report "$TMP/$d.json" >/dev/null 2>&1
	f=$(rj "$TMP/$d.json" 'r["summary"]["findings"]')
	if [ "$f" != 0 ]; then
		pass "defect-$d" "$f finding(s): $(rj "$TMP/$d.json" '[x["class"] for x in r["runs"] if "reproducer" in x][:3]')"
	else
		case $d in
		lost_wakeup) why="no hang in a bounded campaign: the missing wake-up needs the reader to sleep between the last produce and SAVE_DATA_DONE, and no fault site widens that window" ;;
		busy_consume) why="the busy loop burns CPU but the migration completes and verifies: not a hang, crash, leak or corruption" ;;
		save_init_leak) why="the leak needs a second save on the same device; migsim migrate saves once" ;;
		esac
		skip "defect-$d" "not detectable by fault injection on migsim migrate: $why"
	fi
done

# --- random plans replay from the seed ------------------------------------
$MIGSCOPE fuzz --plan random --seed 11 --runs 6 >"$TMP/r1" 2>&1
$MIGSCOPE fuzz --plan random --seed 11 --runs 6 >"$TMP/r2" 2>&1
$MIGSCOPE fuzz --plan random --seed 12 --runs 6 >"$TMP/r3" 2>&1
plans() { awk '/^ +[0-9]+  --site/ { print $2, $3, $4, $5, $6, $7 }' "$1"; }
if [ "$(plans "$TMP/r1" | wc -l)" = 6 ] && [ "$(plans "$TMP/r1")" = "$(plans "$TMP/r2")" ] &&
   [ "$(plans "$TMP/r1")" != "$(plans "$TMP/r3")" ]; then
	pass random-seeded "seed 11 gives the same 6 plans twice, seed 12 others"
else
	fail random-seeded "plans differ or missing: $(plans "$TMP/r1" | head -2 | tr '\n' '|')"
fi

# --- bad input ------------------------------------------------------------
$MIGSCOPE fuzz --plan sideways >/dev/null 2>"$TMP/bad"
rc=$?
if [ $rc != 0 ] && [ "$(wc -l <"$TMP/bad")" = 1 ] && grep -q 'systematic or random' "$TMP/bad"; then
	pass bad-plan
else
	fail bad-plan "exit $rc: $(cat "$TMP/bad")"
fi
$MIGSCOPE fuzz -- cat >/dev/null 2>"$TMP/bad"
rc=$?
if [ $rc != 0 ] && [ "$(wc -l <"$TMP/bad")" = 1 ] && grep -q 'no xe:fault_site probe' "$TMP/bad"; then
	pass bad-command
else
	fail bad-command "exit $rc: $(cat "$TMP/bad")"
fi

check_exit
