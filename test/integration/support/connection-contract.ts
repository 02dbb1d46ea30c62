/**
 * What every transport's Connection must do, as checks both transport test files run
 * (transport.test.ts over ssh2, transport-openssh.test.ts over the system ssh).
 */
import { expect } from 'vitest';
import type { Connection, TransportError } from '../../../src/transport/index.js';
import type { Lab } from './lab.js';

/** A command past its timeout fails with 'timeout' here AND is gone on the host; conn stays usable. */
export async function expectKilledAtTimeout(
  conn: Connection,
  lab: Lab,
  host: string,
  marker: number,
): Promise<void> {
  const started = Date.now();
  const err = await conn.exec(`sleep ${marker}`, { timeoutMs: 500 }).catch((e: unknown) => e);
  expect((err as TransportError).kind).toBe('timeout');
  expect(Date.now() - started).toBeLessThan(5000);
  // killed on the host by `timeout` after the 2 s grace (a closed channel alone does not stop it)
  let left = '';
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = (await lab.exec(host, ['sh', '-c', `pgrep -f 'slee[p] ${marker}' || true`])).stdout;
    if (left.trim() === '') break;
  }
  expect(left.trim()).toBe('');
  expect((await conn.exec('echo ok')).stdout).toBe('ok\n');
}

/** spawn streams both ways within one command (apply's snapshot-then-go conversation). */
export async function expectConversation(conn: Connection): Promise<void> {
  const p = await conn.spawn('read a; echo "ack $a"; read b; echo "go $b"');
  let out = '';
  p.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (out === 'ack 1\n') p.stdin.end('2\n');
  });
  p.stdin.write('1\n');
  await expect(p.done).resolves.toMatchObject({ code: 0 });
  expect(out).toBe('ack 1\ngo 2\n');
}
