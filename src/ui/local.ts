/**
 * The UI-local half of the reducer: selection, paging, filter, detail pane, prompts, requests,
 * resize and clock ticks. Selection follows a host by name; moves happen within the current view.
 */
import type { UiLocalAction, UiState } from './model.js';
import { hostView, layout, selectedIndex, windowStart } from './view.js';

function moveSelection(state: UiState, delta: number, pageRows: number): UiState {
  const view = hostView(state);
  if (view.length === 0) return state;
  const { listRows } = layout(state);
  const current = selectedIndex(state);
  const next = Math.min(view.length - 1, Math.max(0, current + delta));
  // Paging scrolls the window by a page too; single steps only scroll to keep the row visible.
  const start = windowStart(view.length, listRows, state.scroll, current);
  const scroll = windowStart(view.length, listRows, start + (pageRows ? delta : 0), next);
  return { ...state, selected: view[next]?.name, scroll };
}

export function reduceLocal(state: UiState, action: UiLocalAction): UiState {
  switch (action.type) {
    case 'ui-select':
      return moveSelection(state, action.delta, 0);
    case 'ui-page': {
      const rows = layout(state).listRows;
      return moveSelection(state, action.delta * rows, rows);
    }
    case 'ui-filter-edit':
      return { ...state, filterDraft: action.draft };
    case 'ui-filter-set':
      return { ...state, filter: action.text.trim(), filterDraft: undefined, scroll: 0 };
    case 'ui-toggle-detail':
      return { ...state, detailOpen: !state.detailOpen };
    case 'ui-resize':
      return {
        ...state,
        rows: Math.max(8, Math.floor(action.rows)),
        columns: Math.max(20, Math.floor(action.columns)),
      };
    case 'ui-tick':
      return { ...state, now: action.now };
    case 'ui-prompt':
      return { ...state, prompt: action.prompt };
    case 'ui-request':
      return {
        ...state,
        prompt: undefined,
        requests: { ...state.requests, [action.request]: true },
      };
    case 'ui-close':
      return { ...state, closing: true, prompt: undefined, filterDraft: undefined };
    case 'ui-config':
      return { ...state, concurrency: action.concurrency ?? state.concurrency };
  }
}
