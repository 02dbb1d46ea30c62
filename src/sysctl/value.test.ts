import { describe, expect, it } from 'vitest';
import { isValidSysctlValue, normalizeValue, valuesEqual } from './value.js';

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
});
