#!/bin/sh
# Install the Debian packages migscope needs, only those missing, quietly
# when nothing is missing.  Called by `make`; safe to run again.
set -eu

PKGS="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libc6-dev
systemtap-sdt-dev make gcc libclang-rt-14-dev
qemu-system-x86 busybox-static zstd cpio xz-utils kmod bpftrace
python3 chromium prometheus pahole"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "migscope: missing Debian packages:$missing" >&2
	echo "migscope: run 'make deps' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "migscope: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
