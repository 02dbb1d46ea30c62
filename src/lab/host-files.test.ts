import { describe, expect, it } from 'vitest';
import {
  freeUid,
  renderAccounts,
  renderSshdConfig,
  renderDoasConf,
  renderSudoersDropIn,
  rootPasswordFlags,
  sudoModes,
  sysctlSeed,
} from './host-files.js';

const machine = {
  passwd:
    'root:x:0:0:root:/root:/bin/bash\nsshd:x:102:65534::/run/sshd:/usr/sbin/nologin\nbob:x:2000:2000::/home/bob:/bin/sh\n',
  shadow: 'root:*:20228:0:99999:7:::\nsshd:!:20228::::::\nbob:!:20228::::::\n',
  group: 'root:x:0:\nbob:x:2000:\nstaff:x:2001:\n',
};

describe('lab accounts', () => {
  it('picks a uid no machine account or group uses', () => {
    expect(freeUid(machine.passwd, machine.group)).toBe(2002);
    expect(freeUid('', '')).toBe(2000);
  });

  it('adds the lab user to copies of the machine files, keeping every machine line', () => {
    const out = renderAccounts(machine, { name: 'sflab', uid: 2002, passwordHash: '$6$salt$hash' });
    expect(out.passwd.startsWith(machine.passwd)).toBe(true);
    expect(out.passwd).toContain('sflab:x:2002:2002:sysfleet lab user:/home/sflab:/bin/sh\n');
    expect(out.shadow).toContain('sflab:$6$salt$hash:');
    expect(out.group).toContain('sflab:x:2002:\n');
  });

  it("gives root the lab's root hash only where asked (su with a password), else keeps it blank", () => {
    const user = { name: 'sflab', uid: 2002, passwordHash: '$6$salt$hash' };
    const withRoot = renderAccounts(machine, user, '$6$r$roothash');
    expect(withRoot.shadow).toContain('root:$6$r$roothash:20228:0:99999:7:::\n');
    expect(withRoot.shadow).toContain('sshd:!:20228::::::\n');
    expect(renderAccounts(machine, user).shadow).toContain('root:*:20228:0:99999:7:::\n');
    expect(rootPasswordFlags(3, 1)).toEqual([false, false, true]);
    expect(rootPasswordFlags(2, 0)).toEqual([false, false]);
    expect(rootPasswordFlags(2, 5)).toEqual([true, true]);
  });

  it('never copies a machine password hash into the lab', () => {
    const withHash = {
      ...machine,
      shadow: 'root:$6$abc$secret:20228:0:99999:7:::\nbob:!$6$x$y:1::::::\n',
    };
    const out = renderAccounts(withHash, { name: 'sflab', uid: 2002, passwordHash: '$6$s$h' });
    expect(out.shadow).not.toContain('secret');
    expect(out.shadow).toContain('root:*:20228:0:99999:7:::\n');
    expect(out.shadow).toContain('bob:!:1::::::\n');
  });

  it('replaces a stale lab user line instead of duplicating it', () => {
    const stale = { ...machine, passwd: machine.passwd + 'sflab:x:1:1::/:/bin/sh\n' };
    const out = renderAccounts(stale, { name: 'sflab', uid: 2002, passwordHash: 'h' });
    expect(out.passwd.match(/^sflab:/gm)).toHaveLength(1);
  });
});

describe('sudo', () => {
  it('gives NOPASSWD only to nopasswd hosts', () => {
    expect(renderSudoersDropIn('sflab', 'nopasswd')).toContain('sflab ALL=(ALL:ALL) NOPASSWD: ALL');
    expect(renderSudoersDropIn('sflab', 'password')).toMatch(/^sflab ALL=\(ALL:ALL\) ALL$/m);
    // doas follows the same split: nopass where sudo needs no password
    expect(renderDoasConf('sflab', 'nopasswd')).toMatch(/^permit nopass sflab as root$/m);
    expect(renderDoasConf('sflab', 'password')).toMatch(/^permit sflab as root$/m);
  });

  it('puts password sudo on the last hosts, clamped to the host count', () => {
    expect(sudoModes(5, 2)).toEqual(['nopasswd', 'nopasswd', 'nopasswd', 'password', 'password']);
    expect(sudoModes(2, 9)).toEqual(['password', 'password']);
    expect(sudoModes(2, 0)).toEqual(['nopasswd', 'nopasswd']);
  });
});

describe('sshd config', () => {
  it('is key-only, keeps authorized keys in the host /etc/ssh and allows forwarding (bastion)', () => {
    const c = renderSshdConfig();
    expect(c).toMatch(/^PasswordAuthentication no$/m);
    expect(c).toMatch(/^AuthorizedKeysFile \/etc\/ssh\/authorized_keys\/%u$/m);
    expect(c).toMatch(/^HostKey \/etc\/ssh\/ssh_host_ed25519_key$/m);
    expect(c).toMatch(/^AllowTcpForwarding yes$/m);
  });
});

describe('sysctl seed', () => {
  it('sets only per-namespace net.* keys (vm/kernel/fs are global to the machine)', () => {
    const seed = sysctlSeed();
    const lines = [...Object.values(seed.usrLib), ...Object.values(seed.etc), seed.sysctlConf]
      .flatMap((t) => t.split('\n'))
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';') && l.includes('.'));
    const keys = lines
      .filter((l) => /^-?[a-z0-9_.*]+(\s*=|$)/.test(l))
      .map((l) => l.replace(/^-/, '').split('=')[0]!.trim());
    expect(keys.length).toBeGreaterThan(3);
    for (const k of keys) expect(k.startsWith('net.')).toBe(true);
  });
});
