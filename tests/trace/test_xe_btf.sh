#!/bin/sh
# migscope's view of a real kernel's xe driver, read from BTF (lib/xe_btf.c),
# checked on the BTF bytes of the VM tier's kernel (Debian's 7.2 xe.ko, as
# tests/vm/fetch-kernel.sh caches them) against an independent parser of the
# BTF format (tests/vm/xe_btf_names.py).  MIGSCOPE_BTF_DIR points migscope at
# a copy of those files instead of /sys/kernel/btf.  The same comparison runs
# inside the VM on the live module (tests/vm/guest/test_xe_btf.sh).
. "$(dirname "$0")/../lib/check.sh"

CACHE=${MIGSCOPE_VM_CACHE:-/var/cache/migscope-vm}
K=$CACHE/current
PARSE=$ROOT/tests/vm/xe_btf_names.py
if [ ! -f "$K/xe.btf" ] || [ ! -f "$K/vmlinux.btf" ]; then
	skip xe-btf "no cached VM kernel BTF in $K (run tests/vm/fetch-kernel.sh)"
	exit 0
fi
KVER=$(cat "$K/kver" 2>/dev/null)
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
mkdir "$D/real" "$D/nofunc" "$D/noenum"
cp "$K/vmlinux.btf" "$D/real/vmlinux"
cp "$K/xe.btf" "$D/real/xe"

xe_doctor() { MIGSCOPE_BTF_DIR=$1 "$MIGSCOPE" doctor --xe; }

python3 "$PARSE" "$D/real/vmlinux" "$D/real/xe" >"$D/expected" ||
	fail xe-btf-parse "the independent parser failed on $K/xe.btf"
if xe_doctor "$D/real" >"$D/got"; then
	pass xe-btf-doctor "doctor --xe exits 0 on $KVER's xe"
else
	fail xe-btf-doctor "doctor --xe exited non-zero on $KVER's xe: $(tail -n 1 "$D/got")"
fi

# the table, bit by bit, against the independent parse
grep -E '^(state|type) ' "$D/got" >"$D/table"
if [ -s "$D/expected" ] && cmp -s "$D/table" "$D/expected"; then
	pass xe-btf-table "$(grep -c '^state ' "$D/table") state bits and $(grep -c '^type ' "$D/table") packet types identical to the independent parse"
else
	fail xe-btf-table "migscope's table differs from the independent parse: $(diff "$D/table" "$D/expected" | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
fi
n=$(grep -c '^state ' "$D/expected")
expect xe-btf-39-states [ "$n" -eq 39 ]
expect xe-btf-flr-prepare-3 grep -qx 'state 3 FLR_PREPARE' "$D/table"
expect xe-btf-mismatch-39 grep -qx 'state 39 MISMATCH' "$D/table"
expect xe-btf-module-found grep -qx 'module xe' "$D/got"

# every function, field path and constant the kernel programs use resolves
bad=$(grep -E '^(function|field|constant) .* MISSING$' "$D/got")
nreq=$(grep -cE '^(function|field|constant) ' "$D/got")
if [ -z "$bad" ] && [ "$nreq" -gt 40 ]; then
	pass xe-btf-requirements "$nreq functions, fields and constants resolve; absent optional: $(grep ' absent$' "$D/got" | cut -d' ' -f2 | tr '\n' ' ')"
else
	fail xe-btf-requirements "$nreq checked; missing: $bad"
fi

# a function the programs need, taken out of the module's BTF, is named
cp "$D/real/vmlinux" "$D/nofunc/vmlinux"
python3 "$PARSE" --rename xe_gt_sriov_pf_control_finish_save_vf \
	xe_gt_sriov_pf_control_finish_save_XX "$D/real/xe" "$D/nofunc/xe"
if xe_doctor "$D/nofunc" >"$D/got" 2>&1; then
	fail xe-btf-missing-func "doctor --xe exited 0 with a function missing"
elif grep -qx 'function xe_gt_sriov_pf_control_finish_save_vf MISSING' "$D/got"; then
	pass xe-btf-missing-func "reported by name, exit 1"
else
	fail xe-btf-missing-func "not named: $(grep MISSING "$D/got" | head -n 1)"
fi

# no state enum: said in one line, never a compiled-in table instead
cp "$D/real/vmlinux" "$D/noenum/vmlinux"
python3 "$PARSE" --rename xe_gt_sriov_control_bits xe_gt_sriov_control_bitz \
	"$D/real/xe" "$D/noenum/xe"
if xe_doctor "$D/noenum" >"$D/got" 2>&1; then
	fail xe-btf-no-enum "doctor --xe exited 0 without the state enum"
elif grep -q '^names none no enum xe_gt_sriov_control_bits in the BTF of xe' "$D/got" &&
     ! grep -q '^state ' "$D/got"; then
	pass xe-btf-no-enum "$(grep '^names none' "$D/got")"
else
	fail xe-btf-no-enum "$(head -n 3 "$D/got" | tr '\n' ' ')"
fi

# vmlinux and no xe module: the function looked for is named
mkdir "$D/noxe"
cp "$D/real/vmlinux" "$D/noxe/vmlinux"
if xe_doctor "$D/noxe" >"$D/got" 2>&1; then
	fail xe-btf-no-module "doctor --xe exited 0 without an xe module"
elif grep -q "^module none .*xe_gt_sriov_pf_control_trigger_save_vf" "$D/got"; then
	pass xe-btf-no-module "$(head -n 1 "$D/got")"
else
	fail xe-btf-no-module "$(head -n 1 "$D/got")"
fi
check_exit
