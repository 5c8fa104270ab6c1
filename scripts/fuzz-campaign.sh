#!/bin/bash
# The default fuzz campaign: `migscope fuzz` with every model defect off,
# then once per seeded defect (migsim --help lists them).  Expected: no
# finding with defects off; each defect found exactly once, with a
# minimised reproducer that reproduces at least 9 times out of 10.
# Reports go to $OUT/fuzz-campaign/<defect>.json; a summary table ends it.
# Exit status 1 if any expectation failed.  About 10 minutes on 2 cores.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-.output}
DIR=$OUT/fuzz-campaign
mkdir -p "$DIR"
make -s "$OUT/migscope" "$OUT/migsim" "$OUT/asan/migsim" || exit 1

# the comma-separated list under --defect LIST; the v619_* and 6.19
# switches bring back upstream 6.19 behaviour, they are not seeded bugs
defects=$("$OUT/migsim" --help |
	awk '/--defect LIST/ { on = 1 } on && $1 ~ /,/ { print $1; exit }' |
	tr ',' '\n' | grep -v -e '^v619_' -e '^6\.19$' | tr '\n' ' ')
[ -n "$defects" ] || { echo "fuzz-campaign: no defects in migsim --help" >&2; exit 1; }
echo "defects: $defects"

summary=()
bad=0
t_all=$(date +%s)
for d in none $defects; do
	args=()
	[ "$d" = none ] || args=(--defect "$d")
	echo "== migscope fuzz ${args[*]}"
	t0=$(date +%s)
	"$OUT/migscope" fuzz "${args[@]}" --report "$DIR/$d.json" >"$DIR/$d.txt" 2>&1
	secs=$(( $(date +%s) - t0 ))
	line=$(python3 - "$DIR/$d.json" "$d" "$secs" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); d = sys.argv[2]; f = r["findings"]
ok = (not f) if d == "none" else (len(f) == 1 and f[0]["reproduce_runs"] > 0 and
                                  f[0]["reproduced"] * 10 >= f[0]["reproduce_runs"] * 9)
sig = f[0]["signature"] if f else "-"
rate = "; ".join(x["rate"] for x in f) or "-"
print("%-4s %-20s %5d runs %3d finding(s) %5ss  %-12s %s" % (
    "ok" if ok else "FAIL", d, r["summary"]["runs"], len(f), sys.argv[3], rate, sig))
PY
)
	case $line in
	ok*) ;;
	FAIL*) bad=1 ;;
	*) bad=1; line="FAIL $d: $(tail -1 "$DIR/$d.txt")" ;;
	esac
	echo "$line"
	summary+=("$line")
done
echo
echo "campaign summary ($(( $(date +%s) - t_all )) s in all):"
printf '%s\n' "${summary[@]}"
exit $bad
