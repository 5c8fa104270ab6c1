#!/bin/sh
# Kernel target of migscope trace: every fentry/fexit and kprobe/kretprobe
# program of bpf/migtrace.bpf.c must load (CO-RE relocated against this
# kernel's xe module BTF) and attach to the real xe.ko.  One line per
# program.  They cannot fire here: the guest has no Xe device.
set -u
. "${0%/*}/lib.sh"

need_bin migscope || { guest_exit; exit; }
modprobe xe 2>/dev/null
if [ ! -e /sys/kernel/btf/xe ]; then
	fail xe-btf "xe module not loaded or without BTF (/sys/kernel/btf/xe missing)"
	guest_exit
	exit
fi

for fam in fentry kprobe; do
	out=$(migscope trace --target kernel --hook "$fam" --attach-check 2>&1)
	rc=$?
	n=0
	absent=
	# "prog NAME SECTION ok", "prog NAME SECTION FAIL why..." or, for an
	# optional hook this kernel lacks, "prog NAME SECTION absent why..."
	while read -r kind name sec verdict why; do
		case $kind in
		prog)
			n=$((n + 1))
			case $verdict in
			ok) pass "$fam/$name" "$sec" ;;
			absent) absent="$absent ${sec#*/}" ;;
			*) fail "$fam/$name" "$sec: $why" ;;
			esac ;;
		together)
			if [ "$sec" = ok ]; then pass "$fam/all-together" "$verdict $why"
			else fail "$fam/all-together" "loading and attaching all $fam programs at once failed"; fi ;;
		esac
	done <<EOF
$out
EOF
	# optional hooks on functions this kernel lacks: one line, named
	[ -z "$absent" ] || skip "$fam/absent" "functions this kernel lacks:$(printf '%s\n' $absent | sort -u | tr '\n' ' ')"
	if [ "$n" -eq 0 ]; then
		printf '%s\n' "$out" | sed "s/^/  [$fam] /"
		fail "$fam" "no program verdicts (exit $rc): $(why_line "$out")"
	elif [ "$rc" -ne 0 ]; then
		fail "$fam/exit" "--attach-check exited $rc after $n verdicts"
	else
		pass "$fam/exit" "$n programs"
	fi
done

# the same choice a user gets: auto picks the best rung and says why
out=$(migscope trace --target kernel --duration 0.2 -q 2>&1)
if printf '%s\n' "$out" | grep -q 'tracing the xe driver with'; then
	pass kernel-run "$(printf '%s\n' "$out" | grep 'tracing the xe driver' | head -n 1)"
else
	printf '%s\n' "$out" | sed 's/^/  [run] /'
	fail kernel-run "migscope trace --target kernel did not start: $(why_line "$out")"
fi

guest_exit
