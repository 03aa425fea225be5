#!/bin/bash -e
# The application into /opt/dialtone, the unit, the first-boot service and the appliance configuration.
install -d "${ROOTFS_DIR}/opt"
rm -rf "${ROOTFS_DIR}/opt/dialtone"
tar -xzf files/dialtone.tar.gz -C "${ROOTFS_DIR}/opt"
install -m 644 "${ROOTFS_DIR}/opt/dialtone/systemd/dialtone.service" "${ROOTFS_DIR}/etc/systemd/system/dialtone.service"
install -m 644 files/dialtone-firstboot.service "${ROOTFS_DIR}/etc/systemd/system/dialtone-firstboot.service"
install -m 755 files/dialtone-firstboot "${ROOTFS_DIR}/usr/local/sbin/dialtone-firstboot"
install -d -m 750 "${ROOTFS_DIR}/etc/dialtone"
install -m 640 files/dialtone.yaml "${ROOTFS_DIR}/etc/dialtone/dialtone.yaml"
install -m 644 files/dialtone.yaml "${ROOTFS_DIR}/boot/firmware/dialtone.yaml.example"
