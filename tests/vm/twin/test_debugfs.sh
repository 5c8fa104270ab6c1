#!/bin/sh
# xe_twin.ko loads, gets module BTF, and its debugfs (upstream's PF debugfs
# shape) migrates a VF between its two PFs with nothing but cat: the
# destination VF ends with the source's content.
set -u
. "${0%/*}/lib.sh"

D=/sys/kernel/debug/xe_twin
if [ -e /sys/module/xe ]; then
	fail no-xe "xe.ko is loaded: the twin must never run beside it"
	guest_exit
	exit
fi
check insmod insmod "${0%/*}/xe_twin.ko" vram_size=4194304 guc_size=65536 \
	ggtt_size=4194304
[ -e /sys/kernel/btf/xe_twin ] && pass btf "/sys/kernel/btf/xe_twin" ||
	fail btf "no module BTF for xe_twin"

S=$D/0/sriov/vf1
T=$D/1/sriov/vf1
echo 1 >$S/twin_fill
echo 1 >$T/twin_digest
size=$(cat $S/migration_size)
[ "${size:-0}" -gt 0 ] && pass migration_size "$size bytes" ||
	fail migration_size "'$size'"
check source-pause sh -c "echo 1 >$S/pause"
check source-save sh -c "echo 1 >$S/save"
check source-read sh -c "cat $S/migration_data >/tmp/stream"
check source-finish cat $S/save
check dest-pause sh -c "echo 1 >$T/pause"
check dest-restore sh -c "echo 1 >$T/restore"
check dest-write sh -c "cat /tmp/stream >$T/migration_data"
check dest-finish cat $T/restore
check dest-resume sh -c "echo 1 >$T/resume"
bytes=$(wc -c </tmp/stream)
now=$(sed -n 's/^now //p' $T/twin_digest)
want=$(sed -n 's/^expected //p' $T/twin_digest)
if [ -n "$now" ] && [ "$now" = "$want" ]; then
	pass digest "destination VF1 equals the source's pattern after $bytes stream bytes"
else
	cat $T/twin_digest $T/twin_state
	fail digest "destination differs: now '$now' expected '$want'"
fi
if out=$(cat $S/migration_data 2>&1); then
	fail no-stream "reading a VF not saving returned '$out'"
else
	pass no-stream "$out"
fi
check rmmod rmmod xe_twin
guest_exit
