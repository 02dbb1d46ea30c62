/**
 * `npm run bench -- [options]`: sysfleet vs Ansible vs the ssh2 floor on lab fleets (loopback
 * only). Brings up one lab per size, measures (run-size.ts), tears the lab down whatever happens,
 * and prints the tables (table.ts). See docs/benchmarks.md.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp, type Lab } from '../lab/index.js';
import { USAGE, parseArgs } from './args.js';
import { connectionsPerHost, runSize, type ConnectionReport } from './run-size.js';
import {
  comparisonTable,
  cpuTable,
  failures,
  memoryPerHost,
  transportTable,
  type Sample,
} from './table.js';
import { ansiblePlaybook, sysfleetPlaybook } from './workload.js';
import { breakdownBench, parseBreakdownArgs } from './breakdown.js';
import { floodBench } from './flood.js';
import { gatherBench } from './gather.js';
import { mergeBench } from './merge.js';

const log = (line: string): void =>
  void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

let current: Lab | undefined;
/** A lab still coming up: a signal then must remove it by name. */
let pending: string | undefined;
async function teardown(): Promise<void> {
  const lab = current;
  current = undefined;
  if (!lab && pending) {
    log(`lab ${pending} down (interrupted while coming up)`);
    await labDown(pending);
  }
  if (lab) {
    log(`lab ${lab.name} down`);
    await lab.down();
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void teardown().finally(() => process.exit(130));
  });
}

async function withLab<T>(hosts: number, f: (lab: Lab) => Promise<T>): Promise<T | undefined> {
  const started = Date.now();
  let lab: Lab;
  const name = `bench${process.pid % 100000}n${hosts}`.slice(0, 16);
  pending = name;
  try {
    lab = await labUp({
      name,
      hosts,
      sudoPasswordHosts: 0,
      owner: 'bench',
    });
  } catch (err) {
    log(
      `lab of ${hosts} hosts did not come up: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
  current = lab;
  pending = undefined;
  log(`lab ${lab.name}: ${hosts} hosts up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    return await f(lab);
  } finally {
    await teardown();
  }
}

function report(samples: Sample[], connections: ConnectionReport[], lost: string[]): string {
  const notCounted = [...lost, ...failures(samples)];
  return [
    '## Comparison (median (min–max) over runs; ratios of medians)',
    '',
    comparisonTable(samples),
    '',
    '## Transports: ssh2 vs OpenSSH (ControlMaster per host) vs the floor',
    '',
    transportTable(samples),
    '',
    '## Where the CPU goes (medians; control process and the lab hosts share the same cores)',
    '',
    cpuTable(samples),
    '',
    '## Control-node memory per host',
    '',
    memoryPerHost(samples),
    '',
    '## SSH connections per host per command (strace, first size)',
    '',
    ...connections.map(
      (c) =>
        `- ${c.tool} ${c.op}: ${c.count.min}–${c.count.max} per host, ${c.count.hosts} hosts, ${c.count.total} total`,
    ),
    '',
    ...(notCounted.length > 0
      ? ['## Not counted', '', ...notCounted.map((l) => `- ${l}`), '']
      : []),
  ].join('\n');
}

async function main(): Promise<void> {
  // `npm run bench -- merge ...`: report merge on synthetic shard reports, no lab (merge.ts).
  if (process.argv[2] === 'merge') return mergeBench(process.argv.slice(3), log);
  // `npm run bench -- flood ...`: one lab host prints 1 GB while the others work (flood.ts).
  if (process.argv[2] === 'flood') return floodBench(process.argv.slice(3));
  // `npm run bench -- gather ...`: the gather script alone, per shell and key count (gather.ts).
  if (process.argv[2] === 'gather') return gatherBench(process.argv.slice(3));
  // `npm run bench -- timings ...`: where a check's time goes, sysfleet beside the floor.
  if (process.argv[2] === 'timings') return timingsBench(process.argv.slice(3));
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.ansible && !existsSync('/usr/bin/ansible-playbook'))
    throw new Error('ansible-playbook not found: apt-get install ansible (or pass --no-ansible)');
  const dir = mkdtempSync(join(tmpdir(), 'sysfleet-bench-'));
  const samples: Sample[] = [];
  const connections: ConnectionReport[] = [];
  const lost: string[] = [];
  try {
    const sf = join(dir, 'bench.yaml');
    const an = join(dir, 'bench-ansible.yaml');
    writeFileSync(sf, sysfleetPlaybook());
    writeFileSync(an, ansiblePlaybook());
    const sizes = [
      ...args.hosts.map((n) => ({ n, ansible: args.ansible })),
      ...args.scale.map((n) => ({ n, ansible: false })),
    ];
    for (const [i, { n, ansible }] of sizes.entries()) {
      const ok = await withLab(n, async (lab) => {
        const o = {
          lab,
          dir,
          runs: args.runs,
          ansible,
          sysfleetPlaybook: sf,
          ansiblePlaybook: an,
          log,
        };
        samples.push(...(await runSize(o)));
        if (args.countConnections && i === 0) connections.push(...(await connectionsPerHost(o)));
        return true;
      });
      if (!ok) lost.push(`N=${n}: lab did not come up (see log above)`);
      // Partial results survive an interrupted long run.
      if (args.json)
        writeFileSync(args.json, JSON.stringify({ samples, connections, lost }, null, 2));
    }
  } finally {
    if (args.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${report(samples, connections, lost)}\n`);
}

async function timingsBench(argv: readonly string[]): Promise<void> {
  const args = parseBreakdownArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'sysfleet-bench-'));
  try {
    const playbook = join(dir, 'bench.yaml');
    writeFileSync(playbook, sysfleetPlaybook());
    const table = await withLab(args.hosts, (lab) => breakdownBench(lab, dir, playbook, args, log));
    if (table === undefined) throw new Error(`lab of ${args.hosts} hosts did not come up`);
    process.stdout.write(`${table}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(async (err: unknown) => {
  await teardown();
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
