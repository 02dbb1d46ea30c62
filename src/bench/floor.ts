/**
 * The floor: the least a Node program can do for the same fleet-wide job — ssh2 alone, every
 * host connected at once (no pool), host key checked against the lab's known_hosts, one command
 * per host, nothing else (no facts, plan, snapshot, report). Run as its own process:
 *
 *   node dist/bench/floor.js CONFIG.json      (CONFIG: FloorConfig)
 *
 * Prints "ok N failed M" and exits 1 if any host failed, so the bench can tell a fast failure
 * from a fast success.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';

export interface FloorConfig {
  ports: number[];
  keyPath: string;
  knownHostsPath: string;
  user: string;
  command: string;
  /** Sent on the command's stdin, then EOF. */
  stdin?: string;
  timeoutMs: number;
}

/** `[127.0.0.1]:PORT type base64` lines → port → base64 key blob. */
function knownKeys(text: string): Map<number, string> {
  const keys = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\[127\.0\.0\.1\]:(\d+)\s+\S+\s+(\S+)/.exec(line);
    if (m) keys.set(Number(m[1]), m[2]!);
  }
  return keys;
}

function runOne(
  cfg: FloorConfig,
  key: Buffer,
  known: string | undefined,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const timer = setTimeout(() => {
      client.end();
      reject(new Error(`127.0.0.1:${port}: timeout`));
    }, cfg.timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      client.end();
      reject(err);
    };
    client.on('error', fail);
    client.on('ready', () => {
      client.exec(cfg.command, (err, stream) => {
        if (err) return fail(err);
        stream.on('data', () => undefined);
        stream.stderr.on('data', () => undefined);
        stream.on('close', (code: number | null) => {
          clearTimeout(timer);
          client.end();
          if (code === 0) resolve();
          else reject(new Error(`127.0.0.1:${port}: exit ${String(code)}`));
        });
        stream.end(cfg.stdin ?? '');
      });
    });
    client.connect({
      host: '127.0.0.1',
      port,
      username: cfg.user,
      privateKey: key,
      readyTimeout: cfg.timeoutMs,
      hostVerifier: (blob: Buffer) => known !== undefined && blob.toString('base64') === known,
    });
  });
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: floor.js CONFIG.json');
  const cfg = JSON.parse(readFileSync(path, 'utf8')) as FloorConfig;
  const key = readFileSync(cfg.keyPath);
  const known = knownKeys(readFileSync(cfg.knownHostsPath, 'utf8'));
  const results = await Promise.allSettled(cfg.ports.map((p) => runOne(cfg, key, known.get(p), p)));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  process.stdout.write(`ok ${results.length - failed.length} failed ${failed.length}\n`);
  for (const f of failed.slice(0, 5)) process.stderr.write(`${String(f.reason)}\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

await main();
