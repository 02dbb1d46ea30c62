/**
 * Makes TCP sockets in a given state inside a lab host's netns, self-contained (node: imports
 * only; `lab up` installs it as <labdir>/sockets.mjs). Run through `nsenter --net=<netns>`:
 *
 *   sockets.mjs tw <count>         TIME_WAIT: we close first, so our side waits ~60 s; then exits
 *   sockets.mjs closewait <count>  CLOSE_WAIT: the peer closed, we never do; prints `ready N`
 *                                  and holds them until killed (at most MAX_LIFETIME_MS)
 */
import net from 'node:net';

const MAX_LIFETIME_MS = 24 * 3600_000;

function listen(server: net.Server, opts: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function connectPairs(
  count: number,
  allowHalfOpen: boolean,
): Promise<{ clients: net.Socket[]; server: net.Server }> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    if (allowHalfOpen) s.end(() => s.destroy()); // we close first: the client side sits in CLOSE_WAIT
  });
  await listen(server, { host: '127.0.0.1', port: 0 });
  const { port } = server.address() as net.AddressInfo;
  const clients: net.Socket[] = [];
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const made = await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<net.Socket>((resolve, reject) => {
            const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen });
            c.resume();
            c.once('connect', () => resolve(c));
            c.once('error', reject);
          }),
      ),
    );
    clients.push(...made);
  }
  return { clients, server };
}

async function sockets(mode: string, count: number): Promise<void> {
  if (!Number.isInteger(count) || count < 1 || count > 20000) throw new Error('count 1..20000');
  if (mode === 'tw') {
    // We (the client side) close first, so our side ends in TIME_WAIT for 60 s.
    const { clients, server } = await connectPairs(count, false);
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.on('close', () => resolve());
            c.on('error', () => resolve());
            c.end();
          }),
      ),
    );
    server.close();
    process.stdout.write(`done ${clients.length}\n`);
    return;
  }
  if (mode === 'closewait') {
    const { clients } = await connectPairs(count, true);
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((resolve) => (c.readableEnded ? resolve() : c.once('end', resolve))),
      ),
    );
    process.stdout.write(`ready ${clients.length}\n`);
    const t = setTimeout(() => process.exit(0), MAX_LIFETIME_MS);
    void t;
    return;
  }
  throw new Error(`unknown sockets mode ${mode}`);
}

const [mode, count] = process.argv.slice(2);
sockets(mode ?? '', Number(count)).catch((err: unknown) => {
  process.stderr.write(`sockets: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
