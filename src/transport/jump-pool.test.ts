import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { JumpHost } from '../connection/types.js';
import { JumpPool, type HopContext } from './jump-pool.js';

/** Just enough of an ssh2 Client for the pool: forwardOut, end, destroy, close event. */
class FakeClient extends EventEmitter {
  ended = false;
  forwards: string[] = [];
  constructor(readonly name: string) {
    super();
  }
  forwardOut(
    _sa: string,
    _sp: number,
    addr: string,
    port: number,
    cb: (e: Error | undefined, s: PassThrough) => void,
  ) {
    this.forwards.push(`${addr}:${port}`);
    setImmediate(() => cb(undefined, new PassThrough()));
  }
  end() {
    this.ended = true;
    setImmediate(() => this.emit('close'));
  }
  destroy() {
    this.end();
  }
}

const hop = (port: number): JumpHost => ({
  address: '127.0.0.1',
  port,
  user: 'ops',
  identityFiles: [],
});

function fakePool(max = 8) {
  const opened: Array<{ hop: JumpHost; ctx: HopContext; client: FakeClient }> = [];
  const pool = new JumpPool(
    async (h, ctx) => {
      const client = new FakeClient(`${h.address}:${h.port}`);
      opened.push({ hop: h, ctx, client });
      return client as unknown as Client;
    },
    { maxConcurrentPerJump: max },
  );
  return { pool, opened };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('JumpPool', () => {
  it('opens one connection per jump host for many targets and closes it after the last release', async () => {
    const { pool, opened } = fakePool();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        pool.through(
          `h${i}`,
          [hop(22)],
          'root',
          '10.0.0.' + i,
          22,
          ['kh'],
          undefined,
          async () => i,
        ),
      ),
    );
    expect(opened).toHaveLength(1);
    expect(opened[0]?.ctx.knownHostsFiles).toEqual(['kh']);
    expect(opened[0]?.client.forwards).toHaveLength(5);
    expect(pool.openCount).toBe(1);
    for (const r of results.slice(0, 4)) r.release();
    results[0]?.release(); // a second release of the same target is ignored
    await tick();
    expect(opened[0]?.client.ended).toBe(false);
    results[4]?.release();
    await tick();
    expect(opened[0]?.client.ended).toBe(true);
    expect(pool.openCount).toBe(0);
  });

  it('caps concurrent setups through one jump host', async () => {
    const { pool } = fakePool(3);
    let inFlight = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const all = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        pool.through(`h${i}`, [hop(22)], 'root', 'target', 22, [], undefined, async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise<void>((r) => gates.push(r));
          inFlight--;
        }),
      ),
    );
    for (let round = 0; round < 20; round++) {
      await tick();
      await tick();
      gates.splice(0).forEach((g) => g());
    }
    const done = await all;
    expect(done).toHaveLength(10);
    expect(peak).toBe(3);
  });

  it('opens a chain hop by hop, the inner hop through the outer one, sharing the outer', async () => {
    const { pool, opened } = fakePool();
    const a = await pool.through(
      't1',
      [hop(22), hop(2222)],
      'root',
      'x',
      22,
      [],
      undefined,
      async () => 1,
    );
    const b = await pool.through('t2', [hop(22)], 'root', 'y', 22, [], undefined, async () => 2);
    expect(opened.map((o) => o.hop.port)).toEqual([22, 2222]);
    expect(opened[1]?.ctx.sock).toBeDefined();
    expect(opened[1]?.ctx.via).toBe(' via ops@127.0.0.1:22');
    expect(opened[0]?.client.forwards).toEqual(['127.0.0.1:2222', 'y:22']);
    a.release();
    await tick();
    expect(opened[1]?.client.ended).toBe(true);
    expect(opened[0]?.client.ended).toBe(false);
    b.release();
    await tick();
    expect(opened[0]?.client.ended).toBe(true);
  });

  it('releases its hold when the target setup fails', async () => {
    const { pool, opened } = fakePool();
    await expect(
      pool.through('t', [hop(22)], 'root', 'x', 22, [], undefined, async () => {
        throw new Error('auth');
      }),
    ).rejects.toThrow('auth');
    await tick();
    expect(opened[0]?.client.ended).toBe(true);
    expect(pool.openCount).toBe(0);
  });

  it('opens a fresh jump connection after the old one died', async () => {
    const { pool, opened } = fakePool();
    const a = await pool.through('t', [hop(22)], 'root', 'x', 22, [], undefined, async () => 1);
    opened[0]?.client.emit('close');
    await pool.through('t2', [hop(22)], 'root', 'x', 22, [], undefined, async () => 2);
    expect(opened).toHaveLength(2);
    a.release();
  });
});
