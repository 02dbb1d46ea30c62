/**
 * report merge: shard reports of one run give back exactly the unsharded report and every output
 * rendered from it; shards that do not belong together, duplicates and holes are errors naming
 * the shard; a shard without a report makes its hosts unknown (never compliant) when the fleet
 * is known. Every report is validated against schemas/report.schema.json (the shipped validator).
 */
import { describe, expect, it } from 'vitest';
import { report as validateReport } from '../parse/schema-validators.gen.js';
import { fleetDigest } from '../shard/index.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { MergeError, mergeShardReports, type ShardReportInput } from './merge.js';
import { renderNagios } from './nagios.js';
import { renderPrometheus } from './prometheus.js';
import { shardReports, syntheticFleet, unshardedReport } from './synthetic.js';
import { renderText } from './text.js';
import type { CheckReport } from './types.js';

const hosts = syntheticFleet(600);
const whole = unshardedReport(hosts);
const inputs = (reports: CheckReport[]): ShardReportInput[] =>
  reports.map((report, i) => ({ file: `shard-${report.shard?.index ?? i}.json`, report }));
const fleet = {
  digest: fleetDigest(hosts.map((h) => ({ name: h.host, address: h.address, port: 22 }))),
  hosts: hosts.map((h) => ({ name: h.host, address: h.address })),
};

function valid(r: CheckReport): void {
  expect(validateReport(JSON.parse(renderJson(r)))).toBe(true);
  expect(validateReport.errors ?? null).toBeNull();
}

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof MergeError) return e.problems;
    throw e;
  }
  throw new Error('expected a MergeError');
}

describe('mergeShardReports', () => {
  const shards = shardReports(hosts, 3);

  it('shard reports carry their slice and pass the schema', () => {
    for (const s of shards) valid(s);
    expect(shards.map((s) => s.hosts.length).reduce((a, b) => a + b)).toBe(600);
    expect(shards.every((s) => s.hosts.length > 150)).toBe(true);
  });

  it.each([
    ['json', renderJson],
    ['junit', renderJunit],
    ['nagios', renderNagios],
    ['prometheus', renderPrometheus],
    ['text', (r: CheckReport) => renderText(r, { detail: true })],
  ])('3 shards, in any order, render the %s of one unsharded run byte for byte', (_, render) => {
    for (const order of [shards, [shards[2]!, shards[0]!, shards[1]!]]) {
      const { report, failedShards } = mergeShardReports(inputs(order));
      expect(failedShards).toEqual([]);
      expect(render(report)).toBe(render(whole));
    }
  });

  it('the merged run starts with the first shard and ends with the last', () => {
    const early = { ...shards[0]!, startedAt: '2026-12-02T16:59:58.000Z' };
    const late = { ...shards[1]!, finishedAt: '2026-12-02T17:00:31.500Z' };
    const { report } = mergeShardReports(inputs([early, late, shards[2]!]));
    expect([report.startedAt, report.finishedAt, report.durationMs]).toEqual([
      '2026-12-02T16:59:58.000Z',
      '2026-12-02T17:00:31.500Z',
      33_500,
    ]);
    valid(report);
  });

  it('a missing shard is an error naming it, unless the fleet is known', () => {
    expect(problems(() => mergeShardReports(inputs([shards[0]!, shards[2]!])))).toEqual([
      expect.stringMatching(
        /^shard 1\/3: no report among the 2 given: .* pass the shards' inventory/,
      ),
    ]);
  });

  it("with the fleet, a failed shard's hosts are unknown, not compliant, and the exit code says so", () => {
    const compliant = syntheticFleet(600)
      .filter((h) => h.outcome === 'compliant')
      .slice(0, 90);
    const c3 = shardReports(compliant, 3);
    const cFleet = {
      digest: c3[0]!.shard!.fleet.digest,
      hosts: compliant.map((h) => ({ name: h.host, address: h.address })),
    };
    expect(mergeShardReports(inputs(c3)).report.exitCode).toBe(0);
    const { report, failedShards } = mergeShardReports(inputs([c3[0]!, c3[2]!]), cFleet);
    expect(failedShards).toEqual([1]);
    const lost = new Set(c3[1]!.hosts.map((h) => h.host));
    for (const h of report.hosts) {
      expect(h.outcome).toBe(lost.has(h.host) ? 'unknown' : 'compliant');
      if (lost.has(h.host)) expect(h.error?.kind).toBe('shard-failed');
    }
    expect(report.hosts.map((h) => h.host)).toEqual(compliant.map((h) => h.host));
    expect(report.summary.unknown).toBe(lost.size);
    expect(report.exitCode).toBe(3);
    expect(renderNagios(report)).toMatch(/^SYSFLEET UNKNOWN - \d+ unreachable of 90 hosts/);
    valid(report);
  });

  it('drift elsewhere still beats a failed shard (exit 2), as in one run', () => {
    const { report } = mergeShardReports(inputs([shards[0]!, shards[1]!]), fleet);
    expect(report.exitCode).toBe(2);
    expect(report.summary.hosts).toBe(600);
  });

  it('duplicates, strangers and holes are errors naming the shard', () => {
    expect(problems(() => mergeShardReports(inputs([...shards, shards[1]!])))).toEqual([
      'shard-1.json and shard-1.json are both shard 1/3',
    ]);
    const other = { ...shards[2]!, runId: '20261201T000000Z-0000' };
    expect(problems(() => mergeShardReports(inputs([shards[0]!, shards[1]!, other])))).toEqual([
      expect.stringMatching(
        /^shard-2.json \(shard 2\/3\): run id is 20261201T000000Z-0000, but shard-0.json \(shard 0\/3\) has 20261202T170000Z-5a4d: not shards of one run/,
      ),
    ]);
    const newer = { ...shards[1]!, tool: { name: 'sysfleet', version: '0.2.0' } };
    expect(problems(() => mergeShardReports(inputs([shards[0]!, newer, shards[2]!])))[0]).toMatch(
      /shard 1\/3\): sysfleet version is sysfleet 0.2.0/,
    );
    const pb = {
      ...shards[1]!,
      shard: { ...shards[1]!.shard!, playbookDigest: `sha256:${'1'.repeat(64)}` },
    };
    expect(problems(() => mergeShardReports(inputs([shards[0]!, pb, shards[2]!])))[0]).toMatch(
      /shard 1\/3\): playbook contents is sha256:1+, but/,
    );
    const four = shardReports(hosts, 4);
    expect(problems(() => mergeShardReports(inputs([shards[0]!, four[1]!])))).toEqual([
      expect.stringMatching(
        /^shard-1.json \(shard 1\/4\): shard count is 4, but shard-0.json \(shard 0\/3\) has 3/,
      ),
    ]);
    expect(problems(() => mergeShardReports(inputs([whole])))).toEqual([
      expect.stringMatching(/^shard-0.json: not a shard report \(no "shard"\)/),
    ]);
    const wrongFleet = { ...fleet, digest: `sha256:${'2'.repeat(64)}` };
    expect(problems(() => mergeShardReports(inputs(shards), wrongFleet))[0]).toMatch(
      /the inventory given to merge \(600 hosts, sha256:2+\) is not the fleet the shards checked/,
    );
  });

  it('a host in two shards or a truncated report is caught', () => {
    const s1 = shards[1]!;
    const stolen = {
      ...s1,
      hosts: [...s1.hosts, shards[0]!.hosts[0]!],
      shard: { ...s1.shard!, positions: [...s1.shard!.positions, shards[0]!.shard!.positions[0]!] },
    };
    expect(problems(() => mergeShardReports(inputs([shards[0]!, stolen, shards[2]!])))).toEqual([
      expect.stringMatching(
        /shard 1\/3\): host-\d+.example.net is also in shard-0.json \(shard 0\/3\): a host in two shards/,
      ),
    ]);
    const cut = { ...s1, hosts: s1.hosts.slice(1) };
    expect(problems(() => mergeShardReports(inputs([shards[0]!, cut, shards[2]!])))[0]).toMatch(
      /hosts but \d+ positions: the report was edited or truncated/,
    );
  });

  it('nothing to merge is an error', () => {
    expect(problems(() => mergeShardReports([]))).toEqual(['no shard reports to merge']);
  });
});
