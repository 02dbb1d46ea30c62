/**
 * `npm run bench -- timings [--hosts 50] [--runs 3]`: where a check's time goes, sysfleet and the
 * floor side by side, in the same phases (report/timings.ts): process start, module load,
 * loading, connect (TCP, key exchange, auth), exec, bytes each way, parse, plan, report, and the
 * wait for the slowest hosts. Runs alternate (floor, sysfleet, floor, ...) on one lab; every
 * figure is the median over runs of that run's median host (or the run's total), so each
 * remaining gap to the floor has a name.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Lab } from '../lab/index.js';
import { summarizeTimings, type RunTimings } from '../report/timings.js';
import type { CheckReport } from '../report/types.js';
import type { FloorTimings } from './floor.js';
import { formatSummary, summarize } from './stats.js';
import { floor, sysfleet } from './tools.js';

const run = promisify(execFile);

export interface BreakdownArgs {
  hosts: number;
  runs: number;
}

export function parseBreakdownArgs(argv: readonly string[]): BreakdownArgs {
  const out = { hosts: 50, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = Number(argv[++i]);
    if (flag === '--hosts') out.hosts = v;
    else if (flag === '--runs') out.runs = v;
    else throw new Error(`timings bench: unknown option ${flag}`);
    if (!Number.isInteger(v) || v < 1 || v > 1000)
      throw new Error(`timings bench: ${flag} takes a whole number from 1 to 1000`);
  }
  return out;
}

/** The rows of the account: a name and how to read it from one run's RunTimings. */
const ROWS: [string, (t: RunTimings) => number | undefined][] = [
  ['total (process start → report built)', (t) => t.command.totalMs],
  ['node start', (t) => t.command.nodeStartMs],
  ['module load', (t) => t.command.moduleLoadMs],
  ['inventory + playbook load', (t) => t.command.loadMs],
  ['run set-up (secrets, transport)', (t) => t.command.startRunMs],
  ['hosts phase (first connect → last host)', (t) => t.command.hostsMs],
  ['  connect, median host', (t) => t.perHost.connect.medianMs],
  [
    '    before TCP (keys, known_hosts, ssh2 loaded)',
    (t) =>
      t.perHost.tcp && t.perHost.kex && t.perHost.auth
        ? t.perHost.connect.medianMs -
          t.perHost.tcp.medianMs -
          t.perHost.kex.medianMs -
          t.perHost.auth.medianMs
        : undefined,
  ],
  ['    tcp', (t) => t.perHost.tcp?.medianMs],
  ['    key exchange', (t) => t.perHost.kex?.medianMs],
  ['    auth', (t) => t.perHost.auth?.medianMs],
  ['  exec, median host', (t) => t.perHost.exec.medianMs],
  ['  parse + plan, sum over hosts', (t) => t.perHost.parse.sumMs + t.perHost.plan.sumMs],
  ['  wait for the slowest 5%', (t) => t.tail.ms],
  ['close', (t) => t.command.closeMs],
  ['report', (t) => t.command.reportMs],
  ['bytes sent per host', (t) => t.bytes.sent / Math.max(1, t.hosts)],
  ['bytes received per host (median)', (t) => t.bytes.receivedPerHostMedian],
];

/** The table, from the runs of each side. Pure. */
export function breakdownTable(sysfleetRuns: RunTimings[], floorRuns: RunTimings[]): string {
  const lines = [
    '| phase | sysfleet, median (min–max) | floor, median (min–max) | sysfleet − floor |',
    '|---|---|---|---:|',
  ];
  for (const [name, read] of ROWS) {
    const pick = (runs: RunTimings[]) =>
      summarize(runs.map(read).filter((v): v is number => v !== undefined));
    const a = pick(sysfleetRuns);
    const b = pick(floorRuns);
    const bytes = name.startsWith('bytes');
    const fmt = (s: ReturnType<typeof summarize>) =>
      s ? formatSummary(s, bytes ? 0 : 1) + (bytes ? ' B' : ' ms') : '—';
    const diff = a && b ? `${(a.median - b.median).toFixed(bytes ? 0 : 1)}` : '—';
    lines.push(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${diff} |`);
  }
  const kex = new Set([...sysfleetRuns, ...floorRuns].flatMap((t) => Object.keys(t.kex)));
  lines.push('', `key exchange: ${[...kex].join(', ') || 'not reported'}`);
  return lines.join('\n');
}

export async function breakdownBench(
  lab: Lab,
  dir: string,
  playbook: string,
  args: BreakdownArgs,
  log: (line: string) => void,
): Promise<string> {
  const sf: RunTimings[] = [];
  const fl: RunTimings[] = [];
  for (let r = 1; r <= args.runs; r++) {
    const floorCmd = floor('check', lab, dir);
    const cfgPath = floorCmd.argv[2]!;
    const timingsPath = join(dir, `floor-timings-${r}.json`);
    writeFileSync(
      cfgPath,
      JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), timingsPath }),
    );
    await run(floorCmd.argv[0]!, floorCmd.argv.slice(1), { env: floorCmd.env });
    const f = JSON.parse(readFileSync(timingsPath, 'utf8')) as FloorTimings;
    fl.push(summarizeTimings(f.command, f.hosts));

    const json = join(dir, `check-${r}.json`);
    const cmd = sysfleet('check', lab, playbook, join(dir, 'state'));
    // Exit 2 is drift (the bench playbook differs from a fresh lab): a finished check.
    await run(cmd.argv[0]!, [...cmd.argv.slice(1), '--timings', '--json', json, '--exit-zero'], {
      env: cmd.env,
      maxBuffer: 64 << 20,
    });
    const report = JSON.parse(readFileSync(json, 'utf8')) as CheckReport;
    if (!report.timings) throw new Error('sysfleet check --timings wrote no timings');
    sf.push(report.timings);
    log(
      `timings run ${r}/${args.runs}: sysfleet ${report.timings.command.totalMs.toFixed(0)} ms, floor ${f.command.totalMs.toFixed(0)} ms`,
    );
  }
  return [
    `## Where a check's time goes: ${lab.hosts.length} hosts, ${args.runs} alternated runs`,
    '',
    breakdownTable(sf, fl),
  ].join('\n');
}
