/**
 * The lab's long-lived helper processes, in one self-contained script (node: imports only) that
 * `lab up` copies into the lab dir as agent.mjs and starts detached:
 *
 *   agent.mjs supervisor <labdir>   in the machine's netns: per host, listens on 127.0.0.1:<port>
 *       and on <hostdir>/ssh.sock; each connection gets its own `sshd -i` started by nsenter
 *       inside the host's network and mount namespaces (OpenSSH inetd mode). Control channel:
 *       <labdir>/control.sock, one JSON request per line, one JSON reply per line.
 *   agent.mjs forward <labdir>      inside the bastion's netns: 127.0.0.1:<port of host i> there
 *       relays to <hostdir>/ssh.sock, so ProxyJump via the bastion stays on loopback.
 *
 * (TIME_WAIT/CLOSE_WAIT sockets are made by sockets-agent.ts, installed beside it.)
 * Every process exits by itself when its lab dir disappears or after MAX_LIFETIME_MS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const MAX_LIFETIME_MS = 24 * 3600_000;
const NSENTER = '/usr/bin/nsenter';
const SSHD = '/usr/sbin/sshd';

interface AgentHost {
  name: string;
  netnsPath: string;
  mntnsPath: string;
  sockPath: string;
  behindBastion: boolean;
}
interface AgentConfig {
  hosts: AgentHost[];
  portCandidates: number[];
}
interface HostRuntime {
  host: AgentHost;
  port: number;
  tcp?: net.Server;
  unix?: net.Server;
  mode: 'up' | 'stopped';
  blackhole: boolean;
  latencyMs: number;
  /** Connections beyond this many live sshd are closed at once (0 = no limit): MaxStartups-like. */
  maxConnections: number;
  held: Set<net.Socket>;
  children: Set<ChildProcess>;
}

const log = (msg: string): void => {
  process.stderr.write(`${new Date().toISOString()} [${process.pid}] ${msg}\n`);
};

function exitWhenGone(labDir: string, onExit: () => void): void {
  const started = Date.now();
  const t = setInterval(() => {
    if (!existsSync(join(labDir, 'lab.json')) || Date.now() - started > MAX_LIFETIME_MS) {
      log('lab dir gone or lifetime over: exiting');
      onExit();
      process.exit(0);
    }
  }, 2000);
  t.unref();
}

function writeJsonAtomic(path: string, data: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(data));
  renameSync(`${path}.tmp`, path);
}

function listen(server: net.Server, opts: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(opts, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function delayedPipe(
  from: net.Socket | NodeJS.ReadableStream,
  to: NodeJS.WritableStream,
  ms: number,
): void {
  from.on('data', (chunk: Buffer) => {
    setTimeout(() => to.write(chunk), ms);
  });
  from.on('end', () => setTimeout(() => to.end(), ms));
}

function serve(rt: HostRuntime, socket: net.Socket, logFd: number): void {
  socket.on('error', () => undefined);
  if (rt.blackhole) {
    rt.held.add(socket);
    socket.on('close', () => rt.held.delete(socket));
    socket.resume();
    return;
  }
  if (rt.maxConnections > 0 && rt.children.size >= rt.maxConnections) {
    socket.destroy(); // like sshd past MaxStartups: accepted, then closed before the banner
    return;
  }
  const argv = [
    `--net=${rt.host.netnsPath}`,
    `--mount=${rt.host.mntnsPath}`,
    '--',
    SSHD,
    '-i',
    '-e',
    '-f',
    '/etc/ssh/sshd_config',
  ];
  if (rt.latencyMs > 0) {
    const child = spawn(NSENTER, argv, { stdio: ['pipe', 'pipe', logFd], detached: true });
    rt.children.add(child);
    child.on('error', (err) => {
      log(`${rt.host.name}: spawn failed: ${err.message}`);
      socket.destroy();
    });
    child.on('exit', () => {
      rt.children.delete(child);
      setTimeout(() => socket.end(), rt.latencyMs);
    });
    const { stdin, stdout } = child;
    if (!stdin || !stdout) return;
    stdin.on('error', () => undefined);
    delayedPipe(socket, stdin, rt.latencyMs);
    delayedPipe(stdout, socket, rt.latencyMs);
    socket.on('close', () => stdin.destroy());
    socket.resume();
    return;
  }
  // OpenSSH inetd mode: the accepted socket itself becomes sshd's stdin and stdout.
  const child = spawn(NSENTER, argv, { stdio: [socket, socket, logFd], detached: true });
  rt.children.add(child);
  child.on('exit', () => rt.children.delete(child));
  child.on('error', (err) => log(`${rt.host.name}: spawn failed: ${err.message}`));
  socket.destroy(); // our copy; the child holds its own
}

async function openTcp(rt: HostRuntime, logFd: number): Promise<void> {
  const server = net.createServer({ pauseOnConnect: true }, (s) => serve(rt, s, logFd));
  await listen(server, { host: '127.0.0.1', port: rt.port, exclusive: true });
  rt.tcp = server;
}

async function bindFirstFree(
  rt: HostRuntime,
  candidates: number[],
  taken: Set<number>,
  logFd: number,
): Promise<void> {
  for (const port of candidates) {
    if (taken.has(port)) continue;
    taken.add(port);
    rt.port = port;
    try {
      await openTcp(rt, logFd);
      return;
    } catch {
      // in use by someone else: next candidate
    }
  }
  throw new Error(`no free port for ${rt.host.name}`);
}

function killChildren(rt: HostRuntime): void {
  for (const child of rt.children) {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

type Request = { op: string; host?: string; on?: boolean; ms?: number; n?: number };

async function control(
  req: Request,
  hosts: Map<string, HostRuntime>,
  logFd: number,
): Promise<Record<string, unknown>> {
  if (req.op === 'status') {
    return {
      ok: true,
      pid: process.pid,
      hosts: [...hosts.values()].map((rt) => ({
        name: rt.host.name,
        port: rt.port,
        mode: rt.mode,
        blackhole: rt.blackhole,
        latencyMs: rt.latencyMs,
        maxConnections: rt.maxConnections,
        sessions: rt.children.size,
      })),
    };
  }
  const rt = req.host === undefined ? undefined : hosts.get(req.host);
  if (!rt) return { ok: false, error: `unknown host ${String(req.host)}` };
  switch (req.op) {
    case 'stop':
      if (rt.mode === 'up') {
        rt.mode = 'stopped';
        await new Promise<void>((r) => (rt.tcp ? rt.tcp.close(() => r()) : r()));
        rt.tcp = undefined;
        killChildren(rt);
        for (const s of rt.held) s.destroy();
      }
      return { ok: true };
    case 'start':
      if (rt.mode === 'stopped') {
        if (!rt.host.behindBastion) await openTcp(rt, logFd);
        rt.mode = 'up';
      }
      return { ok: true };
    case 'blackhole':
      rt.blackhole = req.on !== false;
      if (!rt.blackhole) for (const s of rt.held) s.destroy();
      return { ok: true };
    case 'latency':
      rt.latencyMs = Math.max(0, Math.min(60_000, Number(req.ms) || 0));
      return { ok: true };
    case 'maxconn':
      rt.maxConnections = Math.max(0, Math.floor(Number(req.n) || 0));
      return { ok: true };
    default:
      return { ok: false, error: `unknown op ${req.op}` };
  }
}

/** A control channel: one JSON request per line in, one JSON reply per line out. */
async function serveControl(
  path: string,
  handle: (req: Request) => Promise<Record<string, unknown>>,
): Promise<void> {
  rmSync(path, { force: true });
  const ctl = net.createServer((conn) => {
    let buf = '';
    conn.on('error', () => undefined);
    conn.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let req: Request;
        try {
          req = JSON.parse(line) as Request;
        } catch {
          conn.write(JSON.stringify({ ok: false, error: 'bad json' }) + '\n');
          continue;
        }
        handle(req).then(
          (res) => conn.write(JSON.stringify(res) + '\n'),
          (err: Error) => conn.write(JSON.stringify({ ok: false, error: err.message }) + '\n'),
        );
      }
    });
  });
  await listen(ctl, { path });
}

async function supervisor(labDir: string): Promise<void> {
  const config = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as AgentConfig;
  const logFd = openSync(join(labDir, 'sshd.log'), 'a');
  const hosts = new Map<string, HostRuntime>();
  const taken = new Set<number>();
  for (const host of config.hosts) {
    const rt: HostRuntime = {
      host,
      port: 0,
      mode: 'up',
      blackhole: false,
      latencyMs: 0,
      maxConnections: 0,
      held: new Set(),
      children: new Set(),
    };
    hosts.set(host.name, rt);
    if (!host.behindBastion) await bindFirstFree(rt, config.portCandidates, taken, logFd);
    rmSync(host.sockPath, { force: true });
    const unix = net.createServer({ pauseOnConnect: true }, (s) => {
      if (rt.mode === 'up') serve(rt, s, logFd);
      else s.destroy();
    });
    await listen(unix, { path: host.sockPath });
    rt.unix = unix;
  }
  // Hosts behind the bastion get a port number that only means something inside the bastion's
  // netns (the forwarder listens on it there); nothing listens on it in the machine's namespace.
  for (const rt of hosts.values()) {
    if (!rt.host.behindBastion) continue;
    const port = config.portCandidates.find((p) => !taken.has(p));
    if (port === undefined) throw new Error(`no port left for ${rt.host.name}`);
    taken.add(port);
    rt.port = port;
  }
  await serveControl(join(labDir, 'control.sock'), (req) => control(req, hosts, logFd));
  const shutdown = (): void => {
    for (const rt of hosts.values()) killChildren(rt);
  };
  process.on('SIGTERM', () => {
    shutdown();
    process.exit(0);
  });
  exitWhenGone(labDir, shutdown);
  writeJsonAtomic(join(labDir, 'ports.json'), {
    pid: process.pid,
    ports: Object.fromEntries([...hosts.values()].map((rt) => [rt.host.name, rt.port])),
  });
  log(`supervisor ready: ${hosts.size} hosts`);
}

/**
 * Inside the bastion's netns: 127.0.0.1:<port> per host behind it, relayed to the host's Unix
 * socket. Its own control channel (<labdir>/forwarder.sock) closes and reopens a host's port, so
 * a stopped host is refused there too (ssh -W / direct-tcpip sees "Connection refused").
 */
async function forwarder(labDir: string): Promise<void> {
  const config = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as AgentConfig;
  const { ports } = JSON.parse(readFileSync(join(labDir, 'ports.json'), 'utf8')) as {
    ports: Record<string, number>;
  };
  const servers = new Map<string, net.Server>();
  const open = async (host: AgentHost): Promise<void> => {
    const server = net.createServer((client) => {
      const upstream = net.connect({ path: host.sockPath });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await listen(server, { host: '127.0.0.1', port: ports[host.name] ?? 0 });
    servers.set(host.name, server);
  };
  const behind = config.hosts.filter((h) => h.behindBastion);
  for (const host of behind) await open(host);
  await serveControl(join(labDir, 'forwarder.sock'), async (req) => {
    const host = behind.find((h) => h.name === req.host);
    if (!host) return { ok: false, error: `unknown host ${String(req.host)}` };
    const server = servers.get(host.name);
    if (req.op === 'stop' && server) {
      servers.delete(host.name);
      await new Promise<void>((r) => server.close(() => r()));
    } else if (req.op === 'start' && !server) {
      await open(host);
    } else if (req.op !== 'stop' && req.op !== 'start') {
      return { ok: false, error: `unknown op ${req.op}` };
    }
    return { ok: true };
  });
  exitWhenGone(labDir, () => undefined);
  writeJsonAtomic(join(labDir, 'forwarder.json'), { pid: process.pid });
  log('forwarder ready');
}

async function main(argv: string[]): Promise<void> {
  const [cmd, a] = argv;
  if (cmd === 'supervisor' || cmd === 'forward') {
    // A test fixture that dies takes the whole lab with it: log a stray error and keep serving.
    process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err.message}`));
  }
  if (cmd === 'supervisor' && a) return supervisor(a);
  if (cmd === 'forward' && a) return forwarder(a);
  throw new Error('usage: agent supervisor|forward <labdir>');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  log(`fatal: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
