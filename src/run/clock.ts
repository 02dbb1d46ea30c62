/** Time helpers for the orchestrator: ISO timestamps for events, and abort-aware races. */
import { setMaxListeners } from 'node:events';

export const now = (): string => new Date().toISOString();

/** Thrown (and caught per host) when the run's deadline or the user's Ctrl-C cuts a host short. */
export class AbortedError extends Error {
  constructor(readonly reason: 'deadline' | 'interrupted') {
    super(reason === 'deadline' ? 'run deadline reached before this host finished' : 'interrupted');
    this.name = 'AbortedError';
  }
}

/**
 * Resolve with `work`, or reject with AbortedError as soon as `signal` aborts — so that a host whose
 * transport ignores the signal still cannot hold the run past its deadline.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): AbortedError {
  const r: unknown = signal.reason;
  if (r instanceof AbortedError) return r;
  return new AbortedError(
    r instanceof DOMException && r.name === 'TimeoutError' ? 'deadline' : 'interrupted',
  );
}

/** One signal for a run: the user's (Ctrl-C) combined with the deadline. */
export function runSignal(deadlineMs: number, user?: AbortSignal): AbortSignal {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new AbortedError('deadline')), deadlineMs);
  timer.unref();
  const signal = user ? AbortSignal.any([deadline.signal, user]) : deadline.signal;
  // Every host in flight listens on the run's signal: thousands of listeners are expected.
  setMaxListeners(0, signal);
  return signal;
}
