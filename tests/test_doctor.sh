#!/bin/sh
# migscope doctor: every verdict is compared with an independent check
# (bpftrace attaching the same kind of hook, /proc/config.gz, securityfs),
# never with a hard-coded expectation for this machine.
. "$(dirname "$0")/lib/check.sh"

if [ "$(id -u)" != 0 ]; then
	skip doctor "needs root to load BPF programs"
	exit 0
fi

J=$(mktemp)
trap 'rm -f "$J"' EXIT
if ! "$MIGSCOPE" doctor --json >"$J"; then
	fail doctor-json "migscope doctor --json exited non-zero"
	exit 1
fi
pass doctor-json

# jget PATH: a field of the doctor JSON, e.g. jget hooks.fentry.ok
jget() {
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(str(v).lower() if isinstance(v,bool) else v)' "$J" "$1"
}

# bt_verdict PROGRAM: "true" if bpftrace can attach it, else "false"
bt_verdict() {
	if timeout 30 bpftrace -e "$1 interval:ms:200 { exit(); }" >/dev/null 2>&1
	then echo true; else echo false; fi
}

same() { # NAME DOCTOR-VALUE INDEPENDENT-VALUE SOURCE
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1" "doctor says $2, $4 says $3"; fi
}

if command -v bpftrace >/dev/null; then
	same doctor-fentry "$(jget hooks.fentry.ok)" \
		"$(bt_verdict 'kfunc:vfs_read { exit(); }')" "bpftrace kfunc"
	same doctor-kprobe "$(jget hooks.kprobe.ok)" \
		"$(bt_verdict 'kprobe:vfs_read { exit(); }')" "bpftrace kprobe"
	same doctor-kretprobe "$(jget hooks.kretprobe.ok)" \
		"$(bt_verdict 'kretprobe:vfs_read { exit(); }')" "bpftrace kretprobe"
	same doctor-uprobe "$(jget hooks.uprobe.ok)" \
		"$(bt_verdict 'uprobe:/bin/true:main { exit(); }')" "bpftrace uprobe"
	same doctor-tracepoint "$(jget hooks.tracepoint.ok)" \
		"$(bt_verdict 'tracepoint:sched:sched_process_exec { exit(); }')" \
		"bpftrace tracepoint"
else
	skip doctor-vs-bpftrace "bpftrace is not installed (scripts/deps.sh installs it)"
fi

if [ -r /proc/config.gz ]; then
	cfg() { zcat /proc/config.gz | grep -q "^$1=y" && echo true || echo false; }
	if [ "$(cfg CONFIG_KPROBES)" = false ]; then
		same doctor-kprobe-config "$(jget hooks.kprobe.ok)" false \
			"CONFIG_KPROBES"
	else
		skip doctor-kprobe-config "kprobes configured: bpftrace comparison above decides"
	fi
	if [ "$(cfg CONFIG_BPF_KPROBE_OVERRIDE)" = false ]; then
		same doctor-override-config "$(jget hooks.override_return.ok)" \
			false "CONFIG_BPF_KPROBE_OVERRIDE"
	else
		skip doctor-override-config "CONFIG_BPF_KPROBE_OVERRIDE=y: no config-only verdict"
	fi
else
	skip doctor-config "/proc/config.gz is absent"
fi

if [ -r /sys/kernel/security/lockdown ]; then
	mode=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/security/lockdown)
	same doctor-lockdown "$(jget kernel.lockdown)" "$mode" securityfs
	case $mode in
	integrity|confidentiality)
		same doctor-write-user "$(jget hooks.probe_write_user.ok)" false \
			"lockdown=$mode" ;;
	*) skip doctor-write-user "lockdown is $mode: no independent verdict" ;;
	esac
else
	skip doctor-lockdown "securityfs is not mounted"
fi

[ -e /dev/kvm ] && kvm=true || kvm=false
same doctor-dev-kvm "$(jget kernel.dev_kvm)" "$kvm" "test -e /dev/kvm"
[ -e /sys/kernel/btf/vmlinux ] && btf=true || btf=false
same doctor-btf "$(jget kernel.btf_vmlinux)" "$btf" "/sys/kernel/btf/vmlinux"

# The LAPIC feature must pick the best rung whose hooks work.
if [ "$(jget hooks.fentry.ok)" = true ] && [ "$kvm" = true ]; then
	want=fentry
elif [ "$(jget hooks.kprobe.ok)" = true ] && [ "$kvm" = true ]; then
	want=kprobe
elif [ "$(jget hooks.tp_btf.ok)" = true ] && [ "$kvm" = true ]; then
	want=tp_btf
else
	want=None
fi
same doctor-lapic-rung "$(jget features.lapic.rung)" "$want" "the hook verdicts"

# Bad input: one line, non-zero exit.
one_line_error() { # NAME EXPECTED-TEXT COMMAND...
	name=$1 text=$2
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] &&
	   printf '%s' "$out" | grep -q "$text"; then
		pass "$name"
	else
		fail "$name" "rc=$rc lines=$lines: $out"
	fi
}
one_line_error doctor-bad-option "unknown option" "$MIGSCOPE" doctor --bogus
one_line_error doctor-bad-command "unknown command" "$MIGSCOPE" frobnicate
one_line_error doctor-extra-arg "unexpected argument" "$MIGSCOPE" doctor extra
if command -v setpriv >/dev/null; then
	one_line_error doctor-unprivileged "needs root or CAP_BPF" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$MIGSCOPE" doctor
else
	skip doctor-unprivileged "setpriv (util-linux) is missing"
fi
check_exit
