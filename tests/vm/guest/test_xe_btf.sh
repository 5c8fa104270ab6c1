#!/bin/sh
# migscope's view of the real xe.ko of this kernel, from its live BTF
# (/sys/kernel/btf/<the module holding the xe functions>), against the table
# the host parsed from the same kernel's xe BTF with an independent parser
# (tests/vm/xe_btf_names.py, written to /etc/migscope-vm/xe-btf-names by
# mkinitramfs.sh): bit by bit, plus every function, field path and constant
# the kernel programs use, and the optional hooks this kernel lacks, by name.
set -u
. "${0%/*}/lib.sh"

need_bin migscope || { guest_exit; exit; }
modprobe xe 2>/dev/null
EXP=/etc/migscope-vm/xe-btf-names
if [ ! -s "$EXP" ]; then
	fail host-parse "$EXP missing or empty: the host could not parse xe.btf"
	guest_exit
	exit
fi

out=$(migscope doctor --xe 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then pass doctor-xe "$(printf '%s\n' "$out" | head -n 1)"
else fail doctor-xe "exit $rc: $(printf '%s\n' "$out" | grep -E 'MISSING|none' | head -n 1)"; fi

table=$(printf '%s\n' "$out" | grep -E '^(state|type) ')
if [ "$table" = "$(cat "$EXP")" ]; then
	pass table "$(grep -c '^state ' "$EXP") state bits, $(grep -c '^type ' "$EXP") packet types identical to the host's independent parse"
else
	printf '%s\n' "$table" >/tmp/xe-table
	fail table "differs from the host parse: $(diff /tmp/xe-table "$EXP" | grep '^[-+][st]' | head -n 3 | tr '\n' ' ')"
fi
n=$(printf '%s\n' "$table" | grep -c '^state ')
if [ "$n" -eq 39 ]; then pass 39-states; else fail 39-states "$n named states"; fi
for want in 'state 3 FLR_PREPARE' 'state 39 MISMATCH'; do
	if printf '%s\n' "$table" | grep -qx "$want"; then pass "${want#state }"
	else fail "${want#state }" "not in migscope's table"; fi
done

missing=$(printf '%s\n' "$out" | grep -E '^(function|field|constant) .* MISSING$')
nreq=$(printf '%s\n' "$out" | grep -cE '^(function|field|constant) ')
if [ -z "$missing" ] && [ "$nreq" -gt 40 ]; then
	pass requirements "$nreq functions, field paths and constants resolve"
else
	fail requirements "$nreq checked, missing: $(printf '%s' "$missing" | tr '\n' ' ')"
fi
# hooks this kernel lacks are named (Debian builds without xe-vfio-pci)
absent=$(printf '%s\n' "$out" | sed -n 's/^function \(.*\) absent$/\1/p' | tr '\n' ' ')
# informational: which optional hooks this kernel lacks (not a check)
echo "# absent optional hooks: ${absent:-none}"
guest_exit
