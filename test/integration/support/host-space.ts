/**
 * Scarce disk space on a lab host, for the no-space tests: a small tmpfs mounted inside the host's
 * own mount namespace over /var/lib/sysfleet or /etc/sysctl.d (what was there is copied in first),
 * with exactly FREE KiB left (a filler file takes the rest). `release` unmounts it: the host then
 * sees its untouched backing directory again. The host's view of /etc/sysctl.d is read through
 * the namespace too (the backing directory is hidden under the tmpfs meanwhile).
 */
import type { Lab } from './lab.js';

/** The filler's name: a dot file without .conf, which no sysctl loader reads. */
export const FILLER = '.sf-test-filler';

const LIMIT = String.raw`
set -e
dir=$1; free=$2
save=$(mktemp -d)
cp -a "$dir/." "$save/"
mount -n -t tmpfs -o "size=$((free + 1024))k,mode=$(stat -c %a "$dir")" sf-test-space "$dir"
cp -a "$save/." "$dir/"
rm -rf "$save"
set -- $(stat -f -c '%a %S' "$dir")
have=$(($1 * $2 / 1024))
if [ "$have" -gt "$free" ]; then head -c $(((have - free) * 1024)) /dev/zero >"$dir/${FILLER}"; fi
set -- $(stat -f -c '%a %S' "$dir")
echo $(($1 * $2 / 1024))
`;

/** Mount the limited tmpfs over DIR in HOST's mount namespace; resolves to the KiB left free. */
export async function limitSpace(
  lab: Lab,
  host: string,
  dir: string,
  freeKiB: number,
): Promise<number> {
  const r = await lab.exec(host, ['sh', '-c', LIMIT, 'sh', dir, String(freeKiB)], {
    timeoutMs: 20_000,
  });
  if (r.code !== 0) throw new Error(`${host}: cannot limit the space of ${dir}: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/** Unmount every test tmpfs of HOST (idempotent: nothing mounted is fine). */
export async function releaseSpace(lab: Lab, host: string): Promise<void> {
  const script = `for d in /var/lib/sysfleet /etc/sysctl.d; do
    while grep -q "^sf-test-space $d " /proc/self/mounts; do umount -n "$d" || exit 1; done
  done`;
  const r = await lab.exec(host, ['sh', '-c', script], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${host}: cannot unmount the test tmpfs: ${r.stderr}`);
}

/** /etc/sysctl.d as the host sees it: "name mode uid:gid sha256" per entry, the filler left out. */
export async function hostSysctlDir(lab: Lab, host: string): Promise<string> {
  const script = `cd /etc/sysctl.d && for f in * .[!.]*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    [ "$f" = ${FILLER} ] && continue
    printf '%s %s ' "$f" "$(stat -c '%F %a %u:%g' "$f")"
    if [ -f "$f" ] && [ ! -L "$f" ]; then sha256sum <"$f" | cut -d' ' -f1; else echo; fi
  done`;
  const r = await lab.exec(host, ['sh', '-c', script], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${host}: cannot list /etc/sysctl.d: ${r.stderr}`);
  return r.stdout;
}

/** Write runtime VALUES back (between sweep steps), through the namespace, no SSH. */
export async function setRuntime(
  lab: Lab,
  host: string,
  values: Record<string, string>,
): Promise<void> {
  const lines = Object.entries(values).map(
    ([k, v]) => `printf '%s\\n' '${v}' >/proc/sys/${k.replace(/\./g, '/')}`,
  );
  const r = await lab.exec(host, ['sh', '-c', lines.join(' && ')], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${host}: cannot restore runtime values: ${r.stderr}`);
}
