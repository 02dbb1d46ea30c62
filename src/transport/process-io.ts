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

/**
 * SIGKILL a child started with `detached: true` and everything in its process group (what a
 * shell or ssh started: a ProxyCommand, a command's children); the child alone if that fails.
 */
export function killGroup(child: {
  pid?: number | undefined;
  kill(signal: NodeJS.Signals): boolean;
}): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Cap on collected stdout and stderr each; beyond it the command is killed. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

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
  const max = io.maxOutputBytes ?? MAX_OUTPUT_BYTES;
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
        out.sizes[name] += chunk.length;
        if (out.sizes[name] > max) {
          proc.kill();
          fail(
            new TransportError(
              'protocol',
              io.host,
              `${io.host}: ${name} of the command exceeded ${max} bytes (killed)`,
            ),
          );
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

/** Hand the streams to the caller; timeout and abort still kill it and reject `done`. */
export function stream(proc: RawProcess, io: Omit<RunIo, 'stdin'>): RemoteProcess {
  let rejectDone: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectDone = reject;
  });
  let settled = false;
  const disarm = guard(proc, io, (e) => {
    if (settled) return;
    settled = true;
    rejectDone(e);
  });
  if (io.signal?.aborted) {
    proc.kill();
    settled = true;
    rejectDone(abortError(io.host, io.signal));
  }
  proc.stdin.on('error', () => undefined);
  if (io.stdinPrefix) proc.stdin.write(io.stdinPrefix);
  const done = Promise.race([
    proc.exit.then((r) => {
      settled = true;
      disarm();
      return r;
    }),
    failed,
  ]);
  done.catch(() => undefined); // the caller may only await it later
  return {
    stdin: proc.stdin,
    stdout: proc.stdout,
    stderr: proc.stderr,
    done,
    kill: () => proc.kill(),
  };
}
