/**
 * `sysfleet playbook import` of an Ansible play, judged by Ansible itself: on a 4-host lab,
 * prepared (with lab.exec, not sysfleet) so hosts are compliant, drifted at runtime, set at
 * runtime but not persisted, or in a group the play's `when` names, `ansible-playbook --check
 * --diff` and `sysfleet check` of the imported playbook must report the same keys changing on
 * the same hosts. Nothing is changed on any host (check mode on both sides).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlaybook } from '../../src/playbook/import/load-import.js';
import type { CheckReport } from '../../src/report/types.js';
import { assertBuilt, sysfleet } from './support/check-cli.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

const execFileP = promisify(execFile);
const PLAY = fileURLToPath(new URL('../fixtures/import/lab-site.yml', import.meta.url));
const FILE = '/etc/sysctl.d/60-import-lab.conf';
const COMPLIANT = 'net.ipv4.tcp_keepalive_time = 600\nnet.ipv4.tcp_fin_timeout = 25\n';

let lab: Lab;
let work: string;

async function sh(host: string, script: string): Promise<void> {
  const r = await lab.exec(host, ['sh', '-c', script], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${host}: ${script}: ${r.stderr}`);
}

/** host → sorted keys Ansible's check mode would change (from the json callback). */
async function ansibleChanges(inventories: string[]): Promise<Record<string, string[]>> {
  const home = join(work, 'ansible-home');
  const r = await execFileP(
    'ansible-playbook',
    [
      ...inventories.flatMap((i) => ['-i', i]),
      PLAY,
      '--check',
      '--diff',
      '-e',
      'ansible_python_interpreter=/usr/bin/python3',
    ],
    {
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        ANSIBLE_HOME: home,
        ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'),
        ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
        ANSIBLE_STDOUT_CALLBACK: 'json',
        ANSIBLE_RETRY_FILES_ENABLED: 'False',
        ANSIBLE_HOST_KEY_CHECKING: 'True',
        ANSIBLE_NOCOLOR: '1',
      },
    },
  );
  type Res = {
    changed?: boolean;
    skipped?: boolean;
    invocation?: { module_args: { name: string } };
  };
  const doc = JSON.parse(r.stdout) as {
    plays: { tasks: { hosts: Record<string, Res & { results?: Res[] }> }[] }[];
  };
  const out: Record<string, string[]> = {};
  for (const task of doc.plays[0]!.tasks)
    for (const [host, res] of Object.entries(task.hosts)) {
      out[host] ??= [];
      for (const x of res.results ?? [res])
        if (x.changed && x.invocation) out[host].push(x.invocation.module_args.name);
    }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

beforeAll(async () => {
  if (!labAvailable) return;
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'sf-import-'));
  lab = await labUp({ hosts: 4, sudoPasswordHosts: 0 });
  const [h1, h2, h3, h4] = lab.hosts.map((h) => h.name) as [string, string, string, string];
  // h1 compliant; h2 drifted at runtime; h3 right at runtime, file missing; h4 compliant but in db.
  for (const h of [h1, h2, h3, h4])
    await sh(h, 'sysctl -qw net.ipv4.tcp_keepalive_time=600 net.ipv4.tcp_fin_timeout=25');
  for (const h of [h1, h2, h4]) await sh(h, `printf '%s' '${COMPLIANT}' > ${FILE}`);
  await sh(h2, 'sysctl -qw net.ipv4.tcp_fin_timeout=60');
  await sh(h4, 'sysctl -qw net.ipv4.tcp_max_syn_backlog=1024');
}, 300_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe.skipIf(!labAvailable)('an imported Ansible play and Ansible agree', () => {
  it('on which keys would change on which hosts', async () => {
    const groups = join(work, 'groups.ini');
    writeFileSync(groups, `[db]\n${lab.hosts[3]!.name}\n`);
    const inventories = [lab.inventoryPath, groups];
    const { rendered } = await importPlaybook([PLAY]);
    const pbPath = join(work, 'imported.yaml');
    writeFileSync(pbPath, rendered.text);
    const theirs = await ansibleChanges(inventories);
    const r = await sysfleet(
      [
        'check',
        ...inventories.flatMap((i) => ['-i', i]),
        '--known-hosts',
        lab.knownHostsPath,
        pbPath,
        '--json',
        join(work, 'r.json'),
        '--exit-zero',
      ],
      { stateDir: join(work, 'state'), timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(work, 'r.json'), 'utf8')) as CheckReport;
    const ours: Record<string, string[]> = {};
    for (const h of report.hosts) {
      expect(h.reachable, h.error?.message).toBe(true);
      ours[h.host] = h.keys
        .filter((k) => k.status !== 'compliant')
        .map((k) => k.key)
        .sort();
    }
    const [h1, h2, h3, h4] = lab.hosts.map((h) => h.name) as [string, string, string, string];
    expect(theirs).toEqual({
      [h1]: [],
      [h2]: ['net.ipv4.tcp_fin_timeout'],
      [h3]: ['net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_time'],
      [h4]: ['net.ipv4.tcp_max_syn_backlog'],
    });
    expect(ours).toEqual(theirs);
  }, 400_000);
});
