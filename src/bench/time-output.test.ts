import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTimeOutput } from './time-output.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/bench/${name}`, import.meta.url), 'utf8');

describe('parseTimeOutput (captured from Debian time 1.9)', () => {
  it('reads elapsed, user, sys and max RSS of a clean exit', () => {
    expect(parseTimeOutput(fixture('time-ok.txt'))).toEqual({
      elapsedS: 0,
      userS: 0,
      sysS: 0,
      maxRssKiB: 1044,
      exitCode: 0,
    });
  });
  it('keeps the exit status and the signal', () => {
    expect(parseTimeOutput(fixture('time-exit2.txt'))?.exitCode).toBe(2);
    expect(parseTimeOutput(fixture('time-exit2.txt'))?.maxRssKiB).toBe(1632);
    expect(parseTimeOutput(fixture('time-signal9.txt'))?.exitCode).toBe(137);
  });
  it('gives nothing for output it does not know', () => {
    expect(parseTimeOutput('')).toBeUndefined();
    expect(parseTimeOutput('1.0 2.0')).toBeUndefined();
  });
});
