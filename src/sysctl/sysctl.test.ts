import { describe, expect, it } from 'vitest';
import {
  isGlobalKey,
  isValidSysctlKey,
  isValidSysctlValue,
  normalizeKey,
  normalizeValue,
  valuesEqual,
} from './sysctl.js';

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

describe('isValidSysctlKey', () => {
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
  for (const k of valid) it(`accepts ${k}`, () => expect(isValidSysctlKey(k)).toBe(true));
  for (const k of invalid)
    it(`refuses ${JSON.stringify(k).slice(0, 40)}`, () => expect(isValidSysctlKey(k)).toBe(false));
});

describe('values', () => {
  it('normalises numbers and whitespace', () => {
    expect(normalizeValue(60)).toBe('60');
    expect(normalizeValue('10240\t65535 ')).toBe('10240 65535');
    expect(normalizeValue('  4096   87380\t6291456')).toBe('4096 87380 6291456');
  });
  it('validates the value alphabet', () => {
    for (const v of ['60', '10240 65535', 'bbr', 'fq_codel', '1,2', '-1', 'a:b.c'])
      expect(isValidSysctlValue(v)).toBe(true);
    for (const v of ['', '1;reboot', '$(id)', '`id`', '1|2', "'1'", '1\n2', '1>x'])
      expect(isValidSysctlValue(v)).toBe(false);
  });
  it('compares numerically field by field', () => {
    expect(valuesEqual('10240\t65535', '10240 65535')).toBe(true);
    expect(valuesEqual('010', '10')).toBe(true);
    expect(valuesEqual('-1', '-1')).toBe(true);
    expect(valuesEqual('10240 65535', '10240 65534')).toBe(false);
    expect(valuesEqual('1 2', '1')).toBe(false);
    expect(valuesEqual('bbr', 'bbr')).toBe(true);
    expect(valuesEqual('bbr', 'cubic')).toBe(false);
    expect(valuesEqual('18446744073709551615', '18446744073709551614')).toBe(false);
  });
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
