#!/usr/bin/env bash
# `npm run image`: the Dialtone SD-card image, built on this machine from Debian's archive and the npm registry alone.
#   image-build/build-image.sh [OUTDIR]          default OUTDIR: run/image (gitignored)
# Debian 13 "trixie" arm64 root file system by mmdebstrap (arm64 programs run under qemu-user through binfmt_misc),
# then the card: a FAT boot partition (raspi-firmware's files, label RASPIFIRM) and an ext4 root (label RASPIROOT),
# built as files (no loop devices) and put into one image at their partition offsets.
# Output: OUTDIR/dialtone.img, and OUTDIR/vmlinuz + OUTDIR/initrd.img for booting the root in a virtual machine.
# Downloads are cached in OUTDIR/cache (apt archives, npm), so a second build is faster.
# DIALTONE_READONLY_ROOT=1: the root is mounted read-only and /var is a tmpfs (systemd.volatile=state).
# Needs root and: mmdebstrap qemu-user-static binfmt-support dosfstools mtools e2fsprogs fdisk.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$(mkdir -p "${1:-$repo/run/image}" && cd "${1:-$repo/run/image}" && pwd)"
MIRROR="${DIALTONE_MIRROR:-http://deb.debian.org/debian}"
BOOT_MB=256     # FAT boot partition: firmware, kernel, initrd and device trees (about 90 MB used)
ROOT_SLACK_MB=384 # free space left on the root beyond what it holds
start=$(date +%s)

[ "$(id -u)" = 0 ] || { echo "build-image: run as root (mmdebstrap's root mode builds the arm64 chroot)" >&2; exit 1; }
for tool in mmdebstrap mkfs.vfat mcopy mkfs.ext4 sfdisk; do
  command -v "$tool" >/dev/null || { echo "build-image: $tool is missing: apt-get install mmdebstrap qemu-user-static binfmt-support dosfstools mtools e2fsprogs fdisk" >&2; exit 1; }
done
"$here/binfmt.sh"

mkdir -p "$out/cache/apt" "$out/cache/npm"
"$here/bundle.sh" "$out/dialtone.tar.gz"

# Runtime packages (the build tools for the native addons come and go inside customize.sh).
packages=(
  systemd systemd-sysv udev dbus kmod iproute2 ca-certificates
  linux-image-arm64 initramfs-tools raspi-firmware
  nodejs
  alsa-utils bluez bluez-alsa-utils ofono gpiod
)
# DIALTONE_CARD_ONLY=1: only the card again, from the root file system the last build left in OUTDIR/rootfs.
if [ "${DIALTONE_CARD_ONLY:-0}" != 1 ]; then
rm -rf "$out/rootfs"
# shellcheck disable=SC2016 # the hooks' $1 is expanded by mmdebstrap
mmdebstrap --mode=root --arch=arm64 --variant=minbase --components="main non-free-firmware" \
  --include="$(IFS=,; echo "${packages[*]}")" \
  --aptopt='Acquire::Retries "3"' --aptopt='APT::Install-Recommends "false"' \
  --skip=download/empty --skip=essential/unlink \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
  --setup-hook="sync-in $out/cache/apt /var/cache/apt/archives/" \
  --essential-hook="$here/essential.sh \"\$1\"" \
  --customize-hook="sync-out /var/cache/apt/archives $out/cache/apt" \
  --customize-hook="$here/customize.sh \"\$1\" $out" \
  --customize-hook="sync-out /var/cache/apt/archives $out/cache/apt" \
  trixie "$out/rootfs" "$MIRROR"
fi
built_root=$(date +%s)

# The kernel and initrd beside the image: a virtual machine boots them with -kernel/-initrd (qemu has no firmware
# that reads raspi-firmware's boot partition).
newest() { find "$out/rootfs/boot" -maxdepth 1 -name "$1" | sort -V | tail -1; }
cp "$(newest 'vmlinuz-*')" "$out/vmlinuz"
cp "$(newest 'initrd.img-*')" "$out/initrd.img"

# Boot partition: what raspi-firmware and its kernel hooks put into /boot/firmware. The directory stays empty in the
# root file system: it is the mount point of the FAT partition.
rm -f "$out/boot.vfat" "$out/root.ext4"
mkfs.vfat -F 32 -n RASPIFIRM -C "$out/boot.vfat" $((BOOT_MB * 1024)) >/dev/null
find "$out/rootfs/boot/firmware" -mindepth 1 -maxdepth 1 -exec mcopy -s -Q -i "$out/boot.vfat" {} ::/ \;
find "$out/rootfs/boot/firmware" -mindepth 1 -delete

# Root partition: the tree as an ext4 file system, sized to its content plus slack.
used_mb=$(( $(du -sm "$out/rootfs" | cut -f1) ))
root_mb=$(( used_mb * 115 / 100 + ROOT_SLACK_MB ))
mkfs.ext4 -q -F -L RASPIROOT -E root_owner=0:0 -d "$out/rootfs" "$out/root.ext4" "${root_mb}M"

# Card: MBR (the Pi's boot ROM reads MBR), boot partition at 4 MiB, root after it.
boot_start=$((4 * 2048)); boot_sectors=$((BOOT_MB * 2048))
root_start=$((boot_start + boot_sectors)); root_sectors=$((root_mb * 2048))
img="$out/dialtone.img"
rm -f "$img"
truncate -s $(( (root_start + root_sectors) * 512 )) "$img"
sfdisk --quiet "$img" <<EOF
label: dos
start=$boot_start, size=$boot_sectors, type=c, bootable
start=$root_start, size=$root_sectors, type=83
EOF
dd if="$out/boot.vfat" of="$img" bs=1M seek=$((boot_start / 2048)) conv=notrunc,sparse status=none
dd if="$out/root.ext4" of="$img" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none
rm -f "$out/boot.vfat" "$out/root.ext4"
# Where the test finds the partitions (mtools' image@@offset, qemu's root=LABEL=...).
cat >"$out/layout.env" <<EOF
BOOT_OFFSET=$((boot_start * 512))
ROOT_OFFSET=$((root_start * 512))
EOF

end=$(date +%s)
size_mb=$(( $(stat -c %s "$img") / 1048576 ))
echo "build-image: $img: ${size_mb} MiB (root ${root_mb} MiB, ${used_mb} MiB used; boot ${BOOT_MB} MiB)"
echo "build-image: root file system $((built_root - start)) s, card $((end - built_root)) s, total $((end - start)) s"
