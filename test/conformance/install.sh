#!/usr/bin/env bash
# Installs what the conformance run needs from Debian's own archive when it is missing:
# QEMU (qemu-system-arm), cpio and xz on the host; for the arm64 guest busybox-static and the
# kernel packages (6.1 and both 6.12 builds), resolved to their current versions with apt-cache.
# Nothing is downloaded any other way. Exit 2 when something cannot be installed.
set -euo pipefail

# The kernel packages the run can boot, by the name the driver's --kernel takes.
KERNEL_PACKAGES=(linux-image-arm64 linux-image-6.12-arm64 linux-image-6.12-arm64-16k)

fail() {
  echo "test/conformance/install: $*" >&2
  exit 2
}

have_host_tools() {
  command -v qemu-system-aarch64 >/dev/null && command -v cpio >/dev/null && command -v xz >/dev/null
}

# A package of the foreign architecture is installed when dpkg says so.
installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

# The concrete image package a meta package depends on now (e.g. linux-image-arm64 ->
# linux-image-6.1.0-37-arm64), read from apt-cache's own Depends line.
resolve() {
  local meta=$1 dep
  dep=$(apt-cache depends "$meta" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*$/\1/p' | head -n 1)
  [ -n "$dep" ] || fail "apt-cache knows no current version of $meta (is the security suite in apt's sources?)"
  echo "$dep"
}

missing_guest=()
installed busybox-static:arm64 || missing_guest+=(busybox-static:arm64)
for meta in "${KERNEL_PACKAGES[@]}"; do
  installed "$meta:arm64" || missing_guest+=("$meta:arm64")
done

if have_host_tools && [ ${#missing_guest[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  fail "missing: qemu-system-arm/cpio/xz-utils or ${missing_guest[*]}; run as root: bash test/conformance/install.sh"
fi
export DEBIAN_FRONTEND=noninteractive
# The guest boots our own initramfs: no initrd is built for these foreign-architecture kernels.
export INITRD=No

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
# Sources restricted to other architectures cannot serve the guest's packages.
if grep -rhsE '^(Architectures:|deb \[[^]]*arch=)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v '^#' | grep -qv arm64; then
  echo "test/conformance/install: note: some apt sources name their architectures; arm64 packages come only from those that allow it" >&2
fi
apt-get update -q || fail "apt-get update failed"

if ! have_host_tools; then
  apt-get install -y -q --no-install-recommends qemu-system-arm cpio xz-utils ||
    fail "cannot install qemu-system-arm cpio xz-utils"
fi
guest=(busybox-static:arm64)
for meta in "${KERNEL_PACKAGES[@]}"; do
  guest+=("$meta:arm64" "$(resolve "$meta:arm64"):arm64")
done
# The images only: no initramfs-tools hooks run for a foreign-architecture kernel we never boot here.
apt-get install -y -q --no-install-recommends "${guest[@]}" ||
  fail "cannot install ${guest[*]} (do apt's sources serve arm64?)"
