/**
 * Properties of the shard assignment (fast-check): a partition, stable, independent of the other
 * hosts (adding a host moves only that host), minimal movement when a shard is added, balanced;
 * plus the K/N and auto parsing and the run id a Job gives its pods.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fleetDigest } from './fleet-digest.js';
import { shardOf } from './hrw.js';
import { jobRunId, sharedRunId } from './run-id.js';
import { selectShard } from './select.js';
import { parseShardSpec } from './spec.js';

const hostName = fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/);
const fleetOf = fc.uniqueArray(hostName, { minLength: 1, maxLength: 200 });
const shardCount = fc.integer({ min: 1, max: 64 });

describe('rendezvous assignment', () => {
  it('pins the hash: these names land where they always did (changing it reshuffles fleets)', () => {
    expect(Array.from({ length: 12 }, (_, i) => shardOf(`h${i + 1}`, 3))).toMatchInlineSnapshot(`
      [
        1,
        0,
        1,
        2,
        1,
        0,
        0,
        1,
        1,
        1,
        2,
        2,
      ]
    `);
  });

  it('is a partition: every host in exactly one shard, order kept, positions right', () => {
    fc.assert(
      fc.property(fleetOf, shardCount, (names, n) => {
        const fleet = names.map((name) => ({ name }));
        const slices = Array.from({ length: n }, (_, k) =>
          selectShard(fleet, { index: k, count: n }),
        );
        const seen = slices.flatMap((s) => s.positions).sort((a, b) => a - b);
        expect(seen).toEqual(names.map((_, i) => i));
        for (const s of slices) {
          expect(s.hosts.map((h) => h.name)).toEqual(s.positions.map((p) => names[p]));
          expect([...s.positions].sort((a, b) => a - b)).toEqual(s.positions);
        }
      }),
    );
  });

  it('adding a host moves only that host; so does removing one', () => {
    fc.assert(
      fc.property(fleetOf, hostName, fc.nat(), shardCount, (names, extra, at, n) => {
        fc.pre(!names.includes(extra));
        const before = new Map(names.map((h) => [h, shardOf(h, n)]));
        const grown = [...names];
        grown.splice(at % (names.length + 1), 0, extra);
        for (const k of Array.from({ length: n }, (_, i) => i)) {
          const slice = selectShard(
            grown.map((name) => ({ name })),
            { index: k, count: n },
          );
          for (const h of slice.hosts) if (h.name !== extra) expect(before.get(h.name)).toBe(k);
        }
      }),
    );
  });

  it('going from N to N+1 shards moves hosts only onto the new shard', () => {
    fc.assert(
      fc.property(fleetOf, shardCount, (names, n) => {
        for (const h of names) {
          const now = shardOf(h, n + 1);
          if (now !== n) expect(now).toBe(shardOf(h, n));
        }
      }),
    );
  });

  it('balances: 20 000 hosts on 16 shards, every shard within 10 % of the mean', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 20_000; i++) counts[shardOf(`host-${i}.dc${i % 7}.example.net`, 16)]!++;
    for (const c of counts) expect(Math.abs(c - 1250)).toBeLessThan(125);
  });
});

describe('--shard', () => {
  it('reads K/N with K from 0', () => {
    expect(parseShardSpec('0/3', {})).toEqual({ index: 0, count: 3 });
    expect(parseShardSpec('2/3', {})).toEqual({ index: 2, count: 3 });
  });
  it.each([
    ['3/3', /shard 3 does not exist in 3 shard\(s\) \(shards are numbered 0..2\)/],
    ['1/0', /shard count must be 1/],
    ['1-3', /expected K\/N/],
    ['-1/3', /expected K\/N/],
  ])('refuses %s', (text, message) => {
    expect(() => parseShardSpec(text, {})).toThrow(message);
  });
  it('auto reads the Indexed Job environment and names what is missing', () => {
    expect(parseShardSpec('auto', { JOB_COMPLETION_INDEX: '4', SYSFLEET_SHARDS: '5' })).toEqual({
      index: 4,
      count: 5,
    });
    expect(() => parseShardSpec('auto', { SYSFLEET_SHARDS: '5' })).toThrow(
      /JOB_COMPLETION_INDEX is not set/,
    );
    expect(() => parseShardSpec('auto', { JOB_COMPLETION_INDEX: '0' })).toThrow(
      /SYSFLEET_SHARDS is not set/,
    );
    expect(() =>
      parseShardSpec('auto', { JOB_COMPLETION_INDEX: '5', SYSFLEET_SHARDS: '5' }),
    ).toThrow(/shard 5 does not exist/);
  });
});

describe('shared run id', () => {
  it('a CronJob Job name carries the scheduled minute, the uid the hex digits', () => {
    // 29 400 000 minutes after the epoch = 2025-11-24T16:00:00Z
    const id = jobRunId('sysfleet-compliance-29400000', '0b5e8f0e-0000-4000-8000-000000000001');
    expect(id).toMatch(/^20251124T160000Z-[0-9a-f]{4}$/);
    expect(jobRunId('sysfleet-compliance-29400000', 'another-uid')).not.toBe(id);
    expect(jobRunId('hand-made-job', 'uid')).toBeUndefined();
  });
  it('given wins over the environment; a malformed one is refused', () => {
    const env = { SYSFLEET_RUN_ID: '20261202T170000Z-aaaa' };
    expect(sharedRunId('20261202T180000Z-bbbb', env)).toBe('20261202T180000Z-bbbb');
    expect(sharedRunId(undefined, env)).toBe('20261202T170000Z-aaaa');
    expect(() => sharedRunId(undefined, { SYSFLEET_RUN_ID: 'today' })).toThrow(
      /from SYSFLEET_RUN_ID/,
    );
    expect(sharedRunId(undefined, {})).toBeUndefined();
  });
});

describe('fleetDigest', () => {
  it('changes with a host, an address, a port or the order', () => {
    const a = [
      { name: 'a', address: '10.0.0.1', port: 22 },
      { name: 'b', address: '10.0.0.2', port: 22 },
    ];
    const d = fleetDigest(a);
    expect(fleetDigest([...a])).toBe(d);
    expect(fleetDigest([a[1]!, a[0]!])).not.toBe(d);
    expect(fleetDigest([a[0]!, { ...a[1]!, port: 2222 }])).not.toBe(d);
    expect(fleetDigest([a[0]!])).not.toBe(d);
  });
});
