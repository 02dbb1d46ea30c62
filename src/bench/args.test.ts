import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

describe('parseArgs', () => {
  it('defaults to the issue run: 50 and 200 with Ansible, scale 500 and 1000, 3 runs', () => {
    expect(parseArgs([])).toEqual({
      hosts: [50, 200],
      scale: [500, 1000],
      runs: 3,
      ansible: true,
      countConnections: true,
      keep: false,
      help: false,
    });
  });
  it('reads options after npm\'s "--", in both spellings, sorted and deduplicated', () => {
    const a = parseArgs(['--', '--hosts', '200,20,200', '--runs=5', '--no-scale', '--no-ansible']);
    expect(a.hosts).toEqual([20, 200]);
    expect(a.runs).toBe(5);
    expect(a.scale).toEqual([]);
    expect(a.ansible).toBe(false);
  });
  it('refuses nonsense with the flag named', () => {
    expect(() => parseArgs(['--hosts', '0'])).toThrow(/--hosts/);
    expect(() => parseArgs(['--runs', 'x'])).toThrow(/--runs/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option "--frobnicate"/);
  });
});
