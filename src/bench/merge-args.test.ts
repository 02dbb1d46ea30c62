import { describe, expect, it } from 'vitest';
import { parseMergeArgs } from './merge-args.js';

describe('bench merge arguments', () => {
  it('default to the issue figure: 5 000 and 50 000 hosts, 10 shards, 3 runs', () => {
    expect(parseMergeArgs([])).toEqual({ hosts: [5000, 50_000], shards: 10, runs: 3, help: false });
  });
  it('read sizes, shards and runs, and refuse nonsense', () => {
    expect(parseMergeArgs(['--hosts', '100,200', '--shards', '3', '--runs', '1'])).toMatchObject({
      hosts: [100, 200],
      shards: 3,
      runs: 1,
    });
    expect(() => parseMergeArgs(['--shards', '0'])).toThrow(
      /--shards: expected a whole number 1-4096/,
    );
    expect(() => parseMergeArgs(['--hosts', '10,x'])).toThrow(/--hosts/);
    expect(() => parseMergeArgs(['--fast'])).toThrow(/unknown option --fast/);
  });
});
