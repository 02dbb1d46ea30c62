import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyAuthMethod } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKey, planAuth } from './auth.js';
import { envSecrets, noSecrets } from './secrets.js';

let dir = '';
let plainKey = '';
let encKey = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-auth-'));
  plainKey = join(dir, 'plain');
  encKey = join(dir, 'enc');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', plainKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', encKey]);
  writeFileSync(join(dir, 'junk'), 'not a key');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Drive the handler like ssh2 does: ask for the next method until it answers false. */
async function offered(
  handler: Awaited<ReturnType<typeof planAuth>>['handler'],
  left: string[] | null = null,
) {
  const out: AnyAuthMethod[] = [];
  for (let i = 0; i < 10; i++) {
    const next = await new Promise<AnyAuthMethod | false>((resolve) =>
      handler(left as never, false, resolve as never),
    );
    if (next === false) break;
    out.push(next);
  }
  return out;
}

describe('loadKey', () => {
  it('decrypts with the passphrase from the secret source', async () => {
    const secrets = envSecrets({ SYSFLEET_KEY_PASSPHRASE: 'pass phrase' });
    expect((await loadKey(encKey, 'h', secrets))?.key?.type).toBe('ssh-ed25519');
    expect((await loadKey(encKey, 'h', noSecrets))?.problem).toMatch(/encrypted, no passphrase/);
    const wrong = envSecrets({ SYSFLEET_KEY_PASSPHRASE: 'nope' });
    expect((await loadKey(encKey, 'h', wrong))?.problem).toBe('wrong passphrase');
    expect((await loadKey(join(dir, 'junk'), 'h', noSecrets))?.problem).toMatch(
      /not a private key/,
    );
  });
});

describe('planAuth', () => {
  it('offers agent, then keys, then password, recording each for the error message', async () => {
    const auth = await planAuth({
      host: 'h',
      user: 'deploy',
      keyFiles: [plainKey, encKey, join(dir, 'missing')],
      agentSocket: '/run/agent.sock',
      secrets: envSecrets({ SYSFLEET_SSH_PASSWORD: 'pw' }),
    });
    const methods = await offered(auth.handler);
    expect(methods.map((m) => m.type)).toEqual([
      'agent',
      'publickey',
      'password',
      'keyboard-interactive',
    ]);
    expect(auth.tried).toEqual([
      'agent',
      `key ${plainKey}`,
      `key ${encKey} (encrypted, no passphrase (set SYSFLEET_KEY_PASSPHRASE))`,
      `key ${join(dir, 'missing')} (not found)`,
      'password',
      'keyboard-interactive',
    ]);
  });

  it('skips what the server does not accept and never asks for an absent password', async () => {
    let asked = 0;
    const auth = await planAuth({
      host: 'h',
      user: 'deploy',
      keyFiles: [plainKey],
      secrets: { get: async () => (asked++, undefined) },
    });
    const methods = await offered(auth.handler, ['password']);
    expect(methods).toEqual([]);
    expect(asked).toBe(1);
    expect(auth.tried).toEqual([]);
  });
});
