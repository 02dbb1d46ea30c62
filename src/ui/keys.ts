/**
 * What a key press means on the live screen, as data: reducer actions to dispatch and callbacks
 * to call. Pure (the screen only carries it out), so every binding is tested without a terminal.
 *
 * ↑/↓ (or k/j) move, PgUp/PgDn page, Home/End jump, Enter toggles the detail pane, `/` edits the
 * filter (Enter applies, Esc clears), Esc closes filter/detail, `p` pause after this wave,
 * `a` abort, `r` roll this run back (asks), `q`/Ctrl-C quit (asks while hosts are in flight).
 */
import type { Key } from 'ink';
import { reduce, type UiAction, type UiState } from './state.js';

export type UiCallback = 'onPause' | 'onAbort' | 'onRollback' | 'onQuit';

/** The callbacks the live screen is given; the UI itself never does I/O. */
export type LiveCallbacks = Record<UiCallback, () => void>;

export interface KeyCommand {
  actions: UiAction[];
  calls: UiCallback[];
}

const NONE: KeyCommand = { actions: [], calls: [] };
const act = (...actions: UiAction[]): KeyCommand => ({ actions, calls: [] });

function answerPrompt(state: UiState, input: string): KeyCommand {
  if (input !== 'y' && input !== 'Y') return act({ type: 'ui-prompt', prompt: undefined });
  if (state.prompt === 'rollback') {
    return { actions: [{ type: 'ui-request', request: 'rollback' }], calls: ['onRollback'] };
  }
  return { actions: [{ type: 'ui-request', request: 'quit' }], calls: ['onQuit'] };
}

function editFilter(draft: string, input: string, key: Partial<Key>): KeyCommand {
  if (key.return) return act({ type: 'ui-filter-set', text: draft });
  if (key.escape) return act({ type: 'ui-filter-set', text: '' });
  if (key.backspace || key.delete)
    return act({ type: 'ui-filter-edit', draft: draft.slice(0, -1) });
  if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return NONE;
  // Printable text only (a paste arrives as one string).
  const text = [...input].filter((ch) => ch >= ' ' && ch !== '\u007f').join('');
  return text ? act({ type: 'ui-filter-edit', draft: draft + text }) : NONE;
}

function quit(state: UiState): KeyCommand {
  if (state.counts.in_flight > 0) return act({ type: 'ui-prompt', prompt: 'quit' });
  return { actions: [{ type: 'ui-request', request: 'quit' }], calls: ['onQuit'] };
}

export function keyCommand(state: UiState, input: string, key: Partial<Key>): KeyCommand {
  if (state.finished) return NONE;
  if (state.prompt) {
    // A second Ctrl-C at the quit prompt means yes.
    if (key.ctrl && input === 'c' && state.prompt === 'quit') return answerPrompt(state, 'y');
    return answerPrompt(state, input);
  }
  if (state.filterDraft !== undefined) return editFilter(state.filterDraft, input, key);
  if (key.upArrow || input === 'k') return act({ type: 'ui-select', delta: -1 });
  if (key.downArrow || input === 'j') return act({ type: 'ui-select', delta: 1 });
  if (key.pageUp) return act({ type: 'ui-page', delta: -1 });
  if (key.pageDown) return act({ type: 'ui-page', delta: 1 });
  if (key.home) return act({ type: 'ui-select', delta: -Number.MAX_SAFE_INTEGER });
  if (key.end) return act({ type: 'ui-select', delta: Number.MAX_SAFE_INTEGER });
  if (key.return) return act({ type: 'ui-toggle-detail' });
  if (key.escape) {
    if (state.filter) return act({ type: 'ui-filter-set', text: '' });
    return state.detailOpen ? act({ type: 'ui-toggle-detail' }) : NONE;
  }
  if (key.ctrl && input === 'c') return quit(state);
  if (key.ctrl || key.meta) return NONE;
  switch (input) {
    case '/':
      return act({ type: 'ui-filter-edit', draft: '' });
    case 'p':
      if (state.requests.pause || state.paused) return NONE;
      return { actions: [{ type: 'ui-request', request: 'pause' }], calls: ['onPause'] };
    case 'a':
      if (state.requests.abort) return NONE;
      return { actions: [{ type: 'ui-request', request: 'abort' }], calls: ['onAbort'] };
    case 'r':
      return state.kind === 'apply' && !state.requests.rollback
        ? act({ type: 'ui-prompt', prompt: 'rollback' })
        : NONE;
    case 'q':
      return quit(state);
    default:
      return NONE;
  }
}

/**
 * Several keys can arrive as one input: fast typing, a paste, `tmux send-keys`. Carry plain text
 * out key by key, each against the state the previous key left (so "/web" opens the filter and
 * types "web", "jjj" moves three rows); a `\r` in it is Enter. Anything else is one key.
 */
export function keyCommands(state: UiState, input: string, key: Partial<Key>): KeyCommand {
  const chars = [...input];
  const plain = chars.every((ch) => ch === '\r' || (ch >= ' ' && ch !== '\u007f'));
  if (chars.length < 2 || !plain || key.ctrl || key.meta) return keyCommand(state, input, key);
  const out: KeyCommand = { actions: [], calls: [] };
  let s = state;
  for (const ch of chars) {
    const cmd = ch === '\r' ? keyCommand(s, '\r', { return: true }) : keyCommand(s, ch, {});
    out.actions.push(...cmd.actions);
    out.calls.push(...cmd.calls);
    s = cmd.actions.reduce(reduce, s);
  }
  return out;
}
