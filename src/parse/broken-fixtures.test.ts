/**
 * Every deliberately broken inventory and playbook under test/fixtures/broken/<case>/ must fail
 * with exactly the error lines in its expected.txt (file:line:col: message — hint, sorted by
 * position). A case holds `playbook.yaml` or `inventory.*` files. After a deliberate message
 * change, `UPDATE_BROKEN=1 npx vitest run src/parse/broken-fixtures.test.ts` rewrites them.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelErrors } from './errors.js';
import { loadInventory } from '../inventory/load-inventory.js';
import { parsePlaybook } from '../playbook/playbook.js';

const BROKEN = join(import.meta.dirname, '../../test/fixtures/broken');

async function errorsOf(dir: string): Promise<string> {
  const files = readdirSync(dir).sort();
  try {
    if (files.includes('playbook.yaml')) {
      parsePlaybook(readFileSync(join(dir, 'playbook.yaml'), 'utf8'), 'playbook.yaml');
    } else {
      await loadInventory(
        files.filter((f) => f.startsWith('inventory')),
        { cwd: dir },
      );
    }
  } catch (e) {
    if (e instanceof ModelErrors) return e.format();
    throw e;
  }
  return '(no error)';
}

describe('broken inputs fail with exact, positioned errors', () => {
  for (const name of readdirSync(BROKEN).sort()) {
    it(name, async () => {
      const dir = join(BROKEN, name);
      const actual = await errorsOf(dir);
      // UPDATE_BROKEN=1 rewrites expected.txt from the current output: review the diff!
      if (process.env['UPDATE_BROKEN'] === '1')
        writeFileSync(join(dir, 'expected.txt'), `${actual}\n`);
      const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trimEnd();
      expect(actual).toBe(expected);
    });
  }
});
