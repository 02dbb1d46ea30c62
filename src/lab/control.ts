/** Client of the supervisor's control channel: one JSON request line, one JSON reply line. */
import net from 'node:net';

export interface ControlRequest {
  op: 'status' | 'stop' | 'start' | 'blackhole' | 'latency' | 'maxconn';
  host?: string;
  on?: boolean;
  ms?: number;
  n?: number;
}

export function control(
  socketPath: string,
  req: ControlRequest,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const conn = net.connect({ path: socketPath });
    let buf = '';
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`lab supervisor did not answer ${req.op} within ${timeoutMs} ms`));
    }, timeoutMs);
    conn.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`lab supervisor unreachable at ${socketPath}: ${err.message}`));
    });
    conn.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      conn.end();
      const res = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      if (res['ok'] !== true) reject(new Error(`lab supervisor: ${String(res['error'])}`));
      else resolve(res);
    });
    conn.write(JSON.stringify(req) + '\n');
  });
}
