import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnection } from '../connection/connection.js';
import { loadSshConfig } from '../connection/load-ssh-config.js';
import type { HostConnection } from '../connection/types.js';
import { KnownHostsIndex, parseKnownHosts } from './known-hosts.js';
import { chooseTransport, ssh2Gaps, type SelectContext } from './select.js';

// Hosts are resolved as sysfleet resolves them (src/connection, OpenSSH's rules) from a real
// ssh_config file and the inventory's ssh args; the choice is made on what that resolution says.
const dir = mkdtempSync(join(tmpdir(), 'sysfleet-select-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'fleet_ssh_config'), 'Host *\n  ServerAliveInterval 20\n');
let n = 0;
async function resolved(
  config: string | undefined,
  args: string[] = [],
  identityFiles = ['/k/id'],
): Promise<HostConnection> {
  const path = join(dir, `config${n++}`);
  writeFileSync(path, config ?? '');
  const ssh = await loadSshConfig(path, { home: '/home/me', localUser: 'me', system: false });
  const quote = (a: string) => (/[\s"]/.test(a) ? `'${a}'` : a);
  return resolveConnection(
    {
      name: 'web1',
      groups: ['all'],
      vars: {
        ansible_host: '10.0.0.1',
        ansible_user: 'ops',
        ...(identityFiles.length ? { ansible_ssh_private_key_file: identityFiles[0] } : {}),
        ...(args.length ? { ansible_ssh_common_args: args.map(quote).join(' ') } : {}),
      },
    },
    ssh,
  );
}
const target = (args: string[] = [], identityFiles = ['/k/id']) =>
  resolved(undefined, args, identityFiles);

const noFiles = { exists: () => false, read: () => undefined };
const ctx = (over: Partial<SelectContext> = {}): SelectContext => ({
  files: noFiles,
  opensshAvailable: true,
  ...over,
});
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

describe('chooseTransport', () => {
  it('auto: ssh2 when it does all the configuration asks', async () => {
    const t = await resolved(
      'Host *\n  User ops\n  ServerAliveInterval 30\n  IdentityFile ~/.ssh/x\n',
      ['-o', 'UserKnownHostsFile=/kh', '-o', 'StrictHostKeyChecking=yes', '-o', 'ProxyJump=b'],
    );
    expect(chooseTransport('auto', t, ctx())).toEqual({
      transport: 'ssh2',
      reason: 'ssh2 does all the configuration asks',
    });
  });

  it.each([
    [
      'a user certificate in ssh_config',
      'Host 10.0.0.1\n  CertificateFile ~/.ssh/id-cert.pub\n',
      [],
      /CertificateFile/,
    ],
    [
      'a PQ-only KexAlgorithms',
      'Host 10.0.0.1\n  KexAlgorithms sntrup761x25519-sha512@openssh.com\n',
      [],
      /KexAlgorithms/,
    ],
    [
      'a PKCS#11 provider',
      'Host 10.0.0.1\n  PKCS11Provider /usr/lib/p11.so\n',
      [],
      /PKCS11Provider/,
    ],
    ['a certificate in the args', undefined, ['-o', 'CertificateFile=/c'], /CertificateFile/],
    ['an ssh flag ssh2 lacks in the args', undefined, ['-D', '1080'], /-D/],
  ])('auto: openssh for %s, saying why', async (_, config, args, why) => {
    const c = chooseTransport('auto', await resolved(config, args), ctx());
    expect(c.transport).toBe('openssh');
    expect(c.reason).toMatch(why);
  });

  it.each([
    ['a Match block (resolved as ssh does)', 'Match exec "true"\n  ServerAliveInterval 10\n', []],
    [
      'ProxyCommand in ssh_config (run by ssh2 too)',
      'Host 10.0.0.1\n  ProxyCommand nc %h %p\n',
      [],
    ],
    ['-o Port= in the args', undefined, ['-o', 'Port=2222']],
    ['-F in the args', undefined, ['-F', join(dir, 'fleet_ssh_config')]],
  ])('auto: ssh2 for %s: the resolver does what OpenSSH does', async (_, config, args) => {
    expect(ssh2Gaps(await resolved(config, args), ctx())).toEqual([]);
  });

  it('a KexAlgorithms list ssh2 has something of, or that only adds to the defaults, stays ssh2', async () => {
    for (const kex of [
      'sntrup761x25519-sha512@openssh.com,curve25519-sha256',
      '+sntrup761x25519-sha512@openssh.com',
    ]) {
      expect(ssh2Gaps(await target(['-o', `KexAlgorithms=${kex}`]), ctx())).toEqual([]);
    }
  });

  it('a Host block for another name does not count', async () => {
    const t = await resolved('Host other\n  CertificateFile /c\n');
    expect(ssh2Gaps(t, ctx())).toEqual([]);
  });

  it('a key with a -cert.pub beside it, or a FIDO key: openssh', async () => {
    const files = {
      exists: (p: string) => p === '/k/id-cert.pub',
      read: (p: string) => (p === '/k/sk.pub' ? `sk-ssh-ed25519@openssh.com AAAA me\n` : undefined),
    };
    expect(chooseTransport('auto', await target([], ['/k/id']), ctx({ files })).reason).toMatch(
      /certificate/,
    );
    expect(chooseTransport('auto', await target([], ['/k/sk']), ctx({ files })).reason).toMatch(
      /FIDO/,
    );
  });

  it('a host known only by @cert-authority: openssh; with its own key line too: ssh2', async () => {
    const only = parseKnownHosts(`@cert-authority 10.0.0.* ssh-ed25519 ${ED}\n`, 'kh').entries;
    const c1 = chooseTransport(
      'auto',
      await target(),
      ctx({ knownHosts: new KnownHostsIndex(only) }),
    );
    expect(c1).toMatchObject({
      transport: 'openssh',
      reason: expect.stringMatching(/@cert-authority/),
    });
    const both = parseKnownHosts(
      `@cert-authority 10.0.0.* ssh-ed25519 ${ED}\n10.0.0.1 ssh-ed25519 ${ED}\n`,
      'kh',
    ).entries;
    expect(
      chooseTransport('auto', await target(), ctx({ knownHosts: new KnownHostsIndex(both) }))
        .transport,
    ).toBe('ssh2');
  });

  it('a canonicalisation lookup that could not be made as ssh makes it: openssh decides, ssh2 refuses', async () => {
    const path = join(dir, `config${n++}`);
    writeFileSync(path, 'CanonicalizeHostname yes\nCanonicalDomains corp.example\n');
    const ssh = await loadSshConfig(path, { home: '/home/me', localUser: 'me', system: false });
    // no real resolver in a unit test: the lookup is stubbed as one that timed out
    const cfg = { ...ssh, lookupName: () => ({ kind: 'unknown' as const, reason: 'timed out' }) };
    const t = resolveConnection({ name: 'db', groups: ['all'], vars: {} }, cfg);
    const why =
      'host name canonicalisation (looking up "db.corp.example.": timed out: only ssh\'s own lookup can decide): not in ssh2';
    expect(chooseTransport('auto', t, ctx())).toEqual({ transport: 'openssh', reason: why });
    expect(chooseTransport('ssh2', t, ctx()).transport).toBe('refused');
  });
  it('--transport ssh2 refuses what it cannot do, never connecting differently', async () => {
    const c = chooseTransport('ssh2', await target(['-o', 'CertificateFile=/c']), ctx());
    expect(c.transport).toBe('refused');
    expect(c.reason).toMatch(/CertificateFile.*use --transport openssh or auto/);
  });

  it('no ssh client: auto refuses what only OpenSSH can do, openssh refuses all', async () => {
    const none = ctx({ opensshAvailable: false });
    expect(chooseTransport('auto', await target(['-o', 'CertificateFile=/c']), none)).toMatchObject(
      {
        transport: 'refused',
        reason: expect.stringMatching(/no ssh client/),
      },
    );
    expect(chooseTransport('auto', await target(), none).transport).toBe('ssh2');
    expect(chooseTransport('openssh', await target(), none).transport).toBe('refused');
    expect(chooseTransport('openssh', await target(), ctx())).toEqual({
      transport: 'openssh',
      reason: '--transport openssh',
    });
  });
});
