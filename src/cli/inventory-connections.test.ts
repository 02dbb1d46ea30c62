/**
 * `sysfleet inventory list --connections [--json]`: the JSON validates against
 * schemas/connections.schema.json, and its address/port/user/keys/known_hosts agree with what
 * `ssh -G` prints for the same host and ssh_config (OpenSSH is the oracle; ssh -G contacts no one).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { runInventory } from './inventory.test-support.js';
import type { ConnectionsJson } from './connections-view.js';

const dir = mkdtempSync(join(tmpdir(), 'sysfleet-conns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sshConfig = join(dir, 'ssh_config');
writeFileSync(
  sshConfig,
  `Host bastion
  HostName 127.0.0.1
  Port 2222
  User jumper
  UserKnownHostsFile ${dir}/kh_bastion
Host web*
  ProxyJump bastion
  IdentityFile ~/.ssh/web_%r
  UserKnownHostsFile ${dir}/kh_%h
Host cert*
  CertificateFile ~/.ssh/id_ed25519-cert.pub
  ProxyCommand nc %h %p
Host *
  User fallback
`,
);
const inventory = join(dir, 'hosts.ini');
writeFileSync(
  inventory,
  `[web]
web1 ansible_host=web1.example ansible_port=2201
web2 ansible_user=deploy
[certs]
cert1 ansible_ssh_common_args='-o StrictHostKeyChecking=accept-new'
`,
);

const run = runInventory;
const list = (...extra: string[]) =>
  run('inventory', 'list', '-i', inventory, '--ssh-config', sshConfig, '--connections', ...extra);

const schema: unknown = JSON.parse(
  readFileSync(new URL('../../schemas/connections.schema.json', import.meta.url), 'utf8'),
);

function sshG(host: string, args: string[] = []): Record<string, string[]> {
  const r = spawnSync('ssh', ['-G', '-F', sshConfig, ...args, host], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh -G ${host}: ${r.stderr}`);
  const out: Record<string, string[]> = {};
  for (const l of r.stdout.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(l);
    if (m) (out[m[1]!] ??= []).push(m[2]!);
  }
  return out;
}

describe('sysfleet inventory list --connections', () => {
  it('--json validates against schemas/connections.schema.json', async () => {
    const doc = JSON.parse(await list('--json')) as ConnectionsJson;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema as object);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.hosts.map((h) => h.name)).toEqual(['web1', 'web2', 'cert1']);
    expect(doc.sshConfigFiles).toEqual([sshConfig]);
  });

  it('agrees with ssh -G on address, port, user, known_hosts, proxy and jump', async () => {
    const doc = JSON.parse(await list('--json')) as ConnectionsJson;
    const [web1, web2, cert1] = doc.hosts;
    // What Ansible's ssh plugin passes for these inventory vars.
    const g1 = sshG('web1.example', ['-o', 'Port=2201']);
    expect([web1!.address, String(web1!.port), web1!.user]).toEqual([
      g1['hostname']![0],
      g1['port']![0],
      g1['user']![0],
    ]);
    expect(web1!.knownHostsFiles.join(' ')).toBe(g1['userknownhostsfile']![0]);
    expect(g1['proxyjump']).toEqual(['bastion']);
    const gb = sshG('bastion');
    expect(web1!.jump).toMatchObject([
      {
        name: 'bastion',
        address: gb['hostname']![0],
        port: Number(gb['port']![0]),
        user: gb['user']![0],
        knownHostsFiles: gb['userknownhostsfile']![0]!.split(' '),
      },
    ]);
    const g2 = sshG('web2', ['-o', 'User=deploy']);
    expect(web2!.user).toBe(g2['user']![0]);
    expect(web2!.identityFiles).toEqual(
      g2['identityfile']!.map((f) => f.replace('~', userInfo().homedir).replace('%r', 'deploy')),
    );
    const g3 = sshG('cert1', ['-o', 'StrictHostKeyChecking=accept-new']);
    expect(cert1!.proxyCommand).toBe(
      `exec ${g3['proxycommand']![0]!.replace('%h', 'cert1').replace('%p', '22')}`,
    );
    expect(cert1!.hostKeyPolicy).toEqual({
      sysfleet: 'strict',
      strictHostKeyChecking: 'accept-new',
    });
    expect(cert1!.transport).toEqual({
      needs: 'openssh',
      reasons: ['CertificateFile (ssh2 has no certificate support)'],
    });
    expect(cert1!.certificateFiles).toHaveLength(g3['certificatefile']!.length);
  });

  it('prints a table with the transport need, keys, known_hosts and the chain', async () => {
    const out = await list('--host-key-checking', 'accept-new');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HOST\s+NEEDS\s+ADDRESS\s+PORT\s+USER\s+KEYS\s+KNOWN_HOSTS\s+VIA$/);
    expect(lines[1]).toMatch(
      /^web1\s+any\s+web1\.example\s+2201\s+fallback\s+.*jumper@127\.0\.0\.1:2222$/,
    );
    expect(lines[3]).toMatch(
      /^cert1\s+openssh\s+cert1\s+22\s+fallback\s+.*\+cert .*ProxyCommand nc cert1 22$/,
    );
    expect(lines).toContain(
      'cert1: needs OpenSSH: CertificateFile (ssh2 has no certificate support)',
    );
    expect(lines.at(-1)).toBe('host-key checking: accept-new (sysfleet); 3 hosts');
  });
});
