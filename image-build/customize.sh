#!/usr/bin/env bash
# mmdebstrap customize hook of build-image.sh: makes the trixie arm64 root file system ROOT into the appliance.
#   customize.sh ROOT OUTDIR      (OUTDIR holds dialtone.tar.gz and cache/npm)
# Runs on the build machine; the commands in the root run under qemu-user.
set -euo pipefail
root="$1"
out="$2"
here="$(cd "$(dirname "$0")" && pwd)"
files="$here/debian"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# --- Host name, file systems, network -------------------------------------------------------------------------------
echo dialtone >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdialtone\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
install -m 644 "$files/fstab" "$root/etc/fstab"
install -d "$root/boot/firmware"
install -m 644 "$files/20-wired.network" "$root/etc/systemd/network/20-wired.network"
# trixie moved systemd-networkd into its own package; older releases have it in systemd.
if in_root apt-cache show systemd-networkd >/dev/null 2>&1; then in_root apt-get install -y -q systemd-networkd >/dev/null; fi
in_root systemctl enable systemd-networkd.service

# --- The application: /opt/dialtone with its production dependencies, native addons compiled here for arm64 ------------
# Build tools only for this step: they are purged again below, so the image carries no compiler.
build_tools=(build-essential python3 npm libnode-dev)
in_root apt-get install -y -q "${build_tools[@]}" >/dev/null
rm -rf "$root/opt/dialtone"
tar -xzf "$out/dialtone.tar.gz" -C "$root/opt"
install -d "$root/var/cache/dialtone-npm"
mount --bind "$out/cache/npm" "$root/var/cache/dialtone-npm"
trap 'umount "$root/var/cache/dialtone-npm" 2>/dev/null || true' EXIT
npm_start=$(date +%s)
# The build machine's CA bundle, if it names one (a registry reached through a TLS proxy): for this step only.
ca_env=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then
  install -m 644 "$NODE_EXTRA_CA_CERTS" "$root/tmp/build-ca.pem"
  ca_env=(NODE_EXTRA_CA_CERTS=/tmp/build-ca.pem npm_config_cafile=/tmp/build-ca.pem)
fi
in_root env "${ca_env[@]}" sh -c 'cd /opt/dialtone && npm ci --omit=dev --no-audit --no-fund --cache /var/cache/dialtone-npm --prefer-offline'
rm -f "$root/tmp/build-ca.pem"
echo "customize: npm ci for arm64: $(($(date +%s) - npm_start)) s"
umount "$root/var/cache/dialtone-npm"
rmdir "$root/var/cache/dialtone-npm"
trap - EXIT
# What the addons were built against must be what the image runs.
in_root node -e 'for (const m of ["unix-dgram", "@serialport/bindings-cpp", "epoll"]) require(require.resolve(m, { paths: ["/opt/dialtone"] })); console.log("customize: native addons load on", process.arch, process.version)'
rm -rf "$root/opt/dialtone/build/Release/obj.target" "$root/root/.npm" "$root/root/.cache"
in_root apt-mark auto "${build_tools[@]}" >/dev/null
in_root apt-get purge -y -q --autoremove "${build_tools[@]}" >/dev/null

# --- The service user, configuration, units -----------------------------------------------------------------------------
for g in dialout gpio audio bluetooth; do
  in_root getent group "$g" >/dev/null || in_root groupadd --system "$g"
done
in_root id dialtone >/dev/null 2>&1 ||
  in_root useradd --system --user-group --home-dir /var/lib/dialtone --no-create-home --shell /usr/sbin/nologin dialtone
in_root usermod -a -G dialout,gpio,audio,bluetooth dialtone
install -d -m 750 "$root/etc/dialtone"
install -m 640 "$files/dialtone.yaml" "$root/etc/dialtone/dialtone.yaml"
in_root chown -R root:dialtone /etc/dialtone
install -m 644 "$root/opt/dialtone/systemd/dialtone.service" "$root/etc/systemd/system/dialtone.service"
install -m 644 "$files/dialtone-firstboot.service" "$root/etc/systemd/system/dialtone-firstboot.service"
install -m 755 "$files/dialtone-firstboot" "$root/usr/local/sbin/dialtone-firstboot"
install -m 644 "$files/dialtone.yaml" "$root/usr/share/doc/dialtone.yaml.example"
# The GPIO character devices to the gpio group (Debian's udev leaves them root-only).
install -m 644 "$files/60-dialtone-gpio.rules" "$root/etc/udev/rules.d/60-dialtone-gpio.rules"
install -m 644 "$files/99-dialtone-serial.rules" "$root/etc/udev/rules.d/99-dialtone-serial.rules"
# The configuration is checked as the daemon will read it; the UART exists only on the board, so the build checks a
# copy whose serial.device is a node that exists here.
sed -E 's#^(\s*device:\s*)/dev/serial0#\1/dev/null#' "$files/dialtone.yaml" >"$root/tmp/dialtone-check.yaml"
in_root /opt/dialtone/bin/dialtone.js config check /tmp/dialtone-check.yaml
rm -f "$root/tmp/dialtone-check.yaml"
in_root systemctl enable dialtone-firstboot.service dialtone.service
# Nobody logs in: root's password stays locked (no getty on the DTE's UART, below).
in_root passwd -l root >/dev/null

# --- The UART for the DTE ------------------------------------------------------------------------------------------------
# No console and no login on the DTE's UART (serial0: ttyS1 on the Pi, ttyAMA0 in a VM): the vintage computer owns it.
for tty in serial0 ttyS0 ttyS1 ttyAMA0; do in_root systemctl mask "serial-getty@$tty.service" >/dev/null; done
# Raspberry Pi: raspi-firmware writes config.txt and cmdline.txt from these at every kernel or initramfs update
# (essential.sh put raspi-firmware-custom in place before the package came).
install -m 644 "$files/raspi-firmware" "$root/etc/default/raspi-firmware"
install -m 644 "$files/raspi-firmware-custom" "$root/etc/default/raspi-firmware-custom"

# --- Optional read-only root ----------------------------------------------------------------------------------------------
if [ "${DIALTONE_READONLY_ROOT:-0}" = 1 ]; then
  sed -i -E 's#^(LABEL=RASPIROOT\s+/\s+ext4\s+)\S+#\1ro,noatime#' "$root/etc/fstab"
  echo 'ro systemd.volatile=state' >"$root/etc/default/raspi-extra-cmdline"
fi

# The boot partition again with these settings: raspi-firmware's hooks for the installed kernel. An initrd without
# the virtio console driver (a root built without essential.sh) is regenerated, which runs the same hooks.
kver="$(basename "$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 | sort -V | tail -1)")"
if [ ! -e "$root/usr/share/initramfs-tools/modules.d/dialtone-vm" ]; then
  echo virtio_console >"$root/usr/share/initramfs-tools/modules.d/dialtone-vm"
  in_root update-initramfs -u -k "$kver"
else
  in_root env DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "$kver" "/boot/vmlinuz-$kver"
fi
grep -n '' "$root/boot/firmware/cmdline.txt" "$root/boot/firmware/config.txt" | sed 's/^/customize: /'
