/**
 * Runs one command the way the bench measures it: under GNU time (`/usr/bin/time -f`), with the
 * command's process tree sampled from /proc for its summed PSS.
 *
 * Which process is measured:
 * - wall: from spawn to exit, here (hrtime).
 * - cpu: user + sys that GNU time reports for its child, which includes every descendant the tree
 *   waited for (Ansible's forked workers and their ssh clients). Ansible's ssh ControlPersist
 *   masters daemonize out of the tree, so `daemonMarker` finds them by their ControlPath dir in
 *   the command line after the run, adds their CPU and ends them (they are ours: started by this
 *   command).
 * - rss: GNU time's %M, the peak RSS of the largest single process (for sysfleet and the floor:
 *   the one Node process; for Ansible: its largest process, usually the controller).
 * - treePss: peak over 250 ms samples of the summed PSS of the whole tree (shared pages counted
 *   once), the fair memory figure for a forking tool. Samples can miss short peaks.
 * - hostsCpu (with `hostsPid`, the lab's supervisor): user + sys of every process the lab's hosts
 *   ran for the command (each connection's `sshd -i` and all it started: shells, the tool's
 *   programs, Ansible's Python modules). The supervisor reaps each sshd, so its cutime + cstime
 *   grow by exactly that, once the last session has ended; the bench waits for that (bounded).
 *   The hosts share this machine's cores with the control process, so this is where the rest of
 *   a saturated machine's time goes.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { parseTimeOutput } from './time-output.js';

export interface Measured {
  wallS: number;
  cpuS: number;
  rssKiB: number;
  treePssKiB: number;
  /** NaN without `hostsPid`. */
  hostsCpuS: number;
  exitCode: number;
}

export interface MeasureOptions {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  logPath: string;
  timePath: string;
  /** Substring of the command line of daemons the command leaves behind (see above). */
  daemonMarker?: string;
  /** The lab supervisor: the parent of every host session (see above). */
  hostsPid?: number;
  timeoutMs: number;
}

const CLK_TCK = 100;
const SAMPLE_MS = 250;

interface ProcInfo {
  ppid: number;
  cpuTicks: number;
  /** cutime + cstime: CPU of the children it has waited for. */
  reapedTicks: number;
}

function procStat(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
    return {
      ppid: Number(rest[1]),
      cpuTicks: Number(rest[11]) + Number(rest[12]),
      reapedTicks: Number(rest[13]) + Number(rest[14]),
    };
  } catch {
    return undefined;
  }
}

/** Live children of `pid` (all its threads), from /proc/PID/task/TID/children. */
function liveChildren(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((n, tid) => {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      return n + (list ? list.split(' ').length : 0);
    }, 0);
  } catch {
    return undefined;
  }
}

/** Wait (at most 10 s) until the hosts' sessions of the last command have ended and been reaped. */
async function hostsSettled(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const n = liveChildren(pid);
    if (n === 0) return;
    // without /proc/PID/task/TID/children: give sshd a moment to see the connection close
    if (n === undefined) return new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The tree under `root` (inclusive) plus processes whose command line holds `marker`. */
function tree(root: number, marker: string | undefined): number[] {
  const children = new Map<number, number[]>();
  const all = pids();
  for (const pid of all) {
    const s = procStat(pid);
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(pid);
    children.set(s.ppid, list);
  }
  const out = new Set<number>();
  const stack = [root];
  while (stack.length > 0 && out.size < 100_000) {
    const p = stack.pop()!;
    if (out.has(p)) continue;
    out.add(p);
    stack.push(...(children.get(p) ?? []));
  }
  if (marker)
    for (const pid of all) if (!out.has(pid) && cmdline(pid).includes(marker)) out.add(pid);
  return [...out];
}

/** Daemons left behind by the measured command: add their CPU, then end them by PID. */
async function reapDaemons(marker: string): Promise<number> {
  const found = pids().filter((p) => p !== process.pid && cmdline(p).includes(marker));
  let ticks = 0;
  for (const pid of found) {
    ticks += procStat(pid)?.cpuTicks ?? 0;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 50 && found.some((p) => procStat(p) !== undefined); i++)
    await new Promise((r) => setTimeout(r, 100));
  for (const pid of found) {
    if (procStat(pid) === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  return ticks / CLK_TCK;
}

export async function measure(opts: MeasureOptions): Promise<Measured> {
  const log = openSync(opts.logPath, 'w');
  const hostsBefore =
    opts.hostsPid === undefined ? undefined : procStat(opts.hostsPid)?.reapedTicks;
  const started = process.hrtime.bigint();
  const child = spawn(
    '/usr/bin/time',
    ['-f', '%e %U %S %M', '-o', opts.timePath, '--', ...opts.argv],
    { stdio: ['ignore', log, log], env: opts.env ?? process.env },
  );
  let peak = 0;
  const sample = (): void => {
    if (child.pid === undefined) return;
    const sum = tree(child.pid, opts.daemonMarker).reduce((s, p) => s + pssKiB(p), 0);
    peak = Math.max(peak, sum);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  const exitCode = await new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(127));
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  clearTimeout(killer);
  closeSync(log);
  const daemonCpu = opts.daemonMarker ? await reapDaemons(opts.daemonMarker) : 0;
  let hostsCpuS = Number.NaN;
  if (opts.hostsPid !== undefined && hostsBefore !== undefined) {
    await hostsSettled(opts.hostsPid);
    const after = procStat(opts.hostsPid)?.reapedTicks;
    if (after !== undefined) hostsCpuS = (after - hostsBefore) / CLK_TCK;
  }
  const t = parseTimeOutput(readFileSync(opts.timePath, 'utf8'));
  rmSync(opts.timePath, { force: true });
  return {
    wallS,
    cpuS: (t ? t.userS + t.sysS : Number.NaN) + daemonCpu,
    rssKiB: t?.maxRssKiB ?? Number.NaN,
    treePssKiB: peak,
    hostsCpuS,
    exitCode: t?.exitCode ?? exitCode,
  };
}
