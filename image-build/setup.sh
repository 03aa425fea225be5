#!/usr/bin/env bash
# The Debian packages `npm run image` and `npm run test:image` need (installed only if one is missing).
set -euo pipefail
need=(mmdebstrap qemu-user-static binfmt-support dosfstools mtools e2fsprogs fdisk qemu-system-arm)
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "image-build: missing ${missing[*]}: apt-get install them (as root)" >&2; exit 1; }
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
