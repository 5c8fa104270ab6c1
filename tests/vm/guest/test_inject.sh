#!/bin/sh
# migscope inject's kernel mechanism in the VM kernel: fmod_ret on
# security_file_permission makes read() of the targeted file fail with the
# chosen errno for the launched command only; a bystander reading the same
# file meanwhile, other files of the target, and reads after migscope
# exits are unaffected.
set -u
. "${0%/*}/lib.sh"

need_bin migscope || exit 1
F=/tmp/inject-target
echo payload >"$F"
echo other >/tmp/inject-other

# dd does plain read()s (busybox cat may sendfile): its first read fails,
# then the other file and a second dd of the target read fine (--nth 1)
OUT=$(migscope inject --site data_read --errno ENOSPC --nth 1 --file "$F" -- \
	sh -c "dd if=$F bs=4k 2>&1; cat /tmp/inject-other; dd if=$F bs=4k 2>/dev/null" 2>&1)
case $OUT in
*"No space left on device"*) pass read-fails "ENOSPC on the 1st read of $F" ;;
*) fail read-fails "$(echo "$OUT" | tr '\n' '|')" ;;
esac
n=$(echo "$OUT" | grep -c '^payload$')
if [ "$n" = 1 ] && echo "$OUT" | grep -q '^other$'; then
	pass only-nth "the second dd of $F and the other file read fine"
else
	fail only-nth "$n good reads of $F: $(echo "$OUT" | tr '\n' '|')"
fi
if echo "$OUT" | grep -q 'inject #1 site=data_read errno=ENOSPC .*mechanism=kernel'; then
	pass event
else
	fail event "no kernel inject event: $(echo "$OUT" | tail -2 | tr '\n' '|')"
fi

# a bystander reading the same file while every read of the target fails
migscope inject --site data_read --errno EIO --file "$F" -- \
	sh -c "i=0; while [ \$i -lt 40 ]; do dd if=$F of=/dev/null 2>/dev/null; i=\$((i+1)); sleep 0.05; done" \
	>/dev/null 2>&1 &
IP=$!
sleep 1
by=$(cat "$F" 2>&1)
wait $IP
if [ "$by" = payload ]; then pass bystander; else fail bystander "cat said: $by"; fi
sleep 0.5
if [ "$(cat "$F" 2>&1)" = payload ]; then pass after-detach
else fail after-detach "$(cat "$F" 2>&1)"; fi
guest_exit
