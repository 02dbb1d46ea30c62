/**
 * The shell script that builds a lab host's mount namespace. It runs as
 * `nsenter --net=<netns> unshare --mount=<mntns file> --propagation private -- bash -s <hostdir>
 * <user> <uid>`
 * with this text on stdin, so it runs inside the new (private) mount namespace and the host's
 * network namespace. Every mount uses -n: nothing is written to the machine's /run/mount/utab.
 *
 * Missing mount points (/var/lib/sysfleet, /usr/local/lib/sysctl.d on Debian) are created inside
 * an overlay of their parent whose upper dir lives in the host dir, so the machine's tree is never
 * touched. /root, /home and /tmp are fresh tmpfs: /root gets Debian's stock root dotfiles, never
 * the machine's own (whose .bashrc may start dozens of processes per SSH session, e.g. pyenv init,
 * and would make every lab login cost what no real fleet host costs). /run becomes a fresh tmpfs (with /run/sshd for sshd's privsep
 * and /run/sysctl.d bound from the host dir) after dropping this namespace's copies of the
 * machine's namespace files under /run (other hosts' netns would otherwise be pinned here).
 */
export const HOST_MOUNT_SCRIPT = String.raw`set -euo pipefail
H=$1
ip link set lo up
# a lazy unmount detaches the whole /run/netns subtree at once (one per file was O(n^2) with
# hundreds of namespaces on the machine); then any other nsfs copies under /run (docker, snapd)
umount -n -l /run/netns 2>/dev/null || true
others=$(awk '$5 ~ "^/run/" && / - nsfs / {print $5}' /proc/self/mountinfo)
if [ -n "$others" ]; then umount -n -l $others 2>/dev/null || true; fi
ensure_dir() {
  local d=$1 p
  p=$(dirname "$d")
  if [ ! -d "$d" ]; then
    local o="$H/ovl/$(echo "$p" | tr / _)"
    mkdir -p "$o/upper" "$o/work"
    mount -n -t overlay overlay -o "lowerdir=$p,upperdir=$o/upper,workdir=$o/work" "$p"
    mkdir -p "$d"
  fi
}
bind() { ensure_dir "$2"; mount -n --bind "$1" "$2"; }
# doas (opendoas) reads /etc/doas.conf; where the machine has none, the file to bind over is made in
# an overlay of /etc whose upper dir is the host dir's (before any bind below /etc)
if [ -x /usr/bin/doas ]; then
  if [ ! -e /etc/doas.conf ]; then
    mkdir -p "$H/ovl/etc-doas/upper" "$H/ovl/etc-doas/work"
    : >"$H/ovl/etc-doas/upper/doas.conf"
    mount -n -t overlay overlay -o "lowerdir=/etc,upperdir=$H/ovl/etc-doas/upper,workdir=$H/ovl/etc-doas/work" /etc
  fi
  mount -n --bind "$H/etc/doas.conf" /etc/doas.conf
fi
bind "$H/etc/sysctl.d" /etc/sysctl.d
mount -n --bind "$H/etc/sysctl.conf" /etc/sysctl.conf
bind "$H/usr/lib/sysctl.d" /usr/lib/sysctl.d
bind "$H/usr/local/lib/sysctl.d" /usr/local/lib/sysctl.d
if [ ! -L /lib ] && [ -d "$H/lib/sysctl.d" ]; then bind "$H/lib/sysctl.d" /lib/sysctl.d; fi
bind "$H/var/lib/sysfleet" /var/lib/sysfleet
mount -n --bind "$H/etc/ssh" /etc/ssh
for f in passwd shadow group sudoers; do mount -n --bind "$H/etc/$f" "/etc/$f"; done
bind "$H/etc/sudoers.d" /etc/sudoers.d
mount -n -t tmpfs -o mode=0755 tmpfs /home
mount -n -t tmpfs -o mode=1777 tmpfs /tmp
mount -n -t tmpfs -o mode=0700 tmpfs /root
for f in bashrc profile; do
  if [ -f "/usr/share/base-files/dot.$f" ]; then cp "/usr/share/base-files/dot.$f" "/root/.$f"; else : >"/root/.$f"; fi
done
mkdir -m 0750 "/home/$2"
chown "$3:$3" "/home/$2"
mount -n -t tmpfs -o mode=0755 tmpfs "$H/runfs"
mkdir -m 0755 "$H/runfs/sshd" "$H/runfs/sysctl.d"
mount -n --bind "$H/run/sysctl.d" "$H/runfs/sysctl.d"
mount -n --move "$H/runfs" /run
echo ok
`;
