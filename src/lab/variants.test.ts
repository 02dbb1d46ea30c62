import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSshdConfig } from './host-files.js';
import { renderInventory, renderSshConfig, sshCommonArgs } from './inventory.js';
import { hostLayout } from './layout.js';
import type { LabHost } from './types.js';
import { bastionRoute, pqKexOf, renderCaKnownHosts } from './variants.js';

const dir = '/run/sysfleet-lab/x';
const host = (name: string, port: number, route?: LabHost['route']): LabHost => ({
  ...hostLayout(dir, 'x', name, { sudo: 'nopasswd', behindBastion: true, libIsSymlink: true }),
  port,
  ...(route ? { route } : {}),
});
const base = {
  keyPath: `${dir}/id_ed25519`,
  knownHostsPath: `${dir}/known_hosts`,
  sshConfigPath: `${dir}/ssh_config`,
  sudoPasswordEnv: 'SYSFLEET_LAB_SUDO_PASSWORD',
  user: { root: 'root' as const, nonRoot: 'sflab' },
};

describe('--pq-only', () => {
  it('takes the PQ hybrids the installed OpenSSH lists (9.2: sntrup761 only)', () => {
    const q92 = 'curve25519-sha256\nsntrup761x25519-sha512\nsntrup761x25519-sha512@openssh.com\n';
    expect(pqKexOf(q92)).toEqual(['sntrup761x25519-sha512@openssh.com']);
    expect(pqKexOf(q92 + 'mlkem768x25519-sha256\n')).toEqual([
      'mlkem768x25519-sha256',
      'sntrup761x25519-sha512@openssh.com',
    ]);
  });

  it('sshd offers only them; the inventory and ssh_config say so too (auto then picks openssh)', () => {
    const kex = ['sntrup761x25519-sha512@openssh.com'];
    expect(renderSshdConfig({ kex })).toMatch(
      /^KexAlgorithms sntrup761x25519-sha512@openssh.com$/m,
    );
    expect(renderSshdConfig()).not.toMatch(/KexAlgorithms/);
    const lab = { ...base, hosts: [host('h01', 20001)], variant: { kex } };
    expect(sshCommonArgs(lab, lab.hosts[0]!)).toContain(
      '-o KexAlgorithms=sntrup761x25519-sha512@openssh.com',
    );
    expect(renderSshConfig(lab)).toMatch(/^ {2}KexAlgorithms sntrup761x25519-sha512@openssh.com$/m);
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

  it('a ProxyCommand host gets an `ssh -W` through the bastion with the lab ssh_config and key, in its own group', () => {
    const bastion = { ...host('bastion', 20000), behindBastion: false };
    const lab = {
      ...base,
      bastion,
      hosts: [host('h01', 20001, 'proxyjump'), host('h02', 20002, 'proxycommand')],
    };
    expect(sshCommonArgs(lab, lab.hosts[1]!)).toContain(
      `-o 'ProxyCommand=ssh -F ${dir}/ssh_config -i ${dir}/id_ed25519 -W %h:%p -p 20000 root@127.0.0.1'`,
    );
    expect(sshCommonArgs(lab, lab.hosts[0]!)).toContain('-o ProxyJump=root@127.0.0.1:20000');
    const inv = parse(renderInventory(lab, 'root')) as {
      all: { children: Record<string, { hosts: Record<string, unknown> }> };
    };
    expect(Object.keys(inv.all.children['bastion_proxyjump']!.hosts)).toEqual(['h01']);
    expect(Object.keys(inv.all.children['bastion_proxycommand']!.hosts)).toEqual(['h02']);
  });
});
