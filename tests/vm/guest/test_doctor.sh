#!/bin/sh
# `migscope doctor --json` inside the VM kernel: the kernel-function hooks the
# host kernel refuses (fentry, kprobe, fmod_ret) must all work here.
set -u
. "${0%/*}/lib.sh"

need_bin migscope || exit 1

out=$(migscope doctor --json 2>/tmp/doctor.err)
rc=$?
json=$(printf '%s\n' "$out" | grep '^[[:space:]]*{' | tail -n 1)
if [ -z "$json" ]; then
	cat /tmp/doctor.err
	w=$(why_line "$(cat /tmp/doctor.err)")
	fail json "no JSON object on stdout (exit $rc)${w:+: $w}"
	exit 1
fi
pass json "exit $rc, kernel $(json_field "$json" release), btf_xe $(json_field "$json" btf_xe)"
printf '%s\n' "$json"

for hook in fentry fexit kprobe kretprobe fmod_ret; do
	obj=$(json_hook "$json" "$hook")
	if [ -z "$obj" ]; then
		fail "$hook" "no hooks.$hook in the doctor report"
	elif [ "$(json_field "$obj" ok)" = true ]; then
		pass "$hook"
	else
		fail "$hook" "doctor says not ok: $(json_field "$obj" reason)"
	fi
done

# Other hooks are reported for the record only.
for hook in tp_btf; do
	obj=$(json_hook "$json" "$hook")
	[ -n "$obj" ] || continue
	if [ "$(json_field "$obj" ok)" = true ]; then pass "$hook"
	else skip "$hook" "not required here: $(json_field "$obj" reason)"; fi
done

[ -s /tmp/doctor.err ] && sed 's/^/  [doctor stderr] /' /tmp/doctor.err
guest_exit
