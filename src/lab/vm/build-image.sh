#!/usr/bin/env bash
# Builds one VM lab image from the Debian archive (run by src/lab/vm/image.ts, as root):
#   build-image.sh SUITE OUTDIR CLIENT_PUB HOST_KEY DEB_CACHE [MIRROR]
# OUTDIR gets base.qcow2 (ext4 root, booted as /dev/vda through a qcow2 overlay), vmlinuz,
# initrd.img and versions.txt. Everything is made in OUTDIR.tmp and renamed at the end, so an
# interrupted build leaves no half image behind; the work dir is removed on every exit.
set -euo pipefail
suite=$1 out=$2 client_pub=$3 host_key=$4 deb_cache=$5 mirror=${6:-http://deb.debian.org/debian}
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp" "$deb_cache"
root="$tmp/root"
cleanup() {
  for m in proc sys dev; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

packages=systemd-sysv,openssh-server,procps,iproute2,udev,linux-image-cloud-amd64,initramfs-tools,sudo
echo "== debootstrap $suite ($packages)"
start=$(date +%s)
debootstrap --variant=minbase --include="$packages" --cache-dir="$deb_cache" \
  "$suite" "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
  tail -n 30 "$tmp/debootstrap.log" >&2
  exit 1
}
echo "debootstrap: $(($(date +%s) - start)) s"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# The cloud kernel has virtio as modules: the initrd must exist (MODULES=most has them).
if ! ls "$root"/boot/initrd.img-* >/dev/null 2>&1; then in_root update-initramfs -c -k all; fi

echo sflab-vm >"$root/etc/hostname"
# No DNS behind restrict=on: no nameserver (lookups fail at once instead of timing out, e.g. in
# sudo), and the guest names `lab up` gives (systemd.hostname=hNN) resolve locally.
: >"$root/etc/resolv.conf"
{
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
  for i in 01 02 03 04 05 06 07 08; do printf '127.0.1.1\th%s\n' "$i"; done
  printf '127.0.1.1\tsflab-vm\n'
} >"$root/etc/hosts"
printf '/dev/vda / ext4 defaults 0 1\n' >"$root/etc/fstab"
: >"$root/etc/machine-id"

# The user-mode network's defaults: guest 10.0.2.15, gateway 10.0.2.2 (restrict=on: nowhere).
mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/10-sysfleet-lab.network" <<'NET'
[Match]
Name=en* eth*

[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
NET
in_root systemctl enable systemd-networkd.service >/dev/null 2>&1
# Nothing in a lab guest may compete with the tests for the two shared cores.
for unit in e2scrub_reap.service e2scrub_all.timer apt-daily.timer apt-daily-upgrade.timer \
  fstrim.timer systemd-networkd-wait-online.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# sshd: one fixed ed25519 host key (recorded in the lab's known_hosts), keys only.
rm -f "$root"/etc/ssh/ssh_host_*
install -m 0600 "$host_key" "$root/etc/ssh/ssh_host_ed25519_key"
install -m 0644 "$host_key.pub" "$root/etc/ssh/ssh_host_ed25519_key.pub"
mkdir -p "$root/etc/ssh/sshd_config.d"
cat >"$root/etc/ssh/sshd_config.d/10-sysfleet-lab.conf" <<'SSHD'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
SSHD
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$client_pub" "$root/root/.ssh/authorized_keys"
# The lab's non-root user; its sudo mode and password are set per lab at `lab up`.
in_root useradd --create-home --uid 2000 --user-group --shell /bin/sh sflab
install -d -m 0700 -o 2000 -g 2000 "$root/home/sflab/.ssh"
install -m 0600 -o 2000 -g 2000 "$client_pub" "$root/home/sflab/.ssh/authorized_keys"

in_root dpkg-query -W -f '${Package} ${Version}\n' systemd procps openssh-server iproute2 \
  'linux-image-*-cloud-amd64' >"$tmp/versions.txt"
ls "$root/lib/modules" | sed 's/^/kernel /' >>"$tmp/versions.txt"

in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
cp "$root"/boot/vmlinuz-* "$tmp/vmlinuz"
cp "$root"/boot/initrd.img-* "$tmp/initrd.img"
chmod 0644 "$tmp/vmlinuz" "$tmp/initrd.img"
# The virtio modules, in load order, for the busybox initramfs guest (it boots this kernel).
kver=$(ls "$root/lib/modules")
mkdir -p "$tmp/modules"
for m in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover \
  net_failover virtio_net; do
  f=$(find "$root/lib/modules/$kver" -name "$m.ko*" | head -n 1)
  if [ -n "$f" ]; then
    cp "$f" "$tmp/modules/"
    basename "$f" >>"$tmp/modules/order"
  fi
done

echo "== image"
mkfs.ext4 -q -F -L sysfleet-root -d "$root" "$tmp/root.img" 2G
qemu-img convert -f raw -O qcow2 "$tmp/root.img" "$tmp/base.qcow2"
rm -f "$tmp/root.img"
cleanup
trap - EXIT
rm -rf "$out"
mv "$tmp" "$out"
echo "image: $out ($(du -sh "$out/base.qcow2" | cut -f1))"
