/**
 * Where run events go: the ink live view on a terminal, plain lines with --plain / NO_COLOR / no
 * TTY, or one JSON event per line with --events. All three read the same RunEvent stream.
 */
import type { RunEvent } from '../run/events.js';
import { loadUi } from './load-ui.js';
import { createJsonlPrinter } from '../ui/jsonl.js';
import type { LiveCallbacks } from '../ui/keys.js';
import { createPlainPrinter } from '../ui/plain.js';
import { createRunStore } from '../ui/store.js';

export interface OutputOptions {
  plain: boolean;
  events: boolean;
}

export interface EventSink {
  emit(event: RunEvent): void;
  /** Operator-facing warnings (host key policy, interrupts): always on stderr, never lost. */
  warn(line: string): void;
  /** Wait for the view to finish (the live view leaves its summary on screen). */
  close(): Promise<void>;
}

export type OutputMode = 'tui' | 'plain' | 'events' | 'quiet';

export function outputMode(opts: OutputOptions, quietWhenPlain = false): OutputMode {
  if (opts.events) return 'events';
  const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  if (tty && !opts.plain && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb')
    return 'tui';
  return quietWhenPlain ? 'quiet' : 'plain';
}

const noCallbacks: LiveCallbacks = {
  onPause: () => undefined,
  onAbort: () => undefined,
  onRollback: () => undefined,
  onQuit: () => undefined,
};

export function eventSink(
  opts: OutputOptions,
  cfg: { quiet?: boolean; callbacks?: Partial<LiveCallbacks>; quietWhenPlain?: boolean } = {},
): EventSink {
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  const mode = cfg.quiet ? 'quiet' : outputMode(opts, cfg.quietWhenPlain);
  if (mode === 'events')
    return { emit: createJsonlPrinter(process.stdout), warn, close: async () => undefined };
  if (mode === 'plain')
    return { emit: createPlainPrinter(process.stderr), warn, close: async () => undefined };
  if (mode === 'quiet') return { emit: () => undefined, warn, close: async () => undefined };
  // 4 frames a second: every frame costs ink a pass over the whole screen (ANSI tokenizing and
  // character widths); keys still redraw at once (docs/benchmarks-tui.md).
  const store = createRunStore({ throttleMs: 250 });
  // Events dispatched while the UI loads wait in the store.
  const handle = loadUi().then((ui) =>
    ui.renderLiveRollout(store, { ...noCallbacks, ...cfg.callbacks }),
  );
  return {
    emit: (e) => store.dispatch(e),
    warn,
    close: async () => {
      await (
        await handle
      ).done;
    },
  };
}
