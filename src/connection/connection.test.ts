import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnection, resolveConnections } from './connection.js';
import type { NameLookup } from './ssh-canonical.js';
import { ModelErrors } from '../parse/errors.js';
import { parseJumpChain } from './jump.js';
import { loadSshConfig } from './load-ssh-config.js';
import { emptySshConfig, type SshConfig } from './ssh-config.js';
import type { InventoryHost } from '../inventory/types.js';

const host = (name: string, vars: Record<string, unknown> = {}): InventoryHost => ({
  name,
  groups: ['all'],
  vars,
});
const dir = mkdtempSync(join(tmpdir(), 'sysfleet-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'conf.d'));
writeFileSync(
  join(dir, 'conf.d', '10-db.conf'),
  'Host db*.example.com\n  User postgres\n  Port 5522\n',
);
writeFileSync(join(dir, 'conf.d', 'README'), 'Host db*.example.com\n  User wrong\n');
const SSH = join(dir, 'config');
writeFileSync(
  SSH,
  `Include ${dir}/conf.d/*.conf
Host bastion.example.com
    HostName 198.51.100.10
    User ops
    Port 2222
    IdentityFile ~/.ssh/bastion_%r
    UserKnownHostsFile ~/.ssh/known_hosts.bastion
Host inner-bastion
    HostName 198.51.100.20
    ProxyJump bastion.example.com
Host *.internal.example.com !nojump.internal.example.com
    ProxyJump bastion.example.com
    User deploy
Host web*.example.com
    User webadmin
    IdentityFile ~/.ssh/%h_%u
    Port 2200
Host alias-only
    HostName %h.example.net
    UserKnownHostsFile ~/.ssh/known_hosts.fleet /etc/ssh/known_hosts.fleet
Host certified
    CertificateFile ~/.ssh/id_ed25519-cert.pub
    KexAlgorithms sntrup761x25519-sha512@openssh.com
Host tunnelled
    ProxyCommand nc %h %p
Host tagged
    Tag prod
Host nowhere-tagged
    ObscureKeystrokeTiming no
Host exec-*
    User exec-default
Match originalhost exec-no exec "false"
    User never
Host *
    IdentityFile ~/.ssh/id_ed25519
`,
);
const loaded = await loadSshConfig(SSH, { home: '/home/me', localUser: 'me' });
const execs: string[] = [];
const cfg: SshConfig = {
  ...loaded,
  exec: (c) => (execs.push(c), c === 'false' ? 1 : 0),
  lookupName: (n) =>
    n === 'db.corp.example.'
      ? { kind: 'found', canonName: 'db.corp.example.', addresses: ['127.0.0.1'] }
      : { kind: 'missing' },
};

describe('loadSshConfig', () => {
  it('reads Include globs (only matching files) and parses nothing else', () => {
    expect(cfg.files.map((f) => f.slice(dir.length))).toEqual(['/config', '/conf.d/10-db.conf']);
  });
  it('a missing file is an empty config', async () => {
    const empty = await loadSshConfig('/nonexistent/ssh_config', { home: '/h', localUser: 'u' });
    expect(empty.user).toBeUndefined();
    expect(empty.system).toBeUndefined();
  });
  it('a malformed file names file:line:col', async () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'Host x\n  IdentityFile "unclosed\n');
    await expect(loadSshConfig(bad)).rejects.toThrow(`${bad}:2:16: invalid quotes in identityfile`);
  });
});

describe('resolveConnection', () => {
  it('uses ssh_config when the inventory says nothing (first value wins, tokens expanded)', () => {
    expect(resolveConnection(host('web01.example.com'), cfg)).toMatchObject({
      name: 'web01.example.com',
      connection: 'ssh',
      address: 'web01.example.com',
      port: 2200,
      user: 'webadmin',
      identityFiles: ['/home/me/.ssh/web01.example.com_me', '/home/me/.ssh/id_ed25519'],
      jump: [],
      knownHostsFiles: ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2'],
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      strictHostKeyChecking: 'ask',
      sshConfigFile: SSH,
      ssh2Limits: [],
      // nothing explicit in the inventory: OpenSSH resolves the name through ssh_config itself
      openssh: { destination: 'web01.example.com', args: [] },
    });
  });
  it("keeps the inventory's own ssh settings raw for OpenSSH, as Ansible's ssh plugin passes them", () => {
    const c = resolveConnection(
      host('web03', {
        ansible_host: 'alias3',
        ansible_port: '2222',
        ansible_user: 'ops',
        ansible_ssh_private_key_file: '~/.ssh/fleet',
        ansible_ssh_common_args: '-o ProxyCommand="nc -X 5 %h %p" -o StrictHostKeyChecking=yes',
        ansible_ssh_extra_args: '-o CertificateFile=~/.ssh/fleet-cert.pub',
      }),
      cfg,
    );
    expect(c.openssh).toEqual({
      destination: 'alias3',
      port: 2222,
      user: 'ops',
      identityFile: '~/.ssh/fleet',
      args: [
        '-o',
        'ProxyCommand=nc -X 5 %h %p',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'CertificateFile=~/.ssh/fleet-cert.pub',
      ],
    });
  });
  it('inventory vars win over ssh_config, and over ansible_ssh_common_args (Ansible order)', () => {
    const c = resolveConnection(
      host('web02.example.com', {
        ansible_host: '192.0.2.2',
        ansible_port: 22,
        ansible_user: 'admin',
        ansible_ssh_private_key_file: '~/.ssh/fleet',
        ansible_ssh_common_args: '-o User=ignored -o Port=9',
        ansible_become: 'yes',
        ansible_become_user: 'ops',
      }),
      cfg,
    );
    expect(c).toMatchObject({ address: '192.0.2.2', port: 22, user: 'admin', becomeUser: 'ops' });
    expect(c.identityFiles[0]).toBe('/home/me/.ssh/fleet');
    expect(c.sshArgs).toEqual(['-o', 'User=ignored', '-o', 'Port=9']);
  });
  it('reads -o Port/User/IdentityFile, -l, -p, -i from the ansible ssh args', () => {
    const c = resolveConnection(
      host('h', {
        ansible_ssh_common_args: '-C -o Port=2022 -l deploy',
        ansible_ssh_extra_args: `-p 9 -i ~/.ssh/extra '-oIdentityFile="~/.ssh/with space"'`,
      }),
      cfg,
    );
    expect(c).toMatchObject({ port: 2022, user: 'deploy' });
    expect(c.identityFiles).toEqual([
      '/home/me/.ssh/extra',
      '/home/me/.ssh/with space',
      '/home/me/.ssh/id_ed25519',
    ]);
  });
  it('-F in the ansible ssh args selects another ssh_config for that host', () => {
    const other = join(dir, 'other_config');
    writeFileSync(other, 'Host *\n  User from-other\n');
    const c = resolveConnection(
      host('web01.example.com', { ansible_ssh_common_args: `-F ${other}` }),
      cfg,
    );
    expect(c).toMatchObject({ user: 'from-other', port: 22, sshConfigFile: other });
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
  it("a hop has its own user, keys and known_hosts, never the target's", () => {
    expect(resolveConnection(host('app.internal.example.com'), cfg).jump).toEqual([
      expect.objectContaining({
        name: 'bastion.example.com',
        address: '198.51.100.10',
        port: 2222,
        user: 'ops',
        identityFiles: ['/home/me/.ssh/bastion_ops', '/home/me/.ssh/id_ed25519'],
        knownHostsFiles: ['/home/me/.ssh/known_hosts.bastion'],
      }),
    ]);
    const noUser = resolveConnection(
      host('t', { ansible_user: 'target', sysfleet_jump: 'plain' }),
      cfg,
    );
    expect(noUser.jump[0]).toMatchObject({
      user: 'me',
      knownHostsFiles: ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2'],
    });
    expect(resolveConnection(host('nojump.internal.example.com'), cfg).jump).toEqual([]);
  });
  it("a single hop brings its own ProxyJump; in `a,b` b's own ProxyJump is not spliced in", () => {
    const one = resolveConnection(host('x', { sysfleet_jump: 'inner-bastion' }), cfg);
    expect(one.jump.map((j) => `${j.user}@${j.address}:${j.port}`)).toEqual([
      'ops@198.51.100.10:2222',
      'me@198.51.100.20:22',
    ]);
    const two = resolveConnection(
      host('x', { ansible_ssh_common_args: '-J first,inner-bastion' }),
      cfg,
    );
    expect(two.jump.map((j) => j.address)).toEqual(['first', '198.51.100.20']);
  });
  it('ProxyCommand is kept (tokens expanded, exec prefix) and is exclusive with ProxyJump', () => {
    const c = resolveConnection(host('tunnelled', { ansible_port: 2200, ansible_user: 'u' }), cfg);
    expect(c.proxyCommand).toBe('exec nc tunnelled 2200');
    expect(c.jump).toEqual([]);
    const args = resolveConnection(
      host('h', {
        ansible_ssh_common_args: '-o ProxyCommand="ssh -W %h:%p -p 2201 ops@192.0.2.50"',
      }),
      cfg,
    );
    expect(args.proxyCommand).toBe('exec ssh -W h:22 -p 2201 ops@192.0.2.50');
  });
  it('refuses shell syntax in a name a ProxyCommand would receive', () => {
    expect(() => resolveConnection(host('tunnelled', { ansible_user: 'a$(reboot)' }), cfg)).toThrow(
      /characters a ProxyCommand would pass to the shell/,
    );
  });
  it('records CertificateFile and KexAlgorithms, and says ssh2 cannot use the certificate', () => {
    const c = resolveConnection(host('certified'), cfg);
    expect(c.certificateFiles).toEqual(['/home/me/.ssh/id_ed25519-cert.pub']);
    expect(c.kexAlgorithms).toBe('sntrup761x25519-sha512@openssh.com');
    expect(c.ssh2Limits).toEqual(['CertificateFile (ssh2 has no certificate support)']);
  });
  it('an option of a later OpenSSH sends the host to OpenSSH, only where it applies', () => {
    expect(resolveConnection(host('tagged'), cfg).ssh2Limits).toEqual([
      "tag (OpenSSH 9.4), newer than the resolver's OpenSSH 9.2",
    ]);
    expect(resolveConnection(host('untagged'), cfg).ssh2Limits).toEqual([]);
  });
  it('an unknown keyword fails the file at its line and column, with a suggestion', async () => {
    const bad = join(dir, 'typo');
    writeFileSync(bad, 'Host other\n  # a typo in a block that never applies\n  HostNmae x\n');
    const c = await loadSshConfig(bad, { home: '/home/me', localUser: 'me' });
    let err: unknown;
    try {
      resolveConnection(host('web'), c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelErrors);
    expect((err as ModelErrors).format()).toBe(
      `${bad}:3:3: web: Bad configuration option: hostnmae — did you mean "hostname"?`,
    );
  });
  it('runs Match exec only when reached', () => {
    execs.length = 0;
    expect(resolveConnection(host('exec-yes'), cfg).user).toBe('exec-default');
    expect(execs).toEqual([]);
    expect(resolveConnection(host('exec-no'), cfg).user).toBe('exec-default');
    expect(execs).toEqual(['false']);
  });
  it('canonicalises with CanonicalDomains and re-reads the config for the new name', () => {
    const c: SshConfig = {
      ...emptySshConfig('/h', 'me'),
      lookupName: cfg.lookupName,
      user: undefined,
    };
    const file = join(dir, 'canon');
    writeFileSync(
      file,
      'CanonicalizeHostname yes\nCanonicalDomains nope.example corp.example\nHost db.corp.example\n  User canon\n',
    );
    const withFile = { ...c, user: cfg.loadUserConfig!(file)! };
    expect(resolveConnection(host('db'), withFile)).toMatchObject({
      address: 'db.corp.example',
      user: 'canon',
    });
  });
  describe('canonicalisation outcomes', () => {
    const file = join(dir, 'canon2');
    writeFileSync(
      file,
      `Host db nowhere j-*
  CanonicalizeHostname yes
  CanonicalDomains corp.example
Host nowhere
  CanonicalizeFallbackLocal no
Host j-yes
  HostName db
  ProxyJump db
Host j-gone
  HostName db
  ProxyJump nowhere
Host cn
  CanonicalizePermittedCNAMEs *:*.target.example
  CanonicalizeHostname yes
  CanonicalDomains corp.example
Host slow
  CanonicalizeHostname yes
  CanonicalDomains corp.example
`,
    );
    const lookups: Record<string, NameLookup> = {
      'db.corp.example.': { kind: 'found', canonName: 'db.corp.example.', addresses: ['10.0.0.1'] },
      'cn.corp.example.': {
        kind: 'found',
        canonName: 'real.target.example.',
        addresses: ['10.0.0.2'],
      },
      'slow.corp.example.': { kind: 'unknown', reason: 'getent did not answer within 10 s' },
    };
    const c: SshConfig = {
      ...emptySshConfig('/h', 'me'),
      lookupName: (n) => lookups[n] ?? { kind: 'missing' },
    };
    const withFile = { ...c, user: cfg.loadUserConfig!(file)! };
    it('connects to the name ssh looked up, checks host keys for the canonical one', () => {
      expect(resolveConnection(host('db'), withFile)).toMatchObject({
        address: 'db.corp.example',
        connectName: 'db.corp.example.',
        canonical: {
          from: 'db',
          how: 'domain',
          lookedUp: 'db.corp.example.',
          addresses: ['10.0.0.1'],
        },
      });
    });
    it('a followed CNAME is the name from then on', () => {
      expect(resolveConnection(host('cn'), withFile)).toMatchObject({
        address: 'real.target.example',
        connectName: 'cn.corp.example.',
        canonical: { how: 'cname', cname: 'real.target.example' },
      });
    });
    it('a proxied name is not canonicalised with yes; its first hop is', () => {
      const j = resolveConnection(host('j-yes'), withFile);
      expect(j.address).toBe('db');
      expect(j.connectName).toBeUndefined();
      expect(j.jump[0]).toMatchObject({
        address: 'db.corp.example',
        connectName: 'db.corp.example.',
      });
    });
    it('CanonicalizeFallbackLocal no and no such name: that host is unreachable, as ssh fails it', () => {
      const [gone, db] = resolveConnections([host('nowhere'), host('db')], withFile);
      expect(gone!.unreachable).toBe(
        'ssh_config: Could not resolve host "nowhere" (CanonicalizeFallbackLocal no)',
      );
      expect(db!.unreachable).toBeUndefined();
      expect(resolveConnection(host('j-gone'), withFile).unreachable).toMatch(
        /^ssh_config: jump host nowhere: Could not resolve host "nowhere"/,
      );
    });
    it('a lookup that could not be made is an ssh2 limit, not a guess', () => {
      const s = resolveConnection(host('slow'), withFile);
      expect(s.address).toBe('slow');
      expect(s.unreachable).toBeUndefined();
      expect(s.ssh2Limits).toEqual([
        'host name canonicalisation (looking up "slow.corp.example.": getent did not answer within 10 s: only ssh\'s own lookup can decide)',
      ]);
    });
  });
  it('defaults are OpenSSH defaults: identity list and known_hosts files', () => {
    const c = resolveConnection(host('h'), emptySshConfig('/home/me', 'me'));
    expect(c.identityFilesDefault).toBe(true);
    expect(c.identityFiles).toContain('/home/me/.ssh/id_ecdsa_sk');
    expect(c.identityFiles).toHaveLength(7);
    expect(c.user).toBe('me');
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
    const hop = (sj: string) =>
      resolveConnection(host('h', { sysfleet_jump: sj }), emptySshConfig(), lookup).jump;
    expect(hop('bastion')).toMatchObject([
      { address: '198.51.100.10', port: 2222, user: 'ops', identityFiles: ['/keys/b'] },
    ]);
    expect(hop('root@bastion:22')).toMatchObject([
      { address: '198.51.100.10', port: 22, user: 'root' },
    ]);
    expect(resolveConnection(host('h', { sysfleet_jump: 'bastion' })).jump).toMatchObject([
      { address: 'bastion', port: 22, user: 'root' },
    ]);
  });
  it('local connections need no ssh', () => {
    expect(
      resolveConnection(host('localhost', { ansible_connection: 'local' }), cfg),
    ).toMatchObject({
      connection: 'local',
      jump: [],
      user: 'me',
    });
  });
  it('refuses a bad port or jump with a ModelErrors naming the host', () => {
    expect(() => resolveConnection(host('h', { ansible_port: 'abc' }))).toThrow(ModelErrors);
    expect(() => resolveConnection(host('h', { ansible_port: 70000 }))).toThrow(
      'host h: ansible_port must be a port 1..65535, got 70000',
    );
    expect(() => resolveConnection(host('h', { sysfleet_jump: 'a;reboot' }))).toThrow(
      'host h: invalid jump host "a;reboot"',
    );
    expect(() => resolveConnection(host('h', { ansible_ssh_common_args: '-o Port=nope' }))).toThrow(
      /bad port "nope"/,
    );
  });
  it('known_hosts: -o UserKnownHostsFile in the args wins; several files and ~', () => {
    const c = resolveConnection(
      host('h1', {
        ansible_ssh_extra_args: "'-oUserKnownHostsFile ~/a /b' -o StrictHostKeyChecking=yes",
      }),
      emptySshConfig('/home/me', 'me'),
    );
    expect(c.knownHostsFiles).toEqual(['/home/me/a', '/b']);
    expect(c.strictHostKeyChecking).toBe('yes');
  });
  it('sysfleet_become_password_env names the variable, never holds the value', () => {
    expect(
      resolveConnection(host('h1', { sysfleet_become_password_env: 'SUDO_DB' })).becomePasswordEnv,
    ).toBe('SUDO_DB');
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
});
