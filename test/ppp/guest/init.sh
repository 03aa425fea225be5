#!/bin/busybox sh
# PID 1 of the PPP test VM: mount, load the PPP modules, read dt.* parameters from the kernel command line, run the
# role's script (client.sh or server.sh), power off. Lines the test reads start with "DT-".
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
for m in slhc ppp_generic ppp_async; do insmod /lib/modules/$m.ko || echo "DT-FAIL insmod $m"; done
ip link set lo up
# shellcheck disable=SC2013 # the command line is words
for w in $(cat /proc/cmdline); do
  case $w in dt.*=*) k=${w%%=*}; k=${k#dt.}; eval "export DT_$k=\${w#*=}" ;; esac
done
echo "DT-BOOTED uptime=$(cut -d' ' -f1 /proc/uptime) serial=$(grep '^1:' /proc/tty/driver/serial)"
sh "/${DT_role:-client}.sh"
echo "DT-DONE"
sync
poweroff -f
