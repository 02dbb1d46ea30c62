import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecap } from './recap.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/bench/${name}`, import.meta.url), 'utf8');

describe('parseRecap (captured from ansible-core 2.14)', () => {
  it('counts an unreachable host as not ok', () => {
    expect(parseRecap(fixture('ansible-recap-unreachable.txt'))).toEqual({
      hosts: 3,
      ok: 2,
      changed: 0,
    });
  });
  it('finds no hosts in output without a recap', () => {
    expect(parseRecap('ERROR! the playbook: x.yaml could not be found')).toEqual({
      hosts: 0,
      ok: 0,
      changed: 0,
    });
  });
});
