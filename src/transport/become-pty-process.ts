/**
 * One command through su/doas with a password (become-pty.ts has the design), seen as ONE
 * RawProcess: its stdin, stdout and stderr are the data channel's, its exit status is the
 * command's, so exec/spawn (collect/stream) apply their timeout, abort and output caps unchanged.
 * Authentication is bounded on its own too (authTimeoutMs), so a silent su never hangs a command
 * given no timeout. After any failure the directory is removed (the wrapper's traps, then a
 * `rm -rf` exec of ours).
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  ptyBecomeCommands,
  ptyFailureMessage,
  PtyScanner,
  type PtyEvent,
  type PtyMethod,
} from './become-pty.js';
import { collect, type RawProcess } from './process-io.js';
import { withRemoteTimeout } from './remote-timeout.js';
import { TransportError } from './types.js';

export interface PtyHost {
  host: string;
  /** A plain exec channel (no terminal). */
  start(command: string): Promise<RawProcess>;
  /** An exec channel on a pseudo-terminal. */
  startPty(command: string): Promise<RawProcess>;
}

export interface PtyRequest {
  method: PtyMethod;
  becomeUser: string;
  password: string;
  /** The fixed command, already under the remote timeout. */
  command: string;
  /** The caller's timeout: also bounds the data channel on the host. */
  timeoutMs?: number;
  /** Bound on reaching `ok` (the prompt answered and accepted). */
  authTimeoutMs: number;
  /** Start only once this settles (the previous such command of the connection is done). */
  after?: Promise<void>;
}

/** Default bound on authentication when the command has no shorter timeout. */
export const AUTH_TIMEOUT_MS = 30_000;

/** Resolves when a stream the caller reads has ended (at once when nobody reads it). */
function drained(s: Readable): Promise<void> {
  if (s.readableEnded || s.destroyed || s.readableFlowing !== true) return Promise.resolve();
  return new Promise((res) => {
    s.once('end', res);
    s.once('close', res);
  });
}

export function ptyBecomeProcess(on: PtyHost, req: PtyRequest): RawProcess {
  const { host } = on;
  const cmds = ptyBecomeCommands({
    method: req.method,
    becomeUser: req.becomeUser,
    command: req.command,
    nonce: randomBytes(16).toString('hex'),
  });
  const scanner = new PtyScanner(cmds.marker);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pty: RawProcess | undefined;
  let data: RawProcess | undefined;
  let settled = false;
  let stopped = false;
  let passwordSent = false;
  let authenticated = false;
  let rc: number | undefined;
  let ptyStderr = '';
  let dataStart: Promise<void> | undefined;
  let resolveExit: (r: { code: number | null; signal?: string }) => void = () => undefined;
  let rejectExit: (e: Error) => void = () => undefined;
  const exit = new Promise<{ code: number | null; signal?: string }>((res, rej) => {
    resolveExit = res;
    rejectExit = rej;
  });
  exit.catch(() => undefined);

  const cleanupRemote = () => {
    // best effort, bounded; the wrapper's traps have normally removed the directory already
    void on
      .start(cmds.cleanup)
      .then((p) => collect(p, { host, command: cmds.cleanup, timeoutMs: 10_000 }))
      .catch(() => undefined);
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(authTimer);
    pty?.kill();
    if (data) {
      data.stdout.unpipe(stdout);
      data.stderr.unpipe(stderr);
      data.kill();
    }
    for (const s of [stdout, stderr]) if (!s.writableEnded) s.end();
    cleanupRemote();
  };
  const fail = (e: Error) => {
    if (settled) return;
    settled = true;
    stop();
    rejectExit(e);
  };
  const becomeError = (exitCode: number | null) =>
    new TransportError(
      'become',
      host,
      ptyFailureMessage({
        host,
        method: req.method,
        becomeUser: req.becomeUser,
        transcript: [...scanner.transcript(), ...ptyStderr.split('\n').filter((l) => l.trim())],
        passwordSent,
        secret: req.password,
        exit: exitCode,
      }),
    );
  let authTimer: NodeJS.Timeout | undefined;
  const armAuthTimer = () =>
    setTimeout(
      () =>
        fail(
          new TransportError(
            'timeout',
            host,
            `${host}: ${req.method} did not ${passwordSent ? 'accept or refuse the password' : 'ask for the password'} within ${req.authTimeoutMs} ms (killed)`,
          ),
        ),
      req.authTimeoutMs,
    );

  const startData = async () => {
    const p = await on.start(withRemoteTimeout(cmds.data, req.timeoutMs));
    if (stopped) {
      p.kill();
      return;
    }
    data = p;
    p.stdin.on('error', () => undefined);
    stdin.pipe(p.stdin);
    p.stdout.pipe(stdout);
    p.stderr.pipe(stderr);
  };

  const onEvent = (ev: PtyEvent, p: RawProcess) => {
    if (ev.type === 'ready') {
      dataStart ??= startData().catch((e: unknown) =>
        fail(e instanceof Error ? e : new Error(String(e))),
      );
    } else if (ev.type === 'prompt') {
      if (passwordSent) {
        // never a second time: a second prompt means the first answer was not taken
        fail(becomeError(null));
        return;
      }
      passwordSent = true;
      p.stdin.write(`${req.password}\n`);
    } else if (ev.type === 'ok') {
      authenticated = true;
      clearTimeout(authTimer);
    } else {
      rc = ev.code;
    }
  };

  const run = async () => {
    await req.after;
    if (stopped) return;
    authTimer = armAuthTimer();
    const p = await on.startPty(cmds.wrapper);
    if (stopped) {
      p.kill();
      return;
    }
    pty = p;
    p.stdin.on('error', () => undefined);
    p.stdout.on('data', (c: Buffer) => {
      for (const ev of scanner.feed(c.toString('utf8'))) if (!settled) onEvent(ev, p);
    });
    p.stderr.on('data', (c: Buffer) => {
      ptyStderr = (ptyStderr + c.toString('utf8')).slice(-2048);
    });
    const ptyExit = await p.exit;
    if (settled) return;
    if (!authenticated) {
      fail(becomeError(ptyExit.code));
      return;
    }
    await dataStart;
    const dataExit = data ? await data.exit : undefined;
    await Promise.all([drained(stdout), drained(stderr)]);
    if (settled) return;
    settled = true;
    clearTimeout(authTimer);
    if (rc !== undefined) resolveExit({ code: rc });
    else if (dataExit && ptyExit.code === null) resolveExit({ code: null });
    else resolveExit({ code: ptyExit.code, ...(ptyExit.signal ? { signal: ptyExit.signal } : {}) });
  };
  run().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));

  return {
    stdin,
    stdout,
    stderr,
    exit,
    kill: () => {
      if (settled) return;
      settled = true;
      stop();
      resolveExit({ code: null });
    },
  };
}
