import { describe, expect, it } from 'vitest';
import { buildRollbackPlan, globToRegExp } from './rollback-plan.js';
import type { Snapshot } from './types.js';

const snap: Snapshot = {
  runId: '20261121T060000Z-c0de',
  host: 'web1',
  takenAt: 1,
  keys: [
    { key: 'net.ipv4.tcp_keepalive_time', state: 'value', value: '7200', runValue: '600' },
    { key: 'net.ipv4.tcp_keepalive_intvl', state: 'value', value: '75' },
    { key: 'net.core.somaxconn', state: 'value', value: '4096' },
  ],
  files: [{ path: '/etc/sysctl.d/60-x.conf', state: 'absent' }],
};
const plan = {
  changes: [
    { key: 'net.ipv4.tcp_keepalive_intvl', to: '30', runtime: true },
    { key: 'net.core.somaxconn', to: '8192', runtime: false },
  ],
  persistFile: { path: '/etc/sysctl.d/60-x.conf', content: 'a\n' },
};

describe('globToRegExp', () => {
  it('matches * and ? only, in dotted or slashed form', () => {
    expect(globToRegExp('net.ipv4.tcp_keepalive_*').test('net.ipv4.tcp_keepalive_time')).toBe(true);
    expect(globToRegExp('net/ipv4/tcp_fin_timeou?').test('net.ipv4.tcp_fin_timeout')).toBe(true);
    expect(globToRegExp('net.ipv4.tcp_keepalive_*').test('netXipv4.tcp_keepalive_time')).toBe(
      false,
    );
    expect(globToRegExp('net.core.somaxconn').test('net.core.somaxconnx')).toBe(false);
  });
});

describe('buildRollbackPlan', () => {
  it('takes run values from the snapshot, else from the plan (runtime changes only)', () => {
    const { request, skippedFiles, excludedKeys } = buildRollbackPlan(snap, plan, { by: 'me@ws' });
    expect(request.keys.map((k) => [k.snapshot.key, k.runValue])).toEqual([
      ['net.ipv4.tcp_keepalive_time', '600'],
      ['net.ipv4.tcp_keepalive_intvl', '30'],
      ['net.core.somaxconn', undefined],
    ]);
    expect(request.files).toEqual([
      { snapshot: snap.files[0], runContentBase64: Buffer.from('a\n').toString('base64') },
    ]);
    expect(request.force).toBe(false);
    expect(skippedFiles).toEqual([]);
    expect(excludedKeys).toEqual([]);
  });

  it('a key filter restores matching keys only and keeps the shared file', () => {
    const r = buildRollbackPlan(snap, plan, { by: 'me', keyGlobs: ['net.ipv4.*'], force: true });
    expect(r.request.keys.map((k) => k.snapshot.key)).toEqual([
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_keepalive_intvl',
    ]);
    expect(r.excludedKeys).toEqual(['net.core.somaxconn']);
    expect(r.request.files).toEqual([]);
    expect(r.skippedFiles).toEqual([
      expect.objectContaining({ path: '/etc/sysctl.d/60-x.conf', action: 'skipped' }),
    ]);
    expect(r.request.force).toBe(true);
  });

  it('a filter that covers every key still restores the file', () => {
    const r = buildRollbackPlan(snap, undefined, { by: 'me', keyGlobs: ['net.*'] });
    expect(r.request.files).toHaveLength(1);
    expect(r.request.files[0]?.runContentBase64).toBeUndefined();
  });
});
