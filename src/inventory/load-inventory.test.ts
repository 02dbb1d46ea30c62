import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toAnsibleGraph, toAnsibleList } from './ansible-list.js';
import { loadInventory } from './load-inventory.js';

/** The inventory fixture cases under test/fixtures/inventories. */
const INVENTORY_FIXTURES = join(
  import.meta.dirname ?? new URL('.', import.meta.url).pathname,
  '../../test/fixtures/inventories',
);

interface InventoryCase {
  name: string;
  dir: string;
  sources: string[];
  /** Captured `ansible-inventory --list` output (Ansible 2.14). */
  ansibleList: unknown;
  /** Captured `ansible-inventory --graph` output. */
  ansibleGraph: string;
}

function inventoryCases(): InventoryCase[] {
  return readdirSync(INVENTORY_FIXTURES)
    .sort()
    .filter((n) => existsSync(join(INVENTORY_FIXTURES, n, 'case.json')))
    .map((name) => {
      const dir = join(INVENTORY_FIXTURES, name);
      const { sources } = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as {
        sources: string[];
      };
      return {
        name,
        dir,
        sources,
        ansibleList: JSON.parse(readFileSync(join(dir, 'ansible-list.json'), 'utf8')) as unknown,
        ansibleGraph: readFileSync(join(dir, 'ansible-graph.txt'), 'utf8'),
      };
    });
}

// Each fixture holds Ansible 2.14's own `ansible-inventory --list` and `--graph` output,
// captured with: cd test/fixtures/inventories/<case> && ansible-inventory -i SRC... --list
// sysfleet must print the same thing from the same sources.
describe('loadInventory reads every fixture as Ansible 2.14 does', () => {
  for (const c of inventoryCases()) {
    it(`${c.name}: --list JSON`, async () => {
      const inv = await loadInventory(c.sources, { cwd: c.dir });
      expect(toAnsibleList(inv)).toEqual(c.ansibleList);
    });
    it(`${c.name}: --graph`, async () => {
      const inv = await loadInventory(c.sources, { cwd: c.dir });
      expect(toAnsibleGraph(inv).join('\n') + '\n').toBe(c.ansibleGraph);
    });
  }
});

describe('loadInventory errors', () => {
  it('names a missing source and still reports the other sources', async () => {
    const dir = join(INVENTORY_FIXTURES, '../broken/inv-two-sources');
    await expect(loadInventory(['nope.ini', 'inventory-1.ini'], { cwd: dir })).rejects.toThrow(
      '2 errors:\ninventory-1.ini:2:1: host range "[1:0]" must have begin <= end\nnope.ini: inventory source not found — give a file, a directory, a script or a comma-separated host list like "h1,h2,"',
    );
  });
  it('returns nothing partial: an error anywhere fails the whole load', async () => {
    const dir = join(INVENTORY_FIXTURES, 'ini-basic');
    await expect(
      loadInventory(['hosts', '../../broken/inv-two-sources/inventory-2.yml'], { cwd: dir }),
    ).rejects.toThrow(/ansible_port/);
  });
});
