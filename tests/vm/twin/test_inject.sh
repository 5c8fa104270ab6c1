#!/bin/sh
# migscope inject --mechanism kernel on the twin: the third read() of the
# twin's migration_data by the targeted migsim fails with EIO, migsim
# reports it at data_read, a migration of another VF by a process out of
# scope, while the injector is armed, is untouched, and nothing is armed
# once migscope has exited, SIGKILL included.
set -u
. "${0%/*}/lib.sh"

twin_load || { guest_exit; exit; }

# park NAME: a shell that runs migsim on VF1 once /tmp/NAME.go is written
park() {
	mkfifo /tmp/$1.go
	sh -c "cat /tmp/$1.go >/dev/null; exec migsim migrate --twin --json" \
		>/tmp/$1.out 2>/tmp/$1.merr &
	parked=$!
}

# start_injector NAME NTH: migscope inject on the parked shell's tree
start_injector() {
	park $1
	migscope inject --mechanism kernel --site data_read --errno EIO \
		--nth "$2" -p $parked >/tmp/$1.inj 2>&1 &
	injector=$!
	wait_links $injector 1
}

field() { json_field "$(cat "$1")" "$2"; }

# an injector armed for a process, gone before it reads (SIGINT, or
# SIGKILL): that process then migrates untouched (its forks would be in
# scope were anything left attached).  Before the EIO run below: a restore
# cancelled mid-packet leaves the destination VF's pending packet behind,
# and the next restore on that VF continues it (docs/twin.md).
for how in INT KILL; do
	twin_reset 1
	if ! start_injector sig$how 1; then
		fail after-$how "the injector did not attach: $(tail -n 1 /tmp/sig$how.inj)"
		continue
	fi
	kill -$how $injector
	wait $injector 2>/dev/null
	echo go >/tmp/sig$how.go
	wait $parked
	if [ "$(field /tmp/sig$how.out verified)" = true ]; then
		pass after-$how "the target of an armed injector ended by SIG$how migrated untouched"
	else
		fail after-$how "after SIG$how to migscope: $(cat /tmp/sig$how.out /tmp/sig$how.merr | tr '\n' ' ')"
	fi
done

twin_reset 1
if ! start_injector nth3 3; then
	cat /tmp/nth3.inj
	fail armed "migscope inject did not attach: $(why_line "$(cat /tmp/nth3.inj)")"
	guest_exit
	exit
fi
pass armed
# a bystander migrates VF2 while the injector is armed
if migsim migrate --twin --vf 2 --json >/tmp/by.json 2>/tmp/by.err &&
	[ "$(field /tmp/by.json verified)" = true ]; then
	pass bystander "VF2 migrated and verified, $(field /tmp/by.json stream_bytes) bytes, under an armed injector"
else
	fail bystander "the out-of-scope migration failed: $(cat /tmp/by.json /tmp/by.err | tr '\n' ' ')"
fi
echo go >/tmp/nth3.go
wait $parked
kill -INT $injector
wait $injector
m=$(grep '^{"result"' /tmp/nth3.out)
if [ "$(json_field "$m" src_failed_at)" = data_read ] &&
	[ "$(json_field "$m" src_errno)" = 5 ]; then
	pass third-read "migsim: src_failed_at data_read, errno EIO"
else
	cat /tmp/nth3.out /tmp/nth3.merr /tmp/nth3.inj
	fail third-read "migsim did not report EIO at data_read: $m"
fi
reads=$(printf '%s' "$m" | sed -n 's/.*"data_read":{"calls":\([0-9]*\),"bytes":[0-9]*,"errors":\([0-9]*\)[,}].*/\1 \2/p')
if [ "$reads" = "3 1" ]; then
	pass nth "the 3rd read failed, the first two passed"
else
	fail nth "data_read calls and errors: '$reads', expected '3 1'"
fi
if grep -q 'inject #1 site=data_read errno=EIO .*mechanism=kernel' /tmp/nth3.inj; then
	pass event
else
	fail event "no kernel inject event: $(tail -n 2 /tmp/nth3.inj | tr '\n' ' ')"
fi

twin_reset 1
twin_reset 2
rmmod xe_twin
guest_exit
