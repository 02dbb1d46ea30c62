/**
 * ProxyCommand for the ssh2 transport, as ssh runs it (sshconnect.c ssh_proxy_connect): the
 * command line (already `exec ...` with its tokens expanded, see src/connection) runs under
 * `$SHELL -c` (else /bin/sh), its stdin/stdout are the SSH byte stream, and it is ended by its
 * PID (SIGHUP, as ssh does; SIGKILL if it lingers) when the connection closes. Its stderr is
 * kept (last 4 KiB) for the error message instead of reaching the terminal under the TUI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';

const STDERR_TAIL = 4096;
/** After SIGHUP, how long the command may take to exit before SIGKILL. */
const KILL_GRACE_MS = 2_000;

export interface ProxyProcess {
  /** The SSH byte stream (the command's stdout / stdin). */
  sock: Duplex;
  pid: number | undefined;
  /** What the command wrote on stderr (tail), and how it ended, for messages. */
  describe(): string;
  /** End it by PID (idempotent). */
  kill(): void;
  /** Settles when the command has exited. */
  exited: Promise<void>;
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export function spawnProxyCommand(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): ProxyProcess {
  const shell = env['SHELL'] || '/bin/sh';
  const child: ChildProcess = spawn(shell, ['-c', command], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  let ended: string | undefined;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_TAIL);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('error', (e) => {
      ended = `could not start: ${e.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      ended = signal ? `killed by ${signal}` : `exited with ${code}`;
      resolve();
    });
  });
  const stdin = child.stdin!;
  const stdout = child.stdout!;
  // A broken pipe after the command died is reported through the SSH layer, not thrown here.
  stdin.on('error', () => undefined);
  stdout.on('error', () => undefined);
  const sock = Duplex.from({ readable: stdout, writable: stdin });
  sock.on('error', () => undefined);
  // The command gone (all its stdio closed) is the connection gone. Duplex.from closes only
  // when both sides have finished, and the write side of a dead command may never finish, so
  // ssh2 could wait for its handshake timeout instead of seeing the end.
  child.once('close', () => {
    if (!sock.destroyed) sock.destroy();
  });
  let killed = false;
  const kill = () => {
    if (killed || child.pid === undefined || ended !== undefined) return;
    killed = true;
    const pid = child.pid;
    signalPid(pid, 'SIGHUP');
    const t = setTimeout(() => {
      if (ended === undefined) signalPid(pid, 'SIGKILL');
    }, KILL_GRACE_MS);
    t.unref();
    void exited.then(() => clearTimeout(t));
  };
  return {
    sock,
    pid: child.pid,
    describe: () => {
      const err = stderr.trim().split('\n').slice(-3).join(' | ');
      return [ended ? `ProxyCommand ${ended}` : 'ProxyCommand running', err && `stderr: ${err}`]
        .filter(Boolean)
        .join('; ');
    },
    kill,
    exited,
  };
}
