import { describe, expect, it } from 'vitest';
import { renderSshdConfig } from './host-files.js';
import { bastionRoute, pqKexOf, renderCaKnownHosts } from './variants.js';

describe('--pq-only', () => {
  it('takes the PQ hybrids the installed OpenSSH lists (9.2: sntrup761 only)', () => {
    const q92 = 'curve25519-sha256\nsntrup761x25519-sha512\nsntrup761x25519-sha512@openssh.com\n';
    expect(pqKexOf(q92)).toEqual(['sntrup761x25519-sha512@openssh.com']);
    expect(pqKexOf(q92 + 'mlkem768x25519-sha256\n')).toEqual([
      'mlkem768x25519-sha256',
      'sntrup761x25519-sha512@openssh.com',
    ]);
  });

  it('sshd offers only them', () => {
    const kex = ['sntrup761x25519-sha512@openssh.com'];
    expect(renderSshdConfig({ kex })).toMatch(
      /^KexAlgorithms sntrup761x25519-sha512@openssh.com$/m,
    );
    expect(renderSshdConfig()).not.toMatch(/KexAlgorithms/);
  });
});

describe('--ssh-ca', () => {
  it('sshd presents its certificate and trusts the lab CA for users', () => {
    const c = renderSshdConfig({ sshCa: { caPubPath: '/x/lab_ca.pub' } });
    expect(c).toMatch(/^HostCertificate \/etc\/ssh\/ssh_host_ed25519_key-cert.pub$/m);
    expect(c).toMatch(/^TrustedUserCAKeys \/etc\/ssh\/lab_ca.pub$/m);
  });

  it('known_hosts holds only the @cert-authority line', () => {
    expect(renderCaKnownHosts('ssh-ed25519 AAAAC3Nz lab-ca\n')).toBe(
      '@cert-authority [127.0.0.1]:*,127.0.0.1 ssh-ed25519 AAAAC3Nz\n',
    );
    expect(() => renderCaKnownHosts('garbage')).toThrow(/not an OpenSSH public key/);
  });
});

describe('--bastion routes', () => {
  it('puts the first half behind ProxyJump, the rest behind a ProxyCommand', () => {
    expect([0, 1, 2, 3].map((i) => bastionRoute(i, 4))).toEqual([
      'proxyjump',
      'proxyjump',
      'proxycommand',
      'proxycommand',
    ]);
    expect(bastionRoute(0, 1)).toBe('proxyjump');
  });
});
