/**
 * Fixture-driven tests, pyinfra style: every test/fixtures/facts/<case>/ holds output.txt (what
 * gather.sh printed) and expected.json (the HostFacts, or `{ "error": message }`). A new kernel
 * quirk is a new directory, not new code. Set SYSFLEET_WRITE_FIXTURES=1 to write a missing
 * expected.json from the parser (then read it line by line before committing it).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGatherOutput } from './parseGather.js';

const root = new URL('../../test/fixtures/facts/', import.meta.url).pathname;
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const HOST = 'db-01';
const AT = '2025-06-01T12:00:00.000Z';

function run(output: string): unknown {
  try {
    return parseGatherOutput(HOST, output, AT);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('parseGatherOutput fixtures', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      const actual = run(readFileSync(join(dir, 'output.txt'), 'utf8'));
      const expectedPath = join(dir, 'expected.json');
      if (!existsSync(expectedPath) && process.env.SYSFLEET_WRITE_FIXTURES === '1') {
        writeFileSync(expectedPath, JSON.stringify(actual, null, 2) + '\n');
      }
      expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
    });
  }
});
