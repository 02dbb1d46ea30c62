/**
 * What the apply/rollback integration tests use to judge sysfleet from OUTSIDE sysfleet: run the
 * built binary as a user would (isolated state dir and HOME), and capture each lab host's state
 * independently — runtime values through `lab.exec cat /proc/sys/...` (nsenter, no SSH), and every
 * file of every sysctl directory from the host's backing dirs (sha256, mode, owner, symlink target).
 * /var/lib/sysfleet is left out on purpose: apply legitimately keeps snapshots and results there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { labUp, type Lab } from './lab.js';

/** The built CLI (`npm run build`); SYSFLEET_BIN overrides it (e.g. a private build dir). */
export const BIN = process.env['SYSFLEET_BIN'] ?? resolve('dist/cli/main.js');

/** The keys of test/fixtures/playbooks/apply-lab.yaml (net.* only: per network namespace). */
export const PLAYBOOK_KEYS = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_fin_timeout',
  'net.core.somaxconn',
] as const;

/** The values apply-lab.yaml sets (no overrides), normalised like `normalise`. */
export const PLAYBOOK_VALUES: Record<string, string> = {
  'net.ipv4.tcp_keepalive_time': '120',
  'net.ipv4.tcp_keepalive_intvl': '10',
  'net.ipv4.tcp_keepalive_probes': '6',
  'net.ipv4.ip_local_port_range': '20000 60999',
  'net.ipv4.tcp_fin_timeout': '20',
  'net.core.somaxconn': '8192',
};

export const PLAYBOOK = resolve('test/fixtures/playbooks/apply-lab.yaml');
/** The file apply-lab.yaml persists to (its `persist:` name). */
export const PERSIST_FILE = '/etc/sysctl.d/60-sysfleet-apply-lab.conf';

/**
 * A lab name unique to this test process: other engineers run the same test files at the same
 * time (a full integration run next to a single file), and lab names are global on the machine.
 */
export function labName(base: string): string {
  const name = `${base}${process.pid.toString(36)}`;
  if (!/^[a-z0-9]{1,16}$/.test(name)) throw new Error(`lab name too long: ${name}`);
  return name;
}

/** A test's private control node: state dir, HOME with the lab's known_hosts as ~/.ssh/known_hosts. */
export interface ControlNode {
  dir: string;
  stateDir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function controlNode(lab: Pick<Lab, 'knownHostsPath'>): Promise<ControlNode> {
  const dir = await mkdtemp(join(tmpdir(), 'sf-applytest-ctl-'));
  const stateDir = join(dir, 'state');
  const home = join(dir, 'home');
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  // The default known_hosts: printed retry commands then work verbatim, as for an operator.
  await copyFile(lab.knownHostsPath, join(home, '.ssh', 'known_hosts'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    SYSFLEET_STATE_DIR: stateDir,
    LANG: 'C.UTF-8',
  };
  return { dir, stateDir, home, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Start `node dist/cli/main.js ARGS` (no shell); killed after timeoutMs. */
export function startCli(ctl: ControlNode, args: string[], timeoutMs = 120_000): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: ctl.env,
    cwd: ctl.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<CliResult>((res, rej) => {
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
  return { child, done };
}

export function cli(ctl: ControlNode, args: string[], timeoutMs?: number): Promise<CliResult> {
  return startCli(ctl, args, timeoutMs).done;
}

/** Kernel multi-value output (tabs) as single-space text. */
export function normalise(v: string): string {
  return v.trim().split(/\s+/).join(' ');
}

/** Runtime values of `keys` inside the host's netns, read with cat (not through sysfleet). */
export async function runtimeValues(
  lab: Lab,
  host: string,
  keys: readonly string[] = PLAYBOOK_KEYS,
): Promise<Record<string, string>> {
  const paths = keys.map((k) => `/proc/sys/${k.replace(/\./g, '/')}`);
  const r = await lab.exec(host, ['cat', ...paths], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${host}: cat ${paths.join(' ')}: ${r.stderr}`);
  const lines = r.stdout.trimEnd().split('\n');
  if (lines.length !== keys.length) throw new Error(`${host}: unexpected cat output ${r.stdout}`);
  return Object.fromEntries(keys.map((k, i) => [k, normalise(lines[i] ?? '')]));
}

/** One directory entry: "file 644 0:0 sha256:…", "symlink -> target", "dir 755 0:0". */
async function describe(path: string): Promise<string> {
  const st = await lstat(path);
  const own = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
  if (st.isSymbolicLink()) return `symlink ${own} -> ${await readlink(path)}`;
  if (st.isDirectory()) return `dir ${own}`;
  if (st.isFile()) {
    const sha = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    return `file ${own} sha256:${sha}`;
  }
  return `other ${own}`;
}

/** Every entry of every sysctl directory (and /etc/sysctl.conf) of a host, by in-host path. */
export async function sysctlFiles(lab: Lab, host: string): Promise<Record<string, string>> {
  const b = lab.host(host).backing;
  const dirs: [string, string | undefined][] = [
    ['/etc/sysctl.d', b.etcSysctlD],
    ['/run/sysctl.d', b.runSysctlD],
    ['/usr/lib/sysctl.d', b.usrLibSysctlD],
    ['/usr/local/lib/sysctl.d', b.usrLocalLibSysctlD],
    ['/lib/sysctl.d', b.libSysctlD],
  ];
  const out: Record<string, string> = {};
  for (const [inHost, backing] of dirs) {
    if (!backing) continue;
    out[inHost] = await describe(backing);
    for (const name of (await readdir(backing)).sort()) {
      out[`${inHost}/${name}`] = await describe(join(backing, name));
    }
  }
  out['/etc/sysctl.conf'] = await describe(b.sysctlConf);
  return out;
}

export interface HostState {
  runtime: Record<string, string>;
  files: Record<string, string>;
}

export async function hostState(lab: Lab, host: string): Promise<HostState> {
  const [runtime, files] = await Promise.all([runtimeValues(lab, host), sysctlFiles(lab, host)]);
  return { runtime, files };
}

/** State of many hosts, a bounded number at a time. */
export async function fleetState(
  lab: Lab,
  hosts: readonly string[],
  parallel = 10,
): Promise<Record<string, HostState>> {
  const out: Record<string, HostState> = {};
  for (let i = 0; i < hosts.length; i += parallel) {
    const part = hosts.slice(i, i + parallel);
    const states = await Promise.all(part.map((h) => hostState(lab, h)));
    part.forEach((h, j) => (out[h] = states[j]!));
  }
  return out;
}

/** Files under /var/lib/sysfleet/<sub> of a host (names only), e.g. 'snapshots', 'results'. */
export async function sysfleetFiles(lab: Lab, host: string, sub: string): Promise<string[]> {
  try {
    return (await readdir(join(lab.host(host).backing.varLibSysfleet, sub))).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** The `final` record's fields of a host-side result file (results/<run>.<mode>.result). */
export async function hostFinal(
  lab: Lab,
  host: string,
  runId: string,
  mode: 'apply' | 'rollback' = 'apply',
): Promise<Record<string, string> | undefined> {
  const path = join(lab.host(host).backing.varLibSysfleet, 'results', `${runId}.${mode}.result`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('@@sf\tfinal\t'));
  if (!line) return undefined;
  return Object.fromEntries(
    line
      .split('\t')
      .slice(2)
      .map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]),
  );
}

/** The run id in sysfleet's "run <id>:" summary line. */
export function runIdOf(stdout: string): string {
  const m = /^run (\d{8}T\d{6}Z-[0-9a-f]+):/m.exec(stdout);
  if (!m?.[1]) throw new Error(`no run id in output:\n${stdout}`);
  return m[1];
}

/** The stored run (read from the control node's store files, as `runs show` would). */
export async function storedRun(
  ctl: ControlNode,
  runId: string,
): Promise<{ outcomes: Record<string, { state: string; reason?: string }>; hosts: string[] }> {
  return JSON.parse(await readFile(join(ctl.stateDir, 'runs', runId, 'run.json'), 'utf8')) as {
    outcomes: Record<string, { state: string; reason?: string }>;
    hosts: string[];
  };
}

/** Common CLI arguments for a lab (root inventory). */
export function labArgs(lab: Pick<Lab, 'inventoryPath' | 'knownHostsPath'>): string[] {
  return ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
}

/** Poll `probe` every `everyMs` until it returns true, at most `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 20,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

/**
 * A lab of `hosts` hosts for one describe block, with its own control node and every host's
 * state before any test touched it; torn down after the block (also when a test failed).
 * `beforeDown` undoes fault knobs that would stop `lab down` (e.g. a read-only sysctl dir).
 */
export function withLab(name: string, hosts: number, beforeDown?: (lab: Lab) => Promise<unknown>) {
  const ctx = {} as {
    lab: Lab;
    ctl: ControlNode;
    names: string[];
    before: Record<string, HostState>;
  };
  beforeAll(async () => {
    ctx.lab = await labUp({ name: labName(name), hosts });
    ctx.ctl = await controlNode(ctx.lab);
    ctx.names = ctx.lab.hosts.map((h) => h.name);
    ctx.before = await fleetState(ctx.lab, ctx.names);
  }, 60_000);
  afterAll(async () => {
    if (ctx.lab && beforeDown) await beforeDown(ctx.lab).catch(() => undefined);
    await ctx.lab?.down();
    await ctx.ctl?.cleanup();
  }, 60_000);
  return ctx;
}
