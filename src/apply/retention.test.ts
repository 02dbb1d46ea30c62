import { describe, expect, it } from 'vitest';
import { applyDefaultRetention, mustKeep, parseDuration, prunable } from './retention.js';
import type { RunRecord } from './store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-02T12:00:00Z');

function run(
  id: string,
  daysAgo: number,
  outcomes: Record<string, { state: string; reason?: string }>,
  extra: Partial<RunRecord> = {},
): RunRecord {
  const at = new Date(NOW - daysAgo * DAY).toISOString();
  return {
    id,
    kind: 'apply',
    createdAt: at,
    inventorySources: [],
    hosts: Object.keys(outcomes),
    options: {},
    outcomes: Object.fromEntries(Object.entries(outcomes).map(([h, o]) => [h, { ...o, at }])),
    ...extra,
  };
}

describe('retention', () => {
  const unchanged = run('20261101T000000Z-0001', 31, { h1: { state: 'unchanged' } });
  const reverted = run('20261102T000000Z-0002', 30, { h1: { state: 'reverted' } });
  const changed = run('20261103T000000Z-0003', 29, { h1: { state: 'changed' } });
  const unknown = run('20261104T000000Z-0004', 28, { h1: { state: 'unknown' } });
  const revertFailed = run('20261105T000000Z-0005', 27, {
    h1: { state: 'failed', reason: 'x: Invalid argument; restoring failed for: y' },
  });
  const rolledBack = run('20261106T000000Z-0006', 26, {
    h1: { state: 'changed' },
    h2: { state: 'changed' },
  });
  const rollback = run(
    '20261107T000000Z-0007',
    25,
    { h1: { state: 'rolled_back' }, h2: { state: 'unchanged' } },
    { kind: 'rollback', rollbackOf: rolledBack.id },
  );
  const partlyBack = run('20261108T000000Z-0008', 24, {
    h1: { state: 'changed' },
    h2: { state: 'changed' },
  });
  const partial = run(
    '20261109T000000Z-0009',
    23,
    { h1: { state: 'rolled_back' }, h2: { state: 'failed' } },
    { kind: 'rollback', rollbackOf: partlyBack.id },
  );
  const notRecorded: RunRecord = { ...run('20261110T000000Z-000a', 22, {}), hosts: ['h1'] };
  const fresh = run('20261201T000000Z-000b', 1, { h1: { state: 'unchanged' } });
  const newestFirst = [
    fresh,
    notRecorded,
    partial,
    partlyBack,
    rollback,
    rolledBack,
    revertFailed,
    unknown,
    changed,
    reverted,
    unchanged,
  ];

  it('never lets go of an apply whose change may still be in place and was not rolled back', () => {
    expect(newestFirst.filter((r) => mustKeep(r, newestFirst)).map((r) => r.id)).toEqual([
      notRecorded.id,
      partlyBack.id,
      revertFailed.id,
      unknown.id,
      changed.id,
    ]);
  });

  it('--older-than and --keep, alone or together', () => {
    expect(prunable(newestFirst, { olderThanMs: 7 * DAY }, NOW)).toEqual([
      partial.id,
      rollback.id,
      rolledBack.id,
      reverted.id,
      unchanged.id,
    ]);
    expect(prunable(newestFirst, { keep: 9 }, NOW)).toEqual([reverted.id, unchanged.id]);
    expect(prunable(newestFirst, { keep: 10, olderThanMs: 7 * DAY }, NOW)).toEqual([unchanged.id]);
    expect(prunable(newestFirst, {}, NOW)).toEqual([]);
  });

  it('the default keeps 200 runs and 180 days', async () => {
    const removed: string[] = [];
    const many = Array.from({ length: 205 }, (_, i) =>
      run(`2026${String(1).padStart(2, '0')}01T000000Z-${(0xffff - i).toString(16)}`, 200 + i, {
        h1: { state: i === 204 ? 'changed' : 'unchanged' },
      }),
    );
    const gone = await applyDefaultRetention(
      {
        listRuns: () => Promise.resolve(many),
        removeRun: (id) => Promise.resolve(void removed.push(id)),
      },
      () => undefined,
      NOW,
    );
    expect(gone).toHaveLength(4); // 205 - 200 kept - the one that changed and was not rolled back
    expect(removed).toEqual(gone);
  });

  it('parses durations', () => {
    expect(parseDuration('30d')).toBe(30 * DAY);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2w')).toBe(14 * DAY);
    expect(parseDuration('soon')).toBeUndefined();
  });
});
