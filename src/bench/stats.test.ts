import { describe, expect, it } from 'vitest';
import { ratio, slope, summarize } from './stats.js';

describe('summarize', () => {
  it('takes the middle of an odd count and the mean of the middle pair of an even one', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
  });
  it('ignores failed runs (NaN) and gives nothing for no runs', () => {
    expect(summarize([Number.NaN, 5])).toEqual({ median: 5, min: 5, max: 5, n: 1 });
    expect(summarize([])).toBeUndefined();
  });
});

describe('ratio', () => {
  it('divides medians and refuses a zero or missing denominator', () => {
    expect(ratio(summarize([2, 4, 6]), summarize([1, 2, 3]))).toBe(2);
    expect(ratio(summarize([2]), summarize([0]))).toBeUndefined();
    expect(ratio(undefined, summarize([1]))).toBeUndefined();
  });
});

describe('slope', () => {
  it('is the per-unit growth, without the fixed part', () => {
    expect(
      slope([
        { x: 50, y: 60_000 + 50 * 150 },
        { x: 200, y: 60_000 + 200 * 150 },
        { x: 1000, y: 60_000 + 1000 * 150 },
      ]),
    ).toBeCloseTo(150, 6);
    expect(slope([{ x: 1, y: 1 }])).toBeUndefined();
  });
});
