import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../shard/index.js';
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
    // Only the masked-values note differs: the YAML one templates its become password.
    const withoutNote = (t: string) => t.replace(/^\d+ secret-looking values? masked.*\n/m, '');
    expect(withoutNote(await run('inventory', 'list', '-i', 'inventories/example.yaml'))).toBe(
      withoutNote(await run('inventory', 'list', '-i', 'inventories/example.ini')),
    );
  });
  it('says in the table that --json masks secrets, and --show-secrets prints them', async () => {
    const table = await run('inventory', 'list', '-i', 'inventories/example.yaml');
    expect(table).toMatch(
      /\n23 hosts\n22 secret-looking values masked in --json \(--show-secrets shows them\)\n$/,
    );
    const masked = await run('inventory', 'list', '-i', 'inventories/example.yaml', '--json');
    const shown = await run(
      'inventory',
      'list',
      '-i',
      'inventories/example.yaml',
      '--json',
      '--show-secrets',
    );
    expect(masked).toContain('"ansible_become_password": "********"');
    expect(shown).toContain('"ansible_become_password": "{{ vault_become_password }}"');
    expect(shown).not.toContain('********');
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

describe('sysfleet inventory list --shard', () => {
  const names = (table: string): string[] =>
    table
      .split('\n')
      .slice(1, -2)
      .map((l) => l.split(/\s+/)[0]!);
  const list = (...extra: string[]) =>
    run(
      'inventory',
      'list',
      '-i',
      'inventories/example.ini',
      '--limit',
      'web:&prod:!web03',
      ...extra,
    );

  it('the 3 shards partition the hosts, each in inventory order, as shardOf says', async () => {
    const all = names(await list());
    const shards = [];
    for (const k of [0, 1, 2]) shards.push(names(await list('--shard', `${k}/3`)));
    expect(shards.flat().sort()).toEqual([...all].sort());
    for (const [k, s] of shards.entries()) {
      expect(s).toEqual(all.filter((h) => shardOf(h, 3) === k));
    }
    expect(shards.filter((s) => s.length > 0).length).toBeGreaterThan(1);
  });

  it('auto reads the Indexed Job environment', async () => {
    process.env['JOB_COMPLETION_INDEX'] = '1';
    process.env['SYSFLEET_SHARDS'] = '3';
    try {
      expect(names(await list('--shard', 'auto'))).toEqual(names(await list('--shard', '1/3')));
    } finally {
      delete process.env['JOB_COMPLETION_INDEX'];
      delete process.env['SYSFLEET_SHARDS'];
    }
    await expect(list('--shard', 'auto')).rejects.toThrow(/JOB_COMPLETION_INDEX is not set/);
  });
});

describe('connection types and become methods are per host', () => {
  it('local is this machine; a type or method sysfleet lacks makes only that host unreachable', async () => {
    const out = await run(
      'inventory',
      'list',
      '-i',
      'test/fixtures/inventories/connection-types/hosts.yml',
    );
    expect(out).toBe(`HOST           ADDRESS        PORT  USER  BECOME              JUMP  GROUPS
control        (local)        -     root  no                  -     ungrouped
builtin-local  (local)        -     root  no                  -     ungrouped
fake           fake           22    root  no                  -     ungrouped
container      web_container  22    root  no                  -     ungrouped
mito           mito           22    root  no                  -     ungrouped
smart          smart          22    root  no                  -     ungrouped
para           para           22    root  no                  -     ungrouped
old1           old1           22    root  yes (su)            -     su_hosts
old2           old2           22    root  yes (postgres, su)  -     su_hosts
bsd1           bsd1           22    root  yes (doas)          -     doas_hosts
pb1            pb1            22    root  yes                 -     other_become
mc1            mc1            22    root  yes                 -     other_become
ru1            ru1            22    root  yes                 -     other_become
fake: unreachable: ansible_connection "fakelocal" is not supported: sysfleet connects over ssh or local only
container: unreachable: ansible_connection "docker" is not supported: sysfleet connects over ssh or local only
mito: unreachable: ansible_connection "mitogen_ssh" is not supported: sysfleet connects over ssh or local only
pb1: unreachable: ansible_become_method "pbrun" is not supported: sysfleet becomes with sudo, su or doas
mc1: unreachable: ansible_become_method "machinectl" is not supported: sysfleet becomes with sudo, su or doas
ru1: unreachable: ansible_become_method "runas" is not supported: sysfleet becomes with sudo, su or doas
13 hosts
`);
  });
});
