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
import { readFileSync, writeFileSync } from 'node:fs';
import { Client } from 'ssh2';
import type { CommandPhases, HostTimings } from '../report/timings.js';

const tLoaded = performance.now();

export interface FloorConfig {
  ports: number[];
  keyPath: string;
  knownHostsPath: string;
  user: string;
  command: string;
  /** Sent on the command's stdin, then EOF. */
  stdin?: string;
  timeoutMs: number;
  /** Write the floor's own timings here (`npm run bench -- timings`), in report/timings.ts's terms. */
  timingsPath?: string;
}

/** What the floor measured, for the side-by-side account. */
export interface FloorTimings {
  command: CommandPhases;
  hosts: { host: string; timings: HostTimings }[];
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
  origin: number,
): Promise<HostTimings> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const t0 = performance.now();
    let tcp = t0;
    let kex = t0;
    let kexName = '';
    let ready = t0;
    let received = 0;
    client.once('connect', () => (tcp = performance.now()));
    client.once('handshake', (n: { kex: string }) => {
      kex = performance.now();
      kexName = n.kex;
    });
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
      ready = performance.now();
      client.exec(cfg.command, (err, stream) => {
        if (err) return fail(err);
        stream.on('data', (d: Buffer) => (received += d.length));
        stream.stderr.on('data', (d: Buffer) => (received += d.length));
        stream.on('close', (code: number | null) => {
          clearTimeout(timer);
          client.end();
          const end = performance.now();
          if (code === 0)
            resolve({
              startMs: t0 - origin,
              endMs: end - origin,
              connectMs: ready - t0,
              setup: { tcpMs: tcp - t0, kexMs: kex - tcp, authMs: ready - kex, kex: kexName },
              execMs: end - ready,
              bytesSent: Buffer.byteLength(cfg.command) + Buffer.byteLength(cfg.stdin ?? ''),
              bytesReceived: received,
              parseMs: 0,
              planMs: 0,
            });
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
  const tStart = performance.now();
  const results = await Promise.allSettled(
    cfg.ports.map((p) => runOne(cfg, key, known.get(p), p, tStart)),
  );
  const tEnd = performance.now();
  if (cfg.timingsPath) {
    const boot = performance.nodeTiming.bootstrapComplete;
    const out: FloorTimings = {
      command: {
        nodeStartMs: boot,
        moduleLoadMs: tLoaded - boot,
        loadMs: tStart - tLoaded,
        startRunMs: 0,
        hostsMs: tEnd - tStart,
        closeMs: 0,
        reportMs: 0,
        totalMs: tEnd,
      },
      hosts: results.flatMap((r, i) =>
        r.status === 'fulfilled' ? [{ host: String(cfg.ports[i]), timings: r.value }] : [],
      ),
    };
    writeFileSync(cfg.timingsPath, JSON.stringify(out));
  }
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  process.stdout.write(`ok ${results.length - failed.length} failed ${failed.length}\n`);
  for (const f of failed.slice(0, 5)) process.stderr.write(`${String(f.reason)}\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

await main();
