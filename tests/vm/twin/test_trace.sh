#!/bin/sh
# migscope trace --target kernel on migrations through the twin, with the
# fentry rung and with the kprobe rung, and the same migration traced on the
# user-space model in this guest.  The guest has no JSON tools: every
# document is printed as "TWINJSON <name> <line>" and the host compares
# them (tests/vm/twin_check.py).  Here: each run worked, and the tracer was
# attached before the migration began.
set -u
. "${0%/*}/lib.sh"

# the user-space model in the twin's shape (twin_load)
MODEL_SIZES="--vram 4M --chunk 1M --guc 64K --ggtt 4M"

twin_load || { guest_exit; exit; }

emit() {	# NAME FILE: the file's lines for the host
	sed "s/^/TWINJSON $1 /" "$2"
}

# CLOCK_MONOTONIC in ns, the clock of the trace's ts_ns
now_ns() {
	sed -n 's/^now at \([0-9]*\) nsecs$/\1/p' /proc/timer_list | head -n 1
}

# run NAME MIGSIM-ARGS...: one migsim run on the twin; its report and the
# monotonic window it ran in go to the host
run() {
	name=$1
	shift
	t0=$(now_ns)
	migsim "$@" --twin --json >/tmp/$name.migsim 2>/tmp/$name.merr
	mrc=$?
	t1=$(now_ns)
	if [ $mrc -ne 0 ]; then
		cat /tmp/$name.merr
		fail "$name" "migsim $* --twin exited $mrc: $(tail -n 1 /tmp/$name.merr)"
		return 1
	fi
	pass "$name" "$(json_field "$(cat /tmp/$name.migsim)" stream_bytes) stream bytes"
	emit "$name.migsim" /tmp/$name.migsim
	echo "TWINJSON $name.window {\"from\":$t0,\"to\":$t1}"
}

# traced HOOK: one tracer, attached with every program of the rung before
# anything runs (their number is counted on the host, in twin-progs), over
# a migration, a save and a restore of that stream
traced() {
	hook=$1
	nprogs=$(sed -n "s/^$hook //p" "${0%/*}/twin-progs")
	# fentry also records, for `migscope report` on the host
	if [ "$hook" = fentry ]; then
		migscope record -o /tmp/$hook.rec --target kernel --hook "$hook" \
			--json >/tmp/$hook.trace 2>/tmp/$hook.err &
	else
		migscope trace --target kernel --hook "$hook" --json \
			-o /tmp/$hook.trace 2>/tmp/$hook.err &
	fi
	tracer=$!
	if ! wait_links $tracer "$nprogs"; then
		cat /tmp/$hook.err
		fail "$hook-attach" "the tracer did not attach its $nprogs programs: $(why_line "$(cat /tmp/$hook.err)")"
		kill $tracer 2>/dev/null
		return 1
	fi
	pass "$hook-attach" "$nprogs programs"
	twin_reset 1
	run migrate-$hook migrate
	twin_reset 1
	run save-$hook save --out /tmp/stream
	run restore-$hook restore --in /tmp/stream
	kill -INT $tracer
	if wait $tracer; then
		emit "$hook.trace" /tmp/$hook.trace
		[ -f /tmp/$hook.rec ] &&
			base64 /tmp/$hook.rec | sed "s/^/TWINB64 $hook.rec /"
	else
		cat /tmp/$hook.err
		fail "$hook-trace" "migscope trace exited non-zero: $(why_line "$(cat /tmp/$hook.err)")"
	fi
}

traced fentry
traced kprobe

# the user-space model, the same shape and the same three runs, traced
# through its USDT probes
M=/bin/migsim
# shellcheck disable=SC2086
if migscope trace --json -q --binary $M -o /tmp/model.trace -- sh -c "
	$M migrate --json $MODEL_SIZES >/dev/null &&
	$M save --out /tmp/mstream $MODEL_SIZES >/dev/null &&
	$M restore --in /tmp/mstream $MODEL_SIZES >/dev/null" \
	>/dev/null 2>/tmp/model.err; then
	pass model "user-space model traced"
	emit model.trace /tmp/model.trace
else
	cat /tmp/model.err
	fail model "migscope trace of the model failed: $(tail -n 1 /tmp/model.err)"
fi
rmmod xe_twin
guest_exit
