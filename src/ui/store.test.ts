import { describe, expect, it } from 'vitest';
import { at, hostNames, runStarted } from './fixtures.js';
import { createRunStore } from './store.js';

/** A manual clock and timer queue: the test decides when time passes. */
function manualTime() {
  let t = 0;
  let pending: { fn: () => void; due: number } | undefined;
  return {
    now: () => t,
    setTimer: (fn: () => void, ms: number) => (pending = { fn, due: t + ms }),
    clearTimer: () => (pending = undefined),
    advance(ms: number) {
      t += ms;
      if (pending && pending.due <= t) {
        const p = pending;
        pending = undefined;
        p.fn();
      }
    },
    get pending() {
      return pending;
    },
  };
}

describe('createRunStore', () => {
  it('folds every event at once but publishes at most once per throttle window', () => {
    const clock = manualTime();
    const store = createRunStore({ throttleMs: 100, ...clock });
    let notified = 0;
    store.subscribe(() => notified++);
    const hosts = hostNames(1000);
    store.dispatch(runStarted(hosts));
    for (const host of hosts)
      store.dispatch({ type: 'host-phase', at: at(1), host, phase: 'connecting' });
    expect(store.getState().counts.in_flight).toBe(1000);
    expect(notified).toBe(0);
    expect(store.getSnapshot().hosts.size).toBe(0);
    clock.advance(100);
    expect(notified).toBe(1);
    expect(store.getSnapshot().counts.in_flight).toBe(1000);
    store.dispatch({ type: 'host-phase', at: at(2), host: 'web-0001', phase: 'gathering' });
    clock.advance(50);
    expect(notified).toBe(1);
    clock.advance(50);
    expect(notified).toBe(2);
  });

  it('publishes key actions and the end of the run immediately', () => {
    const clock = manualTime();
    const store = createRunStore({ throttleMs: 100, ...clock });
    let notified = 0;
    store.subscribe(() => notified++);
    store.dispatch(runStarted(['a', 'b']));
    store.dispatch({ type: 'ui-select', delta: 1 });
    expect(notified).toBe(1);
    expect(store.getSnapshot().selected).toBe('b');
    expect(clock.pending).toBeUndefined();
    store.dispatch({ type: 'run-finished', at: at(9), runId: 'r', exitCode: 0, counts: {} });
    expect(notified).toBe(2);
    expect(store.getSnapshot().finished?.exitCode).toBe(0);
  });

  it('keeps the snapshot identity stable between publications and stops notifying after unsubscribe', () => {
    const clock = manualTime();
    const store = createRunStore({ ...clock });
    let notified = 0;
    const off = store.subscribe(() => notified++);
    const before = store.getSnapshot();
    store.dispatch(runStarted(['a']));
    expect(store.getSnapshot()).toBe(before);
    off();
    store.flush();
    expect(store.getSnapshot()).not.toBe(before);
    expect(notified).toBe(0);
  });
});
