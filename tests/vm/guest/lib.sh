# shellcheck shell=sh
# Helpers for in-guest tests (busybox sh).  Source it from a guest test:
#
#   . "${0%/*}/lib.sh"
#   pass NAME [INFO]         -> ok - <test>/NAME[: INFO]
#   fail NAME WHY            -> not ok - <test>/NAME: WHY
#   skip NAME WHY            -> skip - <test>/NAME: WHY
#   check NAME CMD...        run CMD; pass, or fail with the most telling
#                            line of its output (a libbpf/verifier error
#                            when there is one) and its exit status
#   need_bin BIN             0 if /bin/BIN exists; else reports
#                            "not ok - <test>/BIN: BIN binary missing"
#   need_lapic_tools         0 if migscope, lapic-load and /dev/kvm (kvm_amd
#                            loaded on demand) are there; else reports which
#   json_hook JSON KEY       the {...} object of KEY inside "hooks" of a
#                            one-line JSON document (no jq in busybox)
#   json_field OBJ FIELD     the value of a string/bool/number field
#   twin_load                the twin tier: load xe_twin.ko (beside the test)
#                            with the tier's small VF shape; 0 if loaded
#   twin_reset VF            FLR VF on both twin PFs: READY for migsim --twin
#   wait_links PID N         wait (up to 2 min) until process PID holds N
#                            BPF links (a tracer or injector is attached);
#                            0 if it does
#
# <test> is the script name without test_ and .sh.  Lines are printed on
# stdout; /init prefixes them with VMRESULT for the host.  Everything else a
# test prints is shown on the host when that test fails.
T=${0##*/}
T=${T%.sh}
T=${T#test_}
GUEST_FAILURES=0

pass() { echo "ok - $T/$1${2:+: $2}"; }
fail() { echo "not ok - $T/$1: $2"; GUEST_FAILURES=$((GUEST_FAILURES + 1)); }
skip() { echo "skip - $T/$1: $2"; }

# The line of OUTPUT that best explains a failure, on one line: for a
# verifier rejection, libbpf's "load failed" line plus the verifier's last
# word; otherwise the last line that looks like an error.
why_line() {
	v=$(printf '%s\n' "$1" | sed -n '/BEGIN PROG LOAD LOG/,/END PROG LOAD LOG/p' |
		grep -vE 'PROG LOAD LOG|^processed [0-9]+ insns|^[[:space:]]*$' | tail -n 1)
	if [ -n "$v" ]; then
		l=$(printf '%s\n' "$1" | grep -m 1 'libbpf: prog .*load failed' || true)
		printf '%s\n' "${l:+$l; }verifier: $v"
	else
		printf '%s\n' "$1" | grep -iE 'libbpf:|error|fail|invalid|denied|not permitted|no such' |
			tail -n 1
	fi | tr -s '\t ' '  ' | cut -c1-300
}

check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		rc=$?
		printf '%s\n' "$out" | sed "s/^/  [$name] /"
		w=$(why_line "$out")
		[ -n "$w" ] || w=$(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | tail -n 1 | cut -c1-300)
		fail "$name" "'$*' exited $rc${w:+: $w}"
	fi
}

need_bin() {
	[ -x "/bin/$1" ] && return 0
	fail "$1" "$1 binary missing (not built into .output/ when the initramfs was made)"
	return 1
}

need_lapic_tools() {
	need_bin migscope || return 1
	need_bin lapic-load || return 1
	[ -c /dev/kvm ] || modprobe kvm_amd >/dev/null 2>&1
	[ -c /dev/kvm ] && return 0
	fail dev-kvm "/dev/kvm missing (kvm_amd not loaded?)"
	return 1
}

json_hook() {
	printf '%s' "$1" | tr -d '\n' | sed 's/.*"hooks"[[:space:]]*:[[:space:]]*{//' |
		grep -o "\"$2\"[[:space:]]*:[[:space:]]*{[^}]*}" | head -n 1
}

json_field() {
	printf '%s' "$1" | sed -nE "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"(([^\"\\\\]|\\\\.)*)\".*/\1/p;
		t; s/.*\"$2\"[[:space:]]*:[[:space:]]*([a-z0-9.-]*).*/\1/p" | head -n 1
}

TWIN=/sys/kernel/debug/xe_twin
twin_load() {
	need_bin migscope && need_bin migsim || return 1
	insmod "${0%/*}/xe_twin.ko" vram_size=4194304 vram_chunk=1048576 \
		guc_size=65536 ggtt_size=4194304 && return 0
	fail insmod "xe_twin.ko did not load"
	return 1
}

twin_reset() {
	echo 1 >$TWIN/0/sriov/vf$1/reset && echo 1 >$TWIN/1/sriov/vf$1/reset
}

# bpf links a process holds (fentry: tracing links, kprobe: perf links)
links_of() {
	grep -l '^link_type:' /proc/"$1"/fdinfo/* 2>/dev/null | wc -l
}

wait_links() {
	i=0
	while [ "$(links_of "$1")" -lt "$2" ] && [ $i -lt 1200 ] &&
		kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(links_of "$1")" -ge "$2" ]
}

guest_exit() { [ "$GUEST_FAILURES" -eq 0 ]; }
