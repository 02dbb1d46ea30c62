/**
 * `sysfleet lab up` on a machine without sudo. The machine here has sudo; the test makes a
 * minimal system of its own: a private mount namespace (unshare -m) where overlays with
 * whiteouts remove /usr/bin/sudo, /etc/sudoers and /etc/sudoers.d, as a fresh Debian without the
 * sudo package has them. The real CLI then refuses with one line naming sudo and its package, and
 * leaves nothing behind: no lab directory, no namespace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labAvailable } from './support/lab.js';

const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'sf-noprereq-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!labAvailable)('lab up on a machine without sudo', () => {
  it('refuses before creating anything, naming sudo and its package', () => {
    const name = `np${process.pid.toString(36)}`.slice(0, 16);
    // Inside the new mount namespace only: overlays whose upper dirs hold whiteouts (0/0 char
    // devices) hide the files; the machine's own /usr/bin and /etc are never written.
    const script = `set -eu
W=${work}
for d in usr_bin etc; do mkdir -p "$W/$d/up" "$W/$d/wk"; done
mknod "$W/usr_bin/up/sudo" c 0 0
mknod "$W/etc/up/sudoers" c 0 0
mknod "$W/etc/up/sudoers.d" c 0 0
mount -n -t overlay overlay -o "lowerdir=/usr/bin,upperdir=$W/usr_bin/up,workdir=$W/usr_bin/wk" /usr/bin
mount -n -t overlay overlay -o "lowerdir=/etc,upperdir=$W/etc/up,workdir=$W/etc/wk" /etc
if [ -e /usr/bin/sudo ] || [ -e /etc/sudoers ]; then echo "sudo still visible" >&2; exit 99; fi
exec "${process.execPath}" "${BIN}" lab up --hosts 2 --name ${name}
`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stdout + r.stderr).not.toBe(0);
    expect(r.status).not.toBe(99);
    expect(r.stderr).toContain(
      'sysfleet lab needs sudo (the become (sudo) hosts); install with: apt-get install sudo',
    );
    expect(r.stderr).not.toMatch(/mount point does not exist/);
    // nothing was created
    expect(existsSync(`/run/sysfleet-lab/${name}`)).toBe(false);
    const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(ns).not.toContain(`sf-${name}-`);
  }, 90_000);
});
