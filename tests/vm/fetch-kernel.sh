#!/bin/sh
# Fetch a Debian kernel for the VM test tier (by default the current unstable
# one) and prepare everything the tier and the BPF build need, in a
# per-version cache:
#
#   $CACHE/<kver>/vmlinuz        the kernel qemu boots
#   $CACHE/<kver>/vmlinux.btf    raw vmlinux BTF (same bytes as the guest's
#                                /sys/kernel/btf/vmlinux): compile against it
#   $CACHE/<kver>/xe.btf         raw xe module BTF (split, base vmlinux.btf)
#   $CACHE/<kver>/config, System.map
#   $CACHE/<kver>/modroot/lib/modules/<kver>/   decompressed dependency
#                                closure of $VM_MODULES, depmod'ed
#   $CACHE/<kver>/debs/          the downloaded packages (restaging offline)
#   $CACHE/<kver>/build          with MIGSCOPE_VM_HEADERS=1: the kernel's
#                                headers and kbuild, for out-of-tree modules
#   $CACHE/current -> <kver>     the most recent unstable kernel prepared
#   $CACHE/current-<suite> -> <kver>  the same for another suite
#
# CACHE is ${MIGSCOPE_VM_CACHE:-/var/cache/migscope-vm}.  The system's apt
# sources are never touched: apt runs on a private sources file and private
# lists/cache directories under $CACHE/apt.
#
# Environment:
#   MIGSCOPE_VM_CACHE    cache root (default /var/cache/migscope-vm)
#   MIGSCOPE_VM_SUITE    the Debian suite to take it from (default
#                        unstable; e.g. bookworm-backports)
#   MIGSCOPE_VM_KERNEL   pin a kernel version (e.g. 7.2.13+deb14-amd64,
#                        6.12.57+deb12-amd64); used offline when it is in
#                        the cache, never pruned
#   MIGSCOPE_VM_HEADERS  1: also fetch linux-headers-<kver> and its kbuild
#                        and unpack them under $CACHE/<kver>/build
#   MIGSCOPE_VM_MODULES  modules to stage with their dependencies
#                        (default "xe kvm kvm_amd")
#   MIGSCOPE_VM_REFRESH  max age in seconds of the package lists before
#                        they are fetched again (default 21600)
#
# Output: the last line on stdout is KDIR=<cache dir of the kernel>.
# Exit status: 0 ready; 77 the mirror cannot be reached and nothing usable is
# cached, or the pinned version is no longer in the suite and not cached
# (the reason is the last line on stderr, "SKIP: ..."); anything else is a
# failure.
set -eu

CACHE=${MIGSCOPE_VM_CACHE:-/var/cache/migscope-vm}
MODULES=${MIGSCOPE_VM_MODULES:-xe kvm kvm_amd}
REFRESH=${MIGSCOPE_VM_REFRESH:-21600}
PIN=${MIGSCOPE_VM_KERNEL:-}
SUITE=${MIGSCOPE_VM_SUITE:-unstable}
HEADERS=${MIGSCOPE_VM_HEADERS:-0}
ARCH=amd64
case $SUITE in *[!a-z0-9-]* | "") echo "fetch-kernel: error: bad MIGSCOPE_VM_SUITE '$SUITE'" >&2; exit 2 ;; esac
# unstable keeps the names it always had; other suites get their own
if [ "$SUITE" = unstable ]; then SFX=; else SFX=-$SUITE; fi

log() { echo "fetch-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }
skip() { log "SKIP: $*"; exit 77; }

mkdir -p "$CACHE"
# One fetch at a time per cache (several engineers and CI share a machine).
exec 9>"$CACHE/.lock"
flock -w 900 9 || die "could not lock $CACHE/.lock within 900 s"

APTDIR=$CACHE/apt$SFX
CURRENT=$CACHE/current$SFX
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"

# The Debian mirror the system already uses, read from its apt configuration
# at run time (deb822 .sources or one-line .list); unstable and backports
# live beside the stable suites there.
mirror() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
			/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
	} | grep -E '^https?://[^ ]*/debian/?$' | head -n 1
}

MIRROR=${MIGSCOPE_VM_MIRROR:-$(mirror)}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "${MIRROR%/}" "$SUITE" \
	>"$APTDIR/sources.list"

case $CACHE in *[[:space:]]*) die "MIGSCOPE_VM_CACHE must not contain spaces" ;; esac
# Private apt state: the system's sources, lists and caches stay untouched.
APT_OPTS="-o Dir::Etc::SourceList=$APTDIR/sources.list
	-o Dir::Etc::SourceParts=/nonexistent
	-o Dir::State::Lists=$APTDIR/lists
	-o Dir::Cache=$APTDIR/cache
	-o APT::Architectures::=$ARCH -o APT::Architecture=$ARCH"
NET_OPTS="-o Acquire::Languages=none
	-o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30
	-o Acquire::Retries=2 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt_q() { t=$1; shift; timeout "$t" apt-get -q $APT_OPTS $NET_OPTS "$@"; }
# shellcheck disable=SC2086
cache_q() { apt-cache $APT_OPTS "$@"; }

is_ready() { [ -f "$CACHE/$1/.complete" ]; }

# Fetch the suite's package lists; returns 1 when the mirror is unreachable.
UPDATED=0
update_lists() {
	UPDATE_KIND=unreachable
	[ -n "$MIRROR" ] || { UPDATE_ERR="no Debian mirror in /etc/apt/sources*"; return 1; }
	log "updating $SUITE package lists"
	rc=0
	out=$(apt_q 90 update 2>&1) || rc=$?
	# apt-get update exits 0 on some fetch errors; demand a Packages list.
	if [ "$rc" -eq 0 ] && ! printf '%s\n' "$out" | grep -qE '^(Err:|E:)' &&
		ls "$APTDIR"/lists/*_dists_"${SUITE}"_*Packages* >/dev/null 2>&1; then
		UPDATED=1
		touch "$APTDIR/lists/.stamp"
		return 0
	fi
	printf '%s\n' "$out" >&2
	UPDATE_ERR=$(printf '%s\n' "$out" | grep -m 1 -A 1 -E '^(E|W|Err):' |
		tr -s '\n\t ' '   ' | sed 's/ *$//' | cut -c1-240)
	UPDATE_ERR=${UPDATE_ERR:-apt-get update exited $rc: $(printf '%s\n' "$out" | tail -n 1)}
	# Only a network failure is "unreachable" (a skip); a mirror that
	# answers with bad signatures or hashes is a failure.
	if printf '%s\n' "$out" | grep -qiE 'GPG|NO_PUBKEY|not signed|signature|Hash Sum|mismatch'; then
		UPDATE_KIND=broken
	elif [ "$rc" -eq 124 ] || printf '%s\n' "$out" | grep -qiE \
		'Could not (resolve|connect)|Temporary failure|Connection (refused|timed out|failed)|Unable to connect|unreachable|No route to host|Cannot initiate|timed out'; then
		UPDATE_KIND=unreachable
	else
		UPDATE_KIND=broken
	fi
	return 1
}

# After update_lists failed: skip when the mirror cannot be reached, fail
# when it answered wrongly.
no_mirror() {
	[ "$UPDATE_KIND" = unreachable ] ||
		die "apt-get update of $SUITE failed: $UPDATE_ERR"
	skip "Debian mirror unreachable$1 ($UPDATE_ERR)"
}

lists_fresh() {
	[ -f "$APTDIR/lists/.stamp" ] || return 1
	now=$(date +%s)
	then_=$(stat -c %Y "$APTDIR/lists/.stamp")
	[ $((now - then_)) -lt "$REFRESH" ]
}

# linux-image-amd64 depends on linux-image-<kver>; print <kver>.
resolve_kver() {
	cache_q show linux-image-$ARCH 2>/dev/null |
		sed -n 's/^Depends:.*linux-image-\([^ ,]*-'$ARCH'\) (.*/\1/p' | head -n 1
}

# --- which kernel -----------------------------------------------------------
KVER=$PIN
if [ -n "$KVER" ] && is_ready "$KVER"; then
	log "using pinned cached kernel $KVER"
else
	if ! lists_fresh; then
		if ! update_lists; then
			if [ "$UPDATE_KIND" = unreachable ] && [ -z "$KVER" ] &&
				[ -L "$CURRENT" ] &&
				is_ready "$(readlink "$CURRENT")"; then
				KVER=$(readlink "$CURRENT")
				log "mirror unreachable ($UPDATE_ERR); using cached $KVER"
			else
				no_mirror ", no cached kernel"
			fi
		fi
	fi
	if [ -z "$KVER" ]; then
		KVER=$(resolve_kver)
		[ -n "$KVER" ] || die "cannot resolve linux-image-$ARCH in $SUITE"
	fi
fi
# A pinned version the suite no longer carries cannot appear by retrying.
if [ -n "$PIN" ] && ! is_ready "$KVER" && [ ! -d "$CACHE/$KVER/debs" ] &&
	[ -z "$(cache_q show "linux-image-$KVER" 2>/dev/null | head -n 1)" ]; then
	skip "linux-image-$KVER is not in $SUITE on $MIRROR and not cached"
fi
KDIR=$CACHE/$KVER
log "kernel $KVER in $KDIR"

# --- download ---------------------------------------------------------------
# linux-image-<kver> is (now) a small meta package; the kernel, modules and
# base files are its linux-*-<kver> dependencies.  Take whatever names that
# version uses, plus the image package itself (older layouts ship the kernel
# there), and unpack them all.
# the package names PKG depends on (alternatives included), one a line
depends_of() {
	cache_q show "$1" 2>/dev/null | sed -n 's/^Depends: //p' |
		head -n 1 | tr ',|' '\n\n' | sed 's/(.*//; s/ //g'
}

pkg_names() {
	echo "linux-image-$KVER"
	depends_of "linux-image-$KVER" | awk -v k="$KVER" '/^linux-/ && $0 != "linux-image-" k &&
			substr($0, length($0) - length(k) + 1) == k'
}

download() {
	mkdir -p "$KDIR/debs.tmp"
	pkgs=$(pkg_names)
	log "downloading: $(echo "$pkgs" | tr '\n' ' ')"
	# shellcheck disable=SC2086 # one word per package
	(cd "$KDIR/debs.tmp" && apt_q 240 download $pkgs >&2)
}

if ! is_ready "$KVER" && [ ! -d "$KDIR/debs" ]; then
	[ "$UPDATED" = 1 ] || lists_fresh || update_lists || no_mirror ""
	rm -rf "$KDIR/debs.tmp"
	if ! download; then
		# the suite may have moved since the lists were fetched: refresh once.
		log "download failed; refreshing the lists and retrying once"
		update_lists || no_mirror ""
		rm -rf "$KDIR/debs.tmp"
		NEW=$(resolve_kver)
		if [ -z "$PIN" ] && [ -n "$NEW" ] && [ "$NEW" != "$KVER" ]; then
			log "$SUITE moved from $KVER to $NEW during the fetch"
			rmdir "$KDIR" 2>/dev/null || true
			KVER=$NEW
			KDIR=$CACHE/$KVER
		fi
		download || die "downloading the $KVER packages failed (mirror reachable)"
	fi
	mv "$KDIR/debs.tmp" "$KDIR/debs"
fi

# --- headers and kbuild (MIGSCOPE_VM_HEADERS=1) ------------------------------
# linux-headers-<kver> and the linux-headers-*/linux-kbuild-* it depends on,
# unpacked together so their relative links resolve; build -> the tree.
stage_headers() {
	[ "$HEADERS" = 1 ] || return 0
	[ -f "$KDIR/headers/.complete" ] && return 0
	[ "$UPDATED" = 1 ] || lists_fresh || update_lists || no_mirror " (headers of $KVER not cached)"
	pkgs="linux-headers-$KVER $(depends_of "linux-headers-$KVER" |
		grep -E '^linux-(headers|kbuild)-' | tr '\n' ' ')"
	rm -rf "$KDIR/headers"
	mkdir -p "$KDIR/headers/debs"
	log "downloading headers: $pkgs"
	# shellcheck disable=SC2086 # one word per package
	(cd "$KDIR/headers/debs" && apt_q 240 download $pkgs >&2) ||
		die "downloading the headers of $KVER failed (is linux-headers-$KVER in $SUITE?)"
	for d in "$KDIR"/headers/debs/*.deb; do
		dpkg-deb -x "$d" "$KDIR/headers"
	done
	[ -f "$KDIR/headers/usr/src/linux-headers-$KVER/Makefile" ] ||
		die "no usr/src/linux-headers-$KVER/Makefile in the headers packages"
	ln -sfn "headers/usr/src/linux-headers-$KVER" "$KDIR/build"
	touch "$KDIR/headers/.complete"
}

# Kernels of this suite not pinned: the newest two stay (the suite moves).
prune() {
	[ -z "$PIN" ] || return 0
	kept=0
	# shellcheck disable=SC2010,SC2012 # cache names have no blanks (checked above)
	for old in $(ls -1t "$CACHE"/*/.complete 2>/dev/null | grep -v "^$CACHE/current"); do
		d=${old%/.complete}
		[ -f "$d/.pinned" ] && continue
		[ "$(cat "$d/suite" 2>/dev/null || echo unstable)" = "$SUITE" ] || continue
		kept=$((kept + 1))
		[ "$kept" -le 2 ] || [ "$d" = "$KDIR" ] && continue
		log "pruning old kernel $d"
		rm -rf "$d"
	done
}

finish() {
	stage_headers
	[ -z "$PIN" ] || touch "$KDIR/.pinned"
	ln -sfn "$KVER" "$CURRENT"
	prune
	log "ready: $KDIR"
	echo "KDIR=$KDIR"
	exit 0
}

# --- unpack, BTF, module closure ----------------------------------------------
# shellcheck disable=SC2086,SC2116 # normalise the blanks of the list
want_modules=$(echo $MODULES)
if is_ready "$KVER" && [ "$(cat "$KDIR/modules.list" 2>/dev/null)" = "$want_modules" ]; then
	finish
fi

log "unpacking"
PKGROOT=$KDIR/pkgroot
rm -rf "$PKGROOT" "$KDIR/.complete"
mkdir -p "$PKGROOT"
for d in "$KDIR"/debs/*.deb; do
	dpkg-deb -x "$d" "$PKGROOT"
done
MODDIR=$PKGROOT/usr/lib/modules/$KVER
[ -d "$MODDIR" ] || MODDIR=$PKGROOT/lib/modules/$KVER
[ -d "$MODDIR" ] || die "no modules directory for $KVER in the packages"
VMLINUZ=$MODDIR/vmlinuz
[ -f "$VMLINUZ" ] || VMLINUZ=$PKGROOT/boot/vmlinuz-$KVER
[ -f "$VMLINUZ" ] || die "no vmlinuz for $KVER in the packages"
cp "$VMLINUZ" "$KDIR/vmlinuz"
for f in config System.map; do
	if [ -f "$MODDIR/$f" ]; then cp "$MODDIR/$f" "$KDIR/$f"
	elif [ -f "$PKGROOT/boot/$f-$KVER" ]; then cp "$PKGROOT/boot/$f-$KVER" "$KDIR/$f"
	fi
done

log "extracting vmlinux BTF"
# The bzImage carries a compressed vmlinux (zstd on 7.x, xz on 6.12): find
# the first frame magic of either.
off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd|\xfd7zXZ\x00' "$KDIR/vmlinuz" | head -n 1)
[ -n "$off" ] || die "no zstd or xz payload in vmlinuz (different compression?)"
case ${off#*:} in
"("*) unpack="zstd -dcq" ;;
*) unpack="xz -dcq" ;;
esac
# the decompressor complains about the bytes after the frame; the ELF check
# below decides.
tail -c +$((${off%%:*} + 1)) "$KDIR/vmlinuz" | $unpack >"$KDIR/vmlinux.tmp" 2>/dev/null || true
objcopy --dump-section .BTF="$KDIR/vmlinux.btf" "$KDIR/vmlinux.tmp" /dev/null ||
	die "no .BTF section in the decompressed vmlinux"
rm -f "$KDIR/vmlinux.tmp"

# Dependency closure from each module's modinfo "depends", resolved through
# modules.order (names use '_', files may use '-').
log "staging modules: $want_modules"
STAGE=$KDIR/modroot.tmp
rm -rf "$STAGE"
mkdir -p "$STAGE/lib/modules/$KVER"
ORDER=$MODDIR/modules.order
[ -f "$ORDER" ] || die "no modules.order in the packages"
modpath() {
	n=$(echo "$1" | tr - _)
	awk -v n="$n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko.*$/, "", b);
		gsub(/-/, "_", b); if (b == n) { print; exit } }' "$ORDER"
}
todo=$want_modules
seen=" "
while [ -n "$todo" ]; do
	# shellcheck disable=SC2086 # a blank-separated work list
	set -- $todo
	m=$(echo "$1" | tr - _)
	shift
	todo=$*
	case $seen in *" $m "*) continue ;; esac
	seen="$seen$m "
	rel=$(modpath "$m")
	if [ -z "$rel" ]; then
		grep -qE "/$m\.ko|/$(echo "$m" | tr _ -)\.ko" "$MODDIR/modules.builtin" 2>/dev/null &&
			continue
		die "module $m not found for $KVER"
	fi
	src=$(ls "$MODDIR/$rel" "$MODDIR/$rel.xz" "$MODDIR/$rel.zst" "$MODDIR/$rel.gz" 2>/dev/null | head -n 1)
	[ -n "$src" ] || die "module file $rel missing"
	dst=$STAGE/lib/modules/$KVER/${rel%.ko*}.ko
	mkdir -p "$(dirname "$dst")"
	case $src in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -dcq "$src" >"$dst" ;;
	*.gz) gzip -dc "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
	deps=$(modinfo -F depends "$dst" | tr , ' ')
	# shellcheck disable=SC2086,SC2116
	todo=$(echo $todo $deps)
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$MODDIR/$f" ] && cp "$MODDIR/$f" "$STAGE/lib/modules/$KVER/"
done
depmod -b "$STAGE" "$KVER" || die "depmod failed on the staged modules"
log "staged $(find "$STAGE" -name '*.ko' | wc -l) modules"

xe=$(find "$STAGE" -name xe.ko | head -n 1)
if [ -n "$xe" ]; then
	objcopy --dump-section .BTF="$KDIR/xe.btf" "$xe" /dev/null ||
		die "no .BTF section in xe.ko"
fi

rm -rf "$KDIR/modroot"
mv "$STAGE" "$KDIR/modroot"
rm -rf "$PKGROOT"
echo "$want_modules" >"$KDIR/modules.list"
echo "$KVER" >"$KDIR/kver"
echo "$SUITE" >"$KDIR/suite"
touch "$KDIR/.complete"
finish
