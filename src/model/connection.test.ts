import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from './connection.js';
import { ModelErrors } from './errors.js';
import { jumpFromSshArgs, parseJumpChain } from './jump.js';
import { loadSshConfig } from './load-ssh-config.js';
import { emptySshConfig, hostMatches } from './ssh-config.js';
import type { InventoryHost } from './types.js';

const SSH = join(import.meta.dirname, '../../test/fixtures/inventories/ssh/config');
const host = (name: string, vars: Record<string, unknown> = {}): InventoryHost => ({
  name,
  groups: ['all'],
  vars,
});
const cfg = await loadSshConfig(SSH, { home: '/home/me', localUser: 'me' });

describe('ssh_config', () => {
  it('reads Include globs (and only matching files)', () => {
    expect(cfg.files.map((f) => f.split('/').slice(-2).join('/'))).toEqual([
      'ssh/config',
      'conf.d/10-db.conf',
    ]);
  });
  it('matches Host patterns with negation', () => {
    expect(
      hostMatches(
        ['*.internal.example.com', '!nojump.internal.example.com'],
        'a.internal.example.com',
      ),
    ).toBe(true);
    expect(
      hostMatches(
        ['*.internal.example.com', '!nojump.internal.example.com'],
        'nojump.internal.example.com',
      ),
    ).toBe(false);
    expect(hostMatches(['web?'], 'WEB1')).toBe(true);
  });
  it('a missing file is an empty config', async () => {
    const empty = await loadSshConfig('/nonexistent/ssh_config', { home: '/h', localUser: 'u' });
    expect(empty.lines).toEqual([]);
  });
});

describe('resolveConnection', () => {
  it('uses ssh_config when the inventory says nothing (first value wins, tokens expanded)', () => {
    expect(resolveConnection(host('web01.example.com'), cfg)).toEqual({
      name: 'web01.example.com',
      connection: 'ssh',
      address: 'web01.example.com',
      port: 2200,
      user: 'webadmin',
      identityFiles: ['/home/me/.ssh/web01.example.com_me', '/home/me/.ssh/id_ed25519'],
      jump: [],
      become: false,
      becomeUser: 'root',
    });
  });
  it('inventory vars win over ssh_config', () => {
    const c = resolveConnection(
      host('web02.example.com', {
        ansible_host: '192.0.2.2',
        ansible_port: 22,
        ansible_user: 'admin',
        ansible_ssh_private_key_file: '~/.ssh/fleet',
        ansible_become: 'yes',
        ansible_become_user: 'ops',
      }),
      cfg,
    );
    expect(c).toMatchObject({
      address: '192.0.2.2',
      port: 22,
      user: 'admin',
      become: true,
      becomeUser: 'ops',
    });
    expect(c.identityFiles[0]).toBe('/home/me/.ssh/fleet');
  });
  it('ssh_config applies to ansible_host, as ssh sees it', () => {
    expect(resolveConnection(host('pg', { ansible_host: 'db7.example.com' }), cfg)).toMatchObject({
      address: 'db7.example.com',
      user: 'postgres',
      port: 5522,
    });
  });
  it('expands %h in HostName and reads UserKnownHostsFile', () => {
    const c = resolveConnection(host('alias-only'), cfg);
    expect(c.address).toBe('alias-only.example.net');
    expect(c.knownHostsFiles).toEqual([
      '/home/me/.ssh/known_hosts.fleet',
      '/etc/ssh/known_hosts.fleet',
    ]);
  });
  it('takes ProxyJump from ssh_config, resolving the jump host through ssh_config too', () => {
    expect(resolveConnection(host('app.internal.example.com'), cfg).jump).toEqual([
      {
        address: '198.51.100.10',
        port: 2222,
        user: 'ops',
        identityFiles: ['/home/me/.ssh/bastion_ops', '/home/me/.ssh/id_ed25519'],
      },
    ]);
    expect(resolveConnection(host('nojump.internal.example.com'), cfg).jump).toEqual([]);
  });
  it("prepends a jump host's own ProxyJump", () => {
    const c = resolveConnection(host('x', { sysfleet_jump: 'inner-bastion' }), cfg);
    expect(c.jump.map((j) => `${j.user ?? ''}@${j.address}:${j.port}`)).toEqual([
      'ops@198.51.100.10:2222',
      'fallback@198.51.100.20:22',
    ]);
  });
  it('reads jumps from ansible_ssh_common_args: -o ProxyJump, -J, ProxyCommand', () => {
    const viaO = resolveConnection(
      host('h', {
        ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o ProxyJump=jump@192.0.2.99:2022',
      }),
    );
    expect(viaO.jump).toEqual([
      { address: '192.0.2.99', port: 2022, user: 'jump', identityFiles: [] },
    ]);
    const viaJ = resolveConnection(
      host('h', { ansible_ssh_extra_args: '-J a.example.com,b@b.example.com:23' }),
    );
    expect(viaJ.jump.map((j) => [j.address, j.port, j.user])).toEqual([
      ['a.example.com', 22, undefined],
      ['b.example.com', 23, 'b'],
    ]);
    const viaCmd = resolveConnection(
      host('h', {
        ansible_ssh_common_args:
          '-o ProxyCommand="ssh -W %h:%p -q -p 2201 -i ~/.ssh/j ops@192.0.2.50"',
      }),
      emptySshConfig('/home/me', 'me'),
    );
    expect(viaCmd.jump).toEqual([
      { address: '192.0.2.50', port: 2201, user: 'ops', identityFiles: ['/home/me/.ssh/j'] },
    ]);
  });
  it('sysfleet_jump wins over args and ssh_config; "none" disables jumping', () => {
    expect(
      resolveConnection(host('app.internal.example.com', { sysfleet_jump: 'none' }), cfg).jump,
    ).toEqual([]);
    const c = resolveConnection(
      host('h', {
        sysfleet_jump: ['a.example.com', 'b.example.com'],
        ansible_ssh_common_args: '-J c.example.com',
      }),
    );
    expect(c.jump.map((j) => j.address)).toEqual(['a.example.com', 'b.example.com']);
  });
  it('reads the old ansible_ssh_host/port/user names too', () => {
    expect(
      resolveConnection(
        host('old', {
          ansible_ssh_host: '192.0.2.9',
          ansible_ssh_port: '2022',
          ansible_ssh_user: 'legacy',
        }),
      ),
    ).toMatchObject({ address: '192.0.2.9', port: 2022, user: 'legacy' });
  });
  it('a jump hop naming an inventory host uses its ansible_host/port/user/key', () => {
    const bastion = host('bastion', {
      ansible_host: '198.51.100.10',
      ansible_port: 2222,
      ansible_user: 'ops',
      ansible_ssh_private_key_file: '/keys/b',
    });
    const lookup = (n: string) => (n === 'bastion' ? bastion : undefined);
    expect(
      resolveConnection(host('h', { sysfleet_jump: 'bastion' }), emptySshConfig(), lookup).jump,
    ).toEqual([{ address: '198.51.100.10', port: 2222, user: 'ops', identityFiles: ['/keys/b'] }]);
    expect(
      resolveConnection(host('h', { sysfleet_jump: 'root@bastion:22' }), emptySshConfig(), lookup)
        .jump,
    ).toEqual([{ address: '198.51.100.10', port: 22, user: 'root', identityFiles: ['/keys/b'] }]);
    expect(resolveConnection(host('h', { sysfleet_jump: 'bastion' })).jump).toEqual([
      { address: 'bastion', port: 22, identityFiles: [] },
    ]);
  });
  it('local connections need no ssh', () => {
    expect(
      resolveConnection(host('localhost', { ansible_connection: 'local' }), cfg),
    ).toMatchObject({ connection: 'local', jump: [], user: 'me' });
  });
  it('refuses a bad port or jump with a ModelErrors naming the host', () => {
    expect(() => resolveConnection(host('h', { ansible_port: 'abc' }))).toThrow(ModelErrors);
    expect(() => resolveConnection(host('h', { ansible_port: 70000 }))).toThrow(
      'host h: ansible_port must be a port 1..65535, got 70000',
    );
    expect(() => resolveConnection(host('h', { sysfleet_jump: 'a;reboot' }))).toThrow(
      'host h: invalid jump host "a;reboot"',
    );
  });
});

describe('jump specs', () => {
  it('parses chains, users, ports, IPv6 and ssh:// URLs', () => {
    expect(parseJumpChain('ssh://u@h.example.com:2, [2001:db8::1]:22,plain')).toEqual([
      { host: 'h.example.com', port: 2, user: 'u' },
      { host: '2001:db8::1', port: 22 },
      { host: 'plain' },
    ]);
  });
  it('finds no jump in unrelated args, nor in ProxyCommand=none', () => {
    expect(jumpFromSshArgs('-o ControlMaster=auto -o ControlPersist=60s')).toBeUndefined();
    expect(jumpFromSshArgs('-o ProxyCommand=none')).toBeUndefined();
  });
  it('refuses a host whose ProxyCommand it cannot follow: never connects directly instead', () => {
    for (const cmd of [
      'nc -X 5 -x proxy:1080 %h %p',
      'ssh -J outer -W %h:%p inner',
      'ssh -o ProxyJump=outer -W %h:%p inner',
      'ssh -W 10.0.0.9:22 inner',
      'ssh -b 192.0.2.1 -W %h:%p inner',
    ]) {
      expect(() => jumpFromSshArgs(`-o ProxyCommand="${cmd}"`), cmd).toThrow(
        /ProxyCommand .* cannot follow yet.*refusing to connect to this host/,
      );
    }
    let err: unknown;
    try {
      resolveConnection(
        host('web3', { ansible_ssh_common_args: '-o ProxyCommand="nc -x proxy:1080 %h %p"' }),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelErrors);
    expect((err as ModelErrors).format()).toMatch(
      /^host web3.*ProxyCommand "nc -x proxy:1080 %h %p"/,
    );
  });
});

describe('known_hosts files from the inventory', () => {
  it('ansible_ssh_common_args -o UserKnownHostsFile wins over ssh_config', () => {
    const c = resolveConnection(
      host('h1', {
        ansible_host: '127.0.0.1',
        ansible_ssh_common_args:
          '-o UserKnownHostsFile=/lab/known_hosts -o StrictHostKeyChecking=yes',
      }),
      emptySshConfig(),
    );
    expect(c.knownHostsFiles).toEqual(['/lab/known_hosts']);
  });
  it('several files, `-oName value` form, and ~ expansion', () => {
    const c = resolveConnection(
      host('h1', { ansible_ssh_extra_args: "'-oUserKnownHostsFile ~/a /b'" }),
      { ...emptySshConfig(), home: '/home/me' },
    );
    expect(c.knownHostsFiles).toEqual(['/home/me/a', '/b']);
  });
  it('none given: undefined (the transport uses ~/.ssh/known_hosts)', () => {
    expect(resolveConnection(host('h1'), emptySshConfig()).knownHostsFiles).toBeUndefined();
  });
});

describe('sysfleet_become_password_env', () => {
  it('names the variable, never holds the value', () => {
    const c = resolveConnection(
      host('h1', { sysfleet_become_password_env: 'SUDO_DB' }),
      emptySshConfig(),
    );
    expect(c.becomePasswordEnv).toBe('SUDO_DB');
  });
});
