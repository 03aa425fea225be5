#!/usr/bin/env bash
# Builds a Raspberry Pi OS Lite (arm64, bookworm) image that boots into Dialtone, with the official pi-gen.
#   image-build/build.sh [WORKDIR]     needs: git, Docker (pi-gen's build-docker.sh) and binfmt qemu-user-static,
#                                       about 10 GB of disk and 30-60 minutes. Output: WORKDIR/pi-gen/deploy/*.img.xz
# DIALTONE_READONLY_ROOT=1 turns on the overlay root file system (raspi-config's overlayfs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$here/work}"
PI_GEN_REF="${PI_GEN_REF:-arm64}" # pi-gen's branch for 64-bit images
mkdir -p "$work"
"$here/bundle.sh"
if [ ! -d "$work/pi-gen" ]; then
  git clone --depth 1 --branch "$PI_GEN_REF" https://github.com/RPi-Distro/pi-gen.git "$work/pi-gen"
fi
rm -rf "$work/pi-gen/stage-dialtone"
cp -a "$here/stage-dialtone" "$work/pi-gen/stage-dialtone"
cp "$here/config" "$work/pi-gen/config"
echo "DIALTONE_READONLY_ROOT=${DIALTONE_READONLY_ROOT:-0}" >> "$work/pi-gen/config"
# Lite image: stages 0-2, then ours; only our stage exports an image.
touch "$work/pi-gen/stage2/SKIP_IMAGES"
cd "$work/pi-gen"
./build-docker.sh
