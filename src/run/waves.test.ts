import { describe, expect, it } from 'vitest';
import { computeWaves, maxFailTripped, parseCountSpec, resolveCount } from './waves.js';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);

describe('parseCountSpec', () => {
  it.each([
    ['5', { hosts: 5 }],
    ['0', { hosts: 0 }],
    ['25%', { percent: 25 }],
    [' 100% ', { percent: 100 }],
  ])('%s', (text, spec) => expect(parseCountSpec(text, '--batch')).toEqual(spec));

  it.each(['', 'x', '-1', '0%', '101%', '2.5', '5 %'])('rejects %j', (text) => {
    expect(() => parseCountSpec(text, '--batch')).toThrow(/--batch: /);
  });
});

describe('computeWaves', () => {
  it('puts everything in one wave by default', () => {
    expect(computeWaves(hosts(4), { canary: 0 })).toEqual([['h1', 'h2', 'h3', 'h4']]);
  });
  it('canary first, then batches of 25% of the whole run (rounded up)', () => {
    expect(computeWaves(hosts(9), { canary: 1, batch: { percent: 25 } })).toEqual([
      ['h1'],
      ['h2', 'h3', 'h4'],
      ['h5', 'h6', 'h7'],
      ['h8', 'h9'],
    ]);
  });
  it('absolute batch sizes', () => {
    expect(computeWaves(hosts(5), { canary: 2, batch: { hosts: 2 } })).toEqual([
      ['h1', 'h2'],
      ['h3', 'h4'],
      ['h5'],
    ]);
  });
  it('a canary larger than the fleet is one wave; no hosts, no waves', () => {
    expect(computeWaves(hosts(2), { canary: 5, batch: { hosts: 1 } })).toEqual([['h1', 'h2']]);
    expect(computeWaves([], { canary: 1 })).toEqual([]);
  });
  it('batch 0 hosts still makes progress one host at a time', () => {
    expect(computeWaves(hosts(2), { canary: 0, batch: { hosts: 0 } })).toEqual([['h1'], ['h2']]);
  });
});

describe('maxFailTripped', () => {
  it('tolerates up to N failures', () => {
    expect(maxFailTripped(1, 10, { hosts: 1 })).toBe(false);
    expect(maxFailTripped(2, 10, { hosts: 1 })).toBe(true);
    expect(maxFailTripped(1, 10, { hosts: 0 })).toBe(true);
  });
  it('percentages of the run', () => {
    expect(resolveCount({ percent: 10 }, 50)).toBe(5);
    expect(maxFailTripped(5, 50, { percent: 10 })).toBe(false);
    expect(maxFailTripped(6, 50, { percent: 10 })).toBe(true);
  });
  it('no threshold never trips', () => expect(maxFailTripped(100, 100, undefined)).toBe(false));
});
