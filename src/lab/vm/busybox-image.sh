#!/usr/bin/env bash
# Builds the minimal VM lab guest (run by src/lab/vm/image.ts, as root): an initramfs holding
# Debian's busybox-static (ash, sysctl, awk, ...) and dropbear sshd, booted with the bookworm
# image's cloud kernel and its virtio modules. Its root lives in RAM: every boot starts clean.
#   busybox-image.sh OUTDIR KERNEL_IMAGE_DIR CLIENT_PUB HOST_KEY
set -euo pipefail
out=$1 kdir=$2 client_pub=$3 host_key=$4
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
root="$tmp/root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc/dropbear,etc/sysctl.d,proc,sys,dev,tmp,run,root/.ssh,lib/modules} \
  "$root"/{usr/lib/sysctl.d,var/lib/sysfleet,var/log}
ln -s bin "$root/sbin"
mkdir -p "$root/usr"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"

# The initramfs needs a static busybox. The machine's may be Debian's dynamic `busybox` (its
# tests rely on that one's PATH lookup: busybox-static prefers its own applets, e.g. `timeout`),
# so the static binary comes from the busybox-static package, unpacked here, never installed.
if [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; then
  cp /bin/busybox "$root/bin/busybox"
else
  deb="$tmp/deb"
  mkdir -p "$deb"
  (cd "$deb" && apt-get download -q busybox-static >/dev/null)
  dpkg-deb -x "$deb"/busybox-static_*.deb "$deb/x"
  cp "$deb/x/bin/busybox" "$root/bin/busybox"
  rm -rf "$deb"
fi
if ldd "$root/bin/busybox" >/dev/null 2>&1; then
  echo "busybox-image.sh: no static busybox (apt-get download busybox-static failed?)" >&2
  exit 1
fi
bb="$root/bin/busybox"
for applet in $("$bb" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
ln -s bin/busybox "$root/init"

# dropbear and the shared libraries it links (paths kept, so the loader finds them)
cp /usr/sbin/dropbear "$root/bin/dropbear"
for lib in $(ldd /usr/sbin/dropbear | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
dropbearconvert openssh dropbear "$host_key" "$root/etc/dropbear/dropbear_ed25519_host_key" \
  >/dev/null 2>&1
install -m 0600 "$client_pub" "$root/root/.ssh/authorized_keys"
chmod 0700 "$root/root" "$root/root/.ssh"

cp "$kdir/modules/order" "$root/lib/modules/order"
while read -r m; do cp "$kdir/modules/$m" "$root/lib/modules/$m"; done <"$kdir/modules/order"

printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*:20000:0:99999:7:::\n' >"$root/etc/shadow"
chmod 0600 "$root/etc/shadow"
printf '/bin/sh\n/bin/ash\n' >"$root/etc/shells"
printf 'passwd: files\ngroup: files\nshadow: files\n' >"$root/etc/nsswitch.conf"
cat >"$root/etc/os-release" <<'OS'
PRETTY_NAME="sysfleet lab busybox guest"
NAME="BusyBox"
ID=busybox
OS
cat >"$root/etc/sysctl.conf" <<'CONF'
# sysfleet lab busybox guest: /etc/sysctl.conf
CONF

cat >"$root/etc/inittab" <<'TAB'
::sysinit:/etc/rcS
::respawn:/bin/dropbear -F -E -s -r /etc/dropbear/dropbear_ed25519_host_key -p 22
ttyS0::respawn:/bin/sh
::ctrlaltdel:/bin/reboot
::shutdown:/bin/sync
TAB
cat >"$root/etc/rcS" <<'RCS'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
while read -r m; do insmod "/lib/modules/$m"; done </lib/modules/order
for w in $(cat /proc/cmdline); do
  case "$w" in systemd.hostname=*) hostname "${w#systemd.hostname=}" ;; esac
done
ip link set lo up
nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
ip link set "$nic" up
ip addr add 10.0.2.15/24 dev "$nic"
ip route add default via 10.0.2.2
for f in /etc/sysctl.d/*.conf /etc/sysctl.conf; do [ -f "$f" ] && sysctl -q -p "$f"; done
echo "sysfleet busybox guest up"
RCS
chmod 0755 "$root/etc/rcS"

(cd "$root" && find . | "$bb" cpio -o -H newc 2>/dev/null) | gzip -1 >"$tmp/initramfs.cpio.gz"
cp "$kdir/vmlinuz" "$tmp/vmlinuz"
"$bb" | head -n 1 >"$tmp/versions.txt"
/usr/sbin/dropbear -V 2>&1 | head -n 1 >>"$tmp/versions.txt"
rm -rf "$root"
trap - EXIT
rm -rf "$out"
mv "$tmp" "$out"
echo "image: $out"
