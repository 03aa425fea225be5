#!/usr/bin/env bash
# arm64 programs on this x86 machine: qemu-user through binfmt_misc (the chroot steps of the image build).
set -euo pipefail
if [ "$(uname -m)" = aarch64 ]; then exit 0; fi
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 || { echo "binfmt: qemu-aarch64 is not enabled" >&2; exit 1; }
