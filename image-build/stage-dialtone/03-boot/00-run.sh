#!/bin/bash -e
# The DTE port on the PL011 UART (GPIO14/15, RTS/CTS on GPIO17/16), Bluetooth kept on the mini UART, no serial console.
config="${ROOTFS_DIR}/boot/firmware/config.txt"
cmdline="${ROOTFS_DIR}/boot/firmware/cmdline.txt"
if ! grep -q '^# Dialtone' "${config}"; then
	cat >>"${config}" <<'CONF'

# Dialtone: PL011 for the vintage computer, Bluetooth on the mini UART (Pi 3, 4, Zero 2 W; the Pi 5 has its own).
[all]
enable_uart=1
dtoverlay=miniuart-bt
core_freq=250
# RTS/CTS of UART0 on GPIO 17/16 (ALT3)
gpio=16,17=a3
CONF
fi
# No login console on the serial port: the DTE owns it.
sed -i -E 's/(^| )console=(serial0|ttyAMA0|ttyS0),[0-9]+//g' "${cmdline}"
on_chroot <<'CHROOT'
systemctl disable serial-getty@ttyAMA0.service serial-getty@serial0.service serial-getty@ttyS0.service 2>/dev/null || true
CHROOT
