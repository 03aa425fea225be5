#!/bin/bash -e
# Node.js 20 (Debian bookworm ships 18): the official arm64 build, checked against its published SHA-256.
NODE_VERSION="${NODE_VERSION:-v20.19.5}"
tarball="node-${NODE_VERSION}-linux-arm64.tar.xz"
base="https://nodejs.org/dist/${NODE_VERSION}"
tmp="$(mktemp -d)"
curl -fsSL -o "${tmp}/${tarball}" "${base}/${tarball}"
curl -fsSL -o "${tmp}/SHASUMS256.txt" "${base}/SHASUMS256.txt"
(cd "${tmp}" && grep " ${tarball}\$" SHASUMS256.txt | sha256sum -c -)
tar -xJf "${tmp}/${tarball}" -C "${ROOTFS_DIR}/usr/local" --strip-components=1 --no-same-owner
rm -rf "${tmp}"
