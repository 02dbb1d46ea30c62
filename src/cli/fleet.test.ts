import { describe, expect, it } from 'vitest';
import { runHost } from '../run/fixtures.js';
import { envSecrets } from '../transport/index.js';
import { hostSecrets } from './fleet.js';

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
