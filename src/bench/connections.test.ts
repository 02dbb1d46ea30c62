import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countConnections } from './connections.js';

const strace = readFileSync(
  new URL('../../test/fixtures/bench/strace-check-3hosts.txt', import.meta.url),
  'utf8',
);

describe('countConnections (captured strace of sysfleet check on 3 lab hosts)', () => {
  it('sees one connection per host and ignores Unix sockets', () => {
    expect(countConnections(strace, [28146, 28147, 28148])).toEqual({
      hosts: 3,
      min: 1,
      max: 1,
      total: 3,
    });
  });
  it('counts a host never connected to as 0 and ignores ports outside the lab', () => {
    expect(countConnections(strace, [28146, 28147, 9])).toEqual({
      hosts: 2,
      min: 0,
      max: 1,
      total: 2,
    });
  });
});
