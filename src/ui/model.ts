/**
 * The UI's data: per-host state, counts, run progress and view state (selection, filter, prompts),
 * plus the actions the reducer (state.ts) accepts. Pure types and tiny helpers only.
 */
import type { HostFacts } from '../facts/types.js';
import type { HostPlan } from '../plan/types.js';
import type {
  FileResult,
  HostOutcome,
  HostPhase,
  KeyResult,
  RunEvent,
  RunKind,
} from '../run/events.js';
import { createHostTable, type HostTable } from './host-table.js';

export interface HostState {
  name: string;
  /** Position in the run's host list (inventory order); the list's tie-breaker. */
  order: number;
  phase: HostPhase;
  outcome?: HostOutcome;
  /** Keys as the host reported them at the end (before -> after, errors). */
  keys: KeyResult[];
  /** Persistent files as the host reported them (written, put back, failed...). */
  files?: FileResult[];
  error?: string;
  durationMs?: number;
  /** 1-based wave (as displayed), when the run declared waves. */
  wave?: number;
  facts?: HostFacts;
  plan?: HostPlan;
  /** Facts / plan reported again after apply or verify: the evidence "after". */
  factsAfter?: HostFacts;
  planAfter?: HostPlan;
}

/** The counting buckets: every host is in exactly one. */
export type HostBucket = HostOutcome | 'pending' | 'in_flight';
export type Counts = Record<HostBucket, number>;

export type UiPrompt = 'quit' | 'rollback';
export type UiRequest = 'pause' | 'abort' | 'rollback' | 'quit';

export interface LogEntry {
  at: string;
  kind: 'stopping' | 'health-gate' | 'paused';
  text: string;
}

export interface UiState {
  runId?: string;
  kind?: RunKind;
  playbook?: string;
  /** Epoch ms of run-started, of the latest event, and of the latest clock tick. */
  startedAt?: number;
  lastEventAt?: number;
  now?: number;
  hosts: HostTable<HostState>;
  counts: Counts;
  /** Wave k of n (k is 1-based once a wave started; 0 before). */
  wave: number;
  waveCount: number;
  /** Completed hosts with a duration, for the ETA. */
  doneDurationsMs: number;
  doneWithDuration: number;
  /** Parallelism for the ETA; when unknown, the peak number of hosts seen in flight. */
  concurrency?: number;
  peakInFlight: number;
  paused: boolean;
  stopping?: string;
  requests: Partial<Record<UiRequest, true>>;
  log: LogEntry[];
  finished?: { at: string; exitCode: number; counts: Partial<Record<HostOutcome, number>> };
  // --- view state
  rows: number;
  columns: number;
  /** The selected host by name (stays on the host while the list reorders); undefined = first. */
  selected?: string;
  /** Top row of the list window; the window also follows the selection. */
  scroll: number;
  filter: string;
  /** Text being typed after `/`; undefined when not editing the filter. */
  filterDraft?: string;
  detailOpen: boolean;
  prompt?: UiPrompt;
  /** The screen is being left before the run finished: show the summary, then exit. */
  closing?: boolean;
}

export type UiLocalAction =
  | { type: 'ui-select'; delta: number }
  | { type: 'ui-page'; delta: number }
  | { type: 'ui-filter-edit'; draft: string | undefined }
  | { type: 'ui-filter-set'; text: string }
  | { type: 'ui-toggle-detail' }
  | { type: 'ui-resize'; rows: number; columns: number }
  | { type: 'ui-tick'; now: number }
  | { type: 'ui-prompt'; prompt: UiPrompt | undefined }
  | { type: 'ui-request'; request: UiRequest }
  | { type: 'ui-config'; concurrency?: number }
  | { type: 'ui-close' };

export type UiAction = RunEvent | UiLocalAction;

export function emptyCounts(): Counts {
  return {
    pending: 0,
    in_flight: 0,
    compliant: 0,
    drift: 0,
    changed: 0,
    unchanged: 0,
    reverted: 0,
    failed: 0,
    rolled_back: 0,
    skipped: 0,
    unreachable: 0,
  };
}

export function initialUiState(
  opts: { rows?: number; columns?: number; concurrency?: number } = {},
): UiState {
  return {
    hosts: createHostTable<HostState>([], (h) => h.name),
    counts: emptyCounts(),
    wave: 0,
    waveCount: 0,
    doneDurationsMs: 0,
    doneWithDuration: 0,
    concurrency: opts.concurrency,
    peakInFlight: 0,
    paused: false,
    requests: {},
    log: [],
    rows: opts.rows ?? 24,
    columns: opts.columns ?? 80,
    scroll: 0,
    filter: '',
    detailOpen: false,
  };
}

export function bucketOf(h: Pick<HostState, 'phase' | 'outcome'>): HostBucket {
  if (h.outcome) return h.outcome;
  return h.phase === 'pending' ? 'pending' : 'in_flight';
}

/** Outcomes shown first in the list and counted as failures in summaries. */
export function isFailure(h: Pick<HostState, 'outcome'>): boolean {
  return h.outcome === 'failed' || h.outcome === 'unreachable' || h.outcome === 'reverted';
}
