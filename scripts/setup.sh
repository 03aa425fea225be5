#!/usr/bin/env bash
# Installs the appliance: a C toolchain for the native addons and the reference speech codecs' run-time libraries
# (AMR-NB, AMR-WB, mSBC for the cellular channel chains; hal/codecs/ opens them at run time), if missing; then the
# npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in build-essential python3 libopencore-amrnb0 libopencore-amrwb0 libvo-amrwbenc0 libsbc1; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
npm ci
