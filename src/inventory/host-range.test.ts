import { describe, expect, it } from 'vitest';
import { expandHostRange, HostRangeError, splitHostPort } from './host-range.js';

describe('expandHostRange', () => {
  const cases: Array<[string, string[]]> = [
    ['plain.example.com', ['plain.example.com']],
    ['web[01:03]', ['web01', 'web02', 'web03']],
    ['web[1:3].example.com', ['web1.example.com', 'web2.example.com', 'web3.example.com']],
    ['n[08:11]', ['n08', 'n09', 'n10', 'n11']],
    ['db[9:11]', ['db9', 'db10', 'db11']],
    ['s[0:20:5]', ['s0', 's5', 's10', 's15', 's20']],
    ['s[00:20:10]', ['s00', 's10', 's20']],
    ['u[:2]', ['u0', 'u1', 'u2']],
    ['node-[a:c]', ['node-a', 'node-b', 'node-c']],
    ['x[a:e:2]', ['xa', 'xc', 'xe']],
    ['x[y:B]', ['xy', 'xz', 'xA', 'xB']],
    ['r[1:2]n[1:2]', ['r1n1', 'r1n2', 'r2n1', 'r2n2']],
    ['[1:2]lead', ['1lead', '2lead']],
    ['one[7:7]', ['one7']],
  ];
  for (const [pattern, hosts] of cases) {
    it(pattern, () => expect(expandHostRange(pattern)).toEqual(hosts));
  }

  const invalid: Array<[string, RegExp]> = [
    ['web[01:3]', /equal-length/],
    ['web[05:1]', /equal-length/],
    ['web[5:1]', /begin <= end/],
    ['web[c:a]', /begin <= end/],
    ['web[1:2:0]', /step must be a positive integer/],
    ['web[1:]', /end value/],
    ['web[1]', /begin:end/],
    ['web[1:2:3:4]', /begin:end/],
    ['web[1:x]', /numbers/],
    ['web[1:2', /unclosed/],
    ['big[0:9999999]', /more than/],
  ];
  for (const [pattern, re] of invalid) {
    it(`refuses ${pattern}`, () => {
      expect(() => expandHostRange(pattern)).toThrow(HostRangeError);
      expect(() => expandHostRange(pattern)).toThrow(re);
    });
  }
});

describe('splitHostPort', () => {
  const cases: Array<[string, { host: string; port?: number }]> = [
    ['web01', { host: 'web01' }],
    ['web01:2222', { host: 'web01', port: 2222 }],
    ['web[01:03]:2222', { host: 'web[01:03]', port: 2222 }],
    ['web[01:03]', { host: 'web[01:03]' }],
    ['192.0.2.1:22', { host: '192.0.2.1', port: 22 }],
    ['[2001:db8::1]:2200', { host: '2001:db8::1', port: 2200 }],
    ['2001:db8::1', { host: '2001:db8::1' }],
  ];
  for (const [input, expected] of cases)
    it(input, () => expect(splitHostPort(input)).toEqual(expected));
});
