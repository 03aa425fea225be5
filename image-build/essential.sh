#!/usr/bin/env bash
# mmdebstrap essential hook of build-image.sh: settings that must be in place before the kernel and raspi-firmware are
# installed, so that their hooks generate the initrd and the boot partition once, already right.
#   essential.sh ROOT
set -euo pipefail
root="$1"
files="$(cd "$(dirname "$0")" && pwd)/debian"
# A virtual machine's console is a virtio console (hvc0): its driver in the initrd, so boot messages show from the start.
install -d "$root/usr/share/initramfs-tools/modules.d"
echo virtio_console >"$root/usr/share/initramfs-tools/modules.d/dialtone-vm"
# raspi-firmware appends this to config.txt (it is not a conffile of the package: ours from the start).
install -d "$root/etc/default"
install -m 644 "$files/raspi-firmware-custom" "$root/etc/default/raspi-firmware-custom"
