#!/usr/bin/env bash
# Installs what the tests need: Debian's independent modem implementations and tools, the reference speech codecs'
# headers (amr-ref.c links against them) and sbc-tools (sbcenc/sbcdec for mSBC), then the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(libspandsp-dev minimodem lrzsz picocom inetutils-telnetd inetutils-telnet ppp qemu-system-x86 busybox-static tmux libgsm-tools pkg-config build-essential python3 mosquitto systemd shellcheck socat chromium sox alsa-utils dbus-daemon
  libopencore-amrnb-dev libopencore-amrwb-dev libvo-amrwbenc-dev libsbc-dev sbc-tools)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
bash scripts/setup.sh
