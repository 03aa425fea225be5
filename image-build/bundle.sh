#!/usr/bin/env bash
# Builds the application bundle the image installs in /opt/dialtone: the runtime files of the committed tree (no tests, no
# node_modules; native addons are compiled for arm64 inside the image by `npm ci`).
#   image-build/bundle.sh [OUT.tar.gz]      default: run/image/dialtone.tar.gz
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${1:-$repo/run/image/dialtone.tar.gz}"
paths=(bin config docs dsp firmware-app hal systemd binding.gyp package.json package-lock.json README.md tsconfig.json)
mkdir -p "$(dirname "$out")"
# git archive: exactly what is committed at HEAD, reproducible, nothing from a developer's working tree.
git -C "$repo" archive --format=tar.gz --prefix=dialtone/ -o "$out" HEAD -- "${paths[@]}"
echo "bundle: $out ($(du -h "$out" | cut -f1))"
