import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from './local.js';
import { TransportError } from './types.js';

describe('LocalConnection', () => {
  const conn = new LocalConnection({ host: 'localhost' });

  it('round-trips binary stdin through the command', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const r = await conn.exec('od -An -v -tx1 | tr -d " \\n"', {
      stdin: data,
      maxOutputBytes: 8 * 1024 * 1024, // 6 MiB of hex comes back
    });
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

  it('refuses output beyond the cap (1 MiB by default) instead of buffering without end', async () => {
    const err = await conn.exec('yes', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).message).toMatch(/output exceeded 1 MiB \(stdout/);
    const err2 = await conn.exec('yes >&2', {}).catch((e: unknown) => e);
    expect((err2 as TransportError).message).toMatch(/output exceeded 1 MiB \(stderr/);
  }, 30_000);

  it('the cap is the connection setting, or the call option', async () => {
    const small = new LocalConnection({ host: 'localhost' });
    small.maxOutputBytes = 100 * 1024;
    await expect(small.exec('head -c 200000 /dev/zero')).rejects.toThrow(/output exceeded 100 KiB/);
    const ok = await small.exec('head -c 90000 /dev/zero');
    expect(ok.stdout.length).toBe(90000);
    const big = await small.exec('head -c 200000 /dev/zero', { maxOutputBytes: 256 * 1024 });
    expect(big.stdout.length).toBe(200000);
  }, 30_000);

  it('caps streamed output as it arrives: the reader never gets more than the cap', async () => {
    for (const redirect of ['', '>&2']) {
      const p = await conn.spawn(`yes ${redirect}`, { maxOutputBytes: 64 * 1024 });
      let got = 0;
      p.stdout.on('data', (c: Buffer) => (got += c.length));
      p.stderr.on('data', (c: Buffer) => (got += c.length));
      await expect(p.done).rejects.toThrow(/output exceeded 64 KiB/);
      expect(got).toBeLessThanOrEqual(64 * 1024);
    }
  }, 30_000);

  it('a streamed command that floods until its timeout ends by the timeout', async () => {
    const t0 = Date.now();
    const p = await conn.spawn('while :; do echo x; sleep 0.01; done', { timeoutMs: 300 });
    p.stdout.resume();
    await expect(p.done).rejects.toThrow(/did not finish within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
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
