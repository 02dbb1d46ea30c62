import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInventory } from './inventory.test-support.js';

const ROOT = join(import.meta.dirname, '../..');

const run = runInventory;

// Hermetic: no ~/.ssh/config of whoever runs the tests.
let home: string;
let oldHome: string | undefined;
let oldCwd: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'sysfleet-home-'));
  oldHome = process.env['HOME'];
  process.env['HOME'] = home;
  oldCwd = process.cwd();
  process.chdir(ROOT);
});
afterAll(() => {
  process.chdir(oldCwd);
  if (oldHome === undefined) delete process.env['HOME'];
  else process.env['HOME'] = oldHome;
  rmSync(home, { recursive: true, force: true });
});

const EXPECTED_WEB_PROD = `HOST   ADDRESS  PORT  USER    BECOME  JUMP                    GROUPS
web01  web01    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web02  web02    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web04  web04    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web05  web05    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web06  web06    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web07  web07    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web08  web08    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web09  web09    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web10  web10    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web11  web11    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
web12  web12    22    deploy  yes     ops@198.51.100.10:2222  fleet,prod,web
11 hosts
`;

describe('sysfleet inventory list', () => {
  it("-i inventories/example.ini --limit 'web:&prod:!web03'", async () => {
    expect(
      await run(
        'inventory',
        'list',
        '-i',
        'inventories/example.ini',
        '--limit',
        'web:&prod:!web03',
      ),
    ).toBe(EXPECTED_WEB_PROD);
  });
  it('example.yaml is the same fleet as example.ini', async () => {
    expect(await run('inventory', 'list', '-i', 'inventories/example.yaml')).toBe(
      await run('inventory', 'list', '-i', 'inventories/example.ini'),
    );
  });
  it('resolves ports, become users and jump chains per group', async () => {
    const out = await run(
      'inventory',
      'list',
      '-i',
      'inventories/example.ini',
      '--limit',
      'db01,db-stg01,bastion*',
    );
    expect(out)
      .toBe(`HOST                 ADDRESS        PORT  USER      BECOME  JUMP                                                   GROUPS
bastion.example.com  198.51.100.10  2222  ops       no      -                                                      bastions
db01                 192.0.2.21     2200  postgres  yes     ops@198.51.100.10:2222                                 db,fleet,prod
db-stg01             192.0.2.121    22    postgres  yes     ops@198.51.100.10:2222,ops@bastion-stg.example.com:22  db,fleet,staging
3 hosts
`);
  });
  it('--json prints ansible-inventory --list, secrets masked', async () => {
    const json = JSON.parse(
      await run(
        'inventory',
        'list',
        '-i',
        'inventories/example.yaml',
        '--json',
        '--limit',
        'web01',
      ),
    ) as {
      _meta: { hostvars: Record<string, Record<string, unknown>> };
      web: { hosts: string[] };
    };
    expect(Object.keys(json._meta.hostvars)).toEqual(['web01']);
    expect(json._meta.hostvars['web01']).toMatchObject({
      ansible_user: 'deploy',
      ansible_become_password: '********',
    });
    expect(json.web.hosts).toEqual(['web01']);
  });
  it('local.yaml is this machine without ssh', async () => {
    expect(await run('inventory', 'list', '-i', 'inventories/local.yaml')).toMatch(
      /^localhost\s+\(local\)\s+-\s+\S+\s+no\s+-\s+ungrouped$/m,
    );
  });
  it('a limit that matches nothing fails with a did-you-mean', async () => {
    await expect(
      run('inventory', 'list', '-i', 'inventories/example.ini', '--limit', 'wbe'),
    ).rejects.toThrow('did you mean "web"?');
  });
});

describe('sysfleet inventory graph', () => {
  it('prints the tree like ansible-inventory --graph', async () => {
    const out = await run('inventory', 'graph', '-i', 'inventories/example.ini', 'staging');
    expect(out).toBe('@staging:\n  |--web-stg01\n  |--web-stg02\n  |--db-stg01\n');
  });
});
