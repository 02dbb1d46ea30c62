import { describe, expect, it } from 'vitest';
import { backoffMs, isTransient, mapConnectError } from './errors.js';
import { TransportError } from './types.js';

const ctx = { host: 'web1', endpoint: '127.0.0.1:2201', timeoutMs: 3000 };

describe('mapConnectError', () => {
  it('maps socket errors by code', () => {
    const refused = mapConnectError(
      { message: 'x', code: 'ECONNREFUSED', level: 'client-socket' },
      ctx,
    );
    expect(refused.kind).toBe('refused');
    expect(refused.message).toBe('web1: connection refused by 127.0.0.1:2201');
    expect(mapConnectError({ message: 'x', code: 'ECONNRESET' }, ctx).kind).toBe('network');
    expect(mapConnectError({ message: 'x', code: 'EHOSTUNREACH' }, ctx).message).toContain(
      'host unreachable',
    );
  });

  it('maps the ssh2 ready timeout, naming the limit', () => {
    const e = mapConnectError(
      { message: 'Timed out while waiting for handshake', level: 'client-timeout' },
      ctx,
    );
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('within 3000 ms');
  });

  it('lists what authentication tried', () => {
    const e = mapConnectError(
      { message: 'All configured authentication methods failed', level: 'client-authentication' },
      { ...ctx, triedAuth: ['agent', 'key ~/.ssh/id_ed25519'] },
    );
    expect(e.kind).toBe('auth');
    expect(e.message).toContain('tried: agent, key ~/.ssh/id_ed25519');
  });

  it('treats a drop before the banner as network (retryable)', () => {
    const e = mapConnectError(
      { message: 'Connection lost before handshake', level: 'protocol' },
      ctx,
    );
    expect(e.kind).toBe('network');
    expect(isTransient(e)).toBe(true);
  });

  it('falls back to protocol and passes TransportErrors through', () => {
    expect(mapConnectError({ message: 'no matching cipher', level: 'handshake' }, ctx).kind).toBe(
      'protocol',
    );
    const own = new TransportError('host_key_changed', 'web1', 'changed');
    expect(mapConnectError(own, ctx)).toBe(own);
  });
});

describe('retry policy', () => {
  it('never retries answers', () => {
    for (const kind of ['auth', 'refused', 'timeout', 'host_key_changed', 'become'] as const) {
      expect(isTransient(new TransportError(kind, 'h', 'm'))).toBe(false);
    }
    expect(isTransient(new TransportError('network', 'h', 'h: name not found (DNS)'))).toBe(false);
  });

  it('backs off exponentially within the cap', () => {
    expect(backoffMs(1, 200, 5000, () => 0)).toBe(100);
    expect(backoffMs(1, 200, 5000, () => 1)).toBe(200);
    expect(backoffMs(3, 200, 5000, () => 1)).toBe(800);
    expect(backoffMs(10, 200, 5000, () => 1)).toBe(5000);
  });
});
