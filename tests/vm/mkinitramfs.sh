#!/bin/sh
# Build the VM test tier's initramfs (uncompressed newc cpio: under TCG the
# guest would spend longer decompressing it than the host spends copying).
# Usage: tests/vm/mkinitramfs.sh KDIR OUTPUT.cpio
#   KDIR     a kernel directory prepared by tests/vm/fetch-kernel.sh
# Environment:
#   VM_BINS              static binaries to include (default: migscope,
#                        migsim, lapic-load from .output/); missing ones are
#                        left out, guest tests report them
#   VM_MODULES           modules /init loads before the tests
#                        (default: the list fetch-kernel.sh staged)
#   VM_TEST_TIMEOUT      per guest test limit in seconds (default 120)
#   VM_EXTRA_TESTS       more directories whose files are copied beside the
#                        guest tests (trying a test, or the harness, locally)
#   VM_GUEST_TESTS       the guest test files to run instead of every
#                        guest/test_*.sh (guest/lib.sh is always there)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KDIR=$1
OUTPUT=$2
KVER=$(cat "$KDIR/kver")
BINS=${VM_BINS:-$ROOT/.output/migscope $ROOT/.output/migsim $ROOT/.output/lapic-load}
MODULES=${VM_MODULES:-$(cat "$KDIR/modules.list")}

BUSYBOX=$(command -v busybox) || { echo "mkinitramfs: busybox not installed" >&2; exit 1; }
# A program with a PT_INTERP header needs a dynamic loader the guest lacks.
dynamic() { readelf -lW "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }
if dynamic "$BUSYBOX"; then
	echo "mkinitramfs: $BUSYBOX is not static (install busybox-static)" >&2
	exit 1
fi

STAGE=$(mktemp -d "${OUTPUT%/*}/initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/bin" "$STAGE/etc/migscope-vm" "$STAGE/lib" "$STAGE/tests" \
	"$STAGE/proc" "$STAGE/sys" "$STAGE/dev" "$STAGE/tmp" "$STAGE/root"

cp "$BUSYBOX" "$STAGE/bin/busybox"
cp "$HERE/guest-init" "$STAGE/init"
chmod 0755 "$STAGE/init"
cp -R "$KDIR/modroot/lib/modules" "$STAGE/lib/"
if [ -n "${VM_GUEST_TESTS:-}" ]; then
	cp "$HERE/guest/lib.sh" "$STAGE/tests/"
	# shellcheck disable=SC2086 # a blank-separated list of files
	cp $VM_GUEST_TESTS "$STAGE/tests/"
else
	cp -R "$HERE/guest/." "$STAGE/tests/"
fi
for d in ${VM_EXTRA_TESTS:-}; do
	cp -R "$d/." "$STAGE/tests/"
done
echo "$KVER" >"$STAGE/etc/migscope-vm/kver"
echo "$MODULES" >"$STAGE/etc/migscope-vm/modules"
echo "${VM_TEST_TIMEOUT:-120}" >"$STAGE/etc/migscope-vm/test-timeout"
# the xe state/packet table parsed on the host independently of migscope
# (guest/test_xe_btf.sh compares); empty when the kernel has no xe BTF
python3 "$HERE/xe_btf_names.py" "$KDIR/vmlinux.btf" "$KDIR/xe.btf" \
	>"$STAGE/etc/migscope-vm/xe-btf-names" 2>/dev/null || true

for b in $BINS; do
	[ -f "$b" ] || { echo "mkinitramfs: $b not built, left out" >&2; continue; }
	if dynamic "$b"; then
		echo "mkinitramfs: warning: $b is dynamically linked; it will not run in the guest" >&2
	fi
	cp "$b" "$STAGE/bin/"
done

(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$OUTPUT.tmp"
mv "$OUTPUT.tmp" "$OUTPUT"
