/**
 * One ControlMaster per host, as Ansible's ssh plugin keeps one — but in the foreground: `ssh -N`
 * with ControlMaster=yes and ControlPersist=no authenticates and binds its socket in the run's
 * private directory, and stays our child. The socket appearing is the sign it is ready; its exit
 * status and stderr before that say why a host was not reached. Being our child, its pid is
 * known and one signal to its process group ends it (and any ProxyCommand it started): no
 * `ssh -O check` to learn the pid of a master that forked away, no `ssh -O exit` to end it — two
 * process starts (each an OpenSSL initialisation) fewer per host. Where util-linux `setpriv` is
 * installed the master also gets a parent-death signal, so a sysfleet killed with SIGKILL leaves
 * no connection behind (a backgrounded master would have lived on for its ControlPersist).
 */
import { watch, existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { OpenSshTarget } from '../../connection/types.js';
import { killGroup } from '../process-io.js';
import { TransportError } from '../types.js';
import { endpointOf, masterArgv, type SshSettings } from './argv.js';
import { classifySshFailure } from './classify.js';
import { spawnSsh } from './run-ssh.js';

export interface Master {
  controlPath: string;
  /** What ssh said while connecting (warnings such as "Permanently added ..."). */
  stderr: string;
  /** Settles when the master process has exited. */
  exited: Promise<void>;
  /** Signal its process group (ssh and a ProxyCommand it started), unless it has exited. */
  signal(sig: NodeJS.Signals): void;
}

/** Grace for ssh beyond its own ConnectTimeout (process start, auth round trips). */
const MASTER_GRACE_MS = 5_000;
/** How long a master has to end on SIGTERM before its group gets SIGKILL. */
const STOP_GRACE_MS = 2_000;
/** What is kept of a master's stderr (warnings before it was ready; nothing after). */
const STDERR_CAP = 64 * 1024;

export async function startMaster(
  host: string,
  s: SshSettings,
  t: OpenSshTarget,
  controlPath: string,
  signal?: AbortSignal,
): Promise<Master> {
  const endpoint = endpointOf(t);
  const child = spawnSsh(masterArgv(s, t, controlPath), s.agentSocket, { pdeathsig: true });
  child.stdin.on('error', () => undefined);
  child.stdin.end();
  const err: Buffer[] = [];
  let errBytes = 0;
  let ready = false;
  child.stderr.on('data', (c: Buffer) => {
    if (ready || errBytes >= STDERR_CAP) return;
    err.push(c);
    errBytes += c.length;
  });
  child.stdout.resume();
  let exitedFlag = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedFlag = true;
      resolve();
    });
    child.once('error', () => {
      exitedFlag = true;
      resolve();
    });
  });
  const limitMs = s.connectTimeoutMs + MASTER_GRACE_MS;
  const result = await new Promise<{ ok: true } | { code: number | null; why?: string }>(
    (resolve) => {
      let watcher: ReturnType<typeof watch> | undefined;
      const done = (r: { ok: true } | { code: number | null; why?: string }) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        watcher?.close();
        resolve(r);
      };
      const stop = (why: 'timeout' | 'abort') => {
        killGroup(child, 'SIGKILL'); // ssh and what it started (a ProxyCommand)
        done({ code: null, why });
      };
      const timer = setTimeout(() => stop('timeout'), limitMs);
      const onAbort = () => stop('abort');
      signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (e) => done({ code: null, why: `cannot run ssh: ${e.message}` }));
      child.once('exit', (code) => done({ code }));
      // ssh binds `<path>.<random>` and renames it to the path once authenticated.
      const name = basename(controlPath);
      try {
        watcher = watch(dirname(controlPath), (_event, file) => {
          if ((file === null || file === name) && existsSync(controlPath)) done({ ok: true });
        });
      } catch (e) {
        killGroup(child, 'SIGKILL');
        done({ code: null, why: `cannot watch ${dirname(controlPath)}: ${(e as Error).message}` });
        return;
      }
      if (existsSync(controlPath)) done({ ok: true });
    },
  );
  const stderr = Buffer.concat(err).toString('utf8');
  ready = true;
  const master: Master = {
    controlPath,
    stderr,
    exited,
    signal: (sig) => {
      if (!exitedFlag) killGroup(child, sig);
    },
  };
  if ('ok' in result) return master;
  if (result.why === 'abort') {
    const r: unknown = signal?.reason;
    throw r instanceof Error ? r : new TransportError('timeout', host, `${host}: aborted`);
  }
  if (result.why === 'timeout')
    throw new TransportError(
      'timeout',
      host,
      `${host}: ssh to ${endpoint} did not connect within ${limitMs} ms (killed)`,
    );
  if (result.why) throw new TransportError('protocol', host, `${host}: ${result.why}`);
  if (result.code === 0)
    throw new TransportError(
      'protocol',
      host,
      `${host}: ssh to ${endpoint} ended before its control socket was ready${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
    );
  throw classifySshFailure(host, endpoint, result.code, stderr);
}

/** SIGTERM (ssh closes the connection and removes its socket), SIGKILL if it is still there. */
export async function stopMaster(m: Master): Promise<void> {
  m.signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    m.exited,
    new Promise<void>((r) => {
      timer = setTimeout(r, STOP_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  m.signal('SIGKILL');
}

/** For process exit: end a master still running (our child: its group, by pid). */
export function killMasterSync(m: Master): void {
  m.signal('SIGKILL');
}
