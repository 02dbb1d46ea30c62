import { describe, expect, it } from 'vitest';
import {
  isGlobalKey,
  isSysctlKey,
  isSysctlKeyPattern,
  KEY_PATTERN,
  normalizeKey,
  procPath,
} from './key.js';

describe('normalizeKey', () => {
  const cases: Array<[string, string]> = [
    ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_time'],
    ['net/ipv4/tcp_keepalive_time', 'net.ipv4.tcp_keepalive_time'],
    ['net/ipv4/conf/eth0.100/rp_filter', 'net.ipv4.conf.eth0/100.rp_filter'],
    ['net.ipv4.conf.eth0/100.rp_filter', 'net.ipv4.conf.eth0/100.rp_filter'],
    ['  vm.swappiness ', 'vm.swappiness'],
  ];
  for (const [i, o] of cases) it(i, () => expect(normalizeKey(i)).toBe(o));
});

describe('isSysctlKeyPattern (playbook keys, globs allowed)', () => {
  const valid = [
    'net.ipv4.tcp_keepalive_time',
    'net.ipv4.conf.*.rp_filter',
    'kernel.threads-max',
    'net.ipv4.conf.eth0/100.rp_filter',
    'fs.inotify.max_user_watches',
  ];
  const invalid = [
    '',
    'net',
    'net.',
    '.net.ipv4',
    'net..ipv4',
    'net.ipv4.x;reboot',
    'net.ipv4.$(id)',
    'net.ipv4.x y',
    'Net.ipv4.x',
    'net.ipv4.`id`',
    "net.ipv4.x'",
    'net.ipv4.x/../y',
    '../etc/passwd',
    `net.${'a'.repeat(260)}`,
  ];
  for (const k of valid) it(`accepts ${k}`, () => expect(isSysctlKeyPattern(k)).toBe(true));
  for (const k of invalid)
    it(`refuses ${JSON.stringify(k).slice(0, 40)}`, () =>
      expect(isSysctlKeyPattern(k)).toBe(false));
});

describe('real interface names', () => {
  // Names as Linux hosts have them: VLANs (a dot in the name), bonds, veths, bridges, predictable
  // names, names with '-' and '_'. Each: the slash form sysctl(8) prints, the dotted key, the path.
  const cases: Array<[iface: string, dotted: string]> = [
    ['eth0.100', 'net.ipv4.conf.eth0/100.rp_filter'],
    ['bond0', 'net.ipv4.conf.bond0.rp_filter'],
    ['veth-x', 'net.ipv4.conf.veth-x.rp_filter'],
    ['br_lan', 'net.ipv4.conf.br_lan.rp_filter'],
    ['enp0s31f6', 'net.ipv4.conf.enp0s31f6.rp_filter'],
    ['bond0.10.20', 'net.ipv4.conf.bond0/10/20.rp_filter'],
    ['vlan-a_1.7', 'net.ipv4.conf.vlan-a_1/7.rp_filter'],
  ];
  for (const [iface, dotted] of cases) {
    it(iface, () => {
      expect(normalizeKey(`net/ipv4/conf/${iface}/rp_filter`)).toBe(dotted);
      expect(normalizeKey(dotted)).toBe(dotted);
      expect(isSysctlKey(dotted)).toBe(true);
      expect(procPath(dotted)).toBe(`/proc/sys/net/ipv4/conf/${iface}/rp_filter`);
      expect(procPath(`net/ipv4/conf/${iface}/rp_filter`)).toBe(procPath(dotted));
    });
  }
  it('refuses globs as a single key but accepts them as a pattern', () => {
    expect(isSysctlKey('net.ipv4.conf.*.rp_filter')).toBe(false);
    expect(isSysctlKeyPattern('net.ipv4.conf.*.rp_filter')).toBe(true);
    expect(KEY_PATTERN.test('net.ipv4.conf.eth0/100.rp_filter')).toBe(true);
  });
  it('refuses empty name parts and traversal', () => {
    for (const k of [
      'net.ipv4.conf.eth0/.rp_filter',
      'net.ipv4.conf./x.y',
      'net.ipv4.conf.a//b.c',
    ]) {
      expect(isSysctlKey(k), k).toBe(false);
    }
    expect(procPath('net.ipv4.tcp_fin_timeout')).toBe('/proc/sys/net/ipv4/tcp_fin_timeout');
  });
});

describe('isGlobalKey', () => {
  it('flags global keys', () => {
    expect(isGlobalKey('vm.zone_reclaim_mode')).toBe(true);
    expect(isGlobalKey('kernel.pid_max')).toBe(true);
    expect(isGlobalKey('fs.file-max')).toBe(true);
    expect(isGlobalKey('net.ipv4.tcp_fin_timeout')).toBe(false);
  });
});

describe('keyInfo', () => {
  it('flags global and known keys', async () => {
    const { keyInfo } = await import('./known-sysctls.js');
    expect(keyInfo('vm.zone_reclaim_mode')).toEqual({
      key: 'vm.zone_reclaim_mode',
      global: true,
      known: true,
    });
    expect(keyInfo('net.ipv4.conf.eth1.rp_filter')).toEqual({
      key: 'net.ipv4.conf.eth1.rp_filter',
      global: false,
      known: true,
    });
    expect(keyInfo('net.ipv4.brand_new')).toEqual({
      key: 'net.ipv4.brand_new',
      global: false,
      known: false,
    });
  });
});
