/**
 * What the VM tests use to judge sysfleet from OUTSIDE sysfleet: the built CLI run as a user
 * would (own state dir and HOME), and the guest read directly over OpenSSH with the guest's own
 * tools (`sysctl`, `ss`, `cat /proc`, `stat`, `sha256sum`), scripts sent on stdin.
 */
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { vmLabUp, type VmLab, type VmLabUpOptions } from '../../src/lab/vm/index.js';
import {
  cli as fleetCli,
  normalise,
  type CliResult,
  type ControlNode,
} from '../integration/support/fleet-state.js';

export {
  controlNode,
  labArgs,
  labName as vmLabName,
  normalise,
} from '../integration/support/fleet-state.js';

export function vmUp(opts: Omit<VmLabUpOptions, 'owner' | 'log'>): Promise<VmLab> {
  return vmLabUp({
    ...opts,
    owner: inject('vmOwner'),
    log: (l) => process.stderr.write(`[${opts.name ?? 'vm'}] ${l}\n`),
  });
}

export type { ControlNode, CliResult };

/**
 * Connect and command timeouts for TCG guests on a shared 2-core machine: an SSH handshake can
 * take longer than sysfleet's 10 s default while three guests boot. Every VM test passes them.
 */
export const SLOW_HOSTS = ['--timeout', '60', '--command-timeout', '600'];

/** The integration tests' `sysfleet` runner, with room for TCG guests (default 10 min). */
export function cli(ctl: ControlNode, args: string[], timeoutMs = 600_000): Promise<CliResult> {
  return fleetCli(ctl, args, timeoutMs);
}

/** `key = value` lines of `sysctl -a` (procps or busybox) as a map, values normalised. */
export function parseSysctlA(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(' = ');
    if (i > 0) out[line.slice(0, i)] = normalise(line.slice(i + 3));
    else if (line.endsWith(' =')) out[line.slice(0, -2)] = '';
  }
  return out;
}

/** Runtime values of `keys` in the guest, read with cat from /proc/sys. */
export async function guestValues(
  lab: VmLab,
  host: string,
  keys: readonly string[],
): Promise<Record<string, string>> {
  const script = keys.map((k) => `cat /proc/sys/${k.replace(/\./g, '/')}\n`).join('');
  const out = await lab.shOk(host, script);
  const lines = out.trimEnd().split('\n');
  if (lines.length !== keys.length) throw new Error(`${host}: unexpected cat output ${out}`);
  return Object.fromEntries(keys.map((k, i) => [k, normalise(lines[i] ?? '')]));
}

/** The sysctl directories and /etc/sysctl.conf, as the guest itself describes each entry. */
export const SYSCTL_PLACES = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
  '/etc/sysctl.conf',
];

/**
 * Every entry under the sysctl places: `path -> kind mode uid:gid sha256|target`, with the
 * guest's own stat, readlink and sha256sum (busybox has them too).
 */
export async function guestFiles(lab: VmLab, host: string): Promise<Record<string, string>> {
  const script = [
    `for p in ${SYSCTL_PLACES.join(' ')}; do`,
    '  [ -e "$p" ] || [ -L "$p" ] || continue',
    '  if [ -d "$p" ] && [ ! -L "$p" ]; then set -- "$p" "$p"/*; else set -- "$p"; fi',
    '  for f in "$@"; do',
    '    [ -e "$f" ] || [ -L "$f" ] || continue',
    '    if [ -L "$f" ]; then d="symlink -> $(readlink "$f")"',
    '    elif [ -d "$f" ]; then d=dir',
    '    else d="file $(sha256sum < "$f" | cut -d" " -f1)"; fi',
    '    printf "%s\\t%s %s\\n" "$f" "$(stat -c "%a %u:%g" "$f")" "$d"',
    '  done',
    'done',
    '',
  ].join('\n');
  const out = await lab.shOk(host, script);
  return Object.fromEntries(
    out
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
}

/** A playbook file in a temp dir (tests write their own). */
export function fixture(name: string): string {
  return resolve('test/fixtures/playbooks', name);
}
