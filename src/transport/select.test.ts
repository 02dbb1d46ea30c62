import { describe, expect, it } from 'vitest';
import { parseSshConfig } from '../connection/ssh-config.js';
import type { HostConnection } from '../connection/types.js';
import { KnownHostsIndex, parseKnownHosts } from './known-hosts.js';
import { chooseTransport, ssh2Gaps, type SelectContext } from './select.js';

const target = (args: string[] = [], identityFiles = ['/k/id']): HostConnection => ({
  name: 'web1',
  connection: 'ssh',
  address: '10.0.0.1',
  port: 22,
  user: 'ops',
  identityFiles,
  jump: [],
  become: false,
  becomeUser: 'root',
  openssh: { destination: 'web1', args },
});

const noFiles = { exists: () => false, read: () => undefined };
const ctx = (over: Partial<SelectContext> = {}): SelectContext => ({
  files: noFiles,
  opensshAvailable: true,
  ...over,
});
const cfg = (text: string) => parseSshConfig(text, '/home/me', 'me');
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

describe('chooseTransport', () => {
  it('auto: ssh2 when it does all the configuration asks', () => {
    const c = cfg('Host *\n  User ops\n  ServerAliveInterval 30\n  IdentityFile ~/.ssh/x\n');
    const args = [
      '-o',
      'UserKnownHostsFile=/kh',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ProxyJump=b',
    ];
    expect(chooseTransport('auto', target(args), ctx({ sshConfig: c }))).toEqual({
      transport: 'ssh2',
      reason: 'ssh2 does all the configuration asks',
    });
  });

  it.each([
    [
      'a user certificate in ssh_config',
      cfg('Host web*\n  CertificateFile ~/.ssh/id-cert.pub\n'),
      [],
      /CertificateFile/,
    ],
    ['a Match block anywhere', cfg('Match exec "true"\n  User x\n'), [], /Match/],
    [
      'a PQ-only KexAlgorithms',
      cfg('Host web1\n  KexAlgorithms sntrup761x25519-sha512@openssh.com\n'),
      [],
      /KexAlgorithms/,
    ],
    [
      'ProxyCommand in ssh_config',
      cfg('Host web1\n  ProxyCommand nc -X 5 %h %p\n'),
      [],
      /ProxyCommand/,
    ],
    [
      'a ProxyCommand that is not ssh -W',
      undefined,
      ['-o', 'ProxyCommand=tsh proxy ssh %h:%p'],
      /ProxyCommand/,
    ],
    ['-o Port= in the args (ssh2 ignores it there)', undefined, ['-o', 'Port=2222'], /port/],
    ['-F in the args', undefined, ['-F', '/etc/fleet_ssh_config'], /-F/],
    ['GSSAPI', cfg('GSSAPIAuthentication yes\n'), [], /GSSAPI/],
  ])('auto: openssh for %s, saying why', (_, sshConfig, args, why) => {
    const c = chooseTransport('auto', target(args), ctx(sshConfig ? { sshConfig } : {}));
    expect(c.transport).toBe('openssh');
    expect(c.reason).toMatch(why);
  });

  it('a KexAlgorithms list ssh2 has something of, or that only adds to the defaults, stays ssh2', () => {
    for (const kex of [
      'sntrup761x25519-sha512@openssh.com,curve25519-sha256',
      '+sntrup761x25519-sha512@openssh.com',
    ]) {
      expect(ssh2Gaps(target(['-o', `KexAlgorithms=${kex}`]), ctx())).toEqual([]);
    }
  });

  it('an `ssh -W` ProxyCommand is served by ssh2 as a jump; a Host block for another name does not count', () => {
    const args = ['-o', 'ProxyCommand=ssh -W %h:%p -p 2200 root@127.0.0.1'];
    const c = cfg('Host other\n  CertificateFile /c\n');
    expect(ssh2Gaps(target(args), ctx({ sshConfig: c }))).toEqual([]);
  });

  it('a key with a -cert.pub beside it, or a FIDO key: openssh', () => {
    const files = {
      exists: (p: string) => p === '/k/id-cert.pub',
      read: (p: string) => (p === '/k/sk.pub' ? `sk-ssh-ed25519@openssh.com AAAA me\n` : undefined),
    };
    expect(chooseTransport('auto', target([], ['/k/id']), ctx({ files })).reason).toMatch(
      /certificate/,
    );
    expect(chooseTransport('auto', target([], ['/k/sk']), ctx({ files })).reason).toMatch(/FIDO/);
  });

  it('a host known only by @cert-authority: openssh; with its own key line too: ssh2', () => {
    const only = parseKnownHosts(`@cert-authority 10.0.0.* ssh-ed25519 ${ED}\n`, 'kh').entries;
    const c1 = chooseTransport('auto', target(), ctx({ knownHosts: new KnownHostsIndex(only) }));
    expect(c1).toMatchObject({
      transport: 'openssh',
      reason: expect.stringMatching(/@cert-authority/),
    });
    const both = parseKnownHosts(
      `@cert-authority 10.0.0.* ssh-ed25519 ${ED}\n10.0.0.1 ssh-ed25519 ${ED}\n`,
      'kh',
    ).entries;
    expect(
      chooseTransport('auto', target(), ctx({ knownHosts: new KnownHostsIndex(both) })).transport,
    ).toBe('ssh2');
  });

  it('--transport ssh2 refuses what it cannot do, never connecting differently', () => {
    const c = chooseTransport('ssh2', target(['-o', 'CertificateFile=/c']), ctx());
    expect(c.transport).toBe('refused');
    expect(c.reason).toMatch(/CertificateFile.*use --transport openssh or auto/);
  });

  it('no ssh client: auto refuses what only OpenSSH can do, openssh refuses all', () => {
    const none = ctx({ opensshAvailable: false });
    expect(chooseTransport('auto', target(['-o', 'CertificateFile=/c']), none)).toMatchObject({
      transport: 'refused',
      reason: expect.stringMatching(/no ssh client/),
    });
    expect(chooseTransport('auto', target(), none).transport).toBe('ssh2');
    expect(chooseTransport('openssh', target(), none).transport).toBe('refused');
    expect(chooseTransport('openssh', target(), ctx())).toEqual({
      transport: 'openssh',
      reason: '--transport openssh',
    });
  });
});
