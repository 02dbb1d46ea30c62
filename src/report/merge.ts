/**
 * `sysfleet report merge`: the shard reports of one sharded check, put back into the report one
 * process checking the whole fleet would have written (hosts in fleet order, summary, exit code;
 * the run's start is the earliest shard's, its end the latest's). Pure.
 *
 * Shards belong together when they agree on the shard count, run id, tool version, playbook
 * (name, source, bytes) and fleet (every selected host with its address, in order); anything else
 * is an error naming the file and shard. A shard without a report is an error too, unless the
 * caller passes the fleet (from the same inventory): then that shard has failed and its hosts
 * are reported unknown, never compliant.
 */
import { formatShard, selectShard } from '../shard/index.js';
import { assembleReport } from './build.js';
import type { CheckReport, HostReport, ShardInfo } from './types.js';

export interface ShardReportInput {
  /** Where the report came from, for error messages. */
  file: string;
  report: CheckReport;
}

/** The whole fleet, as the merge step loads it from the shards' inventory. */
export interface MergeFleet {
  digest: string;
  hosts: readonly { name: string; address: string }[];
}

export interface MergeResult {
  report: CheckReport;
  /** Shards that wrote no report; their hosts are unknown in `report`. */
  failedShards: number[];
}

export class MergeError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

type Sharded = ShardReportInput & { shard: ShardInfo };

const label = (s: Sharded): string => `${s.file} (shard ${formatShard(s.shard)})`;

/** What every shard of one run must share, with a name for the message when it differs. */
const SAME: [string, (s: Sharded) => string | number][] = [
  ['shard count', (s) => s.shard.count],
  ['run id', (s) => s.report.runId],
  ['sysfleet version', (s) => `${s.report.tool.name} ${s.report.tool.version}`],
  ['playbook', (s) => `${s.report.playbook.name} (${s.report.playbook.source})`],
  ['playbook contents', (s) => s.shard.playbookDigest],
  ['fleet (inventory hosts, addresses and --limit)', (s) => s.shard.fleet.digest],
];

function consistency(shards: Sharded[]): string[] {
  const problems: string[] = [];
  const ref = shards[0]!;
  for (const s of shards.slice(1)) {
    for (const [what, get] of SAME) {
      if (get(s) !== get(ref))
        problems.push(
          `${label(s)}: ${what} is ${get(s)}, but ${label(ref)} has ${get(ref)}: not shards of one run (a stale report from an earlier run?)`,
        );
    }
  }
  return problems;
}

function placeHosts(
  shards: Sharded[],
  slots: (HostReport | undefined)[],
  owner: string[],
): string[] {
  const problems: string[] = [];
  for (const s of shards) {
    const { positions } = s.shard;
    if (positions.length !== s.report.hosts.length) {
      problems.push(
        `${label(s)}: ${s.report.hosts.length} hosts but ${positions.length} positions: the report was edited or truncated`,
      );
      continue;
    }
    positions.forEach((p, i) => {
      const host = s.report.hosts[i]!;
      if (p >= slots.length) {
        problems.push(
          `${label(s)}: ${host.host} at position ${p}, beyond the fleet's ${slots.length} hosts`,
        );
      } else if (slots[p] !== undefined) {
        problems.push(`${label(s)}: ${host.host} is also in ${owner[p]}: a host in two shards`);
      } else {
        slots[p] = host;
        owner[p] = label(s);
      }
    });
  }
  return problems;
}

function failedShardHost(name: string, address: string, shard: string): HostReport {
  return {
    host: name,
    address,
    reachable: false,
    outcome: 'unknown',
    error: {
      kind: 'shard-failed',
      message: `shard ${shard} wrote no report (its control node failed or did not finish): not checked`,
    },
    keys: [],
    findings: [],
    shadowWarnings: [],
  };
}

export function mergeShardReports(
  inputs: readonly ShardReportInput[],
  fleet?: MergeFleet,
): MergeResult {
  if (inputs.length === 0) throw new MergeError(['no shard reports to merge']);
  const problems: string[] = [];
  const shards: Sharded[] = [];
  for (const i of inputs) {
    if (!i.report.shard)
      problems.push(
        `${i.file}: not a shard report (no "shard"): write one per shard with sysfleet check --shard K/N --json FILE`,
      );
    else shards.push({ ...i, shard: i.report.shard });
  }
  if (problems.length) throw new MergeError(problems);
  problems.push(...consistency(shards));
  if (problems.length) throw new MergeError(problems);

  const ref = shards[0]!;
  const count = ref.shard.count;
  const byIndex = new Map<number, Sharded>();
  for (const s of shards) {
    const seen = byIndex.get(s.shard.index);
    if (s.shard.index >= count) problems.push(`${label(s)}: no such shard in ${count} shards`);
    else if (seen)
      problems.push(`${s.file} and ${seen.file} are both shard ${formatShard(s.shard)}`);
    else byIndex.set(s.shard.index, s);
  }
  if (fleet && fleet.digest !== ref.shard.fleet.digest)
    problems.push(
      `the inventory given to merge (${fleet.hosts.length} hosts, ${fleet.digest}) is not the fleet the shards checked (${ref.shard.fleet.hosts} hosts, ${ref.shard.fleet.digest}): pass the same -i and --limit`,
    );
  const missing = Array.from({ length: count }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length && !fleet)
    problems.push(
      ...missing.map(
        (k) =>
          `shard ${k}/${count}: no report among the ${inputs.length} given: rerun that shard, or pass the shards' inventory (-i) to report its hosts as unknown`,
      ),
    );
  if (problems.length) throw new MergeError(problems);

  const slots = new Array<HostReport | undefined>(ref.shard.fleet.hosts);
  const owner = new Array<string>(slots.length);
  problems.push(...placeHosts([...byIndex.values()], slots, owner));
  if (fleet) {
    for (const k of missing) {
      const slice = selectShard(fleet.hosts, { index: k, count });
      slice.positions.forEach((p, i) => {
        const h = slice.hosts[i]!;
        slots[p] = failedShardHost(h.name, h.address, `${k}/${count}`);
      });
    }
  }
  const empty = slots.findIndex((h) => h === undefined);
  if (empty >= 0)
    problems.push(
      `fleet position ${empty} has no host in any shard: the shards do not cover the fleet`,
    );
  if (problems.length) throw new MergeError(problems);

  const startedAt = shards.map((s) => s.report.startedAt).sort()[0]!;
  const finishedAt = shards
    .map((s) => s.report.finishedAt)
    .sort()
    .at(-1)!;
  const { tool, runId, playbook } = ref.report;
  const report = assembleReport(
    { tool, runId, playbook, startedAt, finishedAt },
    slots as HostReport[],
  );
  return { report, failedShards: missing };
}
