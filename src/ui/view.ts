/**
 * Views derived from UiState, pure and memoised: the ordered, filtered host list (failures
 * first, then in flight, then the rest, each in run order), the window of it that fits the
 * terminal, the screen layout and the ETA.
 */
import { forEachHost, getHost, type HostTable } from './host-table.js';
import { isFailure, type HostState, type UiState } from './model.js';

/** Lines the live screen spends outside the host list: header 4, footer 1, one spare row. */
const CHROME_ROWS = 6;

export interface Layout {
  listRows: number;
  detailRows: number;
}

/** How the terminal's rows are shared; the frame never reaches the last row (no scrolling). */
/** The pane under the host list shows the selected host, or what `r` would undo while it asks. */
export function paneOpen(state: Pick<UiState, 'detailOpen' | 'prompt'>): boolean {
  return state.detailOpen || state.prompt === 'rollback';
}

export function layout(state: Pick<UiState, 'rows' | 'detailOpen' | 'prompt'>): Layout {
  const free = Math.max(2, state.rows - CHROME_ROWS);
  const detailRows = paneOpen(state) ? Math.min(14, Math.max(4, Math.floor(free / 2))) : 0;
  return { listRows: Math.max(1, free - detailRows), detailRows };
}

export function rank(h: HostState): 0 | 1 | 2 {
  if (isFailure(h)) return 0;
  if (!h.outcome && h.phase !== 'pending') return 1;
  return 2;
}

export function matchesFilter(h: HostState, needle: string): boolean {
  if (needle === '') return true;
  const hay = `${h.name} ${h.outcome ?? h.phase}`.toLowerCase();
  return hay.includes(needle.toLowerCase());
}

interface ViewMemo {
  filter: string;
  view: readonly HostState[];
  positions?: Map<string, number>;
}
const memo = new WeakMap<HostTable<HostState>, ViewMemo>();

function memoFor(state: Pick<UiState, 'hosts' | 'filter'>): ViewMemo {
  const hit = memo.get(state.hosts);
  if (hit && hit.filter === state.filter) return hit;
  // Three buckets filled in run order: O(n), stable, no comparator sort.
  const buckets: HostState[][] = [[], [], []];
  forEachHost(state.hosts, (h) => {
    if (matchesFilter(h, state.filter)) buckets[rank(h)]?.push(h);
  });
  const entry: ViewMemo = { filter: state.filter, view: buckets.flat() };
  memo.set(state.hosts, entry);
  return entry;
}

/** The list as displayed: failures, in flight, rest; filtered. Memoised per (hosts, filter). */
export function hostView(state: Pick<UiState, 'hosts' | 'filter'>): readonly HostState[] {
  return memoFor(state).view;
}

/** Index of the selected host in the view (0 when none is selected or it is filtered out). */
export function selectedIndex(state: Pick<UiState, 'hosts' | 'filter' | 'selected'>): number {
  if (state.selected === undefined) return 0;
  const m = memoFor(state);
  m.positions ??= new Map(m.view.map((h, i) => [h.name, i]));
  return m.positions.get(state.selected) ?? 0;
}

export function selectedHost(
  state: Pick<UiState, 'hosts' | 'filter' | 'selected'>,
): HostState | undefined {
  const view = hostView(state);
  if (state.selected !== undefined) {
    const h = getHost(state.hosts, state.selected);
    if (h && matchesFilter(h, state.filter)) return h;
  }
  return view[0];
}

/** First visible row: the stored scroll, moved just enough to keep the selection in sight. */
export function windowStart(total: number, rows: number, scroll: number, selected: number): number {
  let start = Math.min(Math.max(0, scroll), Math.max(0, total - rows));
  if (selected < start) start = selected;
  if (selected >= start + rows) start = selected - rows + 1;
  return Math.max(0, start);
}

export interface ListWindow {
  rows: readonly HostState[];
  start: number;
  total: number;
  selected: number;
}

export function listWindow(state: UiState): ListWindow {
  const view = hostView(state);
  const { listRows } = layout(state);
  const selected = selectedIndex(state);
  const start = windowStart(view.length, listRows, state.scroll, selected);
  return { rows: view.slice(start, start + listRows), start, total: view.length, selected };
}

/** Hosts with an outcome (every bucket but pending and in flight). */
export function hostsDone(state: Pick<UiState, 'counts'>): number {
  let n = 0;
  for (const [bucket, count] of Object.entries(state.counts)) {
    if (bucket !== 'pending' && bucket !== 'in_flight') n += count;
  }
  return n;
}

export function elapsedMs(
  state: Pick<UiState, 'startedAt' | 'lastEventAt' | 'now' | 'finished'>,
): number {
  if (state.startedAt === undefined) return 0;
  const end = state.finished ? state.lastEventAt : Math.max(state.now ?? 0, state.lastEventAt ?? 0);
  return Math.max(0, (end ?? state.startedAt) - state.startedAt);
}

/**
 * Remaining time: hosts not yet done x mean completed-host duration / concurrency. Undefined until
 * a host completed, and once the run stops, pauses or finishes (it would only mislead then).
 */
export function etaMs(state: UiState): number | undefined {
  if (state.finished || state.paused || state.stopping || state.doneWithDuration === 0) {
    return undefined;
  }
  const remaining = state.counts.pending + state.counts.in_flight;
  const mean = state.doneDurationsMs / state.doneWithDuration;
  const concurrency = Math.max(1, state.concurrency ?? state.peakInFlight);
  return Math.round((remaining * mean) / concurrency);
}
