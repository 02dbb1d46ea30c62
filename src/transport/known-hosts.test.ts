import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  formatKnownHostsLine,
  hostFieldMatches,
  knownHostsName,
  KnownHostsIndex,
  knownKeyTypes,
  parseKnownHosts,
} from './known-hosts.js';
import { fingerprintSha256, keyTypeOfBlob, preferKnownAlgorithms } from './host-key.js';

const dir = 'test/fixtures/known_hosts';
const read = (f: string) => readFileSync(`${dir}/${f}`, 'utf8');
const blob = (name: string) => Buffer.from(read(`keys/${name}.pub`).split(' ')[1] ?? '', 'base64');
const A = blob('ed25519_a');
const B = blob('ed25519_b');
const C = blob('ed25519_c');
const RSA = blob('rsa_a');
const ECDSA = blob('ecdsa_a');

const plain = parseKnownHosts(read('plain.known_hosts'), 'plain.known_hosts');
const hashed = parseKnownHosts(read('hashed.known_hosts'), 'hashed.known_hosts');

describe('parseKnownHosts', () => {
  it('keeps valid lines with their line numbers and reports broken ones', () => {
    expect(plain.entries.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(plain.entries[7]?.marker).toBe('revoked');
    expect(plain.entries[8]?.marker).toBe('cert-authority');
    expect(plain.issues.map((i) => i.line)).toEqual([12, 13]);
  });

  it('rejects a blob whose inner type disagrees with the declared type', () => {
    const text = `h ssh-rsa ${A.toString('base64')}\n`;
    const r = parseKnownHosts(text, 'x');
    expect(r.entries).toHaveLength(0);
    expect(r.issues[0]?.message).toMatch(/does not hold a ssh-rsa key/);
  });
});

describe('host field matching', () => {
  it('uses [host]:port only for non-22 ports', () => {
    expect(knownHostsName('Web1.Example.com', 22)).toBe('web1.example.com');
    expect(knownHostsName('web1.example.com', 2222)).toBe('[web1.example.com]:2222');
  });

  it('handles comma lists, wildcards and negation', () => {
    expect(hostFieldMatches('a.test,b.test', 'b.test')).toBe(true);
    expect(hostFieldMatches('*.lab.test,!bad.lab.test', 'good.lab.test')).toBe(true);
    expect(hostFieldMatches('*.lab.test,!bad.lab.test', 'bad.lab.test')).toBe(false);
    expect(hostFieldMatches('db?.example.com', 'db1.example.com')).toBe(true);
    expect(hostFieldMatches('db?.example.com', 'db12.example.com')).toBe(false);
    expect(hostFieldMatches('web.example.com', 'webxexample.com')).toBe(false);
    expect(hostFieldMatches('!only.negated', 'other')).toBe(false);
  });

  it('matches hashed entries produced by ssh-keygen -H', () => {
    expect(hostFieldMatches(hashed.entries[0]?.hosts ?? '', 'hashed.example.com')).toBe(true);
    expect(hostFieldMatches(hashed.entries[0]?.hosts ?? '', 'other.example.com')).toBe(false);
    expect(hostFieldMatches(hashed.entries[1]?.hosts ?? '', '[hashed.example.com]:2200')).toBe(
      true,
    );
  });
});

const plainIndex = new KnownHostsIndex(plain.entries);
const hashedIndex = new KnownHostsIndex(hashed.entries);
const viaIndex = {
  plain: (host: string, port: number) => plainIndex.lookup(host, port),
  hashed: (host: string, port: number) => hashedIndex.lookup(host, port),
};
const everyLine = { plain: () => plain.entries, hashed: () => hashed.entries };

// Every verdict is checked twice: against every line, and against the index's candidates.
describe.each([
  ['every line', everyLine],
  ['indexed', viaIndex],
])('checkHostKey (%s)', (_how, lines) => {
  const check = (host: string, port: number, key: Buffer) =>
    checkHostKey(lines.plain(host, port), host, port, key);

  it('knows a recorded key, by name and by an address on the same line', () => {
    expect(check('web1.example.com', 22, A)).toMatchObject({ status: 'known', entry: { line: 2 } });
    expect(check('192.0.2.5', 22, A).status).toBe('known');
  });

  it('treats a different key of the same type as changed, naming the line', () => {
    expect(check('web1.example.com', 22, B)).toMatchObject({
      status: 'changed',
      entry: { file: 'plain.known_hosts', line: 2 },
    });
  });

  // Each verdict below is what OpenSSH 9.2 decides (known-hosts-oracle.test.ts checks the rules
  // against a real ssh and sshd).
  it('keeps ports apart: a [host]:port entry rules its port', () => {
    expect(check('web1.example.com', 2222, B).status).toBe('known');
    expect(check('web1.example.com', 2222, A).status).toBe('changed');
  });

  it('lets a bare host entry serve another port when no [host]:port entry exists', () => {
    expect(check('web1.example.com', 2200, A)).toMatchObject({
      status: 'known',
      entry: { line: 2 },
    });
    // a mismatch there is a new key for [host]:port, not a changed one
    expect(check('web1.example.com', 2200, B)).toMatchObject({ status: 'unknown' });
  });

  it('honours negation and wildcards', () => {
    expect(check('good.lab.test', 22, A).status).toBe('known');
    expect(check('bad.lab.test', 22, A).status).toBe('unknown');
    expect(check('db7.example.com', 22, RSA).status).toBe('known');
  });

  it('accepts any of several keys of different types for one host', () => {
    expect(check('multi.example.com', 22, A).status).toBe('known');
    expect(check('multi.example.com', 22, ECDSA).status).toBe('known');
  });

  it('treats a key of another type than the recorded ones as CHANGED (no downgrade)', () => {
    expect(check('db7.example.com', 22, A)).toMatchObject({
      status: 'changed',
      entry: { line: 5, keyType: 'ssh-rsa' },
    });
    expect(check('multi.example.com', 22, RSA)).toMatchObject({ status: 'changed' });
  });

  it('refuses a revoked key even when listed as good', () => {
    expect(check('old.example.com', 22, C)).toMatchObject({
      status: 'revoked',
      entry: { line: 9 },
    });
  });

  it('ignores @cert-authority lines but says so', () => {
    expect(check('x.ca.test', 22, A)).toEqual({ status: 'unknown', otherTypes: [], caOnly: true });
  });

  it('works on hashed files', () => {
    const checkHashed = (host: string, port: number, key: Buffer) =>
      checkHostKey(lines.hashed(host, port), host, port, key).status;
    expect(checkHashed('hashed.example.com', 22, A)).toBe('known');
    expect(checkHashed('hashed.example.com', 2200, B)).toBe('known');
    expect(checkHashed('hashed.example.com', 22, B)).toBe('changed');
    expect(checkHashed('127.0.0.1', 22, RSA)).toBe('known');
  });

  it('lists known key types to steer negotiation', () => {
    expect(knownKeyTypes(lines.plain('multi.example.com', 22), 'multi.example.com', 22)).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
    ]);
    expect(preferKnownAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(preferKnownAlgorithms([])[0]).toBe('ssh-ed25519');
  });
});

describe('KnownHostsIndex', () => {
  it('offers literal lines only to their names, pattern and hashed lines to every name', () => {
    const lines = plainIndex.candidates('web1.example.com').map((e) => e.line);
    expect(lines).toContain(2);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(plainIndex.candidates('[web1.example.com]:2200').map((e) => e.line)).not.toContain(2);
    expect(hashedIndex.candidates('anything').length).toBe(hashed.entries.length);
  });
});

describe('host key facts', () => {
  it('formats fingerprints exactly as ssh-keygen -l prints them', () => {
    for (const k of ['ed25519_a', 'rsa_a', 'ecdsa_a']) {
      expect(fingerprintSha256(blob(k))).toBe(read(`keys/${k}.fingerprint`).trim());
    }
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOfBlob(RSA)).toBe('ssh-rsa');
    expect(keyTypeOfBlob(Buffer.from([0, 0, 0]))).toBeUndefined();
  });

  it('formats an appendable line that parses back as known', () => {
    const line = formatKnownHostsLine('127.0.0.1', 2201, A);
    expect(line.startsWith('[127.0.0.1]:2201 ssh-ed25519 ')).toBe(true);
    const again = parseKnownHosts(line + '\n', 'new');
    expect(checkHostKey(again.entries, '127.0.0.1', 2201, A).status).toBe('known');
  });
});
