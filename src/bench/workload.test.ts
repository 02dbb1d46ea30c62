import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DRIFT, TARGETS, ansiblePlaybook, classify, sysfleetPlaybook } from './workload.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/bench/${name}`, import.meta.url), 'utf8');

describe('workload', () => {
  it('asks for the same six net.* keys in both playbooks, every one a real change', () => {
    const sf = parse(sysfleetPlaybook()) as { targets: Record<string, number>; persist: string };
    expect(sf.targets).toEqual(TARGETS);
    const ans = parse(ansiblePlaybook()) as [
      { gather_facts: boolean; tasks: [{ loop: { name: string; value: string }[] }] },
    ];
    expect(ans[0].gather_facts).toBe(false);
    const items = ans[0].tasks[0].loop;
    expect(Object.fromEntries(items.map((i) => [i.name, Number(i.value)]))).toEqual(TARGETS);
    for (const k of Object.keys(TARGETS)) expect(DRIFT[k]).not.toBe(TARGETS[k]);
  });

  it('classifies captured lab output: drifted, applied, half-applied', () => {
    expect(classify(fixture('read-drift.txt'))).toBe('drift');
    expect(classify(fixture('read-target.txt'))).toBe('target');
    expect(classify(fixture('read-mixed.txt'))).toBe('mixed');
  });
});
