import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderInventory, renderKnownHosts, renderSshConfig, sshCommonArgs } from './inventory.js';
import { hostLayout } from './layout.js';
import type { LabHost } from './types.js';

const dir = '/run/sysfleet-lab/x';
const host = (
  name: string,
  port: number,
  sudo: 'nopasswd' | 'password',
  behind = false,
  route?: LabHost['route'],
): LabHost => ({
  ...hostLayout(dir, 'x', name, { sudo, behindBastion: behind, libIsSymlink: true }),
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

type Inv = {
  all: {
    children: Record<
      string,
      { hosts: Record<string, Record<string, unknown> | null>; vars?: Record<string, unknown> }
    >;
  };
};

describe('lab inventory', () => {
  const lab = { ...base, hosts: [host('h01', 20001, 'nopasswd'), host('h02', 20002, 'password')] };

  it('lists every host in `lab` with root login vars and strict known_hosts', () => {
    const inv = parse(renderInventory(lab, 'root')) as Inv;
    const h01 = inv.all.children['lab']!.hosts['h01']!;
    expect(h01).toMatchObject({
      ansible_host: '127.0.0.1',
      ansible_port: 20001,
      ansible_user: 'root',
      ansible_ssh_private_key_file: `${dir}/id_ed25519`,
    });
    expect(h01['ansible_ssh_common_args']).toBe(
      `-o UserKnownHostsFile=${dir}/known_hosts -o StrictHostKeyChecking=yes`,
    );
    expect(Object.keys(inv.all.children['sudo_nopasswd']!.hosts)).toEqual(['h01']);
    expect(Object.keys(inv.all.children['sudo_password']!.hosts)).toEqual(['h02']);
    expect(inv.all.children['bastion']).toBeUndefined();
  });

  it('become inventory logs in as the lab user and names the password env var, not the value', () => {
    const text = renderInventory(lab, 'nonroot');
    const inv = parse(text) as Inv;
    expect(inv.all.children['lab']!.hosts['h02']).toMatchObject({
      ansible_user: 'sflab',
      ansible_become: true,
    });
    expect(inv.all.children['sudo_password']!.vars).toMatchObject({
      sysfleet_become_password_env: 'SYSFLEET_LAB_SUDO_PASSWORD',
    });
    expect(inv.all.children['sudo_nopasswd']!.vars).toBeUndefined();
  });

  it('routes hosts behind a bastion through ProxyJump to the bastion port', () => {
    const bastion = host('bastion', 20000, 'nopasswd');
    const behind = { ...base, bastion, hosts: [host('h01', 20001, 'nopasswd', true)] };
    expect(sshCommonArgs(behind, behind.hosts[0]!)).toContain('-o ProxyJump=root@127.0.0.1:20000');
    // The jump ssh reads -F, not the -o options: the bastion's known_hosts come from the file.
    expect(sshCommonArgs(behind, behind.hosts[0]!)).toContain(`-F ${dir}/ssh_config`);
    expect(sshCommonArgs(behind, bastion)).not.toContain('ProxyJump');
    const inv = parse(renderInventory(behind, 'root')) as Inv;
    expect(Object.keys(inv.all.children['bastion']!.hosts)).toEqual(['bastion']);
    expect(Object.keys(inv.all.children['lab']!.hosts)).toEqual(['h01']);
  });
});

describe('known_hosts and ssh_config', () => {
  it('writes one [127.0.0.1]:PORT line per host, dropping the key comment', () => {
    expect(renderKnownHosts([{ port: 20001, publicKey: 'ssh-ed25519 AAAAC3Nz x-h01\n' }])).toBe(
      '[127.0.0.1]:20001 ssh-ed25519 AAAAC3Nz\n',
    );
    expect(() => renderKnownHosts([{ port: 1, publicKey: 'garbage' }])).toThrow(/public key/);
  });

  it('ssh_config pins the lab key and known_hosts with strict checking', () => {
    const c = renderSshConfig(base);
    expect(c).toContain(`IdentityFile ${dir}/id_ed25519`);
    expect(c).toContain(`UserKnownHostsFile ${dir}/known_hosts`);
    expect(c).toContain('StrictHostKeyChecking yes');
  });
});

describe('lab variants in the inventory', () => {
  it('--pq-only: the inventory and ssh_config name the PQ kex (auto then picks openssh)', () => {
    const kex = ['sntrup761x25519-sha512@openssh.com'];
    const lab = { ...base, hosts: [host('h01', 20001, 'nopasswd')], variant: { kex } };
    expect(sshCommonArgs(lab, lab.hosts[0]!)).toContain(
      '-o KexAlgorithms=sntrup761x25519-sha512@openssh.com',
    );
    expect(renderSshConfig(lab)).toMatch(/^ {2}KexAlgorithms sntrup761x25519-sha512@openssh.com$/m);
  });

  it('--bastion: a ProxyCommand host gets `ssh -W` through the bastion, in its own group', () => {
    const bastion = host('bastion', 20000, 'nopasswd');
    const lab = {
      ...base,
      bastion,
      hosts: [
        host('h01', 20001, 'nopasswd', true, 'proxyjump'),
        host('h02', 20002, 'nopasswd', true, 'proxycommand'),
      ],
    };
    expect(sshCommonArgs(lab, lab.hosts[1]!)).toContain(
      `-o 'ProxyCommand=ssh -F ${dir}/ssh_config -i ${dir}/id_ed25519 -W %h:%p -p 20000 root@127.0.0.1'`,
    );
    expect(sshCommonArgs(lab, lab.hosts[0]!)).toContain('-o ProxyJump=root@127.0.0.1:20000');
    const inv = parse(renderInventory(lab, 'root')) as Inv;
    expect(Object.keys(inv.all.children['bastion_proxyjump']!.hosts)).toEqual(['h01']);
    expect(Object.keys(inv.all.children['bastion_proxycommand']!.hosts)).toEqual(['h02']);
  });
});
