#!/bin/sh
# xe_twin.ko loads, gets module BTF, and its debugfs (upstream's PF debugfs
# shape) migrates a VF between its two PFs with nothing but cat: the
# destination VF ends with the source's content.
set -u
. "${0%/*}/lib.sh"

if [ -e /sys/module/xe ]; then
	fail no-xe "xe.ko is loaded: the twin must never run beside it"
	guest_exit
	exit
fi
twin_load || { guest_exit; exit; }
pass insmod
[ -e /sys/kernel/btf/xe_twin ] && pass btf "/sys/kernel/btf/xe_twin" ||
	fail btf "no module BTF for xe_twin"

SRC=$TWIN/0/sriov/vf1
DST=$TWIN/1/sriov/vf1
echo 1 >$SRC/twin_fill
echo 1 >$DST/twin_digest
size=$(cat $SRC/migration_size)
[ "${size:-0}" -gt 0 ] && pass migration_size "$size bytes" ||
	fail migration_size "'$size'"
check source-pause sh -c "echo 1 >$SRC/pause"
check source-save sh -c "echo 1 >$SRC/save"
check source-read sh -c "cat $SRC/migration_data >/tmp/stream"
check source-finish cat $SRC/save
check dest-pause sh -c "echo 1 >$DST/pause"
check dest-restore sh -c "echo 1 >$DST/restore"
check dest-write sh -c "cat /tmp/stream >$DST/migration_data"
check dest-finish cat $DST/restore
check dest-resume sh -c "echo 1 >$DST/resume"
bytes=$(wc -c </tmp/stream)
now=$(sed -n 's/^now //p' $DST/twin_digest)
want=$(sed -n 's/^expected //p' $DST/twin_digest)
if [ -n "$now" ] && [ "$now" = "$want" ]; then
	pass digest "destination VF1 equals the source's pattern after $bytes stream bytes"
else
	cat $DST/twin_digest $DST/twin_state
	fail digest "destination differs: now '$now' expected '$want'"
fi
check rmmod rmmod xe_twin
guest_exit
