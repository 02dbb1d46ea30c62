import { describe, expect, it } from 'vitest';
import { formatRunId, isRunId, newRunId, runIdTime } from './run-id.js';

describe('run ids', () => {
  it('encode the UTC second and sort by time', () => {
    const a = formatRunId(new Date('2026-11-21T05:20:00.900Z'), 'ffff');
    const b = formatRunId(new Date('2026-11-21T05:20:01Z'), '0000');
    expect(a).toBe('20261121T052000Z-ffff');
    expect([b, a].sort()).toEqual([a, b]);
    expect(runIdTime(a).toISOString()).toBe('2026-11-21T05:20:00.000Z');
  });

  it('new ones are valid and differ', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const ids = new Set(Array.from({ length: 20 }, () => newRunId(at)));
    expect([...ids].every(isRunId)).toBe(true);
    expect(ids.size).toBeGreaterThan(1);
    expect(isRunId('latest')).toBe(false);
  });
});
