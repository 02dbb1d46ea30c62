/**
 * One fleet size: `runs` rounds of sysfleet check → apply → rollback, the floor's read and write,
 * and (when asked) Ansible --check and apply, each from drift, each checked for its exit code and
 * for the state it leaves the hosts in. Rounds interleave the tools so a noisy neighbour on the
 * shared machine hurts them alike.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/index.js';
import { countConnections, type ConnectionCount } from './connections.js';
import { hostStates, prepareDrift } from './hosts.js';
import { measure } from './measure.js';
import { parseRecap } from './recap.js';
import type { Op, Sample, Tool } from './table.js';
import { ansible, floor, sameAlgorithmsSshConfig, sysfleet, type Command } from './tools.js';
import type { HostState } from './workload.js';

export interface SizeOptions {
  lab: Lab;
  dir: string;
  runs: number;
  ansible: boolean;
  sysfleetPlaybook: string;
  ansiblePlaybook: string;
  log: (line: string) => void;
}

interface Expect {
  exit: number;
  /** State every host must be in afterwards. */
  state?: HostState;
  /** Ansible: hosts in the recap without failed/unreachable. */
  recap?: boolean;
}

const TIMEOUT_MS = 30 * 60_000;

export async function runSize(o: SizeOptions): Promise<Sample[]> {
  const n = o.lab.hosts.length;
  const samples: Sample[] = [];
  const logs = join(o.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const stateDir = join(o.dir, 'state');
  const hostsPid = o.lab.state.processes.find((p) => p.role === 'supervisor')?.pid;

  const one = async (
    tool: Tool,
    op: Op,
    run: number,
    cmd: Command,
    want: Expect,
  ): Promise<void> => {
    const logPath = join(logs, `${n}-${tool}-${op}-${run}.log`);
    const m = await measure({
      argv: cmd.argv,
      env: cmd.env,
      logPath,
      timePath: join(o.dir, 'time.txt'),
      timeoutMs: TIMEOUT_MS,
      ...(cmd.daemonMarker ? { daemonMarker: cmd.daemonMarker } : {}),
      ...(hostsPid !== undefined ? { hostsPid } : {}),
    });
    const problems: string[] = [];
    if (m.exitCode !== want.exit) problems.push(`exit ${m.exitCode}, expected ${want.exit}`);
    const output = readFileSync(logPath, 'utf8');
    if (want.recap) {
      const r = parseRecap(output);
      if (r.ok !== n) problems.push(`Ansible recap: ${r.ok} of ${n} hosts ok`);
    }
    if (want.state) {
      const states = await hostStates(o.lab);
      if (states[want.state] !== n)
        problems.push(`hosts afterwards: ${JSON.stringify(states)}, expected all ${want.state}`);
    }
    if (problems.length > 0)
      problems.push(`last output: ${output.trim().split('\n').slice(-2).join(' | ')}`);
    const sample: Sample = {
      hosts: n,
      tool,
      op,
      run,
      wallS: m.wallS,
      cpuS: m.cpuS,
      rssKiB: m.rssKiB,
      treePssKiB: m.treePssKiB,
      hostsCpuS: m.hostsCpuS,
      ok: problems.length === 0,
      ...(problems.length ? { note: problems.join('; ') } : {}),
    };
    samples.push(sample);
    o.log(
      `N=${n} run ${run} ${tool} ${op}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU, ` +
        `${m.hostsCpuS.toFixed(2)} s hosts CPU, ${(m.rssKiB / 1024).toFixed(0)} MiB RSS${sample.ok ? '' : ` — NOT COUNTED: ${sample.note}`}`,
    );
  };

  for (let run = 1; run <= o.runs; run++) {
    await prepareDrift(o.lab);
    await one('sysfleet', 'check', run, sysfleet('check', o.lab, o.sysfleetPlaybook, stateDir), {
      exit: 2,
      state: 'drift',
    });
    await one('sysfleet', 'apply', run, sysfleet('apply', o.lab, o.sysfleetPlaybook, stateDir), {
      exit: 0,
      state: 'target',
    });
    await one(
      'sysfleet',
      'rollback',
      run,
      sysfleet('rollback', o.lab, o.sysfleetPlaybook, stateDir),
      { exit: 0, state: 'drift' },
    );
    const cfg = sameAlgorithmsSshConfig(o.lab, o.dir);
    for (const op of ['check', 'apply', 'rollback'] as const) {
      await one(
        'sysfleet-openssh',
        op,
        run,
        sysfleet(op, o.lab, o.sysfleetPlaybook, stateDir, cfg),
        {
          exit: op === 'check' ? 2 : 0,
          state: op === 'apply' ? 'target' : 'drift',
        },
      );
    }
    await one('floor', 'check', run, floor('check', o.lab, o.dir), { exit: 0 });
    await one('floor', 'apply', run, floor('apply', o.lab, o.dir), { exit: 0, state: 'target' });
    // The floor of a rollback is the same single write (restoring is writing, too).
    const write = samples.at(-1)!;
    samples.push({ ...write, op: 'rollback' });
    if (o.ansible) {
      await prepareDrift(o.lab);
      await one(
        'ansible',
        'check',
        run,
        ansible('check', o.lab, o.ansiblePlaybook, o.dir, `${run}c`),
        { exit: 0, recap: true, state: 'drift' },
      );
      await one(
        'ansible',
        'apply',
        run,
        ansible('apply', o.lab, o.ansiblePlaybook, o.dir, `${run}a`),
        { exit: 0, recap: true, state: 'target' },
      );
    }
  }
  return samples;
}

export interface ConnectionReport {
  tool: Tool;
  op: Op;
  count: ConnectionCount;
}

/** One untimed round under `strace -f -e trace=connect`: TCP connections per host per command. */
export async function connectionsPerHost(o: SizeOptions): Promise<ConnectionReport[]> {
  const ports = o.lab.hosts.map((h) => h.port);
  const stateDir = join(o.dir, 'state-strace');
  const out: ConnectionReport[] = [];
  const traced = async (tool: Tool, op: Op, cmd: Command): Promise<void> => {
    const file = join(o.dir, `strace-${tool}-${op}.txt`);
    await new Promise<void>((resolve) => {
      const child = spawn('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', file, ...cmd.argv], {
        stdio: 'ignore',
        env: cmd.env,
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      child.on('exit', () => (clearTimeout(timer), resolve()));
      child.on('error', () => (clearTimeout(timer), resolve()));
    });
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // strace missing: no count
    }
    const count = countConnections(text, ports);
    out.push({ tool, op, count });
    o.log(
      `connections ${tool} ${op}: ${count.min}–${count.max} per host over ${count.hosts}/${ports.length} hosts`,
    );
  };
  await prepareDrift(o.lab);
  await traced('sysfleet', 'check', sysfleet('check', o.lab, o.sysfleetPlaybook, stateDir));
  await traced('sysfleet', 'apply', sysfleet('apply', o.lab, o.sysfleetPlaybook, stateDir));
  await traced('sysfleet', 'rollback', sysfleet('rollback', o.lab, o.sysfleetPlaybook, stateDir));
  await traced('floor', 'check', floor('check', o.lab, o.dir));
  return out;
}
