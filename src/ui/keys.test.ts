import { describe, expect, it } from 'vitest';
import { scenario } from './fixtures.js';
import { keyCommand, keyCommands } from './keys.js';
import { initialUiState, reduce, type UiState } from './state.js';

const running = (): UiState =>
  scenario(4, (i) => (i === 0 ? 'applying' : 'changed')).reduce(reduce, initialUiState());
const idle = (): UiState => scenario(2, () => 'changed').reduce(reduce, initialUiState());

describe('keyCommand', () => {
  it.each([
    ['down arrow', '', { downArrow: true }, { type: 'ui-select', delta: 1 }],
    ['j', 'j', {}, { type: 'ui-select', delta: 1 }],
    ['up arrow', '', { upArrow: true }, { type: 'ui-select', delta: -1 }],
    ['PgDn', '', { pageDown: true }, { type: 'ui-page', delta: 1 }],
    ['PgUp', '', { pageUp: true }, { type: 'ui-page', delta: -1 }],
    ['Enter', '\r', { return: true }, { type: 'ui-toggle-detail' }],
    ['/', '/', {}, { type: 'ui-filter-edit', draft: '' }],
  ])('%s -> %j', (_name, input, key, action) => {
    expect(keyCommand(running(), input, key)).toEqual({ actions: [action], calls: [] });
  });

  it('p, a call onPause and onAbort once each', () => {
    let s = running();
    const p = keyCommand(s, 'p', {});
    expect(p.calls).toEqual(['onPause']);
    s = p.actions.reduce(reduce, s);
    expect(keyCommand(s, 'p', {}).calls).toEqual([]);
    const a = keyCommand(s, 'a', {});
    expect(a.calls).toEqual(['onAbort']);
    expect(keyCommand(a.actions.reduce(reduce, s), 'a', {}).calls).toEqual([]);
  });

  it('q asks while hosts are in flight; y quits, anything else cancels', () => {
    const s = running();
    const q = keyCommand(s, 'q', {});
    expect(q).toEqual({ actions: [{ type: 'ui-prompt', prompt: 'quit' }], calls: [] });
    const asking = q.actions.reduce(reduce, s);
    expect(keyCommand(asking, 'y', {}).calls).toEqual(['onQuit']);
    expect(keyCommand(asking, 'n', {})).toEqual({
      actions: [{ type: 'ui-prompt', prompt: undefined }],
      calls: [],
    });
    expect(keyCommand(asking, '', { escape: true }).calls).toEqual([]);
    expect(keyCommand(asking, 'c', { ctrl: true }).calls).toEqual(['onQuit']);
  });

  it('q quits at once when nothing is in flight; Ctrl-C behaves like q', () => {
    expect(keyCommand(idle(), 'q', {}).calls).toEqual(['onQuit']);
    expect(keyCommand(running(), 'c', { ctrl: true }).actions).toEqual([
      { type: 'ui-prompt', prompt: 'quit' },
    ]);
  });

  it('r asks before rolling an apply run back, and only for apply runs', () => {
    const s = running();
    const r = keyCommand(s, 'r', {});
    expect(r.actions).toEqual([{ type: 'ui-prompt', prompt: 'rollback' }]);
    expect(keyCommand(r.actions.reduce(reduce, s), 'y', {}).calls).toEqual(['onRollback']);
    const check = scenario(2, () => 'drift', { kind: 'check' }).reduce(reduce, initialUiState());
    expect(keyCommand(check, 'r', {}).actions).toEqual([]);
  });

  it('while typing a filter, letters go to the draft (q does not quit)', () => {
    const s = reduce(running(), { type: 'ui-filter-edit', draft: 'we' });
    expect(keyCommand(s, 'q', {})).toEqual({
      actions: [{ type: 'ui-filter-edit', draft: 'weq' }],
      calls: [],
    });
    expect(keyCommand(s, '', { backspace: true }).actions).toEqual([
      { type: 'ui-filter-edit', draft: 'w' },
    ]);
    expect(keyCommand(s, '\r', { return: true }).actions).toEqual([
      { type: 'ui-filter-set', text: 'we' },
    ]);
    expect(keyCommand(s, '', { escape: true }).actions).toEqual([
      { type: 'ui-filter-set', text: '' },
    ]);
  });

  it('Esc clears an applied filter, then closes the detail pane', () => {
    let s = reduce(reduce(running(), { type: 'ui-filter-set', text: 'web' }), {
      type: 'ui-toggle-detail',
    });
    expect(keyCommand(s, '', { escape: true }).actions).toEqual([
      { type: 'ui-filter-set', text: '' },
    ]);
    s = reduce(s, { type: 'ui-filter-set', text: '' });
    expect(keyCommand(s, '', { escape: true }).actions).toEqual([{ type: 'ui-toggle-detail' }]);
  });

  it('ignores keys once the run finished', () => {
    const s = scenario(2, () => 'changed', { finished: true }).reduce(reduce, initialUiState());
    expect(keyCommand(s, 'q', {})).toEqual({ actions: [], calls: [] });
  });
});

describe('keyCommands: several keys in one input (fast typing, a paste, tmux send-keys)', () => {
  it('"/web" opens the filter and types "web"', () => {
    const cmd = keyCommands(running(), '/web', {});
    expect(cmd.actions.reduce(reduce, running()).filterDraft).toBe('web');
    expect(cmd.calls).toEqual([]);
  });

  it('"/web\\r" applies the filter', () => {
    const s = keyCommands(running(), '/web\r', {}).actions.reduce(reduce, running());
    expect(s.filter).toBe('web');
    expect(s.filterDraft).toBeUndefined();
  });

  it('"jjj" moves three rows, "pa" pauses and aborts', () => {
    expect(keyCommands(running(), 'jjj', {}).actions).toEqual([
      { type: 'ui-select', delta: 1 },
      { type: 'ui-select', delta: 1 },
      { type: 'ui-select', delta: 1 },
    ]);
    expect(keyCommands(running(), 'pa', {}).calls).toEqual(['onPause', 'onAbort']);
  });

  it('one key, or one with modifiers, is keyCommand unchanged', () => {
    expect(keyCommands(running(), 'j', {})).toEqual(keyCommand(running(), 'j', {}));
    expect(keyCommands(running(), 'c', { ctrl: true })).toEqual(
      keyCommand(running(), 'c', { ctrl: true }),
    );
  });
});
