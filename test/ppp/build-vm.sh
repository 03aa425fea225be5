#!/bin/sh
# Build the PPP test VM from Debian packages: the kernel (linux-image-amd64, downloaded and unpacked, not
# installed), and an initramfs with busybox (busybox-static), pppd and chat (ppp) with their libraries, the slhc,
# ppp_generic and ppp_async modules, and the guest scripts beside this file. Prints the cache directory, which holds
# vmlinuz and initrd.cpio.gz; rebuilt only when an input changed.
#   usage: build-vm.sh CACHE_DIR
set -eu
cache=$(realpath -m "${1:?usage: build-vm.sh CACHE_DIR}")
here=$(cd "$(dirname "$0")" && pwd)
need() { command -v "$1" >/dev/null 2>&1 || { echo "build-vm: $1 not found: apt-get install $2" >&2; exit 3; }; }
need busybox busybox-static
need pppd ppp
need chat ppp
need apt-get apt
need dpkg-deb dpkg

busybox_bin=$(command -v busybox)
file "$busybox_bin" 2>/dev/null | grep -q 'statically linked' || ldd "$busybox_bin" 2>&1 | grep -q 'not a dynamic' ||
  { echo "build-vm: $busybox_bin is not static: apt-get install busybox-static" >&2; exit 3; }

# The kernel: the package linux-image-amd64 depends on (bookworm: linux-image-6.1.0-NN-amd64).
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
[ -n "$kpkg" ] || { echo "build-vm: apt-cache knows no linux-image-amd64 (apt-get update?)" >&2; exit 3; }
key=$(cat "$0" "$here"/guest/* | sha256sum | cut -c1-16)-$kpkg-$(dpkg-query -W -f '${Version}' ppp)
if [ -f "$cache/key" ] && [ "$(cat "$cache/key")" = "$key" ] && [ -f "$cache/initrd.cpio.gz" ]; then echo "$cache"; exit 0; fi
mkdir -p "$cache/deb"
if ! ls "$cache/deb/$kpkg"_*.deb >/dev/null 2>&1; then
  (cd "$cache/deb" && apt-get download "$kpkg" >&2) || { echo "build-vm: apt-get download $kpkg failed" >&2; exit 3; }
fi
rm -rf "$cache/kernel" && mkdir -p "$cache/kernel"
dpkg-deb -x "$cache/deb/$kpkg"_*.deb "$cache/kernel"
cp "$cache"/kernel/boot/vmlinuz-* "$cache/vmlinuz"
kver=$(ls "$cache/kernel/lib/modules")

root="$cache/root"
rm -rf "$root" && mkdir -p "$root"/bin "$root"/sbin "$root"/etc/ppp "$root"/lib/modules "$root"/proc "$root"/sys "$root"/dev \
  "$root"/tmp "$root"/var/run "$root"/var/lock "$root"/run "$root"/www
cp "$busybox_bin" "$root/bin/busybox"
for m in drivers/net/slip/slhc drivers/net/ppp/ppp_generic drivers/net/ppp/ppp_async; do
  src="$cache/kernel/lib/modules/$kver/kernel/$m"
  if [ -f "$src.ko" ]; then cp "$src.ko" "$root/lib/modules/"
  elif [ -f "$src.ko.xz" ]; then xz -dc "$src.ko.xz" >"$root/lib/modules/$(basename "$m").ko" # busybox insmod reads plain .ko
  else echo "build-vm: $m not in $kpkg" >&2; exit 3; fi
done
# pppd and chat with every library they load (and the loader).
for b in "$(command -v pppd)" "$(command -v chat)"; do
  cp "$b" "$root/sbin/"
  ldd "$b" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
    [ -f "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
mkdir -p "$root/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
: >"$root/etc/ppp/options"
printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
cp "$here"/guest/*.sh "$root/" && chmod +x "$root"/*.sh && mv "$root/init.sh" "$root/init"
# What the server serves: 256 KiB of random bytes (incompressible) and 256 KiB of text (compressible).
# (AES-CTR of zeros with a fixed key: the same bytes every build, so a rebuild never changes a file mid-run.)
if command -v openssl >/dev/null 2>&1; then
  head -c 262144 /dev/zero | openssl enc -aes-128-ctr -K 00112233445566778899aabbccddeeff -iv 00000000000000000000000000000000 >"$root/www/random.bin"
else
  head -c 262144 /dev/urandom >"$root/www/random.bin"
fi
i=0; : >"$root/www/text.txt"
while [ "$(stat -c %s "$root/www/text.txt")" -lt 262144 ]; do
  i=$((i + 1)); printf 'line %06d: the quick brown fox jumps over the lazy dog through Dialtone\n' $i >>"$root/www/text.txt"
done
truncate -s 262144 "$root/www/text.txt"
# For uploads: escape sequences inside the data, without guard time ("+++", "+++ATH", "+++\r"), and every byte value.
i=0; : >"$root/www/plus.bin"
while [ $i -lt 2048 ]; do printf 'a+++b+++ATH0\r\n+++++++' >>"$root/www/plus.bin"; i=$((i + 1)); done
head -c 16384 "$root/www/random.bin" >>"$root/www/plus.bin"
(cd "$root/www" && sha256sum random.bin text.txt plus.bin) >"$cache/www.sha256"
(cd "$root" && find . | "$busybox_bin" cpio -o -H newc 2>/dev/null | gzip -1) >"$cache/initrd.cpio.gz.new"
mv "$cache/initrd.cpio.gz.new" "$cache/initrd.cpio.gz"
echo "$key" >"$cache/key"
echo "$cache"
