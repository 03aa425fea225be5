#!/bin/bash -e
# Optional read-only root: raspi-config's overlay file system, so power cuts cannot corrupt the card. Saved modem
# profiles (/var/lib/dialtone) then last until the next reboot only.
if [ "${DIALTONE_READONLY_ROOT:-0}" = "1" ]; then
	on_chroot <<'CHROOT'
raspi-config nonint do_overlayfs 0
CHROOT
fi
