/**
 * Ctrl-C during a run: the first one stops new hosts from starting while in-flight hosts finish
 * (so no host is left half-changed) and the run is recorded; a second one exits at once.
 */
import { AbortedError } from '../run/clock.js';

export interface Interrupt {
  signal: AbortSignal;
  /** Stop the run as if Ctrl-C was pressed (the UI's `a`/`q`). */
  trigger(): void;
  dispose(): void;
}

export function interruptController(
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Interrupt {
  const controller = new AbortController();
  let presses = 0;
  const trigger = () => {
    if (controller.signal.aborted) return;
    warn('stopping: no new hosts start; hosts in flight finish (Ctrl-C again to exit now)');
    controller.abort(new AbortedError('interrupted'));
  };
  const onSigint = () => {
    presses++;
    if (presses > 1) process.exit(130);
    trigger();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: controller.signal,
    trigger,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}
