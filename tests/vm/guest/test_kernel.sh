#!/bin/sh
# The VM kernel itself: the version booted, the modules migscope needs, the
# BTF CO-RE relocates against, and /dev/kvm for the LAPIC timer tests.
set -u
. "${0%/*}/lib.sh"

# For the record: which kernel these results are about.
kver=$(uname -r)
want=$(cat /etc/migscope-vm/kver 2>/dev/null || true)
if [ -z "$want" ] || [ "$kver" = "$want" ]; then
	pass version "$kver ($(uname -v))"
else
	fail version "booted $kver, the initramfs was built for $want"
fi

check modprobe-xe modprobe xe
check modprobe-kvm_amd modprobe kvm_amd

for b in vmlinux xe; do
	if [ -e /sys/kernel/btf/$b ]; then pass btf-$b
	else fail btf-$b "/sys/kernel/btf/$b missing"; fi
done

if [ -c /dev/kvm ]; then pass dev-kvm
else fail dev-kvm "/dev/kvm missing (kvm_amd loaded: $([ -d /sys/module/kvm_amd ] && echo yes || echo no))"; fi

guest_exit
