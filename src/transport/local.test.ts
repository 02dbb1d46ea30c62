import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from './local.js';
import { TransportError } from './types.js';

describe('LocalConnection', () => {
  const conn = new LocalConnection({ host: 'localhost' });

  it('round-trips binary stdin through the command', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const r = await conn.exec('od -An -v -tx1 | tr -d " \\n"', { stdin: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(data.toString('hex'));
  });

  it('returns exit code and stderr', async () => {
    const r = await conn.exec('echo oops >&2; exit 3');
    expect(r).toEqual({ stdout: '', stderr: 'oops\n', code: 3 });
  });

  it('kills a command that outlives its timeout', async () => {
    const err = await conn.exec('sleep 30', { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('timeout');
  });

  it('rejects with the abort reason', async () => {
    const ac = new AbortController();
    const p = conn.exec('sleep 30', { signal: ac.signal });
    ac.abort(new Error('stop now'));
    await expect(p).rejects.toThrow('stop now');
  });

  it('refuses output beyond the cap instead of buffering without end', async () => {
    const err = await conn.exec('yes', {}).catch((e: unknown) => e);
    expect((err as TransportError).message).toContain('exceeded');
  }, 30_000);

  it('streams with spawn', async () => {
    const p = await conn.spawn('read line; echo "got $line"; read again; echo "then $again"');
    const chunks: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stdin.write('one\n');
    p.stdin.end('two\n');
    await expect(p.done).resolves.toEqual({ code: 0 });
    expect(Buffer.concat(chunks).toString()).toBe('got one\nthen two\n');
  });

  it.runIf(process.getuid?.() === 0)('as root becoming root runs without sudo', async () => {
    const root = new LocalConnection({ host: 'localhost', become: true, becomeUser: 'root' });
    const r = await root.exec('id -un', { become: true });
    expect(r).toEqual({ stdout: 'root\n', stderr: '', code: 0 });
  });
});
