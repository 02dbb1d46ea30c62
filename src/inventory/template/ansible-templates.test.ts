/**
 * Template resolution against Ansible itself: `ansible all -m debug` with
 * `query('vars', ...)` renders each host's connection variables exactly as Ansible does when
 * it connects (debug runs on the controller, so no host is contacted). sysfleet's rendering of
 * the same fixture must agree for every template inside the subset, and name the variable and
 * its file:line:col for the one outside it. Without ansible this fails in CI and skips loudly
 * elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../load-inventory.js';
import { renderHosts } from './render-hosts.js';
import { HostVarResolver } from './resolve.js';

const DIR = join(import.meta.dirname, '../../../test/fixtures/inventories/templated');
const VARS = [
  'ansible_host',
  'ansible_user',
  'ansible_port',
  'ansible_become',
  'ansible_become_user',
  'ansible_ssh_common_args',
  'label',
];
const MISSING = '<undefined>';
const ENV = { SYSFLEET_TEST_USER: 'alice' };
const haveAnsible = spawnSync('ansible', ['--version'], { stdio: 'ignore' }).status === 0;

if (!haveAnsible) {
  if (process.env['CI'] === 'true')
    it('needs ansible in CI', () =>
      expect.fail('ansible is not installed (apt-get install -y ansible)'));
  else console.warn('\n*** SKIPPING template oracle test: ansible not installed ***\n');
}

function ansibleRendered(): Record<string, unknown[]> {
  const names = VARS.map((v) => `'${v}'`).join(',');
  const out = execFileSync(
    'ansible',
    [
      'all',
      '-i',
      'hosts.yml',
      '-m',
      'debug',
      '-a',
      `msg={{ query('vars', ${names}, default='${MISSING}') }}`,
    ],
    {
      cwd: DIR,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        ...ENV,
        ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
        ANSIBLE_STDOUT_CALLBACK: 'json',
      },
    },
  );
  const doc = JSON.parse(out) as {
    plays: { tasks: { hosts: Record<string, { msg: unknown[] }> }[] }[];
  };
  return Object.fromEntries(
    Object.entries(doc.plays[0]!.tasks[0]!.hosts).map(([h, r]) => [h, r.msg]),
  );
}

describe.skipIf(!haveAnsible)('templated inventory vars render as Ansible renders them', () => {
  it('every host, every connection variable (one outside the subset is named with its file)', async () => {
    const inv = await loadInventory(['hosts.yml'], { cwd: DIR });
    const theirs = ansibleRendered();
    const resolver = new HostVarResolver(inv, ENV);
    const outside: string[] = [];
    for (const host of inv.hosts) {
      const { vars, problems } = resolver.resolve(host, VARS);
      const ours = VARS.map((v) => (v in vars ? vars[v] : MISSING));
      const bad = new Set(problems.map((p) => p.variable));
      const expected = theirs[host.name]!.map((v, i) => (bad.has(VARS[i]!) ? '(outside)' : v));
      expect(
        ours.map((v, i) => (bad.has(VARS[i]!) ? '(outside)' : v)),
        host.name,
      ).toEqual(expected);
      outside.push(
        ...problems.map(
          (p) =>
            `${p.host} ${p.variable} ${p.origin?.file}:${p.origin?.line}:${p.origin?.col}: ${p.message}`,
        ),
      );
    }
    // `x if c else y` is Jinja but not the subset: named, with where it was written.
    expect(outside).toEqual([
      `db1 ansible_become ${join(DIR, 'group_vars/db.yml')}:2:17: expected "}}" (only variables, literals, ~, + and filters are evaluated) at "if true else 'no' }}"`,
    ]);
  }, 180_000);

  it('a host whose template cannot be rendered is unreachable with the reason; the others are not', async () => {
    const inv = await loadInventory(['hosts.yml'], { cwd: DIR });
    const rendered = renderHosts(inv, inv.hosts, ENV);
    const problems = Object.fromEntries(rendered.map((r) => [r.host.name, r.problem]));
    expect(problems['db1']).toMatch(
      /^cannot resolve variable ansible_become \(.*group_vars\/db\.yml:2:17\): /,
    );
    expect(problems['db2']).toBeUndefined();
    expect(rendered.find((r) => r.host.name === 'web2')!.host.vars['ansible_host']).toBe(
      'WEB2.example.internal',
    );
  });
});
