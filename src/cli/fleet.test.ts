import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHost } from '../run/fixtures.js';
import { createTransport, envSecrets } from '../transport/index.js';
import { hostSecrets, loadFleet } from './fleet.js';
import type { HostOptions } from './options.js';

const host = (name: string, becomePasswordEnv?: string) =>
  runHost(name, {
    user: 'sflab',
    become: true,
    ...(becomePasswordEnv ? { becomePasswordEnv } : {}),
  });

describe('hostSecrets', () => {
  const env = {
    SYSFLEET_BECOME_PASSWORD: 'global',
    SUDO_DB: 'db-secret',
    SYSFLEET_SSH_PASSWORD: 'ssh',
  };
  const secrets = hostSecrets(envSecrets(env), env, [
    host('db1', 'SUDO_DB'),
    host('web1'),
    host('x1', 'UNSET_VAR'),
  ]);

  it("a host's named variable wins for its sudo password", async () => {
    expect(await secrets.get({ kind: 'become-password', host: 'db1' })).toBe('db-secret');
  });
  it('other hosts, and a named variable that is unset, fall back to SYSFLEET_BECOME_PASSWORD', async () => {
    expect(await secrets.get({ kind: 'become-password', host: 'web1' })).toBe('global');
    expect(await secrets.get({ kind: 'become-password', host: 'x1' })).toBe('global');
  });
  it('only the sudo password is per host', async () => {
    expect(await secrets.get({ kind: 'ssh-password', host: 'db1' })).toBe('ssh');
  });
});

describe('loadFleet: a host sysfleet cannot reach as written is unreachable, the rest works', () => {
  const FIX = join(import.meta.dirname, '../../test/fixtures/inventories');
  const opts = (inventory: string[], limit: string): HostOptions => ({
    inventory,
    limit,
    forks: 1,
    timeout: 1,
    commandTimeout: 1,
    deadline: 10,
    hostKeyChecking: 'strict',
    knownHosts: [],
    sshConfig: join(FIX, 'no-such-ssh-config'),
    become: false,
    askBecomePass: false,
    askPass: false,
  });
  it('connection types, become methods and unrenderable templates, each with its reason', async () => {
    const fleet = await loadFleet(
      opts(
        [join(FIX, 'connection-types/hosts.yml'), join(FIX, 'templated/hosts.yml')],
        'control,container,pb1,old1,db1,web1',
      ),
    );
    const why = Object.fromEntries(fleet.hosts.map((h) => [h.name, h.connection.unreachable]));
    expect(why).toEqual({
      control: undefined,
      container:
        'ansible_connection "docker" is not supported: sysfleet connects over ssh or local only',
      pb1: 'ansible_become_method "pbrun" is not supported: sysfleet becomes with sudo, su or doas',
      old1: undefined,
      web1: undefined,
      db1: expect.stringMatching(
        /^cannot resolve variable ansible_become \(.*templated\/group_vars\/db\.yml:2:17\)/,
      ),
    });
    const web1 = fleet.hosts.find((h) => h.name === 'web1')!.connection;
    expect([web1.address, web1.port]).toEqual(['web1.example.test', 2201]);
    expect(fleet.hosts.find((h) => h.name === 'old1')!.connection.becomeMethod).toBe('su');
  });
  it('the transport refuses such a host without connecting, naming the reason', async () => {
    const fleet = await loadFleet(opts([join(FIX, 'connection-types/hosts.yml')], 'container'));
    const t = createTransport({ secrets: envSecrets({}) });
    await expect(t.connect(fleet.hosts[0]!.connection)).rejects.toMatchObject({
      kind: 'unsupported',
      message:
        'container: ansible_connection "docker" is not supported: sysfleet connects over ssh or local only',
    });
    await t.close();
  });
});
