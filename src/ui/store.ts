/**
 * RunStore: the reducer's state held outside React. Every action is folded in immediately;
 * subscribers (React via useSyncExternalStore) are told at most once per `throttleMs`, so
 * thousands of events per second neither flicker nor slow the run. Keys and the end of the run
 * are published at once, so the screen answers a key press without waiting.
 */
import { initialUiState, reduce, type UiAction, type UiState } from './state.js';

export interface RunStore {
  dispatch(action: UiAction): void;
  subscribe(listener: () => void): () => void;
  /** The last published state (what the screen shows). Stable between publications. */
  getSnapshot(): UiState;
  /** The latest state, including events not yet published. */
  getState(): UiState;
  /** Publish now (e.g. before unmounting). */
  flush(): void;
  /** Cancel a pending publication timer. */
  close(): void;
}

export interface RunStoreOptions {
  throttleMs?: number;
  initial?: UiState;
  /** Injected for tests; default the global timers and Date.now. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

export function createRunStore(opts: RunStoreOptions = {}): RunStore {
  const throttleMs = opts.throttleMs ?? 100;
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const now = opts.now ?? Date.now;
  const listeners = new Set<() => void>();
  let state = opts.initial ?? initialUiState();
  let snapshot = state;
  let lastPublish = Number.NEGATIVE_INFINITY;
  let timer: unknown;

  function publish(): void {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    lastPublish = now();
    if (snapshot === state) return;
    snapshot = state;
    for (const l of [...listeners]) l();
  }

  function schedule(): void {
    if (timer !== undefined) return;
    const wait = Math.max(0, throttleMs - (now() - lastPublish));
    timer = setTimer(publish, wait);
  }

  return {
    dispatch(action) {
      state = reduce(state, action);
      if (action.type.startsWith('ui-') && action.type !== 'ui-tick') publish();
      else if (action.type === 'run-finished') publish();
      else schedule();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    getState: () => state,
    flush: publish,
    close() {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    },
  };
}
