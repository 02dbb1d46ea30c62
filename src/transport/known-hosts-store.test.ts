import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KnownHostsStore } from './known-hosts-store.js';

const blob = (name: string) =>
  Buffer.from(
    readFileSync(`test/fixtures/known_hosts/keys/${name}.pub`, 'utf8').split(' ')[1] ?? '',
    'base64',
  );

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('KnownHostsStore', () => {
  it('treats missing files as empty and appends new keys atomically, keeping mode', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      'other.example.com ' +
        readFileSync('test/fixtures/known_hosts/keys/rsa_a.pub', 'utf8')
          .split(' ')
          .slice(0, 2)
          .join(' '),
      { mode: 0o644 },
    );
    const store = await KnownHostsStore.load([file, join(dir, 'missing')]);
    expect(store.check('127.0.0.1', 2201, blob('ed25519_a')).status).toBe('unknown');
    await Promise.all([
      store.add('127.0.0.1', 2201, blob('ed25519_a')),
      store.add('127.0.0.1', 2202, blob('ed25519_b')),
      store.add('127.0.0.1', 2201, blob('ed25519_a')),
    ]);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\[127\.0\.0\.1\]:2201 ssh-ed25519 /);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const reloaded = await KnownHostsStore.load([file]);
    expect(reloaded.check('127.0.0.1', 2202, blob('ed25519_b')).status).toBe('known');
    expect(store.check('127.0.0.1', 2201, blob('ed25519_a'))).toMatchObject({
      status: 'known',
      entry: { line: 2 },
    });
  });
});
