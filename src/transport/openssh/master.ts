/**
 * One ControlMaster per host, as Ansible's ssh plugin keeps one: `ssh -N` with ControlMaster=yes
 * and ControlPersist authenticates, puts its socket in the run's private directory and goes to
 * the background; its exit status and stderr up to then say whether (and why not) the host was
 * reached. `ssh -O check` names its pid, so the end of the run can end it by `-O exit` and, if it
 * lingers, by that pid (after checking /proc/PID/cmdline is still that master).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenSshTarget } from '../../connection/types.js';
import { killGroup } from '../process-io.js';
import { TransportError } from '../types.js';
import { controlArgv, masterArgv, parseMasterPid, type SshSettings } from './argv.js';
import { classifySshFailure } from './classify.js';
import { runSsh, spawnSsh } from './run-ssh.js';

export interface Master {
  controlPath: string;
  pid?: number;
  /** What ssh said while connecting (warnings such as "Permanently added ..."). */
  stderr: string;
}

/** Grace for ssh beyond its own ConnectTimeout (process start, auth round trips). */
const MASTER_GRACE_MS = 5_000;
const CONTROL_TIMEOUT_MS = 5_000;

export async function startMaster(
  host: string,
  s: SshSettings,
  t: OpenSshTarget,
  controlPath: string,
  signal?: AbortSignal,
): Promise<Master> {
  const endpoint = `${t.destination}${t.port !== undefined ? `:${t.port}` : ''}`;
  const child = spawnSsh(masterArgv(s, t, controlPath), s.agentSocket);
  child.stdin.on('error', () => undefined);
  child.stdin.end();
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdout.resume();
  const limitMs = s.connectTimeoutMs + MASTER_GRACE_MS;
  const result = await new Promise<{ code: number | null; why?: 'timeout' | 'abort' | string }>(
    (resolve) => {
      const stop = (why: 'timeout' | 'abort') => {
        killGroup(child); // ssh and what it started (a ProxyCommand)
        resolve({ code: null, why });
      };
      const timer = setTimeout(() => stop('timeout'), limitMs);
      const onAbort = () => stop('abort');
      signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (e) => {
        clearTimeout(timer);
        resolve({ code: null, why: `cannot run ssh: ${e.message}` });
      });
      // 'exit', not 'close': the backgrounded master may hold inherited pipes a little longer.
      child.once('exit', (code) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve({ code });
      });
    },
  );
  const stderr = Buffer.concat(err).toString('utf8');
  if (result.why === 'abort') {
    const r: unknown = signal?.reason;
    throw r instanceof Error ? r : new TransportError('timeout', host, `${host}: aborted`);
  }
  if (result.why === 'timeout') {
    await stopMaster(s, t, { controlPath, stderr });
    throw new TransportError(
      'timeout',
      host,
      `${host}: ssh to ${endpoint} did not connect within ${limitMs} ms (killed)`,
    );
  }
  if (result.why) throw new TransportError('protocol', host, `${host}: ${result.why}`);
  if (result.code !== 0) throw classifySshFailure(host, endpoint, result.code, stderr);
  const check = await runSsh(
    controlArgv(s, t, controlPath, 'check'),
    s.agentSocket,
    CONTROL_TIMEOUT_MS,
  );
  const pid = parseMasterPid(check.stderr);
  return { controlPath, stderr, ...(pid !== undefined ? { pid } : {}) };
}

function isMaster(pid: number, controlPath: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`ControlPath=${controlPath}`);
  } catch {
    return false;
  }
}

/** `-O exit`, then wait (bounded) for the pid to go; SIGKILL it if it is still that master. */
export async function stopMaster(s: SshSettings, t: OpenSshTarget, m: Master): Promise<void> {
  await runSsh(controlArgv(s, t, m.controlPath, 'exit'), s.agentSocket, CONTROL_TIMEOUT_MS);
  if (m.pid === undefined) return;
  for (let i = 0; i < 40 && isMaster(m.pid, m.controlPath); i++) await sleep(25);
  killMasterSync(m);
}

/** For process exit: end a master still running, by pid, only if it is that master. */
export function killMasterSync(m: Master): void {
  if (m.pid === undefined || !isMaster(m.pid, m.controlPath)) return;
  try {
    process.kill(m.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
