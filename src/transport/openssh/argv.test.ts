import { describe, expect, it } from 'vitest';
import { commonOptions, directArgv, execArgv, masterArgv, type SshSettings } from './argv.js';

const s: SshSettings = {
  policy: 'strict',
  connectTimeoutMs: 1500,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
};
const t = {
  destination: 'web1',
  port: 2222,
  user: 'ops',
  identityFile: '/k/id',
  args: ['-o', 'StrictHostKeyChecking=no', '-o', 'ProxyJump=bastion'],
};

describe('ssh argv', () => {
  it("puts sysfleet's host-key policy before the inventory's args, so it wins (first value wins in ssh)", () => {
    const o = commonOptions(s, t);
    expect(o.indexOf('StrictHostKeyChecking=yes')).toBeLessThan(
      o.indexOf('StrictHostKeyChecking=no'),
    );
    expect(o).toContain('BatchMode=yes');
    expect(o).toContain('ConnectTimeout=2');
    expect(o.slice(-4)).toEqual(t.args);
  });

  it('maps the three policies', () => {
    expect(commonOptions({ ...s, policy: 'accept-new' }, t)).toContain(
      'StrictHostKeyChecking=accept-new',
    );
    const off = commonOptions({ ...s, policy: 'off', knownHostsFiles: ['/kh'] }, t);
    expect(off).toContain('StrictHostKeyChecking=no');
    expect(off).toContain('UserKnownHostsFile=/dev/null');
    expect(off.join(' ')).not.toContain('/kh');
  });

  it('passes the inventory port, user and key as Ansible does; --key replaces the key', () => {
    expect(commonOptions(s, t)).toEqual(
      expect.arrayContaining(['Port=2222', 'User=ops', 'IdentityFile=/k/id']),
    );
    const k = commonOptions({ ...s, keyFiles: ['/my key'] }, t);
    expect(k).toContain('IdentityFile="/my key"');
    expect(k).not.toContain('IdentityFile=/k/id');
  });

  it('quotes known_hosts files with spaces as one UserKnownHostsFile', () => {
    expect(commonOptions({ ...s, knownHostsFiles: ['/a b', '/c'] }, t)).toContain(
      'UserKnownHostsFile="/a b" /c',
    );
  });

  it('master and command lines end with -- destination (a name starting with - is no option)', () => {
    const m = masterArgv(s, t, '/tmp/sfssh-x/0');
    expect(m.slice(0, 6)).toEqual([
      '-o',
      'ControlMaster=yes',
      '-o',
      'ControlPath=/tmp/sfssh-x/0',
      '-o',
      // foreground: a `ControlPersist yes` in the user's ssh_config must not background it
      'ControlPersist=no',
    ]);
    expect(m).toContain('-N');
    expect(m.slice(-2)).toEqual(['--', 'web1']);
    const e = execArgv(s, t, '/tmp/sfssh-x/0', 'sh -s');
    expect(e.slice(0, 2)).toEqual(['-o', 'ControlMaster=no']);
    expect(e.slice(-3)).toEqual(['--', 'web1', 'sh -s']);
  });

  it('direct: no master and no socket, whatever ssh_config says, before the inventory args', () => {
    const d = directArgv(s, t, 'sh -s');
    expect(d.slice(0, 4)).toEqual(['-o', 'ControlMaster=no', '-o', 'ControlPath=none']);
    expect(d).toContain('-T');
    expect(d).not.toContain('-N');
    expect(d.indexOf('ControlPath=none')).toBeLessThan(d.indexOf('ProxyJump=bastion'));
    expect(d.slice(-3)).toEqual(['--', 'web1', 'sh -s']);
    expect(directArgv(s, t, 'sh -s', true)).toContain('-tt');
    expect(directArgv(s, t, 'sh -s', true)).not.toContain('-T');
  });
});
