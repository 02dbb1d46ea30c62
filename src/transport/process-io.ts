/**
 * One running command, local (child_process) or remote (ssh2 channel), seen the same way, and the
 * two ways the Connection API consumes it: collect (exec) or stream (spawn). Timeouts, abort and
 * output caps live here once.
 */
import type { Readable, Writable } from 'node:stream';
import { TransportError, type ExecResult, type RemoteProcess } from './types.js';

export interface RawProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the process has exited and its output streams have ended. */
  exit: Promise<{ code: number | null; signal?: string }>;
  /** Stop it now (close the channel / kill the child). Idempotent. */
  kill(): void;
}

import { Transform, type TransformCallback } from 'node:stream';

/**
 * Default cap on what one command may print, stdout and stderr each, counted as the bytes arrive
 * (collected or streamed): beyond it the command is killed and fails with "output exceeded ...".
 * A host cannot make the control node buffer more than this per command.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** "1 MiB", "512 KiB", "100 bytes": how a cap is named in messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function overflowError(host: string, name: string, max: number): TransportError {
  return new TransportError(
    'protocol',
    host,
    `${host}: output exceeded ${formatBytes(max)} (${name}; the command was killed)`,
  );
}

/**
 * Signal (SIGKILL unless told) a child started with `detached: true` and everything in its
 * process group (what a shell or ssh started: a ProxyCommand, a command's children); the child
 * alone if that fails.
 */
export function killGroup(
  child: { pid?: number | undefined; kill(signal: NodeJS.Signals): boolean },
  signal: NodeJS.Signals = 'SIGKILL',
): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

export interface RunIo {
  host: string;
  command: string;
  stdinPrefix?: Buffer;
  stdin?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  maxOutputBytes?: number;
}

function abortError(host: string, signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new TransportError('timeout', host, `${host}: aborted`);
}

/**
 * Arm the command's timeout and abort: either kills the process and hands `fail` the error.
 * Returns the disarm function.
 */
function guard(proc: RawProcess, io: RunIo, fail: (e: Error) => void): () => void {
  const { host } = io;
  let timer: NodeJS.Timeout | undefined;
  const stop = (e: Error) => {
    proc.kill();
    fail(e);
  };
  if (io.timeoutMs !== undefined && io.timeoutMs > 0) {
    timer = setTimeout(
      () =>
        stop(
          new TransportError(
            'timeout',
            host,
            `${host}: command did not finish within ${io.timeoutMs} ms (killed)`,
          ),
        ),
      io.timeoutMs,
    );
  }
  const onAbort = () => io.signal && stop(abortError(host, io.signal));
  io.signal?.addEventListener('abort', onAbort, { once: true });
  return () => {
    clearTimeout(timer);
    io.signal?.removeEventListener('abort', onAbort);
  };
}

/** Write the prefix and stdin, wait for exit, return collected output. */
export function collect(proc: RawProcess, io: RunIo): Promise<ExecResult> {
  const max = io.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise<ExecResult>((resolve, reject) => {
    if (io.signal?.aborted) {
      proc.kill();
      reject(abortError(io.host, io.signal));
      return;
    }
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      disarm();
      reject(e);
    };
    const disarm = guard(proc, io, fail);
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], sizes: { stdout: 0, stderr: 0 } };
    for (const name of ['stdout', 'stderr'] as const) {
      proc[name].on('data', (chunk: Buffer) => {
        if (settled) return; // killed or timed out: what still arrives is dropped
        out.sizes[name] += chunk.length;
        if (out.sizes[name] > max) {
          proc.kill();
          fail(overflowError(io.host, name, max));
          return;
        }
        out[name].push(chunk);
      });
    }
    // EPIPE when the command exits without reading all of stdin is the command's business.
    proc.stdin.on('error', () => undefined);
    if (io.stdinPrefix) proc.stdin.write(io.stdinPrefix);
    proc.stdin.end(io.stdin ?? Buffer.alloc(0));
    proc.exit.then(
      ({ code, signal }) => {
        if (settled) return;
        settled = true;
        disarm();
        resolve({
          stdout: Buffer.concat(out.stdout).toString('utf8'),
          stderr: Buffer.concat(out.stderr).toString('utf8'),
          code,
          ...(signal ? { signal } : {}),
        });
      },
      (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))),
    );
  });
}

/**
 * A pass-through that counts: past `max` bytes it calls `over` once and drops the rest, so the
 * consumer never holds more than `max` of the command's output.
 */
function capped(source: Readable, max: number, over: () => void): Readable {
  let seen = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      if (seen > max) return done();
      seen += chunk.length;
      if (seen > max) {
        over();
        return done();
      }
      done(null, chunk);
    },
  });
  source.on('error', (e) => t.destroy(e));
  return source.pipe(t);
}

/** Resolves when a stream the caller reads has ended (at once when nobody reads it). */
function drained(s: Readable): Promise<void> {
  if (s.readableEnded || s.destroyed || s.readableFlowing !== true) return Promise.resolve();
  return new Promise((res) => {
    s.once('end', res);
    s.once('close', res);
  });
}

/**
 * Hand the streams to the caller; timeout, abort and the output cap still kill it and reject
 * `done`. The caller reads the capped streams: never more than maxOutputBytes each.
 */
export function stream(proc: RawProcess, io: Omit<RunIo, 'stdin'>): RemoteProcess {
  let rejectDone: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectDone = reject;
  });
  let settled = false;
  const fail = (e: Error) => {
    if (settled) return;
    settled = true;
    disarm();
    rejectDone(e);
  };
  const disarm = guard(proc, io, fail);
  const max = io.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const over = (name: string) => () => {
    proc.kill();
    fail(overflowError(io.host, name, max));
  };
  const stdout = capped(proc.stdout, max, over('stdout'));
  const stderr = capped(proc.stderr, max, over('stderr'));
  if (io.signal?.aborted) {
    proc.kill();
    settled = true;
    rejectDone(abortError(io.host, io.signal));
  }
  proc.stdin.on('error', () => undefined);
  if (io.stdinPrefix) proc.stdin.write(io.stdinPrefix);
  // Settled once the process exited AND the caller has had every byte it is reading.
  const done = Promise.race([
    proc.exit.then(async (r) => {
      await Promise.all([drained(stdout), drained(stderr)]);
      settled = true;
      disarm();
      return r;
    }),
    failed,
  ]);
  done.catch(() => undefined); // the caller may only await it later
  return {
    stdin: proc.stdin,
    stdout,
    stderr,
    done,
    kill: () => proc.kill(),
  };
}
