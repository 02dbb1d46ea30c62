import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideHostKey } from './host-key-policy.js';
import { parseKnownHosts, checkHostKey } from './known-hosts.js';

const dir = 'test/fixtures/known_hosts';
const blob = (name: string) =>
  Buffer.from(readFileSync(`${dir}/keys/${name}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
const entries = parseKnownHosts(readFileSync(`${dir}/plain.known_hosts`, 'utf8'), 'kh').entries;
const ctx = {
  host: 'web1',
  address: 'web1.example.com',
  port: 22,
  role: 'target' as const,
  knownHostsFiles: ['kh'],
};
const decide = (key: Buffer, policy: 'strict' | 'accept-new' | 'off', address = ctx.address) =>
  decideHostKey(checkHostKey(entries, address, 22, key), policy, key, { ...ctx, address });

describe('decideHostKey', () => {
  it('accepts a known key under every policy', () => {
    for (const p of ['strict', 'accept-new', 'off'] as const) {
      expect(decide(blob('ed25519_a'), p)).toEqual({
        accept: true,
        record: false,
        unverified: false,
      });
    }
  });

  it('refuses a changed key under strict and accept-new, with fingerprint and file:line', () => {
    for (const p of ['strict', 'accept-new'] as const) {
      const d = decide(blob('ed25519_b'), p);
      expect(d.accept).toBe(false);
      if (d.accept) return;
      expect(d.error.kind).toBe('host_key_changed');
      expect(d.error.message).toContain('SHA256:');
      expect(d.error.message).toContain('kh:2');
      expect(d.error.message).toContain('Nothing was run');
    }
  });

  it('refuses unknown under strict, records it under accept-new', () => {
    const strict = decide(blob('ed25519_a'), 'strict', 'new.example.com');
    expect(strict.accept === false && strict.error.kind).toBe('host_key_unknown');
    expect(decide(blob('ed25519_a'), 'accept-new', 'new.example.com')).toEqual({
      accept: true,
      record: true,
      unverified: false,
    });
  });

  it('accepts anything when off, flagging it unverified', () => {
    expect(decide(blob('ed25519_b'), 'off')).toEqual({
      accept: true,
      record: false,
      unverified: true,
    });
  });

  it('refuses revoked keys even under accept-new', () => {
    const d = decide(blob('ed25519_c'), 'accept-new', 'old.example.com');
    expect(d.accept === false && d.error.kind).toBe('host_key_revoked');
  });
});
