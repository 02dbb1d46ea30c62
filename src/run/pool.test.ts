import { describe, expect, it } from 'vitest';
import { runPool } from './pool.js';

describe('runPool', () => {
  it('runs every item with at most `concurrency` in flight and keeps order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await runPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results).toEqual([10, 20, 30, 40, 50, 60].map((value) => ({ started: true, value })));
  });

  it('after abort, in-flight items finish and no new item starts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const results = await runPool(
      [1, 2, 3, 4],
      2,
      async (n) => {
        started.push(n);
        await new Promise((r) => setImmediate(r));
        if (n === 1) controller.abort(); // both 1 and 2 are in flight by now
        return n;
      },
      { signal: controller.signal },
    );
    expect(started).toEqual([1, 2]);
    expect(results).toEqual([
      { started: true, value: 1 },
      { started: true, value: 2 },
      { started: false },
      { started: false },
    ]);
  });

  it('shouldStart gates each start (max-fail thresholds)', async () => {
    let failures = 0;
    const results = await runPool(
      [1, 2, 3, 4],
      1,
      async (n) => {
        if (n <= 2) failures++;
        return n;
      },
      { shouldStart: () => failures < 2 },
    );
    expect(results.map((r) => r.started)).toEqual([true, true, false, false]);
  });
});
