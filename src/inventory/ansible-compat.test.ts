/**
 * Live comparison with Ansible: for every inventory fixture, `ansible-inventory -i ... --list`
 * and sysfleet's --list JSON must agree on hosts, group membership and variables. Without
 * ansible-inventory installed this fails in CI (CI=true) and skips loudly elsewhere
 * (`apt-get install -y ansible` on Debian 12 gives 2.14).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toAnsibleGraph, toAnsibleList } from './ansible-list.js';
import { loadInventory } from './load-inventory.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/inventories');
const haveAnsible = spawnSync('ansible-inventory', ['--version'], { stdio: 'ignore' }).status === 0;

if (!haveAnsible) {
  if (process.env['CI'] === 'true') {
    describe('ansible compatibility', () => {
      it('needs ansible-inventory in CI', () => {
        expect.fail('ansible-inventory is not installed (apt-get install -y ansible)');
      });
    });
  } else {
    console.warn(
      '\n*** SKIPPING ansible-compat tests: ansible-inventory not installed (apt-get install -y ansible) ***\n',
    );
  }
}

const cases = readdirSync(FIXTURES)
  .sort()
  .filter((n) => existsSync(join(FIXTURES, n, 'case.json')));

describe.skipIf(!haveAnsible)('sysfleet and ansible-inventory agree', () => {
  for (const name of cases) {
    it(
      name,
      async () => {
        const dir = join(FIXTURES, name);
        // ansibleSources: what Ansible reads for the same data (it cannot read --list JSON
        // from a .json file, only from a script that prints it).
        const { sources, ansibleSources } = JSON.parse(
          readFileSync(join(dir, 'case.json'), 'utf8'),
        ) as { sources: string[]; ansibleSources?: string[] };
        const args = (ansibleSources ?? sources).flatMap((s) => ['-i', s]);
        const text = execFileSync('ansible-inventory', [...args, '--list'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' },
        });
        const inv = await loadInventory(sources, { cwd: dir });
        const ours = toAnsibleList(inv);
        expect(ours).toEqual(JSON.parse(text));
        // Byte for byte too, as `sysfleet inventory list --json` prints it.
        expect(`${JSON.stringify(ours, null, 4)}\n`).toBe(text);
        const graph = execFileSync('ansible-inventory', [...args, '--graph'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(`${toAnsibleGraph(inv).join('\n')}\n`).toBe(graph);
      },
      60_000,
    );
  }
});

// A broken fixture marked `ansible-refuses` is one Ansible itself refuses (sysfleet refuses
// more: its expected.txt is checked in src/parse/broken-fixtures.test.ts).
const BROKEN = join(import.meta.dirname, '../../test/fixtures/broken');
const refused = readdirSync(BROKEN)
  .sort()
  .filter((n) => existsSync(join(BROKEN, n, 'ansible-refuses')));

describe.skipIf(!haveAnsible)('what ansible-inventory refuses, sysfleet refuses', () => {
  for (const name of refused) {
    it(
      name,
      async () => {
        const dir = join(BROKEN, name);
        const sources = readdirSync(dir).filter((f) => f.startsWith('inventory'));
        const r = spawnSync('ansible-inventory', [...sources.flatMap((s) => ['-i', s]), '--list'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' },
        });
        expect(r.status, r.stdout).not.toBe(0);
        await expect(loadInventory(sources, { cwd: dir })).rejects.toThrow(/:\d+:\d+: /);
      },
      60_000,
    );
  }
});
