/**
 * What the VM tests use to judge sysfleet from OUTSIDE sysfleet: the built CLI run as a user
 * would (own state dir and HOME), and the guest read directly over OpenSSH with the guest's own
 * tools (`sysctl`, `ss`, `cat /proc`, `stat`, `sha256sum`), scripts sent on stdin.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { vmLabUp, type VmLab, type VmLabUpOptions } from '../../src/lab/vm/index.js';

export const BIN = process.env['SYSFLEET_BIN'] ?? resolve('dist/cli/main.js');

/** A lab name unique to this test process (labs are global on the machine). */
export function vmLabName(base: string): string {
  const name = `${base}${process.pid.toString(36)}`;
  if (!/^[a-z0-9]{1,16}$/.test(name)) throw new Error(`lab name too long: ${name}`);
  return name;
}

export function vmUp(opts: Omit<VmLabUpOptions, 'owner' | 'log'>): Promise<VmLab> {
  return vmLabUp({
    ...opts,
    owner: inject('vmOwner'),
    log: (l) => process.stderr.write(`[${opts.name ?? 'vm'}] ${l}\n`),
  });
}

export interface ControlNode {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function controlNode(lab: VmLab): Promise<ControlNode> {
  const dir = await mkdtemp(join(tmpdir(), 'sf-vmtest-ctl-'));
  const home = join(dir, 'home');
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  await copyFile(lab.knownHostsPath, join(home, '.ssh', 'known_hosts'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    SYSFLEET_STATE_DIR: join(dir, 'state'),
    LANG: 'C.UTF-8',
  };
  return { dir, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli/main.js ARGS` (no shell), killed after timeoutMs. */
export function cli(ctl: ControlNode, args: string[], timeoutMs = 300_000): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: ctl.env,
      cwd: ctl.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

export function labArgs(lab: VmLab): string[] {
  return ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
}

/** Kernel multi-value output (tabs) as single-space text. */
export function normalise(v: string): string {
  return v.trim().split(/\s+/).join(' ');
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
