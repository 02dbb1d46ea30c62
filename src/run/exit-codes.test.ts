import { describe, expect, it } from 'vitest';
import { applyExitCode, planOnlyExitCode, readExitCode, rollbackExitCode } from './exit-codes.js';
import { doneRecord } from './host-done.js';
import type { HostOutcome } from './events.js';

const recs = (...o: HostOutcome[]) => o.map((x, i) => doneRecord(`h${i}`, undefined, x));

describe('exit codes', () => {
  it('apply: changes made = 0; failed, reverted or stopped = 2; only unreachable = 3', () => {
    expect(applyExitCode(recs('changed', 'unchanged'), false)).toBe(0);
    expect(applyExitCode(recs('changed', 'reverted'), false)).toBe(2);
    expect(applyExitCode(recs('changed', 'failed', 'unreachable'), false)).toBe(2);
    expect(applyExitCode(recs('changed', 'unreachable'), false)).toBe(3);
    expect(applyExitCode(recs('changed', 'skipped'), true)).toBe(2);
  });
  it('apply that changed nothing: dry run 2 on drift; unplanned hosts 3; declined 0; stopped 3', () => {
    expect(planOnlyExitCode('dry-run', { changing: 2, unplanned: 0 })).toBe(2);
    expect(planOnlyExitCode('dry-run', { changing: 0, unplanned: 1 })).toBe(3);
    expect(planOnlyExitCode('dry-run', { changing: 0, unplanned: 0 })).toBe(0);
    expect(planOnlyExitCode('nothing-to-change', { changing: 0, unplanned: 1 })).toBe(3);
    expect(planOnlyExitCode('nothing-to-change', { changing: 0, unplanned: 0 })).toBe(0);
    expect(planOnlyExitCode('declined', { changing: 3, unplanned: 1 })).toBe(0);
    expect(planOnlyExitCode('stopped', { changing: 3, unplanned: 0 })).toBe(3);
  });
  it('rollback: restored = 0; a failure = 2; unreachable or skipped = 3', () => {
    expect(rollbackExitCode(recs('rolled_back', 'unchanged'))).toBe(0);
    expect(rollbackExitCode(recs('rolled_back', 'failed', 'unreachable'))).toBe(2);
    expect(rollbackExitCode(recs('rolled_back', 'skipped'))).toBe(3);
    expect(rollbackExitCode(recs('unreachable'))).toBe(3);
  });
  it('reads: 3 when any host could not be read', () => {
    expect([readExitCode(false), readExitCode(true)]).toEqual([0, 3]);
  });
});
