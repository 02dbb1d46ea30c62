import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { at, hostEvents, runStarted } from './fixtures.js';
import { buildPlanReview } from './review.js';
import { renderLiveRollout, renderPlanReview } from './render.js';
import { createRunStore } from './store.js';
import { plan } from './fixtures.js';

/** A fake terminal: what ink writes is collected; size and TTY-ness are ours to set. */
function terminal(isTTY = true) {
  const out = Object.assign(new EventEmitter(), {
    isTTY,
    rows: 20,
    columns: 90,
    chunks: [] as string[],
    write(chunk: string) {
      out.chunks.push(chunk);
      return true;
    },
  });
  const input = Object.assign(new EventEmitter(), {
    isTTY,
    data: null as string | null,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = input.data;
      input.data = null;
      return d;
    },
    type(data: string) {
      input.data = data;
      input.emit('readable');
    },
  });
  const streams = {
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    // vitest replaces the console; ink's console patching cannot wrap it.
    patchConsole: false,
  };
  // eslint-disable-next-line no-control-regex
  const text = () => out.chunks.join('').replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
  return { out, input, streams, text };
}

const noop = { onPause: () => {}, onAbort: () => {}, onRollback: () => {}, onQuit: () => {} };

afterEach(() => vi.useRealTimers());

describe('renderLiveRollout', () => {
  it('refuses to draw on a non-TTY (use the plain or JSONL printer there)', () => {
    const t = terminal(false);
    expect(() => renderLiveRollout(createRunStore(), noop, t.streams)).toThrow(
      /interactive terminal.*--plain/,
    );
  });

  it('takes the terminal size, follows resizes and exits leaving the summary as the last frame', async () => {
    const t = terminal();
    const store = createRunStore({ throttleMs: 0 });
    const ui = renderLiveRollout(store, noop, { ...t.streams, tickMs: 60_000 });
    expect(store.getState()).toMatchObject({ rows: 20, columns: 90 });
    t.out.rows = 30;
    t.out.columns = 120;
    t.out.emit('resize');
    expect(store.getState()).toMatchObject({ rows: 30, columns: 120 });
    store.dispatch(runStarted(['web-1', 'web-2']));
    [...hostEvents('web-1', 'changed', 0), ...hostEvents('web-2', 'failed', 0)].forEach(
      store.dispatch,
    );
    store.dispatch({
      type: 'run-finished',
      at: at(3000),
      runId: 'r-20240501-0300',
      exitCode: 2,
      counts: {},
    });
    await ui.done;
    const finalText = t.text();
    const lastSummary = finalText.lastIndexOf('finished in 3.0s — exit 2');
    expect(lastSummary).toBeGreaterThan(-1);
    // Nothing of the live screen is drawn after the summary.
    expect(finalText.slice(lastSummary)).not.toContain('PgUp/PgDn');
    expect(finalText.slice(lastSummary)).toContain('sysfleet rollback r-20240501-0300');
    expect(t.out.listenerCount('resize')).toBe(0);
  });

  it('passes keys to the callbacks', async () => {
    const t = terminal();
    const store = createRunStore({ throttleMs: 0 });
    const onPause = vi.fn();
    const ui = renderLiveRollout(store, { ...noop, onPause }, { ...t.streams, tickMs: 60_000 });
    store.dispatch(runStarted(['web-1']));
    t.input.type('p');
    await vi.waitFor(() => expect(onPause).toHaveBeenCalledTimes(1));
    ui.unmount();
    await ui.done;
  });

  it('leaving before the run finished still leaves a summary, saying so', async () => {
    const t = terminal();
    const store = createRunStore({ throttleMs: 0 });
    const ui = renderLiveRollout(store, noop, { ...t.streams, tickMs: 60_000 });
    store.dispatch(runStarted(['web-1', 'web-2']));
    hostEvents('web-1', 'changed', 0).forEach(store.dispatch);
    hostEvents('web-2', 'applying', 0).forEach(store.dispatch);
    ui.unmount();
    await ui.done;
    const after = t.text().slice(t.text().lastIndexOf('sysfleet apply run'));
    expect(after).toMatch(/^sysfleet apply run r-20240501-0300 left after .*, before it finished/);
    expect(after).toContain('1 changed  1 in flight  of 2 hosts');
    expect(after).not.toContain('PgUp/PgDn');
  });
});

describe('renderPlanReview', () => {
  const review = buildPlanReview([{ host: 'a', plan: plan('a') }]);

  it('rejects without a TTY instead of waiting for an answer that cannot come', async () => {
    await expect(renderPlanReview(review, terminal(false).streams)).rejects.toThrow(/--yes/);
  });

  it('resolves true on y and false on anything else', async () => {
    const yes = terminal();
    const answered = renderPlanReview(review, yes.streams);
    yes.input.type('y');
    await expect(answered).resolves.toBe(true);
    const no = terminal();
    const declined = renderPlanReview(review, no.streams);
    no.input.type('\u001B');
    await expect(declined).resolves.toBe(false);
    expect(no.text()).toContain('declined: nothing changed');
  });
});
